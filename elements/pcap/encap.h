/* Link-layer encapsulations of trace files, shared by FromDump and ToDump.
 *
 * Values are libpcap's DLT_ codes (what pcap_datalink() returns and
 * pcap_open_dead() takes); names are Click's (ENCAP keyword, `encap'
 * handler): ETHER, IP, NULL, SLL, ...; other types print as "#N" (N the DLT
 * code) and parse from "#N" or from libpcap's own names (EN10MB, LOOP). */
#ifndef CABO_ELEMENTS_PCAP_ENCAP_H
#define CABO_ELEMENTS_PCAP_ENCAP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "packet.h"

struct cabo_encap_name {
	const char *name;
	int dlt;
};

/* Click's names; the first entry for a DLT is the one printed. */
static inline const struct cabo_encap_name *cabo_encap_names(unsigned *n)
{
	static const struct cabo_encap_name names[] = {
		{ "NULL", DLT_NULL },
		{ "IP", DLT_RAW },
		{ "ETHER", DLT_EN10MB },
		{ "FDDI", DLT_FDDI },
		{ "ATM", DLT_ATM_RFC1483 },
		{ "RFC1483", DLT_ATM_RFC1483 },
		{ "ATM_RFC1483", DLT_ATM_RFC1483 },
		{ "802_11", DLT_IEEE802_11 },
		{ "802.11", DLT_IEEE802_11 },
		{ "802_11_RADIO", DLT_IEEE802_11_RADIO },
		{ "802.11_RADIO", DLT_IEEE802_11_RADIO },
		{ "SLL", DLT_LINUX_SLL },
		{ "AIRONET", DLT_AIRONET_HEADER },
		{ "HDLC", DLT_C_HDLC },
		{ "PPP_HDLC", DLT_PPP_SERIAL },
		{ "PPP", DLT_PPP },
		{ "SUNATM", DLT_SUNATM },
		{ "PRISM", DLT_PRISM_HEADER },
	};
	*n = sizeof names / sizeof names[0];
	return names;
}

/* DLT code for an ENCAP argument, or -1. */
static inline int cabo_encap_parse(const char *s)
{
	unsigned n;
	const struct cabo_encap_name *names = cabo_encap_names(&n);
	for (unsigned i = 0; i < n; i++)
		if (strcmp(s, names[i].name) == 0)
			return names[i].dlt;
	if (s[0] == '#' && s[1] >= '0' && s[1] <= '9') {
		char *end;
		unsigned long v = strtoul(s + 1, &end, 10);
		return *end || v > 0x7FFFFFFF ? -1 : (int)v;
	}
	return pcap_datalink_name_to_val(s);
}

/* Click's name for a DLT code. */
static inline void cabo_encap_unparse(int dlt, char buf[24])
{
	unsigned n;
	const struct cabo_encap_name *names = cabo_encap_names(&n);
	for (unsigned i = 0; i < n; i++)
		if (names[i].dlt == dlt) {
			snprintf(buf, 24, "%s", names[i].name);
			return;
		}
	if (dlt < 0)
		snprintf(buf, 24, "<none>");
	else
		snprintf(buf, 24, "#%d", dlt);
}

/* The link type stored in a classic pcap file header (LINKTYPE_ values)
 * as a DLT code, as libpcap maps it on this platform. */
static inline int cabo_encap_from_linktype(uint32_t linktype)
{
	linktype &= 0xFFFF;   /* the upper bits carry FCS-length information */
	switch (linktype) {
	case 101:             /* LINKTYPE_RAW */
		return DLT_RAW;
	case 100:             /* LINKTYPE_ATM_RFC1483 */
		return DLT_ATM_RFC1483;
	case 102:             /* LINKTYPE_SLIP_BSDOS */
		return DLT_SLIP_BSDOS;
	case 103:             /* LINKTYPE_PPP_BSDOS */
		return DLT_PPP_BSDOS;
	default:
		return (int)linktype;
	}
}

/* FORCE_IP: marks ip (room bytes before the end of p's data) as p's
 * network header when it starts a complete-enough IPv4 or IPv6 header,
 * with the transport header and, for IPv4, the destination address
 * annotation.  Returns false, marking nothing, otherwise. */
static inline bool cabo_encap_mark_ip(struct cabo_packet *p, const uint8_t *ip, uint32_t room)
{
	if (ip[0] >> 4 == 4) {
		uint32_t hl = (ip[0] & 0xFu) * 4u;
		if (hl < 20 || hl > room)
			return false;
		cabo_packet_set_network_header(p, ip);
		cabo_packet_set_transport_header(p, ip + hl);
		memcpy(&p->anno.dst.ip4, ip + 16, 4);
		return true;
	}
	if (ip[0] >> 4 == 6 && room >= 40) {
		cabo_packet_set_network_header(p, ip);
		cabo_packet_set_transport_header(p, ip + 40);
		return true;
	}
	return false;
}

#endif
