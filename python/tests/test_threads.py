"""One Unspinner shared by Python threads: the analysis releases the GIL."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from conftest import seed_records


def test_eight_threads_on_one_unspinner_get_the_single_thread_results(u):
    texts = [r["text"] for r in seed_records()]
    texts += ["We took motion final night time.", "He mentioned it is one in all the largest."]
    expected = [u.fix(t) for t in texts]
    scores = [u.analyze(t).score for t in texts]
    barrier = threading.Barrier(8)

    def work(k):
        barrier.wait()
        out = []
        for i in range(len(texts)):
            j = (i + k) % len(texts)
            out.append((j, u.fix(texts[j]), u.analyze(texts[j]).score))
        out.append((-1, u.fix_many(texts, threads=2), None))
        return out

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(work, range(8)))
    for out in results:
        for j, fixed, score in out:
            if j == -1:
                assert fixed == expected
            else:
                assert fixed == expected[j] and score == scores[j]


def test_the_gil_is_released_while_analysing(u):
    # A Python thread keeps counting while another analyses a long text.
    long = " ".join(r["text"] for r in seed_records()) * 4
    ticks = 0
    done = threading.Event()

    def count():
        nonlocal ticks
        while not done.is_set():
            ticks += 1

    t = threading.Thread(target=count)
    t.start()
    before = ticks
    u.fix_many([long] * 4, threads=2)
    during = ticks - before
    done.set()
    t.join()
    assert during > 1000
