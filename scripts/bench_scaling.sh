#!/usr/bin/env bash
# Time and peak memory of `unspin check` on one document of growing size,
# plain (the spun seed repeated) and repetitive (one spun form repeated), to
# show how the cost of one document grows with its size.
#
#   scripts/bench_scaling.sh [SIZES_MB...]     (default: 1 10 100)
#
# Prints: kind, size in MB, user seconds, MB/s, peak memory in MB. Builds the
# release binary first, unless UNSPIN_BIN names one. Documents are written
# under $TMPDIR and removed.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${UNSPIN_BIN:-target/release/unspin}
[ -n "${UNSPIN_BIN:-}" ] || cargo build --release --quiet
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
SIZES=("$@")
[ ${#SIZES[@]} -eq 0 ] && SIZES=(1 10 100)
printf '%-11s %8s %9s %8s %9s\n' kind MB user_s MB/s peak_MB
for mb in "${SIZES[@]}"; do
    for kind in plain repetitive; do
        f="$DIR/$kind-$mb.txt"
        python3 - "$f" "$mb" "$kind" <<'PY'
import sys
path, mb, kind = sys.argv[1], float(sys.argv[2]), sys.argv[3]
unit = (open("corpus/seeds/002_e90d1dc293122756.txt").read() + "\n" if kind == "plain"
        else "struggle final night time ")
n = int(mb * 1e6 / len(unit.encode())) + 1
with open(path, "w") as out:
    for _ in range(n):
        out.write(unit)
PY
        # --max-bytes above the document: the point is one big document.
        out=$( { /usr/bin/time -f '%U %M' "$BIN" check -q -j 1 --max-bytes 4G "$f" >/dev/null || true; } 2>&1 | tail -1 )
        user=${out% *}; kb=${out#* }
        awk -v k="$kind" -v mb="$mb" -v u="$user" -v kb="$kb" \
            'BEGIN { printf "%-11s %8s %9.2f %8.2f %9.0f\n", k, mb, u, (u > 0 ? mb / u : 0), kb / 1024 }'
        rm -f "$f"
    done
done
