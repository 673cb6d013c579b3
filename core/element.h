/* Elements, ports, handlers and the element-class interface.
 *
 * An element class is a static description (name, port counts, processing,
 * state size, callbacks, handler table, drop reasons).  The build scans
 * elements/ for CABO_ELEMENT_CLASS(...) markers and generates the element
 * table from them; nobody keeps a list by hand.
 *
 * Element state structs start with `struct cabo_element` so callbacks can
 * cast: `struct counter *c = (struct counter *)e;`.
 *
 * Port counts use Click's syntax: "1/1", "0/1", "1/-" (any number of
 * outputs), "1/1-2", "-/1", "1/=" (as many outputs as inputs).  Processing
 * uses Click's codes per port, the last code repeating: "a/a", "h/h", "l/l",
 * "h/l", "a/ah"; h = push, l = pull, a = agnostic (resolved at graph build
 * time; all agnostic ports of one element resolve the same way). */
#ifndef CABO_ELEMENT_H
#define CABO_ELEMENT_H

#include <stdbool.h>
#include <stdint.h>

#include "args.h"
#include "batch.h"
#include "errh.h"
#include "strbuf.h"

struct cabo_element;
struct cabo_router;
struct cabo_notifier;

/* ---- Handlers: named read/write entry points. */
typedef int (*cabo_read_handler)(struct cabo_element *e, const void *arg,
				 struct cabo_strbuf *out);
typedef int (*cabo_write_handler)(struct cabo_element *e, const char *value,
				  const void *arg, struct cabo_errh *errh);

enum cabo_handler_flags {
	CABO_HANDLER_BUTTON = 1,    /* write handler that takes no value */
};

struct cabo_handler {
	const char *name;
	cabo_read_handler read;     /* NULL if not readable */
	cabo_write_handler write;   /* NULL if not writable */
	const void *arg;            /* passed back to read/write */
	unsigned flags;
};

/* ---- Element classes */
enum cabo_class_flags {
	/* The element may be run from several worker threads at once. */
	CABO_CLASS_THREAD_SAFE = 1,
};

struct cabo_element_class {
	const char *name;
	const char *port_count;
	const char *processing;
	size_t size;                /* sizeof the element's state struct */
	unsigned flags;

	/* configure: read arguments; ports are already counted. */
	int (*configure)(struct cabo_element *e, struct cabo_args *args);
	/* initialize: open files, allocate, schedule tasks; errors via errh. */
	int (*initialize)(struct cabo_element *e, struct cabo_errh *errh);
	/* cleanup: flush and release; called for every configured element. */
	void (*cleanup)(struct cabo_element *e);

	void (*push)(struct cabo_element *e, unsigned port, struct cabo_batch *b);
	/* Fills b (from empty) with at most max packets; returns b->count. */
	unsigned (*pull)(struct cabo_element *e, unsigned port, struct cabo_batch *b,
			 unsigned max);
	/* Per-packet processing for simple agnostic elements: returns the packet
	 * to pass on output 0, or NULL when it was dropped or sent elsewhere.
	 * The core builds push and pull from it when they are NULL. */
	struct cabo_packet *(*simple_action)(struct cabo_element *e, struct cabo_packet *p);

	/* For queues: the notifier that says whether pulling from `port` can
	 * yield packets, so downstream tasks can sleep. */
	struct cabo_notifier *(*empty_notifier)(struct cabo_element *e, unsigned port);

	const struct cabo_handler *handlers;   /* terminated by { NULL } */
	const char *const *drop_reasons;       /* terminated by NULL */
};

/* Place before a class definition in an element file:
 *   CABO_ELEMENT_CLASS(counter_class) = { .name = "Counter", ... };
 * The build turns these markers into the element table. */
#define CABO_ELEMENT_CLASS(ident) const struct cabo_element_class ident

/* ---- Element instances */
typedef void (*cabo_push_fn)(struct cabo_element *e, unsigned port, struct cabo_batch *b);
typedef unsigned (*cabo_pull_fn)(struct cabo_element *e, unsigned port, struct cabo_batch *b,
				 unsigned max);

struct cabo_port {
	struct cabo_element *peer;  /* push outputs and pull inputs: the one peer */
	unsigned peer_port;
	cabo_push_fn push_to;       /* push outputs: the peer's push */
	cabo_pull_fn pull_from;     /* pull inputs: the peer's pull */
	bool push;                  /* resolved processing */
	uint64_t packets;           /* packets that crossed this port */
};

struct cabo_element {
	const struct cabo_element_class *cls;
	struct cabo_router *router;
	const char *name;           /* scoped within its router */
	const char *config;
	struct cabo_landmark where;
	unsigned index;
	unsigned ninputs, noutputs;
	struct cabo_port *inputs;
	struct cabo_port *outputs;
	uint64_t *drops;            /* one counter per drop reason */
	unsigned ndrop_reasons;
};

/* ---- Moving packets */
static inline void cabo_output_push(struct cabo_element *e, unsigned port,
				    struct cabo_batch *b)
{
	struct cabo_port *out = &e->outputs[port];
	if (!b->count)
		return;
	out->packets += b->count;
	out->push_to(out->peer, out->peer_port, b);
}

static inline unsigned cabo_input_pull(struct cabo_element *e, unsigned port,
				       struct cabo_batch *b, unsigned max)
{
	struct cabo_port *in = &e->inputs[port];
	b->count = 0;
	unsigned n = in->pull_from(in->peer, in->peer_port, b, max);
	in->packets += n;
	return n;
}

/* One packet on its own (control and slow paths). */
void cabo_output_push_one(struct cabo_element *e, unsigned port, struct cabo_packet *p);
struct cabo_packet *cabo_input_pull_one(struct cabo_element *e, unsigned port);

/* Sends b->p[i] to output ports[i], keeping order within each output; a
 * port that is negative or >= noutputs drops the packet with `drop_reason`. */
void cabo_output_push_each(struct cabo_element *e, struct cabo_batch *b,
			   const int *ports, unsigned drop_reason);

/* Counted drops: every dropped packet has a reason from the class's list. */
static inline void cabo_element_drop(struct cabo_element *e, struct cabo_packet *p,
				     unsigned reason)
{
	e->drops[reason]++;
	cabo_packet_free(p);
}

/* Sends p to `port` when the element has that output (Click's optional
 * error outputs), else drops it with `reason`. */
static inline void cabo_output_push_or_drop(struct cabo_element *e, unsigned port,
					    struct cabo_packet *p, unsigned reason)
{
	if (port < e->noutputs)
		cabo_output_push_one(e, port, p);
	else
		cabo_element_drop(e, p, reason);
}

/* For simple actions that refuse a packet: output 1 when there is one, else
 * a drop with `reason'.  Returns NULL, what the action returns. */
static inline struct cabo_packet *cabo_element_reject(struct cabo_element *e,
						      struct cabo_packet *p, unsigned reason)
{
	cabo_output_push_or_drop(e, 1, p, reason);
	return NULL;
}

/* Counts a drop whose packet is already gone (a failed copy, say). */
static inline void cabo_element_count_drop(struct cabo_element *e, unsigned reason)
{
	e->drops[reason]++;
}

/* Generic push/pull built from simple_action (used by the core when a class
 * leaves push or pull NULL). */
void cabo_element_simple_push(struct cabo_element *e, unsigned port, struct cabo_batch *b);
unsigned cabo_element_simple_pull(struct cabo_element *e, unsigned port,
				  struct cabo_batch *b, unsigned max);

/* Runs a simple action over a batch, keeping the packets it returns.
 * Inlined with a constant `action`, the action is inlined too. */
static inline void cabo_batch_apply(struct cabo_element *e, struct cabo_batch *b,
				    struct cabo_packet *(*action)(struct cabo_element *,
								  struct cabo_packet *))
{
	unsigned kept = 0;
	for (unsigned i = 0; i < b->count; i++) {
		struct cabo_packet *p = action(e, b->p[i]);
		if (p)
			b->p[kept++] = p;
	}
	b->count = kept;
}

/* Defines PREFIX_push and PREFIX_pull for a one-input, one-output class
 * from its simple action, for the cheap actions on fast paths where the
 * generic versions' call through a pointer per packet would cost as much
 * as the action itself. */
#define CABO_SIMPLE_BATCH(prefix, action)                                                   \
	static void prefix##_push(struct cabo_element *e, unsigned port, struct cabo_batch *b) \
	{                                                                                     \
		(void)port;                                                                   \
		cabo_batch_apply(e, b, action);                                               \
		cabo_output_push(e, 0, b);                                                    \
	}                                                                                     \
	static unsigned prefix##_pull(struct cabo_element *e, unsigned port,                  \
				      struct cabo_batch *b, unsigned max)                     \
	{                                                                                     \
		(void)port;                                                                   \
		if (!cabo_input_pull(e, 0, b, max))                                           \
			return 0;                                                             \
		cabo_batch_apply(e, b, action);                                               \
		return b->count;                                                              \
	}

/* Defines PREFIX_push and PREFIX_pull for a one-input class whose batch
 * function `split(TYPE *element, b, other)` keeps in b the packets that go
 * on to output 0 and moves the rest (bad headers, expired TTLs, ...) into
 * `other`, for output 1.  Pulled, output 1 still gets its packets pushed.
 * LINKAGE is `static' or empty (for push and pull shared by classes). */
#define CABO_SPLIT_BATCH_FUNCTIONS(linkage, prefix, type, split)                            \
	linkage void prefix##_push(struct cabo_element *e, unsigned port, struct cabo_batch *b) \
	{                                                                                     \
		struct cabo_batch other;                                                      \
		(void)port;                                                                   \
		other.count = 0;                                                              \
		split((type *)e, b, &other);                                                  \
		cabo_output_push(e, 0, b);                                                    \
		cabo_output_push(e, 1, &other);                                               \
	}                                                                                     \
	linkage unsigned prefix##_pull(struct cabo_element *e, unsigned port,                 \
				       struct cabo_batch *b, unsigned max)                    \
	{                                                                                     \
		struct cabo_batch other;                                                      \
		(void)port;                                                                   \
		other.count = 0;                                                              \
		if (!cabo_input_pull(e, 0, b, max))                                           \
			return 0;                                                             \
		split((type *)e, b, &other);                                                  \
		cabo_output_push(e, 1, &other);                                               \
		return b->count;                                                              \
	}
#define CABO_SPLIT_BATCH(prefix, type, split) CABO_SPLIT_BATCH_FUNCTIONS(static, prefix, type, split)

/* Time on the router's clock (real or simulated), nanoseconds since the epoch. */
int64_t cabo_element_now(const struct cabo_element *e);
/* The same, as the worker last read it (cabo_master_now_coarse): for
 * millisecond uses on the fast path, without a clock read per batch. */
int64_t cabo_element_now_coarse(const struct cabo_element *e);
/* The packet pool of the element's pipeline. */
struct cabo_pool *cabo_element_pool(const struct cabo_element *e);
/* Asks the element's router to stop (sources with STOP true, Script stop). */
void cabo_element_stop_router(struct cabo_element *e);
/* Finds an element by name in the same pipeline (relative to e's compound
 * scope first, like Click); NULL if none. */
struct cabo_element *cabo_element_find(struct cabo_element *e, const char *name);

/* Reads/writes "element.handler" or a router-wide "handler" relative to e's
 * pipeline (Script, control planes). Return 0 or -1 with reason in errh. */
int cabo_element_call_read(struct cabo_element *e, const char *hname,
			   struct cabo_strbuf *out, struct cabo_errh *errh);
int cabo_element_call_write(struct cabo_element *e, const char *hname,
			    const char *value, struct cabo_errh *errh);

/* ---- Common handler helpers: `arg` is the byte offset of a field in the
 * element's state (use offsetof). */
int cabo_read_u64_field(struct cabo_element *e, const void *arg, struct cabo_strbuf *out);
int cabo_read_u32_field(struct cabo_element *e, const void *arg, struct cabo_strbuf *out);
int cabo_read_bool_field(struct cabo_element *e, const void *arg, struct cabo_strbuf *out);
int cabo_write_bool_field(struct cabo_element *e, const char *value, const void *arg,
			  struct cabo_errh *errh);
int cabo_write_u32_field(struct cabo_element *e, const char *value, const void *arg,
			 struct cabo_errh *errh);
#define CABO_FIELD(type, field) ((const void *)offsetof(type, field))

#endif
