#!/usr/bin/env python3
"""Cross-source coverage of the general tables: how many synonym pairs of one
source, among words common in news, a table built from the *other* source
restores (the spun form is in the table with the original among its candidates).

Usage (from the repository root):

    python3 scripts/dict/cross_coverage.py [--top K] [--min-cand Z] [--min-spun Z]

Reference pairs (a spun, b original), base forms, one part of speech, both
passing build_general's exclusions, b with Zipf >= --min-cand (default 4.0,
~10 per million words: the words an author of news writes), a with Zipf >=
--min-spun (default 3.0):

* wordnet: two members of one WordNet synset;
* moby: two Moby words that list each other, with list cosine >= 0.3.

Reports, for each reference and each table, the fraction of pairs covered (b
among a's candidates) and covered within the top K candidates (default 3).
Tables: general-moby.tsv, general-wordnet.tsv, and their union; news-spinner.tsv
is shown for scale (it is the seed spinner's table, not a general lexicon).
"""

from __future__ import annotations

import argparse
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import build_general as G  # noqa: E402
import lexicons as L  # noqa: E402
from tsvtable import read_table  # noqa: E402


def wordnet_pairs(min_cand: float, min_spun: float) -> set[tuple[str, str]]:
    ants = L.wordnet_antonyms()
    out = set()
    for s in L.wordnet_synsets():
        mem = [m for m in (G.member_ok(w) for w in s.words) if m]
        for a in mem:
            for b in mem:
                if a != b and b not in ants.get(a, ()) and G.pair_ok(a, b) \
                        and G.Z(b) >= min_cand and G.Z(a) >= min_spun:
                    out.add((a, b))
    return out


def moby_pairs(min_cand: float, min_spun: float) -> set[tuple[str, str]]:
    idx: dict[str, set[str]] = {}
    for s in L.moby_sets():
        if not any(c.isupper() for c in s[0]):
            idx.setdefault(s[0], set()).update(w for w in s[1:] if not any(c.isupper() for c in w))
    out = set()
    for a, rel in idx.items():
        if G.member_ok(a) != a or G.Z(a) < min_spun:
            continue
        for b in rel:
            if b == a or a not in idx.get(b, ()) or G.member_ok(b) != b or G.Z(b) < min_cand:
                continue
            cos = (len(rel & idx[b]) + 2) / math.sqrt((len(rel) + 1) * (len(idx[b]) + 1))
            if cos >= 0.3 and G.pair_ok(a, b) and (G.phrase_pos(a) & G.phrase_pos(b)):
                out.add((a, b))
    return out


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--top", type=int, default=3)
    ap.add_argument("--min-cand", type=float, default=4.0)
    ap.add_argument("--min-spun", type=float, default=3.0)
    args = ap.parse_args(argv[1:])
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    d = os.path.join(root, "dictionaries")
    tables = {}
    for name in ("general-moby", "general-wordnet", "news-spinner"):
        path = os.path.join(d, name + ".tsv")
        if os.path.isfile(path):
            tables[name] = {e.spun: e.candidates for e in read_table(path)[1]}
    if "general-moby" in tables and "general-wordnet" in tables:
        u: dict[str, list[str]] = {}
        for name in ("general-moby", "general-wordnet"):
            for k, v in tables[name].items():
                u.setdefault(k, []).extend(v)
        tables["union (moby+wordnet)"] = u
    refs = {
        "wordnet": wordnet_pairs(args.min_cand, args.min_spun),
        "moby": moby_pairs(args.min_cand, args.min_spun),
    }
    for rname, pairs in refs.items():
        print(f"reference {rname}: {len(pairs)} pairs (candidate Zipf >= {args.min_cand}, "
              f"spun Zipf >= {args.min_spun})")
        for tname, t in tables.items():
            hit = sum(1 for a, b in pairs if b in t.get(a, ()))
            top = sum(1 for a, b in pairs if b in t.get(a, ())[: args.top])
            n = max(len(pairs), 1)
            print(f"  {tname:24s} covered {hit / n:.3f}   in top {args.top} {top / n:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
