/* Unit tests of core/cpusched.h, the hierarchical stride scheduler, driven
 * with synthetic charges instead of real task runs: shares follow weights
 * whatever each class's cost per run (cycles, not runs, are what is fair),
 * an idle class that wakes up gets no banked credit, nested classes divide
 * their parent's share, a class's own tasks compete as one competitor of
 * weight 1 and take turns, weights change at once, and the bookkeeping
 * (cycles, own_cycles, runs, paths) adds up. */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "cpusched.h"
#include "task.h"

#include "check.h"

enum { MAXC = 8 };

struct sim {
	struct cabo_sched_class root;
	struct cabo_sched_class cls[MAXC];
	struct cabo_task task[MAXC];
	uint64_t cost[MAXC];          /* cycles charged per run of task i */
	uint64_t picks[MAXC];
	unsigned depth_seen[MAXC];
	struct cabo_sched_class *path_last[MAXC];
};

static void sim_init(struct sim *s)
{
	memset(s, 0, sizeof *s);
	cabo_sched_class_init(&s->root, NULL, 1);
}

static unsigned task_index(struct sim *s, struct cabo_task *t)
{
	return (unsigned)(t - s->task);
}

/* Picks and charges n times; returns how many picks found nothing. */
static unsigned run(struct sim *s, unsigned n)
{
	unsigned empty = 0;
	for (unsigned k = 0; k < n; k++) {
		struct cabo_sched_class *path[CABO_SCHED_MAX_DEPTH];
		unsigned depth;
		struct cabo_task *t = cabo_sched_pick(&s->root, path, &depth);
		if (!t) {
			empty++;
			continue;
		}
		unsigned i = task_index(s, t);
		s->picks[i]++;
		s->depth_seen[i] = depth;
		s->path_last[i] = depth ? path[depth - 1] : &s->root;
		cabo_sched_charge(&s->root, path, depth, s->cost[i]);
	}
	return empty;
}

static void reset_counts(struct sim *s)
{
	memset(s->picks, 0, sizeof s->picks);
}

static bool near(double got, double want, double tol)
{
	return fabs(got - want) <= tol;
}

static void destroy_all(struct sim *s, unsigned n)
{
	for (unsigned i = 0; i < MAXC; i++)
		cabo_sched_unlink_task(&s->task[i]);
	for (unsigned i = 0; i < n; i++)
		cabo_sched_class_destroy(&s->cls[i]);
	cabo_sched_class_destroy(&s->root);
}

/* Weights 1:2:3, costs 100, 300 and 50 cycles per run: cycles split 1:2:3,
 * so picks are proportional to weight/cost (1/100 : 2/300 : 3/50). */
static void test_weights_and_costs(void)
{
	struct sim s;
	sim_init(&s);
	static const uint32_t w[] = { 1, 2, 3 };
	static const uint64_t cost[] = { 100, 300, 50 };
	for (unsigned i = 0; i < 3; i++) {
		cabo_sched_class_init(&s.cls[i], &s.root, w[i]);
		s.cost[i] = cost[i];
		cabo_sched_link_task(&s.cls[i], &s.task[i]);
		CHECK(s.task[i].linked && s.task[i].sched == &s.cls[i]);
	}
	CHECK(cabo_sched_runnable(&s.root));
	CHECK(run(&s, 60000) == 0);
	uint64_t total = s.root.cycles;
	CHECK(total == s.picks[0] * 100 + s.picks[1] * 300 + s.picks[2] * 50);
	for (unsigned i = 0; i < 3; i++) {
		double share = (double)s.cls[i].cycles / (double)total;
		CHECK(near(share, w[i] / 6.0, 0.005));
		CHECK(s.cls[i].runs == s.picks[i]);
		CHECK(s.cls[i].own_cycles == s.cls[i].cycles);
		CHECK(s.depth_seen[i] == 1 && s.path_last[i] == &s.cls[i]);
	}
	/* picks: weight/cost = 0.01, 0.00667, 0.06 */
	double a = (double)s.picks[0], b = (double)s.picks[1], c = (double)s.picks[2];
	CHECK(near(b / a, (2.0 / 300) / (1.0 / 100), 0.02));
	CHECK(near(c / a, (3.0 / 50) / (1.0 / 100), 0.05));
	destroy_all(&s, 3);
}

/* A class idle for a long time restarts at its parent's virtual time: it
 * then gets its fair share, not a burst that pays back its idle time. */
static void test_no_banked_credit(void)
{
	struct sim s;
	sim_init(&s);
	for (unsigned i = 0; i < 3; i++) {
		cabo_sched_class_init(&s.cls[i], &s.root, 1);
		s.cost[i] = 100;
	}
	cabo_sched_link_task(&s.cls[0], &s.task[0]);
	cabo_sched_link_task(&s.cls[1], &s.task[1]);
	cabo_sched_link_task(&s.cls[2], &s.task[2]);
	run(&s, 30);
	/* c goes idle: its class leaves the parent's heap. */
	cabo_sched_unlink_task(&s.task[2]);
	CHECK(!cabo_sched_runnable(&s.cls[2]));
	CHECK(s.cls[2].heap_index == -1);
	run(&s, 10000);
	CHECK(s.picks[2] == 10);
	reset_counts(&s);
	/* c is back: in every window of 3 picks it gets about one. */
	cabo_sched_link_task(&s.cls[2], &s.task[2]);
	CHECK(s.cls[2].heap_index >= 0);
	run(&s, 30);
	CHECK(s.picks[2] >= 9 && s.picks[2] <= 11);
	CHECK(s.picks[0] >= 9 && s.picks[0] <= 11);
	run(&s, 270);
	CHECK(s.picks[2] >= 99 && s.picks[2] <= 101);

	/* The same one level down: a nested class idle inside a busy parent. */
	struct sim n;
	sim_init(&n);
	cabo_sched_class_init(&n.cls[0], &n.root, 1);   /* parent P */
	cabo_sched_class_init(&n.cls[1], &n.cls[0], 1); /* P/x */
	cabo_sched_class_init(&n.cls[2], &n.cls[0], 1); /* P/y */
	cabo_sched_class_init(&n.cls[3], &n.root, 1);   /* sibling Q */
	n.cost[1] = n.cost[2] = n.cost[3] = 100;
	cabo_sched_link_task(&n.cls[1], &n.task[1]);
	cabo_sched_link_task(&n.cls[3], &n.task[3]);
	run(&n, 10000);
	CHECK(near((double)n.picks[1], 5000, 2));
	reset_counts(&n);
	cabo_sched_link_task(&n.cls[2], &n.task[2]);
	run(&n, 400);
	/* Q keeps half; x and y split P's half. */
	CHECK(near((double)n.picks[3], 200, 2));
	CHECK(near((double)n.picks[2], 100, 2));
	CHECK(near((double)n.picks[1], 100, 2));
	destroy_all(&n, 4);
	destroy_all(&s, 3);
}

/* Root: T (weight 2) and U (weight 2); T: S1 (weight 1) and S2 (weight 3).
 * S1's runs cost four times S2's.  Shares of all cycles: U 1/2, S1 1/8,
 * S2 3/8; the path of S1's task is T, S1. */
static void test_nested(void)
{
	struct sim s;
	sim_init(&s);
	struct cabo_sched_class *T = &s.cls[0], *U = &s.cls[1], *S1 = &s.cls[2], *S2 = &s.cls[3];
	cabo_sched_class_init(T, &s.root, 2);
	cabo_sched_class_init(U, &s.root, 2);
	cabo_sched_class_init(S1, T, 1);
	cabo_sched_class_init(S2, T, 3);
	s.cost[1] = 150;
	s.cost[2] = 400;
	s.cost[3] = 100;
	cabo_sched_link_task(U, &s.task[1]);
	cabo_sched_link_task(S1, &s.task[2]);
	cabo_sched_link_task(S2, &s.task[3]);
	CHECK(cabo_sched_runnable(T) && !T->ntasks);
	CHECK(run(&s, 80000) == 0);
	double total = (double)s.root.cycles;
	CHECK(near(U->cycles / total, 0.5, 0.005));
	CHECK(near(T->cycles / total, 0.5, 0.005));
	CHECK(near(S1->cycles / total, 0.125, 0.005));
	CHECK(near(S2->cycles / total, 0.375, 0.005));
	CHECK(T->cycles == S1->cycles + S2->cycles);
	CHECK(T->own_cycles == 0 && T->runs == 0);
	CHECK(s.depth_seen[2] == 2 && s.path_last[2] == S1);
	CHECK(s.depth_seen[1] == 1 && s.path_last[1] == U);
	destroy_all(&s, 4);
}

/* A class's own tasks are one competitor of weight 1 against its
 * children, and take turns among themselves. */
static void test_own_tasks(void)
{
	struct sim s;
	sim_init(&s);
	struct cabo_sched_class *P = &s.cls[0], *C = &s.cls[1];
	cabo_sched_class_init(P, &s.root, 1);
	cabo_sched_class_init(C, P, 3);
	for (unsigned i = 0; i < 3; i++)
		s.cost[i] = 100;
	cabo_sched_link_task(P, &s.task[0]);
	cabo_sched_link_task(P, &s.task[1]);
	cabo_sched_link_task(C, &s.task[2]);
	CHECK(P->ntasks == 2);
	/* Own tasks alternate. */
	struct cabo_task *prev = NULL;
	bool alternate = true;
	for (unsigned k = 0; k < 400; k++) {
		struct cabo_sched_class *path[CABO_SCHED_MAX_DEPTH];
		unsigned depth;
		struct cabo_task *t = cabo_sched_pick(&s.root, path, &depth);
		unsigned i = task_index(&s, t);
		s.picks[i]++;
		if (i < 2) {
			alternate &= t != prev;
			prev = t;
			CHECK(depth == 1 && path[0] == P);
		}
		cabo_sched_charge(&s.root, path, depth, s.cost[i]);
	}
	CHECK(alternate);
	CHECK(near((double)(s.picks[0] + s.picks[1]), 100, 2));
	CHECK(near((double)s.picks[2], 300, 2));
	CHECK(P->own_cycles == (s.picks[0] + s.picks[1]) * 100);
	CHECK(P->cycles == 40000);
	/* The root's own tasks work the same way (depth 0). */
	struct cabo_task rt;
	memset(&rt, 0, sizeof rt);
	cabo_sched_link_task(&s.root, &rt);
	unsigned root_picks = 0;
	for (unsigned k = 0; k < 400; k++) {
		struct cabo_sched_class *path[CABO_SCHED_MAX_DEPTH];
		unsigned depth;
		struct cabo_task *t = cabo_sched_pick(&s.root, path, &depth);
		if (t == &rt) {
			root_picks++;
			CHECK(depth == 0);
		}
		cabo_sched_charge(&s.root, path, depth, 100);
	}
	CHECK(near(root_picks, 200, 2));
	cabo_sched_unlink_task(&rt);
	destroy_all(&s, 2);
}

/* Weights can change while classes run: the next window follows. */
static void test_weight_change(void)
{
	struct sim s;
	sim_init(&s);
	for (unsigned i = 0; i < 2; i++) {
		cabo_sched_class_init(&s.cls[i], &s.root, 1);
		s.cost[i] = 100;
		cabo_sched_link_task(&s.cls[i], &s.task[i]);
	}
	run(&s, 1000);
	CHECK(near((double)s.picks[1], 500, 1));
	reset_counts(&s);
	atomic_store(&s.cls[1].weight, 4);
	run(&s, 1000);
	CHECK(near((double)s.picks[1], 800, 3));
	reset_counts(&s);
	atomic_store(&s.cls[0].weight, 3);
	atomic_store(&s.cls[1].weight, 1);
	run(&s, 1000);
	CHECK(near((double)s.picks[1], 250, 3));
	destroy_all(&s, 2);
}

/* Nothing runnable: pick returns NULL; unlinking the last task of a nested
 * class takes its ancestors out of their heaps too. */
static void test_idle_tree(void)
{
	struct sim s;
	sim_init(&s);
	struct cabo_sched_class *A = &s.cls[0], *B = &s.cls[1];
	cabo_sched_class_init(A, &s.root, 1);
	cabo_sched_class_init(B, A, 1);
	struct cabo_sched_class *path[CABO_SCHED_MAX_DEPTH];
	unsigned depth = 99;
	CHECK(cabo_sched_pick(&s.root, path, &depth) == NULL);
	CHECK(!cabo_sched_runnable(&s.root));
	cabo_sched_link_task(B, &s.task[0]);
	cabo_sched_link_task(B, &s.task[0]); /* twice: no effect */
	CHECK(B->ntasks == 1);
	CHECK(A->heap_index == 0 && B->heap_index == 0);
	CHECK(cabo_sched_pick(&s.root, path, &depth) == &s.task[0]);
	CHECK(depth == 2 && path[0] == A && path[1] == B);
	cabo_sched_charge(&s.root, path, depth, 10);
	cabo_sched_unlink_task(&s.task[0]);
	cabo_sched_unlink_task(&s.task[0]); /* twice: no effect */
	CHECK(B->ntasks == 0);
	CHECK(A->heap_index == -1 && B->heap_index == -1);
	CHECK(!cabo_sched_runnable(&s.root));
	CHECK(cabo_sched_pick(&s.root, path, &depth) == NULL);
	CHECK(s.root.cycles == 10 && A->cycles == 10 && B->cycles == 10 && B->runs == 1);
	destroy_all(&s, 2);
}

/* Many classes (1000 tenants on one worker): everyone runs within a
 * round of picks, and shares stay equal. */
static void test_many(void)
{
	enum { N = 1000 };
	static struct cabo_sched_class cls[N];
	static struct cabo_task task[N];
	static unsigned picks[N];
	struct cabo_sched_class root;
	cabo_sched_class_init(&root, NULL, 1);
	memset(task, 0, sizeof task);
	memset(picks, 0, sizeof picks);
	for (unsigned i = 0; i < N; i++) {
		cabo_sched_class_init(&cls[i], &root, 1);
		cabo_sched_link_task(&cls[i], &task[i]);
	}
	for (unsigned k = 0; k < 10 * N; k++) {
		struct cabo_sched_class *path[CABO_SCHED_MAX_DEPTH];
		unsigned depth;
		struct cabo_task *t = cabo_sched_pick(&root, path, &depth);
		picks[t - task]++;
		cabo_sched_charge(&root, path, depth, 100 + (t - task) % 7);
	}
	unsigned lo = ~0u, hi = 0;
	for (unsigned i = 0; i < N; i++) {
		lo = picks[i] < lo ? picks[i] : lo;
		hi = picks[i] > hi ? picks[i] : hi;
	}
	CHECK(lo >= 9 && hi <= 11);
	for (unsigned i = 0; i < N; i++) {
		cabo_sched_unlink_task(&task[i]);
		cabo_sched_class_destroy(&cls[i]);
	}
	CHECK(root.nheap == 0);
	cabo_sched_class_destroy(&root);
}

int main(void)
{
	test_weights_and_costs();
	test_no_banked_credit();
	test_nested();
	test_own_tasks();
	test_weight_change();
	test_idle_tree();
	test_many();
	return check_result();
}
