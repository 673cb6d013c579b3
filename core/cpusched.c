/* Hierarchical stride scheduling by cycles (see cpusched.h). */
#include "cpusched.h"

#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

/* ---- Heap of runnable children, ordered by pass */

static void heap_set(struct cabo_sched_class *p, unsigned i, struct cabo_sched_slot slot)
{
	p->heap[i] = slot;
	slot.c->heap_index = (int)i;
}

static void sift_up(struct cabo_sched_class *p, unsigned i)
{
	struct cabo_sched_slot s = p->heap[i];
	while (i > 0) {
		unsigned up = (i - 1) / 2;
		if (p->heap[up].pass <= s.pass)
			break;
		heap_set(p, i, p->heap[up]);
		i = up;
	}
	heap_set(p, i, s);
}

static void sift_down(struct cabo_sched_class *p, unsigned i)
{
	struct cabo_sched_slot s = p->heap[i];
	for (;;) {
		unsigned child = 2 * i + 1;
		if (child >= p->nheap)
			break;
		if (child + 1 < p->nheap && p->heap[child + 1].pass < p->heap[child].pass)
			child++;
		if (p->heap[child].pass >= s.pass)
			break;
		heap_set(p, i, p->heap[child]);
		i = child;
	}
	heap_set(p, i, s);
}

static void heap_insert(struct cabo_sched_class *p, struct cabo_sched_class *c)
{
	if (p->nheap == p->heap_capacity) {
		p->heap_capacity = p->heap_capacity ? 2 * p->heap_capacity : 4;
		p->heap = cabo_xrealloc(p->heap, p->heap_capacity * sizeof *p->heap);
	}
	heap_set(p, p->nheap++, (struct cabo_sched_slot){ c->pass, c });
	sift_up(p, p->nheap - 1);
}

static void heap_remove(struct cabo_sched_class *p, struct cabo_sched_class *c)
{
	unsigned i = (unsigned)c->heap_index;
	c->heap_index = -1;
	struct cabo_sched_slot last = p->heap[--p->nheap];
	if (i == p->nheap)
		return;
	heap_set(p, i, last);
	sift_up(p, i);
	sift_down(p, (unsigned)last.c->heap_index);
}

/* ---- Classes */

void cabo_sched_class_init(struct cabo_sched_class *c, struct cabo_sched_class *parent,
			   uint32_t weight)
{
	memset(c, 0, sizeof *c);
	c->parent = parent;
	atomic_store_explicit(&c->weight, weight ? weight : 1, memory_order_relaxed);
	c->heap_index = -1;
	c->tasks.next = c->tasks.prev = &c->tasks;
}

void cabo_sched_class_destroy(struct cabo_sched_class *c)
{
	free(c->heap);
	c->heap = NULL;
}

static double weight_of(const struct cabo_sched_class *c)
{
	return (double)atomic_load_explicit(&c->weight, memory_order_relaxed);
}

/* c just became runnable: it competes in its parent from the parent's
 * current virtual time, whatever it saved up while idle. */
static void activate(struct cabo_sched_class *c)
{
	for (struct cabo_sched_class *p = c->parent; p; c = p, p = p->parent) {
		bool parent_was_runnable = cabo_sched_runnable(p);
		if (c->pass < p->vtime)
			c->pass = p->vtime;
		heap_insert(p, c);
		if (parent_was_runnable)
			return;
	}
}

static void deactivate(struct cabo_sched_class *c)
{
	for (struct cabo_sched_class *p = c->parent; p && c->heap_index >= 0; c = p, p = p->parent) {
		heap_remove(p, c);
		if (cabo_sched_runnable(p))
			return;
	}
}

void cabo_sched_link_task(struct cabo_sched_class *c, struct cabo_task *t)
{
	if (t->linked)
		return;
	bool was_runnable = cabo_sched_runnable(c);
	if (!c->ntasks && c->own_pass < c->vtime)
		c->own_pass = c->vtime;
	struct cabo_task *head = &c->tasks;
	t->prev = head->prev;
	t->next = head;
	head->prev->next = t;
	head->prev = t;
	t->linked = true;
	t->sched = c;
	c->ntasks++;
	if (!was_runnable)
		activate(c);
}

void cabo_sched_unlink_task(struct cabo_task *t)
{
	if (!t->linked)
		return;
	struct cabo_sched_class *c = t->sched;
	t->prev->next = t->next;
	t->next->prev = t->prev;
	t->linked = false;
	c->ntasks--;
	if (!cabo_sched_runnable(c))
		deactivate(c);
}

/* ---- Picking and charging */

struct cabo_task *cabo_sched_pick(struct cabo_sched_class *root,
				  struct cabo_sched_class **path, unsigned *depth)
{
	struct cabo_sched_class *c = root;
	*depth = 0;
	for (;;) {
		if (c->ntasks && (!c->nheap || c->own_pass <= c->heap[0].pass)) {
			/* Round robin among the class's own tasks. */
			struct cabo_task *t = c->tasks.next;
			t->prev->next = t->next;
			t->next->prev = t->prev;
			t->prev = c->tasks.prev;
			t->next = &c->tasks;
			c->tasks.prev->next = t;
			c->tasks.prev = t;
			c->vtime = c->own_pass;
			return t;
		}
		if (!c->nheap || *depth == CABO_SCHED_MAX_DEPTH)
			return NULL;
		struct cabo_sched_class *child = c->heap[0].c;
		c->vtime = c->heap[0].pass;
		path[(*depth)++] = child;
		c = child;
	}
}

void cabo_sched_charge(struct cabo_sched_class *root, struct cabo_sched_class **path,
		       unsigned depth, uint64_t cycles)
{
	struct cabo_sched_class *leaf = depth ? path[depth - 1] : root;
	leaf->own_pass += (double)cycles;
	leaf->own_cycles += cycles;
	leaf->runs++;
	root->cycles += cycles;
	for (unsigned i = 0; i < depth; i++) {
		struct cabo_sched_class *c = path[i];
		c->cycles += cycles;
		c->pass += (double)cycles / weight_of(c);
		if (c->heap_index >= 0) {
			c->parent->heap[c->heap_index].pass = c->pass;
			sift_down(c->parent, (unsigned)c->heap_index);
		}
	}
}
