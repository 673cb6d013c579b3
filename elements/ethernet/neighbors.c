/* The neighbour cache of ARPQuerier and IP6NDSolicitor; see neighbors.h. */
#include <stdlib.h>

#include "neighbors.h"

void nbr_cache_init(struct nbr_cache *c, struct cabo_element *e, unsigned addr_len)
{
	c->e = e;
	c->addr_len = addr_len;
	c->nbuckets = 64;
	c->buckets = cabo_xcalloc(c->nbuckets, sizeof *c->buckets);
	c->free_slot = -1;
}

void nbr_cache_destroy(struct nbr_cache *c)
{
	if (c->buckets) {
		while (c->age_head) {
			struct nbr_entry *ne = c->age_head;
			while (ne->head >= 0)
				cabo_packet_free(nbr_pop(c, ne));
			nbr_delete(c, ne, 0);
		}
		while (c->free_entries) {
			struct nbr_entry *ne = c->free_entries;
			c->free_entries = ne->hnext;
			free(ne);
		}
	}
	free(c->buckets);
	free(c->slots);
	c->buckets = NULL;
	c->slots = NULL;
}

/* ======================================================================
 * Entries: hash and age list
 * ====================================================================== */

static uint32_t bucket_of(const struct nbr_cache *c, const uint8_t *addr)
{
	return nbr_bucket(c, addr, c->addr_len);
}

static void age_unlink(struct nbr_cache *c, struct nbr_entry *ne)
{
	*(ne->aprev ? &ne->aprev->anext : &c->age_head) = ne->anext;
	*(ne->anext ? &ne->anext->aprev : &c->age_tail) = ne->aprev;
	ne->aprev = ne->anext = NULL;
}

/* Links ne just before `next' (NULL: at the tail). */
static void age_link_before(struct nbr_cache *c, struct nbr_entry *ne, struct nbr_entry *next)
{
	ne->anext = next;
	ne->aprev = next ? next->aprev : c->age_tail;
	*(ne->aprev ? &ne->aprev->anext : &c->age_head) = ne;
	*(next ? &next->aprev : &c->age_tail) = ne;
}

void nbr_age_move_before(struct nbr_cache *c, struct nbr_entry *ne, struct nbr_entry *next)
{
	if (next == ne->anext)
		return;
	age_unlink(c, ne);
	age_link_before(c, ne, next);
}

static void rehash(struct nbr_cache *c, uint32_t nbuckets)
{
	struct nbr_entry **old = c->buckets;
	uint32_t nold = c->nbuckets;
	c->buckets = cabo_xcalloc(nbuckets, sizeof *c->buckets);
	c->nbuckets = nbuckets;
	for (uint32_t i = 0; i < nold; i++)
		for (struct nbr_entry *ne = old[i], *next; ne; ne = next) {
			next = ne->hnext;
			uint32_t b = bucket_of(c, ne->addr);
			ne->hnext = c->buckets[b];
			c->buckets[b] = ne;
		}
	free(old);
}

struct nbr_entry *nbr_add(struct nbr_cache *c, const void *addr)
{
	c->entry_count++;
	if (c->entry_count > 2 * c->nbuckets)
		rehash(c, 4 * c->nbuckets);
	struct nbr_entry *ne = c->free_entries;
	if (ne)
		c->free_entries = ne->hnext;
	else
		ne = cabo_xmalloc(sizeof *ne);
	memset(ne, 0, sizeof *ne);
	memcpy(ne->addr, addr, c->addr_len);
	ne->head = ne->tail = -1;
	uint32_t b = bucket_of(c, ne->addr);
	ne->hnext = c->buckets[b];
	c->buckets[b] = ne;
	age_link_before(c, ne, NULL);
	return ne;
}

void nbr_delete(struct nbr_cache *c, struct nbr_entry *ne, unsigned reason)
{
	while (ne->head >= 0)
		nbr_drop(c, nbr_pop(c, ne), reason);
	struct nbr_entry **pp = &c->buckets[bucket_of(c, ne->addr)];
	while (*pp != ne)
		pp = &(*pp)->hnext;
	*pp = ne->hnext;
	age_unlink(c, ne);
	c->entry_count--;
	ne->hnext = c->free_entries;
	c->free_entries = ne;
}

void nbr_clear(struct nbr_cache *c, unsigned reason)
{
	while (c->age_head)
		nbr_delete(c, c->age_head, reason);
	c->queries = c->responses = c->drops = 0;
}

void nbr_confirm(struct nbr_cache *c, struct nbr_entry *ne, const uint8_t *eth, int64_t now,
		 int64_t probed_ns)
{
	memmove(ne->eth, eth, ETHER_ALEN);      /* eth may be ne->eth */
	ne->known = true;
	ne->live_ns = now;
	ne->probes = 0;
	ne->probed_ns = probed_ns;
	nbr_age_move_before(c, ne, NULL);
}

/* ======================================================================
 * Saved packets: a free list of slots, a chain of them per entry
 * ====================================================================== */

static int32_t slot_take(struct nbr_cache *c)
{
	if (c->free_slot < 0) {
		uint32_t n = c->nslots ? 2 * c->nslots : 64;
		c->slots = cabo_xrealloc(c->slots, n * sizeof *c->slots);
		for (uint32_t i = n; i-- > c->nslots;) {
			c->slots[i].p = NULL;
			c->slots[i].next = c->free_slot;
			c->free_slot = (int32_t)i;
		}
		c->nslots = n;
	}
	int32_t s = c->free_slot;
	c->free_slot = c->slots[s].next;
	return s;
}

void nbr_save(struct nbr_cache *c, struct nbr_entry *ne, struct cabo_packet *p)
{
	int32_t s = slot_take(c);
	c->slots[s].p = p;
	c->slots[s].next = -1;
	if (ne->tail >= 0)
		c->slots[ne->tail].next = s;
	else
		ne->head = s;
	ne->tail = s;
	ne->npackets++;
	c->packet_count++;
}

struct cabo_packet *nbr_pop(struct nbr_cache *c, struct nbr_entry *ne)
{
	int32_t s = ne->head;
	struct cabo_packet *p = c->slots[s].p;
	ne->head = c->slots[s].next;
	if (ne->head < 0)
		ne->tail = -1;
	c->slots[s].p = NULL;
	c->slots[s].next = c->free_slot;
	c->free_slot = s;
	ne->npackets--;
	c->packet_count--;
	return p;
}

unsigned nbr_take_known(struct nbr_cache *c, const void *addr, int64_t now,
			struct cabo_packet **chunk)
{
	struct nbr_entry *ne = nbr_find(c, addr, c->addr_len);
	if (!ne || !ne->npackets || !nbr_known(c, ne, now))
		return 0;
	unsigned n = 0;
	while (n < NBR_CHUNK && ne->head >= 0)
		chunk[n++] = nbr_pop(c, ne);
	return n;
}

/* ======================================================================
 * Output staging and handlers
 * ====================================================================== */

void nbr_out_flush(struct nbr_cache *c, struct nbr_out *o)
{
	unsigned i = 0;
	while (i < o->n) {
		struct cabo_batch b;
		cabo_batch_init(&b);
		unsigned port = o->port[i];
		while (i < o->n && o->port[i] == port && !cabo_batch_full(&b))
			cabo_batch_add(&b, o->p[i++]);
		cabo_output_push(c->e, port, &b);
	}
	nbr_out_init(o);
}

void nbr_read_counter(const struct nbr_cache *c, int which, struct cabo_strbuf *out)
{
	switch (which) {
	case NBR_H_QUERIES:
		cabo_strbuf_printf(out, "%llu", (unsigned long long)c->queries);
		break;
	case NBR_H_RESPONSES:
		cabo_strbuf_printf(out, "%llu", (unsigned long long)c->responses);
		break;
	case NBR_H_DROPS:
		cabo_strbuf_printf(out, "%llu", (unsigned long long)c->drops);
		break;
	case NBR_H_COUNT:
		cabo_strbuf_printf(out, "%u", c->entry_count);
		break;
	case NBR_H_LENGTH:
		cabo_strbuf_printf(out, "%u", c->packet_count);
		break;
	}
}
