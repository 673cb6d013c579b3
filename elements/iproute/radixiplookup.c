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
 * Performs IP lookup using a radix trie: a multibit trie with strides of
 * 16, 8 and 8 bits, each prefix expanded over the entries it covers, so a
 * lookup reads one entry for a /16 without longer prefixes, two for a /24,
 * at most three.  The lookups of a batch of packets run side by side.
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
 * Memory: 256 KB of root, backed only where routes are (a 10-route table
 * uses tens of KB), plus 1 KB per /16 that holds prefixes longer than /16
 * and per /24 that holds prefixes longer than /24: about 1.3 MB for 1200
 * random routes, 33 MB for a full Internet table.  DirectIPLookup is faster
 * on full tables, and takes 32 MB even for small ones.  Routes may be
 * changed through the handlers while packets flow; lookups take no lock
 * and see each change atomically.
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
