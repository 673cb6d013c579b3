/* Route-table benchmark (make bench): for each lookup engine on the full
 * Internet table (elements/iproute), the time to build it from routes and
 * from a route FILE, its memory, lookups per second on one core with
 * random addresses and with trace-like ones (addresses inside the table's
 * prefixes, as routed traffic mostly is), and route updates per second from
 * a second thread while the first keeps looking up.  Lookups go through
 * cabo_rtable_resolve, the element's path: batches of 64, a read section
 * each, port and gateway per packet.  Every figure is the median of 5 runs.
 *
 * Usage: lpm [PREFIXES.txt.gz]   (default $CABO_DATA/prefixes/bart__prefixes.txt.gz) */
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
#include "../unit/lpm_data.h"

enum { RUNS = LPMBENCH_RUNS, NADDR = 1 << 20, LOOKUPS = 1 << 26 };

struct table_data {
	const struct lpm_prefix *p;
	const uint32_t *value;
	size_t n;
};

static void load(struct cabo_rtable *t, const struct cabo_lpm_ops *ops, const struct table_data *d)
{
	if (cabo_rtable_init(t, ops) < 0) {
		fprintf(stderr, "%s: no memory\n", ops->name);
		exit(1);
	}
	cabo_rtable_begin_load(t);
	for (size_t i = 0; i < d->n; i++) {
		struct cabo_iproute r = lpm_route(d->p[i].addr, d->p[i].len, d->value[i]);
		cabo_rtable_add(t, &r, false, NULL, NULL);
	}
	struct cabo_errh errh;
	cabo_errh_init(&errh, stderr);
	if (cabo_rtable_end_load(t, &errh) < 0)
		exit(1);
	cabo_errh_destroy(&errh);
}

/* Lookups per second over `total` lookups of the address array. */
static double lookup_rate(struct cabo_rtable *t, const uint32_t *addr, size_t total)
{
	int port[CABO_BATCH_MAX];
	uint32_t gw[CABO_BATCH_MAX];
	volatile int sink = 0;
	double start = bench_now();
	for (size_t done = 0; done < total; done += CABO_BATCH_MAX) {
		size_t at = done & (NADDR - 1);
		cabo_rtable_resolve(t, addr + at, CABO_BATCH_MAX, port, gw);
		sink += port[at & (CABO_BATCH_MAX - 1)];
	}
	(void)sink;
	return (double)total / (bench_now() - start);
}

/* ---- Updates from a second thread */

struct update_arg {
	struct cabo_rtable *t;
	const struct table_data *d;
};

/* Withdraws a random route and announces it again with another next hop:
 * two updates, each under the table's writer lock. */
static unsigned update_one(void *arg, uint64_t *seed)
{
	struct update_arg *u = arg;
	size_t i = prefix_rand(seed) % u->d->n;
	struct cabo_iproute r = lpm_route(u->d->p[i].addr, u->d->p[i].len, u->d->value[i]);
	r.port = -1;
	pthread_mutex_lock(&u->t->lock);
	int rc = cabo_rtable_remove(u->t, &r, NULL);
	pthread_mutex_unlock(&u->t->lock);
	r = lpm_route(u->d->p[i].addr, u->d->p[i].len, (uint32_t)(prefix_rand(seed) % 808));
	pthread_mutex_lock(&u->t->lock);
	cabo_rtable_add(u->t, &r, true, NULL, NULL);
	pthread_mutex_unlock(&u->t->lock);
	return rc == 0 ? 2 : 1;
}

/* ---- One engine */

static void bench(const struct cabo_lpm_ops *ops, const struct table_data *d,
		  const uint32_t *random, const uint32_t *trace, const char *route_file,
		  size_t lookups)
{
	struct lpmbench_row row = { 0 };
	for (int run = 0; run < RUNS; run++) {
		struct cabo_rtable t;
		size_t rss0 = bench_rss_bytes();
		double t0 = bench_now();
		load(&t, ops, d);
		row.build[run] = bench_now() - t0;
		row.rss = bench_rss_bytes() - rss0;
		row.lookup_mem = cabo_rtable_lookup_memory(&t);
		row.total_mem = cabo_rtable_memory(&t);

		row.rnd[run] = lookup_rate(&t, random, lookups);
		row.trc[run] = lookup_rate(&t, trace, lookups);

		struct update_arg ua = { &t, d };
		struct lpmbench_updater u;
		lpmbench_updates_start(&u, update_one, &ua);
		row.during[run] = lookup_rate(&t, trace, lookups);
		row.upd[run] = lpmbench_updates_stop(&u);
		cabo_rtable_destroy(&t);

		/* the configuration path: parse a route FILE, build */
		struct cabo_errh errh;
		cabo_errh_init(&errh, stderr);
		t0 = bench_now();
		cabo_rtable_init(&t, ops);
		cabo_rtable_begin_load(&t);
		if (cabo_iproute_load_file(&t, route_file, 0, &errh) < 0
		    || cabo_rtable_end_load(&t, &errh) < 0)
			exit(1);
		row.fbuild[run] = bench_now() - t0;
		cabo_rtable_destroy(&t);
		cabo_errh_destroy(&errh);
	}
	lpmbench_print_row(ops->name, &row);
}

int main(int argc, char **argv)
{
	char *path = argc > 1 ? cabo_xstrdup(argv[1]) : lpm_data_path();
	struct lpm_prefix *p = NULL;
	size_t n = lpm_read_prefixes(path, &p);
	if (!n) {
		fprintf(stderr, "lpm: cannot read %s\n", path ? path : "(set CABO_DATA)");
		return 1;
	}
	bench_pin(0);
	uint64_t seed = 1;
	uint32_t *value = cabo_xmalloc(n * sizeof *value);
	for (size_t i = 0; i < n; i++)
		value[i] = (uint32_t)(prefix_rand(&seed) % 808);
	struct table_data d = { p, value, n };

	uint32_t *random = cabo_xmalloc(NADDR * sizeof *random);
	uint32_t *trace = cabo_xmalloc(NADDR * sizeof *trace);
	for (size_t i = 0; i < NADDR; i++) {
		random[i] = (uint32_t)prefix_rand(&seed);
		const struct lpm_prefix *q = &p[prefix_rand(&seed) % n];
		uint32_t host = q->len ? ~(~(uint32_t)0 << (32 - q->len)) : ~(uint32_t)0;
		trace[i] = q->addr | ((uint32_t)prefix_rand(&seed) & host);
	}

	char route_file[] = "/tmp/cabo-lpm-routes.XXXXXX";
	int fd = mkstemp(route_file);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		perror("lpm: route file");
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		struct cabo_iproute r = lpm_route(p[i].addr, p[i].len, value[i]);
		struct cabo_strbuf sb = CABO_STRBUF_INIT;
		cabo_iproute_unparse(&r, false, &sb);
		fprintf(f, "%s\n", cabo_strbuf_str(&sb));
		cabo_strbuf_free(&sb);
	}
	fclose(f);

	printf("Route lookup (elements/iproute): %zu IPv4 prefixes, %ld cores (nproc), "
	       "median of %d runs; lookups on one core, updates from a second thread\n",
	       n, sysconf(_SC_NPROCESSORS_ONLN), RUNS);
	lpmbench_print_header();
	bench(&cabo_lpm_direct, &d, random, trace, route_file, LOOKUPS);
	bench(&cabo_lpm_radix, &d, random, trace, route_file, LOOKUPS / 4);

	/* the linear engine scans every route: a 1000-route table */
	size_t ns = 1000;
	struct lpm_prefix *sp = cabo_xmalloc(ns * sizeof *sp);
	for (size_t i = 0; i < ns; i++)
		sp[i] = p[i * (n / ns)];
	struct table_data sd = { sp, value, ns };
	char small_file[] = "/tmp/cabo-lpm-small.XXXXXX";
	fd = mkstemp(small_file);
	f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f)
		return 1;
	for (size_t i = 0; i < ns; i++)
		fprintf(f, "%u.%u.%u.%u/%u %d\n", sp[i].addr >> 24, sp[i].addr >> 16 & 255,
			sp[i].addr >> 8 & 255, sp[i].addr & 255, sp[i].len, lpm_value_port(value[i]));
	fclose(f);
	printf("(1000-route table)\n");
	bench(&cabo_lpm_linear, &sd, random, trace, small_file, 1 << 20);
	bench(&cabo_lpm_direct, &sd, random, trace, small_file, LOOKUPS);

	unlink(route_file);
	unlink(small_file);
	free(sp);
	free(random);
	free(trace);
	free(value);
	free(p);
	free(path);
	return 0;
}
