/* Route tables (elements/iproute): Click's route syntax, add/set/remove
 * semantics, and every lookup engine against a reference (a one-bit-a-level
 * binary trie) on the full Internet table: random addresses, the first and
 * last address of every prefix and the addresses just outside, after bulk
 * loading, after incremental building, and after random add/set/remove
 * sequences.  Then lookups racing updates on another thread must see the
 * old or the new next hop, never anything else.  Skips (77) when the table
 * file is missing. */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "lpm_data.h"
#include "lpm_check.h"

/* ======================================================================
 * Reference: lpm_ref.h's binary trie, keyed by the address's 32 bits
 * ====================================================================== */

static ref_key ref4(uint32_t addr)
{
	return (ref_key)addr << 96;
}

/* ======================================================================
 * Comparing a table with the reference
 * ====================================================================== */

static unsigned mismatches;

static void compare(struct cabo_rtable *t, const struct ref *r, const uint32_t *addr, size_t n,
		    const char *what)
{
	int port[CABO_BATCH_MAX];
	uint32_t gw[CABO_BATCH_MAX];
	size_t bad = 0;
	for (size_t i = 0; i < n; i += CABO_BATCH_MAX) {
		unsigned k = n - i < CABO_BATCH_MAX ? (unsigned)(n - i) : CABO_BATCH_MAX;
		cabo_rtable_resolve(t, addr + i, k, port, gw);
		for (unsigned j = 0; j < k; j++) {
			uint32_t v1 = ref_get(r, ref4(addr[i + j]), 32);
			int want_port = v1 ? lpm_value_port(v1 - 1) : -1;
			uint32_t want_gw = v1 ? lpm_value_gw(v1 - 1) : 0;
			if (port[j] != want_port || gw[j] != want_gw) {
				if (bad++ < 5)
					fprintf(stderr, "%s (%s): %08x -> port %d gw %08x, want %d %08x\n",
						what, t->ops->name, addr[i + j], port[j], ntohl(gw[j]),
						want_port, ntohl(want_gw));
			}
		}
	}
	check_count++;
	if (bad) {
		check_failures++;
		mismatches += (unsigned)bad;
		fprintf(stderr, "%s (%s): %zu of %zu lookups differ\n", what, t->ops->name, bad, n);
	}
}

/* First and last address of each prefix and the two just outside. */
static uint32_t *edges(const struct lpm_prefix *p, size_t n, size_t *count)
{
	uint32_t *a = cabo_xmalloc(4 * n * sizeof *a);
	for (size_t i = 0; i < n; i++) {
		uint32_t last = p[i].addr | (p[i].len ? ~(~(uint32_t)0 << (32 - p[i].len)) : ~(uint32_t)0);
		a[4 * i] = p[i].addr;
		a[4 * i + 1] = last;
		a[4 * i + 2] = p[i].addr - 1;
		a[4 * i + 3] = last + 1;
	}
	*count = 4 * n;
	return a;
}

static uint32_t *random_addrs(size_t n, uint64_t *seed)
{
	uint32_t *a = cabo_xmalloc(n * sizeof *a);
	for (size_t i = 0; i < n; i++)
		a[i] = (uint32_t)prefix_rand(seed);
	return a;
}

/* A random prefix, lengths spread like real tables plus long ones. */
static struct lpm_prefix random_prefix(uint64_t *seed)
{
	static const uint8_t lens[] = { 0, 8, 12, 16, 16, 18, 20, 22, 23, 24, 24, 24, 24,
					25, 26, 28, 30, 31, 32, 32 };
	struct lpm_prefix p;
	p.len = lens[prefix_rand(seed) % sizeof lens];
	uint32_t a = (uint32_t)prefix_rand(seed);
	p.addr = p.len ? a & (~(uint32_t)0 << (32 - p.len)) : 0;
	return p;
}

/* ======================================================================
 * Route syntax
 * ====================================================================== */

static void test_parse(void)
{
	static const struct route_syntax_case T[] = {
		{ "10.0.0.0/8 1", false, "10.0.0.0/8 - 1" },
		{ "10.1.2.3/8 1", false, "10.0.0.0/8 - 1" },
		{ "18.26.4/24 1", false, "18.26.4.0/24 - 1" },
		{ "0/0 18.26.4.1 1", false, "0.0.0.0/0 18.26.4.1 1" },
		{ "1.2.3.4 2", false, "1.2.3.4/32 - 2" },
		{ "10.0.0.0/255.255.0.0 - 3", false, "10.0.0.0/16 - 3" },
		{ "  10.0.0.0/8\t 10.0.0.1   7 ", false, "10.0.0.0/8 10.0.0.1 7" },
		{ "10.0.0.0/8", true, "10.0.0.0/8 - -1" },
		{ "10.0.0.0/8 10.0.0.1", true, "10.0.0.0/8 10.0.0.1 -1" },
		{ "10.0.0.0/8", false, NULL },
		{ "10.0.0.0/8 10.0.0.1", false, NULL },
		{ "10.0.0.0/33 1", false, NULL },
		{ "10.0.0.0/8 x", false, NULL },
		{ "10.0.0.0/8 1 2", false, NULL },
		{ "10.0.0.0/8 -1", false, NULL },
		{ "10.0.0.0/255.0.255.0 1", false, NULL },
		{ "10.0.0/8 1.2.3 1", false, NULL },
		{ "", true, NULL },
		{ "2001:db8::/32 1", false, NULL },
	};
	check_route_syntax(&cabo_iproute_family, T, sizeof T / sizeof T[0]);
	static const struct { const char *in; const char *tabs; } U[] = {
		{ "10.0.0.0/8 1", "10.0.0.0/8\t\t-\t\t1" },
		{ "10.0.0.6/32 10.0.0.254 1", "10.0.0.6/32\t\t10.0.0.254\t1" },
		{ "255.255.255.255/32 1.1.1.1 12", "255.255.255.255/32\t1.1.1.1\t\t12" },
	};
	for (size_t i = 0; i < sizeof U / sizeof U[0]; i++) {
		struct cabo_iproute r;
		CHECK(cabo_iproute_parse(U[i].in, false, &r));
		struct cabo_strbuf sb = CABO_STRBUF_INIT;
		cabo_iproute_unparse(&r, true, &sb);
		CHECK_STR(cabo_strbuf_str(&sb), U[i].tabs);
		cabo_strbuf_free(&sb);
	}
}

/* ======================================================================
 * Click's add/set/remove semantics, on each engine
 * ====================================================================== */

static struct cabo_iproute route(const char *s)
{
	struct cabo_iproute r;
	if (!cabo_iproute_parse(s, true, &r))
		abort();
	return r;
}

static int lookup(struct cabo_rtable *t, const char *addr, uint32_t *gw)
{
	uint32_t a;
	cabo_parse_ip4(addr, &a);
	return cabo_rtable_lookup_one(t, a, gw);
}

static void test_semantics(const struct cabo_lpm_ops *ops)
{
	struct cabo_rtable t;
	CHECK(cabo_rtable_init(&t, ops) == 0);
	struct cabo_iproute old, r;
	uint32_t gw;
	CHECK(lookup(&t, "1.2.3.4", &gw) == -1 && gw == 0);
	CHECK(cabo_rtable_add(&t, (r = route("10.0.0.0/8 1"), &r), false, &old, NULL) == 0);
	CHECK(old.port == -1);
	CHECK(cabo_rtable_add(&t, (r = route("10.1.0.0/16 10.0.0.1 2"), &r), false, NULL, NULL) == 0);
	CHECK(cabo_rtable_add(&t, (r = route("0/0 192.168.0.1 0"), &r), false, NULL, NULL) == 0);
	CHECK(cabo_rtable_add(&t, (r = route("10.1.2.128/25 3"), &r), false, NULL, NULL) == 0);
	CHECK(lookup(&t, "10.1.2.200", &gw) == 3 && gw == 0);
	CHECK(lookup(&t, "10.1.2.100", &gw) == 2 && gw == htonl(0x0a000001));
	CHECK(lookup(&t, "10.200.0.1", &gw) == 1);
	CHECK(lookup(&t, "11.0.0.1", &gw) == 0 && gw == htonl(0xc0a80001));

	/* add over an existing prefix: -EEXIST and the old route; set replaces */
	CHECK(cabo_rtable_add(&t, (r = route("10.0.0.0/8 4"), &r), false, &old, NULL) == -EEXIST);
	CHECK(old.port == 1 && old.gw == 0);
	CHECK(lookup(&t, "10.200.0.1", &gw) == 1);
	CHECK(cabo_rtable_add(&t, &r, true, &old, NULL) == 0 && old.port == 1);
	CHECK(lookup(&t, "10.200.0.1", &gw) == 4);

	/* remove: gateway and port must match when given */
	CHECK(cabo_rtable_remove(&t, (r = route("10.1.0.0/16 10.0.0.2 2"), &r), &old) == -ENOENT);
	CHECK(cabo_rtable_remove(&t, (r = route("10.1.0.0/16 10.0.0.1 2"), &r), &old) == 0);
	CHECK(old.port == 2 && old.gw == htonl(0x0a000001));
	CHECK(cabo_rtable_remove(&t, (r = route("10.1.0.0/16"), &r), &old) == -ENOENT);
	CHECK(lookup(&t, "10.1.2.100", &gw) == 4);
	CHECK(lookup(&t, "10.1.2.200", &gw) == 3);
	CHECK(cabo_rtable_remove(&t, (r = route("10.1.2.128/25"), &r), NULL) == 0);
	CHECK(lookup(&t, "10.1.2.200", &gw) == 4);
	CHECK(cabo_rtable_remove(&t, (r = route("0.0.0.0/0"), &r), NULL) == 0);
	CHECK(lookup(&t, "11.0.0.1", &gw) == -1);
	CHECK(cabo_rtable_count(&t) == 1);

	/* dump: insertion order, freed slots reused */
	CHECK(cabo_rtable_add(&t, (r = route("1.2.3.4 5.6.7.8 0"), &r), false, NULL, NULL) == 0);
	struct cabo_strbuf sb = CABO_STRBUF_INIT;
	cabo_rtable_dump(&t, false, &sb);
	CHECK_STR(cabo_strbuf_str(&sb), "10.0.0.0/8 - 4\n1.2.3.4/32 5.6.7.8 0\n");
	cabo_strbuf_clear(&sb);

	cabo_rtable_flush(&t);
	CHECK(cabo_rtable_count(&t) == 0);
	CHECK(lookup(&t, "10.200.0.1", &gw) == -1);
	cabo_rtable_dump(&t, false, &sb);
	CHECK_STR(cabo_strbuf_str(&sb), "");
	CHECK(cabo_rtable_add(&t, (r = route("10.0.0.0/8 1"), &r), false, NULL, NULL) == 0);
	CHECK(lookup(&t, "10.200.0.1", &gw) == 1);
	cabo_strbuf_free(&sb);
	cabo_rtable_destroy(&t);
}

/* DirectIPLookup holds 1023 next hops: the next add fails, changing nothing;
 * removing routes frees their next hops for reuse. */
static void test_direct_limits(void)
{
	struct cabo_rtable t;
	CHECK(cabo_rtable_init(&t, &cabo_lpm_direct) == 0);
	struct cabo_iproute r;
	int rc = 0;
	uint32_t i;
	for (i = 0; i < 1023 && rc == 0; i++) {
		r = lpm_route(0x0b000000 + (i << 8), 24, 0);
		r.gw = htonl(0x0a000000 + i + 1);
		rc = cabo_rtable_add(&t, &r, false, NULL, NULL);
	}
	CHECK(rc == 0);
	const char *why = NULL;
	r = lpm_route(0x0c000000, 24, 0);
	r.gw = htonl(0x0a0f0000);
	CHECK(cabo_rtable_add(&t, &r, false, NULL, &why) == -ENOSPC && why);
	CHECK(cabo_rtable_count(&t) == 1023);
	uint32_t gw;
	CHECK(lookup(&t, "12.0.0.1", &gw) == -1);
	r = lpm_route(0x0b000000, 24, 0);
	r.port = -1;
	CHECK(cabo_rtable_remove(&t, &r, NULL) == 0);
	r = lpm_route(0x0c000000, 24, 0);
	r.gw = htonl(0x0a0f0000);
	CHECK(cabo_rtable_add(&t, &r, false, NULL, NULL) == 0);
	CHECK(lookup(&t, "12.0.0.1", &gw) == 0 && gw == htonl(0x0a0f0000));
	cabo_rtable_destroy(&t);
}

/* ======================================================================
 * Full tables against the reference
 * ====================================================================== */

static void build(struct cabo_rtable *t, struct ref *ref, const struct lpm_prefix *p,
		  size_t n, const uint32_t *value, bool bulk)
{
	if (bulk)
		cabo_rtable_begin_load(t);
	size_t dup = 0;
	for (size_t i = 0; i < n; i++) {
		struct cabo_iproute r = lpm_route(p[i].addr, p[i].len, value[i]);
		int rc = cabo_rtable_add(t, &r, false, NULL, NULL);
		if (rc == -EEXIST)
			dup++;
		else {
			CHECK(rc == 0);
			ref_set(ref, ref4(p[i].addr), p[i].len, value[i] + 1);
		}
	}
	if (bulk) {
		struct cabo_errh errh;
		cabo_errh_init(&errh, stderr);
		CHECK(cabo_rtable_end_load(t, &errh) == 0);
		cabo_errh_destroy(&errh);
	}
	CHECK(cabo_rtable_count(t) == n - dup);
}

/* Random add/set/remove rounds; after each round the changed prefixes'
 * edges and random addresses are compared, at the end every edge. */
static void churn(struct cabo_rtable *t, struct ref *ref, struct lpm_prefix *p, size_t n,
		  uint32_t *value, unsigned rounds, unsigned per_round, uint64_t *seed)
{
	struct lpm_prefix *changed = cabo_xmalloc(per_round * sizeof *changed);
	for (unsigned round = 0; round < rounds; round++) {
		for (unsigned k = 0; k < per_round; k++) {
			size_t i = prefix_rand(seed) % n;
			unsigned op = prefix_rand(seed) % 3;
			struct cabo_iproute r = lpm_route(p[i].addr, p[i].len, value[i]);
			if (op == 0) {            /* remove (by prefix only) */
				r.port = -1;
				int rc = cabo_rtable_remove(t, &r, NULL);
				if (rc == 0)
					ref_set(ref, ref4(p[i].addr), p[i].len, 0);
			} else if (op == 1) {     /* set a new value */
				value[i] = (uint32_t)(prefix_rand(seed) % 808);
				r = lpm_route(p[i].addr, p[i].len, value[i]);
				CHECK(cabo_rtable_add(t, &r, true, NULL, NULL) == 0);
				ref_set(ref, ref4(p[i].addr), p[i].len, value[i] + 1);
			} else {                  /* a new prefix replaces slot i's */
				struct cabo_iproute gone = r;
				gone.port = -1;
				if (cabo_rtable_remove(t, &gone, NULL) == 0)
					ref_set(ref, ref4(p[i].addr), p[i].len, 0);
				p[i] = random_prefix(seed);
				value[i] = (uint32_t)(prefix_rand(seed) % 808);
				r = lpm_route(p[i].addr, p[i].len, value[i]);
				int rc = cabo_rtable_add(t, &r, true, NULL, NULL);
				CHECK(rc == 0);
				ref_set(ref, ref4(p[i].addr), p[i].len, value[i] + 1);
			}
			changed[k] = p[i];
		}
		size_t ne;
		uint32_t *e = edges(changed, per_round, &ne);
		compare(t, ref, e, ne, "after updates: changed prefixes");
		free(e);
		uint32_t *a = random_addrs(4096, seed);
		compare(t, ref, a, 4096, "after updates: random");
		free(a);
	}
	free(changed);
}

static void test_full(const struct cabo_lpm_ops *ops, const struct lpm_prefix *all, size_t n,
		      bool bulk, unsigned rounds, size_t nrandom, uint64_t seed)
{
	struct lpm_prefix *p = cabo_xmalloc(n * sizeof *p);
	memcpy(p, all, n * sizeof *p);
	uint32_t *value = cabo_xmalloc(n * sizeof *value);
	for (size_t i = 0; i < n; i++)
		value[i] = (uint32_t)(prefix_rand(&seed) % 808);
	struct cabo_rtable t;
	struct ref ref;
	ref_init(&ref, 1024);
	CHECK(cabo_rtable_init(&t, ops) == 0);
	build(&t, &ref, p, n, value, bulk);

	size_t ne;
	uint32_t *e = edges(p, n, &ne);
	compare(&t, &ref, e, ne, bulk ? "loaded: prefix edges" : "built: prefix edges");
	free(e);
	uint32_t *a = random_addrs(nrandom, &seed);
	compare(&t, &ref, a, nrandom, bulk ? "loaded: random" : "built: random");
	free(a);

	churn(&t, &ref, p, n, value, rounds, 500, &seed);
	e = edges(p, n, &ne);
	compare(&t, &ref, e, ne, "after updates: all prefix edges");
	free(e);

	cabo_rtable_destroy(&t);
	ref_free(&ref);
	free(p);
	free(value);
}

/* ======================================================================
 * Lookups racing updates
 * ====================================================================== */

struct race {
	struct cabo_rtable *t;
	atomic_bool stop;
	atomic_ulong lookups;
	unsigned long bad;
};

/* 10.0.0.0/16 is always routed to output 1.  The writer toggles
 * 10.0.5.0/24 (output 2, gateways changing) and 10.0.5.16/28 (output 3),
 * so the /28's addresses may see 1, 2 or 3, the rest of the /24 1 or 2,
 * and the rest of the /16 only 1. */
static void *race_reader(void *arg)
{
	struct race *r = arg;
	uint32_t dst[CABO_BATCH_MAX], gw[CABO_BATCH_MAX];
	int port[CABO_BATCH_MAX];
	for (unsigned i = 0; i < CABO_BATCH_MAX; i++)
		dst[i] = 0x0a000500 + i * 4;          /* .0 .. .252 of 10.0.5 */
	dst[CABO_BATCH_MAX - 1] = 0x0a000601;     /* outside the /24 */
	while (!atomic_load_explicit(&r->stop, memory_order_relaxed)) {
		cabo_rtable_resolve(r->t, dst, CABO_BATCH_MAX, port, gw);
		for (unsigned i = 0; i < CABO_BATCH_MAX; i++) {
			uint32_t last = dst[i] & 0xff;
			bool outside = i == CABO_BATCH_MAX - 1;
			bool in28 = !outside && last >= 16 && last < 32;
			bool ok = port[i] == 1 || (!outside && port[i] == 2) || (in28 && port[i] == 3);
			if (!ok && r->bad++ < 5)
				fprintf(stderr, "race: %08x -> %d\n", dst[i], port[i]);
		}
		atomic_fetch_add_explicit(&r->lookups, CABO_BATCH_MAX, memory_order_relaxed);
	}
	return NULL;
}

static void test_race(const struct cabo_lpm_ops *ops, unsigned cycles)
{
	struct cabo_rtable t;
	CHECK(cabo_rtable_init(&t, ops) == 0);
	struct cabo_iproute base = route("10.0.0.0/16 1");
	CHECK(cabo_rtable_add(&t, &base, false, NULL, NULL) == 0);
	struct race r = { &t, false, 0, 0 };
	pthread_t th;
	CHECK(pthread_create(&th, NULL, race_reader, &r) == 0);
	while (!atomic_load(&r.lookups))
		sched_yield();
	struct cabo_iproute r24 = route("10.0.5.0/24 2"), r28 = route("10.0.5.16/28 3");
	for (unsigned c = 0; c < cycles; c++) {
		/* a new gateway each time: next-hop numbers run out and are reused */
		r24.gw = htonl(0x0b000000 + c % 3000);
		pthread_mutex_lock(&t.lock);
		CHECK(cabo_rtable_add(&t, &r24, true, NULL, NULL) == 0);
		CHECK(cabo_rtable_add(&t, &r28, false, NULL, NULL) == 0);
		CHECK(cabo_rtable_remove(&t, &r28, NULL) == 0);   /* collapses its group */
		if (c % 2)
			CHECK(cabo_rtable_remove(&t, &r24, NULL) == 0);
		pthread_mutex_unlock(&t.lock);
	}
	atomic_store(&r.stop, true);
	pthread_join(th, NULL);
	CHECK(r.bad == 0);
	CHECK(r.lookups > 0);
	fprintf(stderr, "race (%s): %u update cycles, %lu lookups, %lu wrong\n", ops->name, cycles,
		(unsigned long)atomic_load(&r.lookups), r.bad);
	cabo_rtable_destroy(&t);
}

/* Lookups while the writer adds and removes thousands of routes: the radix
 * trie's group array grows (copied and replaced under the readers) and its
 * groups are collapsed and reused.  10.0.0.0/16 always goes to output 1;
 * addresses in 11.0.0.0/8 see no route (-1) or a route being added or
 * removed (2). */
static void *grow_reader(void *arg)
{
	struct race *r = arg;
	uint32_t dst[CABO_BATCH_MAX], gw[CABO_BATCH_MAX];
	int port[CABO_BATCH_MAX];
	uint64_t seed = 7;
	while (!atomic_load_explicit(&r->stop, memory_order_relaxed)) {
		for (unsigned i = 0; i < CABO_BATCH_MAX; i++) {
			uint32_t a = (uint32_t)prefix_rand(&seed);
			dst[i] = i % 4 ? 0x0b000000 | (a & 0xffffff) : 0x0a000000 | (a & 0xffff);
		}
		cabo_rtable_resolve(r->t, dst, CABO_BATCH_MAX, port, gw);
		for (unsigned i = 0; i < CABO_BATCH_MAX; i++) {
			bool ok = i % 4 ? port[i] == -1 || port[i] == 2 : port[i] == 1;
			if (!ok && r->bad++ < 5)
				fprintf(stderr, "race (grow): %08x -> %d\n", dst[i], port[i]);
		}
		atomic_fetch_add_explicit(&r->lookups, CABO_BATCH_MAX, memory_order_relaxed);
	}
	return NULL;
}

static void test_race_grow(const struct cabo_lpm_ops *ops, unsigned rounds, unsigned nroutes)
{
	struct cabo_rtable t;
	CHECK(cabo_rtable_init(&t, ops) == 0);
	struct cabo_iproute base = route("10.0.0.0/16 1");
	CHECK(cabo_rtable_add(&t, &base, false, NULL, NULL) == 0);
	struct race r = { &t, false, 0, 0 };
	pthread_t th;
	CHECK(pthread_create(&th, NULL, grow_reader, &r) == 0);
	while (!atomic_load(&r.lookups))
		sched_yield();
	for (unsigned round = 0; round < rounds; round++)
		for (int remove = 0; remove < 2; remove++)
			for (uint32_t c = 0; c < nroutes; c++) {
				/* /25s in distinct /24s, spread over 11.0.0.0/8's /16s */
				uint32_t a = 0x0b000000 | (c & 0xff) << 16 | (c >> 8 & 0xff) << 8
					| (round & 1) << 7;
				struct cabo_iproute x = lpm_route(a, 25, 0);
				x.port = 2;
				pthread_mutex_lock(&t.lock);
				if (remove)
					CHECK(cabo_rtable_remove(&t, &x, NULL) == 0);
				else
					CHECK(cabo_rtable_add(&t, &x, false, NULL, NULL) == 0);
				pthread_mutex_unlock(&t.lock);
			}
	atomic_store(&r.stop, true);
	pthread_join(th, NULL);
	CHECK(r.bad == 0);
	CHECK(cabo_rtable_count(&t) == 1);
	fprintf(stderr, "race (%s, growing): %u rounds of %u routes, %lu lookups, %lu wrong\n",
		ops->name, rounds, nroutes, (unsigned long)atomic_load(&r.lookups), r.bad);
	cabo_rtable_destroy(&t);
}

int main(void)
{
	test_parse();
	test_semantics(&cabo_lpm_linear);
	test_semantics(&cabo_lpm_radix);
	test_semantics(&cabo_lpm_direct);
	test_direct_limits();
	test_race(&cabo_lpm_direct, 40000);   /* more than the 32768 groups */
	test_race(&cabo_lpm_radix, 20000);
	test_race_grow(&cabo_lpm_radix, 3, 5000);
	test_race_grow(&cabo_lpm_direct, 1, 5000);
	test_race(&cabo_lpm_linear, 2000);

	char *path = lpm_data_path();
	struct lpm_prefix *p = NULL;
	size_t n = lpm_read_prefixes(path, &p);
	if (!n) {
		fprintf(stderr, "%s: not readable; full-table tests skipped\n", path ? path : "CABO_DATA unset");
		free(path);
		check_result();
		return check_failures ? 1 : 77;
	}
	fprintf(stderr, "%zu IPv4 prefixes from %s\n", n, path);
	free(path);
	test_full(&cabo_lpm_direct, p, n, true, 20, 1 << 20, 1);
	test_full(&cabo_lpm_radix, p, n, false, 20, 1 << 20, 2);
	test_full(&cabo_lpm_direct, p, n, false, 4, 1 << 16, 3);
	test_full(&cabo_lpm_radix, p, n, true, 4, 1 << 16, 4);
	/* the linear engine scans every route: a sample of the table */
	struct lpm_prefix *sample = cabo_xmalloc((n / 400 + 1) * sizeof *sample);
	size_t ns = 0;
	for (size_t i = 0; i < n; i += 400)
		sample[ns++] = p[i];
	test_full(&cabo_lpm_linear, sample, ns, true, 4, 1 << 16, 5);
	free(sample);
	free(p);
	return check_result();
}
