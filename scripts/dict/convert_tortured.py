#!/usr/bin/env python3
"""Convert the Problematic Paper Screener's tortured phrases into an unspin table.

Usage:
    python3 scripts/dict/convert_tortured.py [--strip-acronyms] \
        [dictionaries/sources/tortured-phrases-pps.json] [dictionaries/tortured-phrases.tsv]

Source: "tortured phrases" -> expected phrases collected by the Problematic Paper
Screener (Guillaume Cabanac, Cyril Labbé, Alexander Magazinov), licence CC BY 4.0;
a copy of the JSON (keys "tortured" and "correct" under "phrases") is kept in
dictionaries/sources/ so this runs from the repository alone. The attribution is
written into the output header and must be kept.

Each pair becomes "<tortured>\t<correct>\t<weight>" (weight 0.9 for a multi-word
tortured form, 0.5 for a single word). Skipped, and counted in the report:
  * note:      "correct" is a note, not a drop-in replacement: it contains
               parentheses, brackets, '?', ';', '=', '...', 'e.g.', 'i.e.', 'etc',
               ' or ' / '/' alternatives, or is empty;
  * not words: the tortured form is not plain words per the table format
               (lower-case letters/digits with internal apostrophes, single spaces;
               no hyphens or other punctuation);
  * self:      the pair maps a form to itself (case-insensitively);
  * duplicate: the same tortured form again (its other corrections are merged in as
               further candidates, and the pair is counted as merged, not skipped).
--strip-acronyms (off by default; the checked-in table is built without it) keeps
a correction whose only note is a trailing acronym gloss, dropping the gloss:
"graph neural network (gnn)" -> "graph neural network".
The output is written in canonical form (see tsvtable.py / check_table.py).
"""

from __future__ import annotations

import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tsvtable import SPUN_RE, Entry, merge, write_table  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SRC = os.path.join(ROOT, "dictionaries", "sources", "tortured-phrases-pps.json")
OUT = os.path.join(ROOT, "dictionaries", "tortured-phrases.tsv")
ACRONYM_RE = re.compile(r"^(.*[^\s(])\s*\(([a-z0-9][a-z0-9 .&-]*)\)$", re.I)
NOTE_RE = re.compile(r"[()\[\]?;=\u2026]|\.\.\.|\be\.g\.|\bi\.e\.|\betc\b|\s/|/\s|\bor\b|\bsee\b", re.I)


def norm(s: str) -> str:
    s = s.replace("\u2019", "'").replace("\u2018", "'").replace("\u00a0", " ")
    return " ".join(s.split())


def main(argv: list[str]) -> int:
    strip = "--strip-acronyms" in argv
    argv = [a for a in argv if a != "--strip-acronyms"]
    src = argv[1] if len(argv) > 1 else SRC
    out = argv[2] if len(argv) > 2 else OUT
    data = json.load(open(src, encoding="utf-8"))
    phrases = data["phrases"]
    counts = {"note": 0, "not words": 0, "self": 0}
    kept: list[Entry] = []
    for p in phrases:
        spun = norm(p.get("tortured", "")).lower()
        correct = norm(p.get("correct", ""))
        m = ACRONYM_RE.match(correct) if strip else None
        if m and not NOTE_RE.search(m.group(1)):
            correct = m.group(1)
        if not correct or NOTE_RE.search(correct):
            counts["note"] += 1
            continue
        if not SPUN_RE.match(spun):
            counts["not words"] += 1
            continue
        if correct.lower() == spun:
            counts["self"] += 1
            continue
        w = 0.9 if " " in spun else 0.5
        kept.append(Entry(spun, [correct], w, ""))
    entries = merge(kept)
    merged = len(kept) - len(entries)
    header = [
        "# tortured-phrases.tsv: tortured phrase -> expected phrase (opt-in table, not loaded by default).",
        "# Source: Problematic Paper Screener (PPS), by Guillaume Cabanac, Cyril Labb\u00e9 and",
        f"# Alexander Magazinov, {data.get('sourceUrl', 'https://www.irit.fr/~Guillaume.Cabanac/problematic-paper-screener')}",
        f"# Licence: {data.get('license', 'CC BY 4.0')} (https://creativecommons.org/licenses/by/4.0/); source list version",
        f"# {data.get('version', '?')} of {data.get('lastUpdated', '?')}. Changes: converted to the unspin table format by",
        "# scripts/dict/convert_tortured.py (notes, non-word forms and self-mappings dropped, duplicates merged,",
        "# weights added" + ("; trailing acronym glosses stripped" if strip else "") + "). Regenerate with that script;",
        "# do not edit by hand.",
    ]
    write_table(out, header, entries)
    print(f"{src}: {len(phrases)} pairs")
    print(f"  kept {len(kept)} pairs -> {len(entries)} entries ({merged} duplicate forms merged)")
    for k, v in counts.items():
        print(f"  skipped ({k}): {v}")
    print(f"  wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
