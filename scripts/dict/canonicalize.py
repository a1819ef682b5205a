#!/usr/bin/env python3
"""Rewrite a substitution table in canonical form, in place.

Usage:
    python3 scripts/dict/canonicalize.py dictionaries/news-spinner.tsv

Keeps the leading block of '#' comment lines; drops other comments and blank
lines; lower-cases spun forms, turns curly apostrophes straight and collapses
spaces; merges entries with the same spun form (candidates concatenated in order,
weight = the maximum, notes joined with '; '); drops candidates equal to the spun
form and duplicate candidates; sorts by spun form in byte order. Does not fix
anything else: run check_table.py afterwards.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tsvtable import merge, read_table, write_table  # noqa: E402


def main(argv):
    if len(argv) != 2:
        print(__doc__)
        return 2
    header, entries = read_table(argv[1])
    out = merge(entries)
    write_table(argv[1], header, out)
    print(f"{argv[1]}: {len(entries)} lines -> {len(out)} entries")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
