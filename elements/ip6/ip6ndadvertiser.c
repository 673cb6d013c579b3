/*
 * =c
 * IP6NDAdvertiser(IP6/PREFIX [IP6/PREFIX...] ETH, IP62/PREFIX2 ETH2, ...)
 * =s
 * answers IPv6 Neighbor Solicitations
 * =ports
 * 1 input, 1 or 2 outputs
 * =processing
 * agnostic, but output 1 is push
 * =d
 * Input should be Neighbor Solicitations (RFC 4861 4.3), Ethernet header
 * included: the IPv6 counterpart of ARPResponder.  When the solicitation's
 * target address falls in one of the IP6/PREFIX prefixes, IP6NDAdvertiser
 * emits a Neighbor Advertisement saying that the target is at that
 * argument's ETH, and frees the solicitation; use it for this interface's
 * own addresses and for proxy Neighbor Discovery.  Solicitations it cannot
 * answer, and packets that are not valid solicitations, go to output 1 when
 * it is connected, and are dropped otherwise (reasons `too short', `not a
 * neighbor solicitation', `invalid solicitation', `bad checksum' and `no
 * matching entry').
 *
 * Each argument is a space-separated list of one or more prefixes and one
 * Ethernet address.  A prefix is an address with a length
 * (2001:db8::/64) or a bare address (a /128).  When prefixes overlap, the
 * most specific match answers.
 *
 * A solicitation is valid (RFC 4861 7.1.1) when it has Ethernet type
 * 0x86dd, IPv6 next header 58 (no extension headers), hop limit 255, ICMPv6
 * type 135 and code 0, at least 24 ICMPv6 bytes within the payload length, a
 * correct checksum, a target that is not multicast, and options of nonzero
 * length; one from the unspecified address :: (Duplicate Address Detection)
 * must go to a solicited-node multicast address and carry no Source
 * Link-Layer Address option.
 *
 * The advertisement is a new 86-byte frame from ETH, with hop limit 255,
 * IPv6 source the target address (as in Click), the Router flag set (as in
 * Click), the Override flag set for a /128 entry (the target is this
 * interface's own address) and clear for a shorter prefix (proxy, RFC 4861
 * 7.2.8), and a Target Link-Layer Address option holding ETH.  It answers a
 * solicitation from an address with the Solicited flag, sent to that
 * address at the solicitation's Source Link-Layer Address option (or the
 * frame's Ethernet source when there is none); it answers Duplicate Address
 * Detection with the Solicited flag clear, sent to all nodes (ff02::1,
 * 33:33:00:00:00:01).  It gets the solicitation's timestamp, input port,
 * virtual node and VLAN TCI annotations.  When no packet buffer is left for
 * an advertisement, the solicitation is dropped (reason `no buffer').
 *
 * Differences from Click: Click answers only from the fixed offsets of a
 * solicitation, always with flags Router and Solicited and to the frame's
 * source, and does not check hop limit or options.
 * =h table read
 * Returns the entries, one `IP6/PREFIX ETH' line each, in lookup order.
 * =h add write
 * Adds entries, given like one configuration argument; an existing prefix
 * gets the new address.
 * =h remove write
 * Removes the entry for the prefix IP6/PREFIX; an error if there is none.
 * =e
 * Answer for this host (2001:db8::5) and, as proxy, for 2001:db8:1::/64:
 *
 *   c :: Classifier(12/86dd 20/3aff 54/87, -);
 *   nda :: IP6NDAdvertiser(2001:db8::5 2001:db8:1::/64 00:00:C0:AE:67:EF);
 *   FromDump(in.pcap, STOP true) -> c;
 *   c[0] -> nda -> ToDump(adverts.pcap);
 *   c[1] -> Discard;
 * =a
 * IP6NDSolicitor, ARPResponder
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../ethernet/etherhdr.h"
#include "../ethernet/responder.h"
#include "element.h"
#include "ip6hdr.h"
#include "ndframe.h"

enum { ADVERT_LEN = ETHER_HLEN + IP6H_LEN + ND_LEN };

struct entry {
	uint8_t eth[ETHER_ALEN];     /* first, as responder.h wants */
	uint8_t addr[IP6_ALEN];      /* masked to len */
	unsigned len;
};

enum { DROP_SHORT, DROP_NOT_SOLICIT, DROP_INVALID, DROP_BAD_CSUM, DROP_NO_ENTRY, DROP_NO_BUFFER };
static const char *const ndadv_drop_reasons[] = {
	[DROP_SHORT] = "too short", [DROP_NOT_SOLICIT] = "not a neighbor solicitation",
	[DROP_INVALID] = "invalid solicitation", [DROP_BAD_CSUM] = "bad checksum",
	[DROP_NO_ENTRY] = "no matching entry", [DROP_NO_BUFFER] = "no buffer", NULL,
};

/* ---- The table's prefixes */

/* "ADDR" (a /128) or "ADDR/LEN". */
static bool parse_prefix(const char *word, void *entry)
{
	struct entry *x = entry;
	bool ok;
	if (strchr(word, '/')) {
		ok = cabo_parse_ip6_prefix(word, x->addr, &x->len);
	} else {
		x->len = 128;
		ok = cabo_parse_ip6(word, x->addr);
	}
	if (ok)
		ip6_mask(x->addr, x->len);
	return ok;
}

static bool same_prefix(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	return x->len == y->len && memcmp(x->addr, y->addr, IP6_ALEN) == 0;
}

/* Longer prefixes first. */
static bool precedes(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	return y->len < x->len;
}

static void format_prefix(struct cabo_strbuf *out, const void *entry)
{
	const struct entry *x = entry;
	char a[40];
	cabo_format_ip6(x->addr, a);
	cabo_strbuf_printf(out, "%s/%u", a, x->len);
}

static const struct responder_family nd_family = {
	.entry_size = sizeof(struct entry), .prefix_syntax = "IP6/PREFIX",
	.parse_prefix = parse_prefix, .same_prefix = same_prefix, .precedes = precedes,
	.format_prefix = format_prefix,
};

static const struct entry *lookup(const struct responder *nd, const uint8_t *a)
{
	const struct entry *v = nd->v;
	for (unsigned i = 0; i < nd->n; i++)
		if (ip6_prefix_match(a, v[i].addr, v[i].len))
			return &v[i];
	return NULL;
}

static int ndadv_configure(struct cabo_element *e, struct cabo_args *a)
{
	((struct responder *)e)->family = &nd_family;
	return responder_configure(e, a);
}

/* ---- Packets */

static bool is_solicited_node(const uint8_t *a)
{
	static const uint8_t sn[13] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff };
	return memcmp(a, sn, sizeof sn) == 0;
}

/* Returns -1 for a valid solicitation, else the reason; *sllao is its
 * Source Link-Layer Address option's address, or NULL. */
static int check(const struct cabo_packet *p, const uint8_t **sllao)
{
	static const int reason[] = {
		[ND_FRAME_OK] = -1, [ND_FRAME_SHORT] = DROP_SHORT,
		[ND_FRAME_OTHER] = DROP_NOT_SOLICIT, [ND_FRAME_BAD_LEN] = DROP_INVALID,
		[ND_FRAME_BAD_CSUM] = DROP_BAD_CSUM,
	};
	uint32_t plen;
	enum nd_frame_check fc = nd_check_frame(p, ND_NEIGHBOR_SOLICIT, &plen);
	if (fc != ND_FRAME_OK)
		return reason[fc];
	const uint8_t *ip = p->data + ETHER_HLEN, *icmp = ip + IP6H_LEN;
	bool bad_opts;
	const uint8_t *opt = nd_find_option(icmp + ND_MSG_LEN, plen - ND_MSG_LEN,
					    ND_OPT_SOURCE_LLADDR, &bad_opts);
	bool dad = ip6_is_unspecified(ip + IP6H_SRC);
	if (ip[IP6H_HLIM] != ND_HOP_LIMIT || icmp[1] != 0 || ip6_is_multicast(icmp + ND_TARGET)
	    || bad_opts || (dad && (opt || !is_solicited_node(ip + IP6H_DST))))
		return DROP_INVALID;
	*sllao = opt && opt[1] == 1 ? opt + 2 : NULL;
	return -1;
}

static struct cabo_packet *ndadv_simple_action(struct cabo_element *e, struct cabo_packet *p)
{
	struct responder *nd = (struct responder *)e;
	const uint8_t *sllao = NULL;
	int reason = check(p, &sllao);
	if (reason >= 0)
		return cabo_element_reject(e, p, (unsigned)reason);
	const uint8_t *eh = p->data, *ip = eh + ETHER_HLEN, *icmp = ip + IP6H_LEN;
	const uint8_t *target = icmp + ND_TARGET;
	const struct entry *x = lookup(nd, target);
	if (!x)
		return cabo_element_reject(e, p, DROP_NO_ENTRY);

	struct cabo_packet *q = cabo_packet_alloc(cabo_element_pool(e), ADVERT_LEN);
	if (!q) {
		cabo_element_drop(e, p, DROP_NO_BUFFER);
		return NULL;
	}
	static const uint8_t all_nodes[IP6_ALEN] = { 0xff, 0x02, [15] = 1 };
	bool dad = ip6_is_unspecified(ip + IP6H_SRC);
	const uint8_t *dst = dad ? all_nodes : ip + IP6H_SRC;
	uint8_t *qe = q->data, *qip = qe + ETHER_HLEN, *qicmp = qip + IP6H_LEN;
	if (dad)
		ip6_multicast_ether(all_nodes, qe + ETHER_DST);
	else
		memcpy(qe + ETHER_DST, sllao ? sllao : eh + ETHER_SRC, ETHER_ALEN);
	memcpy(qe + ETHER_SRC, x->eth, ETHER_ALEN);
	ether_put16(qe + ETHER_TYPE, ETHERTYPE_IP6);
	ip6_fill_header(qip, ND_LEN, IP6_NXT_ICMP6, ND_HOP_LIMIT, target, dst);
	memset(qicmp, 0, ND_LEN);
	qicmp[0] = ND_NEIGHBOR_ADVERT;
	qicmp[4] = ND_NA_ROUTER | (dad ? 0 : ND_NA_SOLICITED) | (x->len == 128 ? ND_NA_OVERRIDE : 0);
	memcpy(qicmp + ND_TARGET, target, IP6_ALEN);
	qicmp[ND_MSG_LEN] = ND_OPT_TARGET_LLADDR;
	qicmp[ND_MSG_LEN + 1] = 1;
	memcpy(qicmp + ND_MSG_LEN + 2, x->eth, ETHER_ALEN);
	put16(qicmp + ICMP6_SUM, ip6_upper_cksum(qip + IP6H_SRC, qip + IP6H_DST, IP6_NXT_ICMP6,
						 qicmp, ND_LEN));
	responder_copy_annos(q, p);
	cabo_packet_set_mac_header(q, qe);
	cabo_packet_set_network_header(q, qip);
	cabo_packet_set_transport_header(q, qicmp);
	cabo_packet_free(p);
	return q;
}

CABO_ELEMENT_CLASS(ip6ndadvertiser_class) = {
	.name = "IP6NDAdvertiser", .port_count = "1/1-2", .processing = "a/ah",
	.size = sizeof(struct responder), .configure = ndadv_configure,
	.cleanup = responder_cleanup, .simple_action = ndadv_simple_action,
	.handlers = responder_handlers, .drop_reasons = ndadv_drop_reasons,
};
