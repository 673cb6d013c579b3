/* The master runs routers: it owns the workers (run lists of tasks, timer
 * heaps), the clock (real or simulated) and the stop flag that signals set.
 * Routers attach to and detach from a running master. */
#ifndef CABO_MASTER_H
#define CABO_MASTER_H

#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "task.h"

struct cabo_router;

struct cabo_worker {
	struct cabo_master *master;
	unsigned index;
	struct cabo_task run_list;        /* sentinel of a circular list */
	struct cabo_timer **heap;         /* min-heap by expiry */
	unsigned nheap, heap_capacity;
	uint64_t idle_sleeps;
	struct pollfd *fds;               /* descriptors elements wait on */
	struct cabo_task **fd_tasks;      /* the task to wake for each */
	unsigned nfds;
};

struct cabo_master {
	unsigned nthreads;
	struct cabo_worker *workers;
	struct cabo_router **routers;
	unsigned nrouters;
	bool simtime;
	int64_t sim_now_ns;
	volatile sig_atomic_t signalled;  /* set from signal handlers */
};

struct cabo_master *cabo_master_new(unsigned nthreads, bool simtime, int64_t sim_start_ns);
void cabo_master_destroy(struct cabo_master *m);

/* Starts running r's tasks and timers. */
void cabo_master_attach(struct cabo_master *m, struct cabo_router *r);
void cabo_master_detach(struct cabo_master *m, struct cabo_router *r);

/* Runs until every attached router has stopped or a stop signal arrived.
 * Returns 0, or the first non-zero router stop status. */
int cabo_master_run(struct cabo_master *m);
/* Async-signal-safe. */
void cabo_master_signal_stop(struct cabo_master *m);

int64_t cabo_master_now(const struct cabo_master *m);
/* Simulated time only: moves the clock forward (FromDump TIMING). */
void cabo_master_warp(struct cabo_master *m, int64_t now_ns);

struct cabo_worker *cabo_master_worker(struct cabo_master *m, unsigned thread);
void cabo_worker_link_task(struct cabo_worker *w, struct cabo_task *t);
void cabo_worker_unlink_task(struct cabo_task *t);
void cabo_worker_add_timer(struct cabo_worker *w, struct cabo_timer *t);
void cabo_worker_remove_timer(struct cabo_worker *w, struct cabo_timer *t);
/* Sleeps up to timeout_ns (0: just looks), waking the tasks of readable
 * descriptors. */
void cabo_worker_wait(struct cabo_worker *w, int64_t timeout_ns);
void cabo_worker_forget_router_fds(struct cabo_worker *w, const struct cabo_router *r);

#endif
