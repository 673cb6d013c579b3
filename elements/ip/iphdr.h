/* IPv4 header constants and Internet checksum helpers shared by the IP
 * elements (RFC 791, RFC 1071, RFC 1624).  Header fields are read and
 * written byte by byte or through memcpy, so unaligned headers are fine.
 * 16-bit values are in host order unless a name says otherwise. */
#ifndef CABO_ELEMENTS_IP_IPHDR_H
#define CABO_ELEMENTS_IP_IPHDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "packet.h"

enum {
	IPH_MIN = 20,             /* header without options */
	IPH_TOS = 1, IPH_LEN = 2, IPH_ID = 4, IPH_OFF = 6, IPH_TTL = 8, IPH_PROTO = 9,
	IPH_SUM = 10, IPH_SRC = 12, IPH_DST = 16,
	IP_RF = 0x8000, IP_DF = 0x4000, IP_MF = 0x2000, IP_OFFMASK = 0x1fff,
	IP_PROTO_ICMP = 1, IP_PROTO_IGMP = 2, IP_PROTO_IPIP = 4, IP_PROTO_TCP = 6,
	IP_PROTO_UDP = 17,
	TCP_SUM = 16, UDP_SUM = 6, ICMP_SUM = 2,
};

static inline uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* An address field as stored (network byte order), like anno.dst.ip4. */
static inline uint32_t get_addr(const uint8_t *p)
{
	uint32_t a;
	memcpy(&a, p, 4);
	return a;
}

static inline void put_addr(uint8_t *p, uint32_t a)
{
	memcpy(p, &a, 4);
}

/* ---- Header annotations */

/* The packet's IPv4 header: its network header annotation, if set, inside
 * the packet data, followed by at least 20 bytes of data, and with version 4
 * (an IPv6 header there is left alone); else NULL. */
static inline uint8_t *ip_header(const struct cabo_packet *p)
{
	uint8_t *h = cabo_packet_network_header(p);
	if (!h || h < p->data || (size_t)(p->data + p->length - h) < IPH_MIN || (h[0] >> 4) != 4)
		return NULL;
	return h;
}

/* Bytes from h to the end of the packet data (h inside the data). */
static inline uint32_t bytes_from(const struct cabo_packet *p, const uint8_t *h)
{
	return (uint32_t)(p->data + p->length - h);
}

/* The transport header offset (from p->buffer) of a packet whose IP header
 * is h: the annotation if set, else just after the header's options. */
static inline int32_t ip_transport_offset(const struct cabo_packet *p, const uint8_t *h)
{
	if (p->transport_offset >= 0)
		return p->transport_offset;
	return (int32_t)(h - p->buffer) + (int32_t)((h[0] & 15u) << 2);
}

/* ---- Checksums */

/* Adds the bytes of p as big-endian 16-bit words (an odd last byte is the
 * high half of a word) to a running sum. */
static inline uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	uint64_t s = sum;
	size_t i = 0;
	for (; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (i < n)
		s += (uint32_t)p[i] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint32_t)s;
}

/* The Internet checksum of n bytes, as the 16-bit value to store. */
static inline uint16_t in_cksum(const uint8_t *p, size_t n)
{
	return (uint16_t)~csum_add(0, p, n);
}

/* True if an IPv4 header of `words` 32-bit words (>= 5) has a correct
 * checksum.  Sums 32-bit words in host order: one's-complement addition
 * commutes with byte swapping, and a correct header sums to 0xffff in
 * either order.  The common 20-byte header takes five loads and no loop. */
static inline uint32_t load32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

static inline bool ip_header_csum_ok(const uint8_t *h, unsigned words)
{
	uint64_t s = (uint64_t)load32(h) + load32(h + 4) + load32(h + 8) + load32(h + 12)
		+ load32(h + 16);
	for (unsigned i = 5; i < words; i++)
		s += load32(h + 4 * i);
	/* 64 -> 32 bits with end-around carry, then 32 -> 16 as Linux's
	 * csum_fold: the top half of sum + rotate(sum, 16) is the folded sum. */
	uint32_t lo = (uint32_t)s, hi = (uint32_t)(s >> 32);
	uint32_t t = lo + hi;
	t += t < hi;
	t += (t >> 16) | (t << 16);
	return (t >> 16) == 0xffff;
}

/* Recomputes the checksum of the IPv4 header h of hlen bytes. */
static inline void ip_header_set_csum(uint8_t *h, unsigned hlen)
{
	put16(h + IPH_SUM, 0);
	put16(h + IPH_SUM, in_cksum(h, hlen));
}

/* RFC 1624 eqn. 3: updates the checksum stored at `field` after a 16-bit
 * word of the covered data changed from old_w to new_w:
 * HC' = ~(~HC + ~m + m'). */
static inline void csum_update16(uint8_t *field, uint16_t old_w, uint16_t new_w)
{
	uint32_t s = (uint16_t)~get16(field) + (uint32_t)(uint16_t)~old_w + new_w;
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	put16(field, (uint16_t)~s);
}

/* The same for a 32-bit field (an address) that changed from old_a to new_a
 * (both as stored, network byte order). */
static inline void csum_update_addr(uint8_t *field, uint32_t old_a, uint32_t new_a)
{
	uint8_t o[4], n[4];
	memcpy(o, &old_a, 4);
	memcpy(n, &new_a, 4);
	csum_update16(field, get16(o), get16(n));
	csum_update16(field, get16(o + 2), get16(n + 2));
}

#endif
