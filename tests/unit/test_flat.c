/* Flat-id tables (elements/flat): id syntax and values; add/set/remove/
 * lookup against a reference (a plain array) through random operation
 * sequences, with batched and single lookups of present and absent ids;
 * growth from the smallest table to 300k ids; ids chosen to collide under
 * the table's hash with a known (all-zero) key, which pile into one
 * bucket there and spread in a randomly keyed table; and lookups racing
 * adds, removes, displacements and growth on another thread, which must
 * find every stable id with its value and never a wrong one. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "../../elements/flat/flattable.h"

static uint64_t rnd(uint64_t *s)
{
	uint64_t x = *s;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static void random_id(uint64_t *seed, uint8_t id[FLAT_ID_LEN])
{
	for (int i = 0; i < FLAT_ID_LEN; i += 4) {
		uint32_t r = (uint32_t)rnd(seed);
		memcpy(id + i, &r, 4);
	}
}

/* ======================================================================
 * Ids and values
 * ====================================================================== */

static void test_ids(void)
{
	uint8_t id[FLAT_ID_LEN];
	char text[FLAT_ID_TEXT];
	CHECK(flat_parse_id("0123456789abcdefABCDEF0123456789abcdef01", id));
	CHECK(id[0] == 0x01 && id[7] == 0xef && id[8] == 0xab && id[19] == 0x01);
	flat_format_id(id, text);
	CHECK_STR(text, "0123456789abcdefabcdef0123456789abcdef01");
	CHECK(flat_parse_id("10.0.0.6", id));
	CHECK(flat_id_is_ip4(id) && id[16] == 10 && id[19] == 6);
	flat_format_id(id, text);
	CHECK_STR(text, "10.0.0.6");
	CHECK(flat_parse_id("000000000000000000000000000000000a000006", id));
	flat_format_id(id, text);
	CHECK_STR(text, "10.0.0.6");
	/* T(input): all bad */
	static const char *const bad[] = {
		"", "0123", "0123456789abcdef0123456789abcdef0123456",
		"0123456789abcdef0123456789abcdef012345678", "0123456789abcdef0123456789abcdef012345g7",
		"10.0.0", "10.0.0.256", "1.2.3.4.5", "0x23456789abcdef0123456789abcdef01234567",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		CHECK(!flat_parse_id(bad[i], id));

	uint8_t mac[6] = { 0x00, 0x16, 0x3e, 0xff, 0x00, 0x01 }, got[6];
	uint64_t v = flat_value(FLAT_PORT_MAX, mac);
	CHECK(v && flat_value_port(v) == FLAT_PORT_MAX);
	CHECK(flat_value_mac(v, got) && memcmp(got, mac, 6) == 0);
	v = flat_value(0, NULL);
	CHECK(v && flat_value_port(v) == 0 && !flat_value_mac(v, got));
	CHECK(flat_value_port(0) == -1);
	CHECK(flat_parse_next("ipv4") == 4 && flat_parse_next("NONE") == 59);
	CHECK(flat_parse_next("255") == 255 && flat_parse_next("256") == -1);
}

/* ======================================================================
 * Against a reference
 * ====================================================================== */

struct ref {
	uint8_t (*id)[FLAT_ID_LEN];
	uint64_t *value;          /* 0 = absent */
	size_t n, count;
};

/* Every pool id, in batches of up to 64 (absent ones included), and some
 * one at a time. */
static unsigned verify(struct flat_table *t, const struct ref *r)
{
	unsigned wrong = 0;
	for (size_t at = 0; at < r->n; at += CABO_BATCH_MAX) {
		const uint8_t *ids[CABO_BATCH_MAX];
		uint64_t v[CABO_BATCH_MAX];
		unsigned k = (unsigned)(r->n - at < CABO_BATCH_MAX ? r->n - at : CABO_BATCH_MAX);
		for (unsigned i = 0; i < k; i++)
			ids[i] = r->id[at + i];
		flat_table_lookup(t, ids, k, v);
		for (unsigned i = 0; i < k; i++)
			wrong += v[i] != r->value[at + i];
		wrong += flat_table_get(t, r->id[at]) != r->value[at];
	}
	wrong += flat_table_count(t) != r->count;
	return wrong;
}

static void test_reference(size_t pool, unsigned ops, size_t expect)
{
	struct flat_table t;
	struct ref r = { cabo_xmalloc(pool * FLAT_ID_LEN), cabo_xcalloc(pool, sizeof(uint64_t)),
			 pool, 0 };
	uint64_t seed = 7 + pool;
	for (size_t i = 0; i < pool; i++)
		random_id(&seed, r.id[i]);
	CHECK(flat_table_init(&t, expect, NULL) == 0);
	unsigned wrong_rc = 0, wrong = 0;
	for (unsigned op = 0; op < ops; op++) {
		size_t i = rnd(&seed) % pool;
		unsigned kind = (unsigned)(rnd(&seed) % 10);
		uint8_t mac[6] = { 2, 0, 0, 0, (uint8_t)(op >> 8), (uint8_t)op };
		uint64_t v = flat_value((unsigned)(rnd(&seed) % 16), op & 1 ? mac : NULL), old;
		if (kind < 5) {            /* add */
			int rc = flat_table_add(&t, r.id[i], v, false, &old);
			wrong_rc += r.value[i] ? rc != -EEXIST || old != r.value[i] : rc != 0;
			if (!r.value[i]) {
				r.value[i] = v;
				r.count++;
			}
		} else if (kind < 7) {     /* set */
			int rc = flat_table_add(&t, r.id[i], v, true, &old);
			wrong_rc += rc != (r.value[i] ? 1 : 0) || old != r.value[i];
			r.count += !r.value[i];
			r.value[i] = v;
		} else {                   /* remove */
			int rc = flat_table_remove(&t, r.id[i], &old);
			wrong_rc += r.value[i] ? rc != 0 || old != r.value[i] : rc != -ENOENT;
			r.count -= r.value[i] != 0;
			r.value[i] = 0;
		}
		if (op % (ops / 8) == 0)
			wrong += verify(&t, &r);
	}
	wrong += verify(&t, &r);
	CHECK(wrong_rc == 0);
	CHECK(wrong == 0);

	/* the sorted listing is the reference's present ids */
	struct flat_entry *list;
	size_t n = flat_table_entries(&t, &list);
	CHECK(n == r.count);
	unsigned bad_list = 0;
	for (size_t k = 0; k + 1 < n; k++)
		bad_list += memcmp(list[k].id, list[k + 1].id, FLAT_ID_LEN) >= 0;
	for (size_t k = 0; k < n; k++)
		bad_list += flat_table_get(&t, list[k].id) != atomic_load(&list[k].value);
	CHECK(bad_list == 0);
	free(list);

	flat_table_clear(&t);
	memset(r.value, 0, pool * sizeof(uint64_t));
	r.count = 0;
	CHECK(verify(&t, &r) == 0);
	fprintf(stderr, "reference: pool %zu, %u ops, %u wrong results, %u wrong returns\n", pool,
		ops, wrong, wrong_rc);
	flat_table_destroy(&t);
	free(r.id);
	free(r.value);
}

/* ======================================================================
 * Growth
 * ====================================================================== */

static void test_growth(size_t n)
{
	struct flat_table t;
	struct flat_table_stats s;
	CHECK(flat_table_init(&t, 0, NULL) == 0);
	flat_table_stats(&t, &s);
	CHECK(s.buckets == 16 && s.count == 0);
	uint64_t seed = 99;
	uint8_t id[FLAT_ID_LEN];
	unsigned bad = 0;
	for (size_t i = 0; i < n; i++) {
		random_id(&seed, id);
		bad += flat_table_add(&t, id, flat_value((unsigned)(i % 1000), NULL), false, NULL) != 0;
	}
	CHECK(bad == 0);
	flat_table_stats(&t, &s);
	CHECK(s.count == n);
	CHECK(s.grows >= 10);                 /* 16 buckets -> 65536 */
	CHECK(s.count <= s.capacity && s.capacity <= s.slots);
	CHECK(s.memory < n * 100);            /* bytes per id, doubling slack included */
	seed = 99;
	for (size_t i = 0; i < n; i++) {
		random_id(&seed, id);
		bad += flat_value_port(flat_table_get(&t, id)) != (int)(i % 1000);
	}
	CHECK(bad == 0);
	fprintf(stderr, "growth: %zu ids, %zu buckets, %llu grows, %llu displacements, "
		"%.1f%% in primary bucket, %.1f bytes/id\n", n, s.buckets,
		(unsigned long long)s.grows, (unsigned long long)s.displacements,
		100.0 * (double)s.in_primary / (double)s.count, (double)s.memory / (double)n);
	/* reserve: one step to room for 4n */
	uint64_t grows = s.grows;
	CHECK(flat_table_reserve(&t, 4 * n) == 0);
	flat_table_stats(&t, &s);
	CHECK(s.grows == grows + 1 && s.capacity >= 4 * n);
	flat_table_destroy(&t);

	/* sized in advance: no growth, and nearly full (any bucket count) */
	CHECK(flat_table_init(&t, n, NULL) == 0);
	seed = 99;
	for (size_t i = 0; i < n; i++) {
		random_id(&seed, id);
		bad += flat_table_add(&t, id, flat_value(1, NULL), false, NULL) != 0;
	}
	flat_table_stats(&t, &s);
	CHECK(bad == 0 && s.grows == 0);
	CHECK((double)s.count >= 0.94 * (double)s.slots);
	CHECK(s.memory < n * 44);   /* 40.4 in use, spare entry numbers */
	fprintf(stderr, "sized: %zu ids, %zu buckets, %.1f%% full, %.1f%% in primary bucket, "
		"%.1f bytes/id\n", n, s.buckets, 100.0 * (double)s.count / (double)s.slots,
		100.0 * (double)s.in_primary / (double)s.count, (double)s.memory / (double)n);
	flat_table_destroy(&t);
}

/* ======================================================================
 * Adversarial ids
 * ====================================================================== */

/* Ids that all hash to primary bucket 0 of a table under the all-zero key: what an attacker who knows the key (or an
 * unkeyed hash) can aim at one bucket. */
static void test_adversarial(unsigned m)
{
	static const uint8_t zero[FLAT_KEY_LEN];
	struct flat_table known, keyed;
	struct flat_table_stats s;
	CHECK(flat_table_init(&known, 4 * m, zero) == 0);
	CHECK(flat_table_init(&keyed, 4 * m, NULL) == 0);
	flat_table_stats(&known, &s);
	uint64_t seed = 5, tries = 0;
	uint8_t (*ids)[FLAT_ID_LEN] = cabo_xmalloc((size_t)m * FLAT_ID_LEN);
	for (unsigned i = 0; i < m; i++) {
		do {   /* primary bucket: the hash's low half scaled to the buckets */
			random_id(&seed, ids[i]);
			tries++;
		} while (((uint64_t)(uint32_t)flat_table_hash(&known, ids[i]) * s.buckets) >> 32);
	}
	unsigned bad = 0;
	for (unsigned i = 0; i < m; i++) {
		bad += flat_table_add(&known, ids[i], flat_value(i % 7, NULL), false, NULL) != 0;
		bad += flat_table_add(&keyed, ids[i], flat_value(i % 7, NULL), false, NULL) != 0;
	}
	CHECK(bad == 0);
	struct flat_table_stats sk, sr;
	flat_table_stats(&known, &sk);
	flat_table_stats(&keyed, &sr);
	/* Known key: every id wants the same bucket (until growth halves the
	 * pile, which the attacker then aims at again).  Random key: the ids
	 * are as random as any, a handful per bucket. */
	CHECK(sk.max_primary * 4 >= m / (1u << sk.grows));
	CHECK(sr.max_primary <= 16);
	CHECK(sr.grows == 0);
	CHECK((double)sr.in_primary >= 0.8 * m);
	for (unsigned i = 0; i < m; i++) {
		bad += flat_value_port(flat_table_get(&known, ids[i])) != (int)(i % 7);
		bad += flat_value_port(flat_table_get(&keyed, ids[i])) != (int)(i % 7);
	}
	CHECK(bad == 0);
	fprintf(stderr, "adversarial: %u ids (%llu tries) into one of %zu buckets: known key: "
		"max %u in one primary bucket, %llu grows; random key: max %u, %llu grows\n", m,
		(unsigned long long)tries, s.buckets, sk.max_primary, (unsigned long long)sk.grows,
		sr.max_primary, (unsigned long long)sr.grows);
	free(ids);
	flat_table_destroy(&known);
	flat_table_destroy(&keyed);
}

/* ======================================================================
 * Lookups racing updates
 * ====================================================================== */

enum { STABLE = 4096 };

struct race {
	struct flat_table *t;
	uint8_t (*stable)[FLAT_ID_LEN];
	atomic_bool stop;
	unsigned long lookups, wrong;
};

static void *race_reader(void *arg)
{
	struct race *r = arg;
	uint64_t seed = 3;
	while (!atomic_load(&r->stop)) {
		const uint8_t *ids[CABO_BATCH_MAX];
		uint64_t v[CABO_BATCH_MAX];
		unsigned idx[CABO_BATCH_MAX];
		for (unsigned i = 0; i < CABO_BATCH_MAX; i++) {
			idx[i] = (unsigned)(rnd(&seed) % STABLE);
			ids[i] = r->stable[idx[i]];
		}
		flat_table_lookup(r->t, ids, CABO_BATCH_MAX, v);
		for (unsigned i = 0; i < CABO_BATCH_MAX; i++)
			if (v[i] != flat_value(idx[i] % 100, NULL)) {
				if (r->wrong++ < 5)
					fprintf(stderr, "race: stable id %u -> %llx\n", idx[i],
						(unsigned long long)v[i]);
			}
		r->lookups += CABO_BATCH_MAX;
	}
	return NULL;
}

static void test_race(unsigned cycles)
{
	struct flat_table t;
	CHECK(flat_table_init(&t, 0, NULL) == 0);
	struct race r = { &t, cabo_xmalloc(STABLE * FLAT_ID_LEN), false, 0, 0 };
	uint64_t seed = 11;
	for (unsigned i = 0; i < STABLE; i++) {
		random_id(&seed, r.stable[i]);
		flat_table_add(&t, r.stable[i], flat_value(i % 100, NULL), false, NULL);
	}
	pthread_t th;
	CHECK(pthread_create(&th, NULL, race_reader, &r) == 0);
	/* Churn: a growing, then shrinking, population of other ids; each
	 * add may displace stable ids, and growth republishes everything. */
	enum { CHURN = 1 << 16 };
	uint8_t (*churn)[FLAT_ID_LEN] = cabo_xmalloc((size_t)CHURN * FLAT_ID_LEN);
	for (unsigned i = 0; i < CHURN; i++)
		random_id(&seed, churn[i]);
	for (unsigned c = 0; c < cycles; c++) {
		pthread_mutex_lock(&t.lock);
		for (unsigned i = 0; i < CHURN; i++)
			flat_table_add(&t, churn[i], flat_value(200, NULL), false, NULL);
		for (unsigned i = 0; i < CHURN; i += 2)
			flat_table_remove(&t, churn[i], NULL);
		for (unsigned i = 0; i < CHURN; i += 2)
			flat_table_add(&t, churn[i], flat_value(201, NULL), true, NULL);
		if (c + 1 < cycles)
			for (unsigned i = 0; i < CHURN; i++)
				flat_table_remove(&t, churn[i], NULL);
		pthread_mutex_unlock(&t.lock);
	}
	atomic_store(&r.stop, true);
	pthread_join(th, NULL);
	struct flat_table_stats s;
	flat_table_stats(&t, &s);
	CHECK(r.wrong == 0);
	CHECK(r.lookups > 0);
	CHECK(s.count == STABLE + CHURN);
	CHECK(s.grows > 0 && s.displacements > 0);
	fprintf(stderr, "race: %u churn cycles, %lu lookups, %lu wrong, %llu grows, "
		"%llu displacements\n", cycles, r.lookups, r.wrong, (unsigned long long)s.grows,
		(unsigned long long)s.displacements);
	free(churn);
	free(r.stable);
	flat_table_destroy(&t);
}

int main(void)
{
	test_ids();
	test_reference(200, 20000, 0);         /* small: growth and reuse */
	test_reference(50000, 400000, 1000);
	test_growth(300000);
	test_adversarial(4000);
	test_race(6);
	return check_result();
}
