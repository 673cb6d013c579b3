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

struct entry {
	uint32_t dst, mask;          /* network byte order; dst is masked */
	uint8_t eth[ETHER_ALEN];
};

struct arpresponder {
	struct cabo_element e;
	struct entry *v;             /* lookup order: specific before containing */
	unsigned n, cap;
};

enum { DROP_SHORT, DROP_NOT_QUERY, DROP_NO_ENTRY, DROP_NO_BUFFER };
static const char *const arpresponder_drop_reasons[] = {
	[DROP_SHORT] = "too short", [DROP_NOT_QUERY] = "not an ARP query",
	[DROP_NO_ENTRY] = "no matching entry", [DROP_NO_BUFFER] = "no buffer", NULL,
};

/* ---- The table */

static bool contains(const struct entry *outer, const struct entry *inner)
{
	return (inner->mask & outer->mask) == outer->mask
	       && (inner->dst & outer->mask) == outer->dst;
}

/* Inserts x before the first entry whose prefix contains it, so that every
 * entry precedes the entries containing it and the first match is the most
 * specific.  A prefix already present gets x's address. */
static void table_insert(struct arpresponder *ar, const struct entry *x, struct cabo_errh *warn,
			 struct cabo_landmark where)
{
	unsigned pos = ar->n;
	for (unsigned i = 0; i < ar->n; i++) {
		struct entry *y = &ar->v[i];
		if (y->dst == x->dst && y->mask == x->mask) {
			if (warn) {
				struct cabo_strbuf sb = CABO_STRBUF_INIT;
				ether_format_prefix(&sb, x->dst, x->mask);
				cabo_errh_warning(warn, where, "multiple entries for %s",
						  cabo_strbuf_str(&sb));
				cabo_strbuf_free(&sb);
			}
			memcpy(y->eth, x->eth, ETHER_ALEN);
			return;
		}
		if (pos == ar->n && contains(y, x))
			pos = i;
	}
	if (ar->n == ar->cap) {
		ar->cap = ar->cap ? 2 * ar->cap : 8;
		ar->v = cabo_xrealloc(ar->v, ar->cap * sizeof *ar->v);
	}
	memmove(ar->v + pos + 1, ar->v + pos, (ar->n - pos) * sizeof *ar->v);
	ar->v[pos] = *x;
	ar->n++;
}

/* Parses one argument, `IP/MASK... ETH', into out (at most max entries).
 * Returns the number of prefixes, or -1 with the reason in errh. */
static int parse_arg(const char *arg, struct entry **out, const char *prefix,
		     struct cabo_errh *errh)
{
	char **words;
	unsigned nw = cabo_split_words(arg, &words);
	struct entry *v = cabo_xcalloc(nw ? nw : 1, sizeof *v);
	int n = 0;
	bool have_eth = false;
	uint8_t eth[ETHER_ALEN];
	const char *err = NULL;
	for (unsigned i = 0; i < nw && !err; i++) {
		uint32_t addr, mask;
		if (ether_parse_ip_or_prefix(words[i], &addr, &mask)) {
			v[n].dst = addr & mask;
			v[n].mask = mask;
			n++;
		} else if (cabo_parse_ether(words[i], eth)) {
			if (have_eth)
				err = "more than one ETH";
			have_eth = true;
		} else {
			err = "expected IP/MASK ETH";
		}
	}
	if (!err && n == 0)
		err = "missing IP/MASK";
	if (!err && !have_eth)
		err = "missing ETH";
	cabo_free_strings(words, nw);
	if (err) {
		free(v);
		return cabo_errh_error(errh, "%s%s", prefix, err);
	}
	for (int i = 0; i < n; i++)
		memcpy(v[i].eth, eth, ETHER_ALEN);
	*out = v;
	return n;
}

static const uint8_t *lookup(const struct arpresponder *ar, uint32_t ip)
{
	for (unsigned i = 0; i < ar->n; i++)
		if ((ip & ar->v[i].mask) == ar->v[i].dst)
			return ar->v[i].eth;
	return NULL;
}

/* ---- Configuration */

static int arpresponder_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct arpresponder *ar = (struct arpresponder *)e;
	const char *const *args;
	unsigned nargs = cabo_args_read_rest(a, &args);
	if (cabo_args_complete(a) < 0)
		return -1;
	int r = 0;
	for (unsigned i = 0; i < nargs; i++) {
		char prefix[32];
		snprintf(prefix, sizeof prefix, "argument %u: ", i);
		struct entry *v;
		int n = parse_arg(args[i], &v, prefix, a->errh);
		if (n < 0) {
			r = -1;
			continue;
		}
		for (int j = 0; j < n; j++)
			table_insert(ar, &v[j], a->errh, cabo_landmark_none());
		free(v);
	}
	return r;
}

static void arpresponder_cleanup(struct cabo_element *e)
{
	struct arpresponder *ar = (struct arpresponder *)e;
	free(ar->v);
	ar->v = NULL;
	ar->n = ar->cap = 0;
}

/* ---- Packets */

static struct cabo_packet *reject(struct cabo_element *e, struct cabo_packet *p, unsigned reason)
{
	if (e->noutputs > 1)
		cabo_output_push_one(e, 1, p);
	else
		cabo_element_drop(e, p, reason);
	return NULL;
}

static struct cabo_packet *arpresponder_simple_action(struct cabo_element *e,
						       struct cabo_packet *p)
{
	struct arpresponder *ar = (struct arpresponder *)e;
	if (p->length < ETHER_HLEN + ARP_ETHER_IP_LEN)
		return reject(e, p, DROP_SHORT);
	const uint8_t *eh = p->data, *ah = p->data + ETHER_HLEN;
	if (ether_get16(eh + ETHER_TYPE) != ETHERTYPE_ARP
	    || ether_get16(ah + ARP_HRD) != ARPHRD_ETHER
	    || ether_get16(ah + ARP_PRO) != ETHERTYPE_IP
	    || ah[ARP_HLN] != ETHER_ALEN || ah[ARP_PLN] != 4
	    || ether_get16(ah + ARP_OP) != ARPOP_REQUEST)
		return reject(e, p, DROP_NOT_QUERY);
	uint32_t tpa;
	memcpy(&tpa, ah + ARP_TPA, 4);
	const uint8_t *eth = lookup(ar, tpa);
	if (!eth)
		return reject(e, p, DROP_NO_ENTRY);

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
	q->anno.timestamp_ns = p->anno.timestamp_ns;
	q->anno.input_port = p->anno.input_port;
	q->anno.vnode = p->anno.vnode;
	set_vlan_tci_anno(q, vlan_tci_anno(p));
	cabo_packet_set_mac_header(q, qe);
	cabo_packet_set_network_header(q, qa);
	cabo_packet_free(p);
	return q;
}

/* ---- Handlers */

static int read_table(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	struct arpresponder *ar = (struct arpresponder *)e;
	for (unsigned i = 0; i < ar->n; i++) {
		char eth[18];
		ether_format_prefix(out, ar->v[i].dst, ar->v[i].mask);
		cabo_format_ether(ar->v[i].eth, eth);
		cabo_strbuf_printf(out, " %s\n", eth);
	}
	return 0;
}

static int write_add(struct cabo_element *e, const char *value, const void *arg,
		     struct cabo_errh *errh)
{
	struct arpresponder *ar = (struct arpresponder *)e;
	struct entry *v;
	int n = parse_arg(value, &v, "", errh);
	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++)
		table_insert(ar, &v[i], NULL, cabo_landmark_none());
	free(v);
	return 0;
}

static int write_remove(struct cabo_element *e, const char *value, const void *arg,
			struct cabo_errh *errh)
{
	struct arpresponder *ar = (struct arpresponder *)e;
	char buf[64];
	uint32_t addr, mask;
	if (!ether_trim(value, buf, sizeof buf) || !ether_parse_ip_or_prefix(buf, &addr, &mask))
		return cabo_errh_error(errh, "expected IP/MASK");
	addr &= mask;
	for (unsigned i = 0; i < ar->n; i++)
		if (ar->v[i].dst == addr && ar->v[i].mask == mask) {
			memmove(ar->v + i, ar->v + i + 1, (ar->n - i - 1) * sizeof *ar->v);
			ar->n--;
			return 0;
		}
	struct cabo_strbuf sb = CABO_STRBUF_INIT;
	ether_format_prefix(&sb, addr, mask);
	cabo_errh_error(errh, "%s not found", cabo_strbuf_str(&sb));
	cabo_strbuf_free(&sb);
	return -1;
}

static const struct cabo_handler arpresponder_handlers[] = {
	{ "table", read_table, NULL, NULL, 0 },
	{ "add", NULL, write_add, NULL, 0 },
	{ "remove", NULL, write_remove, NULL, 0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_ELEMENT_CLASS(arpresponder_class) = {
	.name = "ARPResponder", .port_count = "1/1-2", .processing = "a/ah",
	.size = sizeof(struct arpresponder), .configure = arpresponder_configure,
	.cleanup = arpresponder_cleanup, .simple_action = arpresponder_simple_action,
	.handlers = arpresponder_handlers, .drop_reasons = arpresponder_drop_reasons,
};
