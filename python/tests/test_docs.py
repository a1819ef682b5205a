"""The Python examples of README.md and docs/*.md run as written (issue 24
item 13): the ```python blocks of each file, in order, make one script (a
block with its own `if __name__ == "__main__":` is a script of its own),
run in a directory that holds the repository's files, with the `unspin`
binary on the PATH. A script that uses Spark or datatrove is run where they
are installed (CI installs them)."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT


def _documents():
    return [ROOT / "README.md"] + sorted((ROOT / "docs").glob("*.md"))


def _scripts(path: Path) -> list:
    blocks = re.findall(r"^```python\n(.*?)^```", path.read_text(encoding="utf-8"), re.S | re.M)
    main = [b for b in blocks if "__name__ == \"__main__\"" in b]
    rest = "\n".join(b for b in blocks if b not in main)
    return ([rest] if rest else []) + main


CASES = [(d, i) for d in _documents() for i, _ in enumerate(_scripts(d))]


@pytest.mark.parametrize("doc,i", CASES, ids=[f"{d.name}-{i}" for d, i in CASES])
def test_the_python_examples_run(doc, i, unspin_bin, tmp_path):
    script = _scripts(doc)[i]
    for module in ("pyspark", "datatrove"):
        if re.search(rf"^\s*(from|import) {module}\b", script, re.M) and not importlib.util.find_spec(module):
            if os.environ.get("CI") == "true":
                pytest.fail(f"{module} is not installed")
            pytest.skip(f"{module} is not installed")
    for entry in ROOT.iterdir():
        if entry.name not in ("target", ".git"):
            (tmp_path / entry.name).symlink_to(entry)
    (tmp_path / "example.py").write_text(script, encoding="utf-8")
    env = dict(os.environ, PATH=f"{Path(unspin_bin).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    r = subprocess.run(
        [sys.executable, "example.py"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=900
    )
    assert r.returncode == 0, f"{doc.name}:\n{r.stdout}\n{r.stderr}"
