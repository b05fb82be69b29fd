#!/usr/bin/env python3
"""Behaviour of the pgo-merge command line (runs the built binary; no Go needed).

Risk guarded against: wrong exit codes (0 ok, 1 bad input, 2 usage), errors that are not
one line naming the file, --skip-bad not reporting or not failing when nothing is left,
a half-written or clobbered output on failure, binary written to a terminal, output
bytes depending on input order or on how inputs are named (files or a directory), and
--weight accepting what it should refuse, and --files-from lists read otherwise than the
same inputs given as arguments.

    pgo_merge_cli_test.py BINARY SHARED_TESTDATA CASE
(BINARY may be pgo-harness, whose `merge` subcommand must behave the same.)
"""

import gzip
import os
import pty
import shutil
import subprocess
import sys
import tempfile

BINARY, TESTDATA, CASE = sys.argv[1], sys.argv[2], sys.argv[3]
LARGE = os.path.join(TESTDATA, "pprof/large.cpu.pb.gz")
LEGACY = os.path.join(TESTDATA, "pprof/legacy-cppbench.cpu")
WORK = tempfile.mkdtemp(prefix="pgo-merge-cli-")
PREFIX = [BINARY, "merge"] if os.path.basename(BINARY) == "pgo-harness" else [BINARY]


def merge(*args, stdin=None):
    # large.cpu.pb.gz is a C++ profile without the start lines `go build -pgo` needs, so
    # these cases merge it as a non-PGO merge (reliability_test.py covers the refusal).
    extra = [] if "--help" in args else ["--allow-non-pgo"]
    return subprocess.run(PREFIX + extra + list(args), capture_output=True, stdin=stdin)


def expect(result, code, stderr_part=None):
    err = result.stderr.decode(errors="replace")
    if result.returncode != code:
        raise SystemExit("expected exit %d, got %d; stderr:\n%s" % (code, result.returncode, err))
    if stderr_part is not None and stderr_part not in err:
        raise SystemExit("stderr lacks %r:\n%s" % (stderr_part, err))
    return err


def path(name):
    return os.path.join(WORK, name)


def write(name, data):
    with open(path(name), "wb") as f:
        f.write(data)
    return path(name)


# A minimal protobuf encoder, enough for a hand-made profile with other sample types.
def varint(v):
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field(num, payload):
    if isinstance(payload, int):
        return varint(num << 3) + varint(payload)
    return varint(num << 3 | 2) + varint(len(payload)) + payload


def heap_profile():
    strings = ["", "alloc_space", "bytes", "space", "f"]
    p = field(1, field(1, 1) + field(2, 2))                      # sample_type alloc_space/bytes
    p += field(2, field(1, varint(1)) + field(2, varint(100)))   # sample: loc 1, value 100
    p += field(4, field(1, 1) + field(3, 0x1000) + field(4, field(1, 1) + field(2, 3)))
    p += field(5, field(1, 1) + field(2, 4) + field(3, 4) + field(5, 1))
    p += b"".join(field(6, s.encode()) for s in strings)
    p += field(9, 5) + field(11, field(1, 3) + field(2, 2)) + field(12, 1)
    return gzip.compress(p)


def case_exit_codes():
    out = path("out.pgo")
    expect(merge("-q", "-o", out, LARGE), 0)
    expect(merge(), 2, "INPUT")                                # zero inputs: usage
    expect(merge("--no-such-option", LARGE), 2, "--help")
    err = expect(merge("-o", out, path("missing.pprof")), 1, "missing.pprof")
    assert err.count("\n") == 1, err
    empty = write("empty.pprof", b"")
    expect(merge("-o", out, empty), 1, "empty file")
    data = open(LARGE, "rb").read()
    expect(merge("-o", out, write("trunc.pb.gz", data[: len(data) // 2])), 1, "truncated gzip")
    expect(merge("-o", out, write("junk.pb", b"\x0a\xff\xff\xff")), 1, "corrupt protobuf")
    err = expect(merge("-o", out, LEGACY), 1, "legacy gperftools CPU profile")
    assert "go tool pprof -proto" in err, err
    expect(merge("-o", out, write("cat.pb", gzip.decompress(data) * 2)), 1,
           "concatenated profiles")
    heap = write("heap.pb.gz", heap_profile())
    err = expect(merge("-o", out, LARGE, heap), 1, ": merge: incompatible")
    assert "heap.pb.gz" in err and "large.cpu.pb.gz" in err, err
    os.mkdir(path("emptydir"))
    expect(merge("-o", out, path("emptydir")), 1, "no profiles")
    print("exit codes and one-line errors ok")


def case_skip_bad():
    out = path("out.pgo")
    bad = write("bad.pb.gz", b"\x1f\x8b\x08\x00garbage")
    heap = write("heap.pb.gz", heap_profile())
    r = merge("--skip-bad", "-o", out, bad, LARGE, heap)
    err = expect(r, 0, "skipped %s: " % bad)
    assert "skipped %s: " % heap in err, err
    assert "merged 1 of 3 input(s)" in err, err
    alone = path("alone.pgo")
    expect(merge("-q", "-o", alone, LARGE), 0)
    assert open(out, "rb").read() == open(alone, "rb").read()
    # Nothing readable: exit 1, every input reported.
    err = expect(merge("--skip-bad", "-o", path("none.pgo"), bad, LEGACY), 1, "no input")
    assert "skipped %s" % LEGACY in err, err
    assert not os.path.exists(path("none.pgo"))
    print("--skip-bad ok")


def case_atomic_output():
    out = path("existing.pgo")
    write("existing.pgo", b"previous contents")
    expect(merge("-o", out, LARGE, LEGACY), 1)
    assert open(out, "rb").read() == b"previous contents", "existing output was modified"
    expect(merge("-o", path("no-such-dir/out.pgo"), LARGE), 1, "write")
    assert sorted(os.listdir(WORK)) == ["existing.pgo"], os.listdir(WORK)  # no temp files
    expect(merge("-q", "-o", out, LARGE), 0)
    assert open(out, "rb").read()[:2] == b"\x1f\x8b"
    print("atomic output ok")


def case_stdout():
    r = merge("-q", LARGE)
    expect(r, 0)
    expect(merge("-q", "-o", path("file.pgo"), LARGE), 0)
    assert r.stdout == open(path("file.pgo"), "rb").read(), "stdout differs from -o output"
    r2 = merge("-q", "-o", "-", LARGE)
    assert r2.stdout == r.stdout
    # A terminal on stdout is refused before any work, as a usage error.
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(PREFIX[0], PREFIX + [LARGE])
    output = b""
    try:
        while True:
            chunk = os.read(fd, 4096)
            if not chunk:
                break
            output += chunk
    except OSError:
        pass
    _, status = os.waitpid(pid, 0)
    assert os.WEXITSTATUS(status) == 2, (status, output)
    assert b"terminal" in output and b"\x1f\x8b" not in output, output
    print("stdout ok")


def case_determinism():
    # Variants of the same profile: reordering, duplicate base names in two directories,
    # and a directory instead of its files must not change a byte.
    for d in ("d1", "d2"):
        os.mkdir(path(d))
    a = path("d1/x.pb.gz")
    shutil.copy(LARGE, a)
    b = path("d2/x.pb.gz")
    expect(merge("-q", "-o", b, "--weight", LARGE + "=3", LARGE), 0)
    c = path("d1/y.pb.gz")
    expect(merge("-q", "-o", c, "--weight", LARGE + "=0.5", LARGE), 0)
    outputs = []
    for i, args in enumerate([[a, b, c], [c, a, b], [b, c, a], [path("d1"), b], [b, path("d1")]]):
        out = path("out%d.pgo" % i)
        expect(merge("-q", "-o", out, *args), 0)
        outputs.append(open(out, "rb").read())
    assert all(o == outputs[0] for o in outputs), [len(o) for o in outputs]
    # Merging with itself is a different profile.
    expect(merge("-q", "-o", path("twice.pgo"), a, a, b, c), 0)
    assert open(path("twice.pgo"), "rb").read() != outputs[0]
    print("byte-identical across %d orderings" % len(outputs))


def case_jobs():
    # --jobs changes nothing in the output, whatever the input order; the default (every
    # core) neither.
    shutil.copy(LARGE, path("a.pb.gz"))
    expect(merge("-q", "-o", path("b.pb.gz"), "--weight", LARGE + "=3", LARGE), 0)
    expect(merge("-q", "-o", path("c.pb.gz"), "--weight", LARGE + "=0.5", LARGE), 0)
    files = [path(n) for n in ("a.pb.gz", "b.pb.gz", "c.pb.gz")] + [LARGE, LARGE]
    reference = None
    for i, (jobs, order) in enumerate([(None, files), ("1", files), ("2", files[::-1]),
                                       ("3", files[2:] + files[:2]), ("8", files[1:] + files[:1])]):
        out = path("out%d.pgo" % i)
        expect(merge("-q", "-o", out, *([] if jobs is None else ["-j", jobs]), *order), 0)
        data = open(out, "rb").read()
        reference = reference or data
        assert data == reference, "output differs with --jobs %s" % jobs
    for bad in ["0", "x", "-1"]:
        expect(merge("-o", path("bad.pgo"), "--jobs", bad, LARGE), 2, "--jobs")
    print("byte-identical for --jobs default, 1, 2, 3, 8")


def case_max_input_size():
    # The inflate limit refuses a large input with exit 1 and a hint, skips it under
    # --skip-bad, and accepts it once raised (suffixes are powers of 1024).
    out = path("out.pgo")
    err = expect(merge("-o", out, "--max-input-size", "64K", LARGE), 1, "inflates to more than")
    assert "--max-input-size" in err and LARGE in err, err
    assert not os.path.exists(out)
    expect(merge("-o", out, "--skip-bad", "--max-input-size", "64K", LARGE, LARGE), 1,
           "skipped")
    expect(merge("-q", "-o", out, "--max-input-size", "64M", LARGE), 0)
    expect(merge("-o", out, "--max-input-size", "lots", LARGE), 2, "--max-input-size")
    print("--max-input-size ok")


def case_weights():
    out = path("out.pgo")
    for bad in ["x", "=2", LARGE + "=-1", LARGE + "=abc", LARGE + "=1e3", LARGE + "=inf"]:
        expect(merge("-o", out, "--weight", bad, LARGE), 2, "--weight")
    expect(merge("-o", out, "--weight", path("other.pb.gz") + "=2", LARGE), 2,
           "is not one of the inputs")
    expect(merge("-o", out, "--weight", LARGE + "=2", "--weight", LARGE + "=3", LARGE), 2,
           "more than one weight")
    # A directory weight applies to its files; a file weight wins over it.
    os.mkdir(path("dir"))
    shutil.copy(LARGE, path("dir/a.pb.gz"))
    shutil.copy(LARGE, path("dir/b.pb.gz"))
    expect(merge("-q", "-o", path("w1.pgo"), "--weight", path("dir") + "=2",
                 "--weight", path("dir/b.pb.gz") + "=0", path("dir")), 0)
    # (the weight-0 input still adds its duration to the header, so compare like with like)
    shutil.copy(LARGE, path("copy.pb.gz"))
    expect(merge("-q", "-o", path("w2.pgo"), "--weight", LARGE + "=2",
                 "--weight", path("copy.pb.gz") + "=0", LARGE, path("copy.pb.gz")), 0)
    assert open(path("w1.pgo"), "rb").read() == open(path("w2.pgo"), "rb").read()
    # Relative and absolute spellings of the same file match.
    rel = os.path.relpath(LARGE)
    expect(merge("-q", "-o", path("w3.pgo"), "--weight", rel + "=2", "--weight",
                 os.path.relpath(path("copy.pb.gz")) + "=0", LARGE, path("copy.pb.gz")), 0)
    assert open(path("w3.pgo"), "rb").read() == open(path("w2.pgo"), "rb").read()
    print("--weight ok")


def case_files_from():
    # --files-from names the same inputs as the command line would: the same bytes, from a
    # file or standard input, with comments and blank lines skipped, lists combined with
    # INPUT arguments, and weights and the output checks applied to listed inputs.
    os.mkdir(path("fleet"))
    for instance in ("a", "b"):
        os.mkdir(path("fleet/" + instance))
        shutil.copy(LARGE, path("fleet/%s/cpu.pb.gz" % instance))
    files = [path("fleet/a/cpu.pb.gz"), path("fleet/b/cpu.pb.gz")]
    expect(merge("-q", "-o", path("args.pgo"), *files), 0)
    reference = open(path("args.pgo"), "rb").read()
    listing = write("list.txt", ("# instances\n\n%s\r\n%s\n" % tuple(files)).encode())
    err = expect(merge("-o", path("list.pgo"), "--files-from", listing), 0)
    assert "merged 2 of 2 input(s)" in err, err
    assert open(path("list.pgo"), "rb").read() == reference
    with open(listing, "rb") as stdin:
        expect(merge("-q", "-o", path("stdin.pgo"), "--files-from", "-", stdin=stdin), 0)
    assert open(path("stdin.pgo"), "rb").read() == reference
    one = write("one.txt", (files[1] + "\n").encode())
    expect(merge("-q", "-o", path("mixed.pgo"), files[0], "--files-from", one), 0)
    assert open(path("mixed.pgo"), "rb").read() == reference
    # A listed directory stands for its files; a weight names a listed file.
    dirs = write("dirs.txt", ("%s\n%s\n" % (path("fleet/a"), path("fleet/b"))).encode())
    expect(merge("-q", "-o", path("dirs.pgo"), "--files-from", dirs), 0)
    assert open(path("dirs.pgo"), "rb").read() == reference
    expect(merge("-q", "-o", path("w.pgo"), "--weight", files[1] + "=0.5", "--files-from",
                 listing), 0)
    assert open(path("w.pgo"), "rb").read() != reference
    err = expect(merge("-o", path("fleet/a/out.pgo"), "--files-from", dirs), 2,
                 "inside the input directory")
    assert not os.path.exists(path("fleet/a/out.pgo"))
    # Bad lists: one line each, exit 1, the output untouched.
    out = path("out.pgo")
    shutil.copy(path("args.pgo"), out)
    missing = write("missing.txt", (path("fleet/c/cpu.pb.gz") + "\n").encode())
    for args, part in [((path("nolist.txt"),), "cannot open the list"),
                       ((path("fleet"),), "is a directory"),
                       ((LARGE,), "NUL byte"),
                       ((write("empty.txt", b"# nothing yet\n"),), "names no input"),
                       ((missing,), "fleet/c/cpu.pb.gz")]:
        err = expect(merge("-o", out, "--files-from", *args), 1, part)
        assert err.count("\n") == 1, err
        assert open(out, "rb").read() == reference
    expect(merge("-o", out, "--files-from"), 2, "--files-from")
    print("--files-from ok")


def case_help():
    r = merge("--help")
    out = expect(r, 0).strip() + r.stdout.decode()
    for part in ["--output", "--weight", "--normalize", "--skip-bad", "--quiet", "--jobs",
                 "--max-input-size", "--files-from", "Examples:", "Exit codes", "Memory:"]:
        assert part in out, part
    print("help ok")


def case_harness_merge():
    # pgo-harness merge is the same command as pgo-merge.
    case_exit_codes()
    case_skip_bad()


if __name__ == "__main__":
    try:
        globals()["case_" + CASE]()
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
