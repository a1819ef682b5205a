"""Benchmarks of the Python package.

    python bench/bench.py [--mb 20] [--bin target/release/unspin]

1. Throughput: ``Unspinner.fix_many(texts, threads=2)`` over the shipped mix
   (every shipped document once per cycle: the seeds and the Brown press
   samples, as ``scripts/bench_analyze.sh`` builds it, about 6% of the bytes
   spun), against ``unspin fix --jsonl -j 2`` over the same documents as JSON
   Lines. The target: fix_many within 15% of the command line. Both are
   timed as wall seconds, best of ``--runs``; fix_many is timed alone (the
   texts in memory) and with the reading of the JSON Lines file and the
   writing of the restored texts (the whole job, as the command does it).
2. Per-call overhead: ``Unspinner.fix`` of a 30-word paragraph, against the
   same restoration inside the library without Python (a private timer of
   the extension). The target: under 50 microseconds a call.

``python bench/bench.py job FILE`` runs the whole fix_many job once (read,
fix_many with 2 threads, write to /dev/null), for timing whole processes
side by side with ``unspin fix --jsonl -j 2 -q FILE``.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import unspin

ROOT = Path(__file__).resolve().parents[2]
PARAGRAPH = (
    "The navy mentioned on Tuesday that it had took motion final night time to cease a struggle "
    "close to the border, and officers mentioned the talks would proceed next week."
)


def shipped_mix(mb: float, out: Path) -> None:
    """The shipped mix of scripts/bench_analyze.sh, about `mb` MB."""
    docs = [(p.name, p.read_text(encoding="utf-8")) for p in sorted((ROOT / "corpus" / "seeds").glob("*.txt"))]
    with open(ROOT / "corpus" / "brown-press.jsonl", encoding="utf-8") as f:
        docs += [(d["id"], d["text"]) for d in map(json.loads, f)]
    spun = [d for d in docs if d[0].startswith("002")]
    clean = [d for d in docs if not d[0].startswith("002")]
    cycle = clean + spun
    written, i = 0, 0
    with open(out, "w", encoding="utf-8") as f:
        while written < mb * 1e6:
            name, text = cycle[i % len(cycle)]
            line = json.dumps({"id": f"{name}#{i}", "text": text}, ensure_ascii=False) + "\n"
            f.write(line)
            written += len(line.encode())
            i += 1


def job(path: str, threads: int = 2) -> None:
    """The whole job: read JSON Lines, fix_many, write the texts."""
    with open(path, encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for line in f]
    fixed = unspin.Unspinner().fix_many(texts, threads=threads)
    with open(os.devnull, "w", encoding="utf-8") as out:
        for t in fixed:
            out.write(json.dumps({"text": t}, ensure_ascii=False))
            out.write("\n")


def best(f, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=20.0, help="size of the corpus (MB)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--bin", default=os.environ.get("UNSPIN_BIN", str(ROOT / "target" / "release" / "unspin")))
    ap.add_argument("--corpus", help="a JSON Lines corpus to use instead of the shipped mix")
    args = ap.parse_args()

    print(f"load average: {' '.join(open('/proc/loadavg').read().split()[:3])}")
    corpus = Path(args.corpus) if args.corpus else ROOT / "target" / "bench-python" / f"shipped-{args.mb:g}.jsonl"
    if not corpus.exists():
        corpus.parent.mkdir(parents=True, exist_ok=True)
        shipped_mix(args.mb, corpus)
    mb = corpus.stat().st_size / 1e6
    with open(corpus, encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for line in f]
    text_mb = sum(len(t.encode()) for t in texts) / 1e6
    print(f"corpus: {corpus} ({mb:.1f} MB, {len(texts)} documents, {text_mb:.1f} MB of text)")

    u = unspin.Unspinner()
    u.fix_many(texts[:200], threads=2)  # warm the pool
    t_many = best(lambda: u.fix_many(texts, threads=2), args.runs)
    t_job = best(lambda: job(str(corpus)), args.runs)

    def cli():
        with open(corpus, "rb") as f:
            r = subprocess.run([args.bin, "fix", "--jsonl", "-j", "2", "-q"], stdin=f, stdout=subprocess.DEVNULL)
        assert r.returncode in (0, 1)

    t_cli = best(cli, args.runs)
    print(f"fix_many, 2 threads (texts in memory):      {t_many:6.2f} s  {text_mb / t_many:5.1f} MB/s of text")
    print(f"fix_many job (read JSONL, fix_many, write): {t_job:6.2f} s  {mb / t_job:5.1f} MB/s of input")
    print(f"unspin fix --jsonl -j 2:                    {t_cli:6.2f} s  {mb / t_cli:5.1f} MB/s of input")
    print(f"fix_many / cli: {t_many / t_cli:.2f}; job / cli: {t_job / t_cli:.2f} (target: at most 1.15)")

    words = len(PARAGRAPH.split())
    n = 20000
    u.fix(PARAGRAPH)
    t_py = best(lambda: [u.fix(PARAGRAPH) for _ in range(n)], args.runs) / n
    t_rs = min(u._time_fix(PARAGRAPH, n) for _ in range(args.runs)) / n
    print(
        f"per call, {words}-word paragraph: fix {t_py * 1e6:.1f} us, the library alone {t_rs * 1e6:.1f} us, "
        f"overhead {(t_py - t_rs) * 1e6:.1f} us (target: under 50 us)"
    )
    # The same for the empty text, where the analysis is next to nothing.
    t_py0 = best(lambda: [u.fix("") for _ in range(n)], args.runs) / n
    t_rs0 = min(u._time_fix("", n) for _ in range(args.runs)) / n
    print(f"per call, empty text: fix {t_py0 * 1e6:.2f} us, the library alone {t_rs0 * 1e6:.2f} us")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "job":
        job(sys.argv[2])
    else:
        main()
