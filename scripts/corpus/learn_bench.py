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
        [--min-weight W ...] [--style seed|second] [--tune] [--crawl FILE]

--crawl FILE learns from other texts instead of the mine half, as a data team learns from its
own crawl of one scraper site: the documents of FILE ({"id","text"} a line) spun by the same
spinner, cut into paragraph pairs. `python3 scripts/corpus/brown_press.py --other` writes the
Brown corpus's other categories (C to R: 429 samples, 873,000 words, 12,430 paragraphs; none of
the benchmark's texts).

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


def spun_articles(style, docs, seed, common):
    """Each of `docs` spun whole by the benchmark's spinner of `style`, each its own draw."""
    directions, choice = STYLES[style]
    keys = spin.spinner_keys(SETS, directions, common=common)
    return bg.spin_pairs(keys, docs, directions, choice, "spin", "article", seed)


def write_pairs(seed):
    os.makedirs(OUT, exist_ok=True)
    mine, test = halves()
    common = spin.unigrams()
    for style in STYLES:
        for half, docs in (("mine", mine), ("test", test)):
            pairs = spun_articles(style, docs, seed, common)
            path = os.path.join(OUT, f"{style}-{half}.jsonl")
            bg.write(path, pairs)
            print(f"{path}: {len(pairs)} pairs", file=sys.stderr)


def number(doc_id):
    return int(re.search(r"(\d+)\D*$", doc_id).group(1))


def evaluate(pairs_path, args):
    return bg.evaluate(pairs_path, args)


def crawl_pairs(style, crawl, seed, path):
    """Pairs of paragraphs of the crawl's documents (other texts than the benchmark's), each
    document spun whole by the benchmark's spinner of `style`: what a data team's crawl of
    one scraper site gives `unspin learn`."""
    docs = [(d["id"], d["text"]) for d in map(json.loads, open(crawl, encoding="utf-8"))]
    out = []
    for p in spun_articles(style, docs, seed, spin.unigrams()):
        spun, original = p["spun"].split("\n\n"), p["original"].split("\n\n")
        if len(spun) != len(original):  # a paragraph break spun away: not cut
            continue
        out += [{"id": f"{p['id']}-{k}", "spun": x, "original": y}
                for k, (x, y) in enumerate(zip(spun, original)) if y.strip()]
    bg.write(path, out)
    return len(out)


def run(style, weights, tune, tmp, extra=(), crawl=None, seed=1):
    mine = os.path.join(OUT, f"{style}-mine.jsonl")
    test = os.path.join(OUT, f"{style}-test.jsonl")
    if crawl:
        mine = os.path.join(tmp, f"crawl-{style}.jsonl")
        n = crawl_pairs(style, crawl, seed, mine)
        print(f"{crawl}: {n} paragraph pairs spun in the {style} style", file=sys.stderr, flush=True)
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
    ap.add_argument("--crawl", help="learn from this JSON Lines file of other clean documents "
                    "({\"id\",\"text\"} a line), spun by the same spinner and cut into "
                    "paragraph pairs, instead of the mine half")
    a = ap.parse_args()
    if not a.evaluate:
        write_pairs(a.seed)
        return
    subprocess.run(["cargo", "build", "--release", "--bin", "unspin", "--example", "evaluate"],
                   cwd=ROOT, check=True)
    bg.DEFAULTS = bg.default_tables()
    with tempfile.TemporaryDirectory() as tmp:
        for style in a.style or list(STYLES):
            run(style, a.min_weight or [0.7], a.tune, tmp, a.learn_args.split(), a.crawl, a.seed)


if __name__ == "__main__":
    main()
