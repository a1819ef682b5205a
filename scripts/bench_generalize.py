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
or left alone. Then a spinner of the news spinner's family with a larger thesaurus (our own
table read backwards, then WordNet's or Moby's sets: "news-spinner+wordnet", restored without
the general table of that lexicon), as the seed spinner and as the second spinner. And two
references, our own table read backwards alone, restored with the default tables (forms the
tables know) and without `news-spinner` (the general tables alone). Each is measured on
passages (whole paragraphs of 30-80 words, as pipelines send) and on whole articles.

Texts: the odd-numbered Brown press documents (the even ones are for tuning: --tune) and the
clean seeds 000, 001, 003 and 004: as passages, --per-doc of each document (6; --all: every
one); as articles, the seeds and every other Brown document (--all: every one). Clean false
per 1,000 words is measured on the same texts unspun. Deterministic for a given --seed.

Usage (from the repository root; needs WordNet, Moby and lemminflect, see
scripts/dict/lexicons.py, unless --from):
    python3 scripts/bench_generalize.py [--unit passage|article|both] [--only SUBSTRING]
        [--tables-dir dictionaries] [--seed 1] [--per-doc 6 | --all] [--tune] [--markdown]
    python3 scripts/bench_generalize.py --write-committed      # writes corpus/bench/
    python3 scripts/bench_generalize.py --from corpus/bench    # the committed pairs only
    python3 scripts/bench_generalize.py --complete-vocabulary --markdown [--cache DIR]
        # restored with the spinner's own thesaurus (--thesaurus), per spinner type
    python3 scripts/bench_generalize.py --learned --markdown [--cache DIR] [--all]
        # restored with a table `unspin learn` made from the spinner's training half

The general tables that are not built-in defaults (yet) are added as table files from
--tables-dir (dictionaries/ of this tree).
"""
import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, os.path.join(ROOT, "scripts", "corpus"))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import spin  # noqa: E402

BROWN = os.path.join(ROOT, "corpus", "brown-press.jsonl")
SEEDS = [os.path.join(ROOT, "corpus", "seeds", f) for f in (
    "000_aa92f3a28928f2e3.txt", "001_97aa9ac3554af9e4.txt",
    "003_8b6ec4914fcd75e2.txt", "004_8e862bd3df8d806c.txt")]
EVALUATE = os.environ.get("UNSPIN_EVALUATE") or os.path.join(ROOT, "target", "release", "examples", "evaluate")
UNSPIN = os.environ.get("UNSPIN_BIN") or os.path.join(ROOT, "target", "release", "unspin")
SOURCES = {"wordnet": "general-wordnet", "moby": "general-moby"}
DEFAULTS = []  # the built-in default tables (evaluate --default-tables)
# The committed pairs (corpus/bench/, tests/generalize.rs): (sets, directions, choice, quotes,
# whole articles too), as passages (one a document) and as a few whole articles.
COMMITTED = [
    ("wordnet", "keys", "article", "spin", True),
    ("wordnet", "both", "occurrence", "spin", False),
    ("wordnet", "keys", "article", "keep", False),
    ("moby", "keys", "article", "spin", True),
    ("moby", "both", "occurrence", "spin", False),
    ("moby", "keys", "article", "keep", False),
    ("news-spinner+wordnet", "both", "occurrence", "spin", True),
    ("news-spinner+moby", "keys", "article", "keep", True),
]
COMMITTED_ARTICLES = ["000", "004", "brown-ca03"]


def style(directions):
    """Case and digits go with the spinner family: the seed spinner copies the key's case
    and spins single digits; the second spinner re-capitalises and spins numbers."""
    return ("copy", "single") if directions == "keys" else ("sentence", "all")


def name(sets, directions, choice, quotes):
    return f"{sets} {directions} {choice} quotes-{quotes}"


def file_name(sets, directions, choice, quotes, unit):
    return f"{sets.replace('+', '-')}-{directions}-{choice}-quotes-{quotes}-{unit}s.jsonl"


def left_out(sets):
    """The general tables built from the lexicons a spinner's sets come from."""
    return [SOURCES[x] for x in re.split(r"[+-]", sets) if x in SOURCES]


def plan():
    """(label, (sets, directions, choice, quotes), tables left out) of every configuration."""
    ns = ("news-spinner", "keys", "article", "spin")
    yield "news-spinner reversed: known forms", ns, []
    yield "news-spinner reversed: general tables only", ns, ["news-spinner"]
    for sets in SOURCES:
        for directions in ("keys", "both"):
            for choice in ("article", "occurrence"):
                for quotes in ("spin", "keep"):
                    yield None, (sets, directions, choice, quotes), left_out(sets)
    for lexicon in SOURCES:
        sets = "news-spinner+" + lexicon
        for directions, choice in (("keys", "article"), ("both", "occurrence")):
            for quotes in ("spin", "keep"):
                yield None, (sets, directions, choice, quotes), left_out(sets)


class Keys:
    """The spinner's keys of each (sets, directions), built once."""

    def __init__(self):
        self.cache, self.common = {}, None

    def get(self, sets, directions):
        if (sets, directions) not in self.cache:
            if "news-spinner" != sets and self.common is None:
                self.common = spin.unigrams()
            self.cache[(sets, directions)] = spin.spinner_keys(sets, directions,
                                                               common=self.common)
        return self.cache[(sets, directions)]


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


def default_tables():
    out = subprocess.run([EVALUATE, "--default-tables"], check=True, capture_output=True,
                         text=True).stdout
    return out.strip().split(",")


def restoring_tables(without, tables_dir):
    """evaluate's arguments: the default tables less those named, plus, as table files from
    tables_dir, the general tables that are neither named nor built-in defaults."""
    args = ["--without", ",".join(without) or "none"]
    for table in SOURCES.values():
        path = os.path.join(tables_dir, table + ".tsv")
        if table not in without and table not in DEFAULTS and os.path.isfile(path):
            args += ["--dict", path]
    return args


def evaluate(pairs_path, table_args):
    out = subprocess.run([EVALUATE, pairs_path, "--json"] + table_args, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[0])


def documents(tune):
    return list(spin.documents([BROWN], "even" if tune else "odd")) + list(
        spin.documents(SEEDS, "all"))


COLUMNS = [("candidate_recall", "recall"), ("wer_reduction", "WER red."),
           ("change_precision", "precision"), ("exact_sites", "exact"),
           ("clean_false_per_1k", "clean false/1k")]


def table(rows, markdown):
    """One line a configuration; the figures of each unit side by side."""
    units = [u for u in ("passage", "article") if any(u in r[2] for r in rows)]
    head = ["configuration", "tables left out", "WER before"]
    for u in units:
        head += [f"{u}s: {c[1]}" if i == 0 else c[1] for i, c in enumerate(COLUMNS)]
    body = []
    for label, tables, figures in rows:
        line = [label, tables, " / ".join(f"{figures[u]['wer_before']:.2f}" for u in units
                                          if u in figures)]
        for u in units:
            f = figures.get(u)
            line += [("-" if f is None else f"{f[k]:.2f}" if k == "clean_false_per_1k"
                      else f"{f[k]:.3f}") for k, _ in COLUMNS]
        body.append(line)
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(r) + " |" for r in body]
        return "\n".join(lines)
    width = [max(len(r[i]) for r in [head] + body) for i in range(len(head))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, width)) for r in [head] + body)


def complete_vocabulary(docs, seed, cache, markdown):
    """The "complete vocabulary" rows (issue 21): each spinner type of scripts/fit_decision.py
    spins whole articles with a thesaurus T written from a licensed lexicon, at full rate, and
    unspin restores them with `--thesaurus T` (keys `first` for a keys-only spinner, `all`
    otherwise) besides its default tables; WER reduction / candidate recall says how much of the
    vocabulary it was handed the decision realises."""
    import fit_decision
    work = tempfile.mkdtemp(prefix="bench-complete-")
    head = ("| spinner type | thesaurus | WER reduction | precision | candidate recall "
            "| WER red. / recall | defaults alone: WER red. @ precision |")
    lines = [head, "|---|---|---|---|---|---|---|"]
    for vocabulary in ("wordnet", "moby"):
        t = fit_decision.thesaurus_file(vocabulary, cache or work)
        for kind, (directions, choice, case) in fit_decision.TYPES.items():
            rng = random.Random(f"{kind}/{vocabulary}/{seed}")
            keys = spin.keymap(spin.file_sets(t), directions == "both")
            path = os.path.join(work, f"{kind}-{vocabulary}.jsonl")
            write(path, [{"id": i, "spun": spin.Spinner(keys, rng, choice, "spin", case).spin(text),
                          "original": text} for i, text in docs])
            mode = "first" if directions == "keys" else "all"
            f = evaluate(path, ["--thesaurus-keys", mode, "--thesaurus", t])
            d = evaluate(path, [])
            lines.append(f"| {kind} | {vocabulary} | {f['wer_reduction']:.3f} | {f['change_precision']:.3f} "
                         f"| {f['candidate_recall']:.3f} | {f['wer_reduction'] / max(f['candidate_recall'], 1e-9):.3f} "
                         f"| {d['wer_reduction']:.3f} @ {d['change_precision']:.3f} |")
            print(lines[-1], file=sys.stderr, flush=True)
    print("\n".join(lines) if markdown else "\n".join(l.replace("|", " ") for l in lines))


def without_channel(table, path):
    """`table` with its entries cut to four fields (no channel counts), written to `path`."""
    with open(table, encoding="utf-8") as f, open(path, "w", encoding="utf-8") as out:
        for line in f:
            out.write(line if line.startswith("#") else "\t".join(line.rstrip("\n").split("\t")[:4]) + "\n")
    return path


def learned(train, test, seed, cache, markdown):
    """The "learned" rows (issue 21): each spinner type of scripts/fit_decision.py, with a
    thesaurus T written from a licensed lexicon, spins the training half (the even Brown
    documents, each its own draw) and the held-out half alike; `unspin learn` makes a table from
    the training half's pairs (deferring to the default tables, channel counts in its fifth
    field), and the held-out half is restored with the defaults, then with the learned table
    added (`--dict`), then with the same table without its counts."""
    import fit_decision
    work = tempfile.mkdtemp(prefix="bench-learned-")
    head = ("| spinner type | thesaurus | entries | defaults: WER red. @ precision (recall) "
            "| + learned: WER red. @ precision (recall) | + learned without counts |")
    lines = [head, "|---|---|---|---|---|---|"]
    fig = lambda f: f"{f['wer_reduction']:.3f} @ {f['change_precision']:.3f} ({f['candidate_recall']:.3f})"
    for vocabulary in ("wordnet", "moby"):
        t = fit_decision.thesaurus_file(vocabulary, cache or work)
        for kind, (directions, choice, case) in fit_decision.TYPES.items():
            keys = spin.keymap(spin.file_sets(t), directions == "both")
            paths = {}
            for half, docs in (("train", train), ("test", test)):
                rng = random.Random(f"{kind}/{vocabulary}/{half}/{seed}")
                paths[half] = os.path.join(work, f"{kind}-{vocabulary}-{half}.jsonl")
                write(paths[half], [{"id": i, "spun": spin.Spinner(keys, rng, choice, "spin", case).spin(text),
                                     "original": text} for i, text in docs])
            table = os.path.join(work, f"{kind}-{vocabulary}.tsv")
            subprocess.run([UNSPIN, "learn", "-q", "--pairs", paths["train"], "-o", table], check=True)
            with open(table, encoding="utf-8") as f:
                entries = sum(1 for line in f if not line.startswith("#"))
            bare = without_channel(table, table[:-len(".tsv")] + "-bare.tsv")
            d = evaluate(paths["test"], [])
            f = evaluate(paths["test"], ["--dict", table])
            b = evaluate(paths["test"], ["--dict", bare])
            lines.append(f"| {kind} | {vocabulary} | {entries} | {fig(d)} | {fig(f)} | {fig(b)} |")
            print(lines[-1], file=sys.stderr, flush=True)
    print("\n".join(lines) if markdown else "\n".join(l.replace("|", " ") for l in lines))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--unit", choices=["passage", "article", "both"], default="both")
    ap.add_argument("--only", default="", help="configurations whose name holds this")
    ap.add_argument("--tables-dir", default=os.path.join(ROOT, "dictionaries"))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--per-doc", type=int, default=6, help="passages drawn from each document")
    ap.add_argument("--all", action="store_true",
                    help="every passage and every document as an article (slower)")
    ap.add_argument("--tune", action="store_true", help="the even Brown documents (tuning)")
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--from", dest="from_dir", default="", help="evaluate the pairs files of DIR")
    ap.add_argument("--write-committed", action="store_true")
    ap.add_argument("--keep", default="", help="write the generated pairs into this directory")
    ap.add_argument("--complete-vocabulary", action="store_true",
                    help="the complete-vocabulary rows: restored with the spinner's own thesaurus")
    ap.add_argument("--cache", default="", help="a directory keeping the thesauri between runs")
    ap.add_argument("--learned", action="store_true",
                    help="the learned rows: restored with a table learned from a training half")
    a = ap.parse_args()
    if not a.write_committed and not os.path.exists(EVALUATE):
        subprocess.run(["cargo", "build", "--release", "--example", "evaluate"], cwd=ROOT, check=True)
    global DEFAULTS
    DEFAULTS = [] if a.write_committed else default_tables()
    keys = Keys()
    if a.write_committed:
        out_dir = os.path.join(ROOT, "corpus", "bench")
        os.makedirs(out_dir, exist_ok=True)
        docs = documents(False)
        for *config, articles in COMMITTED:
            k = keys.get(config[0], config[1])
            write(os.path.join(out_dir, file_name(*config, "passage")),
                  spin_pairs(k, docs, *config[1:], "passage", a.seed, per_doc=1))
            if articles:
                write(os.path.join(out_dir, file_name(*config, "article")),
                      spin_pairs(k, docs, *config[1:], "article", a.seed,
                                 articles=COMMITTED_ARTICLES))
        return
    rows = {}
    if a.from_dir:
        for f in sorted(os.listdir(a.from_dir)):
            if f.endswith(".jsonl") and a.only in f:
                label, unit = f[:-len("s.jsonl")].rsplit("-", 1)
                sets = label.split("-keys-")[0].split("-both-")[0]
                without = left_out(sets)
                label = (sets.replace("news-spinner-", "news-spinner+") + " "
                         + label[len(sets) + 1:].replace("-quotes", " quotes").replace("-", " ", 1))
                figures = evaluate(os.path.join(a.from_dir, f), restoring_tables(without, a.tables_dir))
                rows.setdefault((label, ", ".join(without)), {})[unit] = figures
        print(table([(k[0], k[1], v) for k, v in rows.items()], a.markdown))
        return
    docs = documents(a.tune)
    if a.learned:
        if not os.path.exists(UNSPIN):
            subprocess.run(["cargo", "build", "--release", "--bin", "unspin"], cwd=ROOT, check=True)
        sample = article_sample(docs)
        # Learned from the tuning half (even Brown documents); restored on the held-out
        # Brown documents (the clean seeds may be among the fit's texts).
        learned(list(spin.documents([BROWN], "even")),
                [(i, t) for i, t in docs if i.startswith("brown-") and (a.all or i in sample)],
                a.seed, a.cache, a.markdown)
        return
    if a.complete_vocabulary:
        sample = article_sample(docs)
        # Brown only: the clean seeds may be among the fit's texts.
        complete_vocabulary([(i, t) for i, t in docs if i.startswith("brown-") and (a.all or i in sample)],
                            a.seed, a.cache, a.markdown)
        return
    units = ["passage", "article"] if a.unit == "both" else [a.unit]
    work = a.keep or tempfile.mkdtemp(prefix="bench-generalize-")
    os.makedirs(work, exist_ok=True)
    for label, config, without in plan():
        label = label or name(*config)
        if a.only not in label:
            continue
        figures = {}
        for unit in units:
            pairs = spin_pairs(keys.get(config[0], config[1]), docs, *config[1:], unit, a.seed,
                               per_doc=0 if a.all else a.per_doc,
                               articles=None if a.all or unit == "passage" else article_sample(docs))
            path = os.path.join(work, file_name(*config, unit))
            write(path, pairs)
            figures[unit] = evaluate(path, restoring_tables(without, a.tables_dir))
        rows[(label, ", ".join(without) or "none")] = figures
        print(table([(label, ", ".join(without) or "none", figures)], False).splitlines()[-1],
              file=sys.stderr, flush=True)
    print(table([(k[0], k[1], v) for k, v in rows.items()], a.markdown))


if __name__ == "__main__":
    main()
