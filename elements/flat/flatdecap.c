/*
 * =c
 * FlatDecap()
 * =s
 * removes the flat-address header
 * =ports
 * 1 input, 1 output
 * =processing
 * agnostic
 * =d
 * Removes the 48-byte flat header (cabo-flat(7)) from each packet, leaving
 * its payload.  The header is found at the packet's network header
 * annotation (set by CheckFlatHeader or FlatEncap) or, when that is unset,
 * at the start of the data; bytes in front of it (an Ethernet header, say)
 * go too.  The packet is shortened to the header's payload length when
 * longer.  No data is copied or written.
 *
 * Afterwards the network header annotation points to the payload (the
 * inner packet's network header, an IPv4 header when the next-header field
 * is 4) and the transport header annotation is unset; follow with
 * CheckIPHeader or MarkIPHeader to mark an inner IP header fully.
 *
 * A packet with fewer than 48 bytes from the header position to its end is
 * dropped (reason `no flat header').
 * =e
 *   ... -> CheckFlatHeader -> FlatDecap -> CheckIPHeader -> ...
 * =a
 * FlatEncap, CheckFlatHeader, StripIPHeader, Strip, cabo-flat(7)
 */
#include <stdint.h>

#include "element.h"
#include "flathdr.h"

static const char *const flatdecap_drop_reasons[] = { "no flat header", NULL };

static struct cabo_packet *flatdecap_simple_action(struct cabo_element *e,
						    struct cabo_packet *p)
{
	const uint8_t *h = cabo_packet_network_header(p);
	if (!h || h < p->data || h > p->data + p->length)
		h = p->data;
	if ((size_t)(p->data + p->length - h) < FLAT_HLEN) {
		cabo_element_drop(e, p, 0);
		return NULL;
	}
	uint32_t plen = flat_get16(h + FLAT_PLEN);
	cabo_packet_pull(p, (uint32_t)(h - p->data) + FLAT_HLEN);
	if (plen < p->length)
		p->length = plen;
	cabo_packet_set_network_header(p, p->data);
	p->transport_offset = -1;
	return p;
}

CABO_ELEMENT_CLASS(flatdecap_class) = {
	.name = "FlatDecap", .port_count = "1/1", .processing = "a/a",
	.size = sizeof(struct cabo_element), .simple_action = flatdecap_simple_action,
	.drop_reasons = flatdecap_drop_reasons,
};
