"""The streaming calls, on the library's batch engine: fix_iter over an
iterable, fix_jsonl over a JSON Lines file (as `unspin fix --jsonl`)."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import textwrap

import pytest

import unspin
from conftest import seed_records

SPUN = "We took motion final night time to cease a struggle."


def texts():
    return [r["text"] for r in seed_records()] + [SPUN, "A clean sentence.", ""]


def test_fix_iter_gives_fix_many_results_in_order_for_any_iterable(u):
    ts = texts()
    expected = u.fix_many(ts)
    assert list(u.fix_iter(ts)) == expected
    assert list(u.fix_iter(iter(ts), threads=1)) == expected
    assert list(unspin.fix_iter(t for t in ts)) == expected
    assert list(u.fix_iter([])) == []


def test_fix_iter_hands_back_an_unrestored_text_as_the_same_object(u):
    clean = "A perfectly ordinary sentence about the weather."
    out = list(u.fix_iter([clean, SPUN]))
    assert out[0] is clean
    assert out[1] == u.fix(SPUN)


def test_fix_iter_draws_only_as_far_ahead_as_the_workers_need(u):
    drawn = 0

    def endless():
        nonlocal drawn
        for i in itertools.count():
            drawn += 1
            yield SPUN if i % 2 else "A clean sentence."

    it = u.fix_iter(endless(), threads=2)
    first = list(itertools.islice(it, 5))
    assert first == [u.fix("A clean sentence."), u.fix(SPUN)] * 2 + [u.fix("A clean sentence.")]
    # At most four texts a thread in flight, beyond those taken.
    assert drawn <= 5 + 4 * 2 + 1, drawn


def test_fix_iter_names_a_bad_item_by_its_index_when_its_turn_comes(u):
    it = u.fix_iter(["fine", 7])
    with pytest.raises(TypeError, match=r"texts\[1\] must be str, not int"):
        list(it)
    with pytest.raises(TypeError, match="not a str"):
        u.fix_iter("a text")
    with pytest.raises(TypeError, match="iterable of str, not int"):
        u.fix_iter(3)


def _write_jsonl(path, records, tail=""):
    with open(path, "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
        f.write(tail)


def test_fix_jsonl_writes_what_the_command_line_writes(u, unspin_bin, tmp_path):
    src = tmp_path / "in.jsonl"
    records = [{"id": i, "text": t, "meta": {"n": i}} for i, t in enumerate(texts())]
    _write_jsonl(src, records, tail='{"id": "bad", "text": \n{"id": 99, "body": "x"}\n\n{"text": "last"}')
    for on_error in ("skip", "pass"):
        dst = tmp_path / f"out-{on_error}.jsonl"
        cli = tmp_path / f"cli-{on_error}.jsonl"
        got = u.fix_jsonl(src, dst, on_error=on_error, threads=2)
        subprocess.run(
            [unspin_bin, "fix", "--jsonl", "-q", "--on-error", on_error, str(src), "-o", str(cli)],
            check=False,
        )
        assert dst.read_bytes() == cli.read_bytes()
        assert got["documents"] == len(records) + 1
        assert got["errors"] == 2
        assert got["restorations"] > 0 and got["spun"] >= 1
        assert got["bytes"] > 0
        assert got["messages"][0].startswith(f"{src}:{len(records) + 1}: malformed JSON")
        assert got["messages"][1] == f'{src}:{len(records) + 2}: no string field "text"'
    out = [json.loads(line) for line in (tmp_path / "out-skip.jsonl").read_text().splitlines() if line]
    assert [o["text"] for o in out[: len(records)]] == [u.fix(r["text"]) for r in records]
    assert out[0]["meta"] == {"n": 0} and "score" in out[0] and "findings" not in out[0]
    cli = tmp_path / "cli-findings.jsonl"
    u.fix_jsonl(src, tmp_path / "findings.jsonl", findings=True)
    subprocess.run([unspin_bin, "fix", "--jsonl", "-q", "--findings", str(src), "-o", str(cli)], check=False)
    assert (tmp_path / "findings.jsonl").read_bytes() == cli.read_bytes()
    assert "findings" in json.loads((tmp_path / "findings.jsonl").read_text().splitlines()[0])


def test_fix_jsonl_options_and_errors(u, tmp_path):
    src = tmp_path / "in.jsonl"
    _write_jsonl(src, [{"doc": {"body": SPUN}}])
    dst = tmp_path / "out.jsonl"
    unspin.fix_jsonl(src, dst, field="doc.body")
    assert json.loads(dst.read_text())["doc"]["body"] == u.fix(SPUN)
    u.fix_jsonl(str(src), str(dst), field="doc.body", min_score=1.0)
    assert json.loads(dst.read_text())["doc"]["body"] == SPUN
    with pytest.raises(FileNotFoundError, match="missing.jsonl"):
        u.fix_jsonl(tmp_path / "missing.jsonl", dst)
    with pytest.raises(ValueError, match="is a directory"):
        u.fix_jsonl(tmp_path, dst)
    with pytest.raises(ValueError, match="is src"):
        u.fix_jsonl(src, src)
    with pytest.raises(ValueError, match="on_error must be"):
        u.fix_jsonl(src, dst, on_error="ignore")
    with pytest.raises(ValueError, match="min_score 2"):
        u.fix_jsonl(src, dst, min_score=2.0)


# A child process that restores a JSON Lines file and prints its peak
# resident memory (MB), so that the test's own memory does not count.
CHILD = textwrap.dedent(
    """
    import resource, sys, unspin
    got = unspin.fix_jsonl(sys.argv[1], sys.argv[2])
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(got["documents"], got["errors"], round(peak))
    """
)


def _corpus(path, size):
    """About `size` bytes of JSON Lines: seed paragraphs (a few spun) with a
    large metadata field beside the text, as crawl dumps have."""
    paras = [p for r in seed_records() for p in r["text"].split("\n\n") if p.strip()]
    pad = "x" * 3000
    n = 0
    with open(path, "w", encoding="utf-8") as f:
        written = 0
        while written < size:
            line = json.dumps({"id": n, "text": paras[n % len(paras)], "meta": pad}) + "\n"
            f.write(line)
            written += len(line)
            n += 1
    return n


def _peak(src, dst):
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(src), str(dst)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return int(out[0]), int(out[1]), int(out[2])


@pytest.mark.slow
def test_fix_jsonl_restores_a_1_gb_file_in_flat_memory(tmp_path):
    small, big = tmp_path / "small.jsonl", tmp_path / "big.jsonl"
    n_small = _corpus(small, 20_000_000)
    n_big = _corpus(big, 1_000_000_000)
    docs, errors, peak_small = _peak(small, tmp_path / "small.out")
    assert (docs, errors) == (n_small, 0)
    docs, errors, peak_big = _peak(big, tmp_path / "big.out")
    assert (docs, errors) == (n_big, 0)
    # Fifty times the input, and the same memory give or take what the
    # windows in flight hold (at most 32 MiB of input).
    assert peak_big < peak_small + 64, (peak_small, peak_big)
    assert peak_big < 400, peak_big
    with open(tmp_path / "big.out", encoding="utf-8") as out:
        lines = sum(1 for _ in out)
    assert lines == n_big
    os.remove(big)
