#!/bin/sh
# Sets everything up and runs the demo: a small teaching router that reads a
# real capture, classifies it and prints its counters.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
sh "$top/tools/setup.sh" "$top/build" >/dev/null
cd "$top"
echo "Running confs/demo.click on ${TRACE:-../shared/data/pcap/ppp__many-protocols.pcap}:"
exec "$top/build/cabo" confs/demo.click "TRACE=${TRACE:-$top/../shared/data/pcap/ppp__many-protocols.pcap}"
