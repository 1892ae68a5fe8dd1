#!/usr/bin/env bash
# Compares two gapbench binaries on a shared, noisy machine: runs them at the same time, one
# pinned to each of the first two cores, then swapped, ROUNDS times, and prints each run's
# p50 / p99 and the means. Sequential runs minutes apart can differ by more than a change does;
# two runs at once see the same machine.
#
# Usage: Tools/side-by-side.sh BEFORE AFTER CORPUS QUERIES [SEGMENT_DIR] [ROUNDS] [REPEAT] [OPTION...]
#   BEFORE, AFTER  gapbench executables (e.g. copies of .build/release/gapbench at two commits)
#   CORPUS         a gapcorpus corpus (JSON lines)
#   QUERIES        a gapcorpus query file
#   SEGMENT_DIR    where to keep the built segment between runs (default: a temporary directory;
#                  both binaries must read the same segment format)
#   ROUNDS         pairs of runs (default 2, i.e. 4 runs of each binary)
#   REPEAT         passes over the query set per run (default 1)
#   OPTION...      further gapbench options for both (e.g. --age-days 1095; give the three
#                  above first)
set -euo pipefail

if [[ $# -lt 4 ]]; then
    sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
fi
before=$1 after=$2 corpus=$3 queries=$4
segments=${5:-}
rounds=${6:-2}
repeat=${7:-1}
options=("${@:8}")
for binary in "$before" "$after"; do
    [[ -x $binary ]] || { echo "side-by-side: $binary is not an executable" >&2; exit 2; }
done
for file in "$corpus" "$queries"; do
    [[ -r $file ]] || { echo "side-by-side: cannot read $file" >&2; exit 2; }
done
command -v taskset > /dev/null || { echo "side-by-side: taskset (util-linux) is needed" >&2; exit 2; }
[[ $(nproc) -ge 2 ]] || { echo "side-by-side: needs two cores" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
segments=${segments:-$work}
mkdir -p "$segments"
segment="$segments/$(basename "$corpus").segment"

# One run: prints "p50 p99" in milliseconds.
run() {
    local binary=$1 core=$2
    taskset -c "$core" "$binary" --corpus "$corpus" --queries "$queries" --table --repeat "$repeat" \
        --segment-cache "$segment" "${options[@]}" | awk '/^latency/ { print $4, $8 }'
}

# Build the segment once, before any timed run.
"$before" --corpus "$corpus" --queries "$queries" --table --warmup 0 --segment-cache "$segment" "${options[@]}" > /dev/null

for ((round = 1; round <= rounds; round++)); do
    for cores in "0 1" "1 0"; do
        read -r first second <<< "$cores"
        run "$before" "$first" > "$work/before" &
        run "$after" "$second" > "$work/after" &
        wait
        for name in before after; do
            read -r p50 p99 < "$work/$name"
            echo "$name $p50 $p99" >> "$work/all"
            printf '%-6s p50 %8.3f ms  p99 %8.3f ms\n' "$name" "$p50" "$p99"
        done
    done
done
awk '{ p50[$1] += $2; p99[$1] += $3; n[$1]++ }
     END { for (name in n) printf "mean %-6s p50 %8.3f ms  p99 %8.3f ms  (%d runs)\n", name, p50[name] / n[name], p99[name] / n[name], n[name] }' \
    "$work/all" | sort -k2
