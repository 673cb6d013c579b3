/* Exact-match tables of flat ids (FlatLookup): millions of 160-bit ids,
 * each mapped to a value (an output port and an optional next hop).
 *
 * Layout: a bucketized cuckoo hash (Pagh and Rodler; buckets of 8 slots as
 * in MemC3 and DPDK's rte_hash).  Each id hashes, with SipHash-2-4 under a
 * random 128-bit key drawn per table, to a 64-bit h: its primary bucket
 * comes from h's low half, its 32-bit tag is h's high half, and its
 * alternate bucket is derived from the primary and the tag (partial-key
 * cuckoo hashing), so an entry can move between its two buckets without
 * its key being hashed again.  Any number of buckets works, so a table
 * sized in advance is 95% full, not anywhere from 48% to 95%.
 * A slot is one 64-bit word, tag << 32 | entry number (0 = empty); an
 * entry (the id, its value, the low half of h) lives in a dense array.
 * A lookup reads two buckets (one cache line each) and one entry: a
 * bounded probe, whatever the ids, and an attacker who does not know the
 * key cannot aim ids at one bucket.
 *
 * Concurrency: one writer at a time (holding t->lock, or before readers
 * exist); readers never lock.  Every slot and value update is one atomic
 * 64-bit store.  A reader brackets a batch with the grace-period counter
 * of elements/iproute (cabo_lpm_rcu).  An entry number freed by remove is
 * reused only after a grace period, so a reader that saw it in a slot
 * reads the old id and value.  A cuckoo displacement (moving slot words
 * along a path) happens inside a sequence count, `moves': a lookup that
 * misses while moves changed looks again.  Growth (doubling, when the
 * table is 95% full or a displacement path is not found) builds a new
 * bucket array and a compacted entry array off to the side, publishes
 * them with one pointer store, and frees the old ones after a grace
 * period; lookups never wait for it. */
#ifndef CABO_ELEMENTS_FLAT_FLATTABLE_H
#define CABO_ELEMENTS_FLAT_FLATTABLE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../iproute/iproute.h"
#include "flathdr.h"

/* ---- Values: port and optional next-hop Ethernet address in one word */

enum { FLAT_PORT_MAX = 0x3FFF };

#define FLAT_VALUE_PRESENT (UINT64_C(1) << 63)
#define FLAT_VALUE_HAS_MAC (UINT64_C(1) << 62)

static inline uint64_t flat_value(unsigned port, const uint8_t *mac)
{
	uint64_t v = FLAT_VALUE_PRESENT | (uint64_t)(port & FLAT_PORT_MAX) << 48;
	if (mac) {
		v |= FLAT_VALUE_HAS_MAC;
		for (int i = 0; i < 6; i++)
			v |= (uint64_t)mac[i] << (40 - 8 * i);
	}
	return v;
}

/* The port of a value; -1 for 0 (no entry). */
static inline int flat_value_port(uint64_t v)
{
	return v ? (int)(v >> 48 & FLAT_PORT_MAX) : -1;
}

static inline bool flat_value_mac(uint64_t v, uint8_t mac[6])
{
	if (!(v & FLAT_VALUE_HAS_MAC))
		return false;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)(v >> (40 - 8 * i));
	return true;
}

/* ---- The table */

enum {
	FLAT_BUCKET_SLOTS = 8,
	FLAT_KEY_LEN = 16,        /* crypto_shorthash_siphash24_KEYBYTES */
};

struct flat_entry {
	uint8_t id[FLAT_ID_LEN];
	uint32_t hash_lo;         /* low half of the id's hash: its primary bucket */
	_Atomic uint64_t value;
};

/* One published generation: immutable except for slot words and values. */
struct flat_index {
	_Atomic uint64_t *slots;  /* nbuckets * FLAT_BUCKET_SLOTS, 64-byte aligned */
	void *slots_mem;          /* the allocation slots lies in */
	uint32_t nbuckets;
	uint32_t capacity;        /* live entries at most (LOAD_PERCENT of slots) */
	uint32_t nentries;        /* entry numbers 1..nentries exist */
	struct flat_entry *entries;
};

/* The three groups of fields (read by lookups; written by lookups;
 * written by the writer) are 64 bytes apart, so they never share a cache
 * line whatever the table's alignment: lookups would otherwise contend
 * with every update for that line. */
struct flat_table {
	/* read by every lookup */
	_Atomic(struct flat_index *) index;
	atomic_uint moves;        /* odd while a displacement path is applied */
	uint8_t key[FLAT_KEY_LEN];
	char pad1[64];
	/* written by every lookup */
	struct cabo_lpm_rcu rcu;
	char pad2[64];
	/* the writer's */
	pthread_mutex_t lock;     /* writers (handlers); not taken by lookups */
	uint32_t count;
	uint32_t fresh;           /* entries below this number were used */
	uint32_t *free, nfree;    /* reusable entry numbers */
	uint32_t *pending, npending;  /* reusable after a grace period */
	uint32_t list_cap;
	uint64_t grows;           /* statistics */
	uint64_t displacements;
};

/* Creates an empty table sized for `expect' ids, keyed with random bytes
 * (or `key', when not NULL: tests only).  -1 when memory or libsodium is
 * unavailable. */
int flat_table_init(struct flat_table *t, size_t expect, const uint8_t *key);
void flat_table_destroy(struct flat_table *t);

/* Writers: hold t->lock when readers may run.
 * add: 0 when added; with replace, 1 when an existing id got the new value;
 * without, -EEXIST (the id's value in *old).  -ENOMEM when the table cannot
 * grow.  remove: 0 (the old value in *old) or -ENOENT.  *old may be NULL. */
int flat_table_add(struct flat_table *t, const uint8_t id[FLAT_ID_LEN], uint64_t value,
		   bool replace, uint64_t *old);
int flat_table_remove(struct flat_table *t, const uint8_t id[FLAT_ID_LEN], uint64_t *old);
void flat_table_clear(struct flat_table *t);
/* Makes room for n ids in all (one growth step instead of many). */
int flat_table_reserve(struct flat_table *t, size_t n);

static inline uint32_t flat_table_count(const struct flat_table *t)
{
	return t->count;
}

/* The fast path: values[i] = value of ids[i] (0 when absent), n <= 64. */
void flat_table_lookup(struct flat_table *t, const uint8_t *const *ids, unsigned n,
		       uint64_t *values);
/* One lookup (control path). */
uint64_t flat_table_get(struct flat_table *t, const uint8_t id[FLAT_ID_LEN]);

/* Every entry, sorted by id (writer side); caller frees *out. */
size_t flat_table_entries(struct flat_table *t, struct flat_entry **out);

struct flat_table_stats {
	size_t buckets, slots, capacity, count;
	size_t memory;            /* bytes allocated: slots and entries */
	size_t in_primary;        /* entries in their primary bucket */
	unsigned max_primary;     /* most entries whose primary bucket is one bucket */
	uint64_t grows, displacements;
};
void flat_table_stats(struct flat_table *t, struct flat_table_stats *s);

/* The id's 64-bit keyed hash (tests). */
uint64_t flat_table_hash(const struct flat_table *t, const uint8_t id[FLAT_ID_LEN]);

/* ---- Entries as text, `ID OUTPUT [NEXTHOP]' (flatfile.c): FlatLookup's
 * arguments, handler values and FILE lines.  `noutputs' bounds
 * the output (FLAT_PORT_MAX + 1: any); `control' (-1: none) is an output
 * entries may not use. */

extern const char flat_entry_syntax[];   /* "ID OUTPUT [NEXTHOP]" */

/* Parses s[0..n): NULL, or the reason it is bad (caller frees). */
char *flat_parse_entry(const char *s, size_t n, unsigned noutputs, int control,
		       uint8_t id[FLAT_ID_LEN], uint64_t *value);
/* Adds (replace: sets) an entry: NULL, or why not (caller frees). */
char *flat_table_add_entry(struct flat_table *t, const uint8_t *id, uint64_t value,
			   bool replace);
/* Loads a file of entries, one a line, `#' comments, sizing the table
 * once; bad lines are reported as `PATH:LINE: message' (all counted, the
 * first 100 shown).  0 or -1. */
int flat_table_load_file(struct flat_table *t, const char *path, unsigned noutputs,
			 int control, struct cabo_errh *errh);

#endif
