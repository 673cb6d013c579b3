/* The weighted-fair CPU scheduler: hierarchical stride scheduling charged
 * by measured CPU cycles.
 *
 * Every pipeline (the substrate, each virtual node) is a scheduling class
 * with a weight.  A class's runnable tasks and its runnable child classes
 * (nested virtual nodes) compete inside it; its own tasks count as one
 * competitor of weight 1.  The worker always runs the competitor with the
 * least virtual time ("pass"), then charges the cycles the task really used
 * to every class on the way down, each divided by that class's weight, so a
 * pipeline whose elements cost ten times more per packet runs a tenth as
 * often.  A class that wakes up after idling starts at its parent's current
 * virtual time: idle time earns no credit.  Per worker thread, one tree. */
#ifndef CABO_CPUSCHED_H
#define CABO_CPUSCHED_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "task.h"

enum { CABO_SCHED_MAX_DEPTH = 16 };

struct cabo_sched_class;

/* A heap entry carries its class's pass, so ordering 1000 children reads
 * one array instead of 20 classes' cache lines per task run. */
struct cabo_sched_slot {
	double pass;
	struct cabo_sched_class *c;
};

struct cabo_sched_class {
	struct cabo_sched_class *parent;
	_Atomic uint32_t weight;        /* share among siblings; handlers may change it */
	double pass;                    /* virtual time within the parent */
	int heap_index;                 /* in the parent's heap; -1 when not runnable */
	struct cabo_sched_slot *heap;   /* runnable children, least pass first */
	unsigned nheap, heap_capacity;
	struct cabo_task tasks;         /* sentinel: this class's runnable tasks */
	unsigned ntasks;
	double own_pass;                /* virtual time of the own tasks as a competitor */
	double vtime;                   /* pass of the competitor that ran last */
	uint64_t cycles;                /* used by this class and its descendants */
	uint64_t own_cycles;            /* used by this class's own tasks */
	uint64_t runs;                  /* task runs charged to this class */
};

void cabo_sched_class_init(struct cabo_sched_class *c, struct cabo_sched_class *parent,
			   uint32_t weight);
/* The class must have no runnable tasks or children left. */
void cabo_sched_class_destroy(struct cabo_sched_class *c);

void cabo_sched_link_task(struct cabo_sched_class *c, struct cabo_task *t);
void cabo_sched_unlink_task(struct cabo_task *t);

/* Chooses the next task under root; path receives the classes from root's
 * chosen child down to the task's class.  NULL when nothing is runnable. */
struct cabo_task *cabo_sched_pick(struct cabo_sched_class *root,
				  struct cabo_sched_class **path, unsigned *depth);
/* Charges cycles used by a task picked with that path. */
void cabo_sched_charge(struct cabo_sched_class *root, struct cabo_sched_class **path,
		       unsigned depth, uint64_t cycles);

static inline bool cabo_sched_runnable(const struct cabo_sched_class *c)
{
	return c->ntasks || c->nheap;
}

#endif
