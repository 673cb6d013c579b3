/*
 * =c
 * Strip(LENGTH)
 * =s
 * strips bytes from front of packets
 * =ports
 * 1 input, 1 output
 * =processing
 * agnostic
 * =d
 * Deletes the first LENGTH bytes from each packet by moving its data
 * pointer (no data is copied or written, so clones stay shared).  A packet
 * shorter than LENGTH loses all its bytes and goes on empty, as in Click.
 * The stripped bytes stay in the packet's headroom, where Unstrip can bring
 * them back.
 * =k LENGTH
 * Unsigned.  Bytes to strip.  Mandatory.
 * =e
 * Get rid of the Ethernet header:
 *
 *   FromDump(eth.pcap) -> Strip(14) -> CheckIPHeader -> ...
 * =a
 * Unstrip, StripToNetworkHeader, EtherEncap
 */
#include <stdint.h>

#include "element.h"

struct strip {
	struct cabo_element e;
	uint32_t length;
};

static int strip_configure(struct cabo_element *e, struct cabo_args *a)
{
	uint64_t n = 0;
	cabo_args_read_uint(a, "LENGTH", CABO_ARG_MP, &n);
	if (cabo_args_complete(a) < 0)
		return -1;
	if (n > UINT32_MAX)
		return cabo_errh_error(a->errh, "LENGTH: out of range");
	((struct strip *)e)->length = (uint32_t)n;
	return 0;
}

static struct cabo_packet *strip_simple_action(struct cabo_element *e, struct cabo_packet *p)
{
	cabo_packet_pull(p, ((struct strip *)e)->length);
	return p;
}

CABO_SIMPLE_BATCH(strip, strip_simple_action)

CABO_ELEMENT_CLASS(strip_class) = {
	.name = "Strip", .port_count = "1/1", .processing = "a/a",
	.size = sizeof(struct strip), .configure = strip_configure,
	.push = strip_push, .pull = strip_pull,
};
