#!/usr/bin/env python3
"""unspin against typos (crate-ci/typos 1.x), a dictionary spell checker
that tokenizes and looks up every word too: the yardstick of issue 25.

Usage: scripts/bench_typos.py [--runs N] [--startup-runs N] [--mb MB]
       [--only clean|spun] [--skip-startup] [--skip-typos]

Builds two directories of ~10 KB documents, --mb (default 20) MB each, from
what the repository ships, kept in the cache directory (built again when
missing or when this script's way of cutting them changes):
  - clean: the clean news of corpus/ (corpus/brown-press.jsonl and the clean
    seeds 000, 001, 003, 004), cut into documents at paragraph ends and
    repeated;
  - spun: seed 002 (the spun article) cut the same way and repeated.
Then, best of --runs (default 3) whole-process runs each:
  - `unspin check -q -j 1 DIR` against `typos --format brief -j 1 DIR`, the
    table of the issue (MB/s each, and unspin's time over typos's);
  - `unspin check -q -j 2 DIR` against `-j 1`: the speed-up of two threads;
  - peak memory (largest resident set) of `unspin check -q -j 1 DIR`;
  - start-up: `unspin check -q` of a one-line file, the median and best of
    --startup-runs (default 40) runs, with the defaults, with the general
    lexicons and with a thesaurus (tests/fixtures/thesaurus/wordnet-3000.txt),
    each's CPU time against the defaults'.
The -j 1 figures are CPU seconds (user + system) of the child process: on an
idle machine the same as its wall-clock time within a few per cent, and on a
shared one still the work done; the -j 2 speed-up is wall-clock (-j 1's wall
time over -j 2's), so it wants an otherwise idle machine. Memory is the
kernel's maximum resident set of the child (wait4).

The binary is $UNSPIN_BIN, else target/release/unspin (built with
`cargo build --release` when missing). typos is `typos` on the PATH when it
is 1.x, else installed by `cargo install typos-cli --locked --version
$TYPOS_VERSION` into the cache directory. The cache directory is
$UNSPIN_BENCH_CACHE, else ~/.cache/unspin-bench.
"""
import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TYPOS_VERSION = os.environ.get("TYPOS_VERSION", "1.52.0")
CACHE = os.environ.get("UNSPIN_BENCH_CACHE", os.path.expanduser("~/.cache/unspin-bench"))
DOC_BYTES = 10_000
CLEAN_SEEDS = ["000_aa92f3a28928f2e3", "001_97aa9ac3554af9e4", "003_8b6ec4914fcd75e2",
               "004_8e862bd3df8d806c"]
SPUN_SEED = "002_e90d1dc293122756"


def read(path):
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        return f.read()


def clean_texts():
    texts = []
    for line in read("corpus/brown-press.jsonl").splitlines():
        if line.strip():
            texts.append(json.loads(line)["text"])
    texts += [read("corpus/seeds/%s.txt" % s) for s in CLEAN_SEEDS]
    return texts


def spun_texts():
    return [read("corpus/seeds/%s.txt" % SPUN_SEED)]


def cut(texts):
    """The texts cut into documents of about DOC_BYTES at paragraph ends."""
    docs = []
    for text in texts:
        doc = []
        size = 0
        for para in text.split("\n\n"):
            para = para.strip()
            if not para:
                continue
            doc.append(para)
            size += len(para.encode()) + 2
            if size >= DOC_BYTES:
                docs.append("\n\n".join(doc) + "\n")
                doc, size = [], 0
        if doc:
            docs.append("\n\n".join(doc) + "\n")
    return docs


def build_dir(kind, mb):
    """The directory of documents of `kind`, made when missing or stale."""
    docs = cut(clean_texts() if kind == "clean" else spun_texts())
    stamp = hashlib.sha256(("%d\0%d\0" % (DOC_BYTES, mb) + "\0".join(docs)).encode()).hexdigest()
    path = os.path.join(CACHE, "docs-%s-%dmb" % (kind, mb))
    stamp_file = path + ".stamp"
    if os.path.isdir(path) and os.path.exists(stamp_file) and open(stamp_file).read() == stamp:
        return path
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    total, i = 0, 0
    while total < mb * 1_000_000:
        doc = docs[i % len(docs)]
        with open(os.path.join(path, "%05d.txt" % i), "w", encoding="utf-8") as f:
            f.write(doc)
        total += len(doc.encode())
        i += 1
    with open(stamp_file, "w") as f:
        f.write(stamp)
    return path


def dir_bytes(path):
    return sum(os.path.getsize(os.path.join(path, f)) for f in os.listdir(path))


def run(cmd):
    """One whole-process run: (wall seconds, CPU seconds, peak RSS in MB, exit code)."""
    start = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                         stdin=subprocess.DEVNULL)
    # Read stderr through to the end so that a chatty command never blocks.
    err = p.stderr.read()
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - start
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode not in (0, 1, 2):
        sys.exit("%s exited %d: %s" % (" ".join(cmd), p.returncode, err.decode(errors="replace")[-2000:]))
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, p.returncode


def best(cmd, runs):
    """Best of `runs` runs after one warm-up: (wall, cpu, peak MB)."""
    run(cmd)
    results = [run(cmd) for _ in range(runs)]
    return (min(r[0] for r in results), min(r[1] for r in results),
            max(r[2] for r in results))


def unspin_bin():
    b = os.environ.get("UNSPIN_BIN")
    if b:
        return os.path.abspath(b)
    b = os.path.join(ROOT, "target/release/unspin")
    if not os.path.exists(b):
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True,
                       stdin=subprocess.DEVNULL)
    return b


def typos_bin():
    found = shutil.which("typos")
    if found:
        out = subprocess.run([found, "--version"], capture_output=True, text=True).stdout
        if out.split()[-1:] and out.split()[-1].startswith("1."):
            return found
    root = os.path.join(CACHE, "typos-%s" % TYPOS_VERSION)
    b = os.path.join(root, "bin", "typos")
    if not os.path.exists(b):
        print("installing typos-cli %s into %s" % (TYPOS_VERSION, root), file=sys.stderr)
        subprocess.run(["cargo", "install", "typos-cli", "--locked", "--version", TYPOS_VERSION,
                        "--root", root], check=True, stdin=subprocess.DEVNULL)
    return b


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--startup-runs", type=int, default=40)
    ap.add_argument("--mb", type=int, default=20)
    ap.add_argument("--only", choices=["clean", "spun"])
    ap.add_argument("--skip-startup", action="store_true")
    ap.add_argument("--skip-typos", action="store_true")
    args = ap.parse_args()
    unspin = unspin_bin()
    typos = None if args.skip_typos else typos_bin()
    kinds = [args.only] if args.only else ["clean", "spun"]
    print("unspin: %s" % unspin)
    if typos:
        print("typos: %s (%s)" % (typos, subprocess.run([typos, "--version"], capture_output=True,
                                                        text=True).stdout.strip()))
    print()
    rows = []
    for kind in kinds:
        d = build_dir(kind, args.mb)
        mb = dir_bytes(d) / 1e6
        n = len(os.listdir(d))
        u1 = best([unspin, "check", "-q", "-j", "1", d], args.runs)
        u2 = best([unspin, "check", "-q", "-j", "2", d], args.runs)
        t = best([typos, "--format", "brief", "-j", "1", d], args.runs) if typos else None
        rows.append((kind, mb, n, u1, u2, t))
    print("| documents | MB | unspin -j 1 | typos -j 1 | unspin time / typos time "
          "| -j 2 speed-up (wall) | peak RSS -j 1 |")
    print("|---|---|---|---|---|---|---|")
    for kind, mb, n, u1, u2, t in rows:
        print("| %s (%d docs) | %.1f | %.1f MB/s | %s | %s | %.2fx | %.0f MB |" % (
            kind, n, mb, mb / u1[1], "%.1f MB/s" % (mb / t[1]) if t else "-",
            "%.2f" % (u1[1] / t[1]) if t else "-", u1[0] / u2[0], u1[2]))
    sys.stdout.flush()
    if args.skip_startup:
        return
    print()
    with tempfile.TemporaryDirectory() as tmp:
        small = os.path.join(tmp, "small.txt")
        with open(small, "w") as f:
            f.write("The minister said the talks had failed.\n")
        thesaurus = os.path.join(ROOT, "tests/fixtures/thesaurus/wordnet-3000.txt")
        configs = [
            ("defaults", []),
            ("general lexicons", ["--tables", "news-spinner,general-moby,general-wordnet"]),
            ("thesaurus (wordnet-3000)", ["--thesaurus", thesaurus]),
        ]
        print("| start-up (`check -q` of one line) | wall median | wall best | CPU median "
              "| CPU / defaults' | peak RSS |")
        print("|---|---|---|---|---|---|")
        base = None
        for name, extra in configs:
            cmd = [unspin, "check", "-q"] + extra + [small]
            run(cmd)
            rs = [run(cmd) for _ in range(args.startup_runs)]
            wall = statistics.median(r[0] for r in rs)
            cpu = statistics.median(r[1] for r in rs)
            base = base or cpu
            print("| %s | %.1f ms | %.1f ms | %.1f ms | %.2fx | %.0f MB |" % (
                name, wall * 1e3, min(r[0] for r in rs) * 1e3, cpu * 1e3, cpu / base,
                max(r[2] for r in rs)))


if __name__ == "__main__":
    main()
