#!/usr/bin/env python3
"""The generalization benchmark: restoration of spinner output whose synonym data differ
from what the restoring tables were built from (issue 12, item 4).

For each configuration it spins held-out clean news with scripts/corpus/spin.py, restores it
with the release build of examples/evaluate.rs (the figures of the project's scorer,
src/eval.rs) using the default tables *less the table built from the spinner's source*, and
prints one table.

Configurations: the spinner's sets (WordNet, restored without `general-wordnet`; Moby,
restored without `general-moby`), keys only (the seed spinner: case copied from the key,
single digits spun) or both directions (the second spinner: re-capitalised after . ! ?, one-
and two-digit numbers spun), one choice per article or a fresh one per occurrence, quotes spun
or left alone; plus two references, the project's own table read backwards restored with the
default tables (forms the tables know) and without `news-spinner`. Each is measured on
passages (whole paragraphs of 30-80 words, as pipelines send) and on whole articles.

Texts: the odd-numbered Brown press documents (the even ones are for tuning: --tune) and the
clean seeds 000, 001, 003 and 004: as passages, --per-doc of each document (6; --all: every
one); as articles, the seeds and every other Brown document (--all: every one). Clean false
per 1,000 words is measured on the same texts unspun. Deterministic for a given --seed.

Usage (from the repository root; needs WordNet, Moby and lemminflect, see
scripts/dict/lexicons.py, unless --from):
    python3 scripts/bench_generalize.py [--unit passage|article|both] [--only SUBSTRING]
        [--tables-dir DIR] [--seed 1] [--per-doc 6 | --all] [--tune] [--markdown]
    python3 scripts/bench_generalize.py --write-committed      # writes corpus/bench/
    python3 scripts/bench_generalize.py --from corpus/bench    # the committed pairs only

--tables-dir DIR adds DIR/general-<source>.tsv as table files for the general tables that
are not built in (yet): e.g. the lexicon work tree's dictionaries/ before they land.
"""
import argparse
import json
import os
import random
import subprocess
import sys
import tempfile

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, os.path.join(ROOT, "scripts", "corpus"))
import spin  # noqa: E402

BROWN = os.path.join(ROOT, "corpus", "brown-press.jsonl")
SEEDS = [os.path.join(ROOT, "corpus", "seeds", f) for f in (
    "000_aa92f3a28928f2e3.txt", "001_97aa9ac3554af9e4.txt",
    "003_8b6ec4914fcd75e2.txt", "004_8e862bd3df8d806c.txt")]
EVALUATE = os.path.join(ROOT, "target", "release", "examples", "evaluate")
SOURCES = {"wordnet": "general-wordnet", "moby": "general-moby"}
# The committed pairs (corpus/bench/, tests/generalize.rs): four spinners and one with quotes
# left alone, as passages (one a document) and as a few whole articles.
COMMITTED = [
    ("wordnet", "keys", "article", "spin"),
    ("wordnet", "both", "occurrence", "spin"),
    ("moby", "keys", "article", "spin"),
    ("moby", "both", "occurrence", "spin"),
    ("wordnet", "keys", "article", "keep"),
    ("moby", "keys", "article", "keep"),
]
COMMITTED_ARTICLES = ["000", "004", "brown-ca03"]


def style(directions):
    """Case and digits go with the spinner family: the seed spinner copies the key's case
    and spins single digits; the second spinner re-capitalises and spins numbers."""
    return ("copy", "single") if directions == "keys" else ("sentence", "all")


def name(source, directions, choice, quotes):
    return f"{source} {directions} {choice} quotes-{quotes}"


def file_name(source, directions, choice, quotes, unit):
    return f"{source}-{directions}-{choice}-quotes-{quotes}-{unit}s.jsonl"


def configurations():
    for source in SOURCES:
        for directions in ("keys", "both"):
            for choice in ("article", "occurrence"):
                for quotes in ("spin", "keep"):
                    yield source, directions, choice, quotes


class Keys:
    """The spinner's keys of each (source, directions), built once."""

    def __init__(self):
        self.cache, self.common = {}, None

    def get(self, source, directions):
        if (source, directions) not in self.cache:
            both = directions == "both"
            if source == "news-spinner":
                sets = spin.news_spinner_sets(os.path.join(ROOT, "dictionaries", "news-spinner.tsv"))
                keys = spin.keymap(sets, both)
            else:
                self.common = self.common or spin.unigrams()
                word_sets = spin.wordnet_word_sets() if source == "wordnet" else spin.moby_word_sets()
                sets = spin.thesaurus(word_sets, self.common, both, -5.5, -5.5, 4)
                keys = spin.keymap(sets, False)
            self.cache[(source, directions)] = keys
        return self.cache[(source, directions)]


def spin_pairs(keys, docs, directions, choice, quotes, unit, seed, per_doc=0, articles=None):
    """Pairs of one configuration: each document spun whole with its own random stream."""
    case, digits = style(directions)
    out = []
    for doc_id, text in docs:
        if articles is not None and doc_id not in articles:
            continue
        rng = random.Random(f"{seed}-{doc_id}")
        spun = spin.Spinner(keys, rng, choice, quotes, case, digits).spin(text)
        if unit == "article":
            out.append({"id": doc_id, "spun": spun, "original": text})
            continue
        units = list(spin.passages(spun, text, 30, 80))
        picked = range(len(units))
        if per_doc and len(units) > per_doc:  # the same passages in every configuration
            picked = sorted(random.Random(f"{seed}-{doc_id}-passages").sample(picked, per_doc))
        out += [{"id": f"{doc_id}-p{k}", "spun": units[k][0], "original": units[k][1]}
                for k in picked]
    return out


def article_sample(docs):
    """The documents measured as whole articles (without --all): the clean seeds and every
    other held-out Brown document."""
    brown = [d for d, _ in docs if d.startswith("brown-")]
    return set(d for d, _ in docs if not d.startswith("brown-")) | set(brown[::2])


def write(path, pairs):
    with open(path, "w", encoding="utf-8") as f:
        for p in pairs:
            f.write(json.dumps(p, ensure_ascii=False) + "\n")


def restoring_tables(source, tables_dir):
    """evaluate's arguments: the default tables less the one built from `source`, plus the
    other general tables as files from tables_dir."""
    args = ["--without", SOURCES.get(source, source)]
    if tables_dir:
        for other, table in SOURCES.items():
            path = os.path.join(tables_dir, table + ".tsv")
            if other != source and os.path.isfile(path):
                args += ["--dict", path]
    return args


def evaluate(pairs_path, table_args):
    out = subprocess.run([EVALUATE, pairs_path, "--json"] + table_args, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[0])


def documents(tune):
    return list(spin.documents([BROWN], "even" if tune else "odd")) + list(
        spin.documents(SEEDS, "all"))


COLUMNS = [("candidate_recall", "cand. recall"), ("wer_reduction", "WER red."),
           ("change_precision", "change prec."), ("exact_sites", "exact sites"),
           ("clean_false_per_1k", "clean false/1k")]


def table(rows, markdown):
    head = ["configuration", "unit", "tables", "words", "WER before"] + [c[1] for c in COLUMNS]
    body = []
    for label, unit, tables, f in rows:
        body.append([label, unit, tables, str(f["words"]), f"{f['wer_before']:.3f}"]
                    + [f"{f[k]:.2f}" if k == "clean_false_per_1k" else f"{f[k]:.3f}"
                       for k, _ in COLUMNS])
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(r) + " |" for r in body]
        return "\n".join(lines)
    width = [max(len(r[i]) for r in [head] + body) for i in range(len(head))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, width)) for r in [head] + body)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--unit", choices=["passage", "article", "both"], default="both")
    ap.add_argument("--only", default="", help="configurations whose name holds this")
    ap.add_argument("--tables-dir", default="")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--per-doc", type=int, default=6, help="passages drawn from each document")
    ap.add_argument("--all", action="store_true",
                    help="every passage and every document as an article (slower)")
    ap.add_argument("--tune", action="store_true", help="the even Brown documents (tuning)")
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--from", dest="from_dir", default="", help="evaluate the pairs files of DIR")
    ap.add_argument("--write-committed", action="store_true")
    ap.add_argument("--keep", default="", help="write the generated pairs into this directory")
    a = ap.parse_args()
    if not a.write_committed and not os.path.exists(EVALUATE):
        subprocess.run(["cargo", "build", "--release", "--example", "evaluate"], cwd=ROOT, check=True)
    keys = Keys()
    if a.write_committed:
        out_dir = os.path.join(ROOT, "corpus", "bench")
        os.makedirs(out_dir, exist_ok=True)
        docs = documents(False)
        for config in COMMITTED:
            k = keys.get(config[0], config[1])
            write(os.path.join(out_dir, file_name(*config, "passage")),
                  spin_pairs(k, docs, *config[1:], "passage", a.seed, per_doc=1))
            if config[3] == "spin":
                write(os.path.join(out_dir, file_name(*config, "article")),
                      spin_pairs(k, docs, *config[1:], "article", a.seed,
                                 articles=COMMITTED_ARTICLES))
        return
    rows = []
    if a.from_dir:
        for f in sorted(os.listdir(a.from_dir)):
            if f.endswith(".jsonl") and a.only in f:
                source = f.split("-")[0]
                targs = restoring_tables(source, a.tables_dir)
                label, unit = f[:-len("s.jsonl")].rsplit("-", 1)
                rows.append((label.replace("-quotes", " quotes").replace("-", " ", 2), unit,
                             "no " + targs[1], evaluate(os.path.join(a.from_dir, f), targs)))
        print(table(rows, a.markdown))
        return
    docs = documents(a.tune)
    units = ["passage", "article"] if a.unit == "both" else [a.unit]
    work = a.keep or tempfile.mkdtemp(prefix="bench-generalize-")
    os.makedirs(work, exist_ok=True)
    plan = [(("news-spinner", "keys", "article", "spin"), ["--without", "none"], "default"),
            (("news-spinner", "keys", "article", "spin"), ["--without", "news-spinner"]
             + restoring_tables("news-spinner", a.tables_dir)[2:], "no news-spinner")]
    plan += [(c, restoring_tables(c[0], a.tables_dir), f"no {SOURCES[c[0]]}")
             for c in configurations()]
    for unit in units:
        for config, targs, tables in plan:
            label = name(*config)
            if config[0] == "news-spinner":
                label = "news-spinner reversed (" + ("known forms" if tables == "default"
                                                     else "general tables") + ")"
            if a.only not in label:
                continue
            if tables == "default" and a.tables_dir:
                targs = targs + restoring_tables("news-spinner", a.tables_dir)[2:]
            pairs = spin_pairs(keys.get(config[0], config[1]), docs, *config[1:], unit, a.seed,
                               per_doc=0 if a.all else a.per_doc,
                               articles=None if a.all or unit == "passage" else article_sample(docs))
            path = os.path.join(work, file_name(*config, unit))
            write(path, pairs)
            rows.append((label, unit, tables, evaluate(path, targs)))
            print(table(rows[-1:], False).splitlines()[-1], file=sys.stderr, flush=True)
    print(table(rows, a.markdown))


if __name__ == "__main__":
    main()
