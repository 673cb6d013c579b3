#!/bin/sh
# Usage: vnodes.sh CABO
# Virtual-node benchmarks (make bench): per-node overhead, memory, scheduler
# cost, CPU-share accuracy and thread scaling.  Configurations are generated
# in a temporary directory; every case runs RUNS times (default 3) and the
# table shows medians.
#
# Rates are measured inside the run, not over the whole process: after a
# warm-up of WARM seconds (default 0.3), a Script reads a packet counter and
# the clock, waits WINDOW seconds (default 0.5) and reads them again, so
# start-up (parsing 1000 nodes) is left out.  Where every node counts its own
# packets, each node's Script prints its own window and the rates are added
# up.  Packets are 64-byte UDP/IPv4 frames; the tenant pipeline is
#   Strip(14) -> CheckIPHeader -> Unstrip(14)
# as in tests/bench/checkip.click.  Everything runs on one worker thread
# except in part 5.  The machine's other load shows in every figure (the
# header line's core count and a quiet machine are what make runs
# comparable): compare runs made in one sitting.
cabo=${1:?usage: vnodes.sh CABO}
here=$(cd "$(dirname "$0")" && pwd)
runs=${RUNS:-3}
warm=${WARM:-0.3}
window=${WINDOW:-0.5}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cabo-vnodes.XXXXXX") || exit 1
spin="" pin=""
trap 'if [ -n "$spin" ]; then kill "$spin" 2>/dev/null; fi; rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
vsched="$(dirname "$cabo")/tests/bench/vsched"

data='DATA \<00 11 22 33 44 55 00 66 77 88 99 aa 08 00 45 00 00 32 00 00 40 00 40 11 26 b9 0a 00 00 01 0a 00 00 02 04 00 04 01 00 1e 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00>'
src="InfiniteSource($data, BURST 32, TIMESTAMP false)"
pipe='Strip(14) -> CheckIPHeader -> Unstrip(14)'
# One tenant stage that costs about as much again as the whole base pipeline
# (the header is pushed and checked again); 10 of them make a pipeline
# about 10x as expensive per packet (the run prints the real ratio).
stage='EtherEncap(0x0800, 1:1:1:1:1:1, 2:2:2:2:2:2) -> Strip(14) -> CheckIPHeader'
# The measuring window, as Script instructions: prints "PACKETS SECONDS".
window_insns() {  # COUNT_HANDLER
	echo "wait ${warm}s, set c0 \$($1), set t0 \$(now), wait ${window}s, print \"\$(sub \$($1) \$c0) \$(sub \$(now) \$t0)\""
}
host_stop=$(awk -v w="$warm" -v d="$window" 'BEGIN { print w + d + 0.25 }')

commit=$(cd "$here" && git rev-parse --short HEAD 2>/dev/null || echo unknown)
echo "Cabo virtual-node benchmarks: commit $commit, $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), median of $runs runs, ${window}s windows after ${warm}s warm-up"

# ---- Helpers

median() {
	echo "$@" | tr ' ' '\n' | grep -v '^$' | sort -g |
		awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print "n/a" }'
}

# rate LINES CONF [CABO OPTIONS]: runs CONF once; its output is LINES lines of
# "PACKETS SECONDS"; prints the aggregate rate in Mpps (sum of the lines'
# rates), or "fail".
rate() {
	lines=$1 conf=$2
	shift 2
	if ! "$cabo" -q "$@" "$conf" > "$tmp/out" 2> "$tmp/err"; then
		echo fail; sed 's/^/  /' "$tmp/err" | head -5 >&2; return
	fi
	awk -v want="$lines" 'NF == 2 && $2 > 0 { r += $1 / $2; n++ }
		END { if (n == want) printf "%.2f\n", r / 1e6; else print "fail" }' "$tmp/out"
}

# median_rate LINES CONF [OPTIONS]
median_rate() {
	v=""
	for i in $(seq "$runs"); do v="$v $(rate "$@")"; done
	median $v
}

ratio() {  # A B: A / B
	awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.3f", a / b; else print "n/a" }'
}

# ---- Configurations

# Host-fed: one host source, RoundRobinSwitch spreads packets over N nodes
# (a batch of 32 becomes N batches of 32/N), the nodes send them back to a
# host Counter.
gen_host_rr() {  # N FILE
	awk -v n="$1" -v src="$src" -v pipe="$pipe" -v win="$(window_insns c.count)" 'BEGIN {
		print src " -> rr :: RoundRobinSwitch;"
		print "c :: Counter -> Discard;"
		for (i = 0; i < n; i++)
			printf "rr[%d] -> n%d :: VirtualNode(CONFIG { input -> %s -> output }) -> c;\n", i, i, pipe
		print "Script(" win ", stop);"
	}' > "$2"
}

# Host-fed, batches kept: one host source per node (whole batches of 32 per
# node), back to one host Counter.
gen_host_src() {  # N FILE
	awk -v n="$1" -v src="$src" -v pipe="$pipe" -v win="$(window_insns c.count)" 'BEGIN {
		print "c :: Counter -> Discard;"
		for (i = 0; i < n; i++)
			printf "%s -> n%d :: VirtualNode(CONFIG { input -> %s -> output }) -> c;\n", src, i, pipe
		print "Script(" win ", stop);"
	}' > "$2"
}

# Self-sourcing: each node runs its own source and counts in its own
# pipeline, no interfaces; each node's Script prints its own window, the
# host's stops the run after them.
gen_self() {  # N FILE
	awk -v n="$1" -v src="$src" -v pipe="$pipe" -v win="$(window_insns c.count)" \
	    -v stop="$host_stop" 'BEGIN {
		for (i = 0; i < n; i++)
			printf "n%d :: VirtualNode(CONFIG { %s -> %s -> c :: Counter -> Discard; Script(%s) });\n",
				i, src, pipe, win
		print "Script(wait " stop "s, stop);"
	}' > "$2"
}

# ---- 1. Aggregate throughput against the number of nodes

echo
echo "1. Aggregate Mpps of N virtual nodes, each running $pipe"
echo "   host-rr:  host InfiniteSource(BURST 32) -> RoundRobinSwitch -> N nodes -> host Counter"
echo "   host-src: one host InfiniteSource(BURST 32) per node -> node -> host Counter (whole batches)"
echo "   self:     each node: InfiniteSource(BURST 32) -> pipeline -> Counter -> Discard, no interfaces"
echo "$src -> $pipe -> c :: Counter -> Discard; Script($(window_insns c.count), stop);" > "$tmp/base.click"
base=$(median_rate 1 "$tmp/base.click")
echo "   baseline, same pipeline in the host, no virtual node: $base Mpps"
printf '   %-6s %12s %12s %12s\n' nodes host-rr_Mpps host-src_Mpps self_Mpps
for n in 1 10 100 1000; do
	gen_host_rr $n "$tmp/rr$n.click"
	gen_host_src $n "$tmp/hs$n.click"
	gen_self $n "$tmp/self$n.click"
	rr=$(median_rate 1 "$tmp/rr$n.click")
	hs=$(median_rate 1 "$tmp/hs$n.click")
	se=$(median_rate $n "$tmp/self$n.click")
	eval "rr$n=\$rr hs$n=\$hs se$n=\$se"
	printf '   %-6s %12s %12s %12s\n' $n "$rr" "$hs" "$se"
done
printf '   %-6s %12s %12s %12s   (target >= 0.90)\n' 1000/1 "$(ratio "$rr1000" "$rr1")" \
	"$(ratio "$hs1000" "$hs1")" "$(ratio "$se1000" "$se1")"

# ---- 2. Memory per idle node

# vmrss CONF: VmRSS (kB) once the Script has written $tmp/ready.
vmrss() {
	rm -f "$tmp/ready"
	"$cabo" -q "$1" > /dev/null 2>&1 &
	pid=$!
	for i in $(seq 200); do
		[ -e "$tmp/ready" ] && break
		sleep 0.02
	done
	kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
	wait $pid
	echo "${kb:-0}"
}
median_vmrss() {
	v=""
	for i in $(seq "$runs"); do v="$v $(vmrss "$1")"; done
	median $v
}
ready="Script(wait ${warm}s, print >$tmp/ready \"ok\", wait 0.1s, stop);"
echo "Idle -> Discard; $ready" > "$tmp/mem0.click"
awk -v ready="$ready" 'BEGIN {
	for (i = 0; i < 1000; i++)
		printf "Idle -> n%d :: VirtualNode(CONFIG { input -> Counter -> output }) -> Discard;\n", i
	print ready
}' > "$tmp/memidle.click"
awk -v ready="$ready" -v src="$src" -v pipe="$pipe" 'BEGIN {
	for (i = 0; i < 1000; i++)
		printf "n%d :: VirtualNode(CONFIG { %s -> %s -> Discard });\n", i, src, pipe
	print ready
}' > "$tmp/membusy.click"
awk -v ready="$ready" -v src="$src" -v pipe="$pipe" 'BEGIN {
	print "c :: Counter -> Discard;"
	for (i = 0; i < 1000; i++)
		printf "%s -> n%d :: VirtualNode(CONFIG { input -> %s -> output }) -> c;\n", src, i, pipe
	print ready
}' > "$tmp/memfed.click"
m0=$(median_vmrss "$tmp/mem0.click")
mi=$(median_vmrss "$tmp/memidle.click")
mb=$(median_vmrss "$tmp/membusy.click")
mf=$(median_vmrss "$tmp/memfed.click")
echo
echo "2. Memory per virtual node: (VmRSS with 1000 nodes - VmRSS with none) / 1000, from /proc/PID/status while running"
echo "   host alone: $m0 kB"
awk -v a="$mi" -v b="$m0" 'BEGIN { printf "   idle node (Idle -> input -> Counter -> output -> Discard): %.1f kB/node\n", (a - b) / 1000 }'
awk -v a="$mb" -v b="$m0" 'BEGIN { printf "   busy node, own source (clones, no copies), after warm-up:    %.1f kB/node\n", (a - b) / 1000 }'
awk -v a="$mf" -v b="$m0" 'BEGIN { printf "   busy node fed by a host source (packets queued at its door): %.1f kB/node\n", (a - b) / 1000 }'

# ---- 3. Scheduler overhead per task switch

echo
echo "3. Scheduler overhead per task switch"
if [ -x "$vsched" ]; then
	"$vsched" | sed 's/^/   /'
fi
echo "   In cabo: N nodes, each InfiniteSource(LENGTH 64, BURST 1) -> Discard (one packet per task run);"
echo "   ns per task run = window / task runs, all nodes added up"
printf '   %-6s %12s %14s\n' nodes Mruns/s ns/task_run
for n in 1 10 100 1000; do
	awk -v n="$n" -v win="$(window_insns s.count)" -v stop="$host_stop" 'BEGIN {
		for (i = 0; i < n; i++)
			printf "n%d :: VirtualNode(CONFIG { s :: InfiniteSource(LENGTH 64, BURST 1, TIMESTAMP false) -> Discard; Script(%s) });\n", i, win
		print "Script(wait " stop "s, stop);"
	}' > "$tmp/sched$n.click"
	r=$(median_rate $n "$tmp/sched$n.click")
	printf '   %-6s %12s %14s\n' $n "$r" "$(awk -v r="$r" 'BEGIN { if (r + 0 > 0) printf "%.1f", 1000 / r; else print "n/a" }')"
done

# ---- 4. CPU share error

# shares CONF: runs it with --stats; prints "CPU_ERR PKT_ERR COST_RATIO":
# the largest |share - configured share| of nodes a, b, c (weights 1:2:3) in
# percentage points, by the CPU time --stats reports and by packets, and the
# cost per packet of a over b.
shares() {
	if [ -n "$pin" ]; then
		taskset -c "$pin" "$cabo" -q --stats "$1" > "$tmp/stats" 2> /dev/null
	else
		"$cabo" -q --stats "$1" > "$tmp/stats" 2> /dev/null
	fi || { echo "fail fail fail"; return; }
	awk '$1 ~ /^(a|b|c)$/ && NF >= 10 { cpu[$1] = $10 }
	     $1 ~ /^(a|b|c)\/c$/ && $2 == "Counter" { split($1, p, "/"); pk[p[1]] = $3 }
	     END {
		want["a"] = 1 / 6; want["b"] = 2 / 6; want["c"] = 3 / 6
		for (t in want) { ct += cpu[t]; pt += pk[t] }
		if (ct <= 0 || pt <= 0 || pk["a"] <= 0 || pk["b"] <= 0) { print "fail fail fail"; exit }
		for (t in want) {
			d = cpu[t] / ct - want[t]; if (d < 0) d = -d; if (d > ce) ce = d
			d = pk[t] / pt - want[t]; if (d < 0) d = -d; if (d > pe) pe = d
		}
		printf "%.2f %.2f %.2f\n", ce * 100, pe * 100, (cpu["a"] / pk["a"]) / (cpu["b"] / pk["b"])
	     }' "$tmp/stats"
}
share_case() {  # LABEL CONF [n/a: packets are no measure of work here]
	ce="" pe="" cr=""
	for i in $(seq "$runs"); do
		set -- "$1" "$2" "${3:-}" $(shares "$2")
		ce="$ce $4" pe="$pe $5" cr="$cr $6"
	done
	printf '   %-38s %12s %12s %10s\n' "$1" "$(median $ce)" "${3:-$(median $pe)}" "$(median $cr)"
}
expensive="Strip(14) -> CheckIPHeader"
for i in $(seq 10); do expensive="$expensive -> $stage"; done
expensive="$expensive -> Unstrip(14)"
gen_shares() {  # FILE PIPELINE-OF-a
	{
		echo "a :: VirtualNode(CONFIG { $src -> $2 -> c :: Counter -> Discard }, WEIGHT 1);"
		echo "b :: VirtualNode(CONFIG { $src -> $pipe -> c :: Counter -> Discard }, WEIGHT 2);"
		echo "c :: VirtualNode(CONFIG { $src -> $pipe -> c :: Counter -> Discard }, WEIGHT 3);"
		echo "Script(wait 1s, stop);"
	} > "$1"
}
gen_shares "$tmp/share-eq.click" "$pipe"
gen_shares "$tmp/share-10x.click" "$expensive"
echo
echo "4. CPU share error: 3 saturating nodes a:b:c with weights 1:2:3 for 1 s (target <= 2 points)"
echo "   max |measured - configured share| in percentage points; by cpu_ms of cabo --stats, and by packets"
echo "   (packets measure the work share independently of cabo's accounting, when the pipelines cost the same);"
echo "   cost = a's CPU per packet / b's, by --stats"
printf '   %-38s %12s %12s %10s\n' case cpu_err_pts pkt_err_pts cost_a/b
share_case "equal pipelines" "$tmp/share-eq.click"
share_case "a 10x more expensive per packet" "$tmp/share-10x.click" n/a
# The same on a CPU that another busy process shares (as on a loaded host):
# a node is charged the cycles during which the kernel ran the other process.
if command -v taskset > /dev/null 2>&1; then
	pin=$(($(nproc) - 1))
	taskset -c "$pin" sh -c 'while :; do :; done' &
	spin=$!
	share_case "equal, CPU shared with a busy process" "$tmp/share-eq.click"
	kill "$spin"
	wait "$spin" 2> /dev/null
	spin="" pin=""
fi

# ---- 5. Worker threads

echo
echo "5. Scaling from 1 to 2 worker threads (cabo --threads N; default placement by weight)"
gen_self 2 "$tmp/thr-self.click"
gen_host_rr 2 "$tmp/thr-rr.click"
printf '   %-44s %12s %12s %8s\n' case 1_thread_Mpps 2_thread_Mpps ratio
for c in self rr; do
	case $c in
	self) label="2 self-sourcing nodes"; lines=2 ;;
	rr) label="host source -> RoundRobinSwitch -> 2 nodes"; lines=1 ;;
	esac
	t1=$(median_rate $lines "$tmp/thr-$c.click" --threads 1)
	t2=$(median_rate $lines "$tmp/thr-$c.click" --threads 2)
	printf '   %-44s %12s %12s %8s\n' "$label" "$t1" "$t2" "$(ratio "$t2" "$t1")"
done
