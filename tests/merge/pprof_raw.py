"""Parses `go tool pprof -symbolize=none -raw` text into a form that can be compared.

Two merges of the same inputs may number IDs differently, order samples differently and
rebase addresses onto different mapping starts; they describe the same profile when the
header fields, the mappings (up to their start address) and the samples agree, where a
sample is keyed by its stack written out in full (per frame: address relative to its
mapping, the mapping's file and build ID, folded flag, and each line's function name,
system name, file, line, column and start line) plus its labels.

    a = parse(text_of_ours); b = parse(text_of_pprof)
    problems = compare(a, b)   # [] when they describe the same profile
"""

import re

_SAMPLE = re.compile(r"^\s*(-?\d+(?:\s+-?\d+)*):\s*((?:\d+\s*)*)$")
_LOCATION = re.compile(r"^\s*(\d+): (0x[0-9a-f]+) (?:M=(\d+) )?(\[F\] )?(.*)$")
_LINE = re.compile(r"^(.*) (\S*):(-?\d+):(-?\d+) s=(-?\d+)(?:\((.*)\))?$")
_MAPPING = re.compile(r"^(\d+): (0x[0-9a-f]+)/(0x[0-9a-f]+)/(0x[0-9a-f]+) (.*)$")


def _parse_line(text):
    if text == "??":
        return ("??",)
    m = _LINE.match(text)
    if not m:
        raise ValueError("cannot parse location line: %r" % text)
    name, file, line, col, start, system = m.groups()
    return (name, system if system is not None else name, file, int(line), int(col), int(start))


def parse(text):
    """Returns a dict: header (dict), mappings (set, those samples use), samples (dict key -> values),
    totals (list), duplicates (number of sample keys seen twice)."""
    lines = text.splitlines()
    header = {"comments": []}
    section = "header"
    samples_raw = []  # (values, [loc ids], [label lines])
    locations = {}
    mappings = {}
    current_loc = None
    for raw in lines:
        if section == "header":
            if raw.startswith("Comment: "):
                header["comments"].append(raw[len("Comment: "):])
            elif raw == "Samples:":
                section = "sample_types"
            elif ": " in raw:
                key, value = raw.split(": ", 1)
                header[key] = value
            continue
        if section == "sample_types":
            header["sample_types"] = raw.strip()
            section = "samples"
            continue
        if raw == "Locations":
            section = "locations"
            continue
        if raw == "Mappings":
            section = "mappings"
            continue
        if section == "samples":
            m = _SAMPLE.match(raw)
            if m:
                values = [int(v) for v in m.group(1).split()]
                ids = [int(v) for v in m.group(2).split()]
                samples_raw.append((values, ids, []))
            elif raw.strip():
                samples_raw[-1][2].append(raw.strip())
        elif section == "locations":
            m = _LOCATION.match(raw)
            if m:
                loc_id, addr, mapping, folded, rest = m.groups()
                current_loc = {
                    "address": int(addr, 16),
                    "mapping": int(mapping) if mapping else None,
                    "folded": bool(folded),
                    "lines": [] if rest.strip() == "" else [_parse_line(rest.strip())],
                }
                locations[int(loc_id)] = current_loc
            elif raw.strip():
                current_loc["lines"].append(_parse_line(raw.strip()))
        elif section == "mappings":
            m = _MAPPING.match(raw)
            if m:
                mid, start, limit, offset, rest = m.groups()
                parts = rest.split(" ")
                # "FILE BUILDID BITS": FILE and BUILDID may be empty, BITS may be empty.
                file, build_id, bits = (parts + ["", "", ""])[:3] if len(parts) <= 3 else (
                    " ".join(parts[:-2]), parts[-2], parts[-1])
                mappings[int(mid)] = {
                    "start": int(start, 16),
                    "size": int(limit, 16) - int(start, 16),
                    "offset": int(offset, 16),
                    "file": file,
                    "build_id": build_id,
                    "bits": bits,
                }

    def frame(loc_id):
        loc = locations[loc_id]
        if loc["mapping"] is None:
            return (loc["address"], None, loc["folded"], tuple(loc["lines"]))
        m = mappings[loc["mapping"]]
        return (loc["address"] - m["start"], (m["file"], m["build_id"], m["offset"]),
                loc["folded"], tuple(loc["lines"]))

    samples = {}
    duplicates = 0
    totals = None
    for values, ids, labels in samples_raw:
        key = (tuple(frame(i) for i in ids), tuple(sorted(labels)))
        if key in samples:
            duplicates += 1
            samples[key] = [a + b for a, b in zip(samples[key], values)]
        else:
            samples[key] = list(values)
        totals = list(values) if totals is None else [a + b for a, b in zip(totals, values)]
    # Only mappings that samples reach: pprof leaves a single input uncompacted.
    used = {locations[i]["mapping"] for _, ids, _ in samples_raw for i in ids}
    mapping_set = {(m["size"], m["offset"], m["file"], m["build_id"], m["bits"])
                   for mid, m in mappings.items() if mid in used}
    header["comments"] = sorted(header["comments"])
    return {
        "header": header,
        "mappings": mapping_set,
        "samples": samples,
        "totals": totals or [],
        "duplicates": duplicates,
    }


def compare(ours, theirs, check_mappings=True):
    """Differences between two parsed profiles, as readable strings; [] if none."""
    problems = []
    if ours["header"] != theirs["header"]:
        problems.append("header differs: %r vs %r" % (ours["header"], theirs["header"]))
    if ours["duplicates"]:
        problems.append("%d duplicate samples in ours" % ours["duplicates"])
    if ours["totals"] != theirs["totals"]:
        problems.append("totals differ: %r vs %r" % (ours["totals"], theirs["totals"]))
    if check_mappings and ours["mappings"] != theirs["mappings"]:
        problems.append("mappings differ: %r vs %r" % (ours["mappings"], theirs["mappings"]))
    a, b = ours["samples"], theirs["samples"]
    if a != b:
        only_a = [k for k in a if k not in b]
        only_b = [k for k in b if k not in a]
        diff_v = [k for k in a if k in b and a[k] != b[k]]
        problems.append("samples differ: %d only in ours, %d only in theirs, %d with other values"
                        % (len(only_a), len(only_b), len(diff_v)))
        for k in (only_a + only_b + diff_v)[:3]:
            problems.append("  e.g. %r: %r vs %r" % (k, a.get(k), b.get(k)))
    return problems
