#!/usr/bin/env python3
"""The real benchstat (golang.org/x/perf/cmd/benchstat) as the oracle of the harness's
Go benchmark-format support.

Risks guarded against: `compare` of two `go test -bench` files giving other medians,
p-values or significance calls than benchstat on the same files; benchfmt exports of
`bench` and `run` that benchstat reads differently from what the harness itself reports
(other medians, other p-values for the same runs, builds not told apart by `pgo:`).

Usage: benchstat_oracle_test.py PGO_HARNESS TESTS_DIR CASE
CASE: gobench (30 seeded random file pairs), bench_export (real commands),
run_export (a real `run` of tests/cli/testdata/pgoloop; needs Go), run_export_gotest (a real
`run` of a gotest workload of tests/support/testdata/gotool: per-benchmark rows).
"""
import atexit
import csv
import hashlib
import io
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile

HARNESS, TESTS_DIR, CASE = sys.argv[1], sys.argv[2], sys.argv[3]
ALPHA = 0.05

# benchstat prints time and throughput in tidied units (benchunit.Tidy).
TIDY = {"ns/op": ("sec/op", 1e-9), "MB/s": ("B/s", 1e6)}


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def work_directory(prefix):
    """A fresh temporary directory, removed when the test exits (passed or failed)."""
    work = tempfile.mkdtemp(prefix=prefix)
    atexit.register(shutil.rmtree, work, ignore_errors=True)
    return work


def find_benchstat():
    found = shutil.which("benchstat")
    if found:
        return found
    try:
        gopath = subprocess.run(["go", "env", "GOPATH"], capture_output=True, text=True,
                                check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        gopath = os.path.expanduser("~/go")
    candidate = os.path.join(gopath, "bin", "benchstat")
    if os.access(candidate, os.X_OK):
        return candidate
    fail("benchstat is not installed: run scripts/install-deps.sh (go install "
         "golang.org/x/perf/cmd/benchstat)")


BENCHSTAT = find_benchstat()


def benchstat_tables(args):
    """benchstat -format csv: {unit: {"columns": [...], "rows": {name: [cells...]}}}."""
    out = subprocess.run([BENCHSTAT, "-format", "csv"] + args, capture_output=True,
                         text=True)
    if out.returncode != 0:
        fail("benchstat failed: " + out.stderr)
    tables = {}
    lines = [l for l in out.stdout.splitlines()]
    i = 0
    while i < len(lines):
        if "," not in lines[i]:
            i += 1
            continue
        header = next(csv.reader([lines[i]]))
        units = next(csv.reader([lines[i + 1]]))
        unit = units[1]
        columns = [h for h in header[1:] if h]
        rows = {}
        i += 2
        while i < len(lines) and "," in lines[i]:
            cells = next(csv.reader([lines[i]]))
            rows[cells[0]] = cells[1:]
            i += 1
        tables[unit] = {"columns": columns, "rows": rows}
    return tables


def cell_for(table, row, column_index):
    """(center, delta, p_and_n) of a column; the base column (0) has no delta."""
    cells = table["rows"][row]
    if column_index == 0:
        return float(cells[0]), None, None
    at = 2 + (column_index - 1) * 4
    return float(cells[at]), cells[at + 2], cells[at + 3] if at + 3 < len(cells) else ""


def p_of(p_and_n):
    for part in p_and_n.split():
        if part.startswith("p="):
            return float(part[2:])
    return None


def close(a, b, rel=1e-9):
    return abs(a - b) <= rel * max(abs(a), abs(b), 1e-300)


def harness(*args):
    return subprocess.run([HARNESS] + list(args), capture_output=True, text=True)


def tied_u_distribution(a, b):
    """{2*U_a: probability} given the tie pattern of a + b, by dynamic programming over
    the groups of equal values, and 2*U_a observed. Independent of the C++ code."""
    m = len(a)
    values = sorted(set(a + b))
    ways = {(0, 0): 1}
    start = 1
    for v in values:
        t = (a + b).count(v)
        doubled_mid = start + start + t - 1
        nxt = {}
        for (k, s), w in ways.items():
            for c in range(0, min(t, m - k) + 1):
                key = (k + c, s + c * doubled_mid)
                nxt[key] = nxt.get(key, 0) + w * math.comb(t, c)
        ways = nxt
        start += t
    total = sum(w for (k, _), w in ways.items() if k == m)
    dist = {}
    for (k, s), w in ways.items():
        if k == m:
            dist[s - m * (m + 1)] = dist.get(s - m * (m + 1), 0) + w / total
    ranks = {}
    ordered = sorted(a + b)
    for v in values:
        first = ordered.index(v) + 1
        ranks[v] = first + first + ordered.count(v) - 1
    doubled_u = sum(ranks[x] for x in a) - m * (m + 1)
    return dist, doubled_u


def check_pair(label, ours_p, ours_median, theirs_center, theirs_delta, theirs_p_and_n, scale,
               samples=None):
    """samples: (base, new) values, to explain a p-value that differs from benchstat's."""
    if not close(ours_median * scale, theirs_center):
        fail(f"{label}: median {ours_median} (x{scale}) vs benchstat {theirs_center}")
    theirs_p = p_of(theirs_p_and_n)
    if theirs_p is None:
        theirs_p = 0.0  # benchstat prints no p when it computed 0
    if abs(round(ours_p, 3) - theirs_p) > 1e-9:
        # The one documented difference (stats/sample_comparison.h): with ties, benchstat
        # doubles the lower tail at min(u_a, u_b); the harness doubles the smaller tail at
        # u_a. Both must be what an independent computation of each rule gives.
        if samples is None or len(set(samples[0] + samples[1])) == len(samples[0] + samples[1]):
            fail(f"{label}: p {ours_p:.6f} vs benchstat p={theirs_p:.3f}")
        dist, doubled_u = tied_u_distribution(*samples)
        mn = len(samples[0]) * len(samples[1])
        lower = sum(p for u, p in dist.items() if u <= doubled_u)
        upper = sum(p for u, p in dist.items() if u >= doubled_u)
        ours_rule = min(1.0, 2 * min(lower, upper))
        u_small = min(doubled_u, 2 * mn - doubled_u)
        benchstat_rule = 2 * sum(p for u, p in dist.items() if u <= u_small)
        if abs(ours_rule - ours_p) > 1e-9 or abs(round(benchstat_rule, 3) - theirs_p) > 1e-9:
            fail(f"{label}: p {ours_p} / benchstat {theirs_p}: rules give {ours_rule} / "
                 f"{benchstat_rule}")
        DEVIATIONS.append(f"{label}: p {ours_p:.4f}, benchstat {theirs_p:.3f}")
        return
    ours_significant = ours_p < ALPHA
    theirs_significant = theirs_delta != "~"
    if ours_significant != theirs_significant:
        fail(f"{label}: significant {ours_significant} vs benchstat delta {theirs_delta}")


DEVIATIONS = []


def u_test_p(comparison):
    """The U test's p-value of a run report's comparison, the test benchstat applies: the
    verdict's own p_value unless the runs were paired by round (method paired-signed-rank),
    which keeps the U test's beside it."""
    if comparison.get("method") == "paired-signed-rank":
        if "u_test_p_value" not in comparison:
            fail(f"paired comparison without u_test_p_value: {comparison}")
        return comparison["u_test_p_value"]
    return comparison["p_value"]


def samples_of(path, name, unit):
    """The values of one benchmark and unit in a Go benchmark file (name without the
    "Benchmark" prefix, as benchstat prints it)."""
    out = []
    for line in open(path):
        f = line.split()
        if not f or f[0] != "Benchmark" + name:
            continue
        for i in range(2, len(f) - 1, 2):
            if f[i + 1] == unit:
                out.append(float(f[i]))
    return out


def write_gobench(path, benchmarks, rng):
    with open(path, "w") as f:
        f.write("goos: linux\ngoarch: amd64\npkg: example.com/oracle\ncpu: Oracle CPU\n")
        # -count N prints the N runs of a benchmark one after the other.
        for name, (center, noise, count, bytes_per_op) in benchmarks.items():
            for _ in range(count):
                ns = round(center * math.exp(rng.gauss(0, noise)))  # integer ns: ties
                mbs = round(1000.0 / ns * 1e3, 2)
                f.write(f"Benchmark{name}-2 \t{rng.randint(1000, 100000)}\t{ns} ns/op\t"
                        f"{mbs} MB/s\t{bytes_per_op} B/op\t{bytes_per_op // 32} allocs/op\n")
        f.write("PASS\nok  \texample.com/oracle\t1.0s\n")


def case_gobench():
    rng = random.Random(20261127)
    work = work_directory("pgo_benchstat_oracle_")
    checked = 0
    for pair in range(30):
        names = ["Parse", "Eval/small", "Eval/large", "Route"][: rng.randint(1, 4)]
        base, new = {}, {}
        for name in names:
            center = rng.uniform(50, 5000)
            noise = rng.choice([0.001, 0.01, 0.03])
            shift = rng.choice([1.0, 1.0, 0.97, 1.03, 0.9, 1.1])
            alloc = rng.choice([64, 64, 128])
            base[name] = (center, noise, rng.randint(3, 12), alloc)
            new[name] = (center * shift, noise, rng.randint(3, 12),
                         alloc if rng.random() < 0.8 else alloc * 2)
        old_path = os.path.join(work, f"old{pair}.txt")
        new_path = os.path.join(work, f"new{pair}.txt")
        write_gobench(old_path, base, rng)
        write_gobench(new_path, new, rng)
        cmp_json = os.path.join(work, f"cmp{pair}.json")
        result = harness("compare", "--fail-on-regression", "0%", "--json", cmp_json,
                         old_path, new_path)
        if result.returncode not in (0, 1):
            fail(f"pair {pair}: compare exited {result.returncode}: {result.stderr}")
        ours = json.load(open(cmp_json))
        if ours["input_kind"] != "benchfmt":
            fail(f"pair {pair}: input_kind {ours['input_kind']}")
        tables = benchstat_tables([old_path, new_path])
        for row in ours["rows"]:
            unit, scale = TIDY.get(row["unit"], (row["unit"], 1.0))
            table = tables.get(unit)
            if table is None:
                fail(f"pair {pair}: benchstat has no {unit} table")
            label = f"pair {pair} {row['workload']} {row['unit']}"
            if row["workload"] == "geomean":
                theirs_delta = table["rows"]["geomean"][4]
                ours_delta = (row["ratio"] - 1) * 100
                if abs(float(theirs_delta.rstrip("%")) - ours_delta) > 0.005 + 1e-9:
                    fail(f"{label}: geomean {ours_delta:+.2f}% vs benchstat {theirs_delta}")
                checked += 1
                continue
            base_center, _, _ = cell_for(table, row["workload"], 0)
            if not close(row["base"] * scale, base_center):
                fail(f"{label}: base median {row['base']} vs benchstat {base_center}")
            new_center, delta, p_and_n = cell_for(table, row["workload"], 1)
            samples = (samples_of(old_path, row["workload"], row["unit"]),
                       samples_of(new_path, row["workload"], row["unit"]))
            check_pair(label, row["p_value"], row["new"], new_center, delta, p_and_n, scale,
                       samples)
            if row["p_value"] < ALPHA and row["ratio"] != 1.0:
                if row["verdict"] not in ("regression", "improvement"):
                    fail(f"{label}: significant but verdict {row['verdict']}")
            checked += 1
        # Exit status: 1 exactly when a row is a regression.
        regressions = sum(r["verdict"] == "regression" for r in ours["rows"])
        if (result.returncode == 1) != (regressions > 0):
            fail(f"pair {pair}: exit {result.returncode} with {regressions} regressions")
    print(f"ok: {checked} rows of 30 file pairs agree with benchstat; "
          f"{len(DEVIATIONS)} p-values differ by benchstat's tail choice under ties:")
    for d in DEVIATIONS:
        print("  " + d)


def case_bench_export():
    work = work_directory("pgo_benchstat_oracle_")
    bench_txt = os.path.join(work, "bench.txt")
    bench_json = os.path.join(work, "bench.json")
    result = harness("bench", "--runs", "8", "--seed", "7", "--style", "none",
                     "--export-benchfmt", bench_txt, "--export-json", bench_json,
                     "sleep 0.01", "sleep 0.03", "sleep 0.0105")
    if result.returncode != 0:
        fail("bench failed: " + result.stderr)
    ours = json.load(open(bench_json))
    tables = benchstat_tables(["-col", "command", bench_txt])
    table = tables["sec/op"]
    names = [r["command"] for r in ours["results"]]
    if table["columns"] != names:
        fail(f"benchstat columns {table['columns']} vs commands {names}")
    for i, r in enumerate(ours["results"]):
        center, delta, p_and_n = cell_for(table, "Command", i)
        if not close(r["median"], center):
            fail(f"{r['command']}: median {r['median']} vs benchstat {center}")
        if i == 0:
            continue
        comparison = next(c for c in ours["comparisons"] if c["candidate"] == r["command"])
        # benchstat applies the unpaired U test; the harness keeps its p-value beside the
        # paired test's (README, "Statistics").
        check_pair(r["command"], comparison["u_test_p_value"], r["median"], center, delta,
                   p_and_n, 1.0)
    for unit in ("user-sec/op", "sys-sec/op", "peak-RSS-B"):
        if unit not in tables:
            fail(f"benchstat has no {unit} table")
    print("ok: bench export medians and p-values agree with benchstat -col command")


def case_run_export():
    work = work_directory("pgo_benchstat_oracle_")
    module = os.path.join(work, "pgoloop")
    shutil.copytree(os.path.join(TESTS_DIR, "cli", "testdata", "pgoloop"), module)
    scenario = {
        "name": "benchstat-oracle",
        "workloads": [{"name": "spin", "command": ["{binary}", "-rounds", "300"],
                       "profile_command": ["{binary}", "-rounds", "300",
                                           "-cpuprofile={profile}"],
                       "metric": "cpu", "timeout_seconds": 120}],
        "trials": {"warmup": 0, "seed": 3},
    }
    with open(os.path.join(module, "scenario.json"), "w") as f:
        json.dump(scenario, f)
    run_dir = os.path.join(work, "run")
    # One iteration: profiles collected from v0 (their provenance is checked below), merged,
    # and v1 built from them.
    result = harness("run", os.path.join(module, "scenario.json"), "--out", run_dir,
                     "--iterations", "1", "--build-cache", "go", "--runs", "8", "-q")
    if result.returncode != 0:
        fail("run failed: " + result.stderr)
    report = json.load(open(os.path.join(run_dir, "report.json")))
    bench_txt = os.path.join(run_dir, "report.bench.txt")
    tables = benchstat_tables(["-col", "pgo", bench_txt])
    table = tables["cpu-sec/op"]
    pgo_paths = [b["pgo"] for b in report["builds"]]
    if pgo_paths[0] != "off" or not pgo_paths[1].endswith("iter-1.pgo"):
        fail(f"unexpected builds {pgo_paths}")
    if table["columns"] != ["off", "iter-1"]:
        fail(f"pgo columns {table['columns']}")
    medians = {t["build"]: t["median"] for t in report["trials"]}
    center_off, _, _ = cell_for(table, "Spin", 0)
    if not close(medians["v0"], center_off):
        fail(f"v0 median {medians['v0']} vs benchstat {center_off}")
    vs_off = report["analysis"]["workloads"][0]["iterations"][0]["vs_off"]
    center, delta, p_and_n = cell_for(table, "Spin", 1)
    check_pair("v1 vs off", u_test_p(vs_off), medians["v1"], center, delta, p_and_n, 1.0)
    for unit, key in (("build-sec", "build_seconds"), ("binary-B", "binary_size_bytes")):
        for column, build in enumerate(report["builds"]):
            value, _, _ = cell_for(tables[unit], "GoBuild", column)
            if not close(float(build[key]), value):
                fail(f"{unit} of {build['label']}: {build[key]} vs benchstat {value}")
    # The run's own wall time rides along as sec/op, and its peak RSS as peak-RSS-B: a real
    # run records a real RSS (a Go program takes megabytes) for every run.
    if "sec/op" not in tables:
        fail("no sec/op table for the wall time of cpu-metric runs")
    for t in report["trials"]:
        rss = t.get("peak_rss_bytes", [])
        if len(rss) != len(t["values"]) or min(rss) < 1 << 20:
            fail(f"peak RSS of {t['build']}: {rss}")
        median_rss = sorted(rss)[len(rss) // 2] if len(rss) % 2 else \
            (sorted(rss)[len(rss) // 2 - 1] + sorted(rss)[len(rss) // 2]) / 2
        column = ["v0", "v1"].index(t["build"])
        value, _, _ = cell_for(tables["peak-RSS-B"], "Spin", column)
        if not close(float(median_rss), value):
            fail(f"peak RSS median of {t['build']}: {median_rss} vs benchstat {value}")
    # Provenance of every collected profile: its sha256 is the file's, a profile the
    # program wrote has no URL, and the window is the profile's own duration.
    inputs = [inp for iteration in report["profiles"] for inp in iteration["inputs"]]
    if not inputs:
        fail("no collected profile in the report")
    for inp in inputs:
        data = open(os.path.join(run_dir, inp["path"]), "rb").read()
        if inp.get("sha256") != hashlib.sha256(data).hexdigest():
            fail(f"sha256 of {inp['path']}: {inp.get('sha256')}")
        if inp.get("url") is not None or not inp.get("window_seconds", 0) > 0:
            fail(f"provenance of {inp['path']}: url {inp.get('url')}, "
                 f"window {inp.get('window_seconds')}")
    print("ok: run export medians and p-values agree with benchstat -col pgo")


def median(values):
    v = sorted(values)
    return v[len(v) // 2] if len(v) % 2 else (v[len(v) // 2 - 1] + v[len(v) // 2]) / 2


def case_run_export_gotest():
    """A gotest workload's per-benchmark results: benchstat's row of each benchmark has the
    harness's medians (every unit) and the p-value of its per-benchmark comparison."""
    work = work_directory("pgo_benchstat_oracle_gotest_")
    module = os.path.join(work, "gotool")
    shutil.copytree(os.path.join(TESTS_DIR, "support", "testdata", "gotool"), module)
    scenario = {
        "name": "benchstat-oracle-gotest",
        "workloads": [{"name": "units", "kind": "gotest",
                       "gotest": {"bench": "^Benchmark(Units|Count)$", "benchtime": "200x",
                                  "args": ["-test.benchmem"]}}],
        "trials": {"warmup": 0, "seed": 3},
    }
    with open(os.path.join(module, "scenario.json"), "w") as f:
        json.dump(scenario, f)
    run_dir = os.path.join(work, "run")
    # A given profile (the one the run --profile test uses: its PGO standard library is in
    # the shared Go cache), so the run is a build and the trials.
    result = harness("run", os.path.join(module, "scenario.json"), "--out", run_dir,
                     "--build-cache", "go", "--runs", "8", "-q", "--profile",
                     os.path.join(TESTS_DIR, "cli", "testdata", "pgoloop.pgo"))
    if result.returncode != 0:
        fail("run failed: " + result.stderr)
    report = json.load(open(os.path.join(run_dir, "report.json")))
    tables = benchstat_tables(["-col", "pgo", os.path.join(run_dir, "report.bench.txt")])
    series = {t["build"]: t["benchmarks"] for t in report["trials"]}
    analysis = report["analysis"]["workloads"][0]["benchmarks"]
    if sorted(b["benchmark"] for b in analysis) != ["BenchmarkCount", "BenchmarkUnits"]:
        fail(f"benchmarks in the analysis: {[b['benchmark'] for b in analysis]}")
    checked = 0
    for b in analysis:
        row = "Units/" + b["benchmark"][len("Benchmark"):]
        # Every unit: benchstat's median of each build is the harness's.
        for unit, values in series["v0"][b["benchmark"]].items():
            tidy, scale = TIDY.get(unit, (unit, 1.0))
            if tidy not in tables or row not in tables[tidy]["rows"]:
                fail(f"benchstat has no {tidy} row {row}")
            for column, build in enumerate(["v0", "v1"]):
                ours = median(series[build][b["benchmark"]][unit]) * scale
                theirs, _, _ = cell_for(tables[tidy], row, column)
                if not close(ours, theirs, 1e-6):
                    fail(f"{row} {unit} {build}: median {ours} vs benchstat {theirs}")
                checked += 1
        # ns/op: the same test as benchstat's.
        vs_off = b["iterations"][0]["vs_off"]
        center, delta, p_and_n = cell_for(tables["sec/op"], row, 1)
        check_pair(row + " v1 vs off", u_test_p(vs_off),
                   median(series["v1"][b["benchmark"]]["ns/op"]), center, delta, p_and_n, 1e-9,
                   (series["v0"][b["benchmark"]]["ns/op"], series["v1"][b["benchmark"]]["ns/op"]))
    print(f"ok: {checked} per-benchmark medians and the ns/op p-values agree with benchstat")


{"gobench": case_gobench, "bench_export": case_bench_export,
 "run_export": case_run_export, "run_export_gotest": case_run_export_gotest}[CASE]()
