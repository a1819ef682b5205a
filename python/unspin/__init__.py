"""unspin: find and restore text garbled by automatic article spinners.

Scraper sites republish news after a *spinner* has swapped words and phrases
for context-blind synonyms ("war" -> "struggle", "one of" -> "one in all").
unspin finds these substitutions, scores how spun a document is, and restores
the original wording. This package is the Rust library's own code, with its
tables and language model inside::

    import unspin

    u = unspin.Unspinner()
    u.fix("We took motion final night time.")        # 'We took action last night.'
    a = u.analyze("He mentioned it is one in all the largest.")
    a.score, a.is_spun                               # document spin score, verdict
    for f in a.restorations:
        print(f.start, f.end, f.spun, "->", f.original, round(f.score, 2))
    u.fix_many(texts)                                 # every core, input order
    for fixed in unspin.fix_iter(texts_generator):    # streaming, flat memory
        ...
    unspin.fix_jsonl("dump.jsonl", "clean.jsonl")     # as `unspin fix --jsonl`

An :class:`Unspinner` is thread-safe (the analysis releases the GIL) and
picklable (it travels as its settings), so Spark, Ray and multiprocessing can
ship it.
"""

from __future__ import annotations

from typing import Iterable, Iterator, Optional, Sequence

from ._unspin import (
    BUILTIN_TABLES,
    DEFAULT_MAX_BYTES,
    DEFAULT_TABLES,
    DEFAULT_THRESHOLD,
    Analysis,
    Candidate,
    Finding,
    FixIter,
    UnspinError,
    Unspinner,
    __version__,
)

__all__ = [
    "Unspinner",
    "Analysis",
    "Finding",
    "Candidate",
    "FixIter",
    "UnspinError",
    "fix_iter",
    "fix_jsonl",
    "DEFAULT_THRESHOLD",
    "DEFAULT_TABLES",
    "DEFAULT_MAX_BYTES",
    "BUILTIN_TABLES",
    "__version__",
]

# Unpickled unspinners, by settings: a worker process that receives the same
# unspinner with every task (a Spark UDF's closure, say) builds it once.
_built: dict = {}


def _rebuild(
    tables: Optional[Sequence[str]],
    dicts: Sequence[str],
    threshold: float,
    allow: Sequence[str],
    decide: str,
    max_bytes: Optional[int],
    thesauri: Sequence[str] = (),
    thesaurus_keys: str = "first",
    min_confidence: float = 0.0,
) -> Unspinner:
    """Builds an unspinner from pickled settings (see ``Unspinner.__reduce__``).

    Unspinners with built-in tables only are kept and shared by settings;
    with table files they are built afresh, so that an edited file is read.
    """
    key = (
        None if tables is None else tuple(tables),
        threshold,
        tuple(allow),
        decide,
        max_bytes,
        min_confidence,
    )
    if not dicts and not thesauri:
        u = _built.get(key)
        if u is not None:
            return u
    u = Unspinner(
        tables=tables,
        dicts=dicts,
        threshold=threshold,
        allow=allow,
        decide=decide,
        max_bytes=max_bytes,
        thesauri=list(thesauri),
        thesaurus_keys=thesaurus_keys,
        min_confidence=min_confidence,
    )
    if not dicts and not thesauri:
        _built[key] = u
    return u


def _default() -> Unspinner:
    """The unspinner of the default settings, built once."""
    return _rebuild(None, (), DEFAULT_THRESHOLD, (), "model", DEFAULT_MAX_BYTES)


def fix_iter(
    texts: Iterable[str],
    *,
    threads: int = 0,
    only: Optional[str] = None,
    unspinner: Optional[Unspinner] = None,
) -> Iterator[str]:
    """``Unspinner.fix_iter`` with ``unspinner`` (default: the default
    settings): the restored texts of ``texts`` in order, streaming on every
    core with the GIL released; with ``only="spun"`` (or ``"clean"``), only
    the texts judged spun (or clean)."""
    return (unspinner or _default()).fix_iter(texts, threads, only=only)


def fix_jsonl(src, dst, *, unspinner: Optional[Unspinner] = None, **options) -> dict:
    """``Unspinner.fix_jsonl`` with ``unspinner`` (default: the default
    settings): the JSON Lines file ``src`` restored into ``dst`` as
    ``unspin fix --jsonl`` restores it. ``options``: ``field``, ``threads``,
    ``min_score``, ``on_error``, ``findings``, ``only``."""
    return (unspinner or _default()).fix_jsonl(src, dst, **options)
