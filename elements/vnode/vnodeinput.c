/*
 * =c
 * VirtualNodeInput
 * =s
 * a virtual node's input interfaces (the pipeline's `input`)
 * =ports
 * no inputs, any number of outputs
 * =processing
 * push
 * =d
 * In a virtual node's pipeline (see VirtualNode), `input[i]` is an element
 * of this class: packets the host sends to the node's input i come out of
 * its output i.  Write `input`, never the class name: the element exists
 * only in a virtual node's pipeline, and declaring it anywhere else is an
 * error.
 *
 * A task of the node's own pipeline takes the packets from the host's
 * channels and copies each into the node's packet pool, so the time spent
 * on them is the node's CPU share and the buffers its quota.  Annotations
 * are reset except the timestamp; the `vnode` annotation is the node's id.
 * Packets the node's pool cannot hold are dropped (reason "no buffers").
 * =h packets read
 * Packets received from the host.
 * =h bytes read
 * Bytes received from the host.
 * =e
 *   // sp1.click, run by sp1 :: VirtualNode(FILE sp1.click)
 *   input[0] -> CheckIPHeader(14) -> output[0];
 * =a
 * VirtualNode, VirtualNodeOutput
 */
#include <stddef.h>

#include "element.h"
#include "router.h"
#include "vnode.h"

struct vnode_input {
	struct cabo_element e;
	struct cabo_vnode *link;
	struct cabo_task task;
	unsigned next_port;         /* where the next round starts: ports take turns */
};

enum { DROP_NO_BUFFERS };
static const char *const vnode_input_drop_reasons[] = { "no buffers", NULL };

/* One batch from each port per run, so one busy interface cannot starve
 * the others. */
static bool vnode_input_fire(struct cabo_task *t)
{
	struct vnode_input *in = t->arg;
	struct cabo_vnode *v = in->link;
	unsigned nports = v->ninputs < in->e.noutputs ? v->ninputs : in->e.noutputs;
	struct cabo_pool *pool = cabo_element_pool(&in->e);
	bool worked = false, trickle = true;
	for (unsigned k = 0; k < nports; k++) {
		unsigned port = (in->next_port + k) % nports;
		struct cabo_batch b;
		unsigned dropped;
		b.count = cabo_vnode_take(&v->ingress[port], pool, v->id, b.p, CABO_BATCH_MAX, &dropped);
		in->e.drops[DROP_NO_BUFFERS] += dropped;
		if (!b.count && !dropped)
			continue;
		worked = true;
		trickle &= b.count + dropped < CABO_TRICKLE;
		v->packets_in += b.count;
		for (unsigned i = 0; i < b.count; i++)
			v->bytes_in += b.p[i]->length;
		cabo_output_push(&in->e, port, &b);
	}
	in->next_port = nports ? (in->next_port + 1) % nports : 0;
	if (cabo_waker_should_sleep(&v->ingress_waker, worked, trickle)
	    && cabo_waker_sleep(&v->ingress_waker, v->ingress, nports))
		cabo_task_unschedule(t);
	return worked;
}

static int vnode_input_initialize(struct cabo_element *e, struct cabo_errh *errh)
{
	struct vnode_input *in = (struct vnode_input *)e;
	in->link = cabo_router_vnode(e->router);
	if (!in->link)
		return cabo_errh_error(errh, "only a virtual node's pipeline has interfaces ('input')");
	cabo_task_init(&in->task, e, vnode_input_fire, in);
	in->link->ingress_waker.task = &in->task;
	atomic_store(&in->link->ingress_waker.asleep, true);
	for (unsigned i = 0; i < in->link->ninputs; i++)
		in->link->ingress[i].waker = &in->link->ingress_waker;
	return 0;
}

static int read_link_counter(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	return cabo_vnode_read_counter(((struct vnode_input *)e)->link, arg, out);
}

static const struct cabo_handler vnode_input_handlers[] = {
	{ "packets", read_link_counter, NULL, (const void *)offsetof(struct cabo_vnode, packets_in), 0 },
	{ "bytes", read_link_counter, NULL, (const void *)offsetof(struct cabo_vnode, bytes_in), 0 },
	{ NULL },
};

CABO_ELEMENT_CLASS(vnode_input_class) = {
	.name = "VirtualNodeInput", .port_count = "0/-", .processing = "h/h",
	.size = sizeof(struct vnode_input), .initialize = vnode_input_initialize,
	.handlers = vnode_input_handlers, .drop_reasons = vnode_input_drop_reasons,
};
