"""Typed signatures of the extension module (the Rust library's Python face)."""

import os
import pathlib
from typing import Any, Dict, Iterable, Iterator, List, Literal, Optional, Tuple, TypedDict, Union

__version__: str
DEFAULT_THRESHOLD: float
DEFAULT_MAX_BYTES: int
DEFAULT_TABLES: List[str]
BUILTIN_TABLES: List[str]

_Path = Union[str, "os.PathLike[str]"]
# The verdict a batch call's ``only=`` passes on.
_Only = Literal["spun", "clean"]

class UnspinError(ValueError):
    """An error of the unspin library: a bad table, setting or model, or a
    text over ``max_bytes``. The message says what and where."""

class Unspinner:
    """Finds and restores text garbled by automatic article spinners.

    Thread-safe (the analysis releases the GIL) and picklable (it travels as
    its settings; the receiving process builds its own).
    """

    def __init__(
        self,
        tables: Union[None, str, Iterable[str]] = None,
        dicts: Union[None, _Path, Iterable[_Path]] = (),
        threshold: float = 0.5,
        allow: Union[None, str, Iterable[str]] = (),
        *,
        decide: Literal["model", "dictionary"] = "model",
        max_bytes: Optional[int] = 67108864,
        thesauri: Union[None, _Path, Iterable[_Path]] = (),
        thesaurus_keys: Literal["first", "all"] = "first",
        min_confidence: float = 0.0,
    ) -> None:
        """Builds an unspinner.

        Args:
            tables: built-in tables (None: the default ones, ``DEFAULT_TABLES``;
                names from ``BUILTIN_TABLES`` as a list or a comma-separated
                string; ``()`` or ``""`` for none).
            dicts: extra table files (TSV, the format of the shipped ones),
                listed before the built-in tables.
            threshold: the document spin score at or above which a document is
                judged spun, in [0, 1]; nothing is restored in a document judged
                clean.
            allow: spun forms (any case) never reported nor restored.
            decide: ``"model"`` (the language model decides, the default) or
                ``"dictionary"`` (a baseline: restore every distinctive form).
            max_bytes: the largest text taken, in UTF-8 bytes (None: no limit);
                a larger one raises UnspinError.
            thesauri: spinners' synonym files (one set a line, members
                separated by ``|``), read at run time; their forms come after
                the built-in tables' and carry the spinner's channel.
            thesaurus_keys: ``"first"`` (only a line's first member is replaced,
                one choice per article) or ``"all"`` (every member, a fresh
                choice per occurrence).
            min_confidence: the least probability of a candidate for it to be
                restored, in [0, 1] (0: wherever the decision prefers one);
                a site kept for it has the reason ``"unsure"``.

        Raises:
            UnspinError: a malformed table, an unknown table name, a threshold
                out of range (the library's message, with file and line).
            FileNotFoundError, PermissionError, OSError: a table file that
                cannot be read.
        """
    @property
    def tables(self) -> Optional[List[str]]: ...
    @property
    def dicts(self) -> List[pathlib.Path]:
        """The extra table files, as pathlib.Path."""
    @property
    def threshold(self) -> float: ...
    @property
    def allow(self) -> List[str]: ...
    @property
    def decide(self) -> Literal["model", "dictionary"]: ...
    @property
    def max_bytes(self) -> Optional[int]: ...
    @property
    def thesauri(self) -> List[pathlib.Path]:
        """The spinners' thesaurus files, as pathlib.Path."""
    @property
    def thesaurus_keys(self) -> Literal["first", "all"]: ...
    @property
    def min_confidence(self) -> float: ...
    def analyze(self, text: str) -> Analysis:
        """Finds the spun forms in ``text``, scores the document and decides
        each restoration.

        Raises:
            TypeError: ``text`` is not a str.
            UnicodeEncodeError: ``text`` holds lone surrogates.
            UnspinError: ``text`` is over ``max_bytes``.
        """
    def fix(self, text: str) -> str:
        """The text with every proposed restoration applied (``text`` itself
        when nothing is restored). A text over a megabyte is restored in
        windows, as the command line reads a large file, so that memory stays
        a few times the text's size. Raises as ``analyze`` does."""
    def fix_many(
        self, texts: Iterable[str], threads: int = 0, *, only: Optional[_Only] = None
    ) -> List[str]:
        """``fix`` of every text on ``threads`` worker threads (0: one per
        core; at most four per core, as the CLI caps ``-j``), the GIL released; results in input order. Raises TypeError for
        a str (not a list of texts) or a non-str item (named by its index).
        ``only="spun"`` (or ``"clean"``) keeps only the texts judged spun (or
        clean), as ``unspin fix --only``; ValueError for another value."""
    def analyze_many(
        self, texts: Iterable[str], threads: int = 0, *, only: Optional[_Only] = None
    ) -> List[Analysis]:
        """``analyze`` of every text on ``threads`` worker threads (0: one per
        core; at most four per core), the GIL released; results in input order.
        ``only="spun"`` (or ``"clean"``) keeps only the analyses whose
        ``is_spun`` is true (or false)."""
    def fix_iter(
        self, texts: Iterable[str], threads: int = 0, *, only: Optional[_Only] = None
    ) -> FixIter:
        """``fix`` of every text of ``texts``, streaming: an iterator of the
        restored texts in input order. Texts are drawn from ``texts`` only as
        far ahead as the worker threads (``threads``, 0: one per core) need,
        at most 32 MiB of them at once, and analysed with the GIL released:
        an endless generator goes through in flat memory. A text with
        nothing to restore comes back as the same object. Raises TypeError
        for a str (not an iterable of texts) or, when its turn comes, a
        non-str item (named by its index). ``only="spun"`` (or ``"clean"``)
        yields only the texts judged spun (or clean)."""
    def fix_jsonl(
        self,
        src: _Path,
        dst: _Path,
        *,
        field: str = "text",
        threads: int = 0,
        min_score: Optional[float] = None,
        on_error: Literal["skip", "pass"] = "skip",
        findings: bool = False,
        only: Optional[_Only] = None,
    ) -> FixTotals:
        """``fix`` of every record of the JSON Lines file ``src``, written to
        ``dst`` byte for byte as ``unspin fix --jsonl SRC -o DST`` writes it
        (the same engine): streaming, in order, on ``threads`` worker threads
        (0: one per core), the GIL released, in flat memory whatever the size
        of ``src``. ``dst`` is replaced only once complete. ``field`` is the
        text field (a dotted path reaches into nested objects); documents
        scoring under ``min_score`` are kept as written; a bad line is left
        out (``on_error="skip"``) or passed through unchanged (``"pass"``)
        and its message, with file and line, listed in the result. Each
        record gets ``"score"``, and ``"findings"`` with ``findings=True``
        (as ``--findings``). ``only="spun"`` (or ``"clean"``) writes only the
        records judged spun (or clean), as ``--only``; the totals still count
        every record.
        Ctrl-C cancels the run and removes its temporary file.

        Raises:
            FileNotFoundError, PermissionError, OSError: ``src`` cannot be
                read, or ``dst`` written.
            ValueError: a bad option, ``src`` a directory, or ``dst`` the
                same file as ``src``.
        """
    def __reduce__(self) -> Tuple[Any, ...]: ...

class FixTotals(TypedDict):
    """What ``fix_jsonl`` did."""

    documents: int
    spun: int
    clean: int
    restorations: int
    errors: int
    bytes: int
    messages: List[str]

class FixIter(Iterator[str]):
    """The restored texts of ``Unspinner.fix_iter``, in input order."""

    def __iter__(self) -> FixIter: ...
    def __next__(self) -> str: ...

class Analysis:
    """The result of analysing one text."""

    @property
    def text(self) -> str:
        """The analysed text."""
    @property
    def score(self) -> float:
        """The document spin score in [0, 1]: low for clean text, high for spun."""
    @property
    def is_spun(self) -> bool:
        """True when the score reaches the unspinner's threshold."""
    @property
    def threshold(self) -> float: ...
    @property
    def words(self) -> int:
        """Number of words and numbers in the text."""
    @property
    def findings(self) -> List[Finding]:
        """Every finding, in text order, restored or not."""
    @property
    def restorations(self) -> List[Finding]:
        """The findings proposed for restoration, in text order."""
    def restore(self) -> str:
        """The text with every proposed restoration applied (the text itself
        when nothing is restored)."""
    def unified_diff(self, old_name: str = "a", new_name: str = "b") -> str:
        """A unified diff of the restorations (empty when there are none)."""
    def to_json(self, findings: bool = True) -> str:
        """The library's JSON record of the analysis: score (rounded to four
        decimals), spun, words, restorations and, unless ``findings`` is
        False, findings (as in ``unspin fix --jsonl``)."""
    def to_dict(self, findings: bool = True) -> Dict[str, Any]:
        """The record of ``to_json`` as a dict."""
    def __len__(self) -> int:
        """The number of findings."""

class Finding:
    """One place where the text holds a form the dictionary (or a number
    rule) knows as spinner output."""

    @property
    def start(self) -> int:
        """Python string index of the spun form's start: ``text[start:end] == spun``."""
    @property
    def end(self) -> int:
        """Python string index just past the spun form."""
    @property
    def span(self) -> Tuple[int, int]:
        """The spun form's byte range in the text's UTF-8 form."""
    @property
    def line(self) -> int:
        """1-based line of the start."""
    @property
    def column(self) -> int:
        """1-based column (in characters) of the start."""
    @property
    def spun(self) -> str:
        """The spun form as written."""
    @property
    def candidates(self) -> List[Candidate]:
        """The candidates, best first."""
    @property
    def keep(self) -> float:
        """Probability that the text is right as written."""
    @property
    def restoration(self) -> Optional[Candidate]:
        """The candidate proposed, or None to keep the text."""
    @property
    def original(self) -> Optional[str]:
        """The restoration's text, or None."""
    @property
    def score(self) -> float:
        """Probability of the decision taken (the restoration, or keeping)."""
    @property
    def reason(
        self,
    ) -> Literal["restored", "context", "clean-document", "other-spinner", "unsure", "quoted-speech", "line-break"]:
        """Why it is restored or kept (as in the JSON records)."""
    @property
    def reason_text(self) -> str:
        """Why it is restored or kept, for people (as ``check --explain`` says it)."""
    @property
    def is_restored(self) -> bool: ...
    def to_dict(self) -> Dict[str, Any]:
        """The finding as in ``Analysis.to_dict()["findings"]``."""

class Candidate:
    """One original that a spun form may stand for."""

    @property
    def original(self) -> str:
        """The original, in the case and apostrophe style of the text."""
    @property
    def score(self) -> float:
        """Probability that the author wrote this (keep and all candidates sum to one)."""
    @property
    def source(self) -> str:
        """The table line or rule that proposed it (``dictionaries/news-spinner.tsv:12``)."""
    @property
    def lm(self) -> float:
        """Language model term (natural log, relative to keeping the text)."""
    @property
    def channel(self) -> float:
        """Channel term: how likely the spinner is to write this form for it."""
    @property
    def prior(self) -> float:
        """Prior term: the document's spin score and evidence."""

# The signature step of `unspin learn --corpus` (see unspin/mine.py).
SIGNATURE_HASHES: int
SIGNATURE_BANDS: int
SIGNATURE_ROWS: int
SIGNATURE_SHINGLE: int

def signature(text: str) -> dict:
    """MinHash signature over the words spinners leave alone: minhash, bands, shingles, digest, bytes."""

def similarity(a: List[int], b: List[int]) -> float:
    """Estimated Jaccard similarity of two signatures' minhash lists."""
