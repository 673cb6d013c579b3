/* Building a router from a flat configuration: elements, port counts,
 * configuration, processing resolution, connection checks, initialization. */
#include "router.h"

#include <stdlib.h>
#include <string.h>

#include "master.h"
#include "ports.h"

enum { CABO_DEFAULT_POOL_CAPACITY = 65536 };

/* ---- Element table */

const struct cabo_element_class *cabo_element_class_find(const char *name)
{
	for (unsigned i = 0; i < cabo_nelement_classes; i++)
		if (strcmp(cabo_element_classes[i]->name, name) == 0)
			return cabo_element_classes[i];
	return NULL;
}

struct cabo_element *cabo_router_find(const struct cabo_router *r, const char *name)
{
	int i = cabo_config_find(&r->config, name);
	return i < 0 ? NULL : r->elements[i];
}

/* ---- Creating elements */

static int create_elements(struct cabo_router *r, struct cabo_errh *errh)
{
	int status = 0;
	r->nelements = r->config.ndecls;
	r->elements = cabo_xcalloc(r->nelements, sizeof *r->elements);
	for (unsigned i = 0; i < r->nelements; i++) {
		const struct cabo_decl *d = &r->config.decls[i];
		const struct cabo_element_class *cls = cabo_element_class_find(d->class_name);
		if (!cls) {
			status = cabo_errh_lerror(errh, d->where, "unknown element class '%s'",
						  d->class_name);
			continue;
		}
		struct cabo_element *e = cabo_xcalloc(1, cls->size);
		e->cls = cls;
		e->router = r;
		e->name = d->name;
		e->config = d->config;
		e->where = d->where;
		e->index = i;
		for (const char *const *reason = cls->drop_reasons; reason && *reason; reason++)
			e->ndrop_reasons++;
		e->drops = cabo_xcalloc(e->ndrop_reasons ? e->ndrop_reasons : 1, sizeof *e->drops);
		r->elements[i] = e;
	}
	return status;
}

static int count_ports(struct cabo_router *r, struct cabo_errh *errh)
{
	unsigned *used_in = cabo_xcalloc(r->nelements, sizeof *used_in);
	unsigned *used_out = cabo_xcalloc(r->nelements, sizeof *used_out);
	for (unsigned i = 0; i < r->config.nconns; i++) {
		const struct cabo_conn *c = &r->config.conns[i];
		if (c->from_port + 1 > used_out[c->from])
			used_out[c->from] = c->from_port + 1;
		if (c->to_port + 1 > used_in[c->to])
			used_in[c->to] = c->to_port + 1;
	}
	int status = 0;
	for (unsigned i = 0; i < r->nelements; i++) {
		struct cabo_element *e = r->elements[i];
		if (cabo_ports_count(e, used_in[i], used_out[i], errh) < 0) {
			status = -1;
			continue;
		}
		e->inputs = cabo_xcalloc(e->ninputs ? e->ninputs : 1, sizeof *e->inputs);
		e->outputs = cabo_xcalloc(e->noutputs ? e->noutputs : 1, sizeof *e->outputs);
	}
	free(used_in);
	free(used_out);
	return status;
}

static int configure_elements(struct cabo_router *r, struct cabo_errh *errh)
{
	int status = 0;
	for (unsigned i = 0; i < r->nelements; i++) {
		struct cabo_element *e = r->elements[i];
		struct cabo_args args;
		cabo_errh_push_context(errh, e->where, "While configuring '%s :: %s':",
				       e->name, e->cls->name);
		cabo_args_init(&args, e->config, errh);
		int rc = e->cls->configure ? e->cls->configure(e, &args) : cabo_args_complete(&args);
		if (rc < 0 || args.failed)
			status = -1;
		cabo_args_destroy(&args);
		cabo_errh_pop_context(errh);
	}
	return status;
}

/* ---- Processing resolution: union-find over ports.  Connected ports must
 * agree; all agnostic ports of one element resolve together (Click's
 * default flow). */

struct resolver {
	unsigned *parent;
	unsigned *base;   /* node index of each element's input 0; outputs follow inputs */
	enum cabo_mode *mode;
	bool *conflict;
};

static unsigned find(struct resolver *rs, unsigned x)
{
	while (rs->parent[x] != x) {
		rs->parent[x] = rs->parent[rs->parent[x]];
		x = rs->parent[x];
	}
	return x;
}

static void unite(struct resolver *rs, unsigned a, unsigned b)
{
	a = find(rs, a);
	b = find(rs, b);
	if (a != b)
		rs->parent[a] = b;
}

static unsigned node(const struct resolver *rs, const struct cabo_element *e, bool output,
		     unsigned port)
{
	return rs->base[e->index] + (output ? e->ninputs : 0) + port;
}

static void unite_agnostic_ports(struct resolver *rs, const struct cabo_element *e)
{
	int first = -1;
	for (unsigned side = 0; side < 2; side++) {
		unsigned n = side ? e->noutputs : e->ninputs;
		for (unsigned p = 0; p < n; p++) {
			if (cabo_ports_declared(e, side, p) != CABO_MODE_AGNOSTIC)
				continue;
			unsigned x = node(rs, e, side, p);
			if (first < 0)
				first = (int)x;
			else
				unite(rs, (unsigned)first, x);
		}
	}
}

static void mark_mode(struct resolver *rs, unsigned x, enum cabo_mode m)
{
	unsigned root = find(rs, x);
	if (m == CABO_MODE_AGNOSTIC)
		return;
	if (rs->mode[root] != CABO_MODE_AGNOSTIC && rs->mode[root] != m)
		rs->conflict[root] = true;
	else
		rs->mode[root] = m;
}

static const char *name_of(const struct cabo_element *e)
{
	return e->name;
}

static void report_conflict(struct cabo_router *r, struct resolver *rs, unsigned root,
			    struct cabo_errh *errh)
{
	/* Prefer a connection whose two ends are declared push and pull. */
	for (unsigned i = 0; i < r->config.nconns; i++) {
		const struct cabo_conn *c = &r->config.conns[i];
		struct cabo_element *from = r->elements[c->from], *to = r->elements[c->to];
		if (find(rs, node(rs, from, true, c->from_port)) != root)
			continue;
		enum cabo_mode fm = cabo_ports_declared(from, true, c->from_port);
		enum cabo_mode tm = cabo_ports_declared(to, false, c->to_port);
		if (fm != CABO_MODE_AGNOSTIC && tm != CABO_MODE_AGNOSTIC && fm != tm) {
			cabo_errh_lerror(errh, c->where, "'%s' %s output %u connected to '%s' %s input %u",
					 name_of(from), cabo_mode_name(fm), c->from_port,
					 name_of(to), cabo_mode_name(tm), c->to_port);
			return;
		}
	}
	for (unsigned i = 0; i < r->nelements; i++) {
		struct cabo_element *e = r->elements[i];
		for (unsigned side = 0; side < 2; side++) {
			unsigned n = side ? e->noutputs : e->ninputs;
			for (unsigned p = 0; p < n; p++) {
				if (cabo_ports_declared(e, side, p) == CABO_MODE_AGNOSTIC &&
				    find(rs, node(rs, e, side, p)) == root) {
					cabo_errh_lerror(errh, e->where,
							 "agnostic '%s :: %s' in mixed context: connected to both push and pull ports",
							 e->name, e->cls->name);
					return;
				}
			}
		}
	}
}

static int resolve_processing(struct cabo_router *r, struct cabo_errh *errh)
{
	struct resolver rs;
	unsigned nodes = 0;
	rs.base = cabo_xcalloc(r->nelements, sizeof *rs.base);
	for (unsigned i = 0; i < r->nelements; i++) {
		rs.base[i] = nodes;
		nodes += r->elements[i]->ninputs + r->elements[i]->noutputs;
	}
	rs.parent = cabo_xcalloc(nodes, sizeof *rs.parent);
	rs.mode = cabo_xcalloc(nodes, sizeof *rs.mode);
	rs.conflict = cabo_xcalloc(nodes, sizeof *rs.conflict);
	for (unsigned x = 0; x < nodes; x++)
		rs.parent[x] = x;
	for (unsigned i = 0; i < r->nelements; i++)
		unite_agnostic_ports(&rs, r->elements[i]);
	for (unsigned i = 0; i < r->config.nconns; i++) {
		const struct cabo_conn *c = &r->config.conns[i];
		unite(&rs, node(&rs, r->elements[c->from], true, c->from_port),
		      node(&rs, r->elements[c->to], false, c->to_port));
	}
	for (unsigned i = 0; i < r->nelements; i++) {
		struct cabo_element *e = r->elements[i];
		for (unsigned side = 0; side < 2; side++)
			for (unsigned p = 0; p < (side ? e->noutputs : e->ninputs); p++)
				mark_mode(&rs, node(&rs, e, side, p), cabo_ports_declared(e, side, p));
	}
	int status = 0;
	for (unsigned x = 0; x < nodes; x++) {
		if (rs.parent[x] == x && rs.conflict[x]) {
			report_conflict(r, &rs, x, errh);
			status = -1;
		}
	}
	for (unsigned i = 0; i < r->nelements; i++) {
		struct cabo_element *e = r->elements[i];
		for (unsigned p = 0; p < e->ninputs; p++)
			e->inputs[p].push = rs.mode[find(&rs, node(&rs, e, false, p))] != CABO_MODE_PULL;
		for (unsigned p = 0; p < e->noutputs; p++)
			e->outputs[p].push = rs.mode[find(&rs, node(&rs, e, true, p))] != CABO_MODE_PULL;
	}
	free(rs.base);
	free(rs.parent);
	free(rs.mode);
	free(rs.conflict);
	return status;
}

/* ---- Connections */

static cabo_push_fn push_of(const struct cabo_element *e)
{
	return e->cls->push ? e->cls->push : e->cls->simple_action ? cabo_element_simple_push : NULL;
}

static cabo_pull_fn pull_of(const struct cabo_element *e)
{
	return e->cls->pull ? e->cls->pull : e->cls->simple_action ? cabo_element_simple_pull : NULL;
}

static int check_unconnected(struct cabo_element *e, bool output, const unsigned *uses,
			     struct cabo_errh *errh)
{
	int status = 0;
	unsigned n = output ? e->noutputs : e->ninputs;
	for (unsigned p = 0; p < n; p++)
		if (!uses[p])
			status = cabo_errh_lerror(errh, e->where, "'%s :: %s' %s %u is not connected",
						  e->name, e->cls->name, output ? "output" : "input", p);
	return status;
}

static int check_fanout(struct cabo_router *r, const struct cabo_conn *c,
			struct cabo_element *e, bool output, unsigned port,
			struct cabo_errh *errh)
{
	bool push = output ? e->outputs[port].push : e->inputs[port].push;
	if (output != push) /* pull outputs and push inputs may have many connections */
		return 0;
	return cabo_errh_lerror(errh, c->where,
				"'%s' %s %s %u connected more than once (a %s %s takes exactly one connection)",
				e->name, push ? "push" : "pull", output ? "output" : "input", port,
				push ? "push" : "pull", output ? "output" : "input");
}

static int connect_ports(struct cabo_router *r, struct cabo_errh *errh)
{
	int status = 0;
	for (unsigned i = 0; i < r->nelements; i++) {
		struct cabo_element *e = r->elements[i];
		unsigned *in_uses = cabo_xcalloc(e->ninputs + 1, sizeof *in_uses);
		unsigned *out_uses = cabo_xcalloc(e->noutputs + 1, sizeof *out_uses);
		for (unsigned k = 0; k < r->config.nconns; k++) {
			const struct cabo_conn *c = &r->config.conns[k];
			if (c->from == i && out_uses[c->from_port]++ && check_fanout(r, c, e, true, c->from_port, errh))
				status = -1;
			if (c->to == i && in_uses[c->to_port]++ && check_fanout(r, c, e, false, c->to_port, errh))
				status = -1;
		}
		if (check_unconnected(e, false, in_uses, errh) || check_unconnected(e, true, out_uses, errh))
			status = -1;
		free(in_uses);
		free(out_uses);
	}
	for (unsigned k = 0; k < r->config.nconns; k++) {
		const struct cabo_conn *c = &r->config.conns[k];
		struct cabo_element *from = r->elements[c->from], *to = r->elements[c->to];
		struct cabo_port *out = &from->outputs[c->from_port], *in = &to->inputs[c->to_port];
		out->peer = to;
		out->peer_port = c->to_port;
		in->peer = from;
		in->peer_port = c->from_port;
		out->push_to = push_of(to);
		in->pull_from = pull_of(from);
		if (out->push && !out->push_to)
			status = cabo_errh_lerror(errh, c->where, "'%s :: %s' cannot accept pushed packets",
						  to->name, to->cls->name);
		if (!out->push && !in->pull_from)
			status = cabo_errh_lerror(errh, c->where, "'%s :: %s' cannot be pulled from",
						  from->name, from->cls->name);
	}
	return status;
}

/* ---- Initialization */

static int initialize_elements(struct cabo_router *r, struct cabo_errh *errh)
{
	int status = 0;
	for (unsigned i = 0; i < r->nelements; i++) {
		struct cabo_element *e = r->elements[i];
		if (!e->cls->initialize)
			continue;
		cabo_errh_push_context(errh, e->where, "While initializing '%s :: %s':",
				       e->name, e->cls->name);
		unsigned before = errh->nerrors;
		if (e->cls->initialize(e, errh) < 0 || errh->nerrors > before) {
			if (errh->nerrors == before)
				cabo_errh_error(errh, "initialization failed");
			status = -1;
		}
		cabo_errh_pop_context(errh);
		if (status < 0)
			break; /* later elements may depend on this one */
	}
	return status;
}

struct cabo_router *cabo_router_build(struct cabo_master *master, struct cabo_config *config,
				      const char *source_text,
				      const struct cabo_router_options *opt,
				      struct cabo_errh *errh)
{
	struct cabo_router *r = cabo_xcalloc(1, sizeof *r);
	r->master = master;
	r->name = cabo_xstrdup(opt && opt->name ? opt->name : "");
	r->config = *config;
	memset(config, 0, sizeof *config);
	r->source_text = cabo_xstrdup(source_text ? source_text : "");
	r->parent = opt ? opt->parent : NULL;
	r->weight = opt && opt->weight ? opt->weight : 1;
	r->thread_hint = opt && (opt->parent || opt->thread) ? opt->thread : -1;
	r->host = opt ? opt->host : NULL;
	r->configure_only = opt && opt->configure_only;
	uint32_t capacity = opt && opt->pool_capacity ? opt->pool_capacity : CABO_DEFAULT_POOL_CAPACITY;
	r->pool = cabo_pool_new(r->name[0] ? r->name : "router", capacity);

	int status = create_elements(r, errh);
	if (status == 0)
		status = count_ports(r, errh);
	if (status == 0) {
		status = configure_elements(r, errh);
		r->configured = true;
		if (resolve_processing(r, errh) < 0)
			status = -1;
		else if (connect_ports(r, errh) < 0)
			status = -1;
	}
	if (status == 0 && !(opt && opt->configure_only))
		status = initialize_elements(r, errh);
	if (status < 0) {
		cabo_router_destroy(r);
		return NULL;
	}
	r->initialized = true;
	if (r->parent) {
		struct cabo_router *p = r->parent;
		p->children = cabo_xrealloc(p->children, (p->nchildren + 1) * sizeof *p->children);
		p->children[p->nchildren++] = r;
	}
	return r;
}

static void forget_child(struct cabo_router *parent, struct cabo_router *child)
{
	for (unsigned i = 0; i < parent->nchildren; i++) {
		if (parent->children[i] == child) {
			memmove(&parent->children[i], &parent->children[i + 1],
				(parent->nchildren - i - 1) * sizeof *parent->children);
			parent->nchildren--;
			return;
		}
	}
}

char *cabo_element_path(const struct cabo_element *e)
{
	const struct cabo_router *r = e->router;
	if (!r->name[0])
		return cabo_xstrdup(e->name);
	return cabo_xasprintf("%s/%s", r->name, e->name);
}

void cabo_router_destroy(struct cabo_router *r)
{
	if (!r)
		return;
	if (r->attached)
		cabo_master_detach(r->master, r);
	if (r->parent)
		forget_child(r->parent, r);
	for (unsigned w = 0; w < r->master->nthreads; w++)
		cabo_worker_forget_router_fds(&r->master->workers[w], r);
	for (unsigned i = 0; i < r->nelements; i++) {
		struct cabo_element *e = r->elements[i];
		if (e && r->configured && e->cls->cleanup)
			e->cls->cleanup(e);
	}
	for (unsigned i = 0; i < r->nelements; i++) {
		struct cabo_element *e = r->elements[i];
		if (!e)
			continue;
		free(e->inputs);
		free(e->outputs);
		free(e->drops);
		free(e);
	}
	free(r->elements);
	free(r->tasks);
	free(r->pending_timers);
	free(r->children);
	free(r->vnodes);
	cabo_pool_destroy(r->pool);
	cabo_config_free(&r->config);
	free(r->source_text);
	free(r->name);
	free(r);
}

void cabo_router_add_task(struct cabo_router *r, struct cabo_task *t)
{
	r->tasks = cabo_xrealloc(r->tasks, (r->ntasks + 1) * sizeof *r->tasks);
	r->tasks[r->ntasks++] = t;
}
