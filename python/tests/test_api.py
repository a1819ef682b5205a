"""The Python API: results, settings, errors, pickling."""

from __future__ import annotations

import pickle

import pytest

import unspin

SPUN = "We took motion final night time to cease a struggle."


def test_fix_restores_the_spun_sentence_of_the_readme(u):
    assert u.fix("We took motion final night time.") == "We took action last night."


def test_fix_returns_the_same_object_when_nothing_is_restored(u):
    text = "A perfectly ordinary sentence about the weather."
    assert u.fix(text) is text


def test_analysis_carries_score_verdict_findings_and_restoration(u):
    a = u.analyze(SPUN)
    assert a.text == SPUN
    assert 0.5 <= a.score <= 1.0 and a.is_spun
    assert a.words == 10
    assert len(a) == len(a.findings) == 4
    spun = [f.spun for f in a.findings]
    assert spun == ["took motion", "final night time", "cease", "struggle"]
    for f in a.findings:
        assert a.text[f.start : f.end] == f.spun
        assert a.text.encode()[f.span[0] : f.span[1]].decode() == f.spun
        assert f.line == 1 and f.column == f.start + 1
        assert f.candidates, f
        assert abs(f.keep + sum(c.score for c in f.candidates) - 1) < 1e-3
        assert f.candidates == sorted(f.candidates, key=lambda c: -c.score)
    war = a.findings[3]
    assert war.is_restored and war.original == "war" and war.restoration.original == "war"
    assert war.score == war.restoration.score
    assert war.restoration.source.startswith("dictionaries/news-spinner.tsv:")
    assert war.restoration.lm > 0 and war.restoration.prior > 0
    assert [f.spun for f in a.restorations] == spun
    assert a.restore() == "We took action last night to stop a war."


def test_a_kept_finding_has_no_restoration_and_scores_keeping():
    u = unspin.Unspinner()
    a = u.analyze("The navy sailed. It was a normal day at the harbour, and the crew rested.")
    kept = [f for f in a.findings if not f.is_restored]
    assert kept, a.findings
    for f in kept:
        assert f.restoration is None and f.original is None and f.score == f.keep
        assert f.reason in ("context", "clean-document", "other-spinner", "unsure", "quoted-speech", "line-break")
        assert f.reason_text
    assert a.restore() is a.text


def test_unified_diff_names_the_files_and_is_empty_when_clean(u):
    d = u.analyze("We took motion final night time.\n").unified_diff("a/doc.txt", "b/doc.txt")
    assert d == (
        "--- a/doc.txt\n+++ b/doc.txt\n@@ -1 +1 @@\n"
        "-We took motion final night time.\n+We took action last night.\n"
    )
    assert u.analyze("Nothing here.\n").unified_diff() == ""


def test_to_dict_is_the_library_record(u):
    d = u.analyze(SPUN).to_dict()
    assert list(d) == ["score", "spun", "words", "restorations", "findings"]
    assert d["restorations"] == 4 and d["spun"] is True
    f = d["findings"][0]
    assert list(f) == ["span", "line", "column", "spun", "original", "score", "keep", "reason", "candidates"]
    assert f["reason"] == u.analyze(SPUN).findings[0].reason == "restored"
    assert u.analyze(SPUN).findings[0].to_dict() == f


def test_settings_are_kept_and_shown(tmp_path):
    table = tmp_path / "extra.tsv"
    table.write_text("blorptastic\tremarkable\t1.0\ttest\n", encoding="utf-8")
    u = unspin.Unspinner(tables=["news-spinner"], dicts=[table], threshold=0.4, allow=["navy"])
    assert u.tables == ["news-spinner"]
    assert [str(p) for p in u.dicts] == [str(table)]
    assert u.threshold == 0.4 and u.allow == ["navy"] and u.decide == "model"
    assert "threshold=0.4" in repr(u) and "navy" in repr(u)
    a = u.analyze("It was a blorptastic day, and the navy sailed on.")
    assert [f.spun for f in a.findings] == ["blorptastic"]
    assert a.findings[0].candidates[0].source == f"{table}:1"


def test_tables_can_be_none_a_list_or_a_comma_separated_string():
    assert unspin.Unspinner(tables=[]).analyze(SPUN).findings == []
    assert unspin.Unspinner(tables="").analyze(SPUN).findings == []
    both = unspin.Unspinner(tables="news-spinner,tortured-phrases")
    assert both.tables == ["news-spinner", "tortured-phrases"]
    assert "news-spinner" in unspin.DEFAULT_TABLES
    assert set(unspin.BUILTIN_TABLES) >= {"news-spinner", "tortured-phrases"}


def test_allowed_forms_are_left_alone_in_any_case():
    u = unspin.Unspinner(allow=["Took Motion"])
    assert "took motion" not in [f.spun for f in u.analyze(SPUN).findings]


def test_dictionary_mode_is_a_setting():
    u = unspin.Unspinner(decide="dictionary")
    assert u.decide == "dictionary"
    assert u.fix("one in all of them") == "one of of them"


def test_an_unspinner_pickles_as_its_settings_and_works_after(tmp_path):
    u = unspin.Unspinner(tables=["news-spinner"], threshold=0.3, allow=["navy"])
    v = pickle.loads(pickle.dumps(u))
    assert (v.tables, v.threshold, v.allow) == (u.tables, u.threshold, u.allow)
    assert v.fix(SPUN) == u.fix(SPUN)
    # The same settings unpickled twice in a process build once.
    assert pickle.loads(pickle.dumps(u)) is v


def test_min_confidence_keeps_doubtful_restorations_and_pickles():
    text = "Officials stated the assault was a response."
    u = unspin.Unspinner(min_confidence=0.99)
    assert u.min_confidence == 0.99 and "min_confidence=0.99" in repr(u)
    assert unspin.Unspinner().min_confidence == 0.0
    every = {f.spun: f for f in unspin.Unspinner().analyze(text).restorations}
    sure = u.analyze(text)
    assert 0 < len(sure.restorations) < len(every)
    for f in sure.findings:
        if f.is_restored:
            assert f.score >= 0.99
        elif f.spun in every:
            assert f.reason == "unsure" and every[f.spun].score < 0.99
    v = pickle.loads(pickle.dumps(u))
    assert v.min_confidence == 0.99 and v.fix(text) == u.fix(text)
    with pytest.raises(unspin.UnspinError, match="minimum confidence 1.5"):
        unspin.Unspinner(min_confidence=1.5)


def test_unpickling_with_table_files_reads_them_again(tmp_path):
    table = tmp_path / "t.tsv"
    table.write_text("blorptastic\tremarkable\t1.0\tx\n", encoding="utf-8")
    u = unspin.Unspinner(dicts=[str(table)])
    v = pickle.loads(pickle.dumps(u))
    assert v is not u and v.dicts == u.dicts
    assert v.fix("A blorptastic result.") == u.fix("A blorptastic result.")


def test_many_gives_the_results_of_one_at_a_time_in_input_order(u):
    texts = [SPUN, "", "Nothing to see.", "He mentioned it is one in all the largest."] * 25
    one = [u.fix(t) for t in texts]
    for threads in (0, 1, 2, 5):
        assert u.fix_many(texts, threads=threads) == one
    analyses = u.analyze_many(iter(texts), threads=2)
    assert [a.restore() for a in analyses] == one
    assert [a.score for a in analyses] == [u.analyze(t).score for t in texts]
    assert u.fix_many([]) == [] and u.analyze_many(()) == []


def test_many_takes_any_iterable_and_hands_back_unchanged_texts_as_they_were(u):
    clean = "Nothing to see."
    out = u.fix_many(t for t in (clean, SPUN))
    assert out[0] is clean and out[1] != SPUN


def test_version_is_the_crates():
    assert unspin.__version__ == "0.1.0"


def test_an_unspinner_travels_to_worker_processes(u):
    import multiprocessing

    texts = [SPUN, "Nothing to see.", "He mentioned it is one in all the largest."]
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        assert pool.map(u.fix, texts) == [u.fix(t) for t in texts]


def test_a_thesaurus_restores_its_forms_and_pickles(tmp_path):
    t = tmp_path / "spinner.txt"
    t.write_text("said|stated|mentioned\nwar|struggle\n")
    u = unspin.Unspinner(tables=(), thesauri=[t], decide="dictionary")
    assert u.fix("The minister mentioned the struggle.") == "The minister said the war."
    assert u.thesauri == [t] and u.thesaurus_keys == "first"
    v = pickle.loads(pickle.dumps(u))
    assert v.thesauri == [t] and v.fix("He mentioned it.") == "He said it."
    every = unspin.Unspinner(tables=(), thesauri=str(t), thesaurus_keys="all", decide="dictionary")
    assert 'thesaurus_keys="all"' in repr(every)
    assert [f.spun for f in every.analyze("He said it.").findings] == ["said"]
    with pytest.raises(ValueError, match="thesaurus_keys"):
        unspin.Unspinner(thesauri=[t], thesaurus_keys="both")
    with pytest.raises(TypeError, match="thesauri\\[0\\]"):
        unspin.Unspinner(thesauri=[1])
