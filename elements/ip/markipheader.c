/*
 * =c
 * MarkIPHeader([OFFSET])
 * =s
 * sets IP header annotation
 * =ports
 * 1 input, 1 output
 * =processing
 * agnostic
 * =d
 * Marks packets as IP packets by setting the network header annotation to
 * OFFSET bytes into the packet (default 0), and the transport header
 * annotation just after the IP header, whose length comes from the header
 * length field.
 *
 * MarkIPHeader does not check the header for sanity, shorten packets to the
 * IP length, or set the destination address annotation: use CheckIPHeader or
 * CheckIPHeader2 for that.  Where Click would point past the packet data, Cabo
 * clamps: a packet shorter than OFFSET gets both annotations at its end, and
 * the transport header never points past the end of the data (so elements
 * such as IPPrint see a truncated header, not bytes beyond the packet).
 * =k OFFSET
 * Unsigned integer.  Byte position at which the IP header begins.  Default 0.
 * =e
 *   FromDump(in.pcap, STOP true) -> MarkIPHeader(14) -> IPPrint -> Discard;
 * =a
 * CheckIPHeader, CheckIPHeader2, StripIPHeader
 */
#include <stdint.h>

#include "element.h"
#include "iphdr.h"

struct markipheader {
	struct cabo_element e;
	uint32_t offset;
};

static int markipheader_configure(struct cabo_element *e, struct cabo_args *a)
{
	uint64_t offset = 0;
	cabo_args_read_uint(a, "OFFSET", CABO_ARG_POSITIONAL, &offset);
	if (cabo_args_complete(a) < 0)
		return -1;
	if (offset > UINT32_MAX)
		return cabo_errh_error(a->errh, "OFFSET: out of range");
	((struct markipheader *)e)->offset = (uint32_t)offset;
	return 0;
}

static struct cabo_packet *markipheader_simple_action(struct cabo_element *e,
						       struct cabo_packet *p)
{
	uint32_t offset = ((struct markipheader *)e)->offset;
	if (offset > p->length)
		offset = p->length;
	const uint8_t *ip = p->data + offset;
	uint32_t hlen = offset < p->length ? (ip[0] & 15u) << 2 : 0;
	if (hlen > p->length - offset)
		hlen = p->length - offset;
	cabo_packet_set_network_header(p, ip);
	cabo_packet_set_transport_header(p, ip + hlen);
	return p;
}

CABO_SIMPLE_BATCH(markipheader, markipheader_simple_action)

CABO_ELEMENT_CLASS(markipheader_class) = {
	.name = "MarkIPHeader", .port_count = "1/1", .processing = "a/a",
	.size = sizeof(struct markipheader), .configure = markipheader_configure,
	.push = markipheader_push, .pull = markipheader_pull,
};
