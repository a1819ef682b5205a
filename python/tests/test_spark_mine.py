"""The signature step of `unspin learn --corpus` in Spark (the recipe of
docs/mining.md): PySpark in local mode signs the shipped crawl with the
package, bands and joins the signatures, and hands the candidate pairs to
`unspin learn --pairs JOINED --corpus CRAWL`, which finds the same pairs and
learns the same table as `unspin learn --corpus CRAWL` alone.

Needs pyspark and Java: skipped without them, except under CI (`CI=true`),
where they fail. The tests of the package's functions alone run anywhere.
"""

from __future__ import annotations

import json
import subprocess

import pytest

from conftest import ROOT
from test_spark import spark  # noqa: F401  (the local-mode session fixture)
from unspin import mine

CRAWL = ROOT / "corpus" / "crawl"


def crawl_records() -> list:
    """The shipped crawl's documents with the ids the command line gives them
    (run from the repository root on `corpus/crawl`)."""
    recs = []
    for p in sorted((CRAWL / "wire").glob("*.txt")):
        recs.append({"id": str(p.relative_to(ROOT)), "text": p.read_text(encoding="utf-8")})
    with open(CRAWL / "scraper.jsonl", encoding="utf-8") as f:
        recs += [json.loads(line) for line in f if line.strip()]
    return recs


def learn(unspin_bin, tmp_path, name, *args):
    table, found = tmp_path / f"{name}.tsv", tmp_path / f"{name}.jsonl"
    subprocess.run(
        [unspin_bin, "learn", "-q", "--corpus", "corpus/crawl", "--found", str(found), "-o", str(table), *args],
        cwd=ROOT,
        check=True,
    )
    pairs = sorted((r["spun"], r["original"]) for r in map(json.loads, found.read_text().splitlines()))
    return table.read_text(encoding="utf-8"), pairs


def test_signatures_are_fixed_and_compare_like_the_library():
    recs = {r["id"]: r["text"] for r in crawl_records()}
    a = mine.signature(recs["scraper/2024/ca02"])
    assert a == mine.signature(recs["scraper/2024/ca02"])
    assert len(a["minhash"]) == mine.SIGNATURE_HASHES
    assert len(a["bands"]) == mine.SIGNATURE_BANDS
    b = mine.signature(recs["corpus/crawl/wire/brown-ca02.txt"])
    other = mine.signature(recs["corpus/crawl/wire/brown-ca04.txt"])
    assert mine.similarity(a["minhash"], b["minhash"]) >= mine.MIN_SIMILARITY
    assert mine.similarity(a["minhash"], other["minhash"]) < 0.1
    assert set(a["bands"]) & set(b["bands"])
    empty = mine.signature("")
    assert empty["bands"] == [] and empty["shingles"] == 0
    assert mine.similarity(empty["minhash"], empty["minhash"]) == 0.0
    with pytest.raises(ValueError, match="64 values, not 2"):
        mine.similarity([1, 2], a["minhash"])


def test_bucket_pairs_keep_the_alike_and_leave_crowds_out():
    texts = crawl_records()
    sigs = [(r["id"], mine.signature(r["text"])["minhash"]) for r in texts]
    pairs = mine.bucket_pairs(sigs)
    assert {"a": "corpus/crawl/wire/brown-ca02.txt", "b": "scraper/2024/ca02"} in [
        {"a": p["a"], "b": p["b"]} for p in pairs
    ]
    assert all(p["a"] < p["b"] and p["similarity"] >= mine.MIN_SIMILARITY for p in pairs)
    assert mine.bucket_pairs(sigs, max_bucket=len(sigs) - 1) == []


@pytest.mark.spark
@pytest.mark.slow
def test_spark_joins_the_signatures_and_learn_takes_the_joined_pairs(spark, unspin_bin, tmp_path):  # noqa: F811
    df = spark.createDataFrame(crawl_records(), schema="id string, text string").repartition(2)
    # The recipe: sign, one row per band, group by band key, pairs of each bucket.
    joined = (
        df.rdd.map(lambda r: (r.id, mine.signature(r.text)))
        .flatMap(lambda x: mine.band_rows(*x))
        .groupByKey()
        .flatMap(lambda kv: [json.dumps(p) for p in mine.bucket_pairs(kv[1])])
        .distinct()
        .collect()
    )
    assert joined
    path = tmp_path / "joined.jsonl"
    path.write_text("".join(line + "\n" for line in sorted(joined)), encoding="utf-8")
    from_spark = learn(unspin_bin, tmp_path, "spark", "--pairs", str(path))
    alone = learn(unspin_bin, tmp_path, "alone")
    assert from_spark == alone
    assert len(alone[1]) == 5
