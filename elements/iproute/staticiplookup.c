/*
 * =c
 * StaticIPLookup(ADDR1/MASK1 [GW1] OUT1, ADDR2/MASK2 [GW2] OUT2, ..., [FILE path])
 * =s
 * simple static IP routing table
 * =ports
 * 1 input, any number of outputs
 * =processing
 * push
 * =d
 * Acts like LinearIPLookup, but its routes are fixed at configuration: it
 * has no handlers to add or remove routes.
 *
 * Expects a destination IP address annotation with each packet, looks it up
 * by longest-prefix match, sets the annotation to the route's gateway (if
 * any), and emits the packet on the route's output; packets with no route
 * are dropped (counted as `no route').  Each argument is a route
 * `ADDR/MASK [GW] OUT'.
 * =k FILE
 * A file of routes to load at configuration, one a line:
 * `ADDR/MASK [GATEWAY] OUTPUT'; `#' starts a comment.  Bad lines are
 * reported as `FILE:LINE: message' (all are counted, the first 100 shown),
 * and make configuration fail.  Routes given as arguments come first.
 * =h table read
 * Returns the routing table, one route a line: `ADDR/MASK GW OUT'.
 * =h lookup read/write
 * Write an IP address, then read the output port and gateway its packets
 * would get: `OUT GW', `OUT' or `-1' (no route).
 * =e
 *   ... -> CheckIPHeader -> rt :: StaticIPLookup(10.0.0.0/8 0, 0/0 10.0.0.1 1);
 * =a
 * LinearIPLookup, RadixIPLookup, DirectIPLookup
 */
#include "iproute.h"

static int configure(struct cabo_element *e, struct cabo_args *a)
{
	return cabo_iproute_configure(e, a, &cabo_lpm_linear, 0);
}

CABO_ELEMENT_CLASS(staticiplookup_class) = {
	.name = "StaticIPLookup", .port_count = "1/-", .processing = "h/h",
	.size = sizeof(struct cabo_iproute_element), .configure = configure,
	.cleanup = cabo_iproute_cleanup, .push = cabo_iproute_push,
	.handlers = cabo_iproute_static_handlers, .drop_reasons = cabo_iproute_drop_reasons,
};
