"""Shared reader/writer for unspin's substitution tables (``dictionaries/*.tsv``).

Not a script: imported by ``check_table.py``, ``canonicalize.py``,
``expand_inflections.py``, ``recall_pairs.py`` and ``convert_tortured.py``.

Table format (see ``dictionaries/README.md``)::

    # comment
    <spun form>\t<candidates>[\t<weight>[\t<note>]]

* spun form: lower case words (runs of letters/digits with optional internal
  straight apostrophes) separated by single spaces;
* candidates: one or more originals separated by `` | ``, most likely first;
* weight: decimal in (0, 1] with at most 2 decimals (default 0.5);
* note: free text.

Canonical form: sorted by spun form in byte order (UTF-8), each spun form once,
no candidate equal to the spun form (case-insensitively), no duplicate
candidates, no trailing spaces, trailing newline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

WORD = r"[a-z0-9]+(?:'[a-z0-9]+)*"
SPUN_RE = re.compile(rf"^{WORD}(?: {WORD})*$")
WEIGHT_RE = re.compile(r"^(?:0\.\d{1,2}|1(?:\.0{1,2})?|0?\.\d{1,2})$")
SEP = " | "
DEFAULT_WEIGHT = 0.5


@dataclass
class Entry:
    """One table line."""

    spun: str
    candidates: list[str]
    weight: float | None = None  # None: field absent (default 0.5)
    note: str = ""
    lineno: int = 0
    extra: list[str] = field(default_factory=list)  # fields beyond the 4th (invalid)

    @property
    def w(self) -> float:
        return DEFAULT_WEIGHT if self.weight is None else self.weight


def fmt_weight(w: float) -> str:
    s = f"{w:.2f}".rstrip("0").rstrip(".")
    if s in ("1", ""):
        return "1.0" if s == "1" else "0"
    return s


def parse_line(line: str, lineno: int = 0) -> Entry | None:
    """Parse one line; None for comments/blank lines. Raises ValueError on bad shape."""
    if line.endswith("\n"):
        line = line[:-1]
    if not line.strip() or line.startswith("#"):
        return None
    parts = line.split("\t")
    if len(parts) < 2:
        raise ValueError(f"line {lineno}: expected at least 2 tab-separated fields")
    spun, cands = parts[0], parts[1]
    weight = None
    note = ""
    if len(parts) >= 3 and parts[2] != "":
        weight = float(parts[2])
    if len(parts) >= 4:
        note = parts[3]
    return Entry(spun, cands.split(SEP), weight, note, lineno, parts[4:])


def read_table(path: str) -> tuple[list[str], list[Entry]]:
    """Return (leading comment block, entries)."""
    header: list[str] = []
    entries: list[Entry] = []
    in_header = True
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f, 1):
            e = parse_line(line, i)
            if e is None:
                if in_header and line.startswith("#"):
                    header.append(line.rstrip("\n"))
                continue
            in_header = False
            entries.append(e)
    return header, entries


def format_entry(e: Entry) -> str:
    fields = [e.spun, SEP.join(e.candidates)]
    if e.weight is not None or e.note:
        fields.append(fmt_weight(e.w))
    if e.note:
        fields.append(e.note)
    return "\t".join(fields)


def normalize_spun(s: str) -> str:
    s = s.replace("\u2019", "'").replace("\u2018", "'").lower()
    return " ".join(s.split())


def merge(entries: list[Entry]) -> list[Entry]:
    """Merge duplicate spun forms, drop self/duplicate candidates, sort canonically.

    On merge: candidates are concatenated in order of appearance, the weight is the
    maximum, notes are joined with '; ' (without repeats).
    """
    by: dict[str, Entry] = {}
    for e in entries:
        spun = normalize_spun(e.spun)
        cands = [" ".join(c.split()) for c in e.candidates]
        if spun in by:
            m = by[spun]
            m.candidates += cands
            if e.weight is not None:
                m.weight = e.w if m.weight is None else max(m.w, e.w)
            for n in [x.strip() for x in e.note.split(";")]:
                if n and n not in [y.strip() for y in m.note.split(";")]:
                    m.note = f"{m.note}; {n}" if m.note else n
        else:
            by[spun] = Entry(spun, cands, e.weight, e.note.strip())
    out = []
    for spun, e in by.items():
        seen = set()
        cands = []
        for c in e.candidates:
            k = c.lower()
            if not c or k == spun or k in seen:
                continue
            seen.add(k)
            cands.append(c)
        if not cands:
            continue
        e.candidates = cands
        out.append(e)
    out.sort(key=lambda e: e.spun.encode("utf-8"))
    return out


def write_table(path: str, header: list[str], entries: list[Entry]) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for h in header:
            f.write(h.rstrip() + "\n")
        for e in entries:
            f.write(format_entry(e).rstrip() + "\n")
