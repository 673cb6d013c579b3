/* CPU scheduler benchmark (make bench): the cost of one task switch in the
 * weighted-fair scheduler (core/cpusched.c) with 1, 10, 100 and 1000
 * virtual-node classes under one host class, as a worker uses it:
 *
 *   busy       every class keeps one runnable task: cabo_sched_pick, then
 *              cabo_sched_charge with the cycles "used" (800-1200, varied
 *              so the heap really reorders);
 *   wake/sleep each class's task is linked when it is picked for and
 *              unlinked after its run, the pattern of a node that is woken
 *              by a packet from the host and finds its channel empty after
 *              one run: cabo_sched_link_task + pick + charge +
 *              cabo_sched_unlink_task.
 *
 * Classes are allocated separately, a cache line apart at least, as the
 * routers holding them are.  Tasks never fire: only the scheduler is timed,
 * in ns per task run (the median of 5 runs).  The share column checks the
 * scheduler while timing it: the busy case's largest deviation of a class's
 * charged cycles from its configured share (weights 1, 2, 3 repeating), in
 * percent of that share.
 *
 * Usage: vsched [CLASSES...]   (default 1 10 100 1000) */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "benchutil.h"
#include "cpusched.h"

enum { RUNS = 5, ROUNDS = 2000000 };

struct node {
	struct cabo_sched_class sched;
	struct cabo_task task;
	char pad[256];           /* the rest of a router: keeps classes apart */
};

struct setup {
	struct cabo_sched_class root, host;
	struct node **nodes;
	unsigned n;
};

static void setup_init(struct setup *s, unsigned n)
{
	cabo_sched_class_init(&s->root, NULL, 1);
	cabo_sched_class_init(&s->host, &s->root, 1);
	s->n = n;
	s->nodes = calloc(n, sizeof *s->nodes);
	for (unsigned i = 0; i < n; i++) {
		s->nodes[i] = calloc(1, sizeof *s->nodes[i]);
		cabo_sched_class_init(&s->nodes[i]->sched, &s->host, 1 + i % 3);
	}
}

static void setup_destroy(struct setup *s)
{
	for (unsigned i = 0; i < s->n; i++) {
		if (s->nodes[i]->task.linked)
			cabo_sched_unlink_task(&s->nodes[i]->task);
		cabo_sched_class_destroy(&s->nodes[i]->sched);
		free(s->nodes[i]);
	}
	free(s->nodes);
	cabo_sched_class_destroy(&s->host);
	cabo_sched_class_destroy(&s->root);
}

static uint64_t next_cost(uint64_t *seed)
{
	*seed = *seed * 6364136223846793005ULL + 1442695040888963407ULL;
	return 800 + (*seed >> 33) % 401;
}

/* ns per pick + charge with every class runnable; *share_err receives the
 * largest relative deviation from the configured shares (percent). */
static double busy(unsigned n, double *share_err)
{
	struct setup s;
	setup_init(&s, n);
	for (unsigned i = 0; i < n; i++)
		cabo_sched_link_task(&s.nodes[i]->sched, &s.nodes[i]->task);
	struct cabo_sched_class *path[CABO_SCHED_MAX_DEPTH];
	unsigned depth;
	uint64_t seed = 1;
	/* Warm up, then count from a clean slate. */
	for (unsigned r = 0; r < ROUNDS / 10; r++) {
		if (!cabo_sched_pick(&s.root, path, &depth))
			abort();
		cabo_sched_charge(&s.root, path, depth, next_cost(&seed));
	}
	for (unsigned i = 0; i < n; i++)
		s.nodes[i]->sched.cycles = 0;
	double start = bench_now();
	for (unsigned r = 0; r < ROUNDS; r++) {
		if (!cabo_sched_pick(&s.root, path, &depth))
			abort();
		cabo_sched_charge(&s.root, path, depth, next_cost(&seed));
	}
	double ns = (bench_now() - start) * 1e9 / ROUNDS;
	double total = 0, wsum = 0, worst = 0;
	for (unsigned i = 0; i < n; i++) {
		total += (double)s.nodes[i]->sched.cycles;
		wsum += 1 + i % 3;
	}
	for (unsigned i = 0; i < n; i++) {
		double want = (1 + i % 3) / wsum;
		double got = (double)s.nodes[i]->sched.cycles / total;
		double err = fabs(got - want) / want * 100;
		if (err > worst)
			worst = err;
	}
	*share_err = worst;
	setup_destroy(&s);
	return ns;
}

/* ns per link + pick + charge + unlink: one class woken at a time, in turn. */
static double wake_sleep(unsigned n)
{
	struct setup s;
	setup_init(&s, n);
	struct cabo_sched_class *path[CABO_SCHED_MAX_DEPTH];
	unsigned depth;
	uint64_t seed = 1;
	double start = 0;
	for (unsigned r = 0; r < ROUNDS + ROUNDS / 10; r++) {
		if (r == ROUNDS / 10)
			start = bench_now();
		struct node *v = s.nodes[r % n];
		cabo_sched_link_task(&v->sched, &v->task);
		struct cabo_task *t = cabo_sched_pick(&s.root, path, &depth);
		if (t != &v->task)
			abort();
		cabo_sched_charge(&s.root, path, depth, next_cost(&seed));
		cabo_sched_unlink_task(t);
	}
	double ns = (bench_now() - start) * 1e9 / ROUNDS;
	setup_destroy(&s);
	return ns;
}

int main(int argc, char **argv)
{
	static const unsigned def[] = { 1, 10, 100, 1000 };
	unsigned counts[64], ncounts = 0;
	for (int i = 1; i < argc && ncounts < 64; i++)
		counts[ncounts++] = (unsigned)atoi(argv[i]);
	if (!ncounts)
		for (; ncounts < sizeof def / sizeof *def; ncounts++)
			counts[ncounts] = def[ncounts];
	printf("CPU scheduler (core/cpusched.c) alone, %ld cores (nproc), median of %d runs "
	       "of %d task runs: ns per task run\n", sysconf(_SC_NPROCESSORS_ONLN), RUNS, ROUNDS);
	printf("%-8s %14s %18s %20s\n", "classes", "busy_ns/run", "wake+sleep_ns/run",
	       "busy_share_err_%");
	for (unsigned c = 0; c < ncounts; c++) {
		double b[RUNS], w[RUNS], e[RUNS];
		for (int r = 0; r < RUNS; r++) {
			b[r] = busy(counts[c], &e[r]);
			w[r] = wake_sleep(counts[c]);
		}
		printf("%-8u %14.1f %18.1f %20.3f\n", counts[c], bench_median(b, RUNS), bench_median(w, RUNS), bench_median(e, RUNS));
	}
	return 0;
}
