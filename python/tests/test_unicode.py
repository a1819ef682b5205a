"""Findings' start and end are Python string indices, whatever the text
holds before them: emoji (astral code points, 4 UTF-8 bytes), combining
marks, CJK."""

from __future__ import annotations

import pytest

PREFIXES = [
    "",
    "😀 ",
    "👩‍👩‍👧‍👦 family, ",
    "Cafe\u0301 au lait, ",  # e + combining acute accent
    "Zürich: ",
    "北京消息：",
    "中文 テキスト 한국어 ",
    "x\u0308\u0323 " * 3,  # stacked combining marks
    "\U0001d4b3\U0001d4ae ",  # mathematical script letters
]


@pytest.mark.parametrize("prefix", PREFIXES)
def test_string_indices_slice_out_the_spun_form(u, prefix):
    text = prefix + "We took motion final night time to cease a struggle. 🎉 Done 北京."
    a = u.analyze(text)
    assert [f.spun for f in a.findings] == ["took motion", "final night time", "cease", "struggle"]
    b = text.encode("utf-8")
    for f in a.findings:
        assert text[f.start : f.end] == f.spun
        assert b[f.span[0] : f.span[1]].decode("utf-8") == f.spun
        assert f.start == len(b[: f.span[0]].decode("utf-8"))
    assert a.restore() == prefix + "We took action last night to stop a war. 🎉 Done 北京."
    assert u.fix(text) == a.restore()


def test_indices_hold_between_findings_with_non_ascii_between_them(u):
    text = "We took motion 😀😀 final night time, é\u0301 北京 to cease a struggle."
    for f in u.analyze(text).findings:
        assert text[f.start : f.end] == f.spun


def test_columns_count_characters_and_lines_start_at_one(u):
    text = "北京\n😀 took motion"
    (f,) = [f for f in u.analyze(text).findings if f.spun == "took motion"]
    assert (f.line, f.column) == (2, 3)
    assert text[f.start : f.end] == "took motion"
