"""One Unspinner shared by Python threads: the analysis releases the GIL."""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

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


def _os_threads() -> int:
    """The OS threads of this process (Linux)."""
    return len(os.listdir("/proc/self/task"))


@pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="counts threads in /proc")
def test_threads_are_capped_as_the_cli_caps_j(u):
    # Issue 24 item 9: threads=100000 started 32,000 OS threads for 10 texts.
    texts = ["We took motion final night time."] * 10
    cap = 4 * (os.cpu_count() or 1)
    before = _os_threads()
    assert u.fix_many(texts, threads=cap + 50) == [u.fix(t) for t in texts]
    assert u.analyze_many(texts, threads=100_000)[0].score == u.analyze(texts[0]).score
    assert _os_threads() - before <= cap
