/* What the IPv4 and IPv6 route-table benchmarks (lpm.c, lpm6.c) share: the
 * updates from a second thread while the first looks up, and the table of
 * results they print, one row per engine and table. */
#ifndef CABO_LPMBENCH_H
#define CABO_LPMBENCH_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

#include "benchutil.h"

enum { LPMBENCH_RUNS = 5 };

/* ---- Updates from a second thread */

struct lpmbench_updater {
	/* Withdraws a random route and announces it again with another next
	 * hop, each under the table's writer lock; returns how many updates
	 * took effect. */
	unsigned (*update)(void *arg, uint64_t *seed);
	void *arg;
	atomic_bool stop;
	unsigned long updates;
	double seconds;
	pthread_t thread;
};

static void *lpmbench_update_loop(void *arg)
{
	struct lpmbench_updater *u = arg;
	bench_pin(1);
	uint64_t seed = 42;
	double start = bench_now();
	while (!atomic_load_explicit(&u->stop, memory_order_relaxed))
		u->updates += u->update(u->arg, &seed);
	u->seconds = bench_now() - start;
	return NULL;
}

static inline void lpmbench_updates_start(struct lpmbench_updater *u,
					  unsigned (*update)(void *arg, uint64_t *seed), void *arg)
{
	u->update = update;
	u->arg = arg;
	atomic_init(&u->stop, false);
	u->updates = 0;
	u->seconds = 0;
	pthread_create(&u->thread, NULL, lpmbench_update_loop, u);
}

/* Stops the updates; returns their rate a second. */
static inline double lpmbench_updates_stop(struct lpmbench_updater *u)
{
	atomic_store(&u->stop, true);
	pthread_join(u->thread, NULL);
	return (double)u->updates / u->seconds;
}

/* ---- The results */

struct lpmbench_row {
	double build[LPMBENCH_RUNS], fbuild[LPMBENCH_RUNS];      /* seconds */
	double rnd[LPMBENCH_RUNS], trc[LPMBENCH_RUNS];            /* lookups a second */
	double upd[LPMBENCH_RUNS], during[LPMBENCH_RUNS];         /* updates, lookups a second */
	size_t lookup_mem, total_mem, rss;                        /* bytes */
};

static inline void lpmbench_print_header(void)
{
	printf("%-9s %8s %8s %9s %9s %8s %9s %9s %11s %11s\n", "engine", "build_s", "file_s",
	       "lookup_MB", "total_MB", "rss_MB", "rand_Mlps", "trace_Mlps", "updates/s",
	       "Mlps_w/upd");
}

/* Medians of the runs. */
static inline void lpmbench_print_row(const char *name, struct lpmbench_row *r)
{
	enum { N = LPMBENCH_RUNS };
	printf("%-9s %8.3f %8.3f %9.1f %9.1f %8.1f %9.1f %9.1f %11.0f %11.1f\n", name,
	       bench_median(r->build, N), bench_median(r->fbuild, N),
	       (double)r->lookup_mem / 1048576, (double)r->total_mem / 1048576,
	       (double)r->rss / 1048576, bench_median(r->rnd, N) / 1e6,
	       bench_median(r->trc, N) / 1e6, bench_median(r->upd, N),
	       bench_median(r->during, N) / 1e6);
	fflush(stdout);
}

#endif
