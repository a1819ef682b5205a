"""The datatrove step restores doc.text as `unspin fix --jsonl` does and
records the score in the metadata; it also runs under datatrove's local
executor, with the unspinner pickled to its workers."""

from __future__ import annotations

import json
import os

import pytest

try:
    from datatrove.data import Document
except ImportError:  # pragma: no cover
    if os.environ.get("CI") == "true":
        raise
    pytest.skip("datatrove is not installed", allow_module_level=True)

import unspin
from conftest import cli_fix_jsonl, dev_records, seed_records
from unspin.datatrove import Unspin


def docs():
    return [
        Document(text=r["text"], id=r["id"], metadata={"source": "test", "i": i})
        for i, r in enumerate(seed_records() + dev_records())
    ]


def test_step_restores_text_and_records_the_score_like_the_cli(unspin_bin, tmp_path):
    ds = docs()
    lines = [json.dumps({"id": d.id, "text": d.text}) for d in ds]
    cli = [json.loads(line) for line in cli_fix_jsonl(unspin_bin, lines, tmp_path, "--findings")]
    out = list(Unspin(batch_size=7)(iter(ds)))
    assert [d.id for d in out] == [c["id"] for c in cli]
    for i, (d, c) in enumerate(zip(out, cli)):
        assert d.text == c["text"], d.id
        assert d.metadata["unspin_score"] == c["score"]
        assert d.metadata["unspin_restorations"] == sum(f["original"] is not None for f in c["findings"])
        assert d.metadata["source"] == "test" and d.metadata["i"] == i
    step = Unspin()
    list(step(iter(docs())))
    assert step.stats["total"].total == len(ds)
    assert step.stats["restored"].total >= 1


def test_min_score_leaves_clean_enough_documents_as_written():
    d = Document(text="He mentioned it was one in all the largest.", id="x")
    (out,) = Unspin(min_score=1.01)([d])
    assert out.text == "He mentioned it was one in all the largest."
    assert out.metadata["unspin_restorations"] == 0 and "unspin_score" in out.metadata


def test_step_runs_in_the_local_executor_with_jsonl_files(tmp_path):
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    src = tmp_path / "in"
    src.mkdir()
    recs = seed_records() + dev_records()
    for shard in range(2):
        with open(src / f"part{shard}.jsonl", "w", encoding="utf-8") as f:
            for r in recs[shard::2]:
                f.write(json.dumps({"id": r["id"], "text": r["text"]}) + "\n")
    LocalPipelineExecutor(
        pipeline=[
            JsonlReader(str(src)),
            Unspin(unspinner=unspin.Unspinner(threshold=0.5)),
            JsonlWriter(str(tmp_path / "out"), compression=None),
        ],
        tasks=2,
        workers=2,
        logging_dir=str(tmp_path / "logs"),
    ).run()
    got = {}
    for p in (tmp_path / "out").glob("*.jsonl"):
        for line in p.read_text(encoding="utf-8").splitlines():
            o = json.loads(line)
            got[o["id"]] = o
    u = unspin.Unspinner()
    assert len(got) == len(recs)
    for r in recs:
        assert got[r["id"]]["text"] == u.fix(r["text"])
        assert got[r["id"]]["metadata"]["unspin_score"] == u.analyze(r["text"]).to_dict()["score"]
