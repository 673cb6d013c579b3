/* The run loop: tasks round-robin, timers from a heap, a real or simulated
 * clock, and stopping on request or signal. */
#include "master.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "channel.h"
#include "router.h"

enum {
	MAX_IDLE_SLEEP_NS = 100 * 1000 * 1000,   /* re-check signals this often */
	BUSY_ROUNDS_PER_POLL = 64,
	/* A task alone in its pipeline that keeps doing useful work runs on
	 * for up to this many cycles (about 10 us), so switching to another
	 * pipeline, whose memory is cold, is paid once per slice. */
	SLICE_CYCLES = 25000,
	TIMER_CHECK_CYCLES = 25000,              /* timers are looked at this often when busy */
	/* The cycle counter keeps counting while the OS runs something else:
	 * a task run longer than this (about 0.4 ms, forty slices) was most
	 * likely preempted, and is charged this much, so a pipeline is not
	 * billed for another process's time. */
	MAX_CHARGE_CYCLES = 1000000,
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

/* The clock as this thread's worker loop last read it, or 0 outside one. */
static _Thread_local int64_t worker_clock_ns;

int64_t cabo_master_now_coarse(const struct cabo_master *m)
{
	if (m->simtime || !worker_clock_ns)
		return cabo_master_now(m);
	return worker_clock_ns;
}

void cabo_master_warp(struct cabo_master *m, int64_t now_ns)
{
	if (m->simtime && now_ns > m->sim_now_ns)
		m->sim_now_ns = now_ns;
}

/* ---- Cycle counter */

uint64_t cabo_cycles(void)
{
#if defined(__x86_64__) || defined(__i386__)
	return __builtin_ia32_rdtsc();
#else
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_SEC + (uint64_t)ts.tv_nsec;
#endif
}

static int64_t monotonic_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
}

double cabo_master_cycles_to_ns(const struct cabo_master *m, uint64_t cycles)
{
	uint64_t c1 = m->cycles_end ? m->cycles_end : cabo_cycles();
	int64_t t1 = m->mono_end_ns ? m->mono_end_ns : monotonic_ns();
	if (c1 <= m->cycles_start || t1 <= m->mono_start_ns)
		return (double)cycles;
	return (double)cycles * (double)(t1 - m->mono_start_ns) / (double)(c1 - m->cycles_start);
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
		cabo_sched_class_init(&w->root, NULL, 1);
		w->kick_fd = -1;
		if (m->nthreads > 1) {
			w->kick_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
			w->fds = cabo_xcalloc(1, sizeof *w->fds);
			w->fd_tasks = cabo_xcalloc(1, sizeof *w->fd_tasks);
			w->fds[0] = (struct pollfd){ .fd = w->kick_fd, .events = POLLIN };
			w->nfds = 1;
		}
	}
	return m;
}

void cabo_master_destroy(struct cabo_master *m)
{
	if (!m)
		return;
	for (unsigned i = 0; i < m->nthreads; i++) {
		struct cabo_worker *w = &m->workers[i];
		free(w->heap);
		free(w->fds);
		free(w->fd_tasks);
		cabo_sched_class_destroy(&w->root);
		if (w->kick_fd >= 0)
			close(w->kick_fd);
	}
	free(m->workers);
	free(m->routers);
	free(m);
}

struct cabo_worker *cabo_master_worker(struct cabo_master *m, unsigned thread)
{
	return &m->workers[thread < m->nthreads ? thread : 0];
}

static struct cabo_worker *home_worker(const struct cabo_router *r)
{
	return cabo_master_worker(r->master, r->home_thread);
}

/* Virtual nodes of the top-level router go to the worker with the least
 * placed weight, heaviest first (the classic greedy partition), so the
 * shares each worker enforces add up to the configured ones as closely as
 * whole pipelines allow.  Nested nodes run with their parent. */
static void place_children(struct cabo_master *m, struct cabo_router *r)
{
	unsigned n = r->nchildren;
	if (!n)
		return;
	struct cabo_router **order = cabo_xcalloc(n, sizeof *order);
	memcpy(order, r->children, n * sizeof *order);
	for (unsigned i = 1; i < n; i++)
		for (unsigned j = i; j > 0 && order[j]->weight > order[j - 1]->weight; j--) {
			struct cabo_router *t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	for (unsigned i = 0; i < n; i++) {
		struct cabo_router *c = order[i];
		if (r->parent) {
			/* A nested node lives within its parent's share: on its
			 * worker, whatever its own THREAD says. */
			c->home_thread = r->home_thread;
		} else if (c->thread_hint >= 0) {
			c->home_thread = (unsigned)c->thread_hint % m->nthreads;
		} else {
			unsigned best = 0;
			for (unsigned w = 1; w < m->nthreads; w++)
				if (m->workers[w].placed_weight < m->workers[best].placed_weight)
					best = w;
			c->home_thread = best;
		}
		m->workers[c->home_thread].placed_weight += c->weight;
	}
	free(order);
}

/* The scheduling class r competes in: its parent's if they share a worker,
 * else that worker's root. */
static struct cabo_sched_class *parent_class(struct cabo_router *r)
{
	for (struct cabo_router *p = r->parent; p; p = p->parent)
		if (p->home_thread == r->home_thread)
			return &p->sched;
	return &home_worker(r)->root;
}

static void attach_tree(struct cabo_master *m, struct cabo_router *r)
{
	cabo_sched_class_init(&r->sched, parent_class(r), r->weight);
	r->pool->concurrent = m->nthreads > 1;
	r->attached = true;
	for (unsigned i = 0; i < r->ntasks; i++) {
		r->tasks[i]->home_thread = r->home_thread;
		if (r->tasks[i]->scheduled)
			cabo_task_schedule(r->tasks[i]);
	}
	cabo_worker_move_router_fds(m, r);
	for (unsigned i = 0; i < r->npending_timers; i++) {
		struct cabo_timer *t = r->pending_timers[i];
		t->heap_index = -1;
		cabo_worker_add_timer(home_worker(r), t);
	}
	r->npending_timers = 0;
	place_children(m, r);
	for (unsigned i = 0; i < r->nchildren; i++)
		attach_tree(m, r->children[i]);
}

void cabo_master_attach(struct cabo_master *m, struct cabo_router *r)
{
	m->routers = cabo_xrealloc(m->routers, (m->nrouters + 1) * sizeof *m->routers);
	m->routers[m->nrouters++] = r;
	r->home_thread = r->thread_hint >= 0 ? (unsigned)r->thread_hint % m->nthreads : 0;
	attach_tree(m, r);
}

/* Takes r's tasks and timers off its worker. */
static void unlink_router(struct cabo_router *r)
{
	for (unsigned i = 0; i < r->ntasks; i++) {
		if (r->tasks[i]->linked)
			home_worker(r)->nlinked--;
		cabo_sched_unlink_task(r->tasks[i]);
	}
	struct cabo_worker *w = home_worker(r);
	for (unsigned i = w->nheap; i-- > 0;)
		if (w->heap[i]->element->router == r)
			cabo_worker_remove_timer(w, w->heap[i]);
}

static void detach_tree(struct cabo_master *m, struct cabo_router *r)
{
	for (unsigned i = 0; i < r->nchildren; i++)
		detach_tree(m, r->children[i]);
	unlink_router(r);
	cabo_worker_forget_router_fds(home_worker(r), r);
	cabo_sched_class_destroy(&r->sched);
	m->workers[r->home_thread].placed_weight -= r->parent ? r->weight : 0;
	r->attached = false;
}

void cabo_master_detach(struct cabo_master *m, struct cabo_router *r)
{
	detach_tree(m, r);
	for (unsigned i = 0; i < m->nrouters; i++) {
		if (m->routers[i] == r) {
			m->routers[i] = m->routers[--m->nrouters];
			break;
		}
	}
}

void cabo_master_signal_stop(struct cabo_master *m)
{
	m->signalled = 1;
}

static void stop_node(struct cabo_router *r)
{
	r->stop_requested = true;
	if (r->attached && r->home_thread == cabo_thread_index)
		unlink_router(r);
	for (unsigned i = 0; i < r->nchildren; i++)
		stop_node(r->children[i]);
}

void cabo_router_request_stop(struct cabo_router *r)
{
	/* A virtual node stops alone, with the nodes it hosts: their tasks
	 * leave the run lists now.  (Nodes on another worker are left to the
	 * run's end: their run lists belong to that thread.) */
	if (r->parent)
		stop_node(r);
	else
		r->stop_requested = true;
}

/* ---- Tasks */

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
	if (!r->attached || t->linked || r->stop_requested)
		return;
	home_worker(r)->nlinked++;
	cabo_sched_link_task(&r->sched, t);
}

void cabo_task_unschedule(struct cabo_task *t)
{
	t->scheduled = false;
	if (t->linked)
		home_worker(t->element->router)->nlinked--;
	cabo_sched_unlink_task(t);
}

static void kick(struct cabo_worker *w)
{
	uint64_t one = 1;
	if (w->kick_fd >= 0 && write(w->kick_fd, &one, sizeof one) < 0)
		return; /* the counter is full: the worker is being kicked anyway */
}

void cabo_task_wake(struct cabo_task *t)
{
	struct cabo_router *r = t->element->router;
	if (r->master->nthreads == 1 || t->home_thread == cabo_thread_index) {
		cabo_task_schedule(t);
		return;
	}
	if (atomic_exchange_explicit(&t->wake_queued, true, memory_order_acq_rel))
		return;
	struct cabo_worker *w = home_worker(r);
	struct cabo_task *head = atomic_load_explicit(&w->wakes, memory_order_relaxed);
	do
		t->wake_next = head;
	while (!atomic_compare_exchange_weak_explicit(&w->wakes, &head, t, memory_order_release,
						      memory_order_relaxed));
	if (atomic_load_explicit(&w->sleeping, memory_order_seq_cst))
		kick(w);
}

/* Schedules the tasks other threads woke. */
static void take_wakes(struct cabo_worker *w)
{
	if (!atomic_load_explicit(&w->wakes, memory_order_relaxed))
		return;
	struct cabo_task *t = atomic_exchange_explicit(&w->wakes, NULL, memory_order_acquire);
	while (t) {
		struct cabo_task *next = t->wake_next;
		atomic_store_explicit(&t->wake_queued, false, memory_order_release);
		cabo_task_schedule(t);
		t = next;
	}
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
		cabo_worker_add_timer(home_worker(r), t);
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
		cabo_worker_remove_timer(home_worker(r), t);
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
	worker_clock_ns = now;
	bool fired = false;
	while (w->nheap && w->heap[0]->expiry_ns <= now) {
		struct cabo_timer *t = w->heap[0];
		cabo_worker_remove_timer(w, t);
		t->fire(t);
		fired = true;
	}
	return fired;
}

/* Runs as many tasks as are runnable at the start of the round, each
 * picked by the CPU scheduler and charged what it used.  *now receives the
 * cycle counter at the end.  Returns whether any did useful work. */
static bool run_tasks(struct cabo_worker *w, uint64_t *now)
{
	struct cabo_sched_class *path[CABO_SCHED_MAX_DEPTH];
	unsigned depth;
	bool worked = false;
	/* One cycle-counter read per task run: each is charged from the end of
	 * the previous one, its share of the scheduler's own work included. */
	uint64_t start = cabo_cycles();
	for (unsigned budget = w->nlinked; budget; budget--) {
		struct cabo_task *t = cabo_sched_pick(&w->root, path, &depth);
		if (!t)
			break;
		cabo_channel_pressure = false;
		uint64_t end;
		unsigned calls = 0, useful_calls = 0;
		bool useful;
		/* Tasks sharing a pipeline take turns batch by batch (a source
		 * and the Unqueue behind its queue); a task alone runs a slice,
		 * ended early when a channel it fills needs its consumer. */
		do {
			useful = t->fire(t);
			end = cabo_cycles();
			calls++;
			useful_calls += useful;
		} while (useful && t->linked && t->sched->ntasks == 1 && !cabo_channel_pressure &&
			 end - start < SLICE_CYCLES && !t->element->router->stop_requested);
		uint64_t used = end - start;
		start = end;
		if (used > MAX_CHARGE_CYCLES)
			used = MAX_CHARGE_CYCLES;
		cabo_sched_charge(&w->root, path, depth, used);
		t->cycles += used;
		t->calls += calls;
		if (useful_calls) {
			t->useful_calls += useful_calls;
			worked = true;
		}
	}
	*now = start;
	return worked;
}

static bool all_stopped(const struct cabo_master *m)
{
	if (m->signalled || atomic_load_explicit(&m->stopping, memory_order_relaxed))
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
	bool have_tasks = w->nlinked > 0;
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
	atomic_store_explicit(&w->sleeping, true, memory_order_seq_cst);
	/* A wake queued before `sleeping` was visible found no one to kick. */
	if (wait && atomic_load_explicit(&w->wakes, memory_order_seq_cst))
		wait = 0;
	cabo_worker_wait(w, wait);
	atomic_store_explicit(&w->sleeping, false, memory_order_relaxed);
	worker_clock_ns = wall_clock_ns();
}

static void worker_loop(struct cabo_worker *w)
{
	struct cabo_master *m = w->master;
	unsigned rounds = 0;
	uint64_t now = 0, timers_checked = 0;
	cabo_thread_index = w->index;
	worker_clock_ns = cabo_master_now(m);
	while (!atomic_load_explicit(&m->stopping, memory_order_acquire)) {
		take_wakes(w);
		bool worked = run_tasks(w, &now);
		/* Busy tasks must not starve descriptors: look at them every
		 * so often even when there is always work. */
		if (worked && w->nfds && ++rounds % BUSY_ROUNDS_PER_POLL == 0)
			cabo_worker_wait(w, 0);
		/* Reading the clock costs as much as a small task run: while
		 * busy, timers are looked at every TIMER_CHECK_CYCLES.  A timer
		 * may have scheduled work: give it a round before idling. */
		if (!worked || m->simtime || now - timers_checked >= TIMER_CHECK_CYCLES) {
			timers_checked = now;
			if (run_timers(w))
				continue;
		}
		if (w->index == 0 && all_stopped(m)) {
			atomic_store_explicit(&m->stopping, true, memory_order_release);
			for (unsigned i = 1; i < m->nthreads; i++)
				kick(&m->workers[i]);
			break;
		}
		if (!worked)
			idle(w);
	}
	worker_clock_ns = 0;
}

static void *worker_thread(void *arg)
{
	worker_loop(arg);
	return NULL;
}

int cabo_master_run(struct cabo_master *m)
{
	m->cycles_start = cabo_cycles();
	m->mono_start_ns = monotonic_ns();
	m->cycles_end = 0;
	m->mono_end_ns = 0;
	atomic_store(&m->stopping, false);
	unsigned started = 1;
	for (; started < m->nthreads; started++)
		if (pthread_create(&m->workers[started].thread, NULL, worker_thread,
				   &m->workers[started]) != 0)
			break;
	worker_loop(&m->workers[0]);
	for (unsigned i = 1; i < started; i++)
		pthread_join(m->workers[i].thread, NULL);
	m->cycles_end = cabo_cycles();
	m->mono_end_ns = monotonic_ns();
	for (unsigned i = 0; i < m->nrouters; i++)
		if (m->routers[i]->stop_status)
			return m->routers[i]->stop_status;
	return 0;
}
