/*
 * =c
 * VirtualNodeOutput
 * =s
 * a virtual node's output interfaces (the pipeline's `output`)
 * =ports
 * any number of inputs, no outputs
 * =processing
 * push
 * =d
 * In a virtual node's pipeline (see VirtualNode), `output[i]` is an element
 * of this class: packets pushed to its input i leave the node on its output
 * i, where the host takes them.  Write `output`, never the class name.
 *
 * Packets wait in a channel (VirtualNode's CHANNEL keyword sets its size)
 * until the host's task takes them; when the channel is full, or the host
 * left that output unconnected, the packet is dropped here and counted as
 * the node's own drop ("host busy", "unconnected output").
 * =h packets read
 * Packets handed to the host.
 * =h bytes read
 * Bytes handed to the host.
 * =e
 *   input[0] -> DecIPTTL -> output[0];
 * =a
 * VirtualNode, VirtualNodeInput
 */
#include <stddef.h>

#include "element.h"
#include "router.h"
#include "vnode.h"

struct vnode_output {
	struct cabo_element e;
	struct cabo_vnode *link;
};

enum { DROP_HOST_BUSY, DROP_UNCONNECTED };
static const char *const vnode_output_drop_reasons[] = {
	"host busy", "unconnected output", NULL,
};

static void vnode_output_push(struct cabo_element *e, unsigned port, struct cabo_batch *b)
{
	struct cabo_vnode *v = ((struct vnode_output *)e)->link;
	unsigned sent = 0;
	unsigned reason = DROP_UNCONNECTED;
	if (port < v->noutputs) {
		sent = cabo_channel_send(&v->egress[port], b->p, b->count);
		reason = DROP_HOST_BUSY;
	}
	v->packets_out += sent;
	for (unsigned i = 0; i < sent; i++)
		v->bytes_out += b->p[i]->length;
	for (unsigned i = sent; i < b->count; i++)
		cabo_element_drop(e, b->p[i], reason);
	b->count = 0;
}

static int vnode_output_initialize(struct cabo_element *e, struct cabo_errh *errh)
{
	struct vnode_output *out = (struct vnode_output *)e;
	out->link = cabo_router_vnode(e->router);
	if (!out->link)
		return cabo_errh_error(errh, "only a virtual node's pipeline has interfaces ('output')");
	return 0;
}

static int read_link_counter(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	return cabo_vnode_read_counter(((struct vnode_output *)e)->link, arg, out);
}

static const struct cabo_handler vnode_output_handlers[] = {
	{ "packets", read_link_counter, NULL, (const void *)offsetof(struct cabo_vnode, packets_out), 0 },
	{ "bytes", read_link_counter, NULL, (const void *)offsetof(struct cabo_vnode, bytes_out), 0 },
	{ NULL },
};

CABO_ELEMENT_CLASS(vnode_output_class) = {
	.name = "VirtualNodeOutput", .port_count = "-/0", .processing = "h/h",
	.size = sizeof(struct vnode_output), .initialize = vnode_output_initialize,
	.push = vnode_output_push, .handlers = vnode_output_handlers,
	.drop_reasons = vnode_output_drop_reasons,
};
