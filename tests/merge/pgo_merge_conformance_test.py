#!/usr/bin/env python3
"""Conformance of pgo-merge against the real Go toolchain (CTest label: integration).

Risk guarded against: our merge silently differing from pprof's (a lost or double-counted
sample, a wrong header rule, a broken stack), or producing a profile `go build -pgo`
rejects. Each case runs pgo-merge and `go tool pprof -symbolize=none -proto` on the same
inputs and compares `go tool pprof -symbolize=none -raw` of both (pprof_raw.py).

    pgo_merge_conformance_test.py PGO_MERGE_BINARY SHARED_TESTDATA CASE
"""

import gzip
import os
import random
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pprof_raw  # noqa: E402

PGO_MERGE, TESTDATA, CASE = sys.argv[1], sys.argv[2], sys.argv[3]
GOROOT = subprocess.run(["go", "env", "GOROOT"], check=True, capture_output=True,
                        text=True).stdout.strip()
DEFAULT_PGO = os.path.join(GOROOT, "src/cmd/compile/default.pgo")
LARGE = os.path.join(TESTDATA, "pprof/large.cpu.pb.gz")
WORK = tempfile.mkdtemp(prefix="pgo-merge-conformance-")


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, **kw)
    if r.returncode != 0:
        raise SystemExit("command failed (%d): %s\n%s" % (r.returncode, " ".join(cmd),
                                                           r.stderr.decode(errors="replace")))
    return r.stdout


def ours(inputs, *options):
    out = os.path.join(WORK, "ours-%d.pgo" % len(os.listdir(WORK)))
    # large.cpu.pb.gz (a C++ profile) has no start lines: a non-PGO merge, as pprof's is.
    run([PGO_MERGE, "-q", "--allow-non-pgo", "-o", out, *options, *inputs])
    return out


def pprof_merge(inputs):
    out = os.path.join(WORK, "pprof-%d.pgo" % len(os.listdir(WORK)))
    with open(out, "wb") as f:
        f.write(run(["go", "tool", "pprof", "-symbolize=none", "-proto", *inputs]))
    return out


def raw(path):
    return pprof_raw.parse(run(["go", "tool", "pprof", "-symbolize=none", "-raw", path]).decode())


def check_same(inputs):
    a, b = raw(ours(inputs)), raw(pprof_merge(inputs))
    problems = pprof_raw.compare(a, b)
    if problems:
        raise SystemExit("pgo-merge differs from pprof on %s:\n%s" % (inputs, "\n".join(problems)))
    print("same as pprof: %s (%d samples, totals %s)" % (
        [os.path.basename(i) for i in inputs], len(a["samples"]), a["totals"]))
    return a


def check_go_build(profile):
    """`go build -pgo=PROFILE` of a small program must succeed."""
    src = os.path.join(WORK, "prog")
    os.makedirs(src, exist_ok=True)
    with open(os.path.join(src, "go.mod"), "w") as f:
        f.write("module prog\n\ngo 1.21\n")
    with open(os.path.join(src, "main.go"), "w") as f:
        # No imports: only the runtime gets rebuilt with the profile, which keeps it fast.
        f.write("package main\n\nfunc main() {\n\ts := 0\n\tfor i := 0; i < 10; i++ {\n"
                "\t\ts += i\n\t}\n\tprintln(s)\n}\n")
    run(["go", "build", "-pgo=" + profile, "-o", os.path.join(WORK, "prog.bin"), "."], cwd=src)
    print("go build -pgo=%s: ok" % os.path.basename(profile))


def fresh_profiles(n=3):
    """CPU profiles of the Go compiler compiling a few packages, as profile.sh makes them.
    A distinct -cpuprofile path changes the build's cache key, so each package is really
    compiled (its dependencies come from the cache)."""
    out = []
    for i, pkg in enumerate(["go/types", "encoding/json", "net/http", "regexp/syntax"][:n]):
        path = os.path.join(WORK, "fresh-%d.pprof" % i)
        run(["go", "build", "-o", os.devnull, "-gcflags=-cpuprofile=" + path, pkg])
        out.append(path)
    return out


def case_default_pgo():
    check_same([DEFAULT_PGO])
    check_same([DEFAULT_PGO, DEFAULT_PGO])
    check_go_build(ours([DEFAULT_PGO]))


def case_large():
    check_same([LARGE])
    # Different binaries, same sample types: still one profile for pprof.
    check_same([LARGE, DEFAULT_PGO])


def case_fresh():
    inputs = fresh_profiles()
    check_same(inputs)
    check_same(inputs + [DEFAULT_PGO])
    # Each go build with a new profile rebuilds the runtime with PGO (~20 s here): one.
    check_go_build(ours(inputs))


def case_weight_and_self_merge():
    once = raw(ours([DEFAULT_PGO]))
    twice = raw(ours([DEFAULT_PGO, DEFAULT_PGO]))
    weighted = raw(ours([DEFAULT_PGO], "--weight", DEFAULT_PGO + "=2"))
    doubled = {k: [2 * v for v in vals] for k, vals in once["samples"].items()}
    if twice["samples"] != doubled:
        raise SystemExit("merging a profile with itself did not double every value")
    if weighted["samples"] != doubled:
        raise SystemExit("--weight FILE=2 did not double every value")
    if twice["header"]["Duration"] == once["header"]["Duration"]:
        raise SystemExit("self-merge did not add up durations")
    print("self-merge and --weight 2 double all %d samples" % len(doubled))


def case_normalize():
    # default.pgo and large.cpu.pb.gz differ about 2x in total; after --normalize each
    # is scaled to the larger total, so the merge holds twice that (up to rounding).
    a, b = raw(ours([DEFAULT_PGO])), raw(ours([LARGE]))
    target = max(a["totals"][0], b["totals"][0])
    merged = raw(ours([DEFAULT_PGO, LARGE], "--normalize"))
    slack = len(a["samples"]) + len(b["samples"])  # at most 1/2 per sample from rounding
    for i, total in enumerate(merged["totals"]):
        expected = target * 2 * (a["totals"][i] // a["totals"][0])
        if abs(total - expected) > slack * (a["totals"][i] // a["totals"][0]):
            raise SystemExit("--normalize: total[%d] %d, expected about %d" % (i, total, expected))
    plain = raw(ours([DEFAULT_PGO, LARGE]))
    print("--normalize: totals %s (plain merge %s, target per input %d)" % (
        merged["totals"], plain["totals"], target))


def case_jobs_default_pgo():
    # The parallel fold on real profiles: GOROOT's default.pgo (plain, weighted) and
    # large.cpu.pb.gz give the same bytes for --jobs 1, 2, 3, 8 and shuffled input orders,
    # and that output is what pprof merges.
    weighted = ours([DEFAULT_PGO], "--weight", DEFAULT_PGO + "=3")
    inputs = [DEFAULT_PGO, weighted, LARGE, DEFAULT_PGO]
    reference = open(ours(inputs, "-j", "1"), "rb").read()
    rng = random.Random(13)
    for jobs in ("2", "3", "8"):
        for _ in range(2):
            order = inputs[:]
            rng.shuffle(order)
            if open(ours(order, "-j", jobs), "rb").read() != reference:
                raise SystemExit("--jobs %s on %s changed the output" % (jobs, order))
    check_same(inputs)
    print("byte-identical for --jobs 1, 2, 3, 8 and shuffled orders")


def case_gzip_and_raw_inputs():
    # A raw (uncompressed) protobuf input merges like its gzip original.
    raw_input = os.path.join(WORK, "raw.pb")
    with gzip.open(DEFAULT_PGO, "rb") as f, open(raw_input, "wb") as g:
        g.write(f.read())
    a = open(ours([raw_input]), "rb").read()
    b = open(ours([DEFAULT_PGO]), "rb").read()
    if a != b:
        raise SystemExit("raw and gzip inputs of the same profile give different outputs")
    print("raw protobuf input == gzip input")


CASES = {name[len("case_"):]: fn for name, fn in globals().items() if name.startswith("case_")}

if __name__ == "__main__":
    try:
        CASES[CASE]()
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
