/*
 * =c
 * ARPResponder(IP/MASK [IP/MASK...] ETH, IP2/MASK2 ETH2, ...)
 * =s
 * generates responses to ARP queries
 * =ports
 * 1 input, 1 or 2 outputs
 * =processing
 * agnostic, but output 1 is push
 * =d
 * Input should be ARP request packets, Ethernet header included.  When the
 * requested IP address (the query's target protocol address) falls in one of
 * the IP/MASK prefixes, ARPResponder emits an ARP reply saying that the
 * address is at that argument's ETH, and frees the query; use it for this
 * host's own addresses and for proxy ARP.  Queries it cannot answer, and
 * packets that are not Ethernet/IPv4 ARP requests, go to output 1 when it is
 * connected, and are dropped otherwise (reasons `too short', `not an ARP
 * query' and `no matching entry').
 *
 * Each argument is a space-separated list of one or more IP/MASK prefixes
 * and one Ethernet address.  A prefix is an address with a CIDR length
 * (18.26.7.0/24), a dotted mask (18.26.7.0/255.255.255.0), or a bare address
 * (a /32).  When prefixes overlap, the most specific match answers; when
 * the same prefix appears twice, the later one wins (with a warning).
 *
 * A reply is a new 42-byte packet: Ethernet destination and target hardware
 * address are the query's sender hardware address, the source and sender
 * hardware address are ETH, the sender protocol address is the address
 * asked for, the target protocol address the query's sender protocol address.
 * It gets the query's timestamp, input port (Click's device) and VLAN TCI
 * annotations, so VLANEncap(ANNO) can tag it like the query.
 *
 * A query is an Ethernet/IPv4 ARP request of at least 42 bytes: type 0x0806,
 * hardware type 1, protocol type 0x0800, address lengths 6 and 4, operation
 * 1 (Click does not check the address lengths).  When no packet buffer is
 * left for a reply, the query is dropped (reason `no buffer').
 * =h table read
 * Returns the entries, one `IP/LEN ETH' line each, in lookup order.
 * =h add write
 * Adds entries, given like one configuration argument (`IP/MASK... ETH');
 * an existing prefix gets the new address.
 * =h remove write
 * Removes the entry for the prefix IP/MASK; an error if there is none.
 * =e
 * Answer for this host (18.26.4.24) and, as proxy ARP, for 18.26.7.0/24:
 *
 *   c :: Classifier(12/0806 20/0001, -);
 *   ar :: ARPResponder(18.26.4.24 18.26.7.0/24 00:00:C0:AE:67:EF);
 *   FromDump(in.pcap, STOP true) -> c;
 *   c[0] -> ar -> ToDump(replies.pcap);
 *   c[1] -> Discard;
 * =a
 * ARPQuerier, ARPPrint, Classifier
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "element.h"
#include "etherhdr.h"
#include "responder.h"

struct entry {
	uint8_t eth[ETHER_ALEN];     /* first, as responder.h wants */
	uint32_t dst, mask;          /* network byte order; dst is masked */
};

enum { DROP_SHORT, DROP_NOT_QUERY, DROP_NO_ENTRY, DROP_NO_BUFFER };
static const char *const arpresponder_drop_reasons[] = {
	[DROP_SHORT] = "too short", [DROP_NOT_QUERY] = "not an ARP query",
	[DROP_NO_ENTRY] = "no matching entry", [DROP_NO_BUFFER] = "no buffer", NULL,
};

/* ---- The table's prefixes */

static bool parse_prefix(const char *word, void *entry)
{
	struct entry *x = entry;
	uint32_t addr, mask;
	if (!ether_parse_ip_or_prefix(word, &addr, &mask))
		return false;
	x->dst = addr & mask;
	x->mask = mask;
	return true;
}

static bool same_prefix(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	return x->dst == y->dst && x->mask == y->mask;
}

/* Every entry precedes the entries containing it. */
static bool precedes(const void *inner_entry, const void *outer_entry)
{
	const struct entry *inner = inner_entry, *outer = outer_entry;
	return (inner->mask & outer->mask) == outer->mask
	       && (inner->dst & outer->mask) == outer->dst;
}

static void format_prefix(struct cabo_strbuf *out, const void *entry)
{
	const struct entry *x = entry;
	ether_format_prefix(out, x->dst, x->mask);
}

static const struct responder_family arp_family = {
	.entry_size = sizeof(struct entry), .prefix_syntax = "IP/MASK", .warn_duplicates = true,
	.parse_prefix = parse_prefix, .same_prefix = same_prefix, .precedes = precedes,
	.format_prefix = format_prefix,
};

static const uint8_t *lookup(const struct responder *ar, uint32_t ip)
{
	const struct entry *v = ar->v;
	for (unsigned i = 0; i < ar->n; i++)
		if ((ip & v[i].mask) == v[i].dst)
			return v[i].eth;
	return NULL;
}

static int arpresponder_configure(struct cabo_element *e, struct cabo_args *a)
{
	((struct responder *)e)->family = &arp_family;
	return responder_configure(e, a);
}

/* ---- Packets */

static struct cabo_packet *arpresponder_simple_action(struct cabo_element *e,
						       struct cabo_packet *p)
{
	struct responder *ar = (struct responder *)e;
	if (p->length < ETHER_HLEN + ARP_ETHER_IP_LEN)
		return cabo_element_reject(e, p, DROP_SHORT);
	const uint8_t *eh = p->data, *ah = p->data + ETHER_HLEN;
	if (ether_get16(eh + ETHER_TYPE) != ETHERTYPE_ARP
	    || ether_get16(ah + ARP_HRD) != ARPHRD_ETHER
	    || ether_get16(ah + ARP_PRO) != ETHERTYPE_IP
	    || ah[ARP_HLN] != ETHER_ALEN || ah[ARP_PLN] != 4
	    || ether_get16(ah + ARP_OP) != ARPOP_REQUEST)
		return cabo_element_reject(e, p, DROP_NOT_QUERY);
	uint32_t tpa;
	memcpy(&tpa, ah + ARP_TPA, 4);
	const uint8_t *eth = lookup(ar, tpa);
	if (!eth)
		return cabo_element_reject(e, p, DROP_NO_ENTRY);

	struct cabo_packet *q = cabo_packet_alloc(cabo_element_pool(e), ETHER_HLEN + ARP_ETHER_IP_LEN);
	if (!q) {
		cabo_element_drop(e, p, DROP_NO_BUFFER);
		return NULL;
	}
	uint8_t *qe = q->data, *qa = q->data + ETHER_HLEN;
	memcpy(qe + ETHER_DST, ah + ARP_SHA, ETHER_ALEN);
	memcpy(qe + ETHER_SRC, eth, ETHER_ALEN);
	ether_put16(qe + ETHER_TYPE, ETHERTYPE_ARP);
	ether_put16(qa + ARP_HRD, ARPHRD_ETHER);
	ether_put16(qa + ARP_PRO, ETHERTYPE_IP);
	qa[ARP_HLN] = ETHER_ALEN;
	qa[ARP_PLN] = 4;
	ether_put16(qa + ARP_OP, ARPOP_REPLY);
	memcpy(qa + ARP_SHA, eth, ETHER_ALEN);
	memcpy(qa + ARP_SPA, ah + ARP_TPA, 4);
	memcpy(qa + ARP_THA, ah + ARP_SHA, ETHER_ALEN);
	memcpy(qa + ARP_TPA, ah + ARP_SPA, 4);
	responder_copy_annos(q, p);
	cabo_packet_set_mac_header(q, qe);
	cabo_packet_set_network_header(q, qa);
	cabo_packet_free(p);
	return q;
}

CABO_ELEMENT_CLASS(arpresponder_class) = {
	.name = "ARPResponder", .port_count = "1/1-2", .processing = "a/ah",
	.size = sizeof(struct responder), .configure = arpresponder_configure,
	.cleanup = responder_cleanup, .simple_action = arpresponder_simple_action,
	.handlers = responder_handlers, .drop_reasons = arpresponder_drop_reasons,
};
