"""The package gives what `unspin fix --jsonl --findings` gives, on the seeds and on
both sides of the dev pairs: the restored text, the score and the findings,
the records' other fields intact."""

from __future__ import annotations

import json

import pytest

import unspin
from conftest import cli_fix_jsonl, dev_records, seed_records


def as_cli_record(rec: dict, a: unspin.Analysis) -> dict:
    """What `fix --jsonl --findings` writes for `rec`, made with the package."""
    d = a.to_dict()
    out = dict(rec)
    out["text"] = a.restore()
    out["score"] = d["score"]
    out["findings"] = d["findings"]
    return out


@pytest.mark.parametrize("corpus", ["seeds", "dev"])
def test_fix_many_equals_the_cli(u, unspin_bin, tmp_path, corpus):
    recs = seed_records() if corpus == "seeds" else dev_records()
    lines = [json.dumps(r, ensure_ascii=False) for r in recs]
    cli = [json.loads(line) for line in cli_fix_jsonl(unspin_bin, lines, tmp_path, "--findings")]
    assert len(cli) == len(recs)
    analyses = u.analyze_many([r["text"] for r in recs])
    mine = [as_cli_record(r, a) for r, a in zip(recs, analyses)]
    for m, c in zip(mine, cli):
        assert list(m.items()) == list(c.items()), m["id"]
    assert u.fix_many([r["text"] for r in recs]) == [c["text"] for c in cli]
    assert [u.fix(r["text"]) for r in recs] == [c["text"] for c in cli]


def test_settings_match_the_cli_flags(unspin_bin, tmp_path):
    recs = dev_records()
    lines = [json.dumps(r) for r in recs]
    cli = cli_fix_jsonl(
        unspin_bin, lines, tmp_path, "--tables", "news-spinner,tortured-phrases", "--threshold", "0.3"
    )
    u = unspin.Unspinner(tables="news-spinner,tortured-phrases", threshold=0.3)
    assert u.fix_many([r["text"] for r in recs]) == [json.loads(c)["text"] for c in cli]


def test_the_spun_seed_is_restored_and_the_clean_ones_are_not(u):
    recs = {r["id"]: r["text"] for r in seed_records()}
    a = u.analyze(recs["002_e90d1dc293122756"])
    assert a.is_spun and len(a.restorations) > 1000
    for k, text in recs.items():
        if k != "002_e90d1dc293122756":
            assert u.fix(text) == text, k
