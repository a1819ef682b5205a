#!/usr/bin/env python3
"""Spin clean text the way the spinner does, to make spun/original pairs.

The spinner (see corpus/README.md) walks synonym sets; every occurrence of a
set's key on word boundaries, lower case or capitalised, is replaced by one
other member, chosen once per article; ALL CAPS words and lower-case words
touching a hyphen are left alone; replaced text is sealed. This script
simulates it with the project's own tables read backwards (original ->
spun forms), so it tests the *decisions* (context model, channel, document
score) on text other than the dev pairs; it cannot test dictionary coverage.

Usage:
    python3 scripts/corpus/synth_spin.py corpus/brown-press.jsonl \
        [--table dictionaries/news-spinner.tsv] [--seed 1] [--sentences N] [--rate 1.0]

Writes JSON Lines {"id","spun","original"} to stdout: whole documents, or
passages of N sentences with --sentences N (like the dev pairs). --rate is
the share of the keys found in a document that get spun (the real spinner
spins all it knows; our table knows fewer sets, so 1.0 still spins less).
"""
import argparse
import json
import random
import re

WORD = r"[0-9A-Za-z\u00C0-\u024F]+(?:['\u2019][0-9A-Za-z\u00C0-\u024F]+)*"


def load_table(path):
    reverse = {}
    for line in open(path, encoding="utf-8"):
        if not line.strip() or line.startswith("#"):
            continue
        f = line.rstrip("\n").split("\t")
        spun, cands = f[0], [c.strip() for c in f[1].split("|")]
        for c in cands:
            if c != c.lower():
                continue  # proper-noun originals: keep the simulation simple
            reverse.setdefault(c, []).append(spun)
    return reverse


def compile_keys(reverse):
    """(key, pattern) in the order the spinner walks them: longest first."""
    out = []
    for key in sorted(reverse, key=lambda k: (-len(k.split()), k)):
        body = r"\s+".join(re.escape(w) for w in key.split(" "))
        first = re.escape(key[0])
        pat = re.compile(
            r"(?<![\w'\u2019-])([" + first + re.escape(key[0].upper()) + "]"
            + body[len(first):] + r")(?![\w-])"
        )
        out.append((key, pat))
    return out


def spin(text, reverse, patterns, rng, rate):
    sealed = [False] * len(text)
    edits = []
    choice = {}
    lower = text.lower()
    for key, pat in patterns:
        if key.split(" ")[0] not in lower:
            continue
        for m in pat.finditer(text):
            s, e = m.span(1)
            if any(sealed[s:e]):
                continue
            if key not in choice:
                choice[key] = rng.choice(reverse[key]) if rng.random() < rate else None
            rep = choice[key]
            if rep is None:
                continue
            if m.group(1)[0].isupper():
                rep = rep[0].upper() + rep[1:]
            for i in range(s, e):
                sealed[i] = True
            edits.append((s, e, rep))
    out, at = [], 0
    for s, e, rep in sorted(edits):
        out.append(text[at:s])
        out.append(rep)
        at = e
    out.append(text[at:])
    return "".join(out)


def passages(text, n):
    sents = re.split(r"(?<=[.!?\u201d])\s+(?=[\u201c\"A-Z])", text)
    for i in range(0, len(sents), n):
        chunk = " ".join(s.strip() for s in sents[i:i + n]).strip()
        if len(re.findall(WORD, chunk)) >= 5:
            yield chunk


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("docs")
    ap.add_argument("--table", default="dictionaries/news-spinner.tsv")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--sentences", type=int, default=0)
    ap.add_argument("--rate", type=float, default=1.0)
    ap.add_argument("--limit", type=int, default=0, help="at most this many outputs")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    reverse = load_table(a.table)
    patterns = compile_keys(reverse)
    count = 0
    for line in open(a.docs, encoding="utf-8"):
        doc = json.loads(line)
        units = passages(doc["text"], a.sentences) if a.sentences else [doc["text"]]
        for k, original in enumerate(units):
            spun = spin(original, reverse, patterns, rng, a.rate)
            print(json.dumps({"id": f"{doc['id']}-{k}", "spun": spun, "original": original}, ensure_ascii=False))
            count += 1
            if a.limit and count >= a.limit:
                return


if __name__ == "__main__":
    main()
