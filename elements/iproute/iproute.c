/* Route tables: the route set, next hops, grace periods, and Click's route
 * syntax.  See iproute.h for the design; the lookup engines are in
 * lpm_linear.c, lpm_radix.c and lpm_direct.c. */
#include <arpa/inet.h>
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "iproute.h"

/* ======================================================================
 * Grace periods
 * ====================================================================== */

/* Two flips: a reader that read the phase just before the first flip but
 * counted itself after the first wait is caught by the second. */
void cabo_lpm_synchronize(struct cabo_lpm_rcu *r)
{
	atomic_thread_fence(memory_order_seq_cst);
	for (int flip = 0; flip < 2; flip++) {
		unsigned old = atomic_load_explicit(&r->phase, memory_order_relaxed) & 1;
		atomic_store_explicit(&r->phase, old ^ 1, memory_order_seq_cst);
		atomic_thread_fence(memory_order_seq_cst);
		for (unsigned spins = 0;
		     atomic_load_explicit(&r->readers[old], memory_order_acquire) != 0; spins++)
			if (spins >= 64)
				sched_yield();
	}
}

/* ======================================================================
 * Routes: parsing and printing in Click's syntax
 * ====================================================================== */

static unsigned mask_len(uint32_t mask_be)
{
	uint32_t m = ntohl(mask_be);
	return m ? 32u - (unsigned)__builtin_ctz(m) : 0;
}

static uint32_t len_mask(unsigned len)
{
	return len ? ~(uint32_t)0 << (32 - len) : 0;
}

unsigned cabo_iproute_prefix_len(const struct cabo_iproute *r)
{
	return mask_len(r->mask);
}

static bool parse_gw(const char *w, void *gw)
{
	return cabo_parse_ip4(w, gw);
}

bool cabo_iproute_parse(const char *s, bool for_remove, struct cabo_iproute *out)
{
	char w[64];
	struct cabo_iproute r = { 0, 0, 0, -1 };
	if (!cabo_routectl_next_word(&s, w, sizeof w))
		return false;
	if (strchr(w, '/')) {
		if (!cabo_parse_ip4_prefix(w, &r.addr, &r.mask))   /* contiguous masks only */
			return false;
	} else {
		if (!cabo_parse_ip4(w, &r.addr))
			return false;
		r.mask = 0xffffffffu;
	}
	r.addr &= r.mask;
	if (!cabo_routectl_parse_nexthop(s, for_remove, w, sizeof w, parse_gw, &r.gw, &r.port))
		return false;
	*out = r;
	return true;
}

void cabo_iproute_unparse(const struct cabo_iproute *r, bool tabs, struct cabo_strbuf *out)
{
	char a[16], g[16];
	cabo_format_ip4(r->addr, a);
	size_t start = out->length;
	char sep = tabs ? '\t' : ' ';
	cabo_strbuf_printf(out, "%s/%u%c", a, mask_len(r->mask), sep);
	if (tabs && out->length < start + 17)
		cabo_strbuf_putc(out, '\t');
	start = out->length;
	if (r->gw) {
		cabo_format_ip4(r->gw, g);
		cabo_strbuf_printf(out, "%s%c", g, sep);
	} else {
		cabo_strbuf_printf(out, "-%c", sep);
	}
	if (tabs && out->length < start + 9)
		cabo_strbuf_putc(out, '\t');
	cabo_strbuf_printf(out, "%d", (int)r->port);
}

/* ======================================================================
 * Hash indexes (open addressing, linear probing, backward-shift deletion)
 * ====================================================================== */

struct cabo_rtable_entry {
	uint32_t addr;      /* host order; next free slot when !live */
	uint8_t len;
	uint8_t live;
	uint16_t nh;
};

/* Every key bit must reach the masked low bits: next hops 10.0.x.1 differ
 * only in the gateway's third byte, and a plain multiplicative hash put them
 * all in one probe chain (1201 routes cost 10 M instructions to add). */
static inline uint32_t hash64(uint64_t key, uint32_t mask)
{
	key ^= key >> 33;
	key *= 0xFF51AFD7ED558CCDull;
	key ^= key >> 33;
	return (uint32_t)key & mask;
}

static inline uint64_t route_key(uint32_t addr, unsigned len)
{
	return (uint64_t)addr << 8 | len;
}

static inline uint64_t nh_key(uint32_t gw, int32_t port)
{
	return (uint64_t)gw << 32 | (uint32_t)port;
}

typedef uint64_t keyfn(const struct cabo_rtable *t, uint32_t v);

static uint64_t slot_key(const struct cabo_rtable *t, uint32_t v)
{
	const struct cabo_rtable_entry *r = &t->routes[v - 1];
	return route_key(r->addr, r->len);
}

static uint64_t nhslot_key(const struct cabo_rtable *t, uint32_t v)
{
	return nh_key(t->nh[v].gw, t->nh[v].port);
}

/* The slot holding key, or the empty slot where it would go. */
static uint32_t *hfind(const struct cabo_rtable *t, const struct cabo_rtable_index *h,
		       keyfn *keyof, uint64_t key)
{
	for (uint32_t i = hash64(key, h->mask);; i = (i + 1) & h->mask)
		if (!h->slots[i] || keyof(t, h->slots[i]) == key)
			return &h->slots[i];
}

static void hremove(const struct cabo_rtable *t, struct cabo_rtable_index *h, keyfn *keyof,
		    uint32_t *hole)
{
	uint32_t *s = h->slots, m = h->mask;
	uint32_t i = (uint32_t)(hole - s);
	for (uint32_t j = (i + 1) & m; s[j]; j = (j + 1) & m) {
		uint32_t home = hash64(keyof(t, s[j]), m);
		/* s[j] moves back into the hole unless its home lies in (i, j] */
		bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
		if (!stays) {
			s[i] = s[j];
			i = j;
		}
	}
	s[i] = 0;
}

/* Grows the index so that n values keep it at most half full. */
static void hreserve(const struct cabo_rtable *t, struct cabo_rtable_index *h, keyfn *keyof,
		     uint32_t n)
{
	uint32_t cap = h->mask + 1;
	if (n * 2 <= cap)
		return;
	while (n * 2 > cap)
		cap *= 2;
	struct cabo_rtable_index old = *h;
	h->slots = cabo_xcalloc(cap, sizeof *h->slots);
	h->mask = cap - 1;
	for (uint32_t i = 0; i <= old.mask; i++)
		if (old.slots[i])
			*hfind(t, h, keyof, keyof(t, old.slots[i])) = old.slots[i];
	free(old.slots);
}

static void hinit(struct cabo_rtable_index *h)
{
	h->mask = 15;
	h->slots = cabo_xcalloc(h->mask + 1, sizeof *h->slots);
}

/* ======================================================================
 * Next hops
 * ====================================================================== */

/* The number for (gw, port), with a new reference; 0 when none is left. */
static uint32_t nh_get(struct cabo_rtable *t, uint32_t gw, int32_t port)
{
	uint32_t *hit = hfind(t, &t->nh_index, nhslot_key, nh_key(gw, port));
	if (*hit) {
		t->nh_refs[*hit]++;
		return *hit;
	}
	uint32_t n;
	if (t->nnh_free)
		n = t->nh_free[--t->nnh_free];
	else if (t->nh_used + 1 < t->nh_capacity)
		n = ++t->nh_used;
	else if (t->nnh_pending) {
		/* numbers freed earlier: once no reader can hold them, reuse */
		cabo_lpm_synchronize(&t->rcu);
		memcpy(t->nh_free, t->nh_pending, t->nnh_pending * sizeof *t->nh_free);
		t->nnh_free = t->nnh_pending;
		t->nnh_pending = 0;
		n = t->nh_free[--t->nnh_free];
	} else
		return 0;
	t->nh[n].gw = gw;
	t->nh[n].port = port;
	t->nh_refs[n] = 1;
	uint32_t live = t->nh_used - t->nnh_free - t->nnh_pending;
	hreserve(t, &t->nh_index, nhslot_key, live);
	*hfind(t, &t->nh_index, nhslot_key, nh_key(gw, port)) = n;
	return n;
}

static void nh_put(struct cabo_rtable *t, uint32_t n)
{
	if (--t->nh_refs[n])
		return;
	hremove(t, &t->nh_index, nhslot_key, hfind(t, &t->nh_index, nhslot_key, nh_key(t->nh[n].gw, t->nh[n].port)));
	t->nh_pending[t->nnh_pending++] = n;
}

/* ======================================================================
 * The table
 * ====================================================================== */

int cabo_rtable_init(struct cabo_rtable *t, const struct cabo_lpm_ops *ops)
{
	memset(t, 0, sizeof *t);
	t->ops = ops;
	pthread_mutex_init(&t->lock, NULL);
	t->lpm = ops->create(&t->rcu);
	if (!t->lpm)
		return -1;
	t->nh_capacity = ops->max_nh + 1;
	t->nh = cabo_xcalloc(t->nh_capacity, sizeof *t->nh);
	t->nh[0].port = -1;
	t->nh_refs = cabo_xcalloc(t->nh_capacity, sizeof *t->nh_refs);
	t->nh_free = cabo_xcalloc(t->nh_capacity, sizeof *t->nh_free);
	t->nh_pending = cabo_xcalloc(t->nh_capacity, sizeof *t->nh_pending);
	hinit(&t->nh_index);
	hinit(&t->index);
	t->free_slot = UINT32_MAX;
	return 0;
}

void cabo_rtable_destroy(struct cabo_rtable *t)
{
	if (!t->ops)
		return;
	if (t->lpm)
		t->ops->destroy(t->lpm);
	free(t->nh);
	free(t->nh_refs);
	free(t->nh_free);
	free(t->nh_pending);
	free(t->nh_index.slots);
	free(t->routes);
	free(t->index.slots);
	pthread_mutex_destroy(&t->lock);
	memset(t, 0, sizeof *t);
}

uint32_t cabo_rtable_count(const struct cabo_rtable *t)
{
	return t->nroutes;
}

static struct cabo_rtable_entry *find_route(const struct cabo_rtable *t, uint32_t addr,
					    unsigned len)
{
	uint32_t v = *hfind(t, &t->index, slot_key, route_key(addr, len));
	return v ? &t->routes[v - 1] : NULL;
}

static void entry_route(const struct cabo_rtable *t, const struct cabo_rtable_entry *e,
			struct cabo_iproute *r)
{
	r->addr = htonl(e->addr);
	r->mask = htonl(len_mask(e->len));
	r->gw = t->nh[e->nh].gw;
	r->port = t->nh[e->nh].port;
}

static uint32_t new_slot(struct cabo_rtable *t)
{
	if (t->free_slot != UINT32_MAX) {
		uint32_t s = t->free_slot;
		t->free_slot = t->routes[s].addr;
		return s;
	}
	if (t->nslots == t->slot_capacity) {
		t->slot_capacity = t->slot_capacity ? 2 * t->slot_capacity : 16;
		t->routes = cabo_xrealloc(t->routes, t->slot_capacity * sizeof *t->routes);
	}
	return t->nslots++;
}

static int full(const char **why, const char *reason)
{
	if (why)
		*why = reason;
	return -ENOSPC;
}

static const char too_many_nh[] = "too many next hops (distinct gateway/output pairs)";

/* Takes r's next hop into *nh and, unless loading, points the engine's
 * addr/len at it; on failure nothing has changed. */
static int install(struct cabo_rtable *t, const struct cabo_iproute *r, uint32_t addr,
		   unsigned len, uint32_t *nh, const char **why)
{
	const char *reason = NULL;
	*nh = nh_get(t, r->gw, r->port);
	if (!*nh)
		return full(why, too_many_nh);
	if (!t->loading && t->ops->insert(t->lpm, addr, len, *nh, &reason) < 0) {
		nh_put(t, *nh);
		return full(why, reason);
	}
	return 0;
}

int cabo_rtable_add(struct cabo_rtable *t, const struct cabo_iproute *r, bool set,
		    struct cabo_iproute *old, const char **why)
{
	uint32_t addr = ntohl(r->addr);
	unsigned len = mask_len(r->mask);
	uint32_t nh;
	struct cabo_rtable_entry *e = find_route(t, addr, len);
	if (e) {
		if (old)
			entry_route(t, e, old);
		if (!set)
			return -EEXIST;
		if (t->nh[e->nh].gw == r->gw && t->nh[e->nh].port == r->port)
			return 0;
		int rc = install(t, r, addr, len, &nh, why);
		if (rc < 0)
			return rc;
		uint32_t prev = e->nh;
		e->nh = (uint16_t)nh;
		nh_put(t, prev);
		return 0;
	}
	if (old) {
		*old = *r;
		old->port = -1;
	}
	int rc = install(t, r, addr, len, &nh, why);
	if (rc < 0)
		return rc;
	uint32_t s = new_slot(t);
	t->routes[s] = (struct cabo_rtable_entry){ addr, (uint8_t)len, 1, (uint16_t)nh };
	t->nroutes++;
	hreserve(t, &t->index, slot_key, t->nroutes);
	*hfind(t, &t->index, slot_key, route_key(addr, len)) = s + 1;
	return 0;
}

int cabo_rtable_remove(struct cabo_rtable *t, const struct cabo_iproute *r,
		       struct cabo_iproute *old)
{
	uint32_t addr = ntohl(r->addr);
	unsigned len = mask_len(r->mask);
	uint32_t *hit = hfind(t, &t->index, slot_key, route_key(addr, len));
	if (!*hit)
		return -ENOENT;
	struct cabo_rtable_entry *e = &t->routes[*hit - 1];
	if (r->port >= 0 && (t->nh[e->nh].gw != r->gw || t->nh[e->nh].port != r->port))
		return -ENOENT;
	if (old)
		entry_route(t, e, old);
	if (!t->loading) {
		/* the longest remaining route that covers this prefix */
		uint32_t cover_nh = 0;
		unsigned cover_len = 0;
		for (unsigned l = len; l-- > 0;) {
			const struct cabo_rtable_entry *c = find_route(t, addr & len_mask(l), l);
			if (c) {
				cover_nh = c->nh;
				cover_len = l;
				break;
			}
		}
		t->ops->erase(t->lpm, addr, len, cover_nh, cover_len);
	}
	uint32_t slot = *hit - 1;
	hremove(t, &t->index, slot_key, hit);
	nh_put(t, e->nh);
	e->live = 0;
	e->addr = t->free_slot;
	t->free_slot = slot;
	t->nroutes--;
	return 0;
}

void cabo_rtable_flush(struct cabo_rtable *t)
{
	t->ops->flush(t->lpm);   /* publishes an empty structure and waits for readers */
	t->nslots = t->nroutes = 0;
	t->free_slot = UINT32_MAX;
	memset(t->index.slots, 0, (t->index.mask + 1) * sizeof *t->index.slots);
	memset(t->nh_index.slots, 0, (t->nh_index.mask + 1) * sizeof *t->nh_index.slots);
	t->nh_used = t->nnh_free = t->nnh_pending = 0;
}

void cabo_rtable_begin_load(struct cabo_rtable *t)
{
	t->loading = true;
}

/* Builds the lookup structure from every recorded route, shortest prefixes
 * first. */
int cabo_rtable_end_load(struct cabo_rtable *t, struct cabo_errh *errh)
{
	t->loading = false;
	uint32_t count[34] = { 0 };
	for (uint32_t s = 0; s < t->nslots; s++)
		if (t->routes[s].live)
			count[t->routes[s].len + 1]++;
	for (unsigned l = 1; l < 34; l++)
		count[l] += count[l - 1];
	struct cabo_lpm_prefix *p = cabo_xmalloc((t->nroutes + 1) * sizeof *p);
	for (uint32_t s = 0; s < t->nslots; s++) {
		const struct cabo_rtable_entry *e = &t->routes[s];
		if (e->live)
			p[count[e->len]++] = (struct cabo_lpm_prefix){ e->addr, e->len, e->nh };
	}
	const char *why = NULL;
	int r = t->ops->load(t->lpm, p, t->nroutes, &why);
	free(p);
	if (r < 0)
		return cabo_errh_error(errh, "%s", why);
	return 0;
}

/* ======================================================================
 * Lookups and dumps
 * ====================================================================== */

void cabo_rtable_resolve(struct cabo_rtable *t, const uint32_t *dst, unsigned n,
			 int *port, uint32_t *gw)
{
	uint32_t nh[CABO_BATCH_MAX];
	const struct cabo_nexthop *hops = t->nh;
	while (n) {
		unsigned k = n < CABO_BATCH_MAX ? n : CABO_BATCH_MAX;
		unsigned phase = cabo_lpm_read_lock(&t->rcu);
		t->ops->lookup(t->lpm, dst, k, nh);
		for (unsigned i = 0; i < k; i++) {
			port[i] = hops[nh[i]].port;
			gw[i] = hops[nh[i]].gw;
		}
		cabo_lpm_read_unlock(&t->rcu, phase);
		dst += k;
		port += k;
		gw += k;
		n -= k;
	}
}

int cabo_rtable_lookup_one(struct cabo_rtable *t, uint32_t dst_be, uint32_t *gw)
{
	uint32_t dst = ntohl(dst_be);
	int port;
	cabo_rtable_resolve(t, &dst, 1, &port, gw);
	return port;
}

void cabo_rtable_dump(struct cabo_rtable *t, bool tabs, struct cabo_strbuf *out)
{
	for (uint32_t s = 0; s < t->nslots; s++) {
		if (!t->routes[s].live)
			continue;
		struct cabo_iproute r;
		entry_route(t, &t->routes[s], &r);
		cabo_iproute_unparse(&r, tabs, out);
		cabo_strbuf_putc(out, '\n');
	}
}

size_t cabo_rtable_lookup_memory(const struct cabo_rtable *t)
{
	return t->ops->memory(t->lpm) + (size_t)(t->nh_used + 1) * sizeof *t->nh;
}

size_t cabo_rtable_memory(const struct cabo_rtable *t)
{
	return cabo_rtable_lookup_memory(t)
		+ (size_t)t->slot_capacity * sizeof *t->routes
		+ (size_t)(t->index.mask + 1) * sizeof *t->index.slots
		+ (size_t)(t->nh_index.mask + 1) * sizeof *t->nh_index.slots
		+ (size_t)(t->nh_used + 1) * 3 * sizeof(uint32_t);
}

/* ======================================================================
 * The family seen by route control (routectl.h)
 * ====================================================================== */

static bool family_parse(const char *s, bool for_remove, void *r)
{
	return cabo_iproute_parse(s, for_remove, r);
}

static void family_unparse(const void *r, struct cabo_strbuf *out)
{
	cabo_iproute_unparse(r, false, out);
}

static int32_t family_port(const void *r)
{
	return ((const struct cabo_iproute *)r)->port;
}

static bool family_parse_addr(const char *s, void *addr)
{
	return cabo_parse_ip4(s, addr);
}

static int family_add(void *t, const void *r, bool set, void *old, const char **why)
{
	return cabo_rtable_add(t, r, set, old, why);
}

static int family_remove(void *t, const void *r, void *old)
{
	return cabo_rtable_remove(t, r, old);
}

static void family_flush(void *t)
{
	cabo_rtable_flush(t);
}

static pthread_mutex_t *family_lock(void *t)
{
	return &((struct cabo_rtable *)t)->lock;
}

_Static_assert(sizeof(struct cabo_iproute) <= CABO_ROUTECTL_ROUTE_MAX, "route too large");

const struct cabo_routectl_family cabo_iproute_family = {
	.prefix_syntax = "ADDR/MASK", .addr_name = "IP address",
	.route_size = sizeof(struct cabo_iproute),
	.parse = family_parse, .unparse = family_unparse, .port = family_port,
	.parse_addr = family_parse_addr,
	.add = family_add, .remove = family_remove, .flush = family_flush, .lock = family_lock,
};
