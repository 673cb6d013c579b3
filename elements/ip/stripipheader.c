/*
 * =c
 * StripIPHeader()
 * =s
 * strips outermost IP header
 * =ports
 * 1 input, 1 output
 * =processing
 * agnostic
 * =d
 * Strips the outermost IP header, options included, from IP packets: moves
 * the packet's data pointer to its transport header annotation, which
 * CheckIPHeader and MarkIPHeader set.  When only the network header
 * annotation is set and the header there is IPv4, the header length field
 * says where the transport header starts.  No data is copied or written.
 *
 * The annotations are not changed: the network header annotation still
 * points at the IP header, now in the headroom, where UnstripIPHeader can
 * bring it back.  To handle IP-in-IP, follow StripIPHeader with CheckIPHeader
 * or MarkIPHeader to mark the inner header.
 *
 * A packet without a network header annotation inside its data, or with
 * only a network header annotation that does not point at an IPv4 header,
 * is dropped (reason `no network header'), where Click would fail an
 * assertion.
 * =e
 *   ... -> CheckIPHeader -> StripIPHeader -> CheckIPHeader -> ...
 * =a
 * CheckIPHeader, CheckIPHeader2, MarkIPHeader, UnstripIPHeader, Strip
 */
#include <stdint.h>

#include "element.h"
#include "iphdr.h"

static const char *const stripipheader_drop_reasons[] = { "no network header", NULL };

static struct cabo_packet *stripipheader_simple_action(struct cabo_element *e,
							struct cabo_packet *p)
{
	const uint8_t *h = cabo_packet_network_header(p);
	if (!h || h < p->data || h >= p->data + p->length
	    || (p->transport_offset < 0 && (h[0] >> 4) != 4)) {
		cabo_element_drop(e, p, 0);
		return NULL;
	}
	int32_t skip = ip_transport_offset(p, h) - (int32_t)cabo_packet_headroom(p);
	if (skip > 0)
		cabo_packet_pull(p, (uint32_t)skip);   /* capped at the length */
	return p;
}

CABO_SIMPLE_BATCH(stripipheader, stripipheader_simple_action)

CABO_ELEMENT_CLASS(stripipheader_class) = {
	.name = "StripIPHeader", .port_count = "1/1", .processing = "a/a",
	.size = sizeof(struct cabo_element),
	.push = stripipheader_push, .pull = stripipheader_pull,
	.drop_reasons = stripipheader_drop_reasons,
};
