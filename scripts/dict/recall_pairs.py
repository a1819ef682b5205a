#!/usr/bin/env python3
"""Candidate recall of a substitution table on spun/original sentence pairs.

Usage:
    python3 scripts/dict/recall_pairs.py [PAIRS.jsonl] [TABLE.tsv ...] [-v] [--each]

PAIRS.jsonl defaults to ../shared/dev/seed-pairs.jsonl (one JSON object a line
with "spun" and "original"); tables default to dictionaries/news-spinner.tsv.

Both sides are cut into words (letters/digits with internal apostrophes, curly
apostrophes made straight, lower case) and aligned with difflib; each non-equal
stretch is a substitution site. A site counts as recalled when the stretch
from an unchanged word at most 5 words before it to one at most 5 words after
it (other sites inside it included) can be rewritten into the original by a
left-to-right sequence of steps, each step either copying an unchanged word or
replacing a run of spun words that is a spun form in the table by one of its
candidates. Sites whose only difference is a number ("4" vs "four") are left to
the number rule in code and reported apart. -v lists the sites not recalled.
Several tables are used together (their union); --each also reports each table
alone first.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tsvtable import read_table  # noqa: E402

WORD = re.compile(r"[A-Za-z0-9]+(?:['\u2019][A-Za-z0-9]+)*")
NUMBER_WORDS = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"}
CONTEXT = 5


def words(s: str) -> list[str]:
    return [w.replace("\u2019", "'").lower() for w in WORD.findall(s)]


def is_number_site(a: list[str], b: list[str]) -> bool:
    toks = a + b
    return bool(toks) and all(t.isdigit() or t in NUMBER_WORDS for t in toks)


def load(tables: list[str]):
    table: dict[tuple, list[tuple]] = {}
    maxlen = 1
    for t in tables:
        _, entries = read_table(t)
        for e in entries:
            key = tuple(e.spun.split(" "))
            maxlen = max(maxlen, len(key))
            table.setdefault(key, []).extend(tuple(words(c)) for c in e.candidates)
    return table, maxlen


def rewritable(S: list[str], O: list[str], table, maxlen) -> bool:
    reach = {(0, 0)}
    stack = [(0, 0)]
    while stack:
        p, q = stack.pop()
        nxt = []
        if p < len(S) and q < len(O) and S[p] == O[q]:
            nxt.append((p + 1, q + 1))
        for k in range(1, maxlen + 1):
            if p + k > len(S):
                break
            for cand in table.get(tuple(S[p:p + k]), ()):
                if tuple(O[q:q + len(cand)]) == cand:
                    nxt.append((p + k, q + len(cand)))
        for s in nxt:
            if s not in reach:
                reach.add(s)
                stack.append(s)
    return (len(S), len(O)) in reach


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    args = [a for a in argv[1:] if a not in ("-v", "--each")]
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    pairs = next((a for a in args if a.endswith(".jsonl")),
                 os.path.join(root, "..", "shared", "dev", "seed-pairs.jsonl"))
    tables = [a for a in args if a.endswith(".tsv")] or [os.path.join(root, "dictionaries", "news-spinner.tsv")]
    if "--each" in argv and len(tables) > 1:
        for t in tables:
            print(f"{os.path.basename(t)}: ", end="")
            report(pairs, [t], False)
        print("all together: ", end="")
    return report(pairs, tables, verbose)


def report(pairs: str, tables: list[str], verbose: bool) -> int:
    table, maxlen = load(tables)
    total = hit = numbers = 0
    missed = []
    for line in open(pairs, encoding="utf-8"):
        if not line.strip():
            continue
        d = json.loads(line)
        s, o = words(d["spun"]), words(d["original"])
        sm = difflib.SequenceMatcher(a=s, b=o, autojunk=False)
        ops = sm.get_opcodes()
        anchors = set()
        for op, i1, i2, j1, j2 in ops:
            if op == "equal":
                anchors.update((i1 + k, j1 + k) for k in range(i2 - i1 + 1))
        anchors.update({(0, 0), (len(s), len(o))})
        for op, i1, i2, j1, j2 in ops:
            if op == "equal":
                continue
            if is_number_site(s[i1:i2], o[j1:j2]):
                numbers += 1
                continue
            total += 1
            ok = False
            # anchors: positions inside unchanged stretches (equal opcodes) at most
            # CONTEXT words outside the site; the region between two anchors may
            # contain other sites, which must then be rewritable too.
            starts = [(i, j) for (i, j) in anchors if i <= i1 and j <= j1 and i1 - i <= CONTEXT]
            ends = [(i, j) for (i, j) in anchors if i >= i2 and j >= j2 and i - i2 <= CONTEXT]
            for a, c in starts:
                for b, e in ends:
                    if rewritable(s[a:b], o[c:e], table, maxlen):
                        ok = True
                        break
                if ok:
                    break
            if ok:
                hit += 1
            else:
                missed.append((d.get("id", "?"), " ".join(s[i1:i2]), " ".join(o[j1:j2])))
    print(f"sites {total} (+{numbers} number sites left to code), recalled {hit}, "
          f"recall {hit / max(total, 1):.3f}")
    if verbose:
        for m in missed:
            print(f"  missed {m[0]}: {m[1]!r} -> {m[2]!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
