/* The master runs routers: it owns the worker threads (each with a
 * weighted-fair CPU scheduler over the pipelines placed on it, a timer heap
 * and the descriptors its elements wait on), the clock (real or simulated)
 * and the stop flag that signals set.  Routers attach to and detach from a
 * master; a router's virtual nodes attach with it. */
#ifndef CABO_MASTER_H
#define CABO_MASTER_H

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "cpusched.h"
#include "task.h"

struct cabo_router;

struct cabo_worker {
	struct cabo_master *master;
	unsigned index;
	pthread_t thread;
	struct cabo_sched_class root;     /* the pipelines placed on this worker */
	unsigned nlinked;                 /* runnable tasks */
	struct cabo_timer **heap;         /* min-heap by expiry */
	unsigned nheap, heap_capacity;
	uint64_t idle_sleeps;
	uint64_t placed_weight;           /* sum of the weights of pipelines placed here */
	struct pollfd *fds;               /* descriptors elements wait on */
	struct cabo_task **fd_tasks;      /* the task to wake for each (NULL: the kick fd) */
	unsigned nfds;
	_Atomic(struct cabo_task *) wakes; /* tasks woken by other threads */
	_Atomic bool sleeping;
	int kick_fd;                      /* eventfd other threads write to wake it; -1 if one thread */
};

struct cabo_master {
	unsigned nthreads;
	struct cabo_worker *workers;
	struct cabo_router **routers;     /* attached top-level routers */
	unsigned nrouters;
	bool simtime;
	int64_t sim_now_ns;
	volatile sig_atomic_t signalled;  /* set from signal handlers */
	_Atomic bool stopping;
	/* CPU cycle counter against the monotonic clock, for converting
	 * cycles to time: sampled when a run starts and ends. */
	uint64_t cycles_start, cycles_end;
	int64_t mono_start_ns, mono_end_ns;
};

struct cabo_master *cabo_master_new(unsigned nthreads, bool simtime, int64_t sim_start_ns);
void cabo_master_destroy(struct cabo_master *m);

/* Places r (and its virtual nodes) on workers and starts running its tasks
 * and timers.  Called before cabo_master_run, from the main thread. */
void cabo_master_attach(struct cabo_master *m, struct cabo_router *r);
void cabo_master_detach(struct cabo_master *m, struct cabo_router *r);

/* Runs until every attached router has stopped or a stop signal arrived.
 * Returns 0, or the first non-zero router stop status. */
int cabo_master_run(struct cabo_master *m);
/* Async-signal-safe. */
void cabo_master_signal_stop(struct cabo_master *m);

int64_t cabo_master_now(const struct cabo_master *m);
/* The clock as the running worker last read it: up to a round of task runs
 * old (about 10 us while busy, never across a sleep), for what needs
 * milliseconds (rates, timeouts) and runs once per batch.  Exact outside
 * worker loops and on simulated time. */
int64_t cabo_master_now_coarse(const struct cabo_master *m);
/* Simulated time only: moves the clock forward (FromDump TIMING). */
void cabo_master_warp(struct cabo_master *m, int64_t now_ns);

/* The CPU cycle counter, and cycles converted to nanoseconds with the rate
 * measured over the run (so far). */
uint64_t cabo_cycles(void);
double cabo_master_cycles_to_ns(const struct cabo_master *m, uint64_t cycles);

struct cabo_worker *cabo_master_worker(struct cabo_master *m, unsigned thread);
void cabo_worker_add_timer(struct cabo_worker *w, struct cabo_timer *t);
void cabo_worker_remove_timer(struct cabo_worker *w, struct cabo_timer *t);
/* Sleeps up to timeout_ns (0: just looks), waking the tasks of readable
 * descriptors. */
void cabo_worker_wait(struct cabo_worker *w, int64_t timeout_ns);
void cabo_worker_forget_router_fds(struct cabo_worker *w, const struct cabo_router *r);
/* Moves the descriptors r's elements registered to r's home worker. */
void cabo_worker_move_router_fds(struct cabo_master *m, const struct cabo_router *r);

#endif
