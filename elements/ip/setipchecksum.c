/*
 * =c
 * SetIPChecksum()
 * =s
 * sets IP packets' checksums
 * =ports
 * 1 input, 1 output
 * =processing
 * agnostic
 * =d
 * Expects IP packets: the IP header is at the network header annotation, or
 * at the start of the packet when that is not set.  Computes the header
 * checksum and stores it in the header's checksum field.  A packet whose
 * checksum is already right is passed on untouched (no copy of a shared
 * packet is made for it); others are made writable first.
 *
 * A packet too short for an IP header, or whose header length field is below
 * 20 or beyond the packet, is dropped (reason `bad input packet', counted by
 * the drops handler).  The first such packet prints `SetIPChecksum: bad
 * input packet' on standard error, as in Click.
 *
 * Elements that change IP headers (DecIPTTL, StoreIPAddress,
 * ICMPPingResponder) update the checksum themselves: SetIPChecksum is for
 * headers built or changed by hand.
 * =h drops read
 * Returns the number of packets dropped.
 * =e
 *   ... -> StoreIPAddress(12) -> SetIPChecksum -> ...
 * =a
 * CheckIPHeader, DecIPTTL, StoreIPAddress
 */
#include <stdint.h>
#include <stdio.h>

#include "element.h"
#include "iphdr.h"

static const char *const setipchecksum_drop_reasons[] = { "bad input packet", NULL };

struct setipchecksum {
	struct cabo_element e;
	uint64_t drops;
};

static uint8_t *header_of(const struct cabo_packet *p, unsigned *hlen)
{
	uint8_t *h = cabo_packet_network_header(p);
	if (!h)
		h = p->data;
	if (h < p->data || h > p->data + p->length)
		return NULL;
	uint32_t plen = bytes_from(p, h);
	if (plen < IPH_MIN)
		return NULL;
	*hlen = (h[0] & 15u) << 2;
	if (*hlen < IPH_MIN || *hlen > plen)
		return NULL;
	return h;
}

static struct cabo_packet *setipchecksum_simple_action(struct cabo_element *e,
							struct cabo_packet *p)
{
	struct setipchecksum *s = (struct setipchecksum *)e;
	unsigned hlen;
	uint8_t *h = header_of(p, &hlen);
	if (!h) {
		if (++s->drops == 1) {
			fputs("SetIPChecksum: bad input packet\n", stderr);
			fflush(stderr);
		}
		cabo_element_drop(e, p, 0);
		return NULL;
	}
	if (ip_header_csum_ok(h, hlen >> 2))
		return p;
	size_t off = (size_t)(h - p->data);
	p = cabo_packet_writable(p);
	if (p)
		ip_header_set_csum(p->data + off, hlen);
	return p;
}

static const struct cabo_handler setipchecksum_handlers[] = {
	{ "drops", cabo_read_u64_field, NULL, CABO_FIELD(struct setipchecksum, drops), 0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_ELEMENT_CLASS(setipchecksum_class) = {
	.name = "SetIPChecksum", .port_count = "1/1", .processing = "a/a",
	.size = sizeof(struct setipchecksum), .simple_action = setipchecksum_simple_action,
	.handlers = setipchecksum_handlers, .drop_reasons = setipchecksum_drop_reasons,
};
