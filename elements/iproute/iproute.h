/* IPv4 route tables: the shared core of LinearIPLookup, StaticIPLookup,
 * RadixIPLookup and DirectIPLookup (Click's IPRouteTable interface).
 *
 * Three layers:
 *   - routes (struct cabo_iproute) in Click's syntax `ADDR/MASK [GW] OUT`,
 *     parsed and printed the way Click does;
 *   - a route table (struct cabo_rtable): the authoritative set of routes
 *     (a hash on prefix), the next hops they use (deduplicated (gateway,
 *     port) pairs, numbered 1..), and a lookup engine that maps an address to
 *     a next-hop number.  Engines (linear scan, radix trie, DIR-24-8) only
 *     see prefixes and next-hop numbers; everything Click-visible (add/set/
 *     remove semantics, conflicts, table dumps) lives here, once;
 *   - the element glue: configuration (routes and FILE), handlers (add, set,
 *     remove, ctrl, flush, table, lookup) and the batch push.
 *
 * Concurrency: one writer at a time (writers and control-path readers take
 * the table's mutex), any number of lock-free readers on the fast path.  A
 * reader brackets each batch with cabo_lpm_read_lock/unlock; every update is
 * a single atomic store of a table entry (or of a pointer to a fully built
 * structure), so a lookup racing an update sees the old or the new next hop.
 * Memory a reader may still hold (a collapsed DIR-24-8 group, a freed
 * next-hop number, a replaced array) is reused or freed only after a grace
 * period: cabo_lpm_synchronize() waits until every reader that was inside a
 * read section when it started has left it. */
#ifndef CABO_IPROUTE_H
#define CABO_IPROUTE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "element.h"
#include "routectl.h"

/* ---- Grace periods (a two-phase reader count, single writer) */

struct cabo_lpm_rcu {
	atomic_uint phase;
	atomic_uint readers[2];
};

static inline unsigned cabo_lpm_read_lock(struct cabo_lpm_rcu *r)
{
	unsigned p = atomic_load_explicit(&r->phase, memory_order_relaxed) & 1;
	atomic_fetch_add_explicit(&r->readers[p], 1, memory_order_seq_cst);
	/* The count must be visible before the section's loads (store-load
	 * order); x86's locked add already is a full barrier. */
#if !defined(__x86_64__) && !defined(__i386__)
	atomic_thread_fence(memory_order_seq_cst);
#endif
	return p;
}

static inline void cabo_lpm_read_unlock(struct cabo_lpm_rcu *r, unsigned p)
{
	atomic_fetch_sub_explicit(&r->readers[p], 1, memory_order_release);
}

/* Waits until all read sections that began before the call have ended.
 * Never call it inside a read section. */
void cabo_lpm_synchronize(struct cabo_lpm_rcu *r);

/* ---- Lookup engines */

/* Next-hop number 0 means "no route". */
struct cabo_lpm_prefix {
	uint32_t addr;              /* host order, host bits clear */
	uint32_t len;
	uint32_t nh;
};

struct cabo_lpm_ops {
	const char *name;
	uint32_t max_nh;            /* largest next-hop number it can store */
	void *(*create)(struct cabo_lpm_rcu *rcu);
	void (*destroy)(void *lpm);
	/* Adds prefix addr/len (host order, host bits clear) with next hop nh,
	 * or replaces the next hop of that prefix.  Fails (-1, *why set) only
	 * before changing anything. */
	int (*insert)(void *lpm, uint32_t addr, unsigned len, uint32_t nh, const char **why);
	/* Fills the empty structure with n prefixes, sorted by length (shortest
	 * first).  -1 with *why set when it does not fit. */
	int (*load)(void *lpm, const struct cabo_lpm_prefix *p, size_t n, const char **why);
	/* Removes prefix addr/len; cover_nh/cover_len is the longest remaining
	 * prefix that covers it (0/0 when none). */
	void (*erase)(void *lpm, uint32_t addr, unsigned len, uint32_t cover_nh,
		      unsigned cover_len);
	/* Empties the table in one step (readers see all old or all new). */
	void (*flush)(void *lpm);
	/* nh[i] = next hop of dst[i] (host order), for a batch of at most
	 * CABO_BATCH_MAX addresses, inside a read section. */
	void (*lookup)(const void *lpm, const uint32_t *dst, unsigned n, uint32_t *nh);
	/* Bytes used by the lookup structure. */
	size_t (*memory)(const void *lpm);
};

extern const struct cabo_lpm_ops cabo_lpm_linear;   /* sorted array, linear scan */
extern const struct cabo_lpm_ops cabo_lpm_radix;    /* multibit trie, strides 16-8-8 */
extern const struct cabo_lpm_ops cabo_lpm_direct;   /* DIR-24-8 */

/* ---- Routes (Click's IPRoute) */

struct cabo_iproute {
	uint32_t addr;      /* network byte order, host bits clear */
	uint32_t mask;      /* network byte order, contiguous */
	uint32_t gw;        /* network byte order; 0 = none */
	int32_t port;       /* output; -1 = any (remove) or no route */
};

/* Parses `ADDR/MASK [GW] OUT` (a bare ADDR is a /32; GW may be `-`).  With
 * for_remove, OUT may be left out (port -1).  False on a syntax error. */
bool cabo_iproute_parse(const char *s, bool for_remove, struct cabo_iproute *r);
/* Click's IPRoute::unparse: `ADDR/LEN GW PORT`, `-` for no gateway; with
 * tabs, tab-separated and padded into columns. */
void cabo_iproute_unparse(const struct cabo_iproute *r, bool tabs, struct cabo_strbuf *out);
unsigned cabo_iproute_prefix_len(const struct cabo_iproute *r);

/* ---- Route tables */

struct cabo_nexthop {
	uint32_t gw;        /* network byte order */
	int32_t port;
};

struct cabo_rtable_entry;

/* Open-addressing hash of values > 0 (0 = empty slot). */
struct cabo_rtable_index {
	uint32_t *slots;
	uint32_t mask;
};

struct cabo_rtable {
	const struct cabo_lpm_ops *ops;
	void *lpm;
	struct cabo_lpm_rcu rcu;
	pthread_mutex_t lock;

	/* next hops: nh[0] is "no route"; read by lookups, never moved */
	struct cabo_nexthop *nh;
	uint32_t *nh_refs;
	uint32_t nh_capacity;       /* entries in nh[] (max_nh + 1) */
	uint32_t nh_used;           /* numbers handed out so far (high water) */
	uint32_t *nh_free, nnh_free;        /* reusable now */
	uint32_t *nh_pending, nnh_pending;  /* reusable after a grace period */
	struct cabo_rtable_index nh_index;  /* (gw, port) -> nh number */

	/* routes, in insertion order with freed slots reused */
	struct cabo_rtable_entry *routes;
	uint32_t nslots, slot_capacity, nroutes;
	uint32_t free_slot;         /* head of the free-slot chain, UINT32_MAX none */
	struct cabo_rtable_index index;     /* prefix -> slot + 1 */

	bool loading;               /* between begin_load and end_load */
};

/* Returns 0, or -1 when memory for the lookup structure is unavailable. */
int cabo_rtable_init(struct cabo_rtable *t, const struct cabo_lpm_ops *ops);
void cabo_rtable_destroy(struct cabo_rtable *t);

/* Bulk loading: between these calls add/remove only record routes; the
 * lookup structure is built once at the end (no readers may run yet). */
void cabo_rtable_begin_load(struct cabo_rtable *t);
int cabo_rtable_end_load(struct cabo_rtable *t, struct cabo_errh *errh);

/* Click's add_route/remove_route.  add: -EEXIST when the prefix has a route
 * and !set (*old = that route); -ENOSPC with *why (may be NULL) set when the
 * structure is full; nothing changes on failure.  remove: -ENOENT unless a route for the prefix
 * exists and, when r->port >= 0, has r's gateway and port.  *old (may be
 * NULL) receives the replaced or removed route; for a new route its port is
 * -1. */
int cabo_rtable_add(struct cabo_rtable *t, const struct cabo_iproute *r, bool set,
		    struct cabo_iproute *old, const char **why);
int cabo_rtable_remove(struct cabo_rtable *t, const struct cabo_iproute *r,
		       struct cabo_iproute *old);
void cabo_rtable_flush(struct cabo_rtable *t);
uint32_t cabo_rtable_count(const struct cabo_rtable *t);

/* The fast path (lock-free): looks up n host-order addresses and stores each
 * result's port (-1: no route) and gateway (network order, 0 = none). */
void cabo_rtable_resolve(struct cabo_rtable *t, const uint32_t *dst, unsigned n,
			 int *port, uint32_t *gw);

/* One lookup (control path): returns the port or -1; *gw (network order). */
int cabo_rtable_lookup_one(struct cabo_rtable *t, uint32_t dst_be, uint32_t *gw);

/* Click's dump_routes: one route a line. */
void cabo_rtable_dump(struct cabo_rtable *t, bool tabs, struct cabo_strbuf *out);
/* Bytes held: lookup structure, and the route and next-hop bookkeeping. */
size_t cabo_rtable_lookup_memory(const struct cabo_rtable *t);
size_t cabo_rtable_memory(const struct cabo_rtable *t);

/* ---- Element glue (the four element classes are thin wrappers; StaticIPLookup
 * is LinearIPLookup with the read-only handler set) */

enum cabo_iproute_flags {
	CABO_IPROUTE_TABS = 1,      /* `table` in tab-separated columns (Radix, Direct) */
};

struct cabo_iproute_element {
	struct cabo_element e;
	struct cabo_rtable table;
	unsigned flags;
	bool table_ready;
	uint32_t query;             /* `lookup` address written, network order */
	bool has_query;
};

enum { CABO_IPROUTE_DROP_NO_ROUTE };

int cabo_iproute_configure(struct cabo_element *e, struct cabo_args *a,
			   const struct cabo_lpm_ops *ops, unsigned flags);
void cabo_iproute_cleanup(struct cabo_element *e);
void cabo_iproute_push(struct cabo_element *e, unsigned port, struct cabo_batch *b);

/* Reads a route file (`PREFIX [GATEWAY] PORT` a line, `#` comments) into t,
 * reporting bad lines as `PATH:LINE: message` (the first 100, then how many
 * more).  noutputs bounds ports
 * (0 = unbounded).  Returns 0 or -1. */
int cabo_iproute_load_file(struct cabo_rtable *t, const char *path, unsigned noutputs,
			   struct cabo_errh *errh);

/* IPv4 routes and route tables (struct cabo_rtable) for route control. */
extern const struct cabo_routectl_family cabo_iproute_family;

extern const struct cabo_handler cabo_iproute_handlers[];        /* dynamic tables */
extern const struct cabo_handler cabo_iproute_static_handlers[]; /* table, lookup */
extern const char *const cabo_iproute_drop_reasons[];

#endif
