#!/usr/bin/env python3
"""Validate unspin substitution tables and print counts.

Usage:
    python3 scripts/dict/check_table.py [TABLE.tsv ...]

With no argument, checks every ``dictionaries/*.tsv`` next to this script's repo.
Exits 1 if any table breaks the format of ``dictionaries/README.md``:

* UTF-8, LF line endings, trailing newline at end of file, no trailing spaces;
* each entry is ``spun<TAB>candidates[<TAB>weight[<TAB>note[<TAB>channel]]]`` (2 to 5 fields;
  channel: one value a candidate, a probability in (0, 1] or counts ``a/b`` with 0 < a <= b);
* spun form: lower-case words (letters/digits, optional internal straight
  apostrophes) separated by single spaces, no other punctuation;
* candidates: non-empty, separated by `` | ``, no empty candidate, no candidate
  equal to the spun form (case-insensitively), no duplicates (case-insensitively),
  no leading/trailing spaces, no tab, no ``|`` inside a candidate;
* weight: decimal in (0, 1] written with at most 2 decimals;
* entries sorted by spun form in byte order, each spun form at most once.

Prints per table: number of entries, single-word / multi-word split, candidates
per entry, weight histogram, and entries per note tag (text before the first ';').
"""

from __future__ import annotations

import collections
import glob
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tsvtable import SEP, SPUN_RE  # noqa: E402

WEIGHT_RE = re.compile(r"^(?:0?\.\d{1,2}|0\.\d{1,2}|1|1\.0|1\.00)$")


def check(path: str) -> tuple[list[str], dict]:
    errors: list[str] = []
    raw = open(path, "rb").read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        return [f"{path}: not UTF-8 ({e})"], {}
    if "\r" in text:
        errors.append(f"{path}: contains CR characters (use LF line endings)")
    if text and not text.endswith("\n"):
        errors.append(f"{path}: no trailing newline at end of file")
    if text.endswith("\n\n"):
        errors.append(f"{path}: blank line(s) at end of file")
    prev = None
    seen: set[str] = set()
    stats = {
        "entries": 0,
        "single": 0,
        "multi": 0,
        "candidates": 0,
        "weights": collections.Counter(),
        "tags": collections.Counter(),
        "default_weight": 0,
    }
    for n, line in enumerate(text.split("\n")[:-1] if text.endswith("\n") else text.split("\n"), 1):
        where = f"{path}:{n}"
        if line != line.rstrip():
            errors.append(f"{where}: trailing whitespace")
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if not 2 <= len(fields) <= 5:
            errors.append(f"{where}: {len(fields)} tab-separated fields (want 2 to 5)")
            continue
        spun, cands = fields[0], fields[1]
        if not SPUN_RE.match(spun):
            errors.append(f"{where}: bad spun form {spun!r}")
        if spun in seen:
            errors.append(f"{where}: duplicate spun form {spun!r}")
        seen.add(spun)
        key = spun.encode("utf-8")
        if prev is not None and key < prev:
            errors.append(f"{where}: not sorted ({spun!r} after {prev.decode()!r})")
        prev = key
        clist = cands.split(SEP)
        lowered = set()
        for c in clist:
            if not c:
                errors.append(f"{where}: empty candidate")
            elif c != c.strip() or "  " in c:
                errors.append(f"{where}: candidate {c!r} has stray spaces")
            elif "|" in c:
                errors.append(f"{where}: candidate {c!r} contains '|' (separator is ' | ')")
            if c.lower() == spun:
                errors.append(f"{where}: candidate {c!r} equals the spun form")
            if c.lower() in lowered:
                errors.append(f"{where}: duplicate candidate {c!r}")
            lowered.add(c.lower())
        if len(fields) >= 3:
            w = fields[2]
            if not WEIGHT_RE.match(w) or not 0 < float(w) <= 1:
                errors.append(f"{where}: bad weight {w!r} (decimal in (0,1], at most 2 decimals)")
            else:
                stats["weights"][min(int(float(w) * 10), 9)] += 1
        else:
            stats["default_weight"] += 1
            stats["weights"][5] += 1
        if len(fields) == 4:
            if not fields[3].strip():
                errors.append(f"{where}: empty note field")
        if len(fields) >= 4 and fields[3].strip():
            stats["tags"][fields[3].split(";")[0].strip()] += 1
        if len(fields) == 5:
            values = fields[4].split(" ")
            if len(values) != len(clist):
                errors.append(f"{where}: {len(values)} channel values for {len(clist)} candidates")
            for v in values:
                if not channel_ok(v):
                    errors.append(f"{where}: channel {v!r} is not a probability in (0, 1] nor counts a/b")
        stats["entries"] += 1
        stats["candidates"] += len(clist)
        stats["multi" if " " in spun else "single"] += 1
    return errors, stats


def channel_ok(v: str) -> bool:
    """A channel value: a probability in (0, 1], or counts ``a/b`` with 0 < a <= b."""
    try:
        if "/" in v:
            a, b = (float(x) for x in v.split("/", 1))
            return 0 < a <= b
        return 0 < float(v) <= 1
    except ValueError:
        return False


def main(argv: list[str]) -> int:
    paths = argv[1:]
    if not paths:
        root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        paths = sorted(glob.glob(os.path.join(root, "dictionaries", "*.tsv")))
    failed = False
    for path in paths:
        errors, st = check(path)
        for e in errors[:50]:
            print(e)
        if len(errors) > 50:
            print(f"... {len(errors) - 50} more errors")
        if errors:
            failed = True
            print(f"{path}: FAILED with {len(errors)} error(s)")
            continue
        e = st["entries"]
        print(f"{path}: OK")
        print(f"  entries {e}: {st['single']} single-word, {st['multi']} multi-word; "
              f"{st['candidates']} candidates ({st['candidates'] / max(e, 1):.2f} per entry)")
        hist = "  ".join(f"[{b / 10:.1f},{(b + 1) / 10:.1f}{']' if b == 9 else ')'}:{st['weights'][b]}"
                         for b in range(10))
        print(f"  weights: {hist}  (no weight field: {st['default_weight']})")
        if st["tags"]:
            tags = ", ".join(f"{k}: {v}" for k, v in st["tags"].most_common(12))
            print(f"  notes: {tags}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
