#!/bin/sh
# Regenerates the element source list and the autotools files.  Run after
# adding or removing an element file.
set -e
cd "$(dirname "$0")"
sh tools/gen-elements-am.sh > elements/elements.am.new
mv elements/elements.am.new elements/elements.am
mkdir -p m4
autoreconf -fi
