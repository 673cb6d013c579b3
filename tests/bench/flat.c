/* Flat-id table benchmark (make bench): for tables of 1M and 10M random
 * 160-bit ids (elements/flat), the time to build one sized in advance (as
 * FILE and CAPACITY do), to build one by adds from empty (growing, as
 * handler adds do), and to load it from a FILE; its memory (allocated, and
 * resident) per id; lookups per second on one core for ids in the table
 * (hits) and ids not in it (misses), in random order; and updates per
 * second (remove an id, add it back with another output, each under the
 * writer lock) from a second thread while the first keeps looking up.
 * Lookups go through flat_table_lookup, FlatLookup's path: batches of 64,
 * SipHash-2-4 of each id, two bucket reads and one entry read, prefetched
 * across the batch.  Every figure is the median of RUNS runs.
 *
 * Usage: flat [MILLIONS...]   (default 1 10) */
#include <malloc.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "benchutil.h"
#include "../../elements/flat/flattable.h"

enum { RUNS = 3, NQUERY = 1 << 20, LOOKUPS = 1 << 24 };

static uint64_t rnd(uint64_t *s)
{
	uint64_t x = *s;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static void random_ids(uint8_t (*ids)[FLAT_ID_LEN], size_t n, uint64_t seed)
{
	for (size_t i = 0; i < n; i++)
		for (int j = 0; j < FLAT_ID_LEN; j += 4) {
			uint32_t r = (uint32_t)rnd(&seed);
			memcpy(ids[i] + j, &r, 4);
		}
}

static uint64_t value_of(size_t i)
{
	return flat_value((unsigned)(i % 16), NULL);
}

static void build(struct flat_table *t, uint8_t (*ids)[FLAT_ID_LEN], size_t n, size_t expect)
{
	if (flat_table_init(t, expect, NULL) < 0) {
		fprintf(stderr, "flat: no memory\n");
		exit(1);
	}
	for (size_t i = 0; i < n; i++)
		if (flat_table_add(t, ids[i], value_of(i), false, NULL) < 0) {
			fprintf(stderr, "flat: add failed at %zu\n", i);
			exit(1);
		}
}

/* Lookups per second over `total' lookups of the query array; *found
 * counts the hits (a check that hits hit and misses miss). */
static double lookup_rate(struct flat_table *t, uint8_t (*q)[FLAT_ID_LEN], size_t total,
			  size_t *found)
{
	const uint8_t *ids[CABO_BATCH_MAX];
	uint64_t v[CABO_BATCH_MAX];
	size_t hits = 0;
	double start = bench_now();
	for (size_t done = 0; done < total; done += CABO_BATCH_MAX) {
		size_t at = done & (NQUERY - 1);
		for (unsigned i = 0; i < CABO_BATCH_MAX; i++)
			ids[i] = q[at + i];
		flat_table_lookup(t, ids, CABO_BATCH_MAX, v);
		for (unsigned i = 0; i < CABO_BATCH_MAX; i++)
			hits += v[i] != 0;
	}
	double rate = (double)total / (bench_now() - start);
	*found = hits;
	return rate;
}

/* ---- Updates from a second thread */

struct updater {
	struct flat_table *t;
	uint8_t (*ids)[FLAT_ID_LEN];
	size_t n;
	atomic_bool stop;
	unsigned long updates;
	double seconds;
};

static void *update_loop(void *arg)
{
	struct updater *u = arg;
	bench_pin(1);
	uint64_t seed = 42;
	double start = bench_now();
	while (!atomic_load_explicit(&u->stop, memory_order_relaxed)) {
		size_t i = rnd(&seed) % u->n;
		pthread_mutex_lock(&u->t->lock);
		int rc = flat_table_remove(u->t, u->ids[i], NULL);
		pthread_mutex_unlock(&u->t->lock);
		pthread_mutex_lock(&u->t->lock);
		flat_table_add(u->t, u->ids[i], flat_value((unsigned)(rnd(&seed) % 16), NULL), true,
			       NULL);
		pthread_mutex_unlock(&u->t->lock);
		u->updates += rc == 0 ? 2 : 1;
	}
	u->seconds = bench_now() - start;
	return NULL;
}

static void write_file(const char *path, uint8_t (*ids)[FLAT_ID_LEN], size_t n)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(1);
	}
	for (size_t i = 0; i < n; i++) {
		char text[FLAT_ID_TEXT];
		flat_format_id(ids[i], text);
		fprintf(f, "%s %d\n", text, flat_value_port(value_of(i)));
	}
	if (fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

/* ---- One table size */

static void bench(size_t n)
{
	uint8_t (*ids)[FLAT_ID_LEN] = cabo_xmalloc(n * FLAT_ID_LEN);
	uint8_t (*hitq)[FLAT_ID_LEN] = cabo_xmalloc((size_t)NQUERY * FLAT_ID_LEN);
	uint8_t (*missq)[FLAT_ID_LEN] = cabo_xmalloc((size_t)NQUERY * FLAT_ID_LEN);
	random_ids(ids, n, 1 + n);
	random_ids(missq, NQUERY, 7 + n);
	uint64_t seed = 3;
	for (size_t i = 0; i < NQUERY; i++)
		memcpy(hitq[i], ids[rnd(&seed) % n], FLAT_ID_LEN);
	char path[] = "/tmp/cabo-flat-ids.XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0) {
		perror("flat: id file");
		exit(1);
	}
	close(fd);
	write_file(path, ids, n);

	double build_s[RUNS], grow_s[RUNS], file_s[RUNS], hit[RUNS], miss[RUNS], upd[RUNS],
		during[RUNS];
	size_t mem = 0, rss = 0, found_hit = 0, found_miss = 0;
	/* big blocks straight from mmap, so freed tables leave the resident set */
	mallopt(M_MMAP_THRESHOLD, 1 << 20);
	for (int run = 0; run < RUNS; run++) {
		struct flat_table t;
		struct flat_table_stats s;
		/* sized in advance (first: the resident size grows by the table) */
		size_t rss0 = bench_rss_bytes();
		double t0 = bench_now();
		build(&t, ids, n, n);
		build_s[run] = bench_now() - t0;
		rss = bench_rss_bytes() - rss0;
		flat_table_stats(&t, &s);
		mem = s.memory;

		hit[run] = lookup_rate(&t, hitq, LOOKUPS, &found_hit);
		miss[run] = lookup_rate(&t, missq, LOOKUPS, &found_miss);

		struct updater u = { &t, ids, n, false, 0, 0 };
		pthread_t th;
		pthread_create(&th, NULL, update_loop, &u);
		size_t found_during;
		during[run] = lookup_rate(&t, hitq, LOOKUPS, &found_during);
		atomic_store(&u.stop, true);
		pthread_join(th, NULL);
		upd[run] = (double)u.updates / u.seconds;
		flat_table_destroy(&t);

		/* from empty, growing */
		t0 = bench_now();
		build(&t, ids, n, 0);
		grow_s[run] = bench_now() - t0;
		flat_table_destroy(&t);

		/* the configuration path: parse a FILE, build */
		struct cabo_errh errh;
		cabo_errh_init(&errh, stderr);
		t0 = bench_now();
		if (flat_table_init(&t, 0, NULL) < 0
		    || flat_table_load_file(&t, path, FLAT_PORT_MAX + 1, -1, &errh) < 0)
			exit(1);
		file_s[run] = bench_now() - t0;
		flat_table_destroy(&t);
		cabo_errh_destroy(&errh);
	}
	if (found_hit != LOOKUPS || found_miss != 0)
		fprintf(stderr, "flat: wrong results: %zu hits of %d, %zu misses found\n", found_hit,
			LOOKUPS, found_miss);
	printf("%-9zu %8.2f %8.2f %8.2f %8.1f %6.1f %7.1f %9.2f %9.2f %10.0f %11.2f\n", n,
	       bench_median(build_s, RUNS), bench_median(grow_s, RUNS), bench_median(file_s, RUNS), (double)mem / 1048576,
	       (double)mem / (double)n, (double)rss / (double)n, bench_median(hit, RUNS) / 1e6,
	       bench_median(miss, RUNS) / 1e6, bench_median(upd, RUNS), bench_median(during, RUNS) / 1e6);
	fflush(stdout);
	unlink(path);
	free(ids);
	free(hitq);
	free(missq);
}

int main(int argc, char **argv)
{
	bench_pin(0);
	printf("Flat-id lookup (elements/flat): random 160-bit ids, %ld cores (nproc), median of "
	       "%d runs; lookups on one core in batches of 64, updates from a second thread\n",
	       sysconf(_SC_NPROCESSORS_ONLN), RUNS);
	printf("%-9s %8s %8s %8s %8s %6s %7s %9s %9s %10s %11s\n", "ids", "build_s", "grow_s",
	       "file_s", "MB", "B/id", "rssB/id", "hit_Mlps", "miss_Mlps", "updates/s",
	       "Mlps_w/upd");
	if (argc > 1)
		for (int i = 1; i < argc; i++)
			bench((size_t)(atof(argv[i]) * 1e6));
	else {
		bench(1000000);
		bench(10000000);
	}
	return 0;
}
