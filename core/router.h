/* A router is one element pipeline: the elements of one flat configuration,
 * their connections, handlers, tasks and timers, and the packet pool they
 * draw from.  Nothing here is global: a process can hold many routers (the
 * substrate and every virtual node), each with names scoped to itself, and a
 * router is built and initialized off to the side before it is attached to a
 * master to run, so a new pipeline can be prepared while an old one runs. */
#ifndef CABO_ROUTER_H
#define CABO_ROUTER_H

#include <stdbool.h>

#include "config.h"
#include "cpusched.h"
#include "element.h"
#include "errh.h"
#include "task.h"

struct cabo_master;
struct cabo_vnode;

struct cabo_router_options {
	const char *name;           /* "" for the top-level router, the path of a virtual node */
	uint32_t pool_capacity;     /* packet quota; 0 = default */
	bool configure_only;        /* stop after configuration (--check) */
	struct cabo_router *parent; /* the hosting pipeline of a virtual node */
	uint32_t weight;            /* CPU share among its siblings; 0 = 1 */
	int thread;                 /* worker to run on; -1 = placed by weight */
	void *host;                 /* the virtual node's link to its host */
};

struct cabo_router {
	struct cabo_master *master;
	char *name;
	struct cabo_config config;  /* flat configuration, owns names and landmarks */
	char *source_text;          /* the configuration as the user wrote it */
	struct cabo_element **elements;
	unsigned nelements;
	struct cabo_pool *pool;
	struct cabo_task **tasks;   /* every task of every element */
	unsigned ntasks;
	struct cabo_timer **pending_timers; /* scheduled before attach */
	unsigned npending_timers;
	struct cabo_router *parent; /* hosting pipeline; NULL for the substrate */
	struct cabo_router **children; /* virtual nodes it hosts, in order */
	unsigned nchildren;
	struct cabo_vnode **vnodes; /* links to its virtual nodes, failed ones too */
	unsigned nvnodes;
	uint32_t weight;
	int thread_hint;
	unsigned home_thread;       /* the worker running its tasks and timers */
	struct cabo_sched_class sched;
	void *host;                 /* virtual nodes: the link to the host (vnode.h) */
	bool configure_only;
	unsigned failed_vnodes;     /* virtual nodes below it that did not start */
	bool configured;            /* configure ran: cleanup is due */
	bool initialized;
	bool attached;
	bool stop_requested;
	int stop_status;            /* exit status when stopped */
};

/* Builds, configures and initializes a router from a parsed configuration
 * (ownership of *config moves to the router).  All errors are reported; on
 * any error returns NULL after cleaning up. */
struct cabo_router *cabo_router_build(struct cabo_master *master, struct cabo_config *config,
				      const char *source_text,
				      const struct cabo_router_options *opt,
				      struct cabo_errh *errh);
/* Runs cleanup on every element and frees the router (detach first). */
void cabo_router_destroy(struct cabo_router *r);

struct cabo_element *cabo_router_find(const struct cabo_router *r, const char *name);

/* Handler access by "element.handler" or router-wide "handler".  Read output
 * is appended to out without a trailing newline convention (values as the
 * handler produced them). */
int cabo_router_read(struct cabo_router *r, const char *spec, struct cabo_strbuf *out,
		     struct cabo_errh *errh);
int cabo_router_write(struct cabo_router *r, const char *spec, const char *value,
		      struct cabo_errh *errh);
/* Every handler name of an element (built-in defaults included). */
unsigned cabo_element_handler_names(struct cabo_element *e, const char ***out);
const struct cabo_handler *cabo_element_handler(struct cabo_element *e, const char *name);

/* Stops r: the master stops when every top-level router has; a virtual
 * node stops alone (its tasks no longer run), its host runs on. */
void cabo_router_request_stop(struct cabo_router *r);
/* The full name of element e for handler paths: "sp1/rt" for element rt of
 * virtual node sp1.  Caller frees. */
char *cabo_element_path(const struct cabo_element *e);
/* Registers a task so attach can schedule it (called by cabo_task_init). */
void cabo_router_add_task(struct cabo_router *r, struct cabo_task *t);

/* ---- Element table (generated at build time) */
extern const struct cabo_element_class *const cabo_element_classes[];
extern const unsigned cabo_nelement_classes;
const struct cabo_element_class *cabo_element_class_find(const char *name);

#endif
