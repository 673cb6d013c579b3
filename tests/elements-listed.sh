#!/bin/sh
# Fails when elements/elements.am does not list exactly the element files on
# disk (someone added an element without running ./autogen.sh).
cd "${top_srcdir:?}" || exit 1
if sh tools/gen-elements-am.sh | cmp -s - elements/elements.am; then
	echo "elements/elements.am lists every element file"
	exit 0
fi
echo "elements/elements.am is stale: run ./autogen.sh" >&2
sh tools/gen-elements-am.sh | diff elements/elements.am - >&2
exit 1
