/* IPv6 route-table benchmark (make bench): LookupIP6Route's table
 * (elements/ip6route) on the IPv6 Internet tables: the time to build it
 * from routes and from a route FILE, its memory, lookups per second on one
 * core with random addresses (uniform over 2000::/3, where every route
 * lies) and with trace-like ones (addresses inside the table's prefixes,
 * as routed traffic mostly is), and route updates per second from a second
 * thread while the first keeps looking up.  Lookups go through
 * cabo_ip6rt_resolve, the element's path: batches of 64, a read section
 * each, port and gateway per packet.  Every figure is the median of 5 runs.
 * The same columns as tests/bench/lpm.c (IPv4).
 *
 * Usage: lpm6 [PREFIXES.gz...]   (default: the two tables in $CABO_DATA/prefixes) */
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
#include "lpmbench.h"
#include "../unit/lpm6_data.h"

enum { RUNS = LPMBENCH_RUNS, NADDR = 1 << 20, LOOKUPS = 1 << 25 };

struct table_data {
	const struct lpm6_prefix *p;
	const uint32_t *value;
	size_t n;
};

static void load(struct cabo_ip6rt *t, const struct table_data *d)
{
	cabo_ip6rt_init(t);
	cabo_ip6rt_begin_load(t);
	for (size_t i = 0; i < d->n; i++) {
		struct cabo_ip6route r = lpm6_route(d->p[i].key, d->p[i].len, d->value[i]);
		cabo_ip6rt_add(t, &r, false, NULL, NULL);
	}
	cabo_ip6rt_end_load(t);
}

/* Lookups per second over `total` lookups of the address array. */
static double lookup_rate(struct cabo_ip6rt *t, const cabo_u128 *addr, size_t total)
{
	int port[CABO_BATCH_MAX];
	uint8_t gw[CABO_BATCH_MAX][16];
	volatile int sink = 0;
	double start = bench_now();
	for (size_t done = 0; done < total; done += CABO_BATCH_MAX) {
		size_t at = done & (NADDR - 1);
		cabo_ip6rt_resolve(t, addr + at, CABO_BATCH_MAX, port, gw);
		sink += port[at & (CABO_BATCH_MAX - 1)];
	}
	(void)sink;
	return (double)total / (bench_now() - start);
}

/* ---- Updates from a second thread */

struct update_arg {
	struct cabo_ip6rt *t;
	const struct table_data *d;
};

/* Withdraws a random route and announces it again with another next hop:
 * two updates, each under the table's writer lock. */
static unsigned update_one(void *arg, uint64_t *seed)
{
	struct update_arg *u = arg;
	size_t i = prefix_rand(seed) % u->d->n;
	struct cabo_ip6route r = lpm6_route(u->d->p[i].key, u->d->p[i].len, u->d->value[i]);
	r.port = -1;
	pthread_mutex_lock(&u->t->lock);
	int rc = cabo_ip6rt_remove(u->t, &r, NULL);
	pthread_mutex_unlock(&u->t->lock);
	r = lpm6_route(u->d->p[i].key, u->d->p[i].len, (uint32_t)(prefix_rand(seed) % 808));
	pthread_mutex_lock(&u->t->lock);
	cabo_ip6rt_add(u->t, &r, true, NULL, NULL);
	pthread_mutex_unlock(&u->t->lock);
	return rc == 0 ? 2 : 1;
}

/* ---- One table */

static void bench(const char *name, const struct table_data *d, const cabo_u128 *random,
		  const cabo_u128 *trace, const char *route_file, size_t lookups)
{
	struct lpmbench_row row = { 0 };
	for (int run = 0; run < RUNS; run++) {
		struct cabo_ip6rt t;
		malloc_trim(0);         /* so the table's pages count, not reused ones */
		size_t rss0 = bench_rss_bytes();
		double t0 = bench_now();
		load(&t, d);
		row.build[run] = bench_now() - t0;
		row.rss = bench_rss_bytes() - rss0;
		row.lookup_mem = cabo_ip6rt_lookup_memory(&t);
		row.total_mem = cabo_ip6rt_memory(&t);

		row.rnd[run] = lookup_rate(&t, random, lookups);
		row.trc[run] = lookup_rate(&t, trace, lookups);

		struct update_arg ua = { &t, d };
		struct lpmbench_updater u;
		lpmbench_updates_start(&u, update_one, &ua);
		row.during[run] = lookup_rate(&t, trace, lookups);
		row.upd[run] = lpmbench_updates_stop(&u);
		cabo_ip6rt_destroy(&t);

		/* the configuration path: parse a route FILE, build */
		struct cabo_errh errh;
		cabo_errh_init(&errh, stderr);
		t0 = bench_now();
		cabo_ip6rt_init(&t);
		cabo_ip6rt_begin_load(&t);
		if (cabo_ip6rt_load_file(&t, route_file, 0, &errh) < 0)
			exit(1);
		cabo_ip6rt_end_load(&t);
		row.fbuild[run] = bench_now() - t0;
		cabo_ip6rt_destroy(&t);
		cabo_errh_destroy(&errh);
	}
	lpmbench_print_row(name, &row);
}

static int run_table(const char *path, const char *name)
{
	struct lpm6_prefix *p = NULL;
	size_t n = lpm6_read_prefixes(path, &p);
	if (!n) {
		fprintf(stderr, "lpm6: cannot read %s\n", path);
		return 1;
	}
	uint64_t seed = 1;
	uint32_t *value = cabo_xmalloc(n * sizeof *value);
	for (size_t i = 0; i < n; i++)
		value[i] = (uint32_t)(prefix_rand(&seed) % 808);
	struct table_data d = { p, value, n };

	cabo_u128 *random = cabo_xmalloc(NADDR * sizeof *random);
	cabo_u128 *trace = cabo_xmalloc(NADDR * sizeof *trace);
	for (size_t i = 0; i < NADDR; i++) {
		random[i] = (cabo_u128)1 << 125 | (lpm6_rand128(&seed) >> 3);   /* 2000::/3 */
		trace[i] = lpm6_inside(&p[prefix_rand(&seed) % n], &seed);
	}

	char route_file[] = "/tmp/cabo-lpm6-routes.XXXXXX";
	int fd = mkstemp(route_file);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		perror("lpm6: route file");
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		struct cabo_ip6route r = lpm6_route(p[i].key, p[i].len, value[i]);
		struct cabo_strbuf sb = CABO_STRBUF_INIT;
		cabo_ip6route_unparse(&r, &sb);
		fprintf(f, "%s\n", cabo_strbuf_str(&sb));
		cabo_strbuf_free(&sb);
	}
	fclose(f);

	printf("(%s: %zu IPv6 prefixes)\n", name, n);
	bench("poptrie", &d, random, trace, route_file, LOOKUPS);
	unlink(route_file);
	free(random);
	free(trace);
	free(value);
	free(p);
	return 0;
}

int main(int argc, char **argv)
{
	static const char *const tables[] = { "bart__prefixes.txt.gz",
					      "pyasn__ipasn6_20151101.dat.gz" };
	bench_pin(0);
	printf("IPv6 route lookup (elements/ip6route): %ld cores (nproc), median of %d runs; "
	       "lookups on one core, updates from a second thread\n",
	       sysconf(_SC_NPROCESSORS_ONLN), RUNS);
	lpmbench_print_header();
	int rc = 0;
	if (argc > 1) {
		for (int i = 1; i < argc; i++)
			rc |= run_table(argv[i], argv[i]);
		return rc;
	}
	for (unsigned i = 0; i < 2; i++) {
		char *path = prefix_data_path(tables[i]);
		if (!path) {
			fprintf(stderr, "lpm6: set CABO_DATA\n");
			return 1;
		}
		rc |= run_table(path, tables[i]);
		free(path);
	}
	return rc;
}
