#!/usr/bin/env python3
"""Fits and validates unspin's general spin detector (dictionaries/detector.tsv, read by src/detect.rs).

Usage (from the repository root; needs numpy, and what scripts/corpus/spin.py needs: WordNet from
Debian's wordnet-base, Moby from the thesaurus-moby crate, lemminflect):

    cargo build --release --example detect_features
    python3 scripts/detect/fit.py [--sets-dir DIR] [--out target/detect] [--write]

1. Spins Brown press articles (corpus/brown-press.jsonl; even ids to fit, odd ids to test) with
   seven spinner types of scripts/corpus/spin.py (the project's table, keys/article; WordNet and
   Moby sets, both directions/per occurrence and keys/article; the project's table alone and with
   WordNet's sets, both directions/per occurrence, the seed spinner's family drawn afresh at each
   occurrence), and cuts passages of whole
   paragraphs of about 30, 60, 120 and 250 words from them (the spinner sees the article, the
   pipeline a passage); clean texts are the originals, plus the clean news seeds (corpus/seeds
   000, 001, 003, 004; test only) whole and cut the same way.
2. Reads each text's table score and category counts with the detect_features example.
3. Fits: per category, the log-likelihood ratio of spun against clean texts' words (add-one);
   a logistic model (ridge RIDGE) of the log of the words, the three sums (which weigh long
   texts) and each category's count over the square root of the words (which weigh short
   ones), the clean texts weighing CLEAN_WEIGHT times the spun ones
   (a crawl where one document in 1 + CLEAN_WEIGHT is spun, the prior the score is calibrated
   to); the table score and this one combined as 1 - (1 - table)(1 - general), recalibrated by
   a logistic model on its log-odds (Platt).
4. Validates leaving one spinner type out (the whole fit redone without it; its detection rate
   on odd ids per length), prints the detection rate by length, the false positive rates on
   clean Brown press and clean news, and a reliability table with its expected calibration
   error (texts weighted to the prior above); --write writes dictionaries/detector.tsv.

--sets-dir names a folder of wordnet.txt and moby.txt set files (`a|b|c` lines) to use in place
of spin.py's own `--sets wordnet` / `--sets moby` (the same sets, read faster).
"""

import argparse
import json
import math
import os
import re
import subprocess
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SPIN = os.path.join(ROOT, "scripts", "corpus", "spin.py")
BROWN = os.path.join(ROOT, "corpus", "brown-press.jsonl")
SEEDS = [os.path.join(ROOT, "corpus", "seeds", f) for f in sorted(os.listdir(os.path.join(ROOT, "corpus", "seeds")))
         if f[:3] in ("000", "001", "003", "004")]
LENGTHS = {"30": (20, 40), "60": (45, 75), "120": (100, 140), "250": (210, 290), "article": None}
Z_MAX = 9.21  # the log-odds of a score printed as 0.9999


CLEAN_WEIGHT = 5.0
MARGINS, SIDES = 25, 37  # src/detect.rs: MARGINS, SIDES
# The ridge on the general model's weights (features scaled to [-1, 1]): chosen leaving one
# spinner type out, trading short passages' detection against clean Brown press's false positives.
RIDGE = 3e-3


def spinners(sets_dir):
    wn, moby = "wordnet", "moby"
    if sets_dir:
        wn, moby = os.path.join(sets_dir, "wordnet.txt"), os.path.join(sets_dir, "moby.txt")
    return {
        "news-spinner keys/article": ["--sets", "news-spinner", "--directions", "keys", "--choice", "article"],
        "wordnet both/occurrence": ["--sets", wn, "--directions", "both", "--choice", "occurrence", "--case", "sentence"],
        "moby both/occurrence": ["--sets", moby, "--directions", "both", "--choice", "occurrence", "--case", "sentence"],
        "wordnet keys/article": ["--sets", wn, "--directions", "keys", "--choice", "article"],
        "moby keys/article": ["--sets", moby, "--directions", "keys", "--choice", "article"],
        # The seed spinner's family drawn afresh at each occurrence, in both directions (a second
        # commercial spinner), with the project's table and with a larger thesaurus.
        "news-spinner both/occurrence": ["--sets", "news-spinner", "--directions", "both", "--choice", "occurrence",
                                         "--case", "sentence"],
        "news-spinner+wordnet both/occurrence": ["--sets", "news-spinner+" + wn, "--directions", "both",
                                                 "--choice", "occurrence", "--case", "sentence"],
    }


def spin(out_dir, name, args, docs, inputs, seed):
    """Whole spun articles of one spinner type (cached in out_dir)."""
    path = os.path.join(out_dir, "%s-%s.jsonl" % (re.sub(r"\W+", "-", name), docs))
    if not os.path.exists(path):
        cmd = [sys.executable, SPIN, *inputs, *args, "--unit", "article", "--docs", docs, "--seed", str(seed)]
        with open(path + ".tmp", "w") as f:
            subprocess.run(cmd, stdout=f, check=True)
        os.replace(path + ".tmp", path)
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def cut(pairs, length, limit=3):
    """Passages of whole paragraphs of about `length` words (LENGTHS) from spun/original article
    pairs, at most `limit` an article; the articles themselves for "article"."""
    if LENGTHS[length] is None:
        return pairs
    lo, hi = LENGTHS[length]
    out = []
    for p in pairs:
        spun, orig = p["spun"].split("\n\n"), p["original"].split("\n\n")
        if len(spun) != len(orig):
            continue
        got, start = 0, 0
        while start < len(orig) and got < limit:
            end, n = start, 0
            while end < len(orig) and n < lo:
                n += len(orig[end].split())
                end += 1
            if lo <= n <= hi:
                out.append({"spun": "\n\n".join(spun[start:end]), "original": "\n\n".join(orig[start:end])})
                got += 1
            start = end
    return out



def rows_of(pairs, spinner, length):
    return [{"text": p["spun"], "spun": 1, "spinner": spinner, "length": length}
            for p in pairs if p["spun"] != p["original"]]


def clean_rows(pairs, length, source):
    return [{"text": p["original"], "spun": 0, "spinner": source, "length": length} for p in pairs]


def dedupe(rows):
    seen, out = set(), []
    for r in rows:
        if (r["text"], r["spun"]) not in seen:
            seen.add((r["text"], r["spun"]))
            out.append(r)
    return out


def features(rows, counter):
    recs = "".join(json.dumps({"id": i, "text": r["text"]}) + "\n" for i, r in enumerate(rows))
    out = subprocess.run([counter], input=recs, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit("%s failed (%d): %s" % (counter, out.returncode, out.stderr[-2000:]))
    for r, line in zip(rows, out.stdout.splitlines()):
        d = json.loads(line)
        c = np.array(d["counts"], dtype=float)
        r["table"] = d["table"]
        r["parts"] = (c[:MARGINS], c[MARGINS:MARGINS + SIDES], c[MARGINS + SIDES:])


def logistic(X, y, w_clean, l2=1e-4, iters=100):
    """Logistic regression by Newton's method, a light ridge on all but the intercept; the spun
    texts weigh 1 in all, the clean ones w_clean."""
    scale = np.maximum(np.abs(X).max(axis=0), 1e-9)
    Xs = X / scale
    w = np.zeros(X.shape[1])
    reg = np.full(X.shape[1], l2)
    reg[0] = 0.0
    cw = np.where(y > 0, 1.0 / max(y.sum(), 1), w_clean / max((1 - y).sum(), 1))
    cw /= cw.sum()
    for _ in range(iters):
        p = 1 / (1 + np.exp(-Xs @ w))
        g = Xs.T @ (cw * (p - y)) + reg * w
        H = (Xs.T * (cw * p * (1 - p))) @ Xs + np.diag(reg)
        step = np.linalg.solve(H, g)
        w -= step
        if np.abs(step).max() < 1e-9:
            break
    return w / scale


def logit(p):
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


class Detector:
    """The fitted detector, as src/detect.rs computes it."""

    def __init__(self, rows):
        y = np.array([r["spun"] for r in rows], dtype=float)
        self.llr = []
        for k in range(3):
            s = sum(r["parts"][k] for r in rows if r["spun"]) + 1
            c = sum(r["parts"][k] for r in rows if not r["spun"]) + 1
            self.llr.append(np.log(s / s.sum()) - np.log(c / c.sum()))
        w = logistic(self.features(rows), y, CLEAN_WEIGHT, l2=RIDGE)
        self.weights, self.density = w[:5], w[5:]
        self.calibration = np.array([0.0, 1.0])
        self.calibration = logistic(np.stack([np.ones(len(rows)), logit(self.either(rows))], 1), y, CLEAN_WEIGHT)

    def sums(self, rows):
        return np.array([[r["parts"][k] @ self.llr[k] for k in range(3)] for r in rows])

    def features(self, rows):
        """Intercept, log words, the three sums, then each category's count over the square root
        of the words: the sums weigh long texts, the densities short ones."""
        counts = np.array([np.concatenate(r["parts"]) for r in rows])
        n = np.maximum(counts[:, :MARGINS].sum(1), 1)
        return np.column_stack([np.ones(len(rows)), np.log(n), self.sums(rows), counts / np.sqrt(n)[:, None]])

    def either(self, rows):
        general = 1 / (1 + np.exp(-self.features(rows) @ np.concatenate([self.weights, self.density])))
        table = np.array([r["table"] for r in rows])
        return 1 - (1 - table) * (1 - general)

    def score(self, rows):
        p = 1 / (1 + np.exp(-(self.calibration[0] + self.calibration[1] * logit(self.either(rows)))))
        words = np.array([r["parts"][0].sum() for r in rows])
        table = np.array([r["table"] for r in rows])
        return np.where(words > 0, p, table)

    def write(self, path, note):
        with open(path + ".tmp", "w") as f:
            f.write("# detector.tsv: unspin's general spin detector (format: src/detect.rs).\n")
            f.write("# Written by scripts/detect/fit.py --write (do not edit; refit). %s\n" % note)
            for name, v in [("margin", self.llr[0]), ("left", self.llr[1]), ("right", self.llr[2]),
                            ("weights", self.weights), ("density", self.density),
                            ("calibration", self.calibration)]:
                f.write("%s\t%s\n" % (name, " ".join("%.6g" % x for x in v)))
        os.replace(path + ".tmp", path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--counter", default=os.path.join(ROOT, "target", "release", "examples", "detect_features"),
                    help="the detect_features example (cargo build --release --example detect_features)")
    ap.add_argument("--sets-dir", help="folder of wordnet.txt and moby.txt set files")
    ap.add_argument("--out", default=os.path.join(ROOT, "target", "detect"))
    ap.add_argument("--write", action="store_true", help="write dictionaries/detector.tsv")
    ap.add_argument("--bin", help="an unspin binary: also print the rates of its own scores (the shipped detector, "
                                  "which stops reading once settled) on the test texts")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    data = {"even": [], "odd": []}
    for seed, (name, sargs) in enumerate(spinners(args.sets_dir).items(), 1):
        for docs in data:
            articles = spin(args.out, name, sargs, docs, [BROWN], seed)
            for length in LENGTHS:
                pairs = cut(articles, length)
                data[docs] += rows_of(pairs, name, length) + clean_rows(pairs, length, "brown press")
    seeds = []
    for f in SEEDS:
        with open(f, encoding="utf-8") as fh:
            text = fh.read().strip()
        seeds.append({"spun": text, "original": text})
    data["news"] = []
    for length in LENGTHS:
        data["news"] += clean_rows(cut(seeds, length, limit=100), length, "clean news")
    data = {k: dedupe(v) for k, v in data.items()}
    for rows in data.values():
        features(rows, args.counter)
    names, lengths = list(spinners(args.sets_dir)), list(LENGTHS)
    odd, news = data["odd"], data["news"]

    def cell(p, rows, keep):
        sel = [i for i, r in enumerate(rows) if keep(r)]
        return "%.2f (%d)" % (np.mean(p[sel] >= 0.5), len(sel)) if sel else "-"

    print("## Leave one spinner type out (fitted without it on even ids; its detection rate on odd ids)\n")
    print("| left out | " + " | ".join(lengths) + " | table score alone, all lengths |")
    print("|---|" + "---|" * (len(lengths) + 1))
    table_odd = np.array([r["table"] for r in odd])
    for name in names:
        d = Detector([r for r in data["even"] if r["spinner"] != name])
        p = d.score(odd)
        cells = [cell(p, odd, lambda r, L=L: r["spinner"] == name and r["length"] == L) for L in lengths]
        print("| %s | %s | %s |" % (name, " | ".join(cells), cell(table_odd, odd, lambda r: r["spinner"] == name)))
    d = Detector(data["even"])
    p, pn = d.score(odd), d.score(news)
    table_news = np.array([r["table"] for r in news])
    print("\n## Fitted on all seven types (even ids), measured on odd ids and the clean news seeds\n")
    print("| | " + " | ".join(lengths) + " |")
    print("|---|" + "---|" * len(lengths))
    for label, q, qn in [("detector", p, pn), ("table score alone", table_odd, table_news)]:
        print("| spun, every type, %s | %s |" % (label, " | ".join(
            cell(q, odd, lambda r, L=L: r["spun"] and r["length"] == L) for L in lengths)))
        print("| clean Brown press, %s | %s |" % (label, " | ".join(
            cell(q, odd, lambda r, L=L: not r["spun"] and r["length"] == L) for L in lengths)))
        print("| clean news seeds, %s | %s |" % (label, " | ".join(
            cell(qn, news, lambda r, L=L: r["length"] == L) for L in lengths)))
    allp = np.concatenate([p, pn])
    ally = np.array([r["spun"] for r in odd + news], dtype=float)
    prior = 1 / (1 + CLEAN_WEIGHT)
    wt = np.where(ally > 0, prior / ally.sum(), (1 - prior) / (1 - ally).sum())
    print("\n### Reliability (odd ids and clean news; texts weighted to one spun in %d)\n" % (1 + CLEAN_WEIGHT))
    print("| score bin | texts | mean score | share spun |")
    print("|---|---|---|---|")
    ece = 0.0
    for b in range(10):
        lo, hi = b / 10, (b + 1) / 10
        sel = (allp >= lo) & ((allp < hi) if b < 9 else (allp <= hi))
        if sel.sum():
            W = wt[sel].sum()
            mp, my = (wt[sel] * allp[sel]).sum() / W, (wt[sel] * ally[sel]).sum() / W
            ece += W * abs(mp - my)
            print("| %.1f-%.1f | %d | %.3f | %.3f |" % (lo, hi, sel.sum(), mp, my))
    print("\nECE (10 bins): %.4f over %d texts" % (ece, len(allp)))
    if args.bin:
        print("\n## The binary's own verdicts (%s check --jsonl; odd ids and clean news)\n" % args.bin)
        scores = {}
        for key in ("odd", "news"):
            recs = "".join(json.dumps({"id": i, "text": r["text"]}) + "\n" for i, r in enumerate(data[key]))
            out = subprocess.run([args.bin, "check", "--jsonl", "-q"], input=recs, capture_output=True, text=True)
            if out.returncode not in (0, 1):
                sys.exit("%s failed (%d): %s" % (args.bin, out.returncode, out.stderr[-2000:]))
            got = np.zeros(len(data[key]))
            for line in out.stdout.splitlines():
                rec = json.loads(line)
                got[int(rec["id"])] = rec["score"]
            scores[key] = got
        print("| texts | " + " | ".join(lengths) + " |")
        print("|---|" + "---|" * len(lengths))
        for name in names:
            print("| %s | %s |" % (name, " | ".join(
                cell(scores["odd"], odd, lambda r, L=L: r["spinner"] == name and r["length"] == L) for L in lengths)))
        print("| clean Brown press | %s |" % " | ".join(
            cell(scores["odd"], odd, lambda r, L=L: not r["spun"] and r["length"] == L) for L in lengths))
        print("| clean news seeds | %s |" % " | ".join(
            cell(scores["news"], news, lambda r, L=L: r["length"] == L) for L in lengths))
    if args.write:
        path = os.path.join(ROOT, "dictionaries", "detector.tsv")
        d.write(path, "Fitted on %d texts (even Brown press ids, seven spinner types), clean weight %g."
                % (len(data["even"]), CLEAN_WEIGHT))
        print("\nwrote %s" % path)


if __name__ == "__main__":
    main()
