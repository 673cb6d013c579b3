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
#include "task.h"

enum {
	QUERY_LEN = ETHER_HLEN + ARP_ETHER_IP_LEN,
	OUT_MAX = 2 * CABO_BATCH_MAX,            /* each input packet emits at most 2 */
	RELEASE_CHUNK = CABO_BATCH_MAX,
};

static const int64_t MS = 1000000, SEC = 1000000000;
#define POLL_INTERVAL (100 * MS)              /* Click: at most 10 queries a second */
#define POLL_BACKOFF (2 * SEC)                /* after 10 unanswered */

struct arp_entry {
	uint32_t ip;                 /* network byte order */
	uint8_t eth[ETHER_ALEN];
	bool known;
	uint8_t polls;               /* queries since the last reply, up to 255 */
	int64_t live_ns;             /* last reply (or kept-alive time) */
	int64_t polled_ns;           /* last query */
	int32_t head, tail;          /* saved packets: slot indices, -1 for none */
	uint32_t npackets;
	struct arp_entry *hnext;     /* hash chain; free list link when unused */
	struct arp_entry *aprev, *anext;   /* age list, oldest first */
};

struct slot {
	struct cabo_packet *p;
	int32_t next;
};

struct arpquerier {
	struct cabo_element e;
	/* Configuration */
	uint32_t my_ip, my_bcast;
	uint8_t my_en[ETHER_ALEN];
	uint32_t capacity, entry_capacity, entry_packet_capacity, slim_factor;
	int64_t timeout_ns, poll_timeout_ns;
	bool broadcast_poll;
	/* The table */
	struct arp_entry **buckets;
	uint32_t nbuckets;           /* a power of two */
	struct arp_entry *age_head, *age_tail;
	struct arp_entry *free_entries;
	uint32_t entry_count, packet_count;
	struct slot *slots;
	uint32_t nslots;
	int32_t free_slot;
	struct cabo_timer expire_timer;
	bool timer_ready;
	/* Statistics */
	uint64_t queries, responses, drops;
};

/* Packets leaving, in order, with their output port.  A query is pushed
 * out before the next input packet is handled (`query' set), so that a reply
 * that comes straight back (an ARPResponder wired to input 1) resolves the
 * address for the rest of the batch, as it would in Click. */
struct out {
	unsigned n;
	bool query;
	struct cabo_packet *p[OUT_MAX];
	uint8_t port[OUT_MAX];
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

/* An IP packet dropped: counted in `drops' and under its reason. */
static void drop_ip(struct arpquerier *aq, struct cabo_packet *p, unsigned reason)
{
	aq->drops++;
	cabo_element_drop(&aq->e, p, reason);
}

/* ---- Output staging: packets are pushed once the table is consistent. */

static void out_flush(struct arpquerier *aq, struct out *o)
{
	unsigned i = 0;
	while (i < o->n) {
		struct cabo_batch b;
		cabo_batch_init(&b);
		unsigned port = o->port[i];
		while (i < o->n && o->port[i] == port && !cabo_batch_full(&b))
			cabo_batch_add(&b, o->p[i++]);
		cabo_output_push(&aq->e, port, &b);
	}
	o->n = 0;
	o->query = false;
}

static void out_add(struct out *o, struct cabo_packet *p, unsigned port)
{
	o->p[o->n] = p;
	o->port[o->n++] = (uint8_t)port;
}

/* ---- Table: hash, age list, saved packets */

static inline uint32_t bucket_of(const struct arpquerier *aq, uint32_t ip)
{
	return (ip * 0x9E3779B1u) >> 7 & (aq->nbuckets - 1);
}

static struct arp_entry *find(const struct arpquerier *aq, uint32_t ip)
{
	struct arp_entry *ae = aq->buckets[bucket_of(aq, ip)];
	while (ae && ae->ip != ip)
		ae = ae->hnext;
	return ae;
}

static inline bool expired(const struct arpquerier *aq, const struct arp_entry *ae, int64_t now)
{
	return aq->timeout_ns && ae->live_ns + aq->timeout_ns < now;
}

static inline bool known(const struct arpquerier *aq, const struct arp_entry *ae, int64_t now)
{
	return ae->known && !expired(aq, ae, now);
}

static inline bool allow_poll(const struct arp_entry *ae, int64_t now)
{
	return now >= ae->polled_ns + (ae->polls >= 10 ? POLL_BACKOFF : POLL_INTERVAL);
}

static inline void mark_poll(struct arp_entry *ae, int64_t now)
{
	ae->polled_ns = now;
	if (ae->polls < 255)
		ae->polls++;
}

static void age_unlink(struct arpquerier *aq, struct arp_entry *ae)
{
	*(ae->aprev ? &ae->aprev->anext : &aq->age_head) = ae->anext;
	*(ae->anext ? &ae->anext->aprev : &aq->age_tail) = ae->aprev;
	ae->aprev = ae->anext = NULL;
}

/* Links ae just before `next' (NULL: at the tail). */
static void age_link_before(struct arpquerier *aq, struct arp_entry *ae, struct arp_entry *next)
{
	ae->anext = next;
	ae->aprev = next ? next->aprev : aq->age_tail;
	*(ae->aprev ? &ae->aprev->anext : &aq->age_head) = ae;
	*(next ? &next->aprev : &aq->age_tail) = ae;
}

static void rehash(struct arpquerier *aq, uint32_t nbuckets)
{
	struct arp_entry **old = aq->buckets;
	uint32_t nold = aq->nbuckets;
	aq->buckets = cabo_xcalloc(nbuckets, sizeof *aq->buckets);
	aq->nbuckets = nbuckets;
	for (uint32_t i = 0; i < nold; i++)
		for (struct arp_entry *ae = old[i], *next; ae; ae = next) {
			next = ae->hnext;
			uint32_t b = bucket_of(aq, ae->ip);
			ae->hnext = aq->buckets[b];
			aq->buckets[b] = ae;
		}
	free(old);
}

static int32_t slot_take(struct arpquerier *aq)
{
	if (aq->free_slot < 0) {
		uint32_t n = aq->nslots ? 2 * aq->nslots : 64;
		aq->slots = cabo_xrealloc(aq->slots, n * sizeof *aq->slots);
		for (uint32_t i = n; i-- > aq->nslots;) {
			aq->slots[i].p = NULL;
			aq->slots[i].next = aq->free_slot;
			aq->free_slot = (int32_t)i;
		}
		aq->nslots = n;
	}
	int32_t s = aq->free_slot;
	aq->free_slot = aq->slots[s].next;
	return s;
}

/* Removes and returns the oldest saved packet of ae. */
static struct cabo_packet *pop_packet(struct arpquerier *aq, struct arp_entry *ae)
{
	int32_t s = ae->head;
	struct cabo_packet *p = aq->slots[s].p;
	ae->head = aq->slots[s].next;
	if (ae->head < 0)
		ae->tail = -1;
	aq->slots[s].p = NULL;
	aq->slots[s].next = aq->free_slot;
	aq->free_slot = s;
	ae->npackets--;
	aq->packet_count--;
	return p;
}

static void drop_saved(struct arpquerier *aq, struct arp_entry *ae, unsigned reason)
{
	while (ae->head >= 0)
		drop_ip(aq, pop_packet(aq, ae), reason);
}

static void delete_entry(struct arpquerier *aq, struct arp_entry *ae, unsigned reason)
{
	drop_saved(aq, ae, reason);
	struct arp_entry **pp = &aq->buckets[bucket_of(aq, ae->ip)];
	while (*pp != ae)
		pp = &(*pp)->hnext;
	*pp = ae->hnext;
	age_unlink(aq, ae);
	aq->entry_count--;
	ae->hnext = aq->free_entries;
	aq->free_entries = ae;
}

/* Deletes expired entries and, beyond ENTRY_CAPACITY, the oldest ones; then
 * frees saved packets, oldest entries first, when beyond CAPACITY (Click's
 * ARPTable::slim). */
static void slim(struct arpquerier *aq, int64_t now)
{
	struct arp_entry *ae;
	while ((ae = aq->age_head) != NULL) {
		if (expired(aq, ae, now))
			delete_entry(aq, ae, DROP_EXPIRED);
		else if (aq->entry_capacity && aq->entry_count > aq->entry_capacity)
			delete_entry(aq, ae, DROP_EVICTED);
		else
			break;
	}
	if (aq->capacity && aq->packet_count > aq->capacity) {
		uint32_t keep = aq->capacity - aq->capacity / aq->slim_factor;
		if (keep == 0)
			keep = 1;   /* the packet being added is already counted */
		for (ae = aq->age_head; ae && aq->packet_count > keep; ae = ae->anext)
			while (ae->head >= 0 && aq->packet_count > keep)
				drop_ip(aq, pop_packet(aq, ae), DROP_QUEUE_FULL);
	}
}

/* The entry for ip, created (unknown, at the tail of the age list) if need
 * be. */
static struct arp_entry *ensure(struct arpquerier *aq, uint32_t ip, int64_t now)
{
	struct arp_entry *ae = find(aq, ip);
	if (ae)
		return ae;
	aq->entry_count++;
	if (aq->entry_capacity && aq->entry_count > aq->entry_capacity)
		slim(aq, now);
	if (aq->entry_count > 2 * aq->nbuckets)
		rehash(aq, 4 * aq->nbuckets);
	ae = aq->free_entries;
	if (ae)
		aq->free_entries = ae->hnext;
	else
		ae = cabo_xmalloc(sizeof *ae);
	memset(ae, 0, sizeof *ae);
	ae->ip = ip;
	memset(ae->eth, 0xff, ETHER_ALEN);
	ae->live_ns = now;
	ae->polled_ns = now - SEC;
	ae->head = ae->tail = -1;
	uint32_t b = bucket_of(aq, ip);
	ae->hnext = aq->buckets[b];
	aq->buckets[b] = ae;
	age_link_before(aq, ae, NULL);
	return ae;
}

/* Records ip -> eth (a reply or `insert'). */
static struct arp_entry *insert(struct arpquerier *aq, uint32_t ip, const uint8_t *eth,
				int64_t now)
{
	struct arp_entry *ae = ensure(aq, ip, now);
	memcpy(ae->eth, eth, ETHER_ALEN);
	ae->known = !ether_is_broadcast(eth);
	ae->live_ns = now;
	ae->polls = 0;
	ae->polled_ns = now - SEC;
	if (ae != aq->age_tail) {
		age_unlink(aq, ae);
		age_link_before(aq, ae, NULL);
	}
	return ae;
}

/* Keeps the expiry timer at the oldest entry's deadline. */
static void rearm(struct arpquerier *aq)
{
	if (!aq->timer_ready)
		return;
	if (!aq->timeout_ns || !aq->age_head) {
		cabo_timer_unschedule(&aq->expire_timer);
		return;
	}
	int64_t when = aq->age_head->live_ns + aq->timeout_ns + 1;
	if (!cabo_timer_scheduled(&aq->expire_timer) || aq->expire_timer.expiry_ns != when)
		cabo_timer_schedule_at(&aq->expire_timer, when);
}

static void expire_hook(struct cabo_timer *t)
{
	struct arpquerier *aq = t->arg;
	slim(aq, cabo_element_now(&aq->e));
	rearm(aq);
}

/* ---- Queries */

/* Stages an ARP request for p's destination annotation.  dst_eth: where to
 * send it (a refresh), or NULL for broadcast. */
static void send_query(struct arpquerier *aq, const struct cabo_packet *p,
		       const uint8_t *dst_eth, struct out *o)
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
	aq->queries++;
	out_add(o, q, aq->e.noutputs - 1);
	o->query = true;
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
static bool append_query(struct arpquerier *aq, struct arp_entry *ae, struct cabo_packet *p,
			 int64_t now)
{
	/* An address still being asked for stays just this side of expiring, so
	 * that slim() below cannot delete its entry (Click does the same). */
	if (aq->timeout_ns && ae->live_ns < now - aq->timeout_ns) {
		ae->live_ns = now - aq->timeout_ns;
		struct arp_entry *next = ae->anext;
		while (next && next->live_ns < ae->live_ns)
			next = next->anext;
		if (next != ae->anext) {
			age_unlink(aq, ae);
			age_link_before(aq, ae, next);
		}
	}
	if (aq->entry_packet_capacity && ae->npackets >= aq->entry_packet_capacity) {
		drop_ip(aq, p, DROP_ENTRY_FULL);
		return false;
	}
	aq->packet_count++;
	if (aq->capacity && aq->packet_count > aq->capacity)
		slim(aq, now);
	int32_t s = slot_take(aq);
	aq->slots[s].p = p;
	aq->slots[s].next = -1;
	if (ae->tail >= 0)
		aq->slots[ae->tail].next = s;
	else
		ae->head = s;
	ae->tail = s;
	ae->npackets++;
	if (!allow_poll(ae, now))
		return false;
	mark_poll(ae, now);
	return true;
}

/* Sends p on, saves it, or drops it.  `has_header': p is a saved packet
 * whose Ethernet header is already in place. */
static void handle_ip(struct arpquerier *aq, struct cabo_packet *p, bool has_header,
		      int64_t now, struct out *o)
{
	if (!aq->my_ip) {
		drop_ip(aq, p, DROP_NO_IP);
		return;
	}
	if (!has_header) {
		p = cabo_packet_push(p, ETHER_HLEN);
		if (!p) {
			aq->drops++;
			aq->e.drops[DROP_NO_BUFFER]++;
			return;
		}
		ether_put16(p->data + ETHER_TYPE, ETHERTYPE_IP);
		cabo_packet_set_mac_header(p, p->data);
	}
	uint8_t *eh = p->data;
	uint32_t dst = p->anno.dst.ip4;
	struct arp_entry *ae = find(aq, dst);
	if (ae && known(aq, ae, now)) {
		memcpy(eh + ETHER_DST, ae->eth, ETHER_ALEN);
		if (aq->poll_timeout_ns && now >= ae->live_ns + aq->poll_timeout_ns
		    && allow_poll(ae, now)) {
			mark_poll(ae, now);
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
		drop_ip(aq, p, DROP_ZERO_DST);
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
	out_add(o, p, 0);
}

/* Sends the packets saved for ip, now known, a chunk at a time: pushing
 * them may come back into this element, so the entry is looked up again
 * after each chunk. */
static void release(struct arpquerier *aq, uint32_t ip, struct out *o)
{
	for (;;) {
		int64_t now = cabo_element_now(&aq->e);
		struct arp_entry *ae = find(aq, ip);
		if (!ae || !ae->npackets || !known(aq, ae, now))
			return;
		struct cabo_packet *chunk[RELEASE_CHUNK];
		unsigned n = 0;
		while (n < RELEASE_CHUNK && ae->head >= 0)
			chunk[n++] = pop_packet(aq, ae);
		if (o->n + 2 * n > OUT_MAX)
			out_flush(aq, o);
		for (unsigned i = 0; i < n; i++)
			handle_ip(aq, chunk[i], true, now, o);
		out_flush(aq, o);
	}
}

/* ---- ARP replies */

static void handle_reply(struct arpquerier *aq, struct cabo_packet *p, int64_t now,
			 struct out *o)
{
	if (p->length < QUERY_LEN) {
		cabo_element_drop(&aq->e, p, DROP_SHORT_ARP);
		return;
	}
	aq->responses++;
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
	int64_t now = cabo_element_now(e);
	struct out o;
	o.n = 0;
	o.query = false;
	for (unsigned i = 0; i < b->count; i++) {
		if (port == 0)
			handle_ip(aq, b->p[i], false, now, &o);
		else
			handle_reply(aq, b->p[i], now, &o);
		if (o.query) {
			out_flush(aq, &o);
			now = cabo_element_now(e);
		}
	}
	b->count = 0;
	out_flush(aq, &o);
	rearm(aq);
}

/* ---- Configuration */

static int arpquerier_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct arpquerier *aq = (struct arpquerier *)e;
	char *ip = NULL;
	uint64_t capacity = 2048, entry_capacity = 0, entry_packet_capacity = 0, slim = 2;
	aq->timeout_ns = 300 * SEC;
	aq->poll_timeout_ns = 60 * SEC;
	cabo_args_read_word(a, "IP", CABO_ARG_MP, &ip);
	cabo_args_read_ether(a, "ETH", CABO_ARG_MP, aq->my_en);
	cabo_args_read_uint(a, "CAPACITY", 0, &capacity);
	cabo_args_read_uint(a, "ENTRY_CAPACITY", 0, &entry_capacity);
	cabo_args_read_uint(a, "ENTRY_PACKET_CAPACITY", 0, &entry_packet_capacity);
	cabo_args_read_uint(a, "CAPACITY_SLIM_FACTOR", 0, &slim);
	cabo_args_read_time(a, "TIMEOUT", 0, &aq->timeout_ns);
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
	if (aq->timeout_ns < 0 || aq->poll_timeout_ns < 0)
		return cabo_errh_error(a->errh, "%s: must not be negative",
				       aq->timeout_ns < 0 ? "TIMEOUT" : "POLL_TIMEOUT");
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
	aq->nbuckets = 64;
	aq->buckets = cabo_xcalloc(aq->nbuckets, sizeof *aq->buckets);
	aq->free_slot = -1;
	cabo_timer_init(&aq->expire_timer, e, expire_hook, aq);
	aq->timer_ready = true;
	return 0;
}

static void free_entries(struct arpquerier *aq)
{
	while (aq->age_head) {
		struct arp_entry *ae = aq->age_head;
		while (ae->head >= 0)
			cabo_packet_free(pop_packet(aq, ae));
		delete_entry(aq, ae, DROP_DELETED);
	}
	while (aq->free_entries) {
		struct arp_entry *ae = aq->free_entries;
		aq->free_entries = ae->hnext;
		free(ae);
	}
}

static void arpquerier_cleanup(struct cabo_element *e)
{
	struct arpquerier *aq = (struct arpquerier *)e;
	if (aq->buckets)
		free_entries(aq);
	free(aq->buckets);
	free(aq->slots);
	aq->buckets = NULL;
	aq->slots = NULL;
}

/* ---- Handlers */

enum { H_TABLE, H_STATS, H_QUERIES, H_RESPONSES, H_DROPS, H_COUNT, H_LENGTH, H_IPADDR,
       H_BROADCAST, H_INSERT, H_DELETE, H_CLEAR };

static int read_handler(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	struct arpquerier *aq = (struct arpquerier *)e;
	char a[16], m[18];
	switch ((intptr_t)arg) {
	case H_TABLE: {
		int64_t now = cabo_element_now(e);
		for (struct arp_entry *ae = aq->age_head; ae; ae = ae->anext) {
			int64_t age_ms = (now - ae->live_ns) / MS;
			cabo_format_ip4(ae->ip, a);
			cabo_format_ether(ae->eth, m);
			cabo_strbuf_printf(out, "%s %d %s %s%lld.%03lld000\n", a, known(aq, ae, now), m,
					   age_ms < 0 ? "-" : "", llabs(age_ms) / 1000,
					   llabs(age_ms) % 1000);
		}
		break;
	}
	case H_STATS:
		cabo_strbuf_printf(out, "%llu packets killed\n%llu ARP queries sent\n",
				   (unsigned long long)aq->drops, (unsigned long long)aq->queries);
		break;
	case H_QUERIES:
		cabo_strbuf_printf(out, "%llu", (unsigned long long)aq->queries);
		break;
	case H_RESPONSES:
		cabo_strbuf_printf(out, "%llu", (unsigned long long)aq->responses);
		break;
	case H_DROPS:
		cabo_strbuf_printf(out, "%llu", (unsigned long long)aq->drops);
		break;
	case H_COUNT:
		cabo_strbuf_printf(out, "%u", aq->entry_count);
		break;
	case H_LENGTH:
		cabo_strbuf_printf(out, "%u", aq->packet_count);
		break;
	case H_IPADDR:
	case H_BROADCAST:
		cabo_format_ip4((intptr_t)arg == H_IPADDR ? aq->my_ip : aq->my_bcast, a);
		cabo_strbuf_puts(out, a);
		break;
	}
	return 0;
}

static int write_handler(struct cabo_element *e, const char *value, const void *arg,
			 struct cabo_errh *errh)
{
	struct arpquerier *aq = (struct arpquerier *)e;
	char buf[128];
	uint32_t ip;
	bool fits = ether_trim(value, buf, sizeof buf);
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
		struct out o;
		o.n = 0;
		o.query = false;
		insert(aq, ip, eth, cabo_element_now(e));
		release(aq, ip, &o);
		rearm(aq);
		return 0;
	}
	case H_DELETE: {
		if (!fits || !cabo_parse_ip4(buf, &ip))
			return cabo_errh_error(errh, "expected IP address");
		struct arp_entry *ae = find(aq, ip);
		if (ae)
			delete_entry(aq, ae, DROP_DELETED);
		rearm(aq);
		return 0;
	}
	case H_CLEAR:
		while (aq->age_head)
			delete_entry(aq, aq->age_head, DROP_DELETED);
		aq->queries = aq->responses = aq->drops = 0;
		rearm(aq);
		return 0;
	}
	return 0;
}

static const struct cabo_handler arpquerier_handlers[] = {
	{ "table", read_handler, NULL, (const void *)H_TABLE, 0 },
	{ "stats", read_handler, NULL, (const void *)H_STATS, 0 },
	{ "queries", read_handler, NULL, (const void *)H_QUERIES, 0 },
	{ "responses", read_handler, NULL, (const void *)H_RESPONSES, 0 },
	{ "drops", read_handler, NULL, (const void *)H_DROPS, 0 },
	{ "count", read_handler, NULL, (const void *)H_COUNT, 0 },
	{ "length", read_handler, NULL, (const void *)H_LENGTH, 0 },
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
