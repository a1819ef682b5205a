#!/usr/bin/env bash
# Whether two builds of unspin give byte-identical outputs on the shipped
# mix: for a change meant to leave behaviour alone (a move of code, a speed
# change), run it with the build before and the build after.
#
# Usage: scripts/compare_outputs.sh BIN_A BIN_B
#        PY_A=venv-a/bin/python PY_B=venv-b/bin/python scripts/compare_outputs.sh BIN_A BIN_B
#
# Compared, each run once with A and once with B:
#   - `check` (text and --format json), `fix` and `diff` of every text
#     document (corpus/seeds/*.txt), and of one document over 1 MiB made
#     of them, read in windows;
#   - `check --jsonl`, `fix --jsonl` and `diff` of every JSON Lines file of
#     the mix (corpus/brown-press.jsonl, corpus/dev/seed-pairs.jsonl and
#     corpus/bench/*.jsonl; for pairs, their spun and original sides), at
#     one thread and at two, with the general lexicons too;
#   - `check --jsonl` and `fix --jsonl` of standard input;
#   - the benchmark pairs, scored by /work/shared/eval/score.py (or
#     $SCORE) on /work/shared/dev/seed-pairs.jsonl (or $PAIRS) with
#     `BIN fix --jsonl`;
#   - with PY_A and PY_B (Python interpreters where the unspin package of
#     each build is installed): the package's analyze, fix, fix_many,
#     analyze_many and their JSON records over the same documents.
# Exit status 0 when every output is the same, 1 otherwise (the first
# differing lines are shown).
set -uo pipefail

if [ $# -ne 2 ]; then
    echo "usage: $0 BIN_A BIN_B" >&2
    exit 2
fi
A=$(realpath "$1")
B=$(realpath "$2")
cd "$(dirname "$0")/.."
SCORE=${SCORE:-/work/shared/eval/score.py}
PAIRS=${PAIRS:-/work/shared/dev/seed-pairs.jsonl}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/a" "$WORK/b" "$WORK/in"

# Inputs: the pairs' sides as documents with a "text" field, and one large
# text document (seeds repeated past 1 MiB) so that windows are compared.
for f in corpus/dev/seed-pairs.jsonl corpus/bench/*.jsonl; do
    name=$(basename "$f" .jsonl)
    for side in spun original; do
        python3 - "$f" "$side" >"$WORK/in/$name.$side.jsonl" <<'PY'
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    if line.strip():
        o = json.loads(line)
        print(json.dumps({"id": o["id"], "text": o[sys.argv[2]]}, ensure_ascii=False))
PY
    done
done
cp corpus/brown-press.jsonl "$WORK/in/"
: >"$WORK/in/large.txt"
while [ "$(stat -c %s "$WORK/in/large.txt")" -lt 3000000 ]; do
    cat corpus/seeds/*.txt >>"$WORK/in/large.txt"
done

fails=0
# same NAME: compares $WORK/a/NAME with $WORK/b/NAME
same() {
    if cmp -s "$WORK/a/$1" "$WORK/b/$1"; then
        printf '  same       %-60s %9d bytes\n' "$1" "$(stat -c %s "$WORK/a/$1")"
    else
        printf '  DIFFERENT  %s\n' "$1"
        diff "$WORK/a/$1" "$WORK/b/$1" | head -5
        fails=$((fails + 1))
    fi
}
# both NAME ARGS...: runs A and B with ARGS, stdout and exit status to NAME
both() {
    local name=$1
    shift
    for side in a b; do
        local bin=$A
        [ $side = b ] && bin=$B
        (cd "$WORK/in" && "$bin" "$@" >"$WORK/$side/$name" 2>"$WORK/$side/$name.err"
            echo "exit $?" >>"$WORK/$side/$name")
    done
    same "$name"
}

echo "text documents"
SEEDS=$(ls corpus/seeds/*.txt)
for f in $SEEDS large; do
    name=$(basename "$f" .txt)
    src=$PWD/$f
    [ "$f" = large ] && src=$WORK/in/large.txt
    both "$name.check" check -q "$src"
    both "$name.check.json" check -q --format json "$src"
    both "$name.fix" fix -q "$src"
    both "$name.diff" diff "$src"
done
both seeds.dir.check check -q -j 2 "$PWD/corpus/seeds"

echo "JSON Lines"
for f in "$WORK"/in/*.jsonl; do
    name=$(basename "$f" .jsonl)
    for j in 1 2; do
        both "$name.check-j$j" check --jsonl -q -j $j "$f"
        both "$name.fix-j$j" fix --jsonl -q -j $j "$f"
    done
    both "$name.diff" diff "$f"
    both "$name.general.fix" fix --jsonl -q --tables news-spinner,general-moby,general-wordnet "$f"
done
for side in a b; do
    bin=$A
    [ $side = b ] && bin=$B
    "$bin" check --jsonl -q <"$WORK/in/brown-press.jsonl" >"$WORK/$side/stdin.check"
    "$bin" fix --jsonl -q <"$WORK/in/seed-pairs.spun.jsonl" >"$WORK/$side/stdin.fix"
done
same stdin.check
same stdin.fix

echo "benchmark pairs ($PAIRS)"
for side in a b; do
    bin=$A
    [ $side = b ] && bin=$B
    python3 "$SCORE" --pairs "$PAIRS" --cmd "$bin fix --jsonl" --json >"$WORK/$side/score.json"
done
same score.json
echo "  $(cat "$WORK/a/score.json" | head -c 300)"

if [ -n "${PY_A:-}" ] && [ -n "${PY_B:-}" ]; then
    echo "Python package"
    for side in a b; do
        py=$PY_A
        [ $side = b ] && py=$PY_B
        (cd "$WORK" && "$py" - "$WORK/in" >"$WORK/$side/python.out" <<'PY'
import glob, json, os, sys
import unspin

folder = sys.argv[1]
texts = [open(f, encoding="utf-8").read() for f in sorted(glob.glob(os.path.join(folder, "*.txt")))]
for f in sorted(glob.glob(os.path.join(folder, "*.jsonl"))):
    texts += [json.loads(line)["text"] for line in open(f, encoding="utf-8") if line.strip()]
for tables in (None, ["news-spinner", "general-moby", "general-wordnet"]):
    u = unspin.Unspinner(tables=tables)
    for t in texts[:400]:
        a = u.analyze(t)
        print(a.to_json(True))
        print(json.dumps(a.restore()))
    print(json.dumps(u.fix_many(texts)))
    for a in u.analyze_many(texts):
        print(a.to_json(False))
PY
        )
    done
    same python.out
fi

echo
if [ $fails -eq 0 ]; then
    echo "compare_outputs: every output the same"
else
    echo "compare_outputs: $fails outputs differ"
    exit 1
fi
