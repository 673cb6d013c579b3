#!/bin/sh
# Usage: demo-prepare.sh CABO DATADIR OUTDIR
# Makes the inputs of confs/demo.click in OUTDIR from the shipped data:
#   routes4.txt, routes6.txt  the full BGP table of bart__prefixes.txt.gz as
#                             route files (PREFIX GATEWAY PORT), with a
#                             default route each
#   sr-in.pcap                ppp__tls2.pcap with a Cabo source route (hop 0)
#   flat-in.pcap              ppp__example.pcap's IPv4 packets in flat headers
#   flat-ids.txt              the flat tenant's id table (confs/flat-ids.txt)
set -e
cabo=${1:?usage: demo-prepare.sh CABO DATADIR OUTDIR}
data=${2:?usage: demo-prepare.sh CABO DATADIR OUTDIR}
out=${3:?usage: demo-prepare.sh CABO DATADIR OUTDIR}
top=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
prefixes=$data/prefixes/bart__prefixes.txt.gz
gzip -dc "$prefixes" | awk '!/:/ { print $1, (NR % 2 ? "192.0.2.1" : "192.0.2.2"), 0 }
	END { print "0.0.0.0/0 192.0.2.254 0" }' > "$out/routes4.txt"
gzip -dc "$prefixes" | awk '/:/ { print $1, 0 } END { print "::/0 0" }' > "$out/routes6.txt"
"$cabo" -q "$top/confs/srsender.click" IN="$data/pcap/ppp__tls2.pcap" OUT="$out/sr-in.pcap" HOPS=0
"$cabo" -q -e 'FromDump($IN, STOP true) -> Classifier(12/0800) -> Strip(14)
	-> FlatEncap(FROM_IP, FROM_IP, PROTO ipv4)
	-> EtherEncap(0x88B6, 02:00:00:00:00:01, 02:00:00:00:00:02) -> ToDump($OUT)' \
	IN="$data/pcap/ppp__example.pcap" OUT="$out/flat-in.pcap"
cp "$top/confs/flat-ids.txt" "$out/"
