/* The neighbour cache shared by ARPQuerier and IP6NDSolicitor: entries by
 * protocol address (4 or 16 bytes) in a hash and in age order (oldest
 * first), the packets saved for each entry while its Ethernet address is
 * unknown, the counters behind the queries/responses/drops/count/length
 * handlers, and the staging of packets leaving.  When to query, when an
 * entry expires or is evicted and what a full queue drops stay with the
 * elements: ARP and Neighbor Discovery differ there.
 *
 * An element embeds a struct nbr_cache, calls nbr_cache_init from its
 * initialize and nbr_cache_destroy from its cleanup. */
#ifndef CABO_ELEMENTS_ETHERNET_NEIGHBORS_H
#define CABO_ELEMENTS_ETHERNET_NEIGHBORS_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "element.h"
#include "etherhdr.h"

enum {
	NBR_ADDR_MAX = 16,
	NBR_OUT_MAX = 2 * CABO_BATCH_MAX,        /* each input packet emits at most 2 */
	NBR_CHUNK = CABO_BATCH_MAX,              /* saved packets released at a time */
};

struct nbr_entry {
	uint8_t addr[NBR_ADDR_MAX];  /* protocol address; the cache's addr_len bytes */
	uint8_t eth[ETHER_ALEN];
	bool known;
	uint8_t probes;              /* queries since the last reply, up to 255 */
	int64_t live_ns;             /* last reply (or kept-alive time), or creation */
	int64_t probed_ns;           /* last query */
	int32_t head, tail;          /* saved packets: slot indices, -1 for none */
	uint32_t npackets;
	struct nbr_entry *hnext;     /* hash chain; free list link when unused */
	struct nbr_entry *aprev, *anext;   /* age list, oldest first */
};

struct nbr_slot {
	struct cabo_packet *p;
	int32_t next;
};

struct nbr_cache {
	struct cabo_element *e;
	unsigned addr_len;           /* 4 or 16 */
	int64_t timeout_ns;          /* a reply's validity; 0 = forever */
	struct nbr_entry **buckets;  /* NULL until nbr_cache_init */
	uint32_t nbuckets;           /* a power of two */
	struct nbr_entry *age_head, *age_tail;
	struct nbr_entry *free_entries;
	uint32_t entry_count, packet_count;
	struct nbr_slot *slots;
	uint32_t nslots;
	int32_t free_slot;
	uint64_t queries, responses, drops;
};

void nbr_cache_init(struct nbr_cache *c, struct cabo_element *e, unsigned addr_len);
/* Frees every entry and saved packet; safe before nbr_cache_init. */
void nbr_cache_destroy(struct nbr_cache *c);

/* ---- Lookups (the fast path) */

/* Address bytes are hashed as big-endian words so that the bytes that vary
 * most (the last ones) reach the bucket bits. */
static inline uint32_t nbr_bucket(const struct nbr_cache *c, const uint8_t *addr,
				  unsigned addr_len)
{
	uint32_t h = 0;
	for (unsigned i = 0; i < addr_len; i += 4)
		h ^= (uint32_t)addr[i] << 24 | (uint32_t)addr[i + 1] << 16
		     | (uint32_t)addr[i + 2] << 8 | addr[i + 3];
	return (h * 0x9E3779B1u) >> 7 & (c->nbuckets - 1);
}

/* The entry for addr, or NULL.  addr_len is c->addr_len, passed as a
 * constant so that hashing and comparing compile to a few instructions. */
static inline struct nbr_entry *nbr_find(const struct nbr_cache *c, const void *addr,
					 unsigned addr_len)
{
	struct nbr_entry *ne = c->buckets[nbr_bucket(c, addr, addr_len)];
	while (ne && memcmp(ne->addr, addr, addr_len) != 0)
		ne = ne->hnext;
	return ne;
}

static inline bool nbr_expired(const struct nbr_cache *c, const struct nbr_entry *ne,
			       int64_t now)
{
	return c->timeout_ns && ne->live_ns + c->timeout_ns < now;
}

static inline bool nbr_known(const struct nbr_cache *c, const struct nbr_entry *ne, int64_t now)
{
	return ne->known && !nbr_expired(c, ne, now);
}

static inline void nbr_mark_probe(struct nbr_entry *ne, int64_t now)
{
	ne->probed_ns = now;
	if (ne->probes < 255)
		ne->probes++;
}

/* An IP packet dropped: counted in `drops' and under its reason. */
static inline void nbr_drop(struct nbr_cache *c, struct cabo_packet *p, unsigned reason)
{
	c->drops++;
	cabo_element_drop(c->e, p, reason);
}

/* ---- Entries */

/* A new, unknown entry for addr (not in the cache yet), youngest in age;
 * the caller has made room for it. */
struct nbr_entry *nbr_add(struct nbr_cache *c, const void *addr);
/* Deletes ne, dropping its saved packets with reason. */
void nbr_delete(struct nbr_cache *c, struct nbr_entry *ne, unsigned reason);
/* Deletes every entry (reason: for their saved packets) and zeroes the
 * counters. */
void nbr_clear(struct nbr_cache *c, unsigned reason);
/* Moves ne just before `next' in age order (NULL: youngest). */
void nbr_age_move_before(struct nbr_cache *c, struct nbr_entry *ne, struct nbr_entry *next);
/* Records that ne is at eth as of now (a reply), youngest in age; its next
 * query may go at probed_ns. */
void nbr_confirm(struct nbr_cache *c, struct nbr_entry *ne, const uint8_t *eth, int64_t now,
		 int64_t probed_ns);

/* ---- Saved packets */

/* Saves p (consumed) as ne's newest packet. */
void nbr_save(struct nbr_cache *c, struct nbr_entry *ne, struct cabo_packet *p);
/* Removes and returns ne's oldest saved packet (ne has one). */
struct cabo_packet *nbr_pop(struct nbr_cache *c, struct nbr_entry *ne);
/* Takes up to NBR_CHUNK packets saved for addr into chunk, if its address
 * is known now; returns how many. */
unsigned nbr_take_known(struct nbr_cache *c, const void *addr, int64_t now,
			struct cabo_packet **chunk);

/* ---- Output staging: packets are pushed once the cache is consistent */

/* Packets leaving, in order, with their output port.  A query is pushed out
 * before the next input packet is handled (`query' set), so that a reply
 * that comes straight back (a responder wired to input 1) resolves the
 * address for the rest of the batch, as it would in Click. */
struct nbr_out {
	unsigned n;
	bool query;
	struct cabo_packet *p[NBR_OUT_MAX];
	uint8_t port[NBR_OUT_MAX];
};

static inline void nbr_out_init(struct nbr_out *o)
{
	o->n = 0;
	o->query = false;
}

static inline void nbr_out_add(struct nbr_out *o, struct cabo_packet *p, unsigned port)
{
	o->p[o->n] = p;
	o->port[o->n++] = (uint8_t)port;
}

/* A query leaves on the last output (1 when there are 2, else 0). */
static inline void nbr_out_query(struct nbr_cache *c, struct nbr_out *o, struct cabo_packet *q)
{
	c->queries++;
	nbr_out_add(o, q, c->e->noutputs - 1);
	o->query = true;
}

void nbr_out_flush(struct nbr_cache *c, struct nbr_out *o);

/* ---- Handlers */

/* Read handlers common to both elements; an element numbers its own from
 * NBR_H_NEXT. */
enum { NBR_H_QUERIES, NBR_H_RESPONSES, NBR_H_DROPS, NBR_H_COUNT, NBR_H_LENGTH, NBR_H_NEXT };

void nbr_read_counter(const struct nbr_cache *c, int which, struct cabo_strbuf *out);

#endif
