#!/usr/bin/env python3
"""Reliability of the executables against careless or hostile use (runs the built
binaries; the real-Go case needs Go on PATH).

Each case is named after what it proves and is one CTest test (label "reliability"):
outputs that must be written through rather than replaced (devices, FIFOs, symlinks),
write errors that must fail the command (a full disk, /dev/full on stdout), outputs that
are also inputs, exports a failed `bench` must not destroy, merges `go build -pgo` cannot
use, and error messages that must say what really happened.

    reliability_test.py PGO_MERGE PGO_HARNESS SHARED_TESTDATA CASE
Exit 77 (CTest's SKIP_RETURN_CODE) when the case needs what this machine lacks (root for
mknod, Go for the real heap profile).
"""

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time

import gzip

MERGE, HARNESS, TESTDATA, CASE = sys.argv[1:5]
WORK = tempfile.mkdtemp(prefix="pgo-reliability-")
SKIP = 77


# A minimal protobuf encoder: a Go-like CPU profile with start lines, which `go build
# -pgo` accepts (large.cpu.pb.gz of the shared test data is a C++ profile without them).
def varint(v):
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        out.append(b | 0x80 if v else b)
        if not v:
            return bytes(out)


def field(num, payload):
    if isinstance(payload, int):
        return varint(num << 3) + varint(payload)
    return varint(num << 3 | 2) + varint(len(payload)) + payload


def cpu_profile(samples):
    strings = ["", "samples", "count", "cpu", "nanoseconds", "main.main", "main.work", "main.go"]
    p = field(1, field(1, 1) + field(2, 2)) + field(1, field(1, 3) + field(2, 4))
    for i in range(samples):
        locations = varint(1) + varint(2)                      # main.work called by main.main
        values = varint(i + 1) + varint((i + 1) * 10000000)
        p += field(2, field(1, locations) + field(2, values))
    p += field(4, field(1, 1) + field(3, 0x1000) + field(4, field(1, 2) + field(2, 12)))
    p += field(4, field(1, 2) + field(3, 0x2000) + field(4, field(1, 1) + field(2, 7)))
    p += field(5, field(1, 1) + field(2, 5) + field(3, 5) + field(4, 7) + field(5, 3))
    p += field(5, field(1, 2) + field(2, 6) + field(3, 6) + field(4, 7) + field(5, 10))
    p += b"".join(field(6, s.encode()) for s in strings)
    p += field(11, field(1, 3) + field(2, 4)) + field(12, 10000000)
    return gzip.compress(p, mtime=0)


INPUTS = tempfile.mkdtemp(prefix="pgo-reliability-inputs-")
LARGE = os.path.join(INPUTS, "cpu.pb.gz")
with open(LARGE, "wb") as f:
    f.write(cpu_profile(2000))


def run(argv, stdout=subprocess.PIPE, **kw):
    return subprocess.run(argv, stdout=stdout, stderr=subprocess.PIPE, **kw)


def merge(*args, **kw):
    return run([MERGE] + list(args), **kw)


def harness(*args, **kw):
    return run([HARNESS] + list(args), **kw)


def expect(result, code, *stderr_parts, one_line=True):
    err = result.stderr.decode(errors="replace")
    if result.returncode != code:
        raise SystemExit("expected exit %d, got %d; stderr:\n%s" % (code, result.returncode, err))
    for part in stderr_parts:
        if part not in err:
            raise SystemExit("stderr lacks %r:\n%s" % (part, err))
    if code != 0 and one_line and err.count("\n") != 1:
        raise SystemExit("expected one line on stderr, got:\n%s" % err)
    return err


def path(name):
    return os.path.join(WORK, name)


def write(name, data):
    with open(path(name), "wb") as f:
        f.write(data)
    return path(name)


def read(p):
    with open(p, "rb") as f:
        return f.read()


def reference_merge():
    """The bytes `pgo-merge -o FILE LARGE` writes to a regular file."""
    out = path("reference.pgo")
    expect(merge("-q", "-o", out, LARGE), 0)
    return read(out)


def mknod_char(name, major, minor):
    try:
        os.mknod(path(name), 0o666 | stat.S_IFCHR, os.makedev(major, minor))
    except PermissionError:
        print("skipped: mknod needs root")
        raise SystemExit(SKIP)
    return path(name)


def bench_export(name, seconds):
    """A small bench export (the `results` part compare reads)."""
    data = {"results": [{"command": "sleep", "times": [seconds * (1 + i / 100) for i in range(8)]}]}
    return write(name, json.dumps(data).encode())


# ---- outputs that are not regular files -------------------------------------------------


def case_device_output_is_written_through_not_replaced():
    null = mknod_char("mynull", 1, 3)
    full = mknod_char("myfull", 1, 7)
    expect(merge("-q", "-o", null, LARGE), 0)
    assert stat.S_ISCHR(os.lstat(null).st_mode), "the device node was replaced"
    err = expect(merge("-q", "-o", full, LARGE), 1, full, "No space left on device")
    assert stat.S_ISCHR(os.lstat(full).st_mode), "the device node was replaced"
    # Every atomic writer shares the rule: --stats-json too.
    expect(merge("-q", "-o", path("out.pgo"), "--stats-json", full, LARGE), 1,
           "No space left on device")
    assert stat.S_ISCHR(os.lstat(full).st_mode)
    assert sorted(os.listdir(WORK)) == ["myfull", "mynull", "out.pgo"], os.listdir(WORK)
    print("device nodes written through; ENOSPC is an error:", err.strip())


def case_fifo_output_is_written_through():
    fifo = path("pipe")
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(read(fifo)), daemon=True)
    reader.start()
    r = merge("-q", "-o", fifo, LARGE)
    if r.returncode != 0:
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))  # release the reader
    expect(r, 0)
    reader.join(30)
    assert received and received[0] == reference_merge(), "FIFO got other bytes"
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode), "the FIFO was replaced"
    print("FIFO written through")


def case_symlink_output_replaces_its_target_not_the_link():
    target = write("target.pgo", b"old")
    os.chmod(target, 0o640)
    link = path("link.pgo")
    os.symlink("target.pgo", link)
    expect(merge("-q", "-o", link, LARGE), 0)
    assert os.path.islink(link), "the symlink was replaced by a file"
    assert read(target) == reference_merge()
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o640, "the target lost its permissions"
    # A dangling link creates its target.
    os.symlink("new.pgo", path("dangling.pgo"))
    expect(merge("-q", "-o", path("dangling.pgo"), LARGE), 0)
    assert os.path.islink(path("dangling.pgo")) and read(path("new.pgo")) == reference_merge()
    # A link loop is an error that says so.
    os.symlink("loop.pgo", path("loop.pgo"))
    expect(merge("-q", "-o", path("loop.pgo"), LARGE), 1, "symbolic links")
    print("symlinked output: target replaced, link kept")


def case_existing_output_survives_a_failed_merge():
    out = write("existing.pgo", b"previous contents")
    expect(merge("-o", out, LARGE, write("junk.pb", b"\x0a\xff\xff\xff")), 1, "corrupt")
    assert read(out) == b"previous contents"
    assert sorted(os.listdir(WORK)) == ["existing.pgo", "junk.pb"], os.listdir(WORK)
    print("atomic output kept on failure")


# ---- write errors on standard output -----------------------------------------------------


def case_stdout_write_error_fails_every_command():
    a, b = bench_export("a.json", 0.010), bench_export("b.json", 0.010)
    commands = [
        [MERGE, "inspect", "--json", LARGE],
        [MERGE, "inspect", LARGE],
        [MERGE, "-q", LARGE],
        [MERGE, "--help"],
        [HARNESS, "inspect", "--json", LARGE],
        [HARNESS, "merge", "-q", LARGE],
        [HARNESS, "compare", a, b],
        [HARNESS, "bench", "--style", "basic", "-r", "2", "true"],
        [HARNESS, "--help"],
    ]
    with open("/dev/full", "wb") as full:
        for argv in commands:
            r = run(argv, stdout=full)
            err = r.stderr.decode(errors="replace")
            if r.returncode == 0:
                raise SystemExit("%s > /dev/full exited 0" % " ".join(argv))
            lines = [l for l in err.splitlines() if "error" in l]
            assert len(lines) == 1 and "standard output" in lines[0], (argv, err)
    print("%d commands fail on a stdout write error" % len(commands))


# ---- outputs that are also inputs --------------------------------------------------------


def case_output_that_is_an_input_is_refused_unless_in_place():
    a = path("a.pgo")
    shutil.copy(LARGE, a)
    before = read(a)
    expect(merge("-o", a, a, LARGE), 2, "is also the input", "--in-place")
    assert read(a) == before
    os.link(a, path("hard.pgo"))  # the same file under another name
    expect(merge("-o", path("hard.pgo"), a), 2, "is also the input")
    od = path("od")
    os.mkdir(od)
    shutil.copy(LARGE, os.path.join(od, "x.pb.gz"))
    expect(merge("-o", os.path.join(od, "merged.pgo"), od), 2, "inside the input directory")
    assert not os.path.exists(os.path.join(od, "merged.pgo"))
    expect(merge("--stats-json", os.path.join(od, "s.json"), "-o", path("m.pgo"), od), 2,
           "--stats-json")
    # Hidden files are not read from a directory: no double counting, allowed.
    expect(merge("-q", "-o", os.path.join(od, ".merged.pgo"), od), 0)
    # Asked for: accumulate into an input.
    expect(merge("-q", "--in-place", "-o", a, a, LARGE), 0)
    assert read(a) != before
    expect(merge("-q", "--in-place", "-o", os.path.join(od, "merged.pgo"), od), 0)
    print("output-is-input refused, --in-place allows it")


# ---- bench exports -----------------------------------------------------------------------


def case_failed_bench_keeps_previous_exports():
    exports = {"--export-json": "prev.json", "--export-csv": "prev.csv",
               "--export-markdown": "prev.md"}
    args = []
    for option, name in exports.items():
        write(name, b"previous " + name.encode())
        args += [option, path(name)]
    r = harness("bench", "--style", "none", "-r", "2", *args, "no-such-command-pgo-reliability")
    assert r.returncode != 0, r
    for name in exports.values():
        assert read(path(name)) == b"previous " + name.encode(), name + " was modified"
    # A bad export path fails before the first run (the marker is never created).
    marker = path("ran")
    r = harness("bench", "--style", "none", "-r", "1", "--export-json",
                path("no-such-dir/x.json"), "touch " + marker)
    expect(r, 1, "no-such-dir/x.json")
    assert not os.path.exists(marker), "commands ran although the export path was bad"
    # A successful run replaces the exports.
    expect(harness("bench", "--style", "none", "-r", "2", *args, "true"), 0)
    assert json.loads(read(path("prev.json")))["results"][0]["command"] == "true"
    assert read(path("prev.csv")).startswith(b"command")
    leftovers = [n for n in os.listdir(WORK) if n.startswith(".")]
    assert not leftovers, leftovers
    print("exports written atomically at the end")


def case_interrupted_bench_still_exports_its_runs():
    out = path("partial.json")
    write("partial.json", b"previous")
    p = subprocess.Popen([HARNESS, "bench", "--style", "none", "-r", "1000", "--export-json", out,
                          "sleep 0.05"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(1.5)
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=60)
    assert p.returncode == 128 + signal.SIGINT, (p.returncode, err)
    exported = json.loads(read(out))
    assert exported["interrupted"] is True
    assert len(exported["results"][0]["times"]) >= 1
    print("interrupted bench exported %d runs" % len(exported["results"][0]["times"]))


# ---- merges Go cannot use ----------------------------------------------------------------

HEAP_PROGRAM = r"""package main

import (
	"os"
	"runtime"
	"runtime/pprof"
)

var keep [][]byte

func main() {
	runtime.MemProfileRate = 1
	for i := 0; i < 1000; i++ {
		keep = append(keep, make([]byte, 64+i))
	}
	runtime.GC()
	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	if err := pprof.WriteHeapProfile(f); err != nil {
		panic(err)
	}
	f.Close()
}
"""


def case_real_go_heap_profile_is_refused_like_go_build_pgo():
    if shutil.which("go") is None:
        print("skipped: no go on PATH")
        raise SystemExit(SKIP)
    src = path("heapprog")
    os.mkdir(src)
    write("heapprog/main.go", HEAP_PROGRAM.encode())
    write("heapprog/go.mod", b"module heapprog\n\ngo 1.21\n")
    env = dict(os.environ, GOFLAGS="-mod=mod", GOTOOLCHAIN="local")
    heap = path("heap.pb.gz")
    r = run(["go", "run", ".", heap], cwd=src, env=env)
    assert r.returncode == 0, r.stderr.decode()
    # What Go itself says about this profile.
    go = run(["go", "tool", "preprofile", "-i", heap, "-o", path("pre.txt")], env=env)
    assert go.returncode != 0, "go tool preprofile accepted a heap profile"
    err = expect(merge("-o", path("out.pgo"), heap), 1, heap, ": pgo: ",
                 "samples/count", "inuse_space/bytes", "--allow-non-pgo")
    assert not os.path.exists(path("out.pgo"))
    # Explicitly asked for: a non-PGO merge.
    expect(merge("-q", "--allow-non-pgo", "-o", path("out.pgo"), heap, heap), 0)
    assert read(path("out.pgo"))[:2] == b"\x1f\x8b"
    print("heap profile refused:", err.strip())


# ---- messages that say what really happened ----------------------------------------------


def case_symlink_loop_input_is_reported_as_a_loop():
    os.symlink("loop.pb", path("loop.pb"))
    err = expect(merge("-o", path("out.pgo"), path("loop.pb")), 1, "symbolic links")
    assert "no such file" not in err.lower(), err
    err = expect(harness("run", path("loop.pb")), 1, "symbolic links", one_line=False)
    assert "no such file" not in err.lower(), err
    print("ELOOP reported as such:", err.strip().splitlines()[0])


def case_compare_says_what_an_input_is():
    empty = write("empty.json", b"{}")
    export = bench_export("export.json", 0.010)
    for args in ([empty, export], [export, empty]):
        err = expect(harness("compare", *args), 2, empty + ": compare: neither a run report",
                     one_line=False)
        assert "cannot compare a run report with a bench export" not in err, err
    # A number no double can hold is invalid JSON (exit 2, one line), not an internal error.
    huge = write("huge.json", b'{"results": [{"command": "x", "times": [2e308]}]}')
    expect(harness("compare", huge, export), 2, huge + ": compare: not valid JSON")
    print("compare names what the input is not")


if __name__ == "__main__":
    try:
        globals()["case_" + CASE]()
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
        shutil.rmtree(INPUTS, ignore_errors=True)
