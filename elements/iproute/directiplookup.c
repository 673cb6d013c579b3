/*
 * =c
 * DirectIPLookup(ADDR1/MASK1 [GW1] OUT1, ADDR2/MASK2 [GW2] OUT2, ..., [FILE path])
 * =s
 * IP routing lookup using direct-indexed tables (DIR-24-8)
 * =ports
 * 1 input, any number of outputs
 * =processing
 * push
 * =d
 * Expects a destination IP address annotation with each packet (set by
 * CheckIPHeader, GetIPAddress, or FromDump with FORCE_IP).  Looks up that
 * address in its routing table, using longest-prefix match, sets the
 * destination annotation to the route's gateway (if it has one), and emits
 * the packet on the route's output.  Packets with no route are dropped
 * (counted as `no route').
 *
 * Each argument is a route: a destination and mask, an optional gateway IP
 * address (or `-' for none), and an output port.  A bare address is a /32.
 * No destination/mask pair may occur twice.
 *
 * DirectIPLookup is built for speed on full Internet tables: it implements
 * the DIR-24-8 scheme of Gupta, Lin and McKeown, so a lookup is one memory
 * access, two for the rare /24 that holds longer prefixes, and a batch of
 * packets issues all its first accesses before using any.  The table takes
 * 32 MB whatever the number of routes (plus 512 bytes for each /24 holding
 * longer prefixes); it holds at most 1023 distinct gateway/output pairs and
 * 32768 such /24s.
 *
 * Routes may be added and removed through the handlers while packets flow:
 * each change becomes visible to lookups atomically, entry by entry, so a
 * packet is routed by the old or the new route, never lost; lookups take no
 * lock.  Memory that a concurrent lookup could still read is reused only
 * after every lookup that started before its release has finished.
 * =k FILE
 * A file of routes to load at configuration, one a line:
 * `ADDR/MASK [GATEWAY] OUTPUT'; `#' starts a comment.  Bad lines are
 * reported as `FILE:LINE: message' (all are counted, the first 100 shown),
 * and make configuration fail.  Routes given as arguments come first.
 * =h table read
 * Returns the routing table, one route a line: `ADDR/MASK GW OUT' in
 * tab-separated columns, `-' for no gateway.
 * =h lookup read/write
 * Write an IP address, then read the output port and gateway its packets
 * would get: `OUT GW', `OUT' (no gateway) or `-1' (no route).  (Click's
 * lookup handler takes the address as a read parameter.)
 * =h add write
 * Adds a route, `ADDR/MASK [GW] OUT'.  Fails if a route for ADDR/MASK
 * already exists.
 * =h set write
 * Sets a route, whether or not a route for the same prefix exists.
 * =h remove write
 * Removes a route, `ADDR/MASK [GW OUT]'; with GW and OUT it must match.
 * =h ctrl write
 * Adds or removes a group of routes, one command a line: `add ROUTE',
 * `set ROUTE' or `remove ROUTE'.  If a command fails, the ones before it
 * are undone.
 * =h flush write
 * Removes every route in one atomic step.
 * =e
 *   FromDump(in.pcap, STOP true) -> Strip(14) -> CheckIPHeader
 *       -> rt :: DirectIPLookup(10.0.0.0/8 0, 0.0.0.0/0 192.168.1.1 1,
 *                               FILE routes.txt);
 *   rt[0] -> Discard; rt[1] -> Queue -> ...
 * =a
 * RadixIPLookup, LinearIPLookup, StaticIPLookup, CheckIPHeader, GetIPAddress
 */
#include "iproute.h"

static int configure(struct cabo_element *e, struct cabo_args *a)
{
	return cabo_iproute_configure(e, a, &cabo_lpm_direct, CABO_IPROUTE_TABS);
}

CABO_ELEMENT_CLASS(directiplookup_class) = {
	.name = "DirectIPLookup", .port_count = "1/-", .processing = "h/h",
	.size = sizeof(struct cabo_iproute_element), .configure = configure,
	.cleanup = cabo_iproute_cleanup, .push = cabo_iproute_push,
	.handlers = cabo_iproute_handlers, .drop_reasons = cabo_iproute_drop_reasons,
};
