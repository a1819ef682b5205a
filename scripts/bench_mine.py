#!/usr/bin/env python3
"""The benchmark of `unspin learn --corpus`: synthetic crawls with spun copies, their
originals and hard distractors; speed, memory, pair recall and precision, and what the
table learned from the crawl restores.

A crawl of N documents (~5 KB each), ids shuffled, is built from the clean corpora
(corpus/brown-press.jsonl, the clean seeds 000, 001, 003, 004) and the spinners of
scripts/corpus/spin.py:

  story      a made-up article: paragraphs of 2-4 sentences drawn at random from the
             sentence pool (so every story is new text, with its names, numbers and quotes);
  filler     a story and nothing else (most of the crawl);
  pair       a story (the original) and a spun copy by one of three spinners:
               seed     news-spinner+wordnet sets, keys only, one choice per article,
                        the key's case, single digits (the seed spinner's way);
               second   news-spinner+wordnet, every member a key, a fresh draw per
                        occurrence, re-capitalised, two-digit numbers (the second's way);
               moby     Moby's sets, the seed spinner's way, quotes left alone;
  two        a story with a copy by each of two spinners (one original, two spun copies:
             the copies are alike too and both spun, never a pair);
  orphan     a spun copy whose original is not in the crawl (held out: the texts the
             learned table is measured on);
  outlet     a story and a second outlet's report of it (the hard distractor): the same
             quoted sentences and a fifth of the other sentences (the wire copy both
             used), the rest its own, paragraphs reordered, truncated to 60-90%; half of
             the outlet stories also have a spun copy of the original;
  duplicate  exact copies of some originals and some spun copies (under other ids);
  seeds      the four clean seeds (reports of one event by different outlets, sharing
             quotes and names) and the spun seed 002 without its original.

Stories of pairs are drawn from the even-numbered Brown press documents' sentences, orphans
from the odd-numbered ones and the seeds' (held out), fillers and outlets from all.

Measured (one JSON line per size): documents per second and peak memory of `unspin learn
--corpus` (release build, /usr/bin/time), pair recall and precision of `--found` against the
truth (a spun copy duplicated counts once; any exact copy of the original is right), and the
restoration of the orphans (examples/evaluate: WER reduction, change precision) with the
default tables alone, with the table learned from the crawl, and with the table `learn
--pairs` learns from the true pairs.

Usage (from the repository root; the crawls go to --dir, default /tmp/bench-mine):
    python3 scripts/bench_mine.py --docs 10000 100000 [--dir DIR] [--keep] [--no-build]
Needs WordNet 3.0 and LemmInflect (see scripts/dict/lexicons.py) and Moby's thesaurus.
"""
import argparse
import json
import os
import pickle
import random
import re
import subprocess
import sys
import time

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
sys.path.insert(0, os.path.join(ROOT, "scripts", "corpus"))
import bench_generalize as bg  # noqa: E402
import spin  # noqa: E402

UNSPIN = os.path.join(ROOT, "target", "release", "unspin")
SENTENCE = re.compile(r"[^.!?]+(?:[.!?]+[\"'\u201d\u2019)]*|$)\s*")
SPINNERS = {
    # name: (sets, directions, choice, quotes)
    "seed": ("news-spinner+wordnet", "keys", "article", "spin"),
    "second": ("news-spinner+wordnet", "both", "occurrence", "spin"),
    "moby": ("moby", "keys", "article", "keep"),
}
# Shares of the crawl's documents made by each kind of story (the rest are fillers).
MIX = {"pair": 0.02, "two": 0.004, "orphan": 0.004, "outlet": 0.01, "duplicate": 0.002}
TARGET_BYTES = 5000


def sentences(text):
    out = []
    for para in re.split(r"\n\s*\n|\n", text):
        out += [s.strip() for s in SENTENCE.findall(para) if len(s.split()) >= 4]
    return out


def pools():
    """(pair, orphan, all): sentence pools of the even Brown documents, of the odd ones and
    the seeds, and of all."""
    even = [s for _, t in spin.documents([bg.BROWN], "even") for s in sentences(t)]
    odd = [s for _, t in bg.documents(False) for s in sentences(t)]
    return even, odd, even + odd


def story(rng, pool, size=TARGET_BYTES):
    paras, n = [], 0
    while n < size:
        para = " ".join(rng.choice(pool) for _ in range(rng.randint(2, 4)))
        paras.append(para)
        n += len(para) + 2
    return "\n\n".join(paras)


def is_quote(s):
    return any(q in s for q in "\u201c\u201d\"")


def outlet(rng, original, pool):
    """Another outlet's report of the story: its quotes, a fifth of its other sentences, the
    rest its own; paragraphs reordered; truncated."""
    paras = []
    for para in original.split("\n\n"):
        kept = [s if is_quote(s) or rng.random() < 0.2 else rng.choice(pool)
                for s in sentences(para)]
        paras.append(" ".join(kept))
    rng.shuffle(paras)
    return "\n\n".join(paras[:max(1, int(len(paras) * rng.uniform(0.6, 0.9)))])


class Spinners:
    def __init__(self, cache=None):
        if cache and os.path.exists(cache):
            with open(cache, "rb") as f:
                self.keys = pickle.load(f)
            return
        common = spin.unigrams()
        self.keys = {name: spin.spinner_keys(sets, directions, common=common)
                     for name, (sets, directions, _, _) in SPINNERS.items()}
        if cache:
            with open(cache, "wb") as f:
                pickle.dump(self.keys, f)

    def spin(self, name, text, rng):
        _, directions, choice, quotes = SPINNERS[name]
        case, digits = bg.style(directions)
        return spin.Spinner(self.keys[name], rng, choice, quotes, case, digits).spin(text)


def build(n, seed, spinners, path):
    """Writes a crawl of about n documents to path; returns the truth."""
    rng = random.Random(seed)
    pair_pool, orphan_pool, all_pool = pools()
    docs, truth = [], {"pairs": [], "orphans": [], "dups": {}}

    def add(kind, text):
        docs.append((kind, text))
        return len(docs) - 1

    names = list(SPINNERS)
    counts = {k: int(n * v) for k, v in MIX.items()}
    for _ in range(counts["pair"] // 2):
        o = story(rng, pair_pool)
        name = rng.choice(names)
        s = spinners.spin(name, o, rng)
        oi, si = add("original", o), add(f"spun-{name}", s)
        truth["pairs"].append((si, oi))
    for _ in range(counts["two"] // 3):
        o = story(rng, pair_pool)
        oi = add("original", o)
        for name in rng.sample(names, 2):
            truth["pairs"].append((add(f"spun-{name}", spinners.spin(name, o, rng)), oi))
    for _ in range(counts["orphan"]):
        o = story(rng, orphan_pool)
        name = rng.choice(names)
        truth["orphans"].append({"i": add(f"orphan-{name}", spinners.spin(name, o, rng)),
                                 "original": o})
    for k in range(counts["outlet"] // 2):
        o = story(rng, all_pool)
        oi = add("original", o)
        add("outlet", outlet(rng, o, all_pool))
        if k % 2 == 0:
            name = rng.choice(names)
            truth["pairs"].append((add(f"spun-{name}", spinners.spin(name, o, rng)), oi))
    for k in range(min(counts["duplicate"], len(truth["pairs"]))):
        si, oi = truth["pairs"][k]
        which = oi if k % 2 == 0 else si
        d = add("duplicate", docs[which][1])
        truth["dups"].setdefault(which, []).append(d)
    for f in bg.SEEDS:
        add("seed", open(f, encoding="utf-8").read())
    while len(docs) < n:
        add("filler", story(rng, all_pool))
    order = list(range(len(docs)))
    rng.shuffle(order)
    ids = {}
    with open(path, "w", encoding="utf-8") as f:
        for rank, i in enumerate(order):
            ids[i] = f"doc-{rank:07d}"
        for i in order:
            f.write(json.dumps({"id": ids[i], "text": docs[i][1]}, ensure_ascii=False) + "\n")
    same = {i: {ids[i]} | {ids[d] for d in truth["dups"].get(i, [])} for i in ids}
    return {
        "documents": len(docs),
        "bytes": sum(len(t.encode()) for _, t in docs),
        "pairs": [(same[s], same[o], docs[s][0]) for s, o in truth["pairs"]],
        "orphans": [{"id": ids[o["i"]], "spun": docs[o["i"]][1], "original": o["original"]}
                    for o in truth["orphans"]],
        "texts": {ids[s]: (docs[s][1], docs[o][1]) for s, o in truth["pairs"]},
    }


def run_learn(args, log):
    t = time.time()
    p = subprocess.run(["/usr/bin/time", "-v", UNSPIN, "learn", "-q"] + args,
                       capture_output=True, text=True)
    wall = time.time() - t
    if p.returncode not in (0,):
        sys.exit(f"unspin learn failed ({p.returncode}):\n{p.stderr[-3000:]}")
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1))
    cpu = sum(float(x) for x in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)",
                                           p.stderr))
    with open(log, "w") as f:
        f.write(p.stderr)
    return wall, cpu, rss


def score_found(found_path, truth):
    found = [json.loads(line) for line in open(found_path, encoding="utf-8")]
    right = 0
    hit = set()
    by_spun = {i: k for k, (spun, _, _) in enumerate(truth["pairs"]) for i in spun}
    for f in found:
        k = by_spun.get(f["spun"])
        if k is not None and f["original"] in truth["pairs"][k][1]:
            right += 1
            hit.add(k)
    by_spinner = {}
    for k, (_, _, kind) in enumerate(truth["pairs"]):
        got = by_spinner.setdefault(kind, [0, 0])
        got[0] += k in hit
        got[1] += 1
    return {
        "found": len(found),
        "true_pairs": len(truth["pairs"]),
        "recall": len(hit) / max(1, len(truth["pairs"])),
        "precision": right / max(1, len(found)),
        "recall_by_spinner": {k: round(a / b, 3) for k, (a, b) in sorted(by_spinner.items())},
    }


def restoration(tmp, truth, crawl_table):
    """The orphans restored with the defaults, the crawl's table, and the true pairs' table."""
    orphans = os.path.join(tmp, "orphans.jsonl")
    bg.write(orphans, [{"id": o["id"], "spun": o["spun"], "original": o["original"]}
                       for o in truth["orphans"]])
    true_pairs = os.path.join(tmp, "true-pairs.jsonl")
    bg.write(true_pairs, [{"id": i, "spun": s, "original": o}
                          for i, (s, o) in sorted(truth["texts"].items())])
    true_table = os.path.join(tmp, "true-pairs.tsv")
    subprocess.run([UNSPIN, "learn", "-q", "--pairs", true_pairs, "-o", true_table], check=True)
    keys = ["wer_reduction", "change_precision", "candidate_recall"]
    out = {}
    for label, args in (("defaults", []), ("crawl", ["--dict", crawl_table]),
                        ("true_pairs", ["--dict", true_table])):
        f = bg.evaluate(orphans, args)
        out[label] = {k: round(f[k], 4) for k in keys}
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, nargs="+", default=[10000])
    ap.add_argument("--dir", default="/tmp/bench-mine")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", action="store_true", help="reuse a crawl already built")
    ap.add_argument("--no-build", action="store_true", help="use the binaries as they are")
    ap.add_argument("--no-restore", action="store_true", help="skip the restoration figures")
    ap.add_argument("--build-only", action="store_true", help="build the crawls and stop")
    ap.add_argument("--debug", action="store_true",
                    help="measure the debug build (target/debug) instead of the release build")
    a = ap.parse_args()
    global UNSPIN
    if a.debug:
        UNSPIN = UNSPIN.replace(os.path.join("target", "release"), os.path.join("target", "debug"))
        bg.EVALUATE = bg.EVALUATE.replace(os.path.join("target", "release"),
                                          os.path.join("target", "debug"))
    if not (a.no_build or a.build_only):
        profile = [] if a.debug else ["--release"]
        subprocess.run(["cargo", "build", *profile, "--bin", "unspin", "--example", "evaluate"],
                       cwd=ROOT, check=True)
    os.makedirs(a.dir, exist_ok=True)
    spinners = Spinners(os.path.join(a.dir, "spinners.pickle"))
    for n in a.docs:
        crawl = os.path.join(a.dir, f"crawl-{n}.jsonl")
        truth_path = crawl + ".truth.json"
        if a.keep and os.path.exists(truth_path):
            truth = json.load(open(truth_path))
            truth["pairs"] = [(set(s), set(o), k) for s, o, k in truth["pairs"]]
        else:
            t = time.time()
            truth = build(n, a.seed, spinners, crawl)
            print(f"built {crawl}: {truth['documents']} documents, "
                  f"{truth['bytes'] / 1e6:.0f} MB in {time.time() - t:.0f} s", file=sys.stderr)
            with open(truth_path, "w") as f:
                json.dump({**truth, "pairs": [(sorted(s), sorted(o), k)
                                              for s, o, k in truth["pairs"]]}, f)
        if a.build_only:
            continue
        found = os.path.join(a.dir, f"found-{n}.jsonl")
        table = os.path.join(a.dir, f"learned-{n}.tsv")
        wall, cpu, rss = run_learn(["--corpus", crawl, "--found", found, "-o", table],
                                   os.path.join(a.dir, f"time-{n}.txt"))
        row = {
            "documents": truth["documents"],
            "mb": round(truth["bytes"] / 1e6, 1),
            "wall_s": round(wall, 1),
            "cpu_s": round(cpu, 1),
            "docs_per_s": round(truth["documents"] / wall),
            "peak_mb": round(rss / 1024),
            **score_found(found, truth),
        }
        if not a.no_restore:
            row["restoration"] = restoration(a.dir, truth, table)
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
