/*
 * =c
 * VirtualNode(FILE | CONFIG, [KEYWORDS])
 * =s
 * runs a tenant's pipeline as an isolated virtual node
 * =ports
 * any number of inputs and outputs: the node's interfaces
 * =processing
 * push
 * =d
 * Hosts a virtual node: a complete pipeline of its own, written in the same
 * language, read from FILE or given inline with CONFIG.  In the node's
 * pipeline, `input[i]` and `output[i]` are its interfaces; in the host they
 * are this element's input i and output i, connected like any element's
 * ports.  The host decides what reaches the node (by physical port, VLAN,
 * MAC address, Classifier, ...): a packet enters a node's pipeline only
 * through an input the host pushed it to.
 *
 * Isolation.  Element and handler names are the node's own: from the host,
 * the node's element `rt` is `NAME/rt` (handler `NAME/rt.table`).  The node
 * holds at most PACKETS packets at once (its pool quota; the buffers are
 * the worker thread's, reused by every node it runs); packets crossing an
 * interface are copied into the receiving side's pool, so a node that holds
 * all its buffers starves only itself.  Each direction of each interface
 * has a channel of CHANNEL packets; when the node falls behind, the host's
 * packets for it are dropped here (reason "node busy"), counted against the
 * node.  A node whose configuration has errors is reported (errors located
 * in its own file) and not started: the host and the other nodes run, and
 * packets sent to it are dropped ("not running"); cabo then exits with
 * status 1 at the end of the run.  A node that stops (Script's `stop`, a
 * source's STOP) stops alone.
 *
 * CPU.  The node's tasks run under the weighted-fair CPU scheduler: nodes
 * with a common host share its CPU time in proportion to their WEIGHTs,
 * charged by the cycles their tasks really use, and a node's own nested
 * virtual nodes divide its share again.  With `cabo --threads N`, the host's
 * virtual nodes are spread over the worker threads by weight (heaviest
 * first, onto the least loaded thread), or pinned with THREAD.
 *
 * Nesting.  A node's pipeline may declare VirtualNode elements itself (a
 * provider reselling part of its slice); their names nest (`sp1/sub/rt`).
 * Nodes nest at most 6 deep.
 * =k FILE
 * The node's configuration file.  A relative name is looked up in the
 * current directory, then next to the host's configuration file.
 * =k CONFIG
 * The node's configuration, inline: a configuration in braces
 * (`CONFIG { input -> Counter -> output }`) or a quoted string.
 * =k WEIGHT
 * CPU share among the host's virtual nodes; unsigned integer from 1, default 1.
 * =k PACKETS
 * The node's packet quota (pool size); default 4096.
 * =k CHANNEL
 * Packets each interface channel holds; default 1024.
 * =k THREAD
 * Worker thread to run the node on (with --threads, modulo their number);
 * default: placed by weight.  Only the top-level configuration places
 * nodes: a nested node runs on its parent's thread, within its share, and
 * its THREAD is ignored.
 * =k ID
 * The node's id, stored in the `vnode` annotation of packets it receives
 * and sends; default: the element's position in the host plus 1.
 * =h weight read/write
 * The node's CPU weight; a new weight takes effect at once.
 * =h running read
 * "true" while the node runs; "false" if it failed to start or stopped.
 * =h packets_in read
 * =h bytes_in read
 * =h packets_out read
 * =h bytes_out read
 * Packets and bytes the node received from the host and sent to it.
 * =h drops read
 * Packets the node lost: at its interfaces and inside its pipeline
 * (nested nodes included).
 * =h drop_summary read
 * The node's drops by reason, one "REASON COUNT" line each (reasons of all
 * its elements and interfaces added up).
 * =h cycles read
 * CPU cycles the node's tasks have used (nested nodes included).
 * =h cpu_ns read
 * The same in nanoseconds.
 * =h pool read
 * Packet pool use: "IN_USE HIGH_WATER CAPACITY FAILURES".
 * =h channels read
 * Packets waiting in each interface channel and the most ever seen:
 * one "in|out PORT WAITING HIGH_WATER CAPACITY" line each.
 * =e
 *   // Frames for VLAN 10 go to tenant sp1, VLAN 20 to sp2.
 *   sw :: Classifier(14/0800, -);
 *   FromDump(in.pcap) -> vlan :: VLANDecap -> ...
 *   sp1 :: VirtualNode(FILE sp1.click, WEIGHT 3, PACKETS 4096);
 *   sp2 :: VirtualNode(CONFIG { input -> Counter -> output }, WEIGHT 1);
 *   sp1 -> Queue -> [0]link :: DRRSched;
 *   sp2 -> Queue -> [1]link;
 *   link -> LinkUnqueue(1ms, 100Mbps) -> ToDump(out.pcap);
 * =a
 * VirtualNodeInput, VirtualNodeOutput, cabo.conf(5), DRRSched, LinkUnqueue
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "element.h"
#include "master.h"
#include "router.h"
#include "stats.h"
#include "vnode.h"

struct virtualnode {
	struct cabo_element e;
	struct cabo_vnode *link;
	struct cabo_router *node;   /* == link->router; NULL when it failed */
	struct cabo_task task;      /* takes what the node sends out */
	unsigned next_port;
};

enum { DROP_NOT_RUNNING, DROP_NODE_BUSY, DROP_NO_BUFFERS };
static const char *const virtualnode_drop_reasons[] = {
	"not running", "node busy", "no buffers", NULL,
};

/* ---- Packets */

static bool node_running(const struct virtualnode *vn)
{
	return vn->node && !vn->node->stop_requested;
}

static void virtualnode_push(struct cabo_element *e, unsigned port, struct cabo_batch *b)
{
	struct virtualnode *vn = (struct virtualnode *)e;
	unsigned sent = 0;
	unsigned reason = DROP_NOT_RUNNING;
	if (node_running(vn)) {
		sent = cabo_channel_send(&vn->link->ingress[port], b->p, b->count);
		reason = DROP_NODE_BUSY;
	}
	for (unsigned i = sent; i < b->count; i++)
		cabo_element_drop(e, b->p[i], reason);
	b->count = 0;
}

static bool virtualnode_fire(struct cabo_task *t)
{
	struct virtualnode *vn = t->arg;
	struct cabo_vnode *v = vn->link;
	struct cabo_pool *pool = cabo_element_pool(&vn->e);
	bool worked = false, trickle = true;
	for (unsigned k = 0; k < v->noutputs; k++) {
		unsigned port = (vn->next_port + k) % v->noutputs;
		struct cabo_batch b;
		unsigned dropped;
		b.count = cabo_vnode_take(&v->egress[port], pool, v->id, b.p, CABO_BATCH_MAX, &dropped);
		vn->e.drops[DROP_NO_BUFFERS] += dropped;
		if (!b.count && !dropped)
			continue;
		worked = true;
		trickle &= b.count + dropped < CABO_TRICKLE;
		cabo_output_push(&vn->e, port, &b);
	}
	vn->next_port = v->noutputs ? (vn->next_port + 1) % v->noutputs : 0;
	if (cabo_waker_should_sleep(&v->egress_waker, worked, trickle)
	    && cabo_waker_sleep(&v->egress_waker, v->egress, v->noutputs))
		cabo_task_unschedule(t);
	return worked;
}

/* ---- Configuration */

static bool is_element_class(const char *name, void *arg)
{
	return cabo_element_class_find(name) != NULL;
}

/* Relative names: the current directory first (as Click), then the
 * directory of the host's configuration. */
static char *find_file(const struct cabo_element *e, const char *name, char **path)
{
	size_t len;
	*path = cabo_xstrdup(name);
	char *text = cabo_config_read_file(name, &len);
	const char *host = e->where.file;
	const char *slash = host ? strrchr(host, '/') : NULL;
	if (!text && name[0] != '/' && slash) {
		int saved = errno;
		char *near = cabo_xasprintf("%.*s/%s", (int)(slash - host), host, name);
		text = cabo_config_read_file(near, &len);
		if (text) {
			free(*path);
			*path = near;
		} else {
			free(near);
			errno = saved;
		}
	}
	return text;
}

/* An inline CONFIG is parsed as if it started on its line of the host's
 * file, so errors point there. */
static char *inline_text(const struct cabo_element *e, const char *raw)
{
	size_t len = strlen(raw);
	char *body;
	if (len >= 2 && raw[0] == '{' && raw[len - 1] == '}')
		body = cabo_xstrndup(raw + 1, len - 2);
	else
		body = cabo_unquote(raw);
	if (!body)
		return NULL;
	unsigned line = e->where.line;
	const char *at = strstr(e->config, "CONFIG");
	for (const char *s = e->config; at && s < at; s++)
		line += *s == '\n';
	struct cabo_strbuf sb = CABO_STRBUF_INIT;
	for (unsigned i = 1; i < line; i++)
		cabo_strbuf_putc(&sb, '\n');
	cabo_strbuf_puts(&sb, body);
	free(body);
	return cabo_strbuf_release(&sb);
}

struct node_options {
	char *file, *config;
	uint64_t weight, packets, channel, id;
	int64_t thread;
};

static int read_options(struct cabo_element *e, struct cabo_args *a, struct node_options *o)
{
	memset(o, 0, sizeof *o);
	o->weight = 1;
	o->packets = 4096;
	o->channel = 1024;
	o->id = e->index + 1;
	o->thread = -1;
	cabo_args_read_string(a, "FILE", CABO_ARG_POSITIONAL, &o->file);
	cabo_args_read_raw(a, "CONFIG", 0, &o->config);
	cabo_args_read_uint(a, "WEIGHT", 0, &o->weight);
	cabo_args_read_uint(a, "PACKETS", 0, &o->packets);
	cabo_args_read_uint(a, "CHANNEL", 0, &o->channel);
	cabo_args_read_int(a, "THREAD", 0, &o->thread);
	cabo_args_read_uint(a, "ID", 0, &o->id);
	if (!o->file == !o->config)
		cabo_args_error(a, "give exactly one of FILE and CONFIG");
	if (o->weight < 1 || o->weight > 1000000)
		cabo_args_error(a, "WEIGHT: expected 1 to 1000000");
	if (o->packets < 64 || o->packets > (1u << 24))
		cabo_args_error(a, "PACKETS: expected 64 to 16777216");
	if (o->channel < 2 || o->channel > (1u << 20))
		cabo_args_error(a, "CHANNEL: expected 2 to 1048576");
	if (o->thread < -1 || o->thread > 255)
		cabo_args_error(a, "THREAD: expected a worker number from 0 to 255");
	if (o->id > UINT32_MAX)
		cabo_args_error(a, "ID: expected a 32-bit number");
	return cabo_args_complete(a);
}

/* The node must have every interface the host connects. */
static int check_interfaces(struct virtualnode *vn, struct cabo_errh *errh)
{
	static const char *const names[] = { "input", "output" };
	int status = 0;
	for (unsigned side = 0; side < 2; side++) {
		unsigned used = side ? vn->e.noutputs : vn->e.ninputs;
		if (!used)
			continue;
		struct cabo_element *iface = cabo_router_find(vn->node, names[side]);
		unsigned have = !iface ? 0 : side ? iface->ninputs : iface->noutputs;
		if (have < used)
			status = cabo_errh_lerror(errh, vn->e.where,
						  "'%s' %s %u is connected, but its pipeline has no %s[%u]",
						  vn->e.name, names[side], have, names[side], have);
	}
	return status;
}

static struct cabo_router *build_node(struct virtualnode *vn, const struct node_options *o,
				      struct cabo_errh *errh)
{
	struct cabo_element *e = &vn->e;
	char *path = NULL;
	char *text = o->file ? find_file(e, o->file, &path) : inline_text(e, o->config);
	if (!text) {
		if (o->file)
			cabo_errh_lerror(errh, e->where, "%s: %s", o->file, strerror(errno));
		else
			cabo_errh_lerror(errh, e->where, "CONFIG: expected a configuration in braces or quotes");
		free(path);
		return NULL;
	}
	struct cabo_config_options copt = {
		.is_class = is_element_class, .interfaces = true,
	};
	struct cabo_config config;
	memset(&config, 0, sizeof config);
	const char *filename = path ? path : e->where.file ? e->where.file : "<config>";
	struct cabo_router *node = NULL;
	if (cabo_config_parse_string(text, filename, &copt, &config, errh) == 0) {
		char *name = cabo_element_path(e);
		struct cabo_router_options ropt = {
			.name = name, .pool_capacity = (uint32_t)o->packets,
			.configure_only = e->router->configure_only, .parent = e->router,
			.weight = (uint32_t)o->weight, .thread = (int)o->thread, .host = vn->link,
		};
		node = cabo_router_build(e->router->master, &config, text, &ropt, errh);
		free(name);
	}
	cabo_config_free(&config);
	free(text);
	free(path);
	return node;
}

static void count_failure(struct cabo_router *r)
{
	for (; r; r = r->parent)
		r->failed_vnodes++;
}

/* Deep enough for resellers of resellers; a node whose file includes
 * itself stops here too. */
enum { MAX_NESTING = 6 };

static unsigned nesting(const struct cabo_router *r)
{
	unsigned depth = 0;
	for (; r->parent; r = r->parent)
		depth++;
	return depth;
}

static int virtualnode_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct virtualnode *vn = (struct virtualnode *)e;
	struct node_options o;
	int status = read_options(e, a, &o);
	if (status == 0 && nesting(e->router) >= MAX_NESTING) {
		cabo_errh_lerror(a->errh, e->where,
				 "virtual nodes nested more than %d deep (does a node's file include itself?)",
				 MAX_NESTING);
		status = -1;
	}
	if (status == 0) {
		vn->link = cabo_vnode_new((uint32_t)o.id, e->ninputs, e->noutputs, (uint32_t)o.channel);
		vn->link->host = e;
		vn->link->weight = (uint32_t)o.weight;
		cabo_vnode_register(e->router, vn->link);
		vn->node = build_node(vn, &o, a->errh);
		if (vn->node && check_interfaces(vn, a->errh) < 0) {
			cabo_router_destroy(vn->node);
			vn->node = NULL;
		}
		vn->link->router = vn->node;
		if (!vn->node) {
			cabo_errh_lerror(a->errh, e->where,
					 "virtual node '%s' not started; packets sent to it are dropped", e->name);
			count_failure(e->router);
		}
	}
	free(o.file);
	free(o.config);
	return status;
}

static int virtualnode_initialize(struct cabo_element *e, struct cabo_errh *errh)
{
	struct virtualnode *vn = (struct virtualnode *)e;
	cabo_task_init(&vn->task, e, virtualnode_fire, vn);
	vn->link->egress_waker.task = &vn->task;
	atomic_store(&vn->link->egress_waker.asleep, true);
	for (unsigned i = 0; i < vn->link->noutputs; i++)
		vn->link->egress[i].waker = &vn->link->egress_waker;
	return 0;
}

static void virtualnode_cleanup(struct cabo_element *e)
{
	struct virtualnode *vn = (struct virtualnode *)e;
	if (!vn->link)
		return;
	cabo_vnode_unregister(e->router, vn->link);
	/* Packets still in the channels go back to their pools first: the
	 * node's pool goes with its router. */
	cabo_vnode_drain(vn->link);
	cabo_router_destroy(vn->node);
	cabo_vnode_destroy(vn->link);
}

/* ---- Handlers */

static int read_weight(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	struct virtualnode *vn = (struct virtualnode *)e;
	cabo_strbuf_printf(out, "%u", vn->link->weight);
	return 0;
}

static int write_weight(struct cabo_element *e, const char *value, const void *arg,
			struct cabo_errh *errh)
{
	struct virtualnode *vn = (struct virtualnode *)e;
	uint64_t w;
	if (!cabo_parse_uint(value, &w) || w < 1 || w > 1000000)
		return cabo_errh_error(errh, "weight: expected 1 to 1000000");
	vn->link->weight = (uint32_t)w;
	if (vn->node) {
		vn->node->weight = (uint32_t)w;
		atomic_store_explicit(&vn->node->sched.weight, (uint32_t)w, memory_order_relaxed);
	}
	return 0;
}

static int read_running(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	cabo_strbuf_puts(out, node_running((struct virtualnode *)e) ? "true" : "false");
	return 0;
}

enum stat_field {
	STAT_PACKETS_IN, STAT_BYTES_IN, STAT_PACKETS_OUT, STAT_BYTES_OUT, STAT_DROPS,
	STAT_CYCLES, STAT_CPU_NS,
};

static int read_stat(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	struct cabo_pipeline_stats s;
	cabo_vnode_stats(((struct virtualnode *)e)->link, &s);
	uint64_t values[] = {
		s.packets_in, s.bytes_in, s.packets_out, s.bytes_out, s.drops, s.cycles,
		(uint64_t)cabo_master_cycles_to_ns(e->router->master, s.cycles),
	};
	cabo_strbuf_printf(out, "%" PRIu64, values[(uintptr_t)arg]);
	return 0;
}

static int read_drop_summary(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	cabo_vnode_drop_summary(((struct virtualnode *)e)->link, out);
	return 0;
}

static int read_pool(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	struct cabo_pipeline_stats s;
	cabo_vnode_stats(((struct virtualnode *)e)->link, &s);
	cabo_strbuf_printf(out, "%u %u %u %" PRIu64, s.pool_in_use, s.pool_high_water,
			   s.pool_capacity, s.pool_failures);
	return 0;
}

static void describe_channels(struct cabo_strbuf *out, const char *dir, struct cabo_channel *c,
			      unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		cabo_strbuf_printf(out, "%s %u %u %u %u\n", dir, i, cabo_ring_count(&c[i].ring),
				   c[i].high_water, cabo_ring_capacity(&c[i].ring));
}

static int read_channels(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	struct cabo_vnode *v = ((struct virtualnode *)e)->link;
	describe_channels(out, "in", v->ingress, v->ninputs);
	describe_channels(out, "out", v->egress, v->noutputs);
	return 0;
}

#define STAT(name, field) { name, read_stat, NULL, (const void *)(uintptr_t)(field), 0 }
static const struct cabo_handler virtualnode_handlers[] = {
	{ "weight", read_weight, write_weight, NULL, 0 },
	{ "running", read_running, NULL, NULL, 0 },
	STAT("packets_in", STAT_PACKETS_IN),
	STAT("bytes_in", STAT_BYTES_IN),
	STAT("packets_out", STAT_PACKETS_OUT),
	STAT("bytes_out", STAT_BYTES_OUT),
	STAT("drops", STAT_DROPS),
	STAT("cycles", STAT_CYCLES),
	STAT("cpu_ns", STAT_CPU_NS),
	{ "drop_summary", read_drop_summary, NULL, NULL, 0 },
	{ "pool", read_pool, NULL, NULL, 0 },
	{ "channels", read_channels, NULL, NULL, 0 },
	{ NULL },
};

CABO_ELEMENT_CLASS(virtualnode_class) = {
	.name = "VirtualNode", .port_count = "-/-", .processing = "h/h",
	.size = sizeof(struct virtualnode), .configure = virtualnode_configure,
	.initialize = virtualnode_initialize, .cleanup = virtualnode_cleanup,
	.push = virtualnode_push, .handlers = virtualnode_handlers,
	.drop_reasons = virtualnode_drop_reasons,
};
