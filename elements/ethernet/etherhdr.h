/* Ethernet, 802.1Q and ARP constants and small helpers shared by the
 * elements of elements/ethernet/.  Header fields are read and written byte by
 * byte, so unaligned headers are fine; 16-bit values are in host order unless
 * a name says otherwise. */
#ifndef CABO_ELEMENTS_ETHERNET_ETHERHDR_H
#define CABO_ELEMENTS_ETHERNET_ETHERHDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "element.h"
#include "packet.h"

enum {
	ETHER_ALEN = 6,
	ETHER_HLEN = 14,                  /* dst, src, type */
	ETHER_VLAN_HLEN = 18,             /* dst, src, TPID, TCI, type */
	ETHER_DST = 0, ETHER_SRC = 6, ETHER_TYPE = 12,
	ETHERTYPE_IP = 0x0800,
	ETHERTYPE_ARP = 0x0806,
	ETHERTYPE_8021Q = 0x8100,
	ETHERTYPE_8021AD = 0x88a8,
	ETHERTYPE_QINQ_OLD = 0x9100,
	VLAN_ID_MASK = 0x0FFF,
	VLAN_PCP_SHIFT = 13,

	/* ARP (RFC 826): fixed part, then SHA, SPA, THA, TPA */
	ARP_HRD = 0, ARP_PRO = 2, ARP_HLN = 4, ARP_PLN = 5, ARP_OP = 6,
	ARP_FIXED = 8,
	ARP_ETHER_IP_LEN = 28,            /* body for Ethernet/IPv4 */
	ARP_SHA = 8, ARP_SPA = 14, ARP_THA = 18, ARP_TPA = 24,   /* in that body */
	ARPHRD_ETHER = 1,
	ARPOP_REQUEST = 1, ARPOP_REPLY = 2, ARPOP_REVREQUEST = 3, ARPOP_REVREPLY = 4,
	ARPOP_INVREQUEST = 8, ARPOP_INVREPLY = 9,
};

static inline uint16_t ether_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline void ether_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline uint16_t vlan_tci_anno(const struct cabo_packet *p)
{
	return ether_get16(p->anno.user + CABO_ANNO_VLAN_TCI);
}

static inline void set_vlan_tci_anno(struct cabo_packet *p, uint16_t tci)
{
	ether_put16(p->anno.user + CABO_ANNO_VLAN_TCI, tci);
}

static inline bool ether_is_group(const uint8_t *a)
{
	return a[0] & 1;
}

static inline bool ether_is_broadcast(const uint8_t *a)
{
	return (a[0] & a[1] & a[2] & a[3] & a[4] & a[5]) == 0xff;
}

/* ---- Argument and handler helpers (control path) */

/* Click's IPPrefixArg(true): "A.B.C.D", "A.B.C.D/LEN" or
 * "A.B.C.D/MASK"; a bare address gets mask 255.255.255.255.  Network byte
 * order; the address is not masked. */
static inline bool ether_parse_ip_or_prefix(const char *s, uint32_t *addr, uint32_t *mask)
{
	if (strchr(s, '/'))
		return cabo_parse_ip4_prefix(s, addr, mask);
	if (!cabo_parse_ip4(s, addr))
		return false;
	*mask = 0xffffffffu;
	return true;
}

/* Prefix length of a contiguous mask (network byte order), or -1. */
static inline int ether_mask_len(uint32_t mask_be)
{
	uint8_t b[4];
	memcpy(b, &mask_be, 4);
	uint32_t m = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
	int len = 0;
	while (len < 32 && (m & (0x80000000u >> len)))
		len++;
	return (len == 32 ? 0 : m << len) ? -1 : len;
}

/* Click's IPAddress::unparse_with_mask: "ADDR/LEN", or "ADDR/MASK" for a
 * mask that is not a prefix. */
static inline void ether_format_prefix(struct cabo_strbuf *out, uint32_t addr, uint32_t mask)
{
	char a[16], m[16];
	cabo_format_ip4(addr, a);
	int len = ether_mask_len(mask);
	if (len >= 0) {
		cabo_strbuf_printf(out, "%s/%d", a, len);
	} else {
		cabo_format_ip4(mask, m);
		cabo_strbuf_printf(out, "%s/%s", a, m);
	}
}

/* Handlers for a 6-byte Ethernet address field at byte offset `arg` of the
 * element's state: read prints Click's form (00-1A-2B-3C-4D-5E). */
static inline int ether_read_addr_field(struct cabo_element *e, const void *arg,
					struct cabo_strbuf *out)
{
	char buf[18];
	cabo_format_ether((const uint8_t *)e + (uintptr_t)arg, buf);
	cabo_strbuf_puts(out, buf);
	return 0;
}

static inline int ether_write_addr_field(struct cabo_element *e, const char *value,
					 const void *arg, struct cabo_errh *errh)
{
	char buf[64];
	uint8_t a[6];
	if (!cabo_copy_trimmed(value, buf, sizeof buf) || !cabo_parse_ether(buf, a))
		return cabo_errh_error(errh, "expected Ethernet address");
	memcpy((uint8_t *)e + (uintptr_t)arg, a, 6);
	return 0;
}

/* Reads an ETHERTYPE-like 16-bit unsigned argument (Click: unsigned, at most
 * 0xFFFF).  Returns false (and reports) only when present and bad. */
static inline bool ether_read_u16_arg(struct cabo_args *a, const char *kw, unsigned flags,
				      uint16_t *out, bool *present)
{
	uint64_t v;
	bool have = cabo_args_read_uint(a, kw, flags, &v);
	if (present)
		*present = have;
	if (!have)
		return true;
	if (v > 0xFFFF) {
		cabo_errh_error(a->errh, "%s: out of range (at most 0xFFFF)", kw);
		a->failed = true;
		return false;
	}
	*out = (uint16_t)v;
	return true;
}

#endif
