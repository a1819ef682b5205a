#!/usr/bin/env bash
# Throughput and memory of batch runs: `unspin check --jsonl` and
# `unspin fix --jsonl` over a large JSON Lines corpus at 1 and 2 threads,
# peak memory at two input sizes, and `typos` over the same bytes as a
# reference point.
#
# Usage: scripts/bench_batch.sh            (SIZE_MB=200 SMALL_MB=50 by default)
#        SIZE_MB=400 scripts/bench_batch.sh
#
# The corpus is built from the shipped texts (corpus/seeds/*.txt and the
# spun and original sides of corpus/dev/seed-pairs.jsonl), paragraphs
# repeated and shuffled with a fixed seed, into target/bench-batch/ (never
# committed). Needs:
#   - /usr/bin/time (GNU time) for peak memory: `apt-get install -y time`
#     when it is missing (done here when run as root);
#   - typos (crates.io `typos-cli`): installed into target/tools/ with
#     `cargo install typos-cli --root target/tools` when not on PATH;
#   - python3 to build the corpus.
# Targets: 2 threads >= 1.8x one thread; peak memory under 300 MB and flat
# as the input grows. Figures depend on the load of the machine: the load
# average is printed first, and CPU seconds beside wall seconds.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
SIZE_MB=${SIZE_MB:-200}
SMALL_MB=${SMALL_MB:-50}
WORK=$ROOT/target/bench-batch
TOOLS=$ROOT/target/tools
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
BIN=$TARGET_DIR/release/unspin
mkdir -p "$WORK"

if [ ! -x /usr/bin/time ]; then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && apt-get install -y -qq time >/dev/null
    else
        echo "bench_batch: /usr/bin/time is missing: apt-get install time" >&2
        exit 2
    fi
fi

TYPOS=$(command -v typos || true)
if [ -z "$TYPOS" ]; then
    if [ ! -x "$TOOLS/bin/typos" ]; then
        echo "bench_batch: installing typos-cli into $TOOLS" >&2
        cargo install --quiet --locked typos-cli --root "$TOOLS"
    fi
    TYPOS=$TOOLS/bin/typos
fi

cargo build --release --quiet

# corpus MB -> target/bench-batch/corpus-MB.jsonl, one object a line with
# "id", "meta" and "text" (1 to 6 paragraphs).
corpus() {
    local mb=$1 out=$WORK/corpus-$1.jsonl
    if [ ! -s "$out" ]; then
        python3 - "$mb" "$out" <<'PY'
import glob, json, random, sys
mb, out = int(sys.argv[1]), sys.argv[2]
paras = []
for f in sorted(glob.glob("corpus/seeds/*.txt")):
    paras += [p.strip() for p in open(f, encoding="utf-8").read().split("\n\n") if p.strip()]
for line in open("corpus/dev/seed-pairs.jsonl", encoding="utf-8"):
    o = json.loads(line)
    paras += [o["spun"], o["original"]]
rng = random.Random(4)
limit, size, n = mb * 1_000_000, 0, 0
with open(out + ".part", "w", encoding="utf-8") as f:
    while size < limit:
        text = "\n\n".join(rng.choice(paras) for _ in range(rng.randint(1, 6)))
        line = json.dumps({"id": n, "meta": {"shard": n % 16}, "text": text}, ensure_ascii=False) + "\n"
        f.write(line)
        size += len(line.encode())
        n += 1
import os
os.replace(out + ".part", out)
PY
    fi
    echo "$out"
}

# measure LABEL CMD... -> "LABEL wall_s cpu_s peak_MB" (stdout of CMD discarded)
measure() {
    local label=$1
    shift
    local log=$WORK/time.log
    /usr/bin/time -v -o "$log" "$@" >/dev/null 2>"$WORK/stderr.log" || true
    local wall cpu rss
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$log")
    cpu=$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {print u+s}' "$log")
    rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$log")
    echo "$label $wall $cpu $rss"
}

BIG=$(corpus "$SIZE_MB")
SMALL=$(corpus "$SMALL_MB")
BIG_BYTES=$(stat -c %s "$BIG")
SMALL_BYTES=$(stat -c %s "$SMALL")

# How much CPU the machine gives busy threads now: on a shared or loaded
# machine the speed-up below is bounded by this, not by unspin.
spin() { /usr/bin/time -f %U -o "$WORK/spin.$1" timeout 3 sh -c 'while :; do :; done' || true; }
spin a
ONE=$(tail -n1 "$WORK/spin.a" | awk '{printf "%.2f", $1 / 3}')
spin a & spin b & wait
TWO=$(for f in a b; do tail -n1 "$WORK/spin.$f"; done | awk '{s += $1} END {printf "%.2f", s / 3}')
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg);" \
    "a busy thread gets $ONE of a core, two get $TWO cores"
if grep -q 'model_stub' src/lib.rs; then
    echo "language model: the temporary stand-in (src/model_stub.rs)"
else
    echo "language model: the shipped model (model/*.bin)"
fi
echo "corpus: $BIG ($((BIG_BYTES / 1000000)) MB), $SMALL ($((SMALL_BYTES / 1000000)) MB)"
echo
printf '%-26s %9s %9s %9s %9s\n' run wall_s cpu_s MB/s peak_MB
row() { # label wall cpu rss bytes
    awk -v l="$1" -v w="$2" -v c="$3" -v r="$4" -v b="$5" \
        'BEGIN {printf "%-26s %9.1f %9.1f %9.2f %9d\n", l, w, c, b / 1e6 / w, r}'
}
declare -A WALL
for cmd in check fix; do
    for t in 1 2; do
        read -r label wall cpu rss < <(measure "$cmd-j$t" "$BIN" "$cmd" --jsonl --quiet --threads "$t" "$BIG")
        WALL[$cmd-$t]=$wall
        row "$cmd --jsonl -j$t ${SIZE_MB}MB" "$wall" "$cpu" "$rss" "$BIG_BYTES"
    done
done
read -r label wall cpu rss < <(measure small "$BIN" check --jsonl --quiet --threads 2 "$SMALL")
row "check --jsonl -j2 ${SMALL_MB}MB" "$wall" "$cpu" "$rss" "$SMALL_BYTES"
SMALL_RSS=$rss
read -r label wall cpu rss < <(measure typos "$TYPOS" --format brief "$BIG")
row "typos ${SIZE_MB}MB" "$wall" "$cpu" "$rss" "$BIG_BYTES"
echo
for cmd in check fix; do
    awk -v c="$cmd" -v a="${WALL[$cmd-1]}" -v b="${WALL[$cmd-2]}" \
        'BEGIN {printf "%s speed-up, 2 threads over 1: %.2fx (target >= 1.8x)\n", c, a / b}'
done
echo "peak memory, check -j2: ${SMALL_RSS} MB at ${SMALL_MB} MB in, see above at ${SIZE_MB} MB in (target < 300 MB, flat)"
