/* IPv6 route tables (elements/ip6route): Click's route syntax, add/set/
 * remove semantics and dump order, the next-hop limit, and the lookup
 * structure against a reference (a one-bit-a-level binary trie) on the real
 * IPv6 tables: random addresses, addresses inside the prefixes, the first
 * and last address of every prefix and the addresses just outside, after
 * bulk loading, after incremental building, and after random add/set/remove
 * sequences (short, long and host prefixes among them); removing every
 * route must give back every node.  Then lookups racing updates on another
 * thread must see the old or the new next hop, never anything else.  Skips
 * (77) when the table files are missing. */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "lpm6_data.h"
#include "lpm_check.h"

/* ======================================================================
 * Comparing a table with the reference
 * ====================================================================== */

static void hex(cabo_u128 k, char buf[40])
{
	uint8_t a[16];
	cabo_ip6_bytes(k, a);
	cabo_format_ip6(a, buf);
}

static void compare(struct cabo_ip6rt *t, const struct ref *r, const cabo_u128 *addr, size_t n,
		    const char *what)
{
	int port[CABO_BATCH_MAX];
	uint8_t gw[CABO_BATCH_MAX][16];
	size_t bad = 0;
	for (size_t i = 0; i < n; i += CABO_BATCH_MAX) {
		unsigned k = n - i < CABO_BATCH_MAX ? (unsigned)(n - i) : CABO_BATCH_MAX;
		cabo_ip6rt_resolve(t, addr + i, k, port, gw);
		for (unsigned j = 0; j < k; j++) {
			uint32_t v1 = ref_get(r, addr[i + j], 128);
			int want_port = v1 ? lpm6_value_port(v1 - 1) : -1;
			uint8_t want_gw[16] = { 0 };
			if (v1)
				lpm6_value_gw(v1 - 1, want_gw);
			if (port[j] != want_port || memcmp(gw[j], want_gw, 16) != 0) {
				if (bad++ < 5) {
					char a[40], g[40], w[40];
					hex(addr[i + j], a);
					cabo_format_ip6(gw[j], g);
					cabo_format_ip6(want_gw, w);
					fprintf(stderr, "%s: %s -> port %d gw %s, want %d %s\n", what, a,
						port[j], g, want_port, w);
				}
			}
		}
	}
	check_count++;
	if (bad) {
		check_failures++;
		fprintf(stderr, "%s: %zu of %zu lookups differ\n", what, bad, n);
	}
}

/* First and last address of each prefix and the two just outside. */
static cabo_u128 *edges(const struct lpm6_prefix *p, size_t n, size_t *count)
{
	cabo_u128 *a = cabo_xmalloc(4 * n * sizeof *a);
	for (size_t i = 0; i < n; i++) {
		cabo_u128 last = p[i].key | ~cabo_ip6_mask(p[i].len);
		a[4 * i] = p[i].key;
		a[4 * i + 1] = last;
		a[4 * i + 2] = p[i].key - 1;
		a[4 * i + 3] = last + 1;
	}
	*count = 4 * n;
	return a;
}

/* Uniformly random addresses, and addresses inside random prefixes. */
static cabo_u128 *random_addrs(size_t n, const struct lpm6_prefix *p, size_t np, uint64_t *seed)
{
	cabo_u128 *a = cabo_xmalloc(n * sizeof *a);
	for (size_t i = 0; i < n; i++)
		a[i] = p && i % 2 ? lpm6_inside(&p[prefix_rand(seed) % np], seed) : lpm6_rand128(seed);
	return a;
}

/* A prefix near a real one: shorter (covering it), longer (inside it, up to
 * host routes), or a short one covering many top-level slots. */
static struct lpm6_prefix random_prefix(const struct lpm6_prefix *p, size_t n, uint64_t *seed)
{
	static const uint8_t lens[] = { 0, 12, 18, 19, 20, 23, 24, 24, 28, 29, 30, 32, 32, 32,
					33, 36, 36, 40, 40, 42, 44, 44, 47, 48, 48, 48, 48, 48,
					48, 52, 56, 60, 64, 64, 65, 72, 96, 112, 120, 126, 127,
					128, 128 };
	struct lpm6_prefix q;
	q.len = lens[prefix_rand(seed) % sizeof lens];
	q.key = lpm6_inside(&p[prefix_rand(seed) % n], seed) & cabo_ip6_mask(q.len);
	return q;
}

/* ======================================================================
 * Route syntax
 * ====================================================================== */

static void test_parse(void)
{
	static const struct route_syntax_case T[] = {
		{ "2001:db8::/32 1", false, "2001:db8::/32 - 1" },
		{ "2001:db8:1:2::/32 1", false, "2001:db8::/32 - 1" },
		{ "::/0 fe80::1 1", false, "::/0 fe80::1 1" },
		{ "::/0 :: 1", false, "::/0 - 1" },
		{ "2001:db8::1 2", false, "2001:db8::1/128 - 2" },
		{ "2001:db8::/ffff:ffff:: - 3", false, "2001:db8::/32 - 3" },
		{ "  2001:db8::/48\t 2001:db8::fe   7 ", false, "2001:db8::/48 2001:db8::fe 7" },
		{ "::ffff:10.0.0.0/104 1", false, "::ffff:10.0.0.0/104 - 1" },
		{ "2001:db8:0:0:1::/127 0", false, "2001:db8:0:0:1::/127 - 0" },
		{ "2001:db8::/32", true, "2001:db8::/32 - -1" },
		{ "2001:db8::/32 2001:db8::1", true, "2001:db8::/32 2001:db8::1 -1" },
		{ "2001:db8::/32", false, NULL },
		{ "2001:db8::/32 2001:db8::1", false, NULL },
		{ "2001:db8::/129 1", false, NULL },
		{ "2001:db8::/32 x", false, NULL },
		{ "2001:db8::/32 1 2", false, NULL },
		{ "2001:db8::/32 -1", false, NULL },
		{ "2001:db8::/ffff:0:ffff:: 1", false, NULL },
		{ "2001:db8:::/32 1", false, NULL },
		{ "2001:db8::/32 1.2.3.4 1", false, NULL },
		{ "10.0.0.0/8 1", false, NULL },
		{ "", true, NULL },
	};
	check_route_syntax(&cabo_ip6route_family, T, sizeof T / sizeof T[0]);
}

/* ======================================================================
 * Click's add/set/remove semantics
 * ====================================================================== */

static struct cabo_ip6route route(const char *s)
{
	struct cabo_ip6route r;
	if (!cabo_ip6route_parse(s, true, &r))
		abort();
	return r;
}

static int lookup(struct cabo_ip6rt *t, const char *addr, char gw[40])
{
	uint8_t a[16], g[16];
	if (!cabo_parse_ip6(addr, a))
		abort();
	int port = cabo_ip6rt_lookup_one(t, a, g);
	cabo_format_ip6(g, gw);
	return port;
}

static void test_semantics(void)
{
	struct cabo_ip6rt t;
	cabo_ip6rt_init(&t);
	struct cabo_ip6route old, r;
	char gw[40];
	CHECK(lookup(&t, "2001:db8::1", gw) == -1);
	CHECK(cabo_ip6rt_add(&t, (r = route("2001:db8::/32 1"), &r), false, &old, NULL) == 0);
	CHECK(old.port == -1);
	CHECK(cabo_ip6rt_add(&t, (r = route("2001:db8:1::/48 2001:db8::1 2"), &r), false, NULL, NULL) == 0);
	CHECK(cabo_ip6rt_add(&t, (r = route("::/0 fe80::1 0"), &r), false, NULL, NULL) == 0);
	CHECK(cabo_ip6rt_add(&t, (r = route("2001:db8:1:2:3::/80 3"), &r), false, NULL, NULL) == 0);
	CHECK(cabo_ip6rt_add(&t, (r = route("2001:db8:1:2:3:4:5:6 4"), &r), false, NULL, NULL) == 0);
	CHECK(lookup(&t, "2001:db8:1:2:3:4:5:6", gw) == 4);
	CHECK(lookup(&t, "2001:db8:1:2:3:4:5:7", gw) == 3);
	CHECK(lookup(&t, "2001:db8:1:2:3:ffff::", gw) == 3);
	CHECK(lookup(&t, "2001:db8:1:2:4::", gw) == 2);
	CHECK_STR(gw, "2001:db8::1");
	CHECK(lookup(&t, "2001:db8:ffff::1", gw) == 1);
	CHECK_STR(gw, "::");
	CHECK(lookup(&t, "2002::1", gw) == 0);
	CHECK_STR(gw, "fe80::1");

	/* add over an existing prefix: -EEXIST and the old route; set replaces */
	CHECK(cabo_ip6rt_add(&t, (r = route("2001:db8::/32 4"), &r), false, &old, NULL) == -EEXIST);
	CHECK(old.port == 1 && old.len == 32);
	CHECK(lookup(&t, "2001:db8:ffff::1", gw) == 1);
	CHECK(cabo_ip6rt_add(&t, &r, true, &old, NULL) == 0 && old.port == 1);
	CHECK(lookup(&t, "2001:db8:ffff::1", gw) == 4);
	CHECK(cabo_ip6rt_add(&t, &r, true, &old, NULL) == 0 && old.port == 4);

	/* remove: gateway and port must match when given */
	CHECK(cabo_ip6rt_remove(&t, (r = route("2001:db8:1::/48 2001:db8::2 2"), &r), &old) == -ENOENT);
	CHECK(cabo_ip6rt_remove(&t, (r = route("2001:db8:1::/48 2001:db8::1 2"), &r), &old) == 0);
	CHECK(old.port == 2 && old.len == 48);
	CHECK(cabo_ip6rt_remove(&t, (r = route("2001:db8:1::/48"), &r), &old) == -ENOENT);
	CHECK(cabo_ip6rt_remove(&t, (r = route("2001:db8::/31"), &r), &old) == -ENOENT);
	CHECK(lookup(&t, "2001:db8:1:2:4::", gw) == 4);
	CHECK(lookup(&t, "2001:db8:1:2:3::", gw) == 3);
	CHECK(cabo_ip6rt_remove(&t, (r = route("2001:db8:1:2:3::/80"), &r), NULL) == 0);
	CHECK(lookup(&t, "2001:db8:1:2:3::", gw) == 4);
	CHECK(lookup(&t, "2001:db8:1:2:3:4:5:6", gw) == 4);
	CHECK(cabo_ip6rt_remove(&t, (r = route("::/0"), &r), NULL) == 0);
	CHECK(lookup(&t, "2002::1", gw) == -1);
	CHECK(cabo_ip6rt_count(&t) == 2);

	/* dump: Click's format and order, the lowest free slot reused first */
	CHECK(cabo_ip6rt_add(&t, (r = route("3ffe::/16 3ffe::1 0"), &r), false, NULL, NULL) == 0);
	CHECK(cabo_ip6rt_add(&t, (r = route("fe80::/10 5"), &r), false, NULL, NULL) == 0);
	struct cabo_strbuf sb = CABO_STRBUF_INIT;
	cabo_ip6rt_dump(&t, &sb);
	CHECK_STR(cabo_strbuf_str(&sb), "# Active routes\n"
		  "2001:db8::/32\t::\t4\n"
		  "3ffe::/16\t3ffe::1\t0\n"
		  "fe80::/10\t::\t5\n"
		  "2001:db8:1:2:3:4:5:6/128\t::\t4\n");
	cabo_strbuf_clear(&sb);

	cabo_ip6rt_flush(&t);
	CHECK(cabo_ip6rt_count(&t) == 0);
	CHECK(lookup(&t, "2001:db8::1", gw) == -1);
	cabo_ip6rt_dump(&t, &sb);
	CHECK_STR(cabo_strbuf_str(&sb), "");
	CHECK(cabo_ip6rt_add(&t, (r = route("2001:db8::/32 1"), &r), false, NULL, NULL) == 0);
	CHECK(lookup(&t, "2001:db8::1", gw) == 1);
	cabo_strbuf_free(&sb);
	cabo_ip6rt_destroy(&t);
}

/* 65535 next hops: the next add fails, changing nothing; removing a route
 * frees its next hop for reuse (after a grace period). */
static void test_nexthop_limit(void)
{
	struct cabo_ip6rt t;
	cabo_ip6rt_init(&t);
	struct cabo_ip6route r = route("2001:db8::/48 0");
	int rc = 0;
	uint32_t i;
	for (i = 0; i < CABO_IP6RT_MAX_NH && rc == 0; i++) {
		cabo_ip6_bytes((cabo_u128)0x20010db8ull << 96 | (cabo_u128)i << 80, r.addr);
		cabo_ip6_bytes((cabo_u128)0xfe80ull << 112 | (i + 1), r.gw);
		rc = cabo_ip6rt_add(&t, &r, false, NULL, NULL);
	}
	CHECK(rc == 0);
	const char *why = NULL;
	struct cabo_ip6route x = route("2001:db9::/32 fe80::ffff:ffff 1");
	CHECK(cabo_ip6rt_add(&t, &x, false, NULL, &why) == -ENOSPC && why);
	CHECK(cabo_ip6rt_count(&t) == CABO_IP6RT_MAX_NH);
	char gw[40];
	CHECK(lookup(&t, "2001:db9::1", gw) == -1);
	struct cabo_ip6route y = route("2001:db8::/48");
	CHECK(cabo_ip6rt_remove(&t, &y, NULL) == 0);
	CHECK(cabo_ip6rt_add(&t, &x, false, NULL, NULL) == 0);
	CHECK(lookup(&t, "2001:db9::1", gw) == 1);
	CHECK_STR(gw, "fe80::ffff:ffff");
	CHECK(lookup(&t, "2001:db8:0:5::1", gw) == -1);
	CHECK(lookup(&t, "2001:db8:5::1", gw) == 0);
	CHECK_STR(gw, "fe80::6");
	cabo_ip6rt_destroy(&t);
}

/* ======================================================================
 * Full tables against the reference
 * ====================================================================== */

static void build(struct cabo_ip6rt *t, struct ref *ref, const struct lpm6_prefix *p, size_t n,
		  const uint32_t *value, bool bulk)
{
	if (bulk)
		cabo_ip6rt_begin_load(t);
	size_t dup = 0;
	for (size_t i = 0; i < n; i++) {
		struct cabo_ip6route r = lpm6_route(p[i].key, p[i].len, value[i]);
		int rc = cabo_ip6rt_add(t, &r, false, NULL, NULL);
		if (rc == -EEXIST)
			dup++;
		else {
			CHECK(rc == 0);
			ref_set(ref, p[i].key, p[i].len, value[i] + 1);
		}
	}
	if (bulk)
		cabo_ip6rt_end_load(t);
	CHECK(cabo_ip6rt_count(t) == n - dup);
}

/* Random add/set/remove rounds; after each round the changed prefixes'
 * edges and random addresses are compared. */
static void churn(struct cabo_ip6rt *t, struct ref *ref, struct lpm6_prefix *p, size_t n,
		  uint32_t *value, unsigned rounds, unsigned per_round, uint64_t *seed)
{
	struct lpm6_prefix *changed = cabo_xmalloc(per_round * sizeof *changed);
	for (unsigned round = 0; round < rounds; round++) {
		for (unsigned k = 0; k < per_round; k++) {
			size_t i = prefix_rand(seed) % n;
			unsigned op = prefix_rand(seed) % 3;
			struct cabo_ip6route r = lpm6_route(p[i].key, p[i].len, value[i]);
			if (op == 0) {            /* remove (by prefix only) */
				r.port = -1;
				if (cabo_ip6rt_remove(t, &r, NULL) == 0)
					ref_set(ref, p[i].key, p[i].len, 0);
			} else if (op == 1) {     /* set a new value */
				value[i] = (uint32_t)(prefix_rand(seed) % 808);
				r = lpm6_route(p[i].key, p[i].len, value[i]);
				CHECK(cabo_ip6rt_add(t, &r, true, NULL, NULL) == 0);
				ref_set(ref, p[i].key, p[i].len, value[i] + 1);
			} else {                  /* a new prefix replaces slot i's */
				struct cabo_ip6route gone = r;
				gone.port = -1;
				if (cabo_ip6rt_remove(t, &gone, NULL) == 0)
					ref_set(ref, p[i].key, p[i].len, 0);
				p[i] = random_prefix(p, n, seed);
				value[i] = (uint32_t)(prefix_rand(seed) % 808);
				r = lpm6_route(p[i].key, p[i].len, value[i]);
				CHECK(cabo_ip6rt_add(t, &r, true, NULL, NULL) == 0);
				ref_set(ref, p[i].key, p[i].len, value[i] + 1);
			}
			changed[k] = p[i];
		}
		size_t ne;
		cabo_u128 *e = edges(changed, per_round, &ne);
		compare(t, ref, e, ne, "after updates: changed prefixes");
		free(e);
		cabo_u128 *a = random_addrs(4096, p, n, seed);
		compare(t, ref, a, 4096, "after updates: random");
		free(a);
	}
	free(changed);
}

static void test_full(const char *name, const struct lpm6_prefix *all, size_t n, bool bulk,
		      unsigned rounds, size_t nrandom, uint64_t seed)
{
	struct lpm6_prefix *p = cabo_xmalloc(n * sizeof *p);
	memcpy(p, all, n * sizeof *p);
	uint32_t *value = cabo_xmalloc(n * sizeof *value);
	for (size_t i = 0; i < n; i++)
		value[i] = (uint32_t)(prefix_rand(&seed) % 808);
	struct cabo_ip6rt t;
	struct ref ref;
	ref_init(&ref, 1 << 16);
	cabo_ip6rt_init(&t);
	size_t empty = cabo_lpm6_memory(t.lpm);
	build(&t, &ref, p, n, value, bulk);
	fprintf(stderr, "%s, %s: %u routes, %zu nodes, %.1f MB lookup structure\n", name,
		bulk ? "loaded" : "built", cabo_ip6rt_count(&t), cabo_lpm6_nodes(t.lpm),
		(double)cabo_ip6rt_lookup_memory(&t) / 1048576);

	char what[128];
	size_t ne;
	cabo_u128 *e = edges(p, n, &ne);
	snprintf(what, sizeof what, "%s %s: prefix edges", name, bulk ? "loaded" : "built");
	compare(&t, &ref, e, ne, what);
	free(e);
	cabo_u128 *a = random_addrs(nrandom, p, n, &seed);
	snprintf(what, sizeof what, "%s %s: random", name, bulk ? "loaded" : "built");
	compare(&t, &ref, a, nrandom, what);
	free(a);

	churn(&t, &ref, p, n, value, rounds, 500, &seed);
	e = edges(p, n, &ne);
	compare(&t, &ref, e, ne, "after updates: all prefix edges");
	free(e);

	/* removing every route gives every node back */
	for (size_t i = 0; i < n; i++) {
		struct cabo_ip6route r = lpm6_route(p[i].key, p[i].len, 0);
		r.port = -1;
		if (cabo_ip6rt_remove(&t, &r, NULL) == 0)
			ref_set(&ref, p[i].key, p[i].len, 0);
	}
	CHECK(cabo_ip6rt_count(&t) == 0);
	CHECK(cabo_lpm6_nodes(t.lpm) == 0);
	CHECK(cabo_lpm6_memory(t.lpm) == empty);
	CHECK(t.trie.nnodes == 0 && t.trie.root == NULL);
	a = random_addrs(1 << 12, all, n, &seed);
	compare(&t, &ref, a, 1 << 12, "all removed");
	free(a);

	cabo_ip6rt_destroy(&t);
	ref_free(&ref);
	free(p);
	free(value);
}

/* ======================================================================
 * Lookups racing updates
 * ====================================================================== */

struct race {
	struct cabo_ip6rt *t;
	atomic_bool stop;
	atomic_ulong lookups;
	unsigned long bad;
};

/* 2001:db8::/32 always goes to output 1.  The writer toggles
 * 2001:db8:5::/48 (output 2, gateways changing), 2001:db8:5:10::/60
 * (output 3) and 2000::/3 (output 4, many top-level slots), so the /60's
 * addresses may see 1, 2 or 3, the rest of the /48 1 or 2, the rest of the
 * /32 only 1, and 2400::1 -1 or 4. */
static void *race_reader(void *arg)
{
	struct race *r = arg;
	cabo_u128 dst[CABO_BATCH_MAX];
	uint8_t gw[CABO_BATCH_MAX][16];
	int port[CABO_BATCH_MAX];
	cabo_u128 base = (cabo_u128)0x20010db80005ull << 80;
	for (unsigned i = 0; i < CABO_BATCH_MAX - 2; i++)
		dst[i] = base | (cabo_u128)(i * 4) << 64;  /* 2001:db8:5:0..f8:: */
	dst[CABO_BATCH_MAX - 2] = (cabo_u128)0x20010db80006ull << 80;
	dst[CABO_BATCH_MAX - 1] = (cabo_u128)0x2400ull << 112 | 1;
	while (!atomic_load_explicit(&r->stop, memory_order_relaxed)) {
		cabo_ip6rt_resolve(r->t, dst, CABO_BATCH_MAX, port, gw);
		for (unsigned i = 0; i < CABO_BATCH_MAX; i++) {
			unsigned sub = (unsigned)(dst[i] >> 64) & 0xffff;
			bool ok;
			if (i == CABO_BATCH_MAX - 1)
				ok = port[i] == -1 || port[i] == 4;
			else if (i == CABO_BATCH_MAX - 2)
				ok = port[i] == 1;
			else
				ok = port[i] == 1 || port[i] == 2 || (sub >> 4 == 1 && port[i] == 3);
			if (!ok && r->bad++ < 5)
				fprintf(stderr, "race: lookup %u -> %d\n", i, port[i]);
		}
		atomic_fetch_add_explicit(&r->lookups, CABO_BATCH_MAX, memory_order_relaxed);
	}
	return NULL;
}

static void test_race(unsigned cycles)
{
	struct cabo_ip6rt t;
	cabo_ip6rt_init(&t);
	struct cabo_ip6route base = route("2001:db8::/32 1");
	CHECK(cabo_ip6rt_add(&t, &base, false, NULL, NULL) == 0);
	struct race r = { &t, false, 0, 0 };
	pthread_t th;
	CHECK(pthread_create(&th, NULL, race_reader, &r) == 0);
	while (!atomic_load(&r.lookups))
		sched_yield();
	struct cabo_ip6route r48 = route("2001:db8:5::/48 2"), r60 = route("2001:db8:5:10::/60 3");
	struct cabo_ip6route r3 = route("2000::/3 4");
	for (unsigned c = 0; c < cycles; c++) {
		/* a new gateway each time: next-hop numbers are released and reused */
		cabo_ip6_bytes((cabo_u128)0xfe80ull << 112 | (c % 70000 + 1), r48.gw);
		pthread_mutex_lock(&t.lock);
		CHECK(cabo_ip6rt_add(&t, &r48, true, NULL, NULL) == 0);
		CHECK(cabo_ip6rt_add(&t, &r60, false, NULL, NULL) == 0);
		CHECK(cabo_ip6rt_remove(&t, &r60, NULL) == 0);
		if (c % 2)
			CHECK(cabo_ip6rt_remove(&t, &r48, NULL) == 0);
		if (c % 64 == 0)
			CHECK(cabo_ip6rt_add(&t, &r3, false, NULL, NULL) == 0);
		if (c % 64 == 32)
			CHECK(cabo_ip6rt_remove(&t, &r3, NULL) == 0);
		pthread_mutex_unlock(&t.lock);
	}
	atomic_store(&r.stop, true);
	pthread_join(th, NULL);
	CHECK(r.bad == 0);
	CHECK(r.lookups > 0);
	fprintf(stderr, "race: %u update cycles, %lu lookups, %lu wrong\n", cycles,
		(unsigned long)atomic_load(&r.lookups), r.bad);
	cabo_ip6rt_destroy(&t);
}

int main(void)
{
	test_parse();
	test_semantics();
	test_nexthop_limit();
	test_race(20000);

	static const char *const files[] = { "bart__prefixes.txt.gz", "pyasn__ipasn6_20151101.dat.gz" };
	unsigned loaded = 0;
	for (unsigned f = 0; f < 2; f++) {
		char *path = prefix_data_path(files[f]);
		struct lpm6_prefix *p = NULL;
		size_t n = lpm6_read_prefixes(path, &p);
		if (!n) {
			fprintf(stderr, "%s: not readable; its tests skipped\n",
				path ? path : "CABO_DATA unset");
			free(path);
			continue;
		}
		loaded++;
		fprintf(stderr, "%zu IPv6 prefixes from %s\n", n, path);
		free(path);
		test_full(files[f], p, n, true, 20, 1 << 20, 1 + f);
		test_full(files[f], p, n, false, 4, 1 << 16, 3 + f);
		free(p);
	}
	if (!loaded)
		return check_failures ? check_result() : 77;
	return check_result();
}
