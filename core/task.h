/* Tasks, timers, notifiers and the clock.
 *
 * A task is a unit of repeated work (a source emitting a batch, Unqueue
 * pulling one).  A scheduled task stays scheduled, and is run over and over
 * by its worker, until it unschedules itself; fire() returns whether it did
 * useful work.  A timer fires once at its expiry time.  Tasks and timers
 * belong to an element and are owned by its router's worker, so elements
 * never touch another thread's queues directly.
 *
 * A notifier says whether an upstream pull path can produce packets (Queue is
 * non-empty), so the task pulling from it can sleep until woken. */
#ifndef CABO_TASK_H
#define CABO_TASK_H

#include <stdbool.h>
#include <stdint.h>

#include <stdatomic.h>

struct cabo_element;
struct cabo_sched_class;

struct cabo_task {
	bool (*fire)(struct cabo_task *t);
	struct cabo_element *element;
	void *arg;
	struct cabo_task *prev, *next;   /* in its scheduling class's run list when linked */
	struct cabo_sched_class *sched;  /* the class it is linked in */
	bool scheduled;                  /* wants to run */
	bool linked;                     /* is in a run list */
	unsigned home_thread;            /* its router's worker */
	_Atomic bool wake_queued;        /* in its worker's cross-thread wake list */
	struct cabo_task *wake_next;
	uint64_t calls;                  /* accounting */
	uint64_t useful_calls;
	uint64_t cycles;                 /* CPU cycles spent in fire() */
};

void cabo_task_init(struct cabo_task *t, struct cabo_element *e,
		    bool (*fire)(struct cabo_task *), void *arg);
/* Both only from the task's own worker thread. */
void cabo_task_schedule(struct cabo_task *t);
void cabo_task_unschedule(struct cabo_task *t);
/* Schedules t from any thread (a producer on another worker waking a
 * consumer); the task's worker links it at its next round. */
void cabo_task_wake(struct cabo_task *t);

struct cabo_timer {
	int64_t expiry_ns;
	void (*fire)(struct cabo_timer *t);
	struct cabo_element *element;
	void *arg;
	int heap_index;                  /* -1 when not scheduled */
};

void cabo_timer_init(struct cabo_timer *t, struct cabo_element *e,
		     void (*fire)(struct cabo_timer *), void *arg);
void cabo_timer_schedule_at(struct cabo_timer *t, int64_t when_ns);
void cabo_timer_schedule_after(struct cabo_timer *t, int64_t delay_ns);
void cabo_timer_unschedule(struct cabo_timer *t);
static inline bool cabo_timer_scheduled(const struct cabo_timer *t)
{
	return t->heap_index >= 0;
}

enum { CABO_NOTIFIER_MAX_LISTENERS = 8 };

struct cabo_notifier {
	bool active;
	unsigned nlisteners;
	struct cabo_task *listeners[CABO_NOTIFIER_MAX_LISTENERS];
};

void cabo_notifier_init(struct cabo_notifier *n, bool active);
/* Wakes the listeners when the notifier becomes active. */
static inline void cabo_notifier_set_active(struct cabo_notifier *n, bool active)
{
	if (active && !n->active) {
		for (unsigned i = 0; i < n->nlisteners; i++)
			cabo_task_schedule(n->listeners[i]);
	}
	n->active = active;
}
int cabo_notifier_listen(struct cabo_notifier *n, struct cabo_task *t);

/* Wakes task t whenever fd is readable; the task reads until the descriptor
 * would block, then unschedules itself.  Returns -1 if fd is registered. */
int cabo_select_add(struct cabo_element *e, int fd, struct cabo_task *t);
void cabo_select_remove(struct cabo_element *e, int fd);

/* Finds the empty notifiers upstream of e's pull input `port`, following
 * pull paths through elements without notifiers of their own.  Returns the
 * number found (at most max), or 0 when some path has no notifier (the
 * caller must then poll). */
unsigned cabo_notifier_upstream(struct cabo_element *e, unsigned port,
				struct cabo_notifier **out, unsigned max);

/* True if any of the notifiers is active. */
bool cabo_notifiers_any_active(struct cabo_notifier *const *n, unsigned count);

#endif
