/*
 * =c
 * ARPQuerier(IP, ETH, KEYWORDS)
 * =s
 * encapsulates IP packets in Ethernet headers found via ARP
 * =ports
 * 2 inputs, 1 or 2 outputs
 * =processing
 * push
 * =d
 * Handles most of the ARP protocol for a host whose IP address is IP and
 * whose Ethernet address is ETH.  IP may carry a prefix length or mask
 * (18.26.4.24/24), which gives the default BROADCAST address.
 *
 * Packets arriving on input 0 should be IP packets (the data starting at the
 * IP header) with their destination address annotation set (by
 * GetIPAddress, CheckIPHeader, a route lookup or FromDump's FORCE_IP); that
 * address is the next hop to resolve.  ARPQuerier puts an Ethernet header
 * (type 0x0800, source ETH) in front of each.  When the next hop's Ethernet
 * address is known, the packet goes out on output 0 at once.  Otherwise the
 * packet is saved in the next hop's queue and an ARP query (a broadcast
 * request `who-has NEXTHOP tell IP') is emitted; when an ARP reply for that
 * address arrives on input 1, the mapping is recorded and the saved packets
 * go out on output 0, in the order they arrived.  Queries go to output 1
 * when it exists, else to output 0 with the IP packets.
 *
 * Input 1 takes ARP replies, Ethernet header included.  Every reply (an
 * Ethernet/IPv4 ARP packet of at least 42 bytes with operation 2 and a
 * unicast sender hardware address) records its sender's addresses, asked for
 * or not.  Packets on input 1 are always consumed; those that are not
 * replies are counted under drop reasons `short ARP packet' and `not an
 * ARP reply' (but not in `drops', which counts IP packets).
 *
 * Special destinations: 0.0.0.0 (a missing annotation) is dropped;
 * 255.255.255.255 and the BROADCAST address go to FF-FF-FF-FF-FF-FF; IP
 * multicast addresses go to 01-00-5E-xx-yy-zz, xx-yy-zz being the low 23 bits
 * of the address (RFC 1112).  No queries are sent for these.
 *
 * Queries for one address are sent at most 10 times a second, and at most
 * every 2 seconds once 10 have gone unanswered; a query is only sent when a
 * packet for the address arrives.  Each query gets the timestamp and VLAN
 * TCI annotations of the packet that caused it.
 *
 * An entry expires TIMEOUT after its last reply: its address is then
 * unknown again, and, once no packet has been waiting for it that long
 * either, the entry is deleted (a timer does this on time; the queued
 * packets are dropped with reason `entry expired').  A known entry older
 * than POLL_TIMEOUT is refreshed: the next packet for it triggers a query
 * sent straight to the known address (BROADCAST_POLL: broadcast) while the
 * packet itself still goes out.
 *
 * Saved packets are bounded by CAPACITY in total and by
 * ENTRY_PACKET_CAPACITY per address.  When a new packet exceeds CAPACITY,
 * saved packets of the oldest entries are dropped (reason `queue full')
 * until only CAPACITY - CAPACITY / CAPACITY_SLIM_FACTOR remain; when an
 * address's queue is full, the new packet is dropped (reason `entry queue
 * full').  When a new address exceeds ENTRY_CAPACITY, the oldest entry is
 * deleted with its packets (reason `entry evicted').
 *
 * Packets dropped because IP is 0.0.0.0 (reason `no IP address'), for lack of
 * a buffer to add the header (`no buffer'), for destination 0.0.0.0 (`zero
 * destination'), or by the `delete' and `clear' handlers (`entry deleted')
 * are counted in `drops' too.
 *
 * Differences from Click: the TABLE keyword (a shared ARPTable element) and
 * the one-argument AddressInfo form are not available; `drops' counts the
 * table's drops as well (Click shows them only in `stats'); `delete'
 * removes the entry and drops its packets (Click marks it unknown); `insert'
 * sends the packets waiting for the address (Click leaves them queued).
 * =k IP
 * IP address of this host, optionally with a prefix length or mask.
 * =k ETH
 * Ethernet address of this host.
 * =k CAPACITY
 * Unsigned integer: the most packets saved at once, over all addresses; 0
 * means unlimited.  Default 2048.
 * =k ENTRY_CAPACITY
 * Unsigned integer: the most entries; 0 means unlimited (the default).
 * =k ENTRY_PACKET_CAPACITY
 * Unsigned integer: the most packets saved for one address; 0 means
 * unlimited (the default).
 * =k CAPACITY_SLIM_FACTOR
 * Unsigned integer, not 0: when CAPACITY is exceeded, 1/CAPACITY_SLIM_FACTOR
 * of it is freed.  Default 2.
 * =k TIMEOUT
 * Time an entry stays valid after a reply; 0 means forever.  Default 5min.
 * =k POLL_TIMEOUT
 * Age after which a known entry is refreshed by a query; 0 means never.
 * Default 1min.
 * =k BROADCAST
 * IP address sent to FF-FF-FF-FF-FF-FF.  Default: the broadcast address of
 * IP's prefix, or 255.255.255.255 when IP has none.
 * =k BROADCAST_POLL
 * Boolean.  Send refresh queries to the broadcast address rather than to the
 * known address.  Default false.
 * =h table read
 * Returns the entries, oldest first, one line each: the IP address, 1 if
 * the entry is valid (known and not expired) or 0, its Ethernet address
 * (FF-FF-FF-FF-FF-FF while unknown), and the time since it was last updated
 * (seconds, to the millisecond).
 * =h stats read
 * Returns `N packets killed' and `N ARP queries sent', one a line.
 * =h queries read
 * Returns the number of queries sent.
 * =h responses read
 * Returns the number of packets received on input 1 that were long enough
 * to be replies.
 * =h drops read
 * Returns the number of IP packets dropped.
 * =h count read
 * Returns the number of entries.
 * =h length read
 * Returns the number of saved packets.
 * =h ipaddr read/write
 * Returns or sets IP (the address alone).
 * =h broadcast read/write
 * Returns or sets BROADCAST.
 * =h insert write
 * Takes `IP ETH': records that IP is at ETH (as a reply would) and sends
 * the packets waiting for IP.
 * =h delete write
 * Takes an IP address: deletes its entry, dropping its saved packets.
 * =h clear write
 * Deletes every entry (dropping saved packets) and resets `queries',
 * `responses' and `drops' to 0.
 * =e
 *   c :: Classifier(12/0806 20/0002, 12/0800, -);
 *   a :: ARPQuerier(18.26.4.24/24, 00:00:C0:AE:67:EF);
 *   FromDevice(eth0) -> c;
 *   c[0] -> [1] a;
 *   c[1] -> Strip(14) -> CheckIPHeader -> GetIPAddress(16) -> [0] a;
 *   c[2] -> Discard;
 *   a -> Queue -> ToDevice(eth0);
 * =a
 * ARPResponder, ARPPrint, EtherEncap, GetIPAddress
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "element.h"
#include "etherhdr.h"
#include "neighbors.h"
#include "task.h"

enum { QUERY_LEN = ETHER_HLEN + ARP_ETHER_IP_LEN };

static const int64_t MS = 1000000, SEC = 1000000000;
#define POLL_INTERVAL (100 * MS)              /* Click: at most 10 queries a second */
#define POLL_BACKOFF (2 * SEC)                /* after 10 unanswered */

struct arpquerier {
	struct cabo_element e;
	/* Configuration */
	uint32_t my_ip, my_bcast;
	uint8_t my_en[ETHER_ALEN];
	uint32_t capacity, entry_capacity, entry_packet_capacity, slim_factor;
	int64_t poll_timeout_ns;
	bool broadcast_poll;
	/* The table (its TIMEOUT is nc.timeout_ns) */
	struct nbr_cache nc;
	struct cabo_timer expire_timer;
	bool timer_ready;
};

enum {
	DROP_NO_IP, DROP_NO_BUFFER, DROP_ZERO_DST, DROP_QUEUE_FULL, DROP_ENTRY_FULL,
	DROP_EXPIRED, DROP_EVICTED, DROP_DELETED, DROP_SHORT_ARP, DROP_NOT_REPLY,
};
static const char *const arpquerier_drop_reasons[] = {
	[DROP_NO_IP] = "no IP address", [DROP_NO_BUFFER] = "no buffer",
	[DROP_ZERO_DST] = "zero destination", [DROP_QUEUE_FULL] = "queue full",
	[DROP_ENTRY_FULL] = "entry queue full", [DROP_EXPIRED] = "entry expired",
	[DROP_EVICTED] = "entry evicted", [DROP_DELETED] = "entry deleted",
	[DROP_SHORT_ARP] = "short ARP packet", [DROP_NOT_REPLY] = "not an ARP reply",
	NULL,
};

/* ---- Table */

static inline struct nbr_entry *find(const struct arpquerier *aq, uint32_t ip)
{
	return nbr_find(&aq->nc, &ip, sizeof ip);
}

static inline bool allow_poll(const struct nbr_entry *ae, int64_t now)
{
	return now >= ae->probed_ns + (ae->probes >= 10 ? POLL_BACKOFF : POLL_INTERVAL);
}

/* Deletes expired entries and, beyond ENTRY_CAPACITY, the oldest ones; then
 * frees saved packets, oldest entries first, when beyond CAPACITY (Click's
 * ARPTable::slim).  new_entries and new_packets are about to be added and
 * count already. */
static void slim(struct arpquerier *aq, int64_t now, uint32_t new_entries, uint32_t new_packets)
{
	struct nbr_cache *c = &aq->nc;
	struct nbr_entry *ae;
	while ((ae = c->age_head) != NULL) {
		if (nbr_expired(c, ae, now))
			nbr_delete(c, ae, DROP_EXPIRED);
		else if (aq->entry_capacity && c->entry_count + new_entries > aq->entry_capacity)
			nbr_delete(c, ae, DROP_EVICTED);
		else
			break;
	}
	if (aq->capacity && c->packet_count + new_packets > aq->capacity) {
		uint32_t keep = aq->capacity - aq->capacity / aq->slim_factor;
		if (keep == 0)
			keep = 1;   /* the packet being added is already counted */
		for (ae = c->age_head; ae && c->packet_count + new_packets > keep; ae = ae->anext)
			while (ae->head >= 0 && c->packet_count + new_packets > keep)
				nbr_drop(c, nbr_pop(c, ae), DROP_QUEUE_FULL);
	}
}

/* The entry for ip, created (unknown, at the tail of the age list) if need
 * be. */
static struct nbr_entry *ensure(struct arpquerier *aq, uint32_t ip, int64_t now)
{
	struct nbr_entry *ae = find(aq, ip);
	if (ae)
		return ae;
	if (aq->entry_capacity && aq->nc.entry_count + 1 > aq->entry_capacity)
		slim(aq, now, 1, 0);
	ae = nbr_add(&aq->nc, &ip);
	memset(ae->eth, 0xff, ETHER_ALEN);
	ae->live_ns = now;
	ae->probed_ns = now - SEC;
	return ae;
}

/* Records ip -> eth (a reply or `insert'); FF-FF-FF-FF-FF-FF leaves it
 * unknown. */
static struct nbr_entry *insert(struct arpquerier *aq, uint32_t ip, const uint8_t *eth,
				int64_t now)
{
	struct nbr_entry *ae = ensure(aq, ip, now);
	nbr_confirm(&aq->nc, ae, eth, now, now - SEC);
	ae->known = !ether_is_broadcast(eth);
	return ae;
}

/* Keeps the expiry timer at the oldest entry's deadline. */
static void rearm(struct arpquerier *aq)
{
	if (!aq->timer_ready)
		return;
	if (!aq->nc.timeout_ns || !aq->nc.age_head) {
		cabo_timer_unschedule(&aq->expire_timer);
		return;
	}
	int64_t when = aq->nc.age_head->live_ns + aq->nc.timeout_ns + 1;
	if (!cabo_timer_scheduled(&aq->expire_timer) || aq->expire_timer.expiry_ns != when)
		cabo_timer_schedule_at(&aq->expire_timer, when);
}

static void expire_hook(struct cabo_timer *t)
{
	struct arpquerier *aq = t->arg;
	slim(aq, cabo_element_now(&aq->e), 0, 0);
	rearm(aq);
}

/* ---- Queries */

/* Stages an ARP request for p's destination annotation.  dst_eth: where to
 * send it (a refresh), or NULL for broadcast. */
static void send_query(struct arpquerier *aq, const struct cabo_packet *p,
		       const uint8_t *dst_eth, struct nbr_out *o)
{
	struct cabo_packet *q = cabo_packet_alloc(cabo_element_pool(&aq->e), QUERY_LEN);
	if (!q)
		return;
	uint8_t *eh = q->data, *ah = q->data + ETHER_HLEN;
	if (dst_eth && !aq->broadcast_poll)
		memcpy(eh + ETHER_DST, dst_eth, ETHER_ALEN);
	else
		memset(eh + ETHER_DST, 0xff, ETHER_ALEN);
	memcpy(eh + ETHER_SRC, aq->my_en, ETHER_ALEN);
	ether_put16(eh + ETHER_TYPE, ETHERTYPE_ARP);
	ether_put16(ah + ARP_HRD, ARPHRD_ETHER);
	ether_put16(ah + ARP_PRO, ETHERTYPE_IP);
	ah[ARP_HLN] = ETHER_ALEN;
	ah[ARP_PLN] = 4;
	ether_put16(ah + ARP_OP, ARPOP_REQUEST);
	memcpy(ah + ARP_SHA, aq->my_en, ETHER_ALEN);
	memcpy(ah + ARP_SPA, &aq->my_ip, 4);
	memset(ah + ARP_THA, 0, ETHER_ALEN);
	memcpy(ah + ARP_TPA, &p->anno.dst.ip4, 4);
	q->anno.timestamp_ns = p->anno.timestamp_ns;
	q->anno.vnode = p->anno.vnode;
	set_vlan_tci_anno(q, vlan_tci_anno(p));
	cabo_packet_set_mac_header(q, eh);
	cabo_packet_set_network_header(q, ah);
	nbr_out_query(&aq->nc, o, q);
}

/* ---- IP packets */

static bool is_multicast(uint32_t ip_be)
{
	uint8_t b[4];
	memcpy(b, &ip_be, 4);
	return (b[0] & 0xf0) == 0xe0;
}

/* Saves p (its Ethernet header already in place) for ae's address; p is
 * consumed.  Returns true when a query should go out. */
static bool append_query(struct arpquerier *aq, struct nbr_entry *ae, struct cabo_packet *p,
			 int64_t now)
{
	struct nbr_cache *c = &aq->nc;
	/* An address still being asked for stays just this side of expiring, so
	 * that slim() below cannot delete its entry (Click does the same). */
	if (c->timeout_ns && ae->live_ns < now - c->timeout_ns) {
		ae->live_ns = now - c->timeout_ns;
		struct nbr_entry *next = ae->anext;
		while (next && next->live_ns < ae->live_ns)
			next = next->anext;
		nbr_age_move_before(c, ae, next);
	}
	if (aq->entry_packet_capacity && ae->npackets >= aq->entry_packet_capacity) {
		nbr_drop(c, p, DROP_ENTRY_FULL);
		return false;
	}
	if (aq->capacity && c->packet_count + 1 > aq->capacity)
		slim(aq, now, 0, 1);
	nbr_save(c, ae, p);
	if (!allow_poll(ae, now))
		return false;
	nbr_mark_probe(ae, now);
	return true;
}

/* Sends p on, saves it, or drops it.  `has_header': p is a saved packet
 * whose Ethernet header is already in place. */
static void handle_ip(struct arpquerier *aq, struct cabo_packet *p, bool has_header,
		      int64_t now, struct nbr_out *o)
{
	if (!aq->my_ip) {
		nbr_drop(&aq->nc, p, DROP_NO_IP);
		return;
	}
	if (!has_header) {
		p = cabo_packet_push(p, ETHER_HLEN);
		if (!p) {
			aq->nc.drops++;
			aq->e.drops[DROP_NO_BUFFER]++;
			return;
		}
		ether_put16(p->data + ETHER_TYPE, ETHERTYPE_IP);
		cabo_packet_set_mac_header(p, p->data);
	}
	uint8_t *eh = p->data;
	uint32_t dst = p->anno.dst.ip4;
	struct nbr_entry *ae = find(aq, dst);
	if (ae && nbr_known(&aq->nc, ae, now)) {
		memcpy(eh + ETHER_DST, ae->eth, ETHER_ALEN);
		if (aq->poll_timeout_ns && now >= ae->live_ns + aq->poll_timeout_ns
		    && allow_poll(ae, now)) {
			nbr_mark_probe(ae, now);
			send_query(aq, p, ae->eth, o);
		}
	} else if (dst == 0xffffffffu || dst == aq->my_bcast) {
		memset(eh + ETHER_DST, 0xff, ETHER_ALEN);
	} else if (is_multicast(dst)) {
		const uint8_t *d = (const uint8_t *)&p->anno.dst.ip4;
		eh[0] = 0x01;
		eh[1] = 0x00;
		eh[2] = 0x5e;
		eh[3] = d[1] & 0x7f;
		eh[4] = d[2];
		eh[5] = d[3];
	} else if (dst == 0) {
		nbr_drop(&aq->nc, p, DROP_ZERO_DST);
		return;
	} else {
		if (!ae)
			ae = ensure(aq, dst, now);
		if (append_query(aq, ae, p, now))
			send_query(aq, p, NULL, o);
		return;
	}
	/* Our address goes in last, in case ipaddr/ETH changed while it waited. */
	memcpy(eh + ETHER_SRC, aq->my_en, ETHER_ALEN);
	nbr_out_add(o, p, 0);
}

/* Sends the packets saved for ip, now known, a chunk at a time: pushing
 * them may come back into this element, so the entry is looked up again
 * after each chunk. */
static void release(struct arpquerier *aq, uint32_t ip, struct nbr_out *o)
{
	for (;;) {
		int64_t now = cabo_element_now(&aq->e);
		struct cabo_packet *chunk[NBR_CHUNK];
		unsigned n = nbr_take_known(&aq->nc, &ip, now, chunk);
		if (!n)
			return;
		if (o->n + 2 * n > NBR_OUT_MAX)
			nbr_out_flush(&aq->nc, o);
		for (unsigned i = 0; i < n; i++)
			handle_ip(aq, chunk[i], true, now, o);
		nbr_out_flush(&aq->nc, o);
	}
}

/* ---- ARP replies */

static void handle_reply(struct arpquerier *aq, struct cabo_packet *p, int64_t now,
			 struct nbr_out *o)
{
	if (p->length < QUERY_LEN) {
		cabo_element_drop(&aq->e, p, DROP_SHORT_ARP);
		return;
	}
	aq->nc.responses++;
	const uint8_t *eh = p->data, *ah = p->data + ETHER_HLEN;
	if (ether_get16(eh + ETHER_TYPE) != ETHERTYPE_ARP
	    || ether_get16(ah + ARP_HRD) != ARPHRD_ETHER
	    || ether_get16(ah + ARP_PRO) != ETHERTYPE_IP
	    || ah[ARP_HLN] != ETHER_ALEN || ah[ARP_PLN] != 4
	    || ether_get16(ah + ARP_OP) != ARPOP_REPLY || ether_is_group(ah + ARP_SHA)) {
		cabo_element_drop(&aq->e, p, DROP_NOT_REPLY);
		return;
	}
	uint32_t ip;
	memcpy(&ip, ah + ARP_SPA, 4);
	insert(aq, ip, ah + ARP_SHA, now);
	cabo_packet_free(p);
	release(aq, ip, o);
}

static void arpquerier_push(struct cabo_element *e, unsigned port, struct cabo_batch *b)
{
	struct arpquerier *aq = (struct arpquerier *)e;
	int64_t now = cabo_element_now_coarse(e);   /* timeouts are in seconds */
	struct nbr_out o;
	nbr_out_init(&o);
	for (unsigned i = 0; i < b->count; i++) {
		if (port == 0)
			handle_ip(aq, b->p[i], false, now, &o);
		else
			handle_reply(aq, b->p[i], now, &o);
		if (o.query) {
			nbr_out_flush(&aq->nc, &o);
			now = cabo_element_now(e);
		}
	}
	b->count = 0;
	nbr_out_flush(&aq->nc, &o);
	rearm(aq);
}

/* ---- Configuration */

static int arpquerier_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct arpquerier *aq = (struct arpquerier *)e;
	char *ip = NULL;
	uint64_t capacity = 2048, entry_capacity = 0, entry_packet_capacity = 0, slim = 2;
	aq->nc.timeout_ns = 300 * SEC;
	aq->poll_timeout_ns = 60 * SEC;
	cabo_args_read_word(a, "IP", CABO_ARG_MP, &ip);
	cabo_args_read_ether(a, "ETH", CABO_ARG_MP, aq->my_en);
	cabo_args_read_uint(a, "CAPACITY", 0, &capacity);
	cabo_args_read_uint(a, "ENTRY_CAPACITY", 0, &entry_capacity);
	cabo_args_read_uint(a, "ENTRY_PACKET_CAPACITY", 0, &entry_packet_capacity);
	cabo_args_read_uint(a, "CAPACITY_SLIM_FACTOR", 0, &slim);
	cabo_args_read_time(a, "TIMEOUT", 0, &aq->nc.timeout_ns);
	cabo_args_read_time(a, "POLL_TIMEOUT", 0, &aq->poll_timeout_ns);
	bool have_bcast = cabo_args_read_ip4(a, "BROADCAST", 0, &aq->my_bcast);
	cabo_args_read_bool(a, "BROADCAST_POLL", 0, &aq->broadcast_poll);
	int r = cabo_args_complete(a);
	uint32_t mask = 0;
	if (r == 0 && !ether_parse_ip_or_prefix(ip, &aq->my_ip, &mask))
		r = cabo_errh_error(a->errh, "IP: expected IP address or prefix");
	free(ip);
	if (r < 0)
		return -1;
	if (capacity > UINT32_MAX || entry_capacity > UINT32_MAX
	    || entry_packet_capacity > UINT32_MAX)
		return cabo_errh_error(a->errh, "capacities must be at most %u", UINT32_MAX);
	if (slim == 0 || slim > UINT32_MAX)
		return cabo_errh_error(a->errh, "CAPACITY_SLIM_FACTOR: must be between 1 and %u",
				       UINT32_MAX);
	if (aq->nc.timeout_ns < 0 || aq->poll_timeout_ns < 0)
		return cabo_errh_error(a->errh, "%s: must not be negative",
				       aq->nc.timeout_ns < 0 ? "TIMEOUT" : "POLL_TIMEOUT");
	aq->capacity = (uint32_t)capacity;
	aq->entry_capacity = (uint32_t)entry_capacity;
	aq->entry_packet_capacity = (uint32_t)entry_packet_capacity;
	aq->slim_factor = (uint32_t)slim;
	if (!have_bcast) {
		aq->my_bcast = aq->my_ip | ~mask;
		if (aq->my_bcast == aq->my_ip)
			aq->my_bcast = 0xffffffffu;
	}
	return 0;
}

static int arpquerier_initialize(struct cabo_element *e, struct cabo_errh *errh)
{
	struct arpquerier *aq = (struct arpquerier *)e;
	nbr_cache_init(&aq->nc, e, sizeof(uint32_t));
	cabo_timer_init(&aq->expire_timer, e, expire_hook, aq);
	aq->timer_ready = true;
	return 0;
}

static void arpquerier_cleanup(struct cabo_element *e)
{
	nbr_cache_destroy(&((struct arpquerier *)e)->nc);
}

/* ---- Handlers */

enum { H_TABLE = NBR_H_NEXT, H_STATS, H_IPADDR, H_BROADCAST, H_INSERT, H_DELETE, H_CLEAR };

static int read_handler(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	struct arpquerier *aq = (struct arpquerier *)e;
	char a[16], m[18];
	switch ((intptr_t)arg) {
	case H_TABLE: {
		int64_t now = cabo_element_now(e);
		for (struct nbr_entry *ae = aq->nc.age_head; ae; ae = ae->anext) {
			int64_t age_ms = (now - ae->live_ns) / MS;
			uint32_t ip;
			memcpy(&ip, ae->addr, sizeof ip);
			cabo_format_ip4(ip, a);
			cabo_format_ether(ae->eth, m);
			cabo_strbuf_printf(out, "%s %d %s %s%lld.%03lld000\n", a,
					   nbr_known(&aq->nc, ae, now), m,
					   age_ms < 0 ? "-" : "", llabs(age_ms) / 1000,
					   llabs(age_ms) % 1000);
		}
		break;
	}
	case H_STATS:
		cabo_strbuf_printf(out, "%llu packets killed\n%llu ARP queries sent\n",
				   (unsigned long long)aq->nc.drops, (unsigned long long)aq->nc.queries);
		break;
	case H_IPADDR:
	case H_BROADCAST:
		cabo_format_ip4((intptr_t)arg == H_IPADDR ? aq->my_ip : aq->my_bcast, a);
		cabo_strbuf_puts(out, a);
		break;
	default:
		nbr_read_counter(&aq->nc, (int)(intptr_t)arg, out);
	}
	return 0;
}

static int write_handler(struct cabo_element *e, const char *value, const void *arg,
			 struct cabo_errh *errh)
{
	struct arpquerier *aq = (struct arpquerier *)e;
	char buf[128];
	uint32_t ip;
	bool fits = cabo_copy_trimmed(value, buf, sizeof buf);
	switch ((intptr_t)arg) {
	case H_IPADDR:
	case H_BROADCAST:
		if (!fits || !cabo_parse_ip4(buf, &ip))
			return cabo_errh_error(errh, "expected IP address");
		*((intptr_t)arg == H_IPADDR ? &aq->my_ip : &aq->my_bcast) = ip;
		return 0;
	case H_INSERT: {
		char **w;
		uint8_t eth[ETHER_ALEN];
		unsigned nw = cabo_split_words(fits ? buf : "", &w);
		bool ok = nw == 2 && cabo_parse_ip4(w[0], &ip) && cabo_parse_ether(w[1], eth);
		cabo_free_strings(w, nw);
		if (!ok)
			return cabo_errh_error(errh, "expected 'IP ETH'");
		struct nbr_out o;
		nbr_out_init(&o);
		insert(aq, ip, eth, cabo_element_now(e));
		release(aq, ip, &o);
		rearm(aq);
		return 0;
	}
	case H_DELETE: {
		if (!fits || !cabo_parse_ip4(buf, &ip))
			return cabo_errh_error(errh, "expected IP address");
		struct nbr_entry *ae = find(aq, ip);
		if (ae)
			nbr_delete(&aq->nc, ae, DROP_DELETED);
		rearm(aq);
		return 0;
	}
	case H_CLEAR:
		nbr_clear(&aq->nc, DROP_DELETED);
		rearm(aq);
		return 0;
	}
	return 0;
}

static const struct cabo_handler arpquerier_handlers[] = {
	{ "table", read_handler, NULL, (const void *)H_TABLE, 0 },
	{ "stats", read_handler, NULL, (const void *)H_STATS, 0 },
	{ "queries", read_handler, NULL, (const void *)NBR_H_QUERIES, 0 },
	{ "responses", read_handler, NULL, (const void *)NBR_H_RESPONSES, 0 },
	{ "drops", read_handler, NULL, (const void *)NBR_H_DROPS, 0 },
	{ "count", read_handler, NULL, (const void *)NBR_H_COUNT, 0 },
	{ "length", read_handler, NULL, (const void *)NBR_H_LENGTH, 0 },
	{ "ipaddr", read_handler, write_handler, (const void *)H_IPADDR, 0 },
	{ "broadcast", read_handler, write_handler, (const void *)H_BROADCAST, 0 },
	{ "insert", NULL, write_handler, (const void *)H_INSERT, 0 },
	{ "delete", NULL, write_handler, (const void *)H_DELETE, 0 },
	{ "clear", NULL, write_handler, (const void *)H_CLEAR, CABO_HANDLER_BUTTON },
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_ELEMENT_CLASS(arpquerier_class) = {
	.name = "ARPQuerier", .port_count = "2/1-2", .processing = "h/h",
	.size = sizeof(struct arpquerier), .configure = arpquerier_configure,
	.initialize = arpquerier_initialize, .cleanup = arpquerier_cleanup,
	.push = arpquerier_push, .handlers = arpquerier_handlers,
	.drop_reasons = arpquerier_drop_reasons,
};
