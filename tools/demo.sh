#!/bin/sh
# Sets everything up and runs the demo: one Cabo router hosting three
# tenants (an IPv4/IPv6 router with a full BGP table, a source-routing node
# and a flat-address node) as virtual nodes with CPU weights 3:2:1, sharing
# one emulated uplink served 3:2:1 (confs/demo.click).  Writes the captures,
# the accounting and the graph into demo-out/.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
sh "$top/tools/setup.sh" "$top/build" >/dev/null
data=${CABO_DATA:-$top/../shared/data}
out=$top/demo-out
cabo=$top/build/cabo
echo "Preparing the tenants' inputs in demo-out/ (route files from the full BGP table, traces)..."
sh "$top/tools/demo-prepare.sh" "$cabo" "$data" "$out"
cd "$out"
echo "Running confs/demo.click on simulated time:"
echo
"$cabo" --simtime --stats "$top/confs/demo.click" LPM_IN="$data/pcap/ppp__many-protocols.pcap" \
	SR_IN=sr-in.pcap FLAT_IN=flat-in.pcap OUT=. | tee stats.txt | sed '/^element /,$d'
"$cabo" --simtime --stats-format prometheus "$top/confs/demo.click" \
	LPM_IN="$data/pcap/ppp__many-protocols.pcap" SR_IN=sr-in.pcap FLAT_IN=flat-in.pcap OUT=. \
	| grep -v '^uplink\|^  ' > stats.prom
"$cabo" --dot "$top/confs/demo.click" > demo.dot
if command -v dot >/dev/null 2>&1; then dot -Tsvg demo.dot > demo.svg; fi
echo
echo "Wrote demo-out/: link.pcap lpm.pcap sr.pcap flat.pcap (read them with tcpdump -nn -r),"
echo "stats.txt (per-element table too), stats.prom (Prometheus), demo.dot$( [ -f demo.svg ] && echo ' demo.svg')."
