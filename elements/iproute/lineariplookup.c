/*
 * =c
 * LinearIPLookup(ADDR1/MASK1 [GW1] OUT1, ADDR2/MASK2 [GW2] OUT2, ..., [FILE path])
 * =s
 * simple IP routing table
 * =ports
 * 1 input, any number of outputs
 * =processing
 * push
 * =d
 * Note: lookups and updates with LinearIPLookup take time proportional to
 * the number of routes; RadixIPLookup and DirectIPLookup should be preferred
 * for anything but small tables.
 *
 * Expects a destination IP address annotation with each packet.  Looks up
 * that address in its routing table, using longest-prefix match, sets the
 * destination annotation to the route's gateway (if it has one), and emits
 * the packet on the route's output.  Packets with no route are dropped
 * (counted as `no route').
 *
 * Each argument is a route: a destination and mask, an optional gateway IP
 * address (or `-' for none), and an output port.  A bare address is a /32.
 * The routes are kept longest prefix first and scanned in order.  Updates
 * build a new array and switch to it atomically, so lookups running at the
 * same time take no lock.
 * =k FILE
 * A file of routes to load at configuration, one a line:
 * `ADDR/MASK [GATEWAY] OUTPUT'; `#' starts a comment.  Bad lines are
 * reported as `FILE:LINE: message' (all are counted, the first 100 shown),
 * and make configuration fail.  Routes given as arguments come first.
 * =h table read
 * Returns the routing table, one route a line: `ADDR/MASK GW OUT', `-' for
 * no gateway.
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
 * Delivers broadcasts and packets for the local host (18.26.4.24) to output
 * 0, packets to net 18.26.4 to output 1, and all others via gateway
 * 18.26.4.1:
 *
 *   ... -> GetIPAddress(16) -> rt;
 *   rt :: LinearIPLookup(18.26.4.24/32 0, 18.26.4.255/32 0, 18.26.4.0/32 0,
 *                        18.26.4/24 1, 0/0 18.26.4.1 1);
 *   rt[0] -> ...; rt[1] -> ...
 * =a
 * StaticIPLookup, RadixIPLookup, DirectIPLookup
 */
#include "iproute.h"

static int configure(struct cabo_element *e, struct cabo_args *a)
{
	return cabo_iproute_configure(e, a, &cabo_lpm_linear, 0);
}

CABO_ELEMENT_CLASS(lineariplookup_class) = {
	.name = "LinearIPLookup", .port_count = "1/-", .processing = "h/h",
	.size = sizeof(struct cabo_iproute_element), .configure = configure,
	.cleanup = cabo_iproute_cleanup, .push = cabo_iproute_push,
	.handlers = cabo_iproute_handlers, .drop_reasons = cabo_iproute_drop_reasons,
};
