/* Virtual node links (see vnode.h). */
#include "vnode.h"

#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "packet.h"
#include "router.h"

struct cabo_vnode *cabo_vnode_new(uint32_t id, unsigned ninputs, unsigned noutputs,
				  uint32_t channel_capacity)
{
	struct cabo_vnode *v = cabo_xcalloc(1, sizeof *v);
	v->id = id;
	v->ninputs = ninputs;
	v->noutputs = noutputs;
	v->ingress = cabo_xcalloc(ninputs ? ninputs : 1, sizeof *v->ingress);
	v->egress = cabo_xcalloc(noutputs ? noutputs : 1, sizeof *v->egress);
	for (unsigned i = 0; i < ninputs; i++)
		cabo_channel_init(&v->ingress[i], channel_capacity);
	for (unsigned i = 0; i < noutputs; i++)
		cabo_channel_init(&v->egress[i], channel_capacity);
	return v;
}

static void drain(struct cabo_channel *c)
{
	struct cabo_packet *p[CABO_BATCH_MAX];
	unsigned n;
	while ((n = cabo_channel_receive(c, p, CABO_BATCH_MAX)) > 0)
		cabo_packet_free_batch(p, n);
}

void cabo_vnode_drain(struct cabo_vnode *v)
{
	for (unsigned i = 0; i < v->ninputs; i++)
		drain(&v->ingress[i]);
	for (unsigned i = 0; i < v->noutputs; i++)
		drain(&v->egress[i]);
}

void cabo_vnode_destroy(struct cabo_vnode *v)
{
	if (!v)
		return;
	cabo_vnode_drain(v);
	for (unsigned i = 0; i < v->ninputs; i++)
		cabo_channel_destroy(&v->ingress[i]);
	for (unsigned i = 0; i < v->noutputs; i++)
		cabo_channel_destroy(&v->egress[i]);
	free(v->ingress);
	free(v->egress);
	free(v);
}

unsigned cabo_vnode_take(struct cabo_channel *c, struct cabo_pool *pool, uint32_t id,
			 struct cabo_packet **out, unsigned max, unsigned *dropped)
{
	struct cabo_packet *in[CABO_BATCH_MAX];
	if (max > CABO_BATCH_MAX)
		max = CABO_BATCH_MAX;
	unsigned n = cabo_channel_receive(c, in, max);
	unsigned got = cabo_packet_move_batch(pool, in, out, n);
	*dropped = n - got;
	for (unsigned i = 0; i < got; i++) {
		struct cabo_anno *a = &out[i]->anno;
		int64_t stamp = a->timestamp_ns;
		memset(a, 0, sizeof *a);
		a->timestamp_ns = stamp;
		a->vnode = id;
	}
	return got;
}

struct cabo_vnode *cabo_router_vnode(const struct cabo_router *r)
{
	return r->host;
}

void cabo_vnode_register(struct cabo_router *host, struct cabo_vnode *v)
{
	host->vnodes = cabo_xrealloc(host->vnodes, (host->nvnodes + 1) * sizeof *host->vnodes);
	host->vnodes[host->nvnodes++] = v;
}

void cabo_vnode_unregister(struct cabo_router *host, struct cabo_vnode *v)
{
	for (unsigned i = 0; i < host->nvnodes; i++) {
		if (host->vnodes[i] == v) {
			memmove(&host->vnodes[i], &host->vnodes[i + 1],
				(host->nvnodes - i - 1) * sizeof *host->vnodes);
			host->nvnodes--;
			return;
		}
	}
}

int cabo_vnode_read_counter(const struct cabo_vnode *v, const void *offset,
			    struct cabo_strbuf *out)
{
	uint64_t value = 0;
	if (v)
		memcpy(&value, (const char *)v + (size_t)offset, sizeof value);
	cabo_strbuf_printf(out, "%llu", (unsigned long long)value);
	return 0;
}
