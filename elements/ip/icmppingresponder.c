/*
 * =c
 * ICMPPingResponder()
 * =s
 * responds to ICMP echo requests
 * =ports
 * 1 input, 1 or 2 outputs
 * =processing
 * agnostic input and output 0, push output 1
 * =d
 * Turns each ICMP echo request into the matching echo reply and emits it on
 * output 0.  Input packets must have their IP header annotations set (by
 * CheckIPHeader, for example).  The reply swaps the IP source and
 * destination addresses, clears the fragment flags and offset, sets the TTL
 * to 255 and the ICMP type and code to 0 (echo reply), and updates both
 * checksums incrementally (RFC 1624).  Its destination address annotation is
 * set to the new destination, its paint annotation is cleared and its
 * timestamp is the current time; other annotations are kept.  A shared
 * packet is copied before it is changed.
 *
 * Other packets (not ICMP, not echo requests, fewer than 8 bytes of ICMP
 * header, or no IP header annotation) go out on output 1 if it is connected,
 * and are dropped otherwise (reason `not an echo request').
 *
 * Like Click's, ICMPPingResponder ignores source route options.
 * =e
 *   ... -> CheckIPHeader -> ipc :: IPClassifier(icmp type echo, -);
 *   ipc[0] -> ICMPPingResponder -> EtherMirror -> ...
 * =a
 * ICMPSendPings, ICMPError, CheckIPHeader
 */
#include <stddef.h>
#include <stdint.h>

#include "element.h"
#include "iphdr.h"

enum { ICMP_ECHOREPLY = 0, ICMP_ECHO = 8, ICMP_ECHO_LEN = 8 };

static const char *const icmppingresponder_drop_reasons[] = { "not an echo request", NULL };

/* The ICMP header offset from p->data if p is an echo request, else -1. */
static int64_t echo_offset(const struct cabo_packet *p)
{
	const uint8_t *h = ip_header(p);
	if (!h || h[IPH_PROTO] != IP_PROTO_ICMP)
		return -1;
	int64_t t = ip_transport_offset(p, h) - (int64_t)cabo_packet_headroom(p);
	if (t < h - p->data + IPH_MIN || t + ICMP_ECHO_LEN > p->length)
		return -1;
	return p->data[t] == ICMP_ECHO ? t : -1;
}

static void reply(struct cabo_element *e, struct cabo_packet *p, uint8_t *h, uint8_t *icmp)
{
	uint32_t src = get_addr(h + IPH_SRC), dst = get_addr(h + IPH_DST);
	put_addr(h + IPH_SRC, dst);    /* a swap leaves the checksum valid */
	put_addr(h + IPH_DST, src);
	csum_update16(h + IPH_SUM, get16(h + IPH_OFF), 0);
	put16(h + IPH_OFF, 0);
	uint16_t old_w = get16(h + IPH_TTL);
	h[IPH_TTL] = 255;
	csum_update16(h + IPH_SUM, old_w, get16(h + IPH_TTL));

	p->anno.dst.ip4 = src;
	p->anno.timestamp_ns = cabo_element_now(e);
	p->anno.paint = 0;

	old_w = get16(icmp);
	icmp[0] = ICMP_ECHOREPLY;
	icmp[1] = 0;
	csum_update16(icmp + ICMP_SUM, old_w, get16(icmp));
	/* An update can give 0 where the right checksum is 0xffff (when the
	 * covered data is all zeros): recompute a zero, as Click does. */
	if (get16(icmp + ICMP_SUM) == 0) {
		uint32_t len = bytes_from(p, icmp);
		put16(icmp + ICMP_SUM, 0);
		put16(icmp + ICMP_SUM, in_cksum(icmp, len));
	}
}

static void respond(struct cabo_element *e, struct cabo_batch *b, struct cabo_batch *other)
{
	unsigned kept = 0;
	for (unsigned i = 0; i < b->count; i++) {
		struct cabo_packet *p = b->p[i];
		int64_t t = echo_offset(p);
		if (t < 0) {
			if (e->noutputs > 1)
				cabo_batch_add(other, p);
			else
				cabo_element_drop(e, p, 0);
			continue;
		}
		size_t nh = (size_t)(cabo_packet_network_header(p) - p->data);
		p = cabo_packet_writable(p);
		if (!p)
			continue;
		reply(e, p, p->data + nh, p->data + t);
		b->p[kept++] = p;
	}
	b->count = kept;
}

CABO_SPLIT_BATCH(icmppingresponder, struct cabo_element, respond)

CABO_ELEMENT_CLASS(icmppingresponder_class) = {
	.name = "ICMPPingResponder", .port_count = "1/1-2", .processing = "a/ah",
	.size = sizeof(struct cabo_element), .push = icmppingresponder_push,
	.pull = icmppingresponder_pull, .drop_reasons = icmppingresponder_drop_reasons,
};
