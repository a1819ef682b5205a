"""The signature step of ``unspin learn --corpus``, for a join at scale.

``unspin learn --corpus`` finds the spun copies in a crawl and their
originals by MinHash signatures over the words spinners leave alone, joined
by LSH bands. Past one machine, a Spark job can make the signatures and join
the bands, and hand the candidate pairs to ``unspin learn --pairs JOINED
--corpus CRAWL``, which decides the sides by spin score, aligns and mines::

    from unspin import mine

    sig = mine.signature(text)   # {"minhash", "bands", "shingles", "digest", "bytes"}
    rows = mine.band_rows(doc_id, sig)          # [((band, key), (doc_id, minhash)), ...]
    # group the rows by (band, key), then for each group:
    pairs = mine.bucket_pairs(members)         # [{"a", "b", "similarity"}, ...]

The hashing is the library's own and fixed: signatures made by the package,
on any machine, compare with each other and with the command line's.
See ``python/tests/test_spark_mine.py`` for the whole recipe in PySpark.
"""

from __future__ import annotations

from typing import Iterable, List, Sequence, Tuple

from ._unspin import (
    SIGNATURE_BANDS,
    SIGNATURE_HASHES,
    SIGNATURE_ROWS,
    SIGNATURE_SHINGLE,
    signature,
    similarity,
)

__all__ = [
    "signature",
    "similarity",
    "band_rows",
    "bucket_pairs",
    "MIN_SIMILARITY",
    "MAX_BUCKET",
    "SIGNATURE_HASHES",
    "SIGNATURE_BANDS",
    "SIGNATURE_ROWS",
    "SIGNATURE_SHINGLE",
]

#: The least estimated similarity of a candidate (the command line's
#: ``--min-similarity`` default).
MIN_SIMILARITY = 0.3
#: The most documents sharing a band key that are paired: a larger bucket is
#: boilerplate shared by many pages, not a copy (the command line's limit).
MAX_BUCKET = 50


def band_rows(doc_id: str, sig: dict) -> List[Tuple[Tuple[int, int], Tuple[str, List[int]]]]:
    """One row per band of the signature: ``((band, key), (doc_id, minhash))``."""
    return [((b, key), (doc_id, sig["minhash"])) for b, key in enumerate(sig["bands"])]


def bucket_pairs(
    members: Iterable[Tuple[str, Sequence[int]]],
    min_similarity: float = MIN_SIMILARITY,
    max_bucket: int = MAX_BUCKET,
) -> List[dict]:
    """The candidate pairs of one bucket (the documents sharing a band key):
    ``{"a", "b", "similarity"}`` with ``a < b``, those of similarity at least
    ``min_similarity``; none when the bucket holds more than ``max_bucket``.
    The same pair comes from every band the two share: deduplicate."""
    members = sorted(members, key=lambda m: m[0])
    if len(members) > max_bucket:
        return []
    out = []
    for i, (a, ma) in enumerate(members):
        for b, mb in members[i + 1:]:
            if a == b:
                continue
            s = similarity(list(ma), list(mb))
            if s >= min_similarity:
                out.append({"a": a, "b": b, "similarity": s})
    return out
