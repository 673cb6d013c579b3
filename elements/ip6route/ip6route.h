/* IPv6 route tables: the core of LookupIP6Route.
 *
 * Four layers, one file each:
 *   - routes (struct cabo_ip6route) in Click's syntax `ADDR/LEN [GW] OUT`
 *     and the route table (ip6route.c): the authoritative routes, kept in
 *     Click's dump order, and their next hops (deduplicated (gateway, port)
 *     pairs, numbered 1..65535);
 *   - a path-compressed binary trie of the routes (ip6trie.c), the writer's
 *     view: exact match, covering routes, and the routes inside a region,
 *     in address order;
 *   - the lookup structure (lpm6.c), a Poptrie-style compressed multibit
 *     trie (Asai and Ohara, SIGCOMM 2015) built from the binary trie: an
 *     18-bit direct-indexed top level, then 6-bit strides whose nodes hold a
 *     64-bit map of children and a run-length compressed map of leaves, so a
 *     /48 resolves in seven memory reads (top entry, five nodes, leaf)
 *     whatever the table size;
 *   - the element (lookupip6route.c): configuration, FILE, push, handlers.
 *
 * Concurrency: one writer at a time (the table's mutex), any number of
 * lock-free readers.  The lookup structure is never changed in place: an
 * update rebuilds the nodes on the path to the changed prefix (and below it
 * when it is short), sharing every untouched subtree with the old version,
 * and publishes the new path with one atomic store into the top level.
 * Replaced nodes and released next-hop numbers are reclaimed after a grace
 * period (the two-phase reader count of elements/iproute/iproute.h), in
 * batches, so readers never wait and writers rarely do. */
#ifndef CABO_IP6ROUTE_H
#define CABO_IP6ROUTE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "element.h"
#include "../iproute/iproute.h"    /* struct cabo_lpm_rcu, cabo_lpm_synchronize */

/* Addresses inside the tables: 128-bit integers, host order. */
typedef unsigned __int128 cabo_u128;

static inline cabo_u128 cabo_ip6_key(const uint8_t a[16])
{
	uint64_t hi, lo;
	memcpy(&hi, a, 8);
	memcpy(&lo, a + 8, 8);
	return (cabo_u128)__builtin_bswap64(hi) << 64 | __builtin_bswap64(lo);
}

static inline void cabo_ip6_bytes(cabo_u128 k, uint8_t a[16])
{
	uint64_t hi = __builtin_bswap64((uint64_t)(k >> 64)), lo = __builtin_bswap64((uint64_t)k);
	memcpy(a, &hi, 8);
	memcpy(a + 8, &lo, 8);
}

static inline cabo_u128 cabo_ip6_mask(unsigned len)
{
	return len ? ~(cabo_u128)0 << (128 - len) : 0;
}

/* ---- Routes (Click's syntax) */

struct cabo_ip6route {
	uint8_t addr[16];   /* host bits clear */
	uint8_t gw[16];     /* all zero: no gateway */
	uint8_t len;
	int32_t port;       /* output; -1 = any (remove) or no route */
};

/* Parses `ADDR/LEN [GW] OUT` (LEN may be a mask; a bare ADDR is a /128; GW
 * may be `-` or `::` for none).  With for_remove, OUT (and GW) may be left
 * out (port -1).  False on a syntax error. */
bool cabo_ip6route_parse(const char *s, bool for_remove, struct cabo_ip6route *r);
/* `ADDR/LEN GW OUT` with `-` for no gateway (messages). */
void cabo_ip6route_unparse(const struct cabo_ip6route *r, struct cabo_strbuf *out);

/* ---- The binary trie (writer only) */

struct cabo_ip6trie_node {
	uint64_t hi, lo;                      /* prefix, host bits clear */
	struct cabo_ip6trie_node *kid[2];
	uint32_t slot;                        /* the route's slot in the table */
	uint16_t nh;                          /* the route's next hop */
	uint8_t len;
	uint8_t route;                        /* a route ends here (else a branch) */
};

struct cabo_ip6trie {
	struct cabo_ip6trie_node *root;
	struct cabo_ip6trie_node *free;       /* free list through kid[0] */
	void **chunks;
	uint32_t nchunks, chunk_used;
	size_t nnodes;                        /* in use */
};

static inline cabo_u128 cabo_ip6trie_key(const struct cabo_ip6trie_node *n)
{
	return (cabo_u128)n->hi << 64 | n->lo;
}

static inline unsigned cabo_ip6_bit(cabo_u128 k, unsigned i)
{
	return (unsigned)(k >> (127 - i)) & 1;
}

void cabo_ip6trie_init(struct cabo_ip6trie *t);
void cabo_ip6trie_destroy(struct cabo_ip6trie *t);
/* The node of route key/len, or NULL. */
struct cabo_ip6trie_node *cabo_ip6trie_find(const struct cabo_ip6trie *t, cabo_u128 key,
					    unsigned len);
/* The node for key/len, created (route = 0) when missing. */
struct cabo_ip6trie_node *cabo_ip6trie_insert(struct cabo_ip6trie *t, cabo_u128 key,
					      unsigned len);
/* Removes the route of node n (found by cabo_ip6trie_find). */
void cabo_ip6trie_remove(struct cabo_ip6trie *t, struct cabo_ip6trie_node *n);
size_t cabo_ip6trie_memory(const struct cabo_ip6trie *t);

/* ---- The lookup structure */

struct cabo_lpm6;

struct cabo_lpm6 *cabo_lpm6_create(struct cabo_lpm_rcu *rcu);
void cabo_lpm6_destroy(struct cabo_lpm6 *l);
/* Rebuilds everything from the trie, publishes it in one step, and frees
 * the old version after a grace period. */
void cabo_lpm6_rebuild(struct cabo_lpm6 *l, const struct cabo_ip6trie *t);
/* Publishes the change of the trie's route key/len (added, changed or
 * removed): only the nodes whose answers depend on it are rebuilt. */
void cabo_lpm6_update(struct cabo_lpm6 *l, const struct cabo_ip6trie *t, cabo_u128 key,
		      unsigned len);
/* nh[i] = next hop of dst[i] (0: none), n <= CABO_BATCH_MAX, inside a read
 * section. */
void cabo_lpm6_lookup(const struct cabo_lpm6 *l, const cabo_u128 *dst, unsigned n,
		      uint16_t *nh);
/* Replaced memory waiting for a grace period, in blocks; freeing it is
 * cabo_lpm6_reclaim's job, to be called right after a grace period. */
size_t cabo_lpm6_retired(const struct cabo_lpm6 *l);
void cabo_lpm6_reclaim(struct cabo_lpm6 *l);
/* Bytes of the current structure; bytes held (free and retired blocks
 * too); nodes in the current structure. */
size_t cabo_lpm6_memory(const struct cabo_lpm6 *l);
size_t cabo_lpm6_footprint(const struct cabo_lpm6 *l);
size_t cabo_lpm6_nodes(const struct cabo_lpm6 *l);

/* ---- Route tables */

enum { CABO_IP6RT_MAX_NH = 65535 };

struct cabo_ip6_nexthop {
	uint8_t gw[16];
	int32_t port;
};

struct cabo_ip6rt {
	struct cabo_lpm_rcu rcu;
	pthread_mutex_t lock;       /* writers and control-path readers */
	struct cabo_lpm6 *lpm;
	struct cabo_ip6trie trie;

	/* next hops: nh[0] is "no route"; read by lookups, never moved */
	struct cabo_ip6_nexthop *nh;
	uint32_t *nh_refs;
	uint32_t nh_used;                     /* numbers handed out (high water) */
	uint32_t *nh_free, nnh_free;          /* reusable now */
	uint32_t *nh_pending, nnh_pending;    /* reusable after a grace period */
	uint32_t *nh_index, nh_index_mask;    /* (gw, port) -> number, open addressing */

	/* routes in Click's order: a new route takes the lowest free slot */
	struct cabo_ip6trie_node **slots;
	uint32_t nslots, slot_capacity, nroutes;
	uint32_t *free_slots, nfree_slots;    /* a min-heap */

	bool loading;
};

void cabo_ip6rt_init(struct cabo_ip6rt *t);
void cabo_ip6rt_destroy(struct cabo_ip6rt *t);

/* Bulk loading: between these calls add/remove only record routes; the
 * lookup structure is built once at the end. */
void cabo_ip6rt_begin_load(struct cabo_ip6rt *t);
void cabo_ip6rt_end_load(struct cabo_ip6rt *t);

/* Click's add_route/remove_route.  add: -EEXIST when the prefix has a route
 * and !set (*old = that route); -ENOSPC with *why set when the next hops
 * are exhausted; nothing changes on failure.  remove: -ENOENT unless a
 * route for the prefix exists and, when r->port >= 0, has r's gateway and
 * port.  *old (may be NULL) receives the replaced or removed route; for a
 * new route its port is -1. */
int cabo_ip6rt_add(struct cabo_ip6rt *t, const struct cabo_ip6route *r, bool set,
		   struct cabo_ip6route *old, const char **why);
int cabo_ip6rt_remove(struct cabo_ip6rt *t, const struct cabo_ip6route *r,
		      struct cabo_ip6route *old);
void cabo_ip6rt_flush(struct cabo_ip6rt *t);
uint32_t cabo_ip6rt_count(const struct cabo_ip6rt *t);

/* The fast path (lock-free): port[i] (-1: no route) and gw[i] (all zero:
 * none) for each of n host-order addresses. */
void cabo_ip6rt_resolve(struct cabo_ip6rt *t, const cabo_u128 *dst, unsigned n, int *port,
			uint8_t (*gw)[16]);
/* One lookup (control path): the port or -1, and the gateway. */
int cabo_ip6rt_lookup_one(struct cabo_ip6rt *t, const uint8_t dst[16], uint8_t gw[16]);

/* Click's IP6Table::dump: `# Active routes` then `ADDR/LEN<tab>GW<tab>OUT`
 * a line. */
void cabo_ip6rt_dump(const struct cabo_ip6rt *t, struct cabo_strbuf *out);
/* Bytes held: lookup structure (with the next hops), and everything. */
size_t cabo_ip6rt_lookup_memory(const struct cabo_ip6rt *t);
size_t cabo_ip6rt_memory(const struct cabo_ip6rt *t);

/* Reads a route file (`ADDR/LEN [GATEWAY] OUTPUT` a line, `#` comments)
 * into t, reporting bad lines as `PATH:LINE: message` (the first 100, then
 * how many more).  noutputs bounds ports (0 = unbounded).  0 or -1. */
int cabo_ip6rt_load_file(struct cabo_ip6rt *t, const char *path, unsigned noutputs,
			 struct cabo_errh *errh);

/* IPv6 routes and route tables (struct cabo_ip6rt) for route control. */
extern const struct cabo_routectl_family cabo_ip6route_family;

#endif
