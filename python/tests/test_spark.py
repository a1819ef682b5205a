"""unspin inside Spark, for real: PySpark in local mode with 2 workers
cleans a DataFrame of documents (a) with the package in `mapInPandas` and in
a pandas UDF, (b) with the README's `RDD.pipe` recipe and the binary. Both
give exactly what `unspin fix --jsonl` gives on the same documents, the
records' other fields intact.

Needs pyspark, pandas and pyarrow, and Java: skipped without them, except
under CI (`CI=true`), where they fail.
"""

from __future__ import annotations

import json
import os
import shutil
import sys

import pytest

import unspin
from conftest import cli_fix_jsonl, dev_records, seed_records

pytestmark = [pytest.mark.spark, pytest.mark.slow]


def _need(module: str):
    try:
        return __import__(module)
    except ImportError:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"{module} is not installed")


SCHEMA = "id string, n long, side string, text string"


def records() -> list:
    recs = []
    for i, r in enumerate(seed_records() + dev_records()):
        recs.append({"id": r["id"], "n": i, "side": r.get("side", "seed"), "text": r["text"]})
    recs.append({"id": "unicode", "n": len(recs), "side": "x", "text": "😀 Cafe\u0301 北京: we took motion final night time."})
    recs.append({"id": "empty", "n": len(recs), "side": "x", "text": ""})
    return recs


@pytest.fixture(scope="module")
def spark(unspin_bin):
    _need("pyspark")
    _need("pandas")
    _need("pyarrow")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        if os.environ.get("CI") == "true":
            pytest.fail("Spark needs Java")
        pytest.skip("Spark needs Java")
    from pyspark.sql import SparkSession

    # The workers run this interpreter, the one with the package.
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2]")
        .appName("unspin-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.driver.memory", "1g")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.python.worker.reuse", "true")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def docs(spark):
    recs = records()
    df = spark.createDataFrame(recs, schema=SCHEMA).repartition(2)
    return recs, df


@pytest.fixture(scope="module")
def cli(unspin_bin, docs, tmp_path_factory):
    """`unspin fix --jsonl --findings` over the records: id -> output record."""
    recs, _ = docs
    lines = [json.dumps(r, ensure_ascii=False) for r in recs]
    out = cli_fix_jsonl(unspin_bin, lines, tmp_path_factory.mktemp("cli"), "--findings")
    return {o["id"]: o for o in map(json.loads, out)}


def test_map_in_pandas_with_the_package_equals_the_cli(docs, cli):
    recs, df = docs
    u = unspin.Unspinner()

    # The recipe of the README: each batch of rows through fix's analyses.
    def clean(batches):
        for pdf in batches:
            analyses = u.analyze_many(pdf["text"].tolist(), threads=1)
            records = [a.to_dict() for a in analyses]
            yield pdf.assign(
                text=[a.restore() for a in analyses],
                score=[r["score"] for r in records],
                findings=[json.dumps(r["findings"]) for r in records],
            )

    from pyspark.sql.types import DoubleType, StringType, StructField, StructType

    schema = StructType(
        df.schema.fields + [StructField("score", DoubleType()), StructField("findings", StringType())]
    )
    out = df.mapInPandas(clean, schema)
    assert out.rdd.getNumPartitions() == 2
    rows = out.collect()
    assert len(rows) == len(recs) == len(cli)
    for row in rows:
        c = cli[row.id]
        got = row.asDict()
        got["findings"] = json.loads(got["findings"])
        assert list(got.items()) == list(c.items()), row.id


def test_a_pandas_udf_restores_the_text_column_like_the_cli(docs, cli):
    from pyspark.sql.functions import col, pandas_udf

    _, df = docs
    u = unspin.Unspinner()

    @pandas_udf("string")
    def unspin_text(texts):
        import pandas as pd

        return pd.Series(u.fix_many(texts.tolist(), threads=1), index=texts.index)

    rows = df.withColumn("text", unspin_text(col("text"))).collect()
    for row in rows:
        c = cli[row.id]
        assert (row.id, row.n, row.side, row.text) == (c["id"], c["n"], c["side"], c["text"])


def test_rdd_pipe_with_the_binary_equals_the_cli(docs, cli, unspin_bin, tmp_path):
    _, df = docs
    # The recipe of the README. PySpark runs the command with an empty
    # environment: the binary is named by its path on the executors.
    UNSPIN = unspin_bin
    lines = df.rdd.map(lambda r: json.dumps(r.asDict(recursive=True), ensure_ascii=False))
    cleaned = lines.pipe(
        f"sh -c '{UNSPIN} fix --jsonl --quiet --threads 1; s=$?; [ $s -le 1 ]'", checkCode=True
    )
    piped = cleaned.collect()
    # Byte for byte what the binary writes for the same lines, in order.
    assert piped == cli_fix_jsonl(unspin_bin, lines.collect(), tmp_path)
    got = {o["id"]: o for o in map(json.loads, piped)}
    # Without --findings, the records carry the score only.
    assert got == {i: {k: v for k, v in o.items() if k != "findings"} for i, o in cli.items()}


def test_rdd_pipe_fails_the_task_on_a_bad_line_and_passes_restorations(spark, unspin_bin):
    cmd = f"sh -c '{unspin_bin} fix --jsonl --quiet --threads 1; s=$?; [ $s -le 1 ]'"
    spun = spark.sparkContext.parallelize(['{"id": 1, "text": "We took motion final night time."}'], 1)
    (line,) = spun.pipe(cmd, checkCode=True).collect()
    assert json.loads(line)["text"] == "We took action last night."
    bad = spark.sparkContext.parallelize(['{"id": 1, "text": "fine"}', "{not json"], 1)
    with pytest.raises(Exception, match="PIPE_FUNCTION_EXITED|exited with error code 1"):
        bad.pipe(cmd, checkCode=True).collect()
