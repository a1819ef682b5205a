#!/usr/bin/env python3
"""Writes src/tokenize/marks.rs: the ranges of the Unicode combining marks
(general category M: Mn, Mc, Me), from Python's unicodedata.

    python3 scripts/unicode/marks.py > src/tokenize/marks.rs
"""
import unicodedata

ranges = []
start = prev = None
for cp in range(0x110000):
    if unicodedata.category(chr(cp)).startswith("M"):
        if start is None:
            start = cp
        prev = cp
    elif start is not None:
        ranges.append((start, prev))
        start = None

print(f"""//! The combining marks (Unicode general category M, version {unicodedata.unidata_version}),
//! as sorted, disjoint ranges of code points. Made by
//! `scripts/unicode/marks.py`; do not edit.

/// The ranges `(first, last)` of the combining marks, sorted.
pub(super) const MARKS: &[(u32, u32)] = &[""")
for a, b in ranges:
    print(f"    (0x{a:04X}, 0x{b:04X}),")
print("];")
