// The JSON form of a History (`pgo-harness history --format json`, `--json FILE`), for
// nightly jobs that chart or gate on the trend themselves. Its JSON Schema is
// reports/history.schema.json; "schema_version" is bumped when a field changes meaning or
// disappears.
#pragma once

#include <nlohmann/json.hpp>

#include "reports/history.h"

namespace pgo::reports {

inline constexpr int kHistorySchemaVersion = 1;

nlohmann::json history_to_json(const History& history);

}  // namespace pgo::reports
