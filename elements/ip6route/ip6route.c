/* IPv6 route tables: Click's route syntax, the route set in Click's dump
 * order, next hops, grace periods, and route files.  See ip6route.h for
 * the design; the binary trie is in ip6trie.c, the lookup structure in
 * lpm6.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "ip6route.h"

/* Replaced lookup-structure blocks wait for a grace period in batches of
 * this many (a grace period costs a few microseconds of the writer's time,
 * never the readers'). */
enum { RECLAIM_BATCH = 4096 };

/* ======================================================================
 * Routes: Click's syntax
 * ====================================================================== */

static bool parse_gw(const char *w, void *gw)
{
	return cabo_parse_ip6(w, gw);
}

bool cabo_ip6route_parse(const char *s, bool for_remove, struct cabo_ip6route *out)
{
	char w[96];
	struct cabo_ip6route r;
	memset(&r, 0, sizeof r);
	r.port = -1;
	unsigned len = 128;
	if (!cabo_routectl_next_word(&s, w, sizeof w))
		return false;
	if (strchr(w, '/') ? !cabo_parse_ip6_prefix(w, r.addr, &len) : !cabo_parse_ip6(w, r.addr))
		return false;
	cabo_ip6_bytes(cabo_ip6_key(r.addr) & cabo_ip6_mask(len), r.addr);
	r.len = (uint8_t)len;
	if (!cabo_routectl_parse_nexthop(s, for_remove, w, sizeof w, parse_gw, r.gw, &r.port))
		return false;
	*out = r;
	return true;
}

static bool has_gw(const uint8_t gw[16])
{
	static const uint8_t zero[16];
	return memcmp(gw, zero, 16) != 0;
}

void cabo_ip6route_unparse(const struct cabo_ip6route *r, struct cabo_strbuf *out)
{
	char a[40], g[40] = "-";
	cabo_format_ip6(r->addr, a);
	if (has_gw(r->gw))
		cabo_format_ip6(r->gw, g);
	cabo_strbuf_printf(out, "%s/%u %s %d", a, r->len, g, (int)r->port);
}

/* ======================================================================
 * Grace periods
 * ====================================================================== */

/* After a grace period no reader holds replaced nodes or released
 * next-hop numbers: free the one, reuse the other. */
static void reclaim(struct cabo_ip6rt *t)
{
	cabo_lpm_synchronize(&t->rcu);
	cabo_lpm6_reclaim(t->lpm);
	memcpy(t->nh_free + t->nnh_free, t->nh_pending, t->nnh_pending * sizeof *t->nh_free);
	t->nnh_free += t->nnh_pending;
	t->nnh_pending = 0;
}

static void maybe_reclaim(struct cabo_ip6rt *t)
{
	if (cabo_lpm6_retired(t->lpm) >= RECLAIM_BATCH || t->nnh_pending >= RECLAIM_BATCH)
		reclaim(t);
}

/* ======================================================================
 * Next hops: (gateway, port) pairs, numbered, reference counted
 * ====================================================================== */

static uint32_t nh_hash(const uint8_t gw[16], int32_t port, uint32_t mask)
{
	uint64_t a, b;
	memcpy(&a, gw, 8);
	memcpy(&b, gw + 8, 8);
	uint64_t h = a * 0x9E3779B97F4A7C15ull ^ b ^ (uint64_t)(uint32_t)port << 32;
	h ^= h >> 33;                      /* MurmurHash3's finalizer */
	h *= 0xFF51AFD7ED558CCDull;
	h ^= h >> 33;
	h *= 0xC4CEB9FE1A85EC53ull;
	h ^= h >> 33;
	return (uint32_t)h & mask;
}

static bool nh_is(const struct cabo_ip6_nexthop *h, const uint8_t gw[16], int32_t port)
{
	return h->port == port && memcmp(h->gw, gw, 16) == 0;
}

/* The index slot holding (gw, port), or the empty one where it would go. */
static uint32_t *nh_find(const struct cabo_ip6rt *t, const uint8_t gw[16], int32_t port)
{
	for (uint32_t i = nh_hash(gw, port, t->nh_index_mask);; i = (i + 1) & t->nh_index_mask) {
		uint32_t v = t->nh_index[i];
		if (!v || nh_is(&t->nh[v], gw, port))
			return &t->nh_index[i];
	}
}

/* Backward-shift deletion keeps every probe chain unbroken. */
static void nh_unindex(struct cabo_ip6rt *t, uint32_t *hole)
{
	uint32_t *s = t->nh_index, m = t->nh_index_mask, i = (uint32_t)(hole - s);
	for (uint32_t j = (i + 1) & m; s[j]; j = (j + 1) & m) {
		uint32_t home = nh_hash(t->nh[s[j]].gw, t->nh[s[j]].port, m);
		bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
		if (!stays) {
			s[i] = s[j];
			i = j;
		}
	}
	s[i] = 0;
}

/* The index holds at most CABO_IP6RT_MAX_NH numbers: sized once, half full
 * at most. */
enum { NH_INDEX_SIZE = 1 << 17 };

/* The number for (gw, port), with a new reference; 0 when none is left. */
static uint32_t nh_get(struct cabo_ip6rt *t, const uint8_t gw[16], int32_t port)
{
	uint32_t *hit = nh_find(t, gw, port);
	if (*hit) {
		t->nh_refs[*hit]++;
		return *hit;
	}
	uint32_t n;
	if (!t->nnh_free && t->nh_used == CABO_IP6RT_MAX_NH && t->nnh_pending)
		reclaim(t);
	if (t->nnh_free)
		n = t->nh_free[--t->nnh_free];
	else if (t->nh_used < CABO_IP6RT_MAX_NH)
		n = ++t->nh_used;
	else
		return 0;
	memcpy(t->nh[n].gw, gw, 16);
	t->nh[n].port = port;
	t->nh_refs[n] = 1;
	*nh_find(t, gw, port) = n;
	return n;
}

static void nh_put(struct cabo_ip6rt *t, uint32_t n)
{
	if (--t->nh_refs[n])
		return;
	nh_unindex(t, nh_find(t, t->nh[n].gw, t->nh[n].port));
	t->nh_pending[t->nnh_pending++] = n;
}

/* ======================================================================
 * Slots: Click's dump order (a new route takes the lowest free slot)
 * ====================================================================== */

static void heap_push(struct cabo_ip6rt *t, uint32_t v)
{
	uint32_t *h = t->free_slots, i = t->nfree_slots++;
	for (; i && h[(i - 1) / 2] > v; i = (i - 1) / 2)
		h[i] = h[(i - 1) / 2];
	h[i] = v;
}

static uint32_t heap_pop(struct cabo_ip6rt *t)
{
	uint32_t *h = t->free_slots, top = h[0], v = h[--t->nfree_slots], n = t->nfree_slots, i = 0;
	for (;;) {
		uint32_t c = 2 * i + 1;
		if (c >= n)
			break;
		if (c + 1 < n && h[c + 1] < h[c])
			c++;
		if (h[c] >= v)
			break;
		h[i] = h[c];
		i = c;
	}
	if (n)
		h[i] = v;
	return top;
}

static uint32_t new_slot(struct cabo_ip6rt *t)
{
	if (t->nfree_slots)
		return heap_pop(t);
	if (t->nslots == t->slot_capacity) {
		t->slot_capacity = t->slot_capacity ? 2 * t->slot_capacity : 16;
		t->slots = cabo_xrealloc(t->slots, t->slot_capacity * sizeof *t->slots);
		t->free_slots = cabo_xrealloc(t->free_slots, t->slot_capacity * sizeof *t->free_slots);
	}
	return t->nslots++;
}

/* ======================================================================
 * The table
 * ====================================================================== */

void cabo_ip6rt_init(struct cabo_ip6rt *t)
{
	memset(t, 0, sizeof *t);
	pthread_mutex_init(&t->lock, NULL);
	cabo_ip6trie_init(&t->trie);
	t->lpm = cabo_lpm6_create(&t->rcu);
	t->nh = cabo_xcalloc(CABO_IP6RT_MAX_NH + 1, sizeof *t->nh);
	t->nh[0].port = -1;
	t->nh_refs = cabo_xcalloc(CABO_IP6RT_MAX_NH + 1, sizeof *t->nh_refs);
	t->nh_free = cabo_xcalloc(CABO_IP6RT_MAX_NH, sizeof *t->nh_free);
	t->nh_pending = cabo_xcalloc(CABO_IP6RT_MAX_NH, sizeof *t->nh_pending);
	t->nh_index = cabo_xcalloc(NH_INDEX_SIZE, sizeof *t->nh_index);
	t->nh_index_mask = NH_INDEX_SIZE - 1;
}

void cabo_ip6rt_destroy(struct cabo_ip6rt *t)
{
	if (!t->lpm)
		return;
	cabo_lpm6_destroy(t->lpm);
	cabo_ip6trie_destroy(&t->trie);
	free(t->nh);
	free(t->nh_refs);
	free(t->nh_free);
	free(t->nh_pending);
	free(t->nh_index);
	free(t->slots);
	free(t->free_slots);
	pthread_mutex_destroy(&t->lock);
	memset(t, 0, sizeof *t);
}

uint32_t cabo_ip6rt_count(const struct cabo_ip6rt *t)
{
	return t->nroutes;
}

static void node_route(const struct cabo_ip6rt *t, const struct cabo_ip6trie_node *n,
		       struct cabo_ip6route *r)
{
	cabo_ip6_bytes(cabo_ip6trie_key(n), r->addr);
	r->len = n->len;
	memcpy(r->gw, t->nh[n->nh].gw, 16);
	r->port = t->nh[n->nh].port;
}

static int full(const char **why)
{
	if (why)
		*why = "too many next hops (distinct gateway/output pairs)";
	return -ENOSPC;
}

static void publish(struct cabo_ip6rt *t, cabo_u128 key, unsigned len)
{
	if (!t->loading)
		cabo_lpm6_update(t->lpm, &t->trie, key, len);
}

int cabo_ip6rt_add(struct cabo_ip6rt *t, const struct cabo_ip6route *r, bool set,
		   struct cabo_ip6route *old, const char **why)
{
	cabo_u128 key = cabo_ip6_key(r->addr) & cabo_ip6_mask(r->len);
	struct cabo_ip6trie_node *n = cabo_ip6trie_find(&t->trie, key, r->len);
	if (n) {
		if (old)
			node_route(t, n, old);
		if (!set)
			return -EEXIST;
		if (nh_is(&t->nh[n->nh], r->gw, r->port))
			return 0;
		uint32_t nh = nh_get(t, r->gw, r->port);
		if (!nh)
			return full(why);
		uint32_t prev = n->nh;
		n->nh = (uint16_t)nh;
		publish(t, key, r->len);
		nh_put(t, prev);
		maybe_reclaim(t);
		return 0;
	}
	if (old) {
		*old = *r;
		old->port = -1;
	}
	uint32_t nh = nh_get(t, r->gw, r->port);
	if (!nh)
		return full(why);
	n = cabo_ip6trie_insert(&t->trie, key, r->len);
	n->route = 1;
	n->nh = (uint16_t)nh;
	n->slot = new_slot(t);
	t->slots[n->slot] = n;
	t->nroutes++;
	publish(t, key, r->len);
	maybe_reclaim(t);
	return 0;
}

int cabo_ip6rt_remove(struct cabo_ip6rt *t, const struct cabo_ip6route *r,
		      struct cabo_ip6route *old)
{
	cabo_u128 key = cabo_ip6_key(r->addr) & cabo_ip6_mask(r->len);
	struct cabo_ip6trie_node *n = cabo_ip6trie_find(&t->trie, key, r->len);
	if (!n || (r->port >= 0 && !nh_is(&t->nh[n->nh], r->gw, r->port)))
		return -ENOENT;
	if (old)
		node_route(t, n, old);
	uint32_t nh = n->nh;
	t->slots[n->slot] = NULL;
	heap_push(t, n->slot);
	t->nroutes--;
	cabo_ip6trie_remove(&t->trie, n);
	publish(t, key, r->len);
	nh_put(t, nh);
	maybe_reclaim(t);
	return 0;
}

void cabo_ip6rt_flush(struct cabo_ip6rt *t)
{
	cabo_ip6trie_destroy(&t->trie);
	cabo_ip6trie_init(&t->trie);
	cabo_lpm6_rebuild(t->lpm, &t->trie);  /* publishes the empty table, waits for readers */
	t->nslots = t->nroutes = t->nfree_slots = 0;
	memset(t->nh_index, 0, NH_INDEX_SIZE * sizeof *t->nh_index);
	t->nh_used = t->nnh_free = t->nnh_pending = 0;
}

void cabo_ip6rt_begin_load(struct cabo_ip6rt *t)
{
	t->loading = true;
}

void cabo_ip6rt_end_load(struct cabo_ip6rt *t)
{
	t->loading = false;
	cabo_lpm6_rebuild(t->lpm, &t->trie);
	reclaim(t);
}

/* ======================================================================
 * Lookups and dumps
 * ====================================================================== */

void cabo_ip6rt_resolve(struct cabo_ip6rt *t, const cabo_u128 *dst, unsigned n, int *port,
			uint8_t (*gw)[16])
{
	uint16_t nh[CABO_BATCH_MAX];
	const struct cabo_ip6_nexthop *hops = t->nh;
	while (n) {
		unsigned k = n < CABO_BATCH_MAX ? n : CABO_BATCH_MAX;
		unsigned phase = cabo_lpm_read_lock(&t->rcu);
		cabo_lpm6_lookup(t->lpm, dst, k, nh);
		for (unsigned i = 0; i < k; i++) {
			port[i] = hops[nh[i]].port;
			memcpy(gw[i], hops[nh[i]].gw, 16);
		}
		cabo_lpm_read_unlock(&t->rcu, phase);
		dst += k;
		port += k;
		gw += k;
		n -= k;
	}
}

int cabo_ip6rt_lookup_one(struct cabo_ip6rt *t, const uint8_t dst[16], uint8_t gw[16])
{
	cabo_u128 key = cabo_ip6_key(dst);
	int port;
	uint8_t g[1][16];
	cabo_ip6rt_resolve(t, &key, 1, &port, g);
	memcpy(gw, g[0], 16);
	return port;
}

void cabo_ip6rt_dump(const struct cabo_ip6rt *t, struct cabo_strbuf *out)
{
	if (t->nslots)
		cabo_strbuf_puts(out, "# Active routes\n");
	for (uint32_t s = 0; s < t->nslots; s++) {
		const struct cabo_ip6trie_node *n = t->slots[s];
		if (!n)
			continue;
		char a[40], g[40];
		uint8_t addr[16];
		cabo_ip6_bytes(cabo_ip6trie_key(n), addr);
		cabo_format_ip6(addr, a);
		cabo_format_ip6(t->nh[n->nh].gw, g);
		cabo_strbuf_printf(out, "%s/%u\t%s\t%d\n", a, n->len, g, (int)t->nh[n->nh].port);
	}
}

size_t cabo_ip6rt_lookup_memory(const struct cabo_ip6rt *t)
{
	return cabo_lpm6_memory(t->lpm) + (size_t)(t->nh_used + 1) * sizeof *t->nh;
}

size_t cabo_ip6rt_memory(const struct cabo_ip6rt *t)
{
	return cabo_lpm6_footprint(t->lpm) + (size_t)(t->nh_used + 1) * sizeof *t->nh
		+ cabo_ip6trie_memory(&t->trie)
		+ (size_t)t->slot_capacity * (sizeof *t->slots + sizeof *t->free_slots)
		+ NH_INDEX_SIZE * sizeof *t->nh_index
		+ (size_t)(t->nh_used + 1) * 3 * sizeof(uint32_t);
}

/* ======================================================================
 * Route files
 * ====================================================================== */

int cabo_ip6rt_load_file(struct cabo_ip6rt *t, const char *path, unsigned noutputs,
			 struct cabo_errh *errh)
{
	return cabo_routectl_load_file(&cabo_ip6route_family, t, path, noutputs, errh);
}

/* ======================================================================
 * The family seen by route control (../iproute/routectl.h)
 * ====================================================================== */

static bool family_parse(const char *s, bool for_remove, void *r)
{
	return cabo_ip6route_parse(s, for_remove, r);
}

static void family_unparse(const void *r, struct cabo_strbuf *out)
{
	cabo_ip6route_unparse(r, out);
}

static int32_t family_port(const void *r)
{
	return ((const struct cabo_ip6route *)r)->port;
}

static bool family_parse_addr(const char *s, void *addr)
{
	return cabo_parse_ip6(s, addr);
}

static int family_add(void *t, const void *r, bool set, void *old, const char **why)
{
	return cabo_ip6rt_add(t, r, set, old, why);
}

static int family_remove(void *t, const void *r, void *old)
{
	return cabo_ip6rt_remove(t, r, old);
}

static void family_flush(void *t)
{
	cabo_ip6rt_flush(t);
}

static pthread_mutex_t *family_lock(void *t)
{
	return &((struct cabo_ip6rt *)t)->lock;
}

_Static_assert(sizeof(struct cabo_ip6route) <= CABO_ROUTECTL_ROUTE_MAX, "route too large");

const struct cabo_routectl_family cabo_ip6route_family = {
	.prefix_syntax = "ADDR/LEN", .addr_name = "IPv6 address",
	.route_size = sizeof(struct cabo_ip6route),
	.parse = family_parse, .unparse = family_unparse, .port = family_port,
	.parse_addr = family_parse_addr,
	.add = family_add, .remove = family_remove, .flush = family_flush, .lock = family_lock,
};
