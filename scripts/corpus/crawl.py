#!/usr/bin/env python3
"""Builds corpus/crawl/, the small crawl of `docs/mining.md` (`unspin learn --corpus`).

A data team's crawl in miniature: a directory of wire stories as text files and a scraper
site's pages as JSON Lines. From the Brown press section (corpus/brown-press.jsonl; the
even-numbered documents, the tuning half) and the synthetic spinners of
scripts/corpus/spin.py, as scripts/bench_mine.py builds its crawls:

  wire/brown-caNN.txt   six clean stories: ca02, ca04, ca06, ca08, ca10, ca12;
  scraper.jsonl         the scraper's pages, {"id","text"} a line:
    spun copies of ca02 (the seed spinner's way), ca04 (the second spinner's way) and ca08
    (Moby's sets, quotes kept); two copies of ca06 by two spinners; a mirror of the ca02
    copy (an exact duplicate); a spun copy of ca14, whose original is not in the crawl; and
    another outlet's report of ca10 (its quotes and a fifth of its sentences, the rest from
    other stories): clean, not a copy.

Deterministic. Usage (from the repository root): python3 scripts/corpus/crawl.py
"""
import json
import os
import random
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
sys.path.insert(0, os.path.join(ROOT, "scripts", "corpus"))
import bench_mine as bm  # noqa: E402

OUT = os.path.join(ROOT, "corpus", "crawl")


def main():
    docs = dict(bm.spin.documents([bm.bg.BROWN], "even"))
    spinners = bm.Spinners("/tmp/bench-mine/spinners.pickle" if os.path.isdir("/tmp/bench-mine") else None)
    rng = random.Random(23)
    os.makedirs(os.path.join(OUT, "wire"), exist_ok=True)
    for n in ("02", "04", "06", "08", "10", "12"):
        with open(os.path.join(OUT, "wire", f"brown-ca{n}.txt"), "w", encoding="utf-8") as f:
            f.write(docs[f"brown-ca{n}"].strip() + "\n")
    pages = []

    def spun(n, name):
        return spinners.spin(name, docs[f"brown-ca{n}"].strip() + "\n", rng)

    ca02 = spun("02", "seed")
    pages += [("scraper/2024/ca02", ca02), ("scraper/2024/ca04", spun("04", "second")),
              ("scraper/2024/ca06", spun("06", "seed")), ("mirror/ca06", spun("06", "moby")),
              ("scraper/2024/ca08", spun("08", "moby")), ("mirror/ca02", ca02),
              ("scraper/2024/ca14", spun("14", "second"))]
    others = [s for k, t in docs.items() if k not in ("brown-ca10",) for s in bm.sentences(t)]
    pages.append(("outlet/ca10", bm.outlet(rng, docs["brown-ca10"].strip(), others) + "\n"))
    rng.shuffle(pages)
    with open(os.path.join(OUT, "scraper.jsonl"), "w", encoding="utf-8") as f:
        for page_id, text in pages:
            f.write(json.dumps({"id": page_id, "text": text}, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
