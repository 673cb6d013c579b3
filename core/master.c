/* The run loop: tasks round-robin, timers from a heap, a real or simulated
 * clock, and stopping on request or signal. */
#include "master.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "router.h"

enum {
	MAX_IDLE_SLEEP_NS = 100 * 1000 * 1000,   /* re-check signals this often */
	BUSY_ROUNDS_PER_POLL = 64,
	NS_PER_SEC = 1000000000,
};

/* ---- Clock */

static int64_t wall_clock_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
}

int64_t cabo_master_now(const struct cabo_master *m)
{
	return m->simtime ? m->sim_now_ns : wall_clock_ns();
}

void cabo_master_warp(struct cabo_master *m, int64_t now_ns)
{
	if (m->simtime && now_ns > m->sim_now_ns)
		m->sim_now_ns = now_ns;
}

/* ---- Master */

struct cabo_master *cabo_master_new(unsigned nthreads, bool simtime, int64_t sim_start_ns)
{
	struct cabo_master *m = cabo_xcalloc(1, sizeof *m);
	m->nthreads = nthreads ? nthreads : 1;
	m->simtime = simtime;
	m->sim_now_ns = sim_start_ns;
	m->workers = cabo_xcalloc(m->nthreads, sizeof *m->workers);
	for (unsigned i = 0; i < m->nthreads; i++) {
		struct cabo_worker *w = &m->workers[i];
		w->master = m;
		w->index = i;
		w->run_list.next = w->run_list.prev = &w->run_list;
	}
	return m;
}

void cabo_master_destroy(struct cabo_master *m)
{
	if (!m)
		return;
	for (unsigned i = 0; i < m->nthreads; i++) {
		free(m->workers[i].heap);
		free(m->workers[i].fds);
		free(m->workers[i].fd_tasks);
	}
	free(m->workers);
	free(m->routers);
	free(m);
}

struct cabo_worker *cabo_master_worker(struct cabo_master *m, unsigned thread)
{
	return &m->workers[thread < m->nthreads ? thread : 0];
}

void cabo_master_attach(struct cabo_master *m, struct cabo_router *r)
{
	m->routers = cabo_xrealloc(m->routers, (m->nrouters + 1) * sizeof *m->routers);
	m->routers[m->nrouters++] = r;
	r->attached = true;
	for (unsigned i = 0; i < r->ntasks; i++)
		if (r->tasks[i]->scheduled)
			cabo_worker_link_task(cabo_master_worker(m, r->tasks[i]->home_thread), r->tasks[i]);
	for (unsigned i = 0; i < r->npending_timers; i++) {
		struct cabo_timer *t = r->pending_timers[i];
		t->heap_index = -1;
		cabo_worker_add_timer(cabo_master_worker(m, 0), t);
	}
	r->npending_timers = 0;
}

void cabo_master_detach(struct cabo_master *m, struct cabo_router *r)
{
	for (unsigned i = 0; i < r->ntasks; i++)
		cabo_worker_unlink_task(r->tasks[i]);
	for (unsigned w = 0; w < m->nthreads; w++) {
		struct cabo_worker *worker = &m->workers[w];
		cabo_worker_forget_router_fds(worker, r);
		for (unsigned i = worker->nheap; i-- > 0;)
			if (worker->heap[i]->element->router == r)
				cabo_worker_remove_timer(worker, worker->heap[i]);
	}
	for (unsigned i = 0; i < m->nrouters; i++) {
		if (m->routers[i] == r) {
			m->routers[i] = m->routers[--m->nrouters];
			break;
		}
	}
	r->attached = false;
}

void cabo_master_signal_stop(struct cabo_master *m)
{
	m->signalled = 1;
}

/* ---- Tasks */

void cabo_worker_link_task(struct cabo_worker *w, struct cabo_task *t)
{
	if (t->linked)
		return;
	struct cabo_task *head = &w->run_list;
	t->prev = head->prev;
	t->next = head;
	head->prev->next = t;
	head->prev = t;
	t->linked = true;
}

void cabo_worker_unlink_task(struct cabo_task *t)
{
	if (!t->linked)
		return;
	t->prev->next = t->next;
	t->next->prev = t->prev;
	t->linked = false;
}

void cabo_task_init(struct cabo_task *t, struct cabo_element *e,
		    bool (*fire)(struct cabo_task *), void *arg)
{
	memset(t, 0, sizeof *t);
	t->fire = fire;
	t->element = e;
	t->arg = arg;
	cabo_router_add_task(e->router, t);
}

void cabo_task_schedule(struct cabo_task *t)
{
	t->scheduled = true;
	struct cabo_router *r = t->element->router;
	if (r->attached)
		cabo_worker_link_task(cabo_master_worker(r->master, t->home_thread), t);
}

void cabo_task_unschedule(struct cabo_task *t)
{
	t->scheduled = false;
	cabo_worker_unlink_task(t);
}

/* ---- Timers: a binary min-heap per worker */

static void heap_set(struct cabo_worker *w, unsigned i, struct cabo_timer *t)
{
	w->heap[i] = t;
	t->heap_index = (int)i;
}

static void sift_up(struct cabo_worker *w, unsigned i)
{
	struct cabo_timer *t = w->heap[i];
	while (i > 0) {
		unsigned parent = (i - 1) / 2;
		if (w->heap[parent]->expiry_ns <= t->expiry_ns)
			break;
		heap_set(w, i, w->heap[parent]);
		i = parent;
	}
	heap_set(w, i, t);
}

static void sift_down(struct cabo_worker *w, unsigned i)
{
	struct cabo_timer *t = w->heap[i];
	for (;;) {
		unsigned child = 2 * i + 1;
		if (child >= w->nheap)
			break;
		if (child + 1 < w->nheap && w->heap[child + 1]->expiry_ns < w->heap[child]->expiry_ns)
			child++;
		if (w->heap[child]->expiry_ns >= t->expiry_ns)
			break;
		heap_set(w, i, w->heap[child]);
		i = child;
	}
	heap_set(w, i, t);
}

void cabo_worker_add_timer(struct cabo_worker *w, struct cabo_timer *t)
{
	if (t->heap_index >= 0) {
		sift_up(w, (unsigned)t->heap_index);
		sift_down(w, (unsigned)t->heap_index);
		return;
	}
	if (w->nheap == w->heap_capacity) {
		w->heap_capacity = w->heap_capacity ? 2 * w->heap_capacity : 16;
		w->heap = cabo_xrealloc(w->heap, w->heap_capacity * sizeof *w->heap);
	}
	heap_set(w, w->nheap++, t);
	sift_up(w, w->nheap - 1);
}

void cabo_worker_remove_timer(struct cabo_worker *w, struct cabo_timer *t)
{
	unsigned i = (unsigned)t->heap_index;
	t->heap_index = -1;
	struct cabo_timer *last = w->heap[--w->nheap];
	if (i == w->nheap)
		return;
	heap_set(w, i, last);
	sift_up(w, i);
	sift_down(w, (unsigned)last->heap_index);
}

void cabo_timer_init(struct cabo_timer *t, struct cabo_element *e,
		     void (*fire)(struct cabo_timer *), void *arg)
{
	memset(t, 0, sizeof *t);
	t->fire = fire;
	t->element = e;
	t->arg = arg;
	t->heap_index = -1;
}

static void remove_pending(struct cabo_router *r, struct cabo_timer *t)
{
	for (unsigned i = 0; i < r->npending_timers; i++) {
		if (r->pending_timers[i] == t) {
			r->pending_timers[i] = r->pending_timers[--r->npending_timers];
			return;
		}
	}
}

void cabo_timer_schedule_at(struct cabo_timer *t, int64_t when_ns)
{
	struct cabo_router *r = t->element->router;
	t->expiry_ns = when_ns;
	if (r->attached) {
		cabo_worker_add_timer(cabo_master_worker(r->master, 0), t);
		return;
	}
	/* Not running yet: remembered until the router is attached. */
	if (t->heap_index >= 0)
		return;
	r->pending_timers = cabo_xrealloc(r->pending_timers,
					  (r->npending_timers + 1) * sizeof *r->pending_timers);
	r->pending_timers[r->npending_timers++] = t;
	t->heap_index = 0;
}

void cabo_timer_schedule_after(struct cabo_timer *t, int64_t delay_ns)
{
	t->expiry_ns = cabo_element_now(t->element) + delay_ns;
	cabo_timer_schedule_at(t, t->expiry_ns);
}

void cabo_timer_unschedule(struct cabo_timer *t)
{
	if (t->heap_index < 0)
		return;
	struct cabo_router *r = t->element->router;
	if (r->attached)
		cabo_worker_remove_timer(cabo_master_worker(r->master, 0), t);
	else {
		remove_pending(r, t);
		t->heap_index = -1;
	}
}

/* ---- Run loop */

/* Returns whether any timer fired. */
static bool run_timers(struct cabo_worker *w)
{
	int64_t now = cabo_master_now(w->master);
	bool fired = false;
	while (w->nheap && w->heap[0]->expiry_ns <= now) {
		struct cabo_timer *t = w->heap[0];
		cabo_worker_remove_timer(w, t);
		t->fire(t);
		fired = true;
	}
	return fired;
}

/* Runs each task linked at the start of the round once.  Returns whether any
 * did useful work. */
static bool run_tasks(struct cabo_worker *w)
{
	struct cabo_task *head = &w->run_list;
	bool worked = false;
	unsigned budget = 0;
	for (struct cabo_task *t = head->next; t != head; t = t->next)
		budget++;
	struct cabo_task *t = head->next;
	while (budget-- && t != head) {
		struct cabo_task *next = t->next;
		t->calls++;
		if (t->fire(t)) {
			t->useful_calls++;
			worked = true;
		}
		/* If the task unlinked itself, `next` was read before. */
		t = next->linked || next == head ? next : head->next;
	}
	return worked;
}


static bool all_stopped(const struct cabo_master *m)
{
	if (m->signalled)
		return true;
	for (unsigned i = 0; i < m->nrouters; i++)
		if (!m->routers[i]->stop_requested)
			return false;
	return m->nrouters > 0;
}

/* Nothing did useful work this round.  On simulated time nothing can change
 * before the next timer, so the clock jumps there; on real time the worker
 * sleeps until then unless tasks are polling. */
static void idle(struct cabo_worker *w)
{
	struct cabo_master *m = w->master;
	bool have_tasks = w->run_list.next != &w->run_list;
	if (m->simtime) {
		if (w->nheap) {
			if (w->heap[0]->expiry_ns > m->sim_now_ns)
				m->sim_now_ns = w->heap[0]->expiry_ns;
		} else if (!have_tasks) {
			m->signalled = 1; /* nothing can ever happen again */
		}
		return;
	}
	if (all_stopped(m))
		return;
	int64_t wait = MAX_IDLE_SLEEP_NS;
	if (have_tasks)
		wait = 0; /* polling tasks: only look at descriptors */
	else if (w->nheap && w->heap[0]->expiry_ns - wall_clock_ns() < wait)
		wait = w->heap[0]->expiry_ns - wall_clock_ns();
	cabo_worker_wait(w, wait);
}

int cabo_master_run(struct cabo_master *m)
{
	struct cabo_worker *w = &m->workers[0];
	unsigned rounds = 0;
	while (!all_stopped(m)) {
		bool worked = run_tasks(w);
		/* Busy tasks must not starve descriptors: look at them every
		 * so often even when there is always work. */
		if (worked && w->nfds && ++rounds % BUSY_ROUNDS_PER_POLL == 0)
			cabo_worker_wait(w, 0);
		/* A timer may have scheduled work: give it a round before idling. */
		if (run_timers(w))
			continue;
		if (!worked)
			idle(w);
	}
	for (unsigned i = 0; i < m->nrouters; i++)
		if (m->routers[i]->stop_status)
			return m->routers[i]->stop_status;
	return 0;
}
