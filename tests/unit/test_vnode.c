/* Unit tests of core/vnode.h: how packets cross a virtual node's interface.
 * cabo_vnode_take copies each packet into the receiving pipeline's pool
 * (data, headroom and header offsets intact), frees the sender's packet
 * back to the sender's pool, resets every annotation but the timestamp,
 * stamps the node's id in the `vnode` annotation, and counts what the
 * receiver's quota refuses.  No element exposes the vnode annotation, so
 * this is where it is checked.  Also: draining and destroying a link with
 * packets still queued returns them to their pools. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "batch.h"
#include "packet.h"
#include "strbuf.h"
#include "vnode.h"

#include "check.h"

static struct cabo_packet *painted(struct cabo_pool *pool, unsigned i)
{
	struct cabo_packet *p = cabo_packet_alloc(pool, 60);
	for (uint32_t k = 0; k < p->length; k++)
		p->data[k] = (uint8_t)(i * 3 + k);
	p->anno.timestamp_ns = 1000000007LL * (i + 1);
	p->anno.dst.ip4 = 0x0a000002;
	p->anno.vnode = 99;
	p->anno.input_port = 3;
	p->anno.paint = 5;
	p->anno.packet_type = CABO_PACKET_OTHERHOST;
	memset(p->anno.user, 0xab, sizeof p->anno.user);
	cabo_packet_set_mac_header(p, p->data);
	cabo_packet_set_network_header(p, p->data + 14);
	return p;
}

static bool anno_clean(const struct cabo_packet *p, unsigned i, uint32_t id)
{
	struct cabo_anno want;
	memset(&want, 0, sizeof want);
	want.timestamp_ns = 1000000007LL * (i + 1);
	want.vnode = id;
	return memcmp(&p->anno, &want, sizeof want) == 0;
}

static bool data_intact(const struct cabo_packet *p, unsigned i)
{
	if (p->length != 60)
		return false;
	for (uint32_t k = 0; k < p->length; k++)
		if (p->data[k] != (uint8_t)(i * 3 + k))
			return false;
	return cabo_packet_mac_header(p) == p->data && cabo_packet_network_header(p) == p->data + 14;
}

static void test_take(void)
{
	struct cabo_pool *host = cabo_pool_new("host", 1024);
	struct cabo_pool *node = cabo_pool_new("node", 64);
	struct cabo_vnode *v = cabo_vnode_new(7, 1, 1, 16);
	CHECK(v->id == 7 && v->ninputs == 1 && v->noutputs == 1);
	CHECK(cabo_ring_capacity(&v->ingress[0].ring) == 16);

	struct cabo_packet *in[10];
	for (unsigned i = 0; i < 10; i++)
		in[i] = painted(host, i);
	/* A clone crosses as a packet of its own. */
	struct cabo_packet *clone = cabo_packet_clone(in[9]);
	CHECK(clone != NULL);
	CHECK(cabo_channel_send(&v->ingress[0], in, 10) == 10);
	CHECK(cabo_channel_send(&v->ingress[0], &clone, 1) == 1);
	CHECK(cabo_pool_in_use(host) == 11);

	struct cabo_packet *out[CABO_BATCH_MAX];
	unsigned dropped = 99;
	unsigned got = cabo_vnode_take(&v->ingress[0], node, v->id, out, CABO_BATCH_MAX, &dropped);
	CHECK(got == 11 && dropped == 0);
	bool ok = true;
	for (unsigned i = 0; i < got; i++) {
		unsigned seed = i < 10 ? i : 9;
		ok &= out[i]->pool == node;
		ok &= anno_clean(out[i], seed, 7);
		ok &= data_intact(out[i], seed);
		ok &= !cabo_packet_shared(out[i]);
	}
	CHECK(ok);
	CHECK(cabo_pool_in_use(host) == 0);   /* the sender's packets went home */
	CHECK(cabo_pool_in_use(node) == 11);

	/* And back out: the host's copies carry the node's id too. */
	CHECK(cabo_channel_send(&v->egress[0], out, got) == got);
	struct cabo_packet *back[CABO_BATCH_MAX];
	got = cabo_vnode_take(&v->egress[0], host, v->id, back, CABO_BATCH_MAX, &dropped);
	CHECK(got == 11 && dropped == 0);
	ok = true;
	for (unsigned i = 0; i < got; i++) {
		ok &= back[i]->pool == host && back[i]->anno.vnode == 7 && back[i]->anno.paint == 0;
		ok &= data_intact(back[i], i < 10 ? i : 9);
	}
	CHECK(ok);
	CHECK(cabo_pool_in_use(node) == 0);
	cabo_packet_free_batch(back, got);

	/* max limits how many are taken; the rest wait. */
	for (unsigned i = 0; i < 10; i++)
		in[i] = painted(host, i);
	CHECK(cabo_channel_send(&v->ingress[0], in, 10) == 10);
	got = cabo_vnode_take(&v->ingress[0], node, v->id, out, 4, &dropped);
	CHECK(got == 4 && dropped == 0);
	CHECK(cabo_ring_count(&v->ingress[0].ring) == 6);
	cabo_packet_free_batch(out, got);

	/* The quota: fill the node's pool, then the rest are refused,
	 * counted, and the sender's packets still go home. */
	struct cabo_packet *hoard[64];
	unsigned held = cabo_packet_alloc_batch(node, 60, hoard, 64);
	CHECK(held == 64);
	got = cabo_vnode_take(&v->ingress[0], node, v->id, out, CABO_BATCH_MAX, &dropped);
	CHECK(got == 0 && dropped == 6);
	CHECK(cabo_pool_in_use(host) == 0);
	CHECK(node->alloc_failures >= 6);
	cabo_packet_free_batch(hoard, held);

	/* Nothing waiting: nothing taken, nothing dropped. */
	got = cabo_vnode_take(&v->ingress[0], node, v->id, out, CABO_BATCH_MAX, &dropped);
	CHECK(got == 0 && dropped == 0);

	/* Packets left in the channels go back to their pools. */
	for (unsigned i = 0; i < 5; i++)
		in[i] = painted(host, i);
	CHECK(cabo_channel_send(&v->ingress[0], in, 5) == 5);
	struct cabo_packet *np = painted(node, 0);
	CHECK(cabo_channel_send(&v->egress[0], &np, 1) == 1);
	CHECK(v->ingress[0].high_water >= 10);
	cabo_vnode_drain(v);
	CHECK(cabo_pool_in_use(host) == 0 && cabo_pool_in_use(node) == 0);
	for (unsigned i = 0; i < 3; i++)
		in[i] = painted(host, i);
	CHECK(cabo_channel_send(&v->ingress[0], in, 3) == 3);
	cabo_vnode_destroy(v);
	CHECK(cabo_pool_in_use(host) == 0);
	CHECK(cabo_pool_destroy(node) == 0);
	CHECK(cabo_pool_destroy(host) == 0);
}

/* A full channel takes what fits; the sender keeps (drops) the rest. */
static void test_channel_full(void)
{
	struct cabo_pool *host = cabo_pool_new("host", 64);
	struct cabo_vnode *v = cabo_vnode_new(1, 1, 0, 4);
	struct cabo_packet *in[6];
	for (unsigned i = 0; i < 6; i++)
		in[i] = painted(host, i);
	CHECK(cabo_channel_send(&v->ingress[0], in, 6) == 4);
	CHECK(v->ingress[0].high_water == 4);
	cabo_packet_free_batch(in + 4, 2);
	cabo_vnode_destroy(v);
	CHECK(cabo_pool_destroy(host) == 0);
}

static void test_counter_helper(void)
{
	struct cabo_vnode *v = cabo_vnode_new(3, 0, 0, 2);
	v->packets_in = 12345678901ULL;
	struct cabo_strbuf sb = CABO_STRBUF_INIT;
	cabo_vnode_read_counter(v, (const void *)offsetof(struct cabo_vnode, packets_in), &sb);
	CHECK_STR(cabo_strbuf_str(&sb), "12345678901");
	cabo_strbuf_free(&sb);
	cabo_vnode_read_counter(NULL, (const void *)offsetof(struct cabo_vnode, packets_in), &sb);
	CHECK_STR(cabo_strbuf_str(&sb), "0");
	cabo_strbuf_free(&sb);
	cabo_vnode_destroy(v);
	cabo_vnode_destroy(NULL);
}

int main(void)
{
	test_take();
	test_channel_full();
	test_counter_helper();
	return check_result();
}
