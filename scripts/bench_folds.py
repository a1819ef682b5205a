#!/usr/bin/env python3
"""Held-out folds of the news-spinner table: restoration of a real spinner's sets the tables
have never seen.

The other configurations of bench_generalize.py spin with one public lexicon and restore with
the other, which share only 14-24% of their pairs: a pessimistic stand-in for an unknown
spinner. The news-spinner table is the one sample of a real spinner's sets we have, so this
benchmark holds part of it out:

1. each entry of dictionaries/news-spinner.tsv goes to one of --folds folds by a hash of its
   first candidate (the spinner's key), so that every spun form of one original falls in the
   same fold;
2. the clean documents are spun with the whole table read backwards (spin.py --sets
   news-spinner: the seed spinner's behaviour, or --second for the second spinner's);
3. each fold is restored with the table less that fold (loaded with --dict, the built-in
   news-spinner left out), with and without the general lexicons: the sites of the held-out
   fold are known only to the general lexicons, as a real unseen article's unknown sites are
   (seed-spinner held-out articles: about 58% of the sites known to the table).

Figures are the means over folds, as bench_generalize.py computes them (src/eval.rs).
Documents: the odd Brown press documents and the clean seeds (--tune: the even Brown ones).

Usage (from the repository root, after `cargo build --release --example evaluate`):

    python3 scripts/bench_folds.py [--folds 2] [--unit passage|article] [--tune] [--second]
"""

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
sys.path.insert(0, os.path.join(ROOT, "scripts", "corpus"))
import bench_generalize as bg  # noqa: E402
import spin  # noqa: E402

TABLE = os.path.join(ROOT, "dictionaries", "news-spinner.tsv")
GENERAL = ["general-moby", "general-wordnet"]


def fold_of(line, folds):
    key = line.split("\t")[1].split("|")[0].strip().lower()
    return int(hashlib.sha1(key.encode()).hexdigest(), 16) % folds


def table_without(fold, folds, path):
    """The news-spinner table less the entries of one fold, written to path."""
    with open(TABLE, encoding="utf-8") as f, open(path, "w", encoding="utf-8") as out:
        for line in f:
            if line.startswith("#") or not line.strip() or fold_of(line, folds) != fold:
                out.write(line)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--folds", type=int, default=2)
    ap.add_argument("--unit", choices=["passage", "article"], default="passage")
    ap.add_argument("--tune", action="store_true", help="the even Brown documents")
    ap.add_argument("--second", action="store_true",
                    help="the second spinner: both directions, a draw per occurrence")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--general", default="both", choices=["both", "with", "without"])
    a = ap.parse_args()
    directions, choice = ("both", "occurrence") if a.second else ("keys", "article")
    docs = bg.documents(a.tune)
    keys = spin.spinner_keys("news-spinner", directions)
    pairs = bg.spin_pairs(keys, docs, directions, choice, "spin", a.unit, a.seed, per_doc=6,
                          articles=None if a.unit == "passage" else bg.article_sample(docs))
    variants = {"both": [False, True], "with": [True], "without": [False]}[a.general]
    with tempfile.TemporaryDirectory() as tmp:
        pairs_path = os.path.join(tmp, "pairs.jsonl")
        bg.write(pairs_path, pairs)
        for general in variants:
            sums = {}
            for fold in range(a.folds):
                minus = os.path.join(tmp, f"minus{fold}.tsv")
                table_without(fold, a.folds, minus)
                args = ["--tables", ",".join(GENERAL) if general else "", "--dict", minus]
                figures = bg.evaluate(pairs_path, args)
                for k, v in figures.items():
                    if isinstance(v, (int, float)):
                        sums[k] = sums.get(k, 0.0) + v / a.folds
            label = "with general lexicons" if general else "spinner table only"
            print(json.dumps({"config": label, **{k: round(v, 4) for k, v in sums.items()}}))


if __name__ == "__main__":
    main()
