#!/usr/bin/env python3
"""Import circles between the library's modules.

Reads every `crate::...` path used in the code of src/ (outside src/bin/,
comments and test modules; a name the crate root re-exports counts as a
use of the module it comes from), takes each top-level module (src/NAME.rs or
src/NAME/) as a node and each use of another module as an edge, and prints
the strongly connected components of more than one module: the circles.
Exit status 1 when there is one.

Usage: scripts/import_cycles.py [REPO] [-v]    (-v: every module's imports)
"""
import os
import re
import sys


def reexports(src):
    """The names the crate root re-exports (`pub use module::{A, B}`), by
    the module they come from."""
    names = {}
    lib = open(os.path.join(src, "lib.rs"), encoding="utf-8").read()
    for module, items in re.findall(r"pub use ([a-z_]+)::\{?([^;]*?)\}?;", lib, re.S):
        for name in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", items):
            names[name] = module
    return names


def graph(src):
    roots = reexports(src)
    mods = {}
    for dirpath, _, files in os.walk(src):
        if os.path.relpath(dirpath, src).split(os.sep)[0] == "bin":
            continue
        for f in files:
            if not f.endswith(".rs"):
                continue
            path = os.path.join(dirpath, f)
            top = os.path.relpath(path, src).split(os.sep)[0].removesuffix(".rs")
            if top == "lib":
                continue
            code = open(path, encoding="utf-8").read()
            cut = code.find("#[cfg(test)]\nmod tests")
            if cut >= 0:
                code = code[:cut]
            code = "\n".join(l for l in code.split("\n") if not l.lstrip().startswith("//"))
            deps = set(re.findall(r"crate::([a-z_]+)", code))
            used = re.findall(r"crate::([A-Z][A-Za-z0-9_]*)", code)
            for group in re.findall(r"crate::\{([^}]*)\}", code):
                deps |= set(re.findall(r"(?:^|,)\s*([a-z_]+)", group))
                used += re.findall(r"(?:^|,)\s*([A-Z][A-Za-z0-9_]*)", group)
            deps |= {roots[n] for n in used if n in roots}
            mods.setdefault(top, set()).update(d for d in deps if d != top)
    return {m: {d for d in ds if d in mods} for m, ds in mods.items()}


def circles(g):
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(g[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(g):
        if v not in index:
            visit(v)
    return out


def main():
    args = [a for a in sys.argv[1:] if a != "-v"]
    repo = args[0] if args else os.path.join(os.path.dirname(__file__), "..")
    g = graph(os.path.join(repo, "src"))
    if "-v" in sys.argv:
        for m in sorted(g):
            print(f"{m} -> {', '.join(sorted(g[m]))}")
    found = circles(g)
    print(f"{len(g)} modules; import circles: {found if found else 'none'}")
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
