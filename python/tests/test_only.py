"""``only="spun"`` / ``only="clean"`` on the batch calls: only the texts (or
records) judged spun, or clean, are passed on, as ``unspin fix --only``."""

from __future__ import annotations

import json

import pytest

import unspin
from conftest import cli_fix_jsonl, dev_records

SPUN = "We took motion final night time to cease a struggle. It is one in all the CENTER EAST wars."
CLEAN = "The cat sat on the mat."


def texts():
    return [r["text"] for r in dev_records()] + [SPUN, CLEAN]


def test_the_batch_calls_keep_only_the_texts_of_the_verdict(u):
    ts = texts()
    verdicts = [a.is_spun for a in u.analyze_many(ts)]
    assert True in verdicts and False in verdicts
    fixed = u.fix_many(ts)
    for only, keep in (("spun", True), ("clean", False)):
        expected = [f for f, v in zip(fixed, verdicts) if v == keep]
        assert u.fix_many(ts, only=only) == expected
        assert list(u.fix_iter(ts, only=only)) == expected
        assert list(u.fix_iter(iter(ts), threads=1, only=only)) == expected
        assert list(unspin.fix_iter(iter(ts), only=only)) == expected
        analyses = u.analyze_many(ts, only=only)
        assert [a.text for a in analyses] == [t for t, v in zip(ts, verdicts) if v == keep]
        assert all(a.is_spun == keep for a in analyses)
    assert u.fix_many(ts, only=None) == fixed


def test_a_clean_text_passed_on_is_the_same_object(u):
    out = u.fix_many([SPUN, CLEAN], only="clean")
    assert out == [CLEAN] and out[0] is CLEAN


def test_another_value_of_only_is_a_value_error(u):
    for call in (u.fix_many, u.analyze_many, u.fix_iter):
        with pytest.raises(ValueError, match='only must be "spun" or "clean", not "suspicious"'):
            call([CLEAN], only="suspicious")


def test_fix_jsonl_writes_only_the_records_of_the_verdict_as_the_command_line(u, tmp_path, unspin_bin):
    recs = dev_records()
    lines = [json.dumps(r) for r in recs] + [""]
    src = tmp_path / "in.jsonl"
    src.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    verdicts = {r["id"]: a.is_spun for r, a in zip(recs, u.analyze_many([r["text"] for r in recs]))}
    for only in ("spun", "clean"):
        dst = tmp_path / f"{only}.jsonl"
        totals = unspin.fix_jsonl(src, dst, only=only)
        out = dst.read_text(encoding="utf-8").splitlines()
        ids = [json.loads(line)["id"] for line in out]
        assert ids == [i for i, v in verdicts.items() if v == (only == "spun")]
        assert out == cli_fix_jsonl(unspin_bin, lines, tmp_path, "--only", only)
        # The totals count every record, whichever are written.
        assert totals["documents"] == len(recs)
        assert totals["spun"] == sum(verdicts.values())
        assert totals["clean"] == len(recs) - totals["spun"]
        assert totals["errors"] == 0
