/* Accounting reports: per pipeline, per element, per port. */
#include "stats.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "master.h"
#include "packet.h"
#include "router.h"
#include "vnode.h"

/* ---- Sums over a pipeline and the nodes nested in it */

static uint64_t element_drops(const struct cabo_element *e)
{
	uint64_t n = 0;
	for (unsigned k = 0; k < e->ndrop_reasons; k++)
		n += e->drops[k];
	return n;
}

static uint64_t element_cycles(const struct cabo_element *e)
{
	const struct cabo_router *r = e->router;
	uint64_t n = 0;
	for (unsigned i = 0; i < r->ntasks; i++)
		if (r->tasks[i]->element == e)
			n += r->tasks[i]->cycles;
	return n;
}

static uint64_t router_drops(const struct cabo_router *r)
{
	uint64_t n = 0;
	for (unsigned i = 0; i < r->nelements; i++)
		n += element_drops(r->elements[i]);
	for (unsigned i = 0; i < r->nchildren; i++)
		n += router_drops(r->children[i]);
	return n;
}

/* A class's cycles include the nested classes charged through it, which
 * are those on the same worker; nested nodes pinned elsewhere are added. */
static uint64_t router_cycles(const struct cabo_router *r)
{
	uint64_t n = r->sched.cycles;
	for (unsigned i = 0; i < r->nchildren; i++)
		if (r->children[i]->home_thread != r->home_thread)
			n += router_cycles(r->children[i]);
	return n;
}

void cabo_vnode_stats(const struct cabo_vnode *v, struct cabo_pipeline_stats *s)
{
	memset(s, 0, sizeof *s);
	s->packets_in = v->packets_in;
	s->bytes_in = v->bytes_in;
	s->packets_out = v->packets_out;
	s->bytes_out = v->bytes_out;
	s->drops = v->host ? element_drops(v->host) : 0;
	const struct cabo_router *r = v->router;
	if (!r)
		return;
	s->drops += router_drops(r);
	s->cycles = router_cycles(r);
	s->pool_in_use = cabo_pool_in_use(r->pool);
	s->pool_high_water = r->pool->high_water;
	s->pool_capacity = r->pool->capacity;
	s->pool_failures = r->pool->alloc_failures;
}

/* ---- Drops by reason */

struct reason_sum {
	const char **names;
	uint64_t *counts;
	unsigned n, capacity;
};

static void add_reason(struct reason_sum *rs, const char *name, uint64_t count)
{
	if (!count)
		return;
	for (unsigned i = 0; i < rs->n; i++) {
		if (strcmp(rs->names[i], name) == 0) {
			rs->counts[i] += count;
			return;
		}
	}
	if (rs->n == rs->capacity) {
		rs->capacity = rs->capacity ? 2 * rs->capacity : 8;
		rs->names = cabo_xrealloc(rs->names, rs->capacity * sizeof *rs->names);
		rs->counts = cabo_xrealloc(rs->counts, rs->capacity * sizeof *rs->counts);
	}
	rs->names[rs->n] = name;
	rs->counts[rs->n++] = count;
}

static void add_element_reasons(struct reason_sum *rs, const struct cabo_element *e)
{
	for (unsigned k = 0; k < e->ndrop_reasons; k++)
		add_reason(rs, e->cls->drop_reasons[k], e->drops[k]);
}

static void add_router_reasons(struct reason_sum *rs, const struct cabo_router *r)
{
	for (unsigned i = 0; i < r->nelements; i++)
		add_element_reasons(rs, r->elements[i]);
	for (unsigned i = 0; i < r->nchildren; i++)
		add_router_reasons(rs, r->children[i]);
}

static void collect_reasons(const struct cabo_vnode *v, const struct cabo_router *r,
			    struct reason_sum *rs)
{
	memset(rs, 0, sizeof *rs);
	if (v && v->host)
		add_element_reasons(rs, v->host);
	if (r)
		add_router_reasons(rs, r);
}

static void free_reasons(struct reason_sum *rs)
{
	free(rs->names);
	free(rs->counts);
}

void cabo_vnode_drop_summary(const struct cabo_vnode *v, struct cabo_strbuf *out)
{
	struct reason_sum rs;
	collect_reasons(v, v->router, &rs);
	for (unsigned i = 0; i < rs.n; i++)
		cabo_strbuf_printf(out, "%s %" PRIu64 "\n", rs.names[i], rs.counts[i]);
	free_reasons(&rs);
}

/* ---- Walking the tree of pipelines */

struct pipeline_row {
	const struct cabo_router *router;  /* NULL: failed to start */
	const struct cabo_vnode *link;     /* NULL for the top level */
	struct cabo_pipeline_stats s;
};

struct pipeline_rows {
	struct pipeline_row *rows;
	unsigned n;
};

static bool hosts_vnode(const struct cabo_router *r, const struct cabo_element *e)
{
	for (unsigned i = 0; i < r->nvnodes; i++)
		if (r->vnodes[i]->host == e)
			return true;
	return false;
}

static void add_row(struct pipeline_rows *pr, const struct cabo_router *r,
		    const struct cabo_vnode *link)
{
	pr->rows = cabo_xrealloc(pr->rows, (pr->n + 1) * sizeof *pr->rows);
	struct pipeline_row *row = &pr->rows[pr->n++];
	row->router = r;
	row->link = link;
	if (link) {
		cabo_vnode_stats(link, &row->s);
		return;
	}
	/* The top level's own figures: its nodes, the drops at their
	 * interfaces included, have rows of their own. */
	memset(&row->s, 0, sizeof row->s);
	for (unsigned i = 0; i < r->nelements; i++)
		if (!hosts_vnode(r, r->elements[i]))
			row->s.drops += element_drops(r->elements[i]);
	row->s.cycles = r->sched.own_cycles;
	row->s.pool_in_use = cabo_pool_in_use(r->pool);
	row->s.pool_high_water = r->pool->high_water;
	row->s.pool_capacity = r->pool->capacity;
	row->s.pool_failures = r->pool->alloc_failures;
}

static void collect_rows(struct pipeline_rows *pr, const struct cabo_router *r)
{
	for (unsigned i = 0; i < r->nvnodes; i++) {
		const struct cabo_vnode *v = r->vnodes[i];
		add_row(pr, v->router, v);
		if (v->router)
			collect_rows(pr, v->router);
	}
}

static char *row_name(const struct pipeline_row *row)
{
	if (!row->link)
		return cabo_xstrdup("(host)");
	return cabo_element_path(row->link->host);
}

static uint64_t total_cycles(const struct cabo_master *m)
{
	uint64_t n = 0;
	for (unsigned i = 0; i < m->nthreads; i++)
		n += m->workers[i].root.cycles;
	return n;
}

/* ---- Table */

static void print_table(FILE *out, struct cabo_router *top, const struct pipeline_rows *pr)
{
	const struct cabo_master *m = top->master;
	double all = (double)total_cycles(m);
	fprintf(out, "%-16s %6s %6s %12s %14s %12s %14s %10s %7s %10s  %s\n", "pipeline", "weight",
		"thread", "packets_in", "bytes_in", "packets_out", "bytes_out", "drops", "cpu%",
		"cpu_ms", "pool use/high/quota");
	for (unsigned i = 0; i < pr->n; i++) {
		const struct pipeline_row *row = &pr->rows[i];
		char *name = row_name(row);
		const struct cabo_pipeline_stats *s = &row->s;
		char weight[16] = "-", thread[16] = "-";
		if (row->link)
			snprintf(weight, sizeof weight, "%u", row->link->weight);
		if (row->router && row->router->attached)
			snprintf(thread, sizeof thread, "%u", row->router->home_thread);
		fprintf(out, "%-16s %6s %6s %12" PRIu64 " %14" PRIu64 " %12" PRIu64 " %14" PRIu64
			" %10" PRIu64 " %6.1f%% %10.2f  ", name, weight, thread, s->packets_in,
			s->bytes_in, s->packets_out, s->bytes_out, s->drops,
			all > 0 ? 100.0 * (double)s->cycles / all : 0.0,
			cabo_master_cycles_to_ns(m, s->cycles) / 1e6);
		if (row->router)
			fprintf(out, "%u/%u/%u\n", s->pool_in_use, s->pool_high_water, s->pool_capacity);
		else
			fputs("not started\n", out);
		free(name);
	}
	fputs("\ndrops by reason:\n", out);
	for (unsigned i = 0; i < pr->n; i++) {
		const struct pipeline_row *row = &pr->rows[i];
		struct reason_sum rs;
		if (row->link)
			collect_reasons(row->link, row->router, &rs);
		else {
			memset(&rs, 0, sizeof rs);
			for (unsigned k = 0; k < row->router->nelements; k++)
				if (!hosts_vnode(row->router, row->router->elements[k]))
					add_element_reasons(&rs, row->router->elements[k]);
		}
		char *name = row_name(row);
		fprintf(out, "  %-14s", name);
		for (unsigned k = 0; k < rs.n; k++)
			fprintf(out, "%s %s %" PRIu64, k ? "," : "", rs.names[k], rs.counts[k]);
		fputs(rs.n ? "\n" : " none\n", out);
		free(name);
		free_reasons(&rs);
	}
}

/* Packets that crossed connection c: push outputs count what they send,
 * pull inputs what they take. */
static uint64_t connection_packets(const struct cabo_router *r, const struct cabo_conn *c)
{
	const struct cabo_port *out = &r->elements[c->from]->outputs[c->from_port];
	return out->push ? out->packets : r->elements[c->to]->inputs[c->to_port].packets;
}

static void element_traffic(const struct cabo_element *e, uint64_t *in, uint64_t *out)
{
	const struct cabo_router *r = e->router;
	*in = *out = 0;
	for (unsigned k = 0; k < r->config.nconns; k++) {
		const struct cabo_conn *c = &r->config.conns[k];
		if (c->to == e->index)
			*in += connection_packets(r, c);
		if (c->from == e->index)
			*out += connection_packets(r, c);
	}
}

/* What crossed one port, whichever side counted it. */
static uint64_t port_packets(const struct cabo_element *e, bool output, unsigned port)
{
	const struct cabo_router *r = e->router;
	uint64_t n = 0;
	for (unsigned k = 0; k < r->config.nconns; k++) {
		const struct cabo_conn *c = &r->config.conns[k];
		if (output ? c->from == e->index && c->from_port == port
			   : c->to == e->index && c->to_port == port)
			n += connection_packets(r, c);
	}
	return n;
}

static void print_elements(FILE *out, const struct cabo_router *r, double all)
{
	for (unsigned i = 0; i < r->nelements; i++) {
		const struct cabo_element *e = r->elements[i];
		uint64_t in, outp;
		element_traffic(e, &in, &outp);
		uint64_t drops = element_drops(e), cycles = element_cycles(e);
		if (!in && !outp && !drops && !cycles)
			continue;
		char *name = cabo_element_path(e);
		fprintf(out, "%-32s %-20s %12" PRIu64 " %12" PRIu64 " %10" PRIu64 " %6.1f%%\n",
			name, e->cls->name, in, outp, drops,
			all > 0 ? 100.0 * (double)cycles / all : 0.0);
		free(name);
	}
	for (unsigned i = 0; i < r->nchildren; i++)
		print_elements(out, r->children[i], all);
}

/* ---- Prometheus text format */

static void label(FILE *out, const char *key, const char *value, bool first)
{
	fprintf(out, "%s%s=\"", first ? "" : ",", key);
	for (const char *s = value; *s; s++) {
		if (*s == '\\' || *s == '"')
			fputc('\\', out);
		if (*s == '\n')
			fputs("\\n", out);
		else
			fputc(*s, out);
	}
	fputc('"', out);
}

static void metric_header(FILE *out, const char *name, const char *type, const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

struct pipeline_metric {
	const char *name, *type, *help;
	size_t offset;   /* of a uint64_t in struct cabo_pipeline_stats */
};

static const struct pipeline_metric pipeline_metrics[] = {
	{ "cabo_pipeline_packets_in_total", "counter", "Packets a virtual node received from its host.",
	  offsetof(struct cabo_pipeline_stats, packets_in) },
	{ "cabo_pipeline_bytes_in_total", "counter", "Bytes a virtual node received from its host.",
	  offsetof(struct cabo_pipeline_stats, bytes_in) },
	{ "cabo_pipeline_packets_out_total", "counter", "Packets a virtual node sent to its host.",
	  offsetof(struct cabo_pipeline_stats, packets_out) },
	{ "cabo_pipeline_bytes_out_total", "counter", "Bytes a virtual node sent to its host.",
	  offsetof(struct cabo_pipeline_stats, bytes_out) },
	{ "cabo_pipeline_drops_total", "counter", "Packets dropped by a pipeline (nested nodes included).",
	  offsetof(struct cabo_pipeline_stats, drops) },
	{ "cabo_pipeline_pool_failures_total", "counter", "Packet allocations the pool quota refused.",
	  offsetof(struct cabo_pipeline_stats, pool_failures) },
};

static void print_prometheus(FILE *out, struct cabo_router *top, const struct pipeline_rows *pr)
{
	const struct cabo_master *m = top->master;
	for (size_t k = 0; k < sizeof pipeline_metrics / sizeof *pipeline_metrics; k++) {
		const struct pipeline_metric *pm = &pipeline_metrics[k];
		metric_header(out, pm->name, pm->type, pm->help);
		for (unsigned i = 0; i < pr->n; i++) {
			char *name = row_name(&pr->rows[i]);
			fputs(pm->name, out);
			fputc('{', out);
			label(out, "pipeline", name, true);
			fprintf(out, "} %" PRIu64 "\n",
				*(const uint64_t *)((const char *)&pr->rows[i].s + pm->offset));
			free(name);
		}
	}
	metric_header(out, "cabo_pipeline_cpu_seconds_total", "counter",
		      "CPU time used by a pipeline's tasks (nested nodes included).");
	for (unsigned i = 0; i < pr->n; i++) {
		char *name = row_name(&pr->rows[i]);
		fputs("cabo_pipeline_cpu_seconds_total{", out);
		label(out, "pipeline", name, true);
		fprintf(out, "} %.9f\n", cabo_master_cycles_to_ns(m, pr->rows[i].s.cycles) / 1e9);
		free(name);
	}
	metric_header(out, "cabo_pipeline_pool_packets", "gauge",
		      "Packet pool: packets in use, most in use at once, quota.");
	for (unsigned i = 0; i < pr->n; i++) {
		const struct cabo_pipeline_stats *s = &pr->rows[i].s;
		const char *states[] = { "in_use", "high_water", "quota" };
		uint32_t values[] = { s->pool_in_use, s->pool_high_water, s->pool_capacity };
		char *name = row_name(&pr->rows[i]);
		for (unsigned k = 0; k < 3; k++) {
			fputs("cabo_pipeline_pool_packets{", out);
			label(out, "pipeline", name, true);
			label(out, "state", states[k], false);
			fprintf(out, "} %u\n", values[k]);
		}
		free(name);
	}
}

static void element_labels(FILE *out, const struct cabo_element *e)
{
	char *name = cabo_element_path(e);
	label(out, "pipeline", e->router->name[0] ? e->router->name : "(host)", true);
	label(out, "element", name, false);
	label(out, "class", e->cls->name, false);
	free(name);
}

static void print_element_metrics(FILE *out, const struct cabo_router *r, int which)
{
	for (unsigned i = 0; i < r->nelements; i++) {
		const struct cabo_element *e = r->elements[i];
		if (which == 0) {
			for (unsigned side = 0; side < 2; side++) {
				unsigned n = side ? e->noutputs : e->ninputs;
				for (unsigned p = 0; p < n; p++) {
					fputs("cabo_port_packets_total{", out);
					element_labels(out, e);
					label(out, "direction", side ? "out" : "in", false);
					fprintf(out, ",port=\"%u\"} %" PRIu64 "\n", p,
						port_packets(e, side, p));
				}
			}
		} else if (which == 1) {
			for (unsigned k = 0; k < e->ndrop_reasons; k++) {
				fputs("cabo_element_drops_total{", out);
				element_labels(out, e);
				label(out, "reason", e->cls->drop_reasons[k], false);
				fprintf(out, "} %" PRIu64 "\n", e->drops[k]);
			}
		} else if (element_cycles(e)) {
			fputs("cabo_element_cpu_seconds_total{", out);
			element_labels(out, e);
			fprintf(out, "} %.9f\n",
				cabo_master_cycles_to_ns(e->router->master, element_cycles(e)) / 1e9);
		}
	}
	for (unsigned i = 0; i < r->nchildren; i++)
		print_element_metrics(out, r->children[i], which);
}

void cabo_stats_print(FILE *out, struct cabo_router *top, enum cabo_stats_format format)
{
	struct pipeline_rows pr = { NULL, 0 };
	add_row(&pr, top, NULL);
	collect_rows(&pr, top);
	if (format == CABO_STATS_PROMETHEUS) {
		print_prometheus(out, top, &pr);
		metric_header(out, "cabo_port_packets_total", "counter", "Packets that crossed a port.");
		print_element_metrics(out, top, 0);
		metric_header(out, "cabo_element_drops_total", "counter", "Packets an element dropped, by reason.");
		print_element_metrics(out, top, 1);
		metric_header(out, "cabo_element_cpu_seconds_total", "counter",
			      "CPU time of the tasks an element runs (the work they push downstream included).");
		print_element_metrics(out, top, 2);
	} else {
		print_table(out, top, &pr);
		fprintf(out, "\n%-32s %-20s %12s %12s %10s %7s\n", "element", "class", "packets_in",
			"packets_out", "drops", "cpu%");
		print_elements(out, top, (double)total_cycles(top->master));
	}
	free(pr.rows);
	fflush(out);
}
