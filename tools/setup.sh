#!/bin/sh
# Usage: tools/setup.sh BUILDDIR [CONFIGURE-ARGS...]
# Installs the Debian packages Cabo needs (only those missing), bootstraps
# autotools, configures in BUILDDIR (out of tree) and builds.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
builddir=$1
shift
packages="build-essential autoconf automake libtool pkg-config libpcap-dev liblua5.4-dev libsodium-dev tcpdump graphviz clang iproute2 iputils-ping netcat-openbsd ethtool traceroute nftables"
missing=""
for p in $packages; do
	dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "Installing:$missing"
	if [ "$(id -u)" -ne 0 ]; then
		echo "cabo setup: need root to install:$missing" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y $missing >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y $missing >/dev/null; }
fi
(cd "$top" && ./autogen.sh >/dev/null 2>&1) || { echo "cabo setup: autogen.sh failed" >&2; (cd "$top" && ./autogen.sh); exit 1; }
mkdir -p "$builddir"
cd "$builddir"
# configure's own clean-up tries `rm -f core`, which is our core/ directory:
# keep that one harmless complaint out of the output.
"$top/configure" -q "$@" 2> configure.err || { cat configure.err >&2; exit 1; }
grep -v "cannot remove 'core'" configure.err >&2 || true
rm -f configure.err
make -j"$(nproc)" >/dev/null
echo "Built cabo in $builddir"
