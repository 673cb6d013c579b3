/* IPv6 and Segment Routing Header (RFC 8200, RFC 8754) constants and the
 * extension-header walk shared by SRv6End, SRv6Encap and SRv6Decap.
 * Fields are read and written byte by byte, so headers may be unaligned. */
#ifndef CABO_ELEMENTS_SRCROUTE_SRV6HDR_H
#define CABO_ELEMENTS_SRCROUTE_SRV6HDR_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "packet.h"

enum {
	IP6_HLEN = 40,
	IP6_PLEN = 4, IP6_NXT = 6, IP6_HLIM = 7, IP6_SRC = 8, IP6_DST = 24,
	IPPROTO6_HOPOPTS = 0, IPPROTO6_IPIP = 4, IPPROTO6_IPV6 = 41, IPPROTO6_ROUTING = 43,
	IPPROTO6_DSTOPTS = 60,

	/* Segment Routing Header (RFC 8754 section 2), Routing Type 4 */
	SRH_NXT = 0, SRH_LEN = 1, SRH_TYPE = 2, SRH_SL = 3, SRH_LE = 4, SRH_FLAGS = 5,
	SRH_TAG = 6, SRH_SEGS = 8,
	SRH_FIXED = 8, SRH_ROUTING_TYPE = 4,
	SRV6_MAX_SEGMENTS = 127,      /* Hdr Ext Len (one byte) is 2 per segment */
};

static inline uint16_t srv6_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline void srv6_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Length in bytes of the extension header at h (RFC 8200: 8-octet units
 * after the first 8). */
static inline unsigned srv6_ext_len(const uint8_t *h)
{
	return (h[1] + 1u) * 8u;
}

/* The packet's IPv6 header: at its network header annotation when that is
 * set, else at the start of the data; NULL unless it lies within the data,
 * has 40 bytes and version 6. */
static inline uint8_t *srv6_ip6_header(const struct cabo_packet *p)
{
	uint8_t *h = cabo_packet_network_header(p);
	if (!h)
		h = p->data;
	if (h < p->data || p->data + p->length - h < IP6_HLEN || (h[0] >> 4) != 6)
		return NULL;
	return h;
}

/* The bytes the IPv6 header h and its payload may use: 40 + Payload Length,
 * or 0 when that runs past the data. */
static inline uint32_t srv6_ip6_len(const struct cabo_packet *p, const uint8_t *h)
{
	uint32_t len = IP6_HLEN + srv6_get16(h + IP6_PLEN);
	return len <= (uint32_t)(p->data + p->length - h) ? len : 0;
}

/* Result of walking the options headers in front of the routing header or
 * the upper-layer header. */
struct srv6_walk {
	uint32_t off;         /* offset (from the IPv6 header) of the header found */
	uint32_t prev_nxt;    /* offset of the Next Header field naming it */
	uint8_t nxt;          /* its protocol number */
};

/* Skips a Hop-by-Hop Options header right after the IPv6 header and any
 * Destination Options headers, stopping at the first other header (a routing
 * header, say).  Returns false when a header runs past len bytes. */
static inline bool srv6_walk(const uint8_t *ip6, uint32_t len, struct srv6_walk *w)
{
	w->off = IP6_HLEN;
	w->prev_nxt = IP6_NXT;
	w->nxt = ip6[IP6_NXT];
	for (;;) {
		bool skip = (w->nxt == IPPROTO6_HOPOPTS && w->off == IP6_HLEN)
			|| w->nxt == IPPROTO6_DSTOPTS;
		if (!skip)
			return true;
		if (len - w->off < 8 || len - w->off < srv6_ext_len(ip6 + w->off))
			return false;
		w->prev_nxt = w->off;
		w->nxt = ip6[w->off];
		w->off += srv6_ext_len(ip6 + w->off);
	}
}

#endif
