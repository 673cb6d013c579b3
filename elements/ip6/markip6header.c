/*
 * =c
 * MarkIP6Header([OFFSET])
 * =s
 * sets IPv6 header annotation
 * =ports
 * 1 input, 1 output
 * =processing
 * agnostic
 * =d
 * Marks packets as IPv6 packets by setting the network header annotation to
 * OFFSET bytes into the packet (default 0), and the transport header
 * annotation just after the fixed 40-byte IPv6 header (as in Click: that is
 * where extension headers start, if there are any).
 *
 * MarkIP6Header does not check the header for sanity, shorten packets to the
 * IPv6 length, or set the destination address annotation: use CheckIP6Header
 * for that.  Where Click would point past the packet data, Cabo clamps: a
 * packet shorter than OFFSET gets both annotations at its end, and the
 * transport header never points past the end of the data.  Elements that
 * read IPv6 headers (DecIP6HLIM, ICMP6Error, IP6Print) check that 40 bytes
 * are there before reading.
 * =k OFFSET
 * Unsigned integer.  Byte position at which the IPv6 header begins.  Default
 * 0.
 * =e
 *   FromDump(in.pcap, STOP true) -> MarkIP6Header(14) -> IP6Print -> Discard;
 * =a
 * CheckIP6Header, MarkIPHeader
 */
#include <stdint.h>

#include "element.h"
#include "ip6hdr.h"

struct markip6header {
	struct cabo_element e;
	uint32_t offset;
};

static int markip6header_configure(struct cabo_element *e, struct cabo_args *a)
{
	uint64_t offset = 0;
	cabo_args_read_uint(a, "OFFSET", CABO_ARG_POSITIONAL, &offset);
	if (cabo_args_complete(a) < 0)
		return -1;
	if (offset > UINT32_MAX)
		return cabo_errh_error(a->errh, "OFFSET: out of range");
	((struct markip6header *)e)->offset = (uint32_t)offset;
	return 0;
}

static struct cabo_packet *markip6header_simple_action(struct cabo_element *e,
							struct cabo_packet *p)
{
	uint32_t offset = ((struct markip6header *)e)->offset;
	if (offset > p->length)
		offset = p->length;
	uint32_t hlen = p->length - offset < IP6H_LEN ? p->length - offset : IP6H_LEN;
	const uint8_t *ip = p->data + offset;
	cabo_packet_set_network_header(p, ip);
	cabo_packet_set_transport_header(p, ip + hlen);
	return p;
}

CABO_ELEMENT_CLASS(markip6header_class) = {
	.name = "MarkIP6Header", .port_count = "1/1", .processing = "a/a",
	.size = sizeof(struct markip6header), .configure = markip6header_configure,
	.simple_action = markip6header_simple_action,
};
