"""Bad input and bad settings give clear Python exceptions, with the
library's messages."""

from __future__ import annotations

import subprocess
import sys

import pytest

import unspin
from conftest import ROOT


@pytest.mark.parametrize("method", ["fix", "analyze"])
def test_bytes_are_refused_with_a_hint_to_decode(u, method):
    with pytest.raises(TypeError, match=r"text must be str, not bytes; decode it first"):
        getattr(u, method)(b"We took motion")


@pytest.mark.parametrize("method", ["fix", "analyze"])
def test_none_is_refused(u, method):
    with pytest.raises(TypeError, match=r"text must be str, not NoneType"):
        getattr(u, method)(None)


def test_a_huge_string_is_refused_over_max_bytes(u):
    huge = "war " * (unspin.DEFAULT_MAX_BYTES // 4 + 1)
    with pytest.raises(unspin.UnspinError, match=r"text is 67108868 bytes or more \(UTF-8\), over the max_bytes limit of 67108864"):
        u.fix(huge)
    with pytest.raises(unspin.UnspinError, match=r"texts\[1\] is 67108868 bytes or more"):
        u.fix_many(["fine", huge])
    wide = "é" * (unspin.DEFAULT_MAX_BYTES // 2 + 1)
    with pytest.raises(unspin.UnspinError, match=r"text is 67108866 bytes \(UTF-8\), over the max_bytes limit"):
        u.analyze(wide)


def test_max_bytes_counts_utf8_bytes_and_can_be_lifted():
    small = unspin.Unspinner(max_bytes=10)
    assert small.fix("é" * 5) == "é" * 5
    with pytest.raises(ValueError, match="11 bytes"):
        small.fix("é" * 5 + "x")
    assert unspin.Unspinner(max_bytes=None).max_bytes is None


def test_lone_surrogates_are_refused(u):
    with pytest.raises(UnicodeEncodeError):
        u.fix("bad \ud800 text")


def test_a_bad_item_in_many_is_named_by_its_index(u):
    with pytest.raises(TypeError, match=r"texts\[2\] must be str, not NoneType"):
        u.fix_many(["a", "b", None])
    with pytest.raises(TypeError, match=r"texts\[0\] must be str, not bytes"):
        u.analyze_many([b"a"])


def test_a_str_is_not_taken_for_a_list_of_texts(u):
    with pytest.raises(TypeError, match=r"not a str; use fix\(\) or analyze\(\)"):
        u.fix_many("one in all")


def test_a_non_iterable_is_refused(u):
    with pytest.raises(TypeError, match=r"texts must be an iterable of str, not int"):
        u.fix_many(3)


def test_negative_threads_are_refused(u):
    with pytest.raises(OverflowError):
        u.fix_many(["a"], threads=-1)


def test_a_missing_table_file_is_file_not_found_with_its_path():
    with pytest.raises(FileNotFoundError, match=r"^/nonexistent/t\.tsv: No such file or directory"):
        unspin.Unspinner(dicts=["/nonexistent/t.tsv"])


def test_a_malformed_table_names_its_file_and_line(tmp_path):
    bad = tmp_path / "bad.tsv"
    bad.write_text("# comment\nfine form\tgood form\t1.0\tok\nno candidates here\n", encoding="utf-8")
    with pytest.raises(unspin.UnspinError, match=rf"^{bad}:3: "):
        unspin.Unspinner(dicts=[bad])


def test_an_unknown_builtin_table_lists_the_known_ones():
    with pytest.raises(unspin.UnspinError, match=r"no built-in table `nope` \(known: .*news-spinner.*\)"):
        unspin.Unspinner(tables=["nope"])


def test_a_threshold_out_of_range_is_refused():
    with pytest.raises(unspin.UnspinError, match=r"threshold 1.5 is not in \[0, 1\]"):
        unspin.Unspinner(threshold=1.5)


def test_a_bad_decision_mode_is_refused():
    with pytest.raises(ValueError, match="decide must be 'model' or 'dictionary'"):
        unspin.Unspinner(decide="oracle")


def test_unspin_error_is_a_value_error():
    assert issubclass(unspin.UnspinError, ValueError)


def test_a_large_text_is_fixed_in_windows_in_bounded_memory(tmp_path):
    # Issue 24 item 9: `fix` of a 100 MB str with max_bytes raised peaked at
    # 6.1 GB (sixty times the text). In windows, as the CLI reads a large
    # file, it is the text's copies and one window's analysis.
    script = tmp_path / "big.py"
    script.write_text(
        "import resource, sys, unspin\n"
        "from pathlib import Path\n"
        "seed = Path(sys.argv[1]).read_text(encoding='utf-8')\n"
        "text = seed * (24_000_000 // len(seed))\n"
        "u = unspin.Unspinner(max_bytes=None)\n"
        "base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "out = u.fix(text)\n"
        "assert out != text and len(out) > len(text) // 2\n"
        "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print(len(text.encode('utf-8')), (peak - base) * 1024)\n",
        encoding="utf-8",
    )
    seed = sorted((ROOT / "corpus" / "seeds").glob("002_*.txt"))[0]
    r = subprocess.run([sys.executable, str(script), str(seed)], capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stderr
    size, grown = map(int, r.stdout.split())
    assert size > 20_000_000
    # The UTF-8 copy, the restored text and its Python str, and a window.
    assert grown < 5 * size, (size, grown)
