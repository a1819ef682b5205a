#!/usr/bin/env python3
"""The held-out benchmark of `unspin learn`: learn a table from one half of a spinner's output,
restore the other half with it.

A data team holds pairs of one scraper site (its spun copy and the article it copied) and
wants the site's other articles restored. This benchmark plays that out with the synthetic
spinner of scripts/corpus/spin.py: a spinner of the news spinner's family with a larger
thesaurus (our own table read backwards, then WordNet's sets: "news-spinner+wordnet", about
half its substitutions unknown to the shipped tables), in the ways of both spinner families:

  seed     keys only, one choice per form for the whole article, the key's case copied,
           single digits spun (the seed spinner);
  second   every member of a set a key, a fresh draw per occurrence, re-capitalised after
           . ! ?, one- and two-digit numbers spun (the second spinner).

The same spinner (the same thesaurus) spins both halves, each article with its own random
stream:

  mine     the even-numbered Brown press documents (35 whole articles): what is learned from;
  test     the odd-numbered Brown press documents and the clean seeds 000, 001, 003, 004
           (40 whole articles): restored with the default tables, then with the learned
           table added (--dict).

Writes corpus/bench/learn/{seed,second}-{mine,test}.jsonl ({"id","spun","original"} a line).
Needs WordNet 3.0 and LemmInflect (see scripts/dict/lexicons.py). Deterministic for a given
--seed.

Usage (from the repository root):
    python3 scripts/corpus/learn_bench.py                 # writes the pairs
    python3 scripts/corpus/learn_bench.py --evaluate      # learn + restore, prints figures
        [--min-weight W ...] [--style seed|second] [--tune]

--evaluate builds the release binary and examples/evaluate.rs, runs `unspin learn` on the
mine half and `evaluate` on the test half without and with the learned table. --tune learns
from the Brown documents numbered 0 or 1 mod 4 of the mine half and restores those numbered
2 or 3 (the mine half only: the test half is never tuned on).
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
sys.path.insert(0, os.path.join(ROOT, "scripts", "corpus"))
import bench_generalize as bg  # noqa: E402
import spin  # noqa: E402

OUT = os.path.join(ROOT, "corpus", "bench", "learn")
SETS = "news-spinner+wordnet"
STYLES = {"seed": ("keys", "article"), "second": ("both", "occurrence")}
UNSPIN = os.path.join(ROOT, "target", "release", "unspin")


def halves():
    """(mine, test): the even Brown press documents; the odd ones and the clean seeds."""
    mine = list(spin.documents([bg.BROWN], "even"))
    return mine, bg.documents(False)


def write_pairs(seed):
    os.makedirs(OUT, exist_ok=True)
    mine, test = halves()
    common = spin.unigrams()
    for style, (directions, choice) in STYLES.items():
        keys = spin.spinner_keys(SETS, directions, common=common)
        for half, docs in (("mine", mine), ("test", test)):
            pairs = bg.spin_pairs(keys, docs, directions, choice, "spin", "article", seed)
            path = os.path.join(OUT, f"{style}-{half}.jsonl")
            bg.write(path, pairs)
            print(f"{path}: {len(pairs)} pairs", file=sys.stderr)


def number(doc_id):
    return int(re.search(r"(\d+)\D*$", doc_id).group(1))


def evaluate(pairs_path, args):
    return bg.evaluate(pairs_path, args)


def run(style, weights, tune, tmp, extra=()):
    mine = os.path.join(OUT, f"{style}-mine.jsonl")
    test = os.path.join(OUT, f"{style}-test.jsonl")
    if tune:
        pairs = [json.loads(line) for line in open(mine, encoding="utf-8")]
        mine, test = os.path.join(tmp, "mine.jsonl"), os.path.join(tmp, "test.jsonl")
        bg.write(mine, [p for p in pairs if number(p["id"]) % 4 in (0, 1)])
        bg.write(test, [p for p in pairs if number(p["id"]) % 4 in (2, 3)])
    base = evaluate(test, [])
    print(json.dumps({"style": style, "table": "defaults", **base}), flush=True)
    for w in weights:
        table = os.path.join(tmp, f"learned-{style}-{w}.tsv")
        subprocess.run([UNSPIN, "learn", "--pairs", mine, "-o", table, "--min-weight", str(w),
                        "-q", *extra], check=True)
        entries = sum(1 for line in open(table, encoding="utf-8") if not line.startswith("#"))
        f = evaluate(test, ["--dict", table])
        print(json.dumps({"style": style, "table": f"learned min-weight {w}",
                          "entries": entries, **f}), flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--evaluate", action="store_true")
    ap.add_argument("--style", choices=list(STYLES), action="append")
    ap.add_argument("--min-weight", type=float, action="append")
    ap.add_argument("--tune", action="store_true")
    ap.add_argument("--learn-args", default="", help="more arguments of unspin learn")
    a = ap.parse_args()
    if not a.evaluate:
        write_pairs(a.seed)
        return
    subprocess.run(["cargo", "build", "--release", "--bin", "unspin", "--example", "evaluate"],
                   cwd=ROOT, check=True)
    bg.DEFAULTS = bg.default_tables()
    with tempfile.TemporaryDirectory() as tmp:
        for style in a.style or list(STYLES):
            run(style, a.min_weight or [0.7], a.tune, tmp, a.learn_args.split())


if __name__ == "__main__":
    main()
