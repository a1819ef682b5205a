"""Shared fixtures: the repository's corpus, and the `unspin` binary that the
package is compared with.

The binary is `$UNSPIN_BIN`, else the repository's `target/release/unspin`,
else `target/debug/unspin`, else `unspin` on PATH; the tests that need it are
skipped when there is none, except under CI (`CI=true`), where they fail.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

import unspin

ROOT = Path(__file__).resolve().parents[2]


def _binary():
    candidates = [
        os.environ.get("UNSPIN_BIN"),
        ROOT / "target" / "release" / "unspin",
        ROOT / "target" / "debug" / "unspin",
        shutil.which("unspin"),
    ]
    for c in candidates:
        if c and Path(c).is_file() and os.access(c, os.X_OK):
            return str(Path(c).resolve())
    return None


@pytest.fixture(scope="session")
def unspin_bin() -> str:
    b = _binary()
    if b is None:
        if os.environ.get("CI") == "true":
            pytest.fail("no unspin binary: set UNSPIN_BIN or run cargo build --release")
        pytest.skip("no unspin binary: set UNSPIN_BIN or run cargo build --release")
    return b


@pytest.fixture(scope="session")
def u() -> unspin.Unspinner:
    return unspin.Unspinner()


def seed_records() -> list:
    """The seeds, one record each, with fields besides the text."""
    recs = []
    for i, p in enumerate(sorted((ROOT / "corpus" / "seeds").glob("*.txt"))):
        recs.append({"id": p.stem, "meta": {"n": i, "kind": "seed"}, "text": p.read_text(encoding="utf-8")})
    return recs


def dev_records() -> list:
    """Both sides of every dev pair, as records."""
    recs = []
    path = ROOT / "corpus" / "dev" / "seed-pairs.jsonl"
    for line in path.read_text(encoding="utf-8").splitlines():
        o = json.loads(line)
        for side in ("spun", "original"):
            recs.append({"id": f"{o['id']}/{side}", "text": o[side], "side": side})
    return recs


def cli_fix_jsonl(binary: str, lines: list, cwd, *args: str) -> list:
    """`unspin fix --jsonl` over the JSON lines `lines`: its output lines."""
    r = subprocess.run(
        [binary, "fix", "--jsonl", "--quiet", *args],
        input="".join(line + "\n" for line in lines).encode("utf-8"),
        capture_output=True,
        cwd=cwd,
        check=False,
    )
    assert r.returncode in (0, 1), r.stderr.decode()
    return r.stdout.decode("utf-8").splitlines()
