/*
 * =c
 * UnstripIPHeader()
 * =s
 * restores outermost IP header
 * =ports
 * 1 input, 1 output
 * =processing
 * agnostic
 * =d
 * Puts the IP header back onto packets whose header was stripped (by
 * StripIPHeader or Strip): if the network header annotation points before
 * the packet data, moves the data pointer back to it.  The header bytes are
 * still in the packet's headroom, so nothing is copied or written.  Packets
 * whose network header is at or after the start of their data pass
 * unchanged.
 *
 * A packet without a network header annotation is dropped (reason `no
 * network header'), where Click would fail an assertion.
 * =e
 *   ... -> CheckIPHeader -> StripIPHeader -> ... -> UnstripIPHeader -> ...
 * =a
 * StripIPHeader, Unstrip
 */
#include <stdint.h>

#include "element.h"

static const char *const unstripipheader_drop_reasons[] = { "no network header", NULL };

static struct cabo_packet *unstripipheader_simple_action(struct cabo_element *e,
							  struct cabo_packet *p)
{
	const uint8_t *h = cabo_packet_network_header(p);
	if (!h) {
		cabo_element_drop(e, p, 0);
		return NULL;
	}
	if (h < p->data)
		cabo_packet_unstrip(p, (uint32_t)(p->data - h));
	return p;
}

CABO_ELEMENT_CLASS(unstripipheader_class) = {
	.name = "UnstripIPHeader", .port_count = "1/1", .processing = "a/a",
	.size = sizeof(struct cabo_element), .simple_action = unstripipheader_simple_action,
	.drop_reasons = unstripipheader_drop_reasons,
};
