/* Neighbor Discovery messages in Ethernet frames, as IP6NDAdvertiser and
 * IP6NDSolicitor receive them: the checks every message passes before its
 * own (RFC 4861 7.1.1, 7.1.2). */
#ifndef CABO_ELEMENTS_IP6_NDFRAME_H
#define CABO_ELEMENTS_IP6_NDFRAME_H

#include <stdint.h>

#include "../ethernet/etherhdr.h"
#include "ip6hdr.h"

enum nd_frame_check { ND_FRAME_OK, ND_FRAME_SHORT, ND_FRAME_OTHER, ND_FRAME_BAD_LEN,
		      ND_FRAME_BAD_CSUM };

/* Whether p is a frame long enough for an ND message, holding IPv6 that
 * carries ICMPv6 of `type', whose payload length (*plen) fits and whose
 * checksum is good. */
static inline enum nd_frame_check nd_check_frame(const struct cabo_packet *p, unsigned type,
						 uint32_t *plen)
{
	if (p->length < ETHER_HLEN + IP6H_LEN + ND_MSG_LEN)
		return ND_FRAME_SHORT;
	const uint8_t *eh = p->data, *ip = eh + ETHER_HLEN, *icmp = ip + IP6H_LEN;
	if (ether_get16(eh + ETHER_TYPE) != ETHERTYPE_IP6 || (ip[0] >> 4) != 6
	    || ip[IP6H_NXT] != IP6_NXT_ICMP6 || icmp[0] != type)
		return ND_FRAME_OTHER;
	*plen = get16(ip + IP6H_PLEN);
	if (*plen < ND_MSG_LEN || *plen > p->length - ETHER_HLEN - IP6H_LEN)
		return ND_FRAME_BAD_LEN;
	if (ip6_upper_cksum(ip + IP6H_SRC, ip + IP6H_DST, IP6_NXT_ICMP6, icmp, *plen) != 0)
		return ND_FRAME_BAD_CSUM;
	return ND_FRAME_OK;
}

#endif
