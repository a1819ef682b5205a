"""Loaders for the public lexical resources unspin's general tables are built from.

Imported by ``build_general.py`` (tables) and by the benchmark's spinner simulator.
Nothing here is shipped: the raw sources stay outside git (see "Sources" below).

API (all results are cached per process; members keep the source's case and
spelling, underscores turned into spaces; use ``clean_member`` to normalise):

``moby_sets(path=None) -> list[list[str]]``
    Moby Thesaurus II: one list per Moby entry, the head word first, then its
    related words in Moby's order. Moby has no part of speech and lists loose
    associations, not only synonyms ("war" lists "Ares", "Boer War"...).
``moby_index(path=None) -> dict[str, set[str]]``
    head word (lower case) -> set of its related words (lower case).
``moby_mutual(a, b, path=None) -> bool``
    True when each of ``a`` and ``b`` lists the other (a much stronger sign of synonymy).
``wordnet_synsets(path=None) -> list[Synset]``
    WordNet 3.0 synsets: ``Synset(offset, pos, words, antonyms, lexfile)`` with
    ``pos`` one of ``n v a r`` (adjective satellites ``s`` are reported as ``a``),
    ``words`` the lemmas in WordNet's order (most frequent sense first is *not*
    guaranteed; see ``wordnet_sense_counts``), ``antonyms`` the lemmas linked to
    a member by an antonym pointer (lexical ``!``), ``lexfile`` the lexicographer
    file name (``verb.communication``, ``noun.person``...).
    ``pointers`` the synset's semantic pointers as ``(symbol, "offset-pos")``
    (``&`` similar to, ``@`` hypernym, ``~`` hyponym, ``$`` verb group, ...).
``wordnet_by_id(path=None) -> dict[str, Synset]``
    ``"offset-pos"`` -> synset.
``wordnet_sets(path=None) -> list[list[str]]``
    the member lists of ``wordnet_synsets`` with two or more members.
``wordnet_sets_pos(path=None) -> list[tuple[str, list[str]]]``
    the same with the POS tag: ``("v", ["state", "say", "tell"])``.
``wordnet_sense_counts(path=None) -> dict[tuple[str, str, str], int]``
    (lemma, pos, synset offset) -> tagged sense count (``cntlist.rev``; SemCor
    frequencies, 0 when absent), for ordering candidates.
``wordnet_antonyms(path=None) -> dict[str, set[str]]``
    lemma (lower case) -> its antonyms in any sense (for excluding antonym pairs).
``clean_member(s) -> str | None``
    lower-cases and normalises a member for a table's spun-form rules
    (``[a-z0-9]+('[a-z0-9]+)*`` words separated by single spaces); ``None`` when
    the member cannot be a spun form (hyphens, dots, digits-only...).

Sources (how to obtain them; neither is in git):

* **Moby Thesaurus II** (Grady Ward, public domain), text as shipped in the
  crates.io package ``thesaurus-moby`` 0.2.0 (``src/moby.txt``, 24,823,011 bytes,
  30,260 lines, one entry a line: ``head,related,related,...``). Fetch it with::

      mkdir -p /tmp/mobyfetch/src && cd /tmp/mobyfetch && \\
      printf '[package]\\nname="m"\\nversion="0.0.0"\\nedition="2021"\\n[dependencies]\\nthesaurus-moby="=0.2.0"\\n' > Cargo.toml && \\
      echo 'fn main(){}' > src/main.rs && cargo fetch

  after which it is found under ``~/.cargo/registry/src/*/thesaurus-moby-0.2.0/src/moby.txt``
  (looked up automatically), or set ``UNSPIN_MOBY=/path/to/moby.txt``.

* **WordNet 3.0** (Princeton University, WordNet 3.0 licence), Debian package
  ``wordnet-base`` (``apt-get install wordnet-base``): the files
  ``/usr/share/wordnet/data.{noun,verb,adj,adv}`` and ``cntlist.rev``. Set
  ``UNSPIN_WORDNET=/dir`` to use another directory holding the same files (for
  example the ``dict/`` directory of the WordNet-3.0 tarball).

A missing source raises ``SourceMissing`` with these instructions.
"""

from __future__ import annotations

import glob
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache

__all__ = [
    "SourceMissing",
    "Synset",
    "clean_member",
    "moby_path",
    "moby_sets",
    "moby_index",
    "moby_mutual",
    "wordnet_dir",
    "wordnet_synsets",
    "wordnet_by_id",
    "wordnet_sets",
    "wordnet_sets_pos",
    "wordnet_sense_counts",
    "wordnet_antonyms",
]


class SourceMissing(FileNotFoundError):
    """A lexical source file is not on this machine; the message says how to fetch it."""


# ---------------------------------------------------------------- Moby

MOBY_HELP = (
    "Moby Thesaurus II not found. Fetch the crates.io package thesaurus-moby 0.2.0 "
    "(e.g. a throwaway crate depending on thesaurus-moby = \"=0.2.0\" and `cargo fetch`; "
    "see the docstring of scripts/dict/lexicons.py), or set UNSPIN_MOBY=/path/to/moby.txt"
)


def moby_path() -> str:
    """Path of moby.txt: $UNSPIN_MOBY, else the cargo registry copy."""
    env = os.environ.get("UNSPIN_MOBY")
    if env:
        if not os.path.isfile(env):
            raise SourceMissing(f"UNSPIN_MOBY={env}: no such file. {MOBY_HELP}")
        return env
    home = os.environ.get("CARGO_HOME", os.path.expanduser("~/.cargo"))
    hits = sorted(glob.glob(os.path.join(home, "registry/src/*/thesaurus-moby-*/src/moby.txt")))
    if not hits:
        raise SourceMissing(MOBY_HELP)
    return hits[-1]


@lru_cache(maxsize=None)
def _moby(path: str) -> tuple[tuple[str, ...], ...]:
    out = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\r\n")
            if not line:
                continue
            parts = [p.strip() for p in line.split(",")]
            parts = [p for p in parts if p]
            if len(parts) >= 2:
                out.append(tuple(parts))
    return tuple(out)


def moby_sets(path: str | None = None) -> list[list[str]]:
    """Moby entries: ``[head, related, related, ...]`` (source case)."""
    return [list(s) for s in _moby(path or moby_path())]


@lru_cache(maxsize=None)
def _moby_index(path: str) -> dict[str, frozenset[str]]:
    idx: dict[str, set[str]] = {}
    for s in _moby(path):
        head = s[0].lower()
        idx.setdefault(head, set()).update(w.lower() for w in s[1:])
    return {k: frozenset(v) for k, v in idx.items()}


def moby_index(path: str | None = None) -> dict[str, frozenset[str]]:
    """head word (lower case) -> frozenset of its related words (lower case)."""
    return _moby_index(path or moby_path())


def moby_mutual(a: str, b: str, path: str | None = None) -> bool:
    """True when a lists b and b lists a in Moby (case-insensitive)."""
    idx = moby_index(path)
    a, b = a.lower(), b.lower()
    return b in idx.get(a, ()) and a in idx.get(b, ())


# ---------------------------------------------------------------- WordNet

WORDNET_HELP = (
    "WordNet 3.0 not found. Install the Debian package wordnet-base "
    "(`apt-get install wordnet-base`, files /usr/share/wordnet/data.*), "
    "or set UNSPIN_WORDNET=/dir holding data.noun, data.verb, data.adj, data.adv"
)
WN_FILES = {"n": "data.noun", "v": "data.verb", "a": "data.adj", "r": "data.adv"}
LEXFILES = [
    "adj.all", "adj.pert", "adv.all", "noun.Tops", "noun.act", "noun.animal", "noun.artifact",
    "noun.attribute", "noun.body", "noun.cognition", "noun.communication", "noun.event",
    "noun.feeling", "noun.food", "noun.group", "noun.location", "noun.motive", "noun.object",
    "noun.person", "noun.phenomenon", "noun.plant", "noun.possession", "noun.process",
    "noun.quantity", "noun.relation", "noun.shape", "noun.state", "noun.substance", "noun.time",
    "verb.body", "verb.change", "verb.cognition", "verb.communication", "verb.competition",
    "verb.consumption", "verb.contact", "verb.creation", "verb.emotion", "verb.motion",
    "verb.perception", "verb.possession", "verb.social", "verb.stative", "verb.weather",
    "adj.ppl",
]


def wordnet_dir() -> str:
    d = os.environ.get("UNSPIN_WORDNET", "/usr/share/wordnet")
    if not all(os.path.isfile(os.path.join(d, f)) for f in WN_FILES.values()):
        raise SourceMissing(f"{d}: data.* files missing. {WORDNET_HELP}")
    return d


@dataclass
class Synset:
    offset: str  # 8 digits, e.g. "01009240"
    pos: str  # n v a r
    words: list[str]  # lemmas, underscores -> spaces, adjective markers "(a)" stripped
    antonyms: set[str] = field(default_factory=set)  # lemma-level antonyms of members
    lexfile: str = ""
    # semantic pointers (whole synset to whole synset): (symbol, "offset-pos"), e.g.
    # ("&", "00123456-a") similar to, ("@", ...) hypernym, ("$", ...) verb group
    pointers: list[tuple[str, str]] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"{self.offset}-{self.pos}"


_ADJ_MARK = re.compile(r"\((?:a|p|ip)\)$")


@lru_cache(maxsize=None)
def _wordnet(d: str) -> tuple[Synset, ...]:
    synsets: list[Synset] = []
    by_key: dict[tuple[str, str], Synset] = {}
    pending: list[tuple[Synset, str, str, int]] = []  # (synset, target offset, target pos, target word no.)
    for pos, fname in WN_FILES.items():
        with open(os.path.join(d, fname), encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith("  "):
                    continue  # licence header
                data = line.split(" | ", 1)[0].split()
                offset, lexnum, _ss = data[0], int(data[1]), data[2]
                wcnt = int(data[3], 16)
                words = []
                for i in range(wcnt):
                    w = _ADJ_MARK.sub("", data[4 + 2 * i]).replace("_", " ")
                    words.append(w)
                k = 4 + 2 * wcnt
                pcnt = int(data[k])
                k += 1
                s = Synset(offset, pos, words, set(), LEXFILES[lexnum] if lexnum < len(LEXFILES) else "")
                for _ in range(pcnt):
                    sym, toff, tpos, srctgt = data[k : k + 4]
                    k += 4
                    tpos = "a" if tpos == "s" else tpos
                    if sym == "!":
                        tgt = int(srctgt[2:], 16)
                        pending.append((s, toff, tpos, tgt))
                    elif srctgt == "0000":
                        s.pointers.append((sym, f"{toff}-{tpos}"))
                synsets.append(s)
                by_key[(offset, pos)] = s
    for s, toff, tpos, tgt in pending:
        t = by_key.get((toff, tpos))
        if t is not None and 0 < tgt <= len(t.words):
            s.antonyms.add(t.words[tgt - 1])
    return tuple(synsets)


def wordnet_synsets(path: str | None = None) -> list[Synset]:
    return list(_wordnet(path or wordnet_dir()))


def wordnet_by_id(path: str | None = None) -> dict[str, Synset]:
    return {s.id: s for s in _wordnet(path or wordnet_dir())}


def wordnet_sets(path: str | None = None) -> list[list[str]]:
    return [list(s.words) for s in wordnet_synsets(path) if len(s.words) >= 2]


def wordnet_sets_pos(path: str | None = None) -> list[tuple[str, list[str]]]:
    return [(s.pos, list(s.words)) for s in wordnet_synsets(path) if len(s.words) >= 2]


@lru_cache(maxsize=None)
def _sense_counts(d: str) -> dict[tuple[str, str, str], int]:
    """cntlist.rev: ``sense_key sense_number tag_cnt``; the sense key gives lemma and POS,
    the offset comes from index.<pos> (sense order); "#n" when not found."""
    out: dict[tuple[str, str, str], int] = {}
    # index.<pos>: "lemma pos synset_cnt p_cnt [ptr...] sense_cnt tagsense_cnt offset..."
    # lists a lemma's synsets in sense-number order, so sense n -> n-th offset.
    sense_off: dict[tuple[str, str, int], str] = {}
    for pos, fname in (("n", "index.noun"), ("v", "index.verb"), ("a", "index.adj"), ("r", "index.adv")):
        ipath = os.path.join(d, fname)
        if not os.path.isfile(ipath):
            continue
        with open(ipath, encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith("  "):
                    continue
                p = line.split()
                lemma, nsyn, nptr = p[0].replace("_", " "), int(p[2]), int(p[3])
                offs = p[4 + nptr + 2 :]
                for i, off in enumerate(offs[:nsyn], 1):
                    sense_off[(lemma, pos, i)] = off
    path = os.path.join(d, "cntlist.rev")
    if not os.path.isfile(path):
        return out
    ssmap = {"1": "n", "2": "v", "3": "a", "4": "r", "5": "a"}
    with open(path, encoding="utf-8") as f:
        for line in f:
            p = line.split()
            if len(p) != 3:
                continue
            key, senseno, cnt = p
            lemma, rest = key.split("%", 1)
            pos = ssmap.get(rest[0], "?")
            lemma = lemma.replace("_", " ")
            off = sense_off.get((lemma, pos, int(senseno)), "#" + senseno)
            out[(lemma, pos, off)] = int(cnt)
    return out


def wordnet_sense_counts(path: str | None = None) -> dict[tuple[str, str, str], int]:
    return _sense_counts(path or wordnet_dir())


@lru_cache(maxsize=None)
def _antonyms(d: str) -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for s in _wordnet(d):
        for a in s.antonyms:
            for w in s.words:
                out.setdefault(w.lower(), set()).add(a.lower())
                out.setdefault(a.lower(), set()).add(w.lower())
    return {k: frozenset(v) for k, v in out.items()}


def wordnet_antonyms(path: str | None = None) -> dict[str, frozenset[str]]:
    return _antonyms(path or wordnet_dir())


# ---------------------------------------------------------------- normalisation

_SPUN_RE = re.compile(r"^[a-z0-9]+(?:'[a-z0-9]+)*(?: [a-z0-9]+(?:'[a-z0-9]+)*)*$")


def clean_member(s: str) -> str | None:
    """Lower-case, collapse spaces, curly apostrophes to straight; None unless the
    result is valid as a table spun form (letters/digits, internal apostrophes,
    single spaces; no hyphens, dots or other punctuation)."""
    t = " ".join(s.replace("\u2019", "'").replace("_", " ").split()).lower()
    return t if t and _SPUN_RE.match(t) else None


if __name__ == "__main__":
    import sys

    try:
        m = moby_sets()
        print(f"moby: {moby_path()}: {len(m)} entries, {sum(len(s) for s in m)} members")
    except SourceMissing as e:
        print(e, file=sys.stderr)
    try:
        w = wordnet_synsets()
        print(f"wordnet: {wordnet_dir()}: {len(w)} synsets, {len(wordnet_sets())} with 2+ members")
    except SourceMissing as e:
        print(e, file=sys.stderr)
