/*
 * =c
 * IP6NDSolicitor(IP, ETH, KEYWORDS)
 * =s
 * encapsulates IPv6 packets in Ethernet headers found via Neighbor Discovery
 * =ports
 * 2 inputs, 1 or 2 outputs
 * =processing
 * push
 * =d
 * Handles address resolution of the IPv6 Neighbor Discovery protocol (RFC
 * 4861 section 7.2) for a host or router interface whose IPv6 address is IP
 * and whose Ethernet address is ETH: the IPv6 counterpart of ARPQuerier.
 *
 * Packets arriving on input 0 should be IPv6 packets (the data starting at
 * the IPv6 header) with their destination address annotation set (by
 * CheckIP6Header or a route lookup); that address is the next hop to
 * resolve.  IP6NDSolicitor puts an Ethernet header (type 0x86dd, source
 * ETH) in front of each.  When the next hop's Ethernet address is known, the
 * packet goes out on output 0 at once.  Otherwise the packet is saved in the
 * next hop's queue and a Neighbor Solicitation is emitted: from IP to the
 * next hop's solicited-node multicast address ff02::1:ffXX:XXXX (Ethernet
 * destination 33:33:ff:XX:XX:XX), hop limit 255, with a Source Link-Layer
 * Address option holding ETH.  When a Neighbor Advertisement for that
 * address arrives on input 1, the mapping is recorded and the saved packets
 * go out on output 0, in the order they arrived.  Solicitations go to output
 * 1 when it exists, else to output 0 with the IPv6 packets.
 *
 * Input 1 takes Neighbor Advertisements, Ethernet header included, and
 * validates them as RFC 4861 7.1.2 says: Ethernet type 0x86dd, IPv6 with next
 * header 58 (no extension headers), hop limit 255, ICMPv6 type 136 and code
 * 0, at least 24 bytes, a correct checksum, a target that is not multicast,
 * the Solicited flag clear when sent to a multicast address, and options of
 * nonzero length.  A valid advertisement updates the entry of its target
 * address if there is one (RFC 4861 7.2.5; others are counted as `unwanted
 * advertisement'): an entry still being resolved takes the Target
 * Link-Layer Address option's Ethernet address (an advertisement without one
 * is dropped) and becomes known; a known entry takes a new address only when
 * the Override flag is set, and is confirmed (its TIMEOUT restarts) when the
 * Solicited flag is set.  Packets on input 1 are always consumed; invalid
 * ones are counted under their drop reasons (but not in `drops', which counts
 * IPv6 packets).
 *
 * Special destinations: multicast addresses (ff00::/8) go to 33:33:XX:XX:XX:XX
 * with the address's last four bytes (RFC 2464); no solicitation is sent.
 * The unspecified address :: (a missing annotation) is dropped.
 *
 * Solicitations for one address are sent at most once per RETRANS_TIMER.
 * While an address is unresolved, a timer resends the solicitation every
 * RETRANS_TIMER; when MAX_MULTICAST_SOLICIT solicitations have gone
 * unanswered for RETRANS_TIMER, resolution has failed: the saved packets are
 * dropped (reason `resolution failed') and the entry deleted (RFC 4861 7.3.3;
 * Click sends a solicitation for every packet and keeps waiting).  A known
 * entry older than POLL_TIMEOUT is refreshed: the next packet for it
 * triggers a solicitation sent straight to the known addresses (a unicast
 * Neighbor Unreachability Detection probe) while the packet itself still
 * goes out.  An entry expires TIMEOUT after it was last confirmed and is
 * deleted.
 *
 * Saved packets are bounded by CAPACITY in total and by
 * ENTRY_PACKET_CAPACITY per address.  When a new packet exceeds CAPACITY,
 * the oldest saved packet of the oldest entry is dropped (reason `queue
 * full'); when an address's queue is full, its oldest packet makes room for
 * the new one (RFC 4861 7.2.2; reason `entry queue full').  When a new address
 * exceeds ENTRY_CAPACITY, the oldest entry is deleted with its packets
 * (reason `entry evicted').  Packets dropped for lack of a buffer (`no
 * buffer'), for destination :: (`zero destination'), or by the `delete' and
 * `clear' handlers (`entry deleted') count in `drops' too.
 *
 * Click's IP6NDSolicitor takes IP and ETH only, saves one packet per
 * address, and expires entries after 2 minutes, polling after 1 minute; the
 * other keywords are Cabo's, with defaults that keep Click's timeouts.
 * =k IP
 * IPv6 address of this interface: the source of solicitations.
 * =k ETH
 * Ethernet address of this interface.
 * =k CAPACITY
 * Unsigned integer: the most packets saved at once, over all addresses; 0
 * means unlimited.  Default 2048.
 * =k ENTRY_CAPACITY
 * Unsigned integer: the most entries; 0 means unlimited (the default).
 * =k ENTRY_PACKET_CAPACITY
 * Unsigned integer: the most packets saved for one address; 0 means
 * unlimited (the default).
 * =k TIMEOUT
 * Time an entry stays valid after it was confirmed; 0 means forever.
 * Default 2min.
 * =k POLL_TIMEOUT
 * Age after which a known entry is refreshed by a unicast solicitation; 0
 * means never.  Default 1min.
 * =k RETRANS_TIMER
 * Time between solicitations for one address (RFC 4861 RetransTimer),
 * more than 0.  Default 1s.
 * =k MAX_MULTICAST_SOLICIT
 * Unsigned integer from 1 to 255: solicitations sent before resolution
 * fails.  Default 3.
 * =h table read
 * Returns the entries, oldest first, one line each in Click's format: the
 * IPv6 address, 1 if the entry is known (and not expired) or 0, and its
 * Ethernet address (00-00-00-00-00-00 while unknown).
 * =h stats read
 * Returns `N packets killed' and `N ND Solicitation Message sent', one a
 * line (Click's format).
 * =h queries read
 * Returns the number of solicitations sent.
 * =h responses read
 * Returns the number of valid advertisements received on input 1.
 * =h drops read
 * Returns the number of IPv6 packets dropped.
 * =h count read
 * Returns the number of entries.
 * =h length read
 * Returns the number of saved packets.
 * =h insert write
 * Takes `IP ETH': records that IP is at ETH (as an advertisement would) and
 * sends the packets waiting for IP.
 * =h delete write
 * Takes an IPv6 address: deletes its entry, dropping its saved packets.
 * =h clear write
 * Deletes every entry (dropping saved packets) and resets `queries',
 * `responses' and `drops' to 0.
 * =e
 *   c :: Classifier(12/86dd 20/3aff 54/87, 12/86dd 20/3aff 54/88, 12/86dd);
 *   nds :: IP6NDSolicitor(2001:db8::1, 00:e0:29:05:e5:6f);
 *   nda :: IP6NDAdvertiser(2001:db8::1 00:e0:29:05:e5:6f);
 *   FromDevice(eth0) -> c;
 *   c[0] -> nda -> out;
 *   c[1] -> [1] nds;
 *   c[2] -> Strip(14) -> CheckIP6Header -> ... -> [0] nds;
 *   nds -> out :: Queue -> ToDevice(eth0);
 * =a
 * IP6NDAdvertiser, ARPQuerier, CheckIP6Header
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../ethernet/etherhdr.h"
#include "../ethernet/neighbors.h"
#include "element.h"
#include "ip6hdr.h"
#include "ndframe.h"
#include "task.h"

enum { SOLICIT_LEN = ETHER_HLEN + IP6H_LEN + ND_LEN };

static const int64_t SEC = 1000000000;

struct ndsol {
	struct cabo_element e;
	/* Configuration */
	uint8_t my_ip[IP6_ALEN];
	uint8_t my_en[ETHER_ALEN];
	uint32_t capacity, entry_capacity, entry_packet_capacity;
	int64_t poll_timeout_ns, retrans_ns;
	uint8_t max_solicit;
	/* The table (its TIMEOUT is nc.timeout_ns) */
	struct nbr_cache nc;
	struct cabo_timer timer;
	bool timer_ready;
	uint8_t (*pending)[IP6_ALEN];   /* timer: addresses to solicit */
	uint32_t npending_cap;
};

enum {
	DROP_NO_BUFFER, DROP_ZERO_DST, DROP_QUEUE_FULL, DROP_ENTRY_FULL, DROP_FAILED,
	DROP_EXPIRED, DROP_EVICTED, DROP_DELETED, DROP_NOT_ADVERT, DROP_BAD_CSUM,
	DROP_INVALID, DROP_NO_LLADDR, DROP_UNWANTED,
};
static const char *const ndsol_drop_reasons[] = {
	[DROP_NO_BUFFER] = "no buffer", [DROP_ZERO_DST] = "zero destination",
	[DROP_QUEUE_FULL] = "queue full", [DROP_ENTRY_FULL] = "entry queue full",
	[DROP_FAILED] = "resolution failed", [DROP_EXPIRED] = "entry expired",
	[DROP_EVICTED] = "entry evicted", [DROP_DELETED] = "entry deleted",
	[DROP_NOT_ADVERT] = "not an advertisement", [DROP_BAD_CSUM] = "bad checksum",
	[DROP_INVALID] = "invalid advertisement",
	[DROP_NO_LLADDR] = "no target link-layer address",
	[DROP_UNWANTED] = "unwanted advertisement", NULL,
};

/* ---- Table */

static inline struct nbr_entry *find(const struct ndsol *nd, const uint8_t *ip)
{
	return nbr_find(&nd->nc, ip, IP6_ALEN);
}

static inline bool allow_probe(const struct ndsol *nd, const struct nbr_entry *ae, int64_t now)
{
	return now >= ae->probed_ns + nd->retrans_ns;
}

static void schedule(struct ndsol *nd, int64_t when)
{
	if (!nd->timer_ready)
		return;
	if (!cabo_timer_scheduled(&nd->timer) || nd->timer.expiry_ns > when)
		cabo_timer_schedule_at(&nd->timer, when);
}

static void mark_probe(struct ndsol *nd, struct nbr_entry *ae, int64_t now)
{
	nbr_mark_probe(ae, now);
	if (!ae->known)
		schedule(nd, now + nd->retrans_ns);
}

/* The entry for ip, created (unknown, at the tail of the age list) if need
 * be; the oldest entry goes when ENTRY_CAPACITY is exceeded. */
static struct nbr_entry *ensure(struct ndsol *nd, const uint8_t *ip, int64_t now)
{
	struct nbr_entry *ae = find(nd, ip);
	if (ae)
		return ae;
	if (nd->entry_capacity && nd->nc.entry_count >= nd->entry_capacity && nd->nc.age_head)
		nbr_delete(&nd->nc, nd->nc.age_head, DROP_EVICTED);
	ae = nbr_add(&nd->nc, ip);
	ae->live_ns = now;
	ae->probed_ns = now - nd->retrans_ns;
	return ae;
}

/* Records that ip is at eth and confirmed now (an advertisement or
 * `insert'). */
static void confirm(struct ndsol *nd, struct nbr_entry *ae, const uint8_t *eth, int64_t now)
{
	nbr_confirm(&nd->nc, ae, eth, now, now - nd->retrans_ns);
	if (nd->nc.timeout_ns)
		schedule(nd, now + nd->nc.timeout_ns + 1);
}

/* ---- Solicitations (RFC 4861 4.3) */

/* Stages a Neighbor Solicitation for target: to its solicited-node
 * multicast address, or (dst_eth set) straight to it. */
static void send_solicit(struct ndsol *nd, const uint8_t *target, const uint8_t *dst_eth,
			 const struct cabo_packet *cause, struct nbr_out *o)
{
	struct cabo_packet *q = cabo_packet_alloc(cabo_element_pool(&nd->e), SOLICIT_LEN);
	if (!q)
		return;
	bool sllao = !ip6_is_unspecified(nd->my_ip);   /* RFC 4861 4.3: not from :: */
	uint32_t icmp_len = sllao ? ND_LEN : ND_MSG_LEN;
	q->length = ETHER_HLEN + IP6H_LEN + icmp_len;
	uint8_t *eh = q->data, *ip = eh + ETHER_HLEN, *icmp = ip + IP6H_LEN;
	uint8_t dst[IP6_ALEN];
	if (dst_eth) {
		memcpy(eh + ETHER_DST, dst_eth, ETHER_ALEN);
		memcpy(dst, target, IP6_ALEN);
	} else {
		ip6_solicited_node(target, dst);
		ip6_multicast_ether(dst, eh + ETHER_DST);
	}
	memcpy(eh + ETHER_SRC, nd->my_en, ETHER_ALEN);
	ether_put16(eh + ETHER_TYPE, ETHERTYPE_IP6);
	ip6_fill_header(ip, (uint16_t)icmp_len, IP6_NXT_ICMP6, ND_HOP_LIMIT, nd->my_ip, dst);
	memset(icmp, 0, icmp_len);
	icmp[0] = ND_NEIGHBOR_SOLICIT;
	memcpy(icmp + ND_TARGET, target, IP6_ALEN);
	if (sllao) {
		icmp[ND_MSG_LEN] = ND_OPT_SOURCE_LLADDR;
		icmp[ND_MSG_LEN + 1] = 1;
		memcpy(icmp + ND_MSG_LEN + 2, nd->my_en, ETHER_ALEN);
	}
	put16(icmp + ICMP6_SUM, ip6_upper_cksum(ip + IP6H_SRC, ip + IP6H_DST, IP6_NXT_ICMP6,
						icmp, icmp_len));
	if (cause) {
		q->anno.timestamp_ns = cause->anno.timestamp_ns;
		q->anno.vnode = cause->anno.vnode;
		set_vlan_tci_anno(q, vlan_tci_anno(cause));
	} else {
		q->anno.timestamp_ns = cabo_element_now(&nd->e);
	}
	cabo_packet_set_mac_header(q, eh);
	cabo_packet_set_network_header(q, ip);
	cabo_packet_set_transport_header(q, icmp);
	nbr_out_query(&nd->nc, o, q);
}

/* ---- IPv6 packets */

/* Saves p (its Ethernet header in place) for ae's address; p is consumed. */
static void save_packet(struct ndsol *nd, struct nbr_entry *ae, struct cabo_packet *p)
{
	struct nbr_cache *c = &nd->nc;
	if (nd->entry_packet_capacity && ae->npackets >= nd->entry_packet_capacity)
		nbr_drop(c, nbr_pop(c, ae), DROP_ENTRY_FULL);
	if (nd->capacity && c->packet_count >= nd->capacity) {
		struct nbr_entry *old = c->age_head;
		while (old && old->head < 0)
			old = old->anext;
		if (old)
			nbr_drop(c, nbr_pop(c, old), DROP_QUEUE_FULL);
	}
	nbr_save(c, ae, p);
}

/* Sends p on, saves it, or drops it.  `has_header': p is a saved packet
 * whose Ethernet header is already in place. */
static void handle_ip(struct ndsol *nd, struct cabo_packet *p, bool has_header, int64_t now,
		      struct nbr_out *o)
{
	if (!has_header) {
		p = cabo_packet_push(p, ETHER_HLEN);
		if (!p) {
			nd->nc.drops++;
			cabo_element_count_drop(&nd->e, DROP_NO_BUFFER);
			return;
		}
		ether_put16(p->data + ETHER_TYPE, ETHERTYPE_IP6);
		cabo_packet_set_mac_header(p, p->data);
	}
	uint8_t *eh = p->data;
	const uint8_t *dst = p->anno.dst.ip6;
	if (ip6_is_multicast(dst)) {
		ip6_multicast_ether(dst, eh + ETHER_DST);
	} else if (ip6_is_unspecified(dst)) {
		nbr_drop(&nd->nc, p, DROP_ZERO_DST);
		return;
	} else {
		struct nbr_entry *ae = find(nd, dst);
		if (!ae || !nbr_known(&nd->nc, ae, now)) {
			if (!ae) {
				ae = ensure(nd, dst, now);
			} else if (ae->known) {
				/* expired: resolve again from scratch */
				ae->known = false;
				ae->probes = 0;
				ae->live_ns = now;
				memset(ae->eth, 0, ETHER_ALEN);
			}
			save_packet(nd, ae, p);
			if (allow_probe(nd, ae, now)) {
				mark_probe(nd, ae, now);
				send_solicit(nd, dst, NULL, p, o);
			}
			return;
		}
		memcpy(eh + ETHER_DST, ae->eth, ETHER_ALEN);
		if (nd->poll_timeout_ns && now >= ae->live_ns + nd->poll_timeout_ns
		    && allow_probe(nd, ae, now)) {
			mark_probe(nd, ae, now);
			send_solicit(nd, ae->addr, ae->eth, p, o);
		}
	}
	/* Our address goes in last, in case ETH changed while it waited. */
	memcpy(eh + ETHER_SRC, nd->my_en, ETHER_ALEN);
	nbr_out_add(o, p, 0);
}

/* Sends the packets saved for ip, now known, a chunk at a time: pushing
 * them may come back into this element, so the entry is looked up again
 * after each chunk. */
static void release(struct ndsol *nd, const uint8_t *ip_in, struct nbr_out *o)
{
	uint8_t ip[IP6_ALEN];
	memcpy(ip, ip_in, IP6_ALEN);
	nbr_out_flush(&nd->nc, o);
	for (;;) {
		int64_t now = cabo_element_now(&nd->e);
		struct cabo_packet *chunk[NBR_CHUNK];
		unsigned n = nbr_take_known(&nd->nc, ip, now, chunk);
		if (!n)
			return;
		for (unsigned i = 0; i < n; i++)
			handle_ip(nd, chunk[i], true, now, o);
		nbr_out_flush(&nd->nc, o);
	}
}

/* ---- Advertisements (RFC 4861 4.4, 7.1.2, 7.2.5) */

/* Returns -1 for a valid advertisement, else the drop reason. */
static int check_advert(const struct cabo_packet *p)
{
	static const int reason[] = {
		[ND_FRAME_OK] = -1, [ND_FRAME_SHORT] = DROP_NOT_ADVERT,
		[ND_FRAME_OTHER] = DROP_NOT_ADVERT, [ND_FRAME_BAD_LEN] = DROP_INVALID,
		[ND_FRAME_BAD_CSUM] = DROP_BAD_CSUM,
	};
	uint32_t plen;
	enum nd_frame_check fc = nd_check_frame(p, ND_NEIGHBOR_ADVERT, &plen);
	if (fc != ND_FRAME_OK)
		return reason[fc];
	const uint8_t *ip = p->data + ETHER_HLEN, *icmp = ip + IP6H_LEN;
	bool bad_opts;
	nd_find_option(icmp + ND_MSG_LEN, plen - ND_MSG_LEN, ND_OPT_TARGET_LLADDR, &bad_opts);
	if (ip[IP6H_HLIM] != ND_HOP_LIMIT || icmp[1] != 0 || ip6_is_multicast(icmp + ND_TARGET)
	    || (ip6_is_multicast(ip + IP6H_DST) && (icmp[4] & ND_NA_SOLICITED)) || bad_opts)
		return DROP_INVALID;
	return -1;
}

static void handle_advert(struct ndsol *nd, struct cabo_packet *p, int64_t now,
			  struct nbr_out *o)
{
	int reason = check_advert(p);
	if (reason >= 0) {
		cabo_element_drop(&nd->e, p, (unsigned)reason);
		return;
	}
	nd->nc.responses++;
	const uint8_t *ip = p->data + ETHER_HLEN, *icmp = ip + IP6H_LEN;
	uint32_t plen = get16(ip + IP6H_PLEN);
	bool bad_opts;
	const uint8_t *opt = nd_find_option(icmp + ND_MSG_LEN, plen - ND_MSG_LEN,
					    ND_OPT_TARGET_LLADDR, &bad_opts);
	const uint8_t *eth = opt && opt[1] == 1 ? opt + 2 : NULL;
	uint8_t flags = icmp[4];
	struct nbr_entry *ae = find(nd, icmp + ND_TARGET);
	if (!ae) {
		cabo_element_drop(&nd->e, p, DROP_UNWANTED);
		return;
	}
	if (!nbr_known(&nd->nc, ae, now)) {
		if (!eth) {
			cabo_element_drop(&nd->e, p, DROP_NO_LLADDR);
			return;
		}
		confirm(nd, ae, eth, now);
	} else {
		bool changed = eth && memcmp(eth, ae->eth, ETHER_ALEN) != 0;
		if (changed && (flags & ND_NA_OVERRIDE))
			memcpy(ae->eth, eth, ETHER_ALEN);
		if ((flags & ND_NA_SOLICITED) && (!changed || (flags & ND_NA_OVERRIDE)))
			confirm(nd, ae, ae->eth, now);
	}
	uint8_t target[IP6_ALEN];
	memcpy(target, icmp + ND_TARGET, IP6_ALEN);
	cabo_packet_free(p);
	release(nd, target, o);
}

static void ndsol_push(struct cabo_element *e, unsigned port, struct cabo_batch *b)
{
	struct ndsol *nd = (struct ndsol *)e;
	int64_t now = cabo_element_now(e);
	struct nbr_out o;
	nbr_out_init(&o);
	for (unsigned i = 0; i < b->count; i++) {
		if (port == 0)
			handle_ip(nd, b->p[i], false, now, &o);
		else
			handle_advert(nd, b->p[i], now, &o);
		if (o.query) {
			nbr_out_flush(&nd->nc, &o);
			now = cabo_element_now(e);
		}
	}
	b->count = 0;
	nbr_out_flush(&nd->nc, &o);
}

/* ---- The timer: retransmissions, failures, expiry */

static void timer_hook(struct cabo_timer *t)
{
	struct ndsol *nd = t->arg;
	int64_t now = cabo_element_now(&nd->e), next = INT64_MAX;
	uint32_t npending = 0;
	struct nbr_cache *c = &nd->nc;
	for (struct nbr_entry *ae = c->age_head, *anext; ae; ae = anext) {
		anext = ae->anext;
		if (ae->known) {
			if (nbr_expired(c, ae, now)) {
				nbr_delete(c, ae, DROP_EXPIRED);
				continue;
			}
			if (c->timeout_ns && ae->live_ns + c->timeout_ns + 1 < next)
				next = ae->live_ns + c->timeout_ns + 1;
			continue;
		}
		if (allow_probe(nd, ae, now)) {
			if (ae->probes >= nd->max_solicit) {
				nbr_delete(c, ae, DROP_FAILED);
				continue;
			}
			if (npending == nd->npending_cap) {
				nd->npending_cap = nd->npending_cap ? 2 * nd->npending_cap : 16;
				nd->pending = cabo_xrealloc(nd->pending, nd->npending_cap * IP6_ALEN);
			}
			memcpy(nd->pending[npending++], ae->addr, IP6_ALEN);
			ae->probed_ns = now;
			ae->probes++;
		}
		if (ae->probed_ns + nd->retrans_ns < next)
			next = ae->probed_ns + nd->retrans_ns;
	}
	if (next != INT64_MAX)
		cabo_timer_schedule_at(&nd->timer, next);
	/* Solicitations go out after the walk: an answer may come straight
	 * back and change the table. */
	struct nbr_out o;
	nbr_out_init(&o);
	for (uint32_t i = 0; i < npending; i++) {
		send_solicit(nd, nd->pending[i], NULL, NULL, &o);
		nbr_out_flush(c, &o);
	}
}

/* ---- Configuration */

static int ndsol_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct ndsol *nd = (struct ndsol *)e;
	uint64_t capacity = 2048, entry_capacity = 0, entry_packet_capacity = 0, max_solicit = 3;
	nd->nc.timeout_ns = 120 * SEC;
	nd->poll_timeout_ns = 60 * SEC;
	nd->retrans_ns = SEC;
	cabo_args_read_ip6(a, "IP", CABO_ARG_MP, nd->my_ip);
	cabo_args_read_ether(a, "ETH", CABO_ARG_MP, nd->my_en);
	cabo_args_read_uint(a, "CAPACITY", 0, &capacity);
	cabo_args_read_uint(a, "ENTRY_CAPACITY", 0, &entry_capacity);
	cabo_args_read_uint(a, "ENTRY_PACKET_CAPACITY", 0, &entry_packet_capacity);
	cabo_args_read_time(a, "TIMEOUT", 0, &nd->nc.timeout_ns);
	cabo_args_read_time(a, "POLL_TIMEOUT", 0, &nd->poll_timeout_ns);
	cabo_args_read_time(a, "RETRANS_TIMER", 0, &nd->retrans_ns);
	cabo_args_read_uint(a, "MAX_MULTICAST_SOLICIT", 0, &max_solicit);
	if (cabo_args_complete(a) < 0)
		return -1;
	if (capacity > UINT32_MAX || entry_capacity > UINT32_MAX
	    || entry_packet_capacity > UINT32_MAX)
		return cabo_errh_error(a->errh, "capacities must be at most %u", UINT32_MAX);
	if (nd->nc.timeout_ns < 0 || nd->poll_timeout_ns < 0)
		return cabo_errh_error(a->errh, "%s: must not be negative",
				       nd->nc.timeout_ns < 0 ? "TIMEOUT" : "POLL_TIMEOUT");
	if (nd->retrans_ns <= 0)
		return cabo_errh_error(a->errh, "RETRANS_TIMER: must be more than 0");
	if (max_solicit < 1 || max_solicit > 255)
		return cabo_errh_error(a->errh, "MAX_MULTICAST_SOLICIT: must be between 1 and 255");
	nd->capacity = (uint32_t)capacity;
	nd->entry_capacity = (uint32_t)entry_capacity;
	nd->entry_packet_capacity = (uint32_t)entry_packet_capacity;
	nd->max_solicit = (uint8_t)max_solicit;
	return 0;
}

static int ndsol_initialize(struct cabo_element *e, struct cabo_errh *errh)
{
	struct ndsol *nd = (struct ndsol *)e;
	nbr_cache_init(&nd->nc, e, IP6_ALEN);
	cabo_timer_init(&nd->timer, e, timer_hook, nd);
	nd->timer_ready = true;
	return 0;
}

static void ndsol_cleanup(struct cabo_element *e)
{
	struct ndsol *nd = (struct ndsol *)e;
	nbr_cache_destroy(&nd->nc);
	free(nd->pending);
	nd->pending = NULL;
}

/* ---- Handlers */

enum { H_TABLE = NBR_H_NEXT, H_STATS, H_INSERT, H_DELETE, H_CLEAR };

static int read_handler(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	struct ndsol *nd = (struct ndsol *)e;
	char a[40], m[18];
	switch ((intptr_t)arg) {
	case H_TABLE: {
		int64_t now = cabo_element_now(e);
		for (struct nbr_entry *ae = nd->nc.age_head; ae; ae = ae->anext) {
			cabo_format_ip6(ae->addr, a);
			cabo_format_ether(ae->eth, m);
			cabo_strbuf_printf(out, "%s %d %s\n", a, nbr_known(&nd->nc, ae, now), m);
		}
		break;
	}
	case H_STATS:
		cabo_strbuf_printf(out, "%llu packets killed\n%llu ND Solicitation Message sent\n",
				   (unsigned long long)nd->nc.drops, (unsigned long long)nd->nc.queries);
		break;
	default:
		nbr_read_counter(&nd->nc, (int)(intptr_t)arg, out);
	}
	return 0;
}

static int write_handler(struct cabo_element *e, const char *value, const void *arg,
			 struct cabo_errh *errh)
{
	struct ndsol *nd = (struct ndsol *)e;
	char buf[128];
	uint8_t ip[IP6_ALEN];
	bool fits = cabo_copy_trimmed(value, buf, sizeof buf);
	switch ((intptr_t)arg) {
	case H_INSERT: {
		char **w;
		uint8_t eth[ETHER_ALEN];
		unsigned nw = cabo_split_words(fits ? buf : "", &w);
		bool ok = nw == 2 && cabo_parse_ip6(w[0], ip) && cabo_parse_ether(w[1], eth)
			  && !ip6_is_multicast(ip) && !ip6_is_unspecified(ip);
		cabo_free_strings(w, nw);
		if (!ok)
			return cabo_errh_error(errh, "expected 'IP6 ETH'");
		struct nbr_out o;
		nbr_out_init(&o);
		int64_t now = cabo_element_now(e);
		confirm(nd, ensure(nd, ip, now), eth, now);
		release(nd, ip, &o);
		return 0;
	}
	case H_DELETE: {
		if (!fits || !cabo_parse_ip6(buf, ip))
			return cabo_errh_error(errh, "expected IPv6 address");
		struct nbr_entry *ae = find(nd, ip);
		if (ae)
			nbr_delete(&nd->nc, ae, DROP_DELETED);
		return 0;
	}
	case H_CLEAR:
		nbr_clear(&nd->nc, DROP_DELETED);
		return 0;
	}
	return 0;
}

static const struct cabo_handler ndsol_handlers[] = {
	{ "table", read_handler, NULL, (const void *)H_TABLE, 0 },
	{ "stats", read_handler, NULL, (const void *)H_STATS, 0 },
	{ "queries", read_handler, NULL, (const void *)NBR_H_QUERIES, 0 },
	{ "responses", read_handler, NULL, (const void *)NBR_H_RESPONSES, 0 },
	{ "drops", read_handler, NULL, (const void *)NBR_H_DROPS, 0 },
	{ "count", read_handler, NULL, (const void *)NBR_H_COUNT, 0 },
	{ "length", read_handler, NULL, (const void *)NBR_H_LENGTH, 0 },
	{ "insert", NULL, write_handler, (const void *)H_INSERT, 0 },
	{ "delete", NULL, write_handler, (const void *)H_DELETE, 0 },
	{ "clear", NULL, write_handler, (const void *)H_CLEAR, CABO_HANDLER_BUTTON },
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_ELEMENT_CLASS(ip6ndsolicitor_class) = {
	.name = "IP6NDSolicitor", .port_count = "2/1-2", .processing = "h/h",
	.size = sizeof(struct ndsol), .configure = ndsol_configure,
	.initialize = ndsol_initialize, .cleanup = ndsol_cleanup,
	.push = ndsol_push, .handlers = ndsol_handlers,
	.drop_reasons = ndsol_drop_reasons,
};
