/* IPv6 header, extension header and ICMPv6 constants and helpers shared by
 * the elements of elements/ip6/ (RFC 8200, RFC 4443, RFC 4861).  Header
 * fields are read byte by byte, so unaligned headers are fine.  The 16- and
 * 32-bit accessors and the Internet checksum come from ../ip/iphdr.h. */
#ifndef CABO_ELEMENTS_IP6_IP6HDR_H
#define CABO_ELEMENTS_IP6_IP6HDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../ip/iphdr.h"
#include "packet.h"

enum {
	IP6H_LEN = 40,            /* fixed header */
	IP6H_FLOW = 0, IP6H_PLEN = 4, IP6H_NXT = 6, IP6H_HLIM = 7, IP6H_SRC = 8,
	IP6H_DST = 24,
	IP6_ALEN = 16,
	IP6_MIN_MTU = 1280,       /* RFC 8200 section 5 */

	/* Next header values (IANA protocol numbers) */
	IP6_NXT_HOPOPTS = 0, IP6_NXT_TCP = 6, IP6_NXT_UDP = 17, IP6_NXT_ROUTING = 43,
	IP6_NXT_FRAGMENT = 44, IP6_NXT_ESP = 50, IP6_NXT_AH = 51, IP6_NXT_ICMP6 = 58,
	IP6_NXT_NONE = 59, IP6_NXT_DSTOPTS = 60, IP6_NXT_MOBILITY = 135,
	IP6_NXT_HIP = 139, IP6_NXT_SHIM6 = 140,

	/* Fragment header (RFC 8200 4.5) */
	IP6_FRAG_LEN = 8, IP6_FRAG_OFF = 2, IP6_FRAG_ID = 4,
	IP6_FRAG_OFFMASK = 0xfff8, IP6_FRAG_MF = 1,

	/* ICMPv6 (RFC 4443, RFC 4861) */
	ICMP6_HLEN = 8, ICMP6_SUM = 2,
	ICMP6_UNREACH = 1, ICMP6_PKTTOOBIG = 2, ICMP6_TIMXCEED = 3, ICMP6_PARAMPROB = 4,
	ICMP6_INFO_MIN = 128,     /* types below are errors */
	ICMP6_ECHO = 128, ICMP6_ECHOREPLY = 129,
	ND_ROUTER_SOLICIT = 133, ND_ROUTER_ADVERT = 134,
	ND_NEIGHBOR_SOLICIT = 135, ND_NEIGHBOR_ADVERT = 136, ND_REDIRECT = 137,
	ICMP6_PARAMPROB_OPTION = 2,

	/* Neighbour Discovery messages: ICMPv6 header (type, code, checksum,
	 * 4 bytes of flags/reserved), then the target address, then options. */
	ND_TARGET = 8, ND_MSG_LEN = 24,
	ND_OPT_SOURCE_LLADDR = 1, ND_OPT_TARGET_LLADDR = 2, ND_OPT_REDIRECTED = 4,
	ND_NA_ROUTER = 0x80, ND_NA_SOLICITED = 0x40, ND_NA_OVERRIDE = 0x20,
	ND_HOP_LIMIT = 255,       /* RFC 4861 7.1: proves the sender is on-link */
	ND_LEN = ND_MSG_LEN + 8,  /* NS/NA with one link-layer address option */

	ETHERTYPE_IP6 = 0x86dd,
};

/* ---- Addresses */

static inline bool ip6_is_multicast(const uint8_t *a)
{
	return a[0] == 0xff;
}

static inline bool ip6_is_unspecified(const uint8_t *a)
{
	static const uint8_t zero[IP6_ALEN];
	return memcmp(a, zero, IP6_ALEN) == 0;
}

static inline bool ip6_is_loopback(const uint8_t *a)
{
	static const uint8_t one[IP6_ALEN] = { [15] = 1 };
	return memcmp(a, one, IP6_ALEN) == 0;
}

/* The solicited-node multicast address of a (RFC 4291 2.7.1):
 * ff02::1:ffXX:XXXX with the low 24 bits of a. */
static inline void ip6_solicited_node(const uint8_t *a, uint8_t *out)
{
	memset(out, 0, IP6_ALEN);
	out[0] = 0xff;
	out[1] = 0x02;
	out[11] = 0x01;
	out[12] = 0xff;
	memcpy(out + 13, a + 13, 3);
}

/* The Ethernet multicast address of an IPv6 multicast address (RFC 2464
 * section 7): 33:33 and the address's last four bytes. */
static inline void ip6_multicast_ether(const uint8_t *a, uint8_t *eth)
{
	eth[0] = eth[1] = 0x33;
	memcpy(eth + 2, a + 12, 4);
}

/* True if a falls in prefix/len (prefix bits beyond len are ignored). */
static inline bool ip6_prefix_match(const uint8_t *a, const uint8_t *prefix, unsigned len)
{
	unsigned full = len / 8, rest = len % 8;
	if (memcmp(a, prefix, full) != 0)
		return false;
	if (!rest)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return ((a[full] ^ prefix[full]) & mask) == 0;
}

/* Clears the bits of a beyond len. */
static inline void ip6_mask(uint8_t *a, unsigned len)
{
	for (unsigned i = 0; i < IP6_ALEN; i++) {
		unsigned bits = len >= 8 * (i + 1) ? 8 : len > 8 * i ? len - 8 * i : 0;
		a[i] &= (uint8_t)(0xff00 >> bits);
	}
}

/* ---- Header annotations */

/* The packet's IPv6 header: its network header annotation, if set, inside
 * the packet data, followed by at least 40 bytes, and with version 6; else
 * NULL. */
static inline uint8_t *ip6_header(const struct cabo_packet *p)
{
	uint8_t *h = cabo_packet_network_header(p);
	if (!h || h < p->data || (size_t)(p->data + p->length - h) < IP6H_LEN || (h[0] >> 4) != 6)
		return NULL;
	return h;
}

/* Bytes of the datagram at h that are in the packet: up to 40 + payload
 * length, or less when the data ends first.  h is inside the data with at
 * least 40 bytes after it. */
static inline uint32_t ip6_datagram_len(const struct cabo_packet *p, const uint8_t *h)
{
	uint32_t avail = (uint32_t)(p->data + p->length - h);
	uint32_t len = IP6H_LEN + (uint32_t)get16(h + IP6H_PLEN);
	return len < avail ? len : avail;
}

/* ---- Extension headers (RFC 8200 section 4) */

/* Length of the extension header of type nxt at e, of which avail bytes are
 * in the packet: 0 if nxt is not an extension header that can be skipped
 * (an upper-layer protocol, ESP, No Next Header), -1 if it does not fit. */
static inline int32_t ip6_ext_len(unsigned nxt, const uint8_t *e, uint32_t avail)
{
	uint32_t len;
	switch (nxt) {
	case IP6_NXT_HOPOPTS: case IP6_NXT_ROUTING: case IP6_NXT_DSTOPTS:
	case IP6_NXT_MOBILITY: case IP6_NXT_HIP: case IP6_NXT_SHIM6:
		if (avail < 2)
			return -1;
		len = ((uint32_t)e[1] + 1) * 8;
		break;
	case IP6_NXT_FRAGMENT:
		len = IP6_FRAG_LEN;
		break;
	case IP6_NXT_AH:
		if (avail < 2)
			return -1;
		len = ((uint32_t)e[1] + 2) * 4;
		break;
	default:
		return 0;
	}
	return len <= avail ? (int32_t)len : -1;
}

struct ip6_chain {
	unsigned proto;          /* upper-layer protocol, or the header the walk stopped at */
	uint32_t offset;         /* its offset from the IPv6 header */
	unsigned nheaders;       /* extension headers passed */
	bool truncated;          /* an extension header runs past the data */
	bool fragment;           /* a Fragment header was passed or stopped at */
	bool later_fragment;     /* not the first fragment: no upper-layer header */
	uint32_t frag_offset;    /* bytes */
	uint32_t frag_id;
	bool frag_more;
};

/* Walks the extension headers of the IPv6 datagram at h (len bytes of it in
 * the packet, len >= 40).  Every step checks the bytes it reads and moves on
 * by at least 8 bytes, so any input ends in at most len / 8 steps.  The walk
 * stops at an upper-layer header (proto, offset), at ESP or No Next Header,
 * at a fragment other than the first (proto 44, offset after the fragment
 * header), or where a header does not fit (truncated). */
static inline void ip6_walk(const uint8_t *h, uint32_t len, struct ip6_chain *c)
{
	memset(c, 0, sizeof *c);
	unsigned nxt = h[IP6H_NXT];
	uint32_t off = IP6H_LEN;
	for (;;) {
		int32_t elen = ip6_ext_len(nxt, h + off, len - off);
		if (elen == 0)
			break;
		if (elen < 0) {
			c->truncated = true;
			break;
		}
		const uint8_t *e = h + off;
		if (nxt == IP6_NXT_FRAGMENT) {
			uint16_t fo = get16(e + IP6_FRAG_OFF);
			c->fragment = true;
			c->frag_offset = fo & IP6_FRAG_OFFMASK;
			c->frag_more = fo & IP6_FRAG_MF;
			c->frag_id = get32(e + IP6_FRAG_ID);
			if (c->frag_offset) {
				c->later_fragment = true;
				off += IP6_FRAG_LEN;
				c->nheaders++;
				break;
			}
		}
		c->nheaders++;
		nxt = e[0];
		off += (uint32_t)elen;
	}
	c->proto = c->later_fragment ? IP6_NXT_FRAGMENT : nxt;
	c->offset = off;
}

/* ---- Checksums */

/* The upper-layer checksum (RFC 8200 8.1) of n bytes at data, sent from src
 * to dst with next header nxt, as the 16-bit value to store. */
static inline uint16_t ip6_upper_cksum(const uint8_t *src, const uint8_t *dst, unsigned nxt,
				       const uint8_t *data, uint32_t n)
{
	uint8_t tail[8] = { (uint8_t)(n >> 24), (uint8_t)(n >> 16), (uint8_t)(n >> 8),
			    (uint8_t)n, 0, 0, 0, (uint8_t)nxt };
	uint32_t s = csum_add(0, src, IP6_ALEN);
	s = csum_add(s, dst, IP6_ALEN);
	s = csum_add(s, tail, sizeof tail);
	s = csum_add(s, data, n);
	return (uint16_t)~s;
}

/* Fills a fixed IPv6 header: traffic class and flow label 0. */
static inline void ip6_fill_header(uint8_t *h, uint16_t plen, unsigned nxt, unsigned hlim,
				   const uint8_t *src, const uint8_t *dst)
{
	memset(h, 0, IP6H_LEN);
	h[0] = 0x60;
	put16(h + IP6H_PLEN, plen);
	h[IP6H_NXT] = (uint8_t)nxt;
	h[IP6H_HLIM] = (uint8_t)hlim;
	memcpy(h + IP6H_SRC, src, IP6_ALEN);
	memcpy(h + IP6H_DST, dst, IP6_ALEN);
}

/* ---- Neighbour Discovery options (RFC 4861 4.6) */

/* Finds the first option of `type` among the n bytes of options at o and
 * returns it, or NULL.  *bad is set when an option has length 0 or runs past
 * the end (the message must then be discarded, RFC 4861 7.1). */
static inline const uint8_t *nd_find_option(const uint8_t *o, uint32_t n, unsigned type, bool *bad)
{
	const uint8_t *found = NULL;
	*bad = false;
	for (uint32_t i = 0; i < n;) {
		if (n - i < 2 || o[i + 1] == 0 || (uint32_t)o[i + 1] * 8 > n - i) {
			*bad = true;
			return NULL;
		}
		if (o[i] == type && !found)
			found = o + i;
		i += (uint32_t)o[i + 1] * 8;
	}
	return found;
}

#endif
