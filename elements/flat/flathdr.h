/* The flat-address header (cabo-flat(7)): layout, constants, and the
 * textual form of flat ids, shared by the elements of elements/flat/.
 *
 * A flat packet follows an Ethernet header of type 0x88B6 (IEEE 802
 * local experimental EtherType 2; 0x88B5 is the source-route header's).  The
 * header is 48 bytes, all fields in network byte order:
 *
 *   0      version (high 4 bits, = 1), reserved (low 4 bits, sent as 0)
 *   1      hop limit
 *   2      next header (an IANA protocol number: 4 IPv4, 41 IPv6, 59 none)
 *   3      reserved (sent as 0, ignored)
 *   4-5    payload length: bytes after the header
 *   6-7    reserved (sent as 0, ignored)
 *   8-27   destination id (160 bits)
 *   28-47  source id (160 bits)
 *
 * Ids are 160-bit location-independent identifiers, meant to be
 * self-certifying: the first 20 bytes of BLAKE2b (or SHA-256) of the
 * owner's public key.  Written as 40 hexadecimal digits; an id whose first
 * 16 bytes are zero is an IPv4-derived id and is written (and may be given)
 * as the dotted IPv4 address of its last 4 bytes. */
#ifndef CABO_ELEMENTS_FLAT_FLATHDR_H
#define CABO_ELEMENTS_FLAT_FLATHDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "args.h"
#include "packet.h"
#include "strbuf.h"

enum {
	FLAT_ETHERTYPE = 0x88B6,
	FLAT_ID_LEN = 20,
	FLAT_HLEN = 48,
	FLAT_VERSION = 1,
	FLAT_VER = 0, FLAT_HLIM = 1, FLAT_NEXT = 2, FLAT_RSV1 = 3, FLAT_PLEN = 4,
	FLAT_RSV2 = 6, FLAT_DST = 8, FLAT_SRC = 28,
	FLAT_DEFAULT_HLIM = 64,
	FLAT_NEXT_IP4 = 4, FLAT_NEXT_IP6 = 41, FLAT_NEXT_NONE = 59,
	FLAT_ID_TEXT = 41,        /* 40 hex digits and a NUL */
	FLAT_IP4_PREFIX = 16,     /* zero bytes in front of an IPv4-derived id */
};

static inline uint16_t flat_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline void flat_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* The packet's flat header: its network header annotation, if set, inside
 * the data and followed by a whole header; else NULL. */
static inline uint8_t *flat_header(const struct cabo_packet *p)
{
	uint8_t *h = cabo_packet_network_header(p);
	if (!h || h < p->data || (size_t)(p->data + p->length - h) < FLAT_HLEN)
		return NULL;
	return h;
}

/* ---- Ids */

/* The IPv4-derived id of an address (network byte order). */
static inline void flat_id_from_ip4(uint8_t id[FLAT_ID_LEN], uint32_t addr_be)
{
	memset(id, 0, FLAT_IP4_PREFIX);
	memcpy(id + FLAT_IP4_PREFIX, &addr_be, 4);
}

static inline int flat_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Parses n bytes of text (not NUL-terminated) as an id: 40 hex digits, or a
 * dotted IPv4 address for an IPv4-derived id. */
static inline bool flat_parse_id_n(const char *s, size_t n, uint8_t id[FLAT_ID_LEN])
{
	if (n == 2 * FLAT_ID_LEN) {
		for (size_t i = 0; i < FLAT_ID_LEN; i++) {
			int hi = flat_hexval(s[2 * i]), lo = flat_hexval(s[2 * i + 1]);
			if (hi < 0 || lo < 0)
				return false;
			id[i] = (uint8_t)(hi << 4 | lo);
		}
		return true;
	}
	char buf[16];
	uint32_t a;
	if (n >= sizeof buf || !memchr(s, '.', n))
		return false;
	memcpy(buf, s, n);
	buf[n] = 0;
	if (!cabo_parse_ip4(buf, &a))
		return false;
	flat_id_from_ip4(id, a);
	return true;
}

static inline bool flat_parse_id(const char *s, uint8_t id[FLAT_ID_LEN])
{
	return flat_parse_id_n(s, strlen(s), id);
}

static inline bool flat_id_is_ip4(const uint8_t id[FLAT_ID_LEN])
{
	static const uint8_t zero[FLAT_IP4_PREFIX];
	return memcmp(id, zero, FLAT_IP4_PREFIX) == 0;
}

/* 40 lower-case hex digits, or the dotted address of an IPv4-derived id. */
static inline void flat_format_id(const uint8_t id[FLAT_ID_LEN], char buf[FLAT_ID_TEXT])
{
	if (flat_id_is_ip4(id)) {
		uint32_t a;
		memcpy(&a, id + FLAT_IP4_PREFIX, 4);
		cabo_format_ip4(a, buf);
		return;
	}
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < FLAT_ID_LEN; i++) {
		buf[2 * i] = hex[id[i] >> 4];
		buf[2 * i + 1] = hex[id[i] & 15];
	}
	buf[2 * FLAT_ID_LEN] = 0;
}

/* Next-header values by name (Click's IP protocol names and ours), or a
 * number 0-255; -1 when neither. */
static inline int flat_parse_next(const char *s)
{
	static const struct { const char *name; int value; } names[] = {
		{ "icmp", 1 }, { "ip", 4 }, { "ipv4", 4 }, { "tcp", 6 }, { "udp", 17 },
		{ "ipv6", 41 }, { "none", 59 },
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcasecmp(s, names[i].name) == 0)
			return names[i].value;
	uint64_t v;
	return cabo_parse_uint(s, &v) && v <= 255 ? (int)v : -1;
}

#endif
