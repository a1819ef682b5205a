#!/usr/bin/env python3
"""Add inflected forms of tagged table entries, in place (idempotent).

Usage:
    pip install lemminflect        # MIT licence; https://github.com/bjascob/LemmInflect
    python3 scripts/dict/expand_inflections.py dictionaries/news-spinner.tsv

A hand-written entry asks for its inflections with a tag in its note field:

    infl=V   verb: the first word of the spun form and of each candidate gets
             the -s, past, past participle and -ing forms (VBZ VBD VBN VBG):
             "cease -> stop" gives "ceases -> stops", "ceased -> stopped", ...;
             "have interaction -> engage" gives "had interaction -> engaged".
    infl=N   noun: the last word gets the plural (NNS): "sufferer -> victim"
             gives "sufferers -> victims".
    infl=NV  both.
    infl=A   adjective: the first word gets the comparative and superlative
             (JJR JJS): "sturdy -> strong" gives "sturdier -> stronger".

Generated lines carry the note "auto: <TAGS> of <spun form>" and the weight of
their source times 0.85 (at least 0.05): the spinner's thesaurus lists surface
forms, and an inflected form is less surely in it than the form the seed showed.
Every run first deletes all "auto:" lines, then regenerates them; a generated
form never overrides a hand-written entry with the same spun form (the hand
entry wins and the generated one is dropped), and generated forms of different
sources that collide are merged. The table is then written canonically.
"""

from __future__ import annotations

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tsvtable import Entry, merge, read_table, write_table  # noqa: E402

try:
    from lemminflect import getInflection
except ImportError:  # pragma: no cover
    sys.exit("expand_inflections.py needs lemminflect: pip install lemminflect")

TAG_RE = re.compile(r"\binfl=([NVA]+)\b")
FACTOR = 0.85
POS_TAGS = {"V": ["VBZ", "VBD", "VBN", "VBG"], "N": ["NNS"], "A": ["JJR", "JJS"]}
AUTO = "auto:"


def inflect_word(word: str, tag: str) -> str | None:
    # keep intrinsic capitals of candidates (e.g. proper nouns) by inflecting lower case
    forms = getInflection(word.lower(), tag=tag, inflect_oov=True)
    if not forms:
        return None
    form = forms[0]
    if word[:1].isupper():
        form = form[:1].upper() + form[1:]
    return form


def inflect_phrase(phrase: str, tag: str, last: bool) -> str | None:
    ws = phrase.split(" ")
    i = len(ws) - 1 if last else 0
    f = inflect_word(ws[i], tag)
    if f is None or f.lower() == ws[i].lower():
        return None
    ws[i] = f
    return " ".join(ws)


def expand(e: Entry) -> list[Entry]:
    m = TAG_RE.search(e.note)
    if not m:
        return []
    out = []
    for pos in m.group(1):
        for tag in POS_TAGS[pos]:
            last = pos == "N"
            spun = inflect_phrase(e.spun, tag, last)
            if spun is None or not re.fullmatch(r"[a-z0-9' ]+", spun):
                continue
            cands = [c2 for c in e.candidates if (c2 := inflect_phrase(c, tag, last))]
            if not cands:
                continue
            w = max(0.05, round(e.w * FACTOR, 2))
            out.append(Entry(spun, cands, w, f"{AUTO} {m.group(1)} of {e.spun}"))
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    header, entries = read_table(argv[1])
    hand = [e for e in entries if not e.note.startswith(AUTO)]
    hand_forms = {e.spun for e in hand}
    auto: list[Entry] = []
    for e in hand:
        auto += [a for a in expand(e) if a.spun not in hand_forms]
    # merge auto entries among themselves, keeping notes short
    merged_auto = merge(auto)
    for a in merged_auto:
        parts = [p.strip() for p in a.note.split(";")]
        a.note = parts[0] if len(parts) == 1 else f"{parts[0]} (+{len(parts) - 1} more)"
    out = merge(hand + merged_auto)
    write_table(argv[1], header, out)
    print(f"{argv[1]}: {len(hand)} hand entries, {len(merged_auto)} generated, {len(out)} total")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
