#!/usr/bin/env bash
# Analysis throughput, peak memory and start-up of `unspin`.
#
# Usage: scripts/bench_analyze.sh        (SIZE_MB=100 by default)
#
# Builds JSON Lines corpora from the shipped texts (the spun seed 002, the
# clean seeds and the Brown press samples), whole documents repeated, into
# target/bench-analyze/ (never committed):
#   - corpus-N.jsonl, weighted so that about half of its bytes are spun text
#     (every fifth word of the spun seed is a finding), of about SIZE_MB/4 and
#     SIZE_MB, to show that memory does not grow with the input;
#   - shipped-N.jsonl, every shipped document once per cycle (about 6% of
#     the bytes spun), of about SIZE_MB;
#   - spun-N.jsonl and clean-N.jsonl, of about SIZE_MB: the spun seed alone,
#     and the clean documents alone (the two ends of the range).
# Then, on one thread:
#   - the analysis alone, in-process (`cargo bench --bench throughput`): MB/s
#     of text per second of `Unspinner::analyze`, and peak memory;
#   - `unspin check --jsonl`, end to end (reading JSON, analysing, writing
#     every finding as JSON): MB/s of input per CPU second and per wall
#     second, and peak resident memory (GNU time; `apt-get install time`);
#   - start-up: `unspin check` of an empty input, the mean of 20 runs.
# The criterion bench (`cargo bench --bench analyze`) times single documents.
# The corpus repeats a few documents; the analysis keeps nothing from one
# document to the next except a bounded memo of vocabulary lookups.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE_MB=${SIZE_MB:-100}
WORK=target/bench-analyze
BIN=${CARGO_TARGET_DIR:-target}/release/unspin
mkdir -p "$WORK"
[ -x /usr/bin/time ] || { [ "$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y -qq time >/dev/null; }
cargo build --release --quiet

make_corpus() { # $1 = MB, $2 = output, $3 = half-spun | shipped | spun | clean
    python3 - "$1" "$2" "$3" <<'PY'
import json, sys, glob
mb, out, mix = float(sys.argv[1]), sys.argv[2], sys.argv[3]
docs = [(p.split("/")[-1], open(p, encoding="utf-8").read()) for p in sorted(glob.glob("corpus/seeds/*.txt"))]
docs += [(d["id"], d["text"]) for d in map(json.loads, open("corpus/brown-press.jsonl", encoding="utf-8"))]
spun = [d for d in docs if d[0].startswith("002")]
clean = [d for d in docs if not d[0].startswith("002")]
# half-spun: the spun seed weighted so that about half of the bytes are spun.
weight = max(1, sum(len(t) for _, t in clean) // len(spun[0][1])) if mix == "half-spun" else 1
cycle = {"spun": spun, "clean": clean}.get(mix, clean + spun * weight)
written, i = 0, 0
with open(out, "w", encoding="utf-8") as f:
    while written < mb * 1e6:
        name, text = cycle[i % len(cycle)]
        line = json.dumps({"id": f"{name}#{i}", "text": text}, ensure_ascii=False) + "\n"
        f.write(line)
        written += len(line.encode())
        i += 1
print(f"{out}: {written/1e6:.1f} MB, {i} documents", file=sys.stderr)
PY
}

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for run in "corpus $((SIZE_MB / 4)) half-spun" "corpus $SIZE_MB half-spun" "shipped $SIZE_MB shipped" \
    "spun $SIZE_MB spun" "clean $SIZE_MB clean"; do
    read -r name mb mix <<<"$run"
    corpus="$WORK/$name-$mb.jsonl"
    [ -s "$corpus" ] || make_corpus "$mb" "$corpus" "$mix"
    cargo bench --quiet --bench throughput -- "$corpus" 2>/dev/null | sed 's/^/in-process: /'
    bytes=$(stat -c %s "$corpus")
    /usr/bin/time -f "%e %U %S %M" -o "$WORK/time" "$BIN" check --jsonl --threads 1 --quiet "$corpus" >/dev/null || [ $? -eq 1 ]
    read -r wall user sys rss < <(tail -n 1 "$WORK/time")
    python3 -c "
b=$bytes/1e6; cpu=$user+$sys
print(f'check --jsonl, 1 thread, {b:.0f} MB ($mix): {b/cpu:.1f} MB/s per CPU second, {b/$wall:.1f} MB/s wall, peak memory {$rss/1024:.0f} MB')"
done

start=$(date +%s%N)
for _ in $(seq 20); do "$BIN" check </dev/null >/dev/null; done
end=$(date +%s%N)
echo "start-up (check of empty input, mean of 20): $(( (end - start) / 20000000 )) ms"
