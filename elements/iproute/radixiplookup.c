/*
 * =c
 * RadixIPLookup(ADDR1/MASK1 [GW1] OUT1, ADDR2/MASK2 [GW2] OUT2, ..., [FILE path])
 * =s
 * IP lookup using a radix trie
 * =ports
 * 1 input, any number of outputs
 * =processing
 * push
 * =d
 * Performs IP lookup using a radix trie.  The first level of the trie has
 * 256 buckets; each succeeding level has 16, so a lookup visits at most 7
 * levels.  A batch of packets walks the trie one level at a time,
 * prefetching the next level for all of them.
 *
 * Expects a destination IP address annotation with each packet.  Looks up
 * that address in its routing table, using longest-prefix match, sets the
 * destination annotation to the route's gateway (if it has one), and emits
 * the packet on the route's output.  Packets with no route are dropped
 * (counted as `no route').
 *
 * Each argument is a route: a destination and mask, an optional gateway IP
 * address (or `-' for none), and an output port.  A bare address is a /32.
 *
 * Memory grows with the table (128 bytes a trie node), so RadixIPLookup
 * suits small and medium tables; DirectIPLookup is faster on full Internet
 * tables.  Routes may be changed through the handlers while packets flow;
 * lookups take no lock and see each change atomically.
 * =k FILE
 * A file of routes to load at configuration, one a line:
 * `ADDR/MASK [GATEWAY] OUTPUT'; `#' starts a comment.  Bad lines are
 * reported as `FILE:LINE: message' (all are counted, the first 100 shown),
 * and make configuration fail.  Routes given as arguments come first.
 * =h table read
 * Returns the routing table, one route a line, in tab-separated columns.
 * =h lookup read/write
 * Write an IP address, then read the output port and gateway its packets
 * would get: `OUT GW', `OUT' or `-1' (no route).
 * =h add write
 * Adds a route, `ADDR/MASK [GW] OUT'.  Fails if a route for ADDR/MASK
 * already exists.
 * =h set write
 * Sets a route, whether or not a route for the same prefix exists.
 * =h remove write
 * Removes a route, `ADDR/MASK [GW OUT]'.
 * =h ctrl write
 * Adds or removes a group of routes, one `add', `set' or `remove' command
 * a line; if one fails, the ones before it are undone.
 * =h flush write
 * Removes every route in one atomic step.
 * =e
 *   ... -> CheckIPHeader -> rt :: RadixIPLookup(18.26.4.0/24 0, 0/0 18.26.4.1 1);
 *   rt[0] -> ...; rt[1] -> ...
 * =a
 * DirectIPLookup, LinearIPLookup, StaticIPLookup
 */
#include "iproute.h"

static int configure(struct cabo_element *e, struct cabo_args *a)
{
	return cabo_iproute_configure(e, a, &cabo_lpm_radix, CABO_IPROUTE_TABS);
}

CABO_ELEMENT_CLASS(radixiplookup_class) = {
	.name = "RadixIPLookup", .port_count = "1/-", .processing = "h/h",
	.size = sizeof(struct cabo_iproute_element), .configure = configure,
	.cleanup = cabo_iproute_cleanup, .push = cabo_iproute_push,
	.handlers = cabo_iproute_handlers, .drop_reasons = cabo_iproute_drop_reasons,
};
