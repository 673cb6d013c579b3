/* The link between a virtual node's pipeline and the pipeline hosting it
 * (the substrate, or a tenant that resells part of its slice).
 *
 * In the host, the virtual node is an element (VirtualNode) whose ports are
 * the node's interfaces; in the node's own pipeline they are the elements
 * `input` and `output`.  Packets cross in channels, one per port and
 * direction, and are copied into the receiving pipeline's packet pool on
 * the receiving side: a pipeline only ever holds packets of its own pool, so
 * a tenant that hoards packets exhausts only its own quota, and no packet
 * can reach a pipeline except through its interfaces.  Annotations do not
 * cross (a tenant cannot steer host elements with them); the timestamp does,
 * and `vnode` is set to the node's id both ways. */
#ifndef CABO_VNODE_H
#define CABO_VNODE_H

#include <stdint.h>

#include "channel.h"
#include "strbuf.h"

struct cabo_router;
struct cabo_pool;

struct cabo_vnode {
	struct cabo_router *router;    /* the node's pipeline; NULL when it failed */
	struct cabo_element *host;     /* its VirtualNode element in the host */
	uint32_t id;
	uint32_t weight;
	unsigned ninputs, noutputs;    /* interfaces connected in the host */
	struct cabo_channel *ingress;  /* [ninputs]: host -> node */
	struct cabo_channel *egress;   /* [noutputs]: node -> host */
	struct cabo_waker ingress_waker;   /* the node's `input` task */
	struct cabo_waker egress_waker;    /* the host's VirtualNode task */
	/* Written by the node's worker only. */
	uint64_t packets_in, bytes_in, packets_out, bytes_out;
};

struct cabo_vnode *cabo_vnode_new(uint32_t id, unsigned ninputs, unsigned noutputs,
				  uint32_t channel_capacity);
/* Frees the packets waiting in its channels (before either side's pool goes). */
void cabo_vnode_drain(struct cabo_vnode *v);
void cabo_vnode_destroy(struct cabo_vnode *v);

/* Receives up to max packets from channel c, copies them into `pool` with
 * fresh annotations (timestamp kept, vnode set to id).  *dropped counts the
 * packets the pool's quota refused. */
unsigned cabo_vnode_take(struct cabo_channel *c, struct cabo_pool *pool, uint32_t id,
			 struct cabo_packet **out, unsigned max, unsigned *dropped);

/* Handler helper: prints the uint64_t counter at byte offset `offset` of v
 * (0 when v is NULL). */
int cabo_vnode_read_counter(const struct cabo_vnode *v, const void *offset,
			    struct cabo_strbuf *out);

/* A host lists its virtual nodes (those that failed to start too). */
void cabo_vnode_register(struct cabo_router *host, struct cabo_vnode *v);
void cabo_vnode_unregister(struct cabo_router *host, struct cabo_vnode *v);

/* The link of a virtual node's own pipeline, or NULL for a plain router. */
struct cabo_vnode *cabo_router_vnode(const struct cabo_router *r);

#endif
