#!/bin/sh
# Usage: run.sh CABO [BENCH.click...]
# Runs each benchmark configuration RUNS times (default 5) and prints the
# median packet rate.  Each .click file says what it measures:
#   // bench: NAME
#   // count: ELEMENT.HANDLER   (packets really delivered, read after the run)
#   // reference: TEXT          (peer rates quoted in the issue, for comparison)
# Rates are whole-process (startup included), so runs last a second or more.
cabo=${1:?usage: run.sh CABO [BENCH.click...]}
shift
here=$(cd "$(dirname "$0")" && pwd)
runs=${RUNS:-5}
[ $# -gt 0 ] || set -- "$here"/*.click
commit=$(cd "$here" && git rev-parse --short HEAD 2>/dev/null || echo unknown)
echo "Cabo benchmarks: commit $commit, $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), median of $runs runs"
printf '%-58s %10s %12s  %s\n' benchmark Mpps packets reference
datadir=${CABO_DATA:-$here/../../../shared/data}
trace=${BENCH_TRACE:-/tmp/cabo-bench-2m.pcap}
if [ ! -s "$trace" ]; then
	"$(dirname "$cabo")/cabo-gentrace" -n 2000000 -s 64-128 -o "$trace" || exit 1
fi
for conf in "$@"; do
	name=$(sed -n 's|^// bench: ||p' "$conf")
	count=$(sed -n 's|^// count: ||p' "$conf")
	ref=$(sed -n 's|^// reference: ||p' "$conf")
	rates=""
	packets=0
	for i in $(seq "$runs"); do
		start=$(date +%s%N)
		packets=$("$cabo" -q -h "$count" "$conf" TRACE="$trace" DATA="$datadir") || { echo "$name: run failed"; continue 2; }
		end=$(date +%s%N)
		rates="$rates $(echo "$packets $start $end" | awk '{ printf "%.2f", $1 / (($3 - $2) / 1000.0) }')"
	done
	median=$(echo $rates | tr ' ' '\n' | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
	printf '%-58s %10s %12s  %s\n' "$name" "$median" "$packets" "$ref"
done
# Route lookup engines on the full Internet table (built by make bench).
lpm="$(dirname "$cabo")/tests/bench/lpm"
if [ -x "$lpm" ]; then "$lpm" "$datadir/prefixes/bart__prefixes.txt.gz"; fi
if [ -x "${lpm}6" ]; then CABO_DATA="$datadir" "${lpm}6"; fi
# Flat-id tables of 1M and 10M ids (built by make bench).
flat="$(dirname "$cabo")/tests/bench/flat"
if [ -x "$flat" ]; then "$flat"; fi
# Virtual nodes: per-node overhead, memory, scheduler, shares, threads.
sh "$here/vnodes.sh" "$cabo"
