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
#include "element.h"
#include "ip6hdr.h"

enum { ADVERT_LEN = ETHER_HLEN + IP6H_LEN + ND_LEN };

struct entry {
	uint8_t addr[IP6_ALEN];      /* masked to len */
	unsigned len;
	uint8_t eth[ETHER_ALEN];
};

struct ndadv {
	struct cabo_element e;
	struct entry *v;             /* lookup order: longer prefixes first */
	unsigned n, cap;
};

enum { DROP_SHORT, DROP_NOT_SOLICIT, DROP_INVALID, DROP_BAD_CSUM, DROP_NO_ENTRY, DROP_NO_BUFFER };
static const char *const ndadv_drop_reasons[] = {
	[DROP_SHORT] = "too short", [DROP_NOT_SOLICIT] = "not a neighbor solicitation",
	[DROP_INVALID] = "invalid solicitation", [DROP_BAD_CSUM] = "bad checksum",
	[DROP_NO_ENTRY] = "no matching entry", [DROP_NO_BUFFER] = "no buffer", NULL,
};

/* ---- The table */

/* Inserts x before the first entry with a shorter prefix, so the first
 * match is the most specific; a prefix already present gets x's address. */
static void table_insert(struct ndadv *nd, const struct entry *x)
{
	unsigned pos = nd->n;
	for (unsigned i = 0; i < nd->n; i++) {
		struct entry *y = &nd->v[i];
		if (y->len == x->len && memcmp(y->addr, x->addr, IP6_ALEN) == 0) {
			memcpy(y->eth, x->eth, ETHER_ALEN);
			return;
		}
		if (pos == nd->n && y->len < x->len)
			pos = i;
	}
	if (nd->n == nd->cap) {
		nd->cap = nd->cap ? 2 * nd->cap : 8;
		nd->v = cabo_xrealloc(nd->v, nd->cap * sizeof *nd->v);
	}
	memmove(nd->v + pos + 1, nd->v + pos, (nd->n - pos) * sizeof *nd->v);
	nd->v[pos] = *x;
	nd->n++;
}

/* "ADDR" (a /128) or "ADDR/LEN". */
static bool parse_prefix(const char *s, uint8_t *addr, unsigned *len)
{
	if (strchr(s, '/'))
		return cabo_parse_ip6_prefix(s, addr, len);
	*len = 128;
	return cabo_parse_ip6(s, addr);
}

/* Parses one argument, `PREFIX... ETH', into *out.  Returns the number of
 * prefixes, or -1 with the reason in errh. */
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
		if (parse_prefix(words[i], v[n].addr, &v[n].len)) {
			ip6_mask(v[n].addr, v[n].len);
			n++;
		} else if (cabo_parse_ether(words[i], eth)) {
			if (have_eth)
				err = "more than one ETH";
			have_eth = true;
		} else {
			err = "expected IP6/PREFIX ETH";
		}
	}
	if (!err && n == 0)
		err = "missing IP6/PREFIX";
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

static const struct entry *lookup(const struct ndadv *nd, const uint8_t *a)
{
	for (unsigned i = 0; i < nd->n; i++)
		if (ip6_prefix_match(a, nd->v[i].addr, nd->v[i].len))
			return &nd->v[i];
	return NULL;
}

/* ---- Configuration */

static int ndadv_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct ndadv *nd = (struct ndadv *)e;
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
			table_insert(nd, &v[j]);
		free(v);
	}
	return r;
}

static void ndadv_cleanup(struct cabo_element *e)
{
	struct ndadv *nd = (struct ndadv *)e;
	free(nd->v);
	nd->v = NULL;
	nd->n = nd->cap = 0;
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

static bool is_solicited_node(const uint8_t *a)
{
	static const uint8_t sn[13] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff };
	return memcmp(a, sn, sizeof sn) == 0;
}

/* Returns -1 for a valid solicitation, else the reason; *sllao is its
 * Source Link-Layer Address option's address, or NULL. */
static int check(const struct cabo_packet *p, const uint8_t **sllao)
{
	if (p->length < ETHER_HLEN + IP6H_LEN + ND_MSG_LEN)
		return DROP_SHORT;
	const uint8_t *eh = p->data, *ip = eh + ETHER_HLEN, *icmp = ip + IP6H_LEN;
	if (ether_get16(eh + ETHER_TYPE) != ETHERTYPE_IP6 || (ip[0] >> 4) != 6
	    || ip[IP6H_NXT] != IP6_NXT_ICMP6 || icmp[0] != ND_NEIGHBOR_SOLICIT)
		return DROP_NOT_SOLICIT;
	uint32_t plen = get16(ip + IP6H_PLEN);
	if (plen < ND_MSG_LEN || plen > p->length - ETHER_HLEN - IP6H_LEN)
		return DROP_INVALID;
	if (ip6_upper_cksum(ip + IP6H_SRC, ip + IP6H_DST, IP6_NXT_ICMP6, icmp, plen) != 0)
		return DROP_BAD_CSUM;
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
	struct ndadv *nd = (struct ndadv *)e;
	const uint8_t *sllao = NULL;
	int reason = check(p, &sllao);
	if (reason >= 0)
		return reject(e, p, (unsigned)reason);
	const uint8_t *eh = p->data, *ip = eh + ETHER_HLEN, *icmp = ip + IP6H_LEN;
	const uint8_t *target = icmp + ND_TARGET;
	const struct entry *x = lookup(nd, target);
	if (!x)
		return reject(e, p, DROP_NO_ENTRY);

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
	q->anno.timestamp_ns = p->anno.timestamp_ns;
	q->anno.input_port = p->anno.input_port;
	q->anno.vnode = p->anno.vnode;
	set_vlan_tci_anno(q, vlan_tci_anno(p));
	cabo_packet_set_mac_header(q, qe);
	cabo_packet_set_network_header(q, qip);
	cabo_packet_set_transport_header(q, qicmp);
	cabo_packet_free(p);
	return q;
}

/* ---- Handlers */

static void format_entry(struct cabo_strbuf *out, const struct entry *x)
{
	char a[40], m[18];
	cabo_format_ip6(x->addr, a);
	cabo_format_ether(x->eth, m);
	cabo_strbuf_printf(out, "%s/%u %s\n", a, x->len, m);
}

static int read_table(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	struct ndadv *nd = (struct ndadv *)e;
	for (unsigned i = 0; i < nd->n; i++)
		format_entry(out, &nd->v[i]);
	return 0;
}

static int write_add(struct cabo_element *e, const char *value, const void *arg,
		     struct cabo_errh *errh)
{
	struct ndadv *nd = (struct ndadv *)e;
	struct entry *v;
	int n = parse_arg(value, &v, "", errh);
	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++)
		table_insert(nd, &v[i]);
	free(v);
	return 0;
}

static int write_remove(struct cabo_element *e, const char *value, const void *arg,
			struct cabo_errh *errh)
{
	struct ndadv *nd = (struct ndadv *)e;
	char buf[64];
	uint8_t addr[IP6_ALEN];
	unsigned len;
	if (!ether_trim(value, buf, sizeof buf) || !parse_prefix(buf, addr, &len))
		return cabo_errh_error(errh, "expected IP6/PREFIX");
	ip6_mask(addr, len);
	for (unsigned i = 0; i < nd->n; i++)
		if (nd->v[i].len == len && memcmp(nd->v[i].addr, addr, IP6_ALEN) == 0) {
			memmove(nd->v + i, nd->v + i + 1, (nd->n - i - 1) * sizeof *nd->v);
			nd->n--;
			return 0;
		}
	char a[40];
	cabo_format_ip6(addr, a);
	return cabo_errh_error(errh, "%s/%u not found", a, len);
}

static const struct cabo_handler ndadv_handlers[] = {
	{ "table", read_table, NULL, NULL, 0 },
	{ "add", NULL, write_add, NULL, 0 },
	{ "remove", NULL, write_remove, NULL, 0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_ELEMENT_CLASS(ip6ndadvertiser_class) = {
	.name = "IP6NDAdvertiser", .port_count = "1/1-2", .processing = "a/ah",
	.size = sizeof(struct ndadv), .configure = ndadv_configure,
	.cleanup = ndadv_cleanup, .simple_action = ndadv_simple_action,
	.handlers = ndadv_handlers, .drop_reasons = ndadv_drop_reasons,
};
