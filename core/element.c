/* Packet movement helpers shared by all elements. */
#include "element.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "master.h"
#include "router.h"

void cabo_output_push_one(struct cabo_element *e, unsigned port, struct cabo_packet *p)
{
	struct cabo_batch b;
	b.count = 1;
	b.p[0] = p;
	cabo_output_push(e, port, &b);
}

struct cabo_packet *cabo_input_pull_one(struct cabo_element *e, unsigned port)
{
	struct cabo_batch b;
	return cabo_input_pull(e, port, &b, 1) ? b.p[0] : NULL;
}

static bool valid_port(const struct cabo_element *e, int port)
{
	return port >= 0 && (unsigned)port < e->noutputs;
}

void cabo_output_push_each(struct cabo_element *e, struct cabo_batch *b,
			   const int *ports, unsigned drop_reason)
{
	unsigned n = b->count;
	unsigned same = 1;
	while (same < n && ports[same] == ports[0])
		same++;
	if (n && same == n && valid_port(e, ports[0])) {
		cabo_output_push(e, (unsigned)ports[0], b);
		return;
	}
	/* Mixed batch: one gathering pass per distinct output, in order of
	 * first appearance, so each output sees its packets in arrival order. */
	bool sent[CABO_BATCH_MAX] = { false };
	struct cabo_batch part;
	for (unsigned i = 0; i < n; i++) {
		if (sent[i])
			continue;
		if (!valid_port(e, ports[i])) {
			cabo_element_drop(e, b->p[i], drop_reason);
			continue;
		}
		part.count = 0;
		for (unsigned j = i; j < n; j++) {
			if (!sent[j] && ports[j] == ports[i]) {
				part.p[part.count++] = b->p[j];
				sent[j] = true;
			}
		}
		cabo_output_push(e, (unsigned)ports[i], &part);
	}
	b->count = 0;
}

void cabo_element_simple_push(struct cabo_element *e, unsigned port, struct cabo_batch *b)
{
	unsigned kept = 0;
	for (unsigned i = 0; i < b->count; i++) {
		struct cabo_packet *p = e->cls->simple_action(e, b->p[i]);
		if (p)
			b->p[kept++] = p;
	}
	b->count = kept;
	cabo_output_push(e, 0, b);
}

unsigned cabo_element_simple_pull(struct cabo_element *e, unsigned port,
				  struct cabo_batch *b, unsigned max)
{
	struct cabo_batch in;
	unsigned n = cabo_input_pull(e, 0, &in, max);
	b->count = 0;
	for (unsigned i = 0; i < n; i++) {
		struct cabo_packet *p = e->cls->simple_action(e, in.p[i]);
		if (p)
			b->p[b->count++] = p;
	}
	return b->count;
}

int64_t cabo_element_now(const struct cabo_element *e)
{
	return cabo_master_now(e->router->master);
}

int64_t cabo_element_now_coarse(const struct cabo_element *e)
{
	return cabo_master_now_coarse(e->router->master);
}

struct cabo_pool *cabo_element_pool(const struct cabo_element *e)
{
	return e->router->pool;
}

void cabo_element_stop_router(struct cabo_element *e)
{
	cabo_router_request_stop(e->router);
}

struct cabo_element *cabo_element_find(struct cabo_element *e, const char *name)
{
	/* Click resolves names relative to the element's compound first:
	 * "a/b/x" looks for "a/b/name", then "a/name", then "name". */
	const char *slash = strrchr(e->name, '/');
	while (slash) {
		size_t prefix = (size_t)(slash - e->name);
		char *scoped = cabo_xasprintf("%.*s/%s", (int)prefix, e->name, name);
		struct cabo_element *found = cabo_router_find(e->router, scoped);
		free(scoped);
		if (found)
			return found;
		const char *prev = NULL;
		for (const char *s = e->name; s < slash; s++)
			if (*s == '/')
				prev = s;
		slash = prev;
	}
	return cabo_router_find(e->router, name);
}

/* ---- Field handlers */

static void *field(struct cabo_element *e, const void *arg)
{
	return (char *)e + (uintptr_t)arg;
}

int cabo_read_u64_field(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	cabo_strbuf_printf(out, "%" PRIu64, *(const uint64_t *)field(e, arg));
	return 0;
}

int cabo_read_u32_field(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	cabo_strbuf_printf(out, "%" PRIu32, *(const uint32_t *)field(e, arg));
	return 0;
}

int cabo_read_bool_field(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	cabo_strbuf_puts(out, *(const bool *)field(e, arg) ? "true" : "false");
	return 0;
}

int cabo_write_bool_field(struct cabo_element *e, const char *value, const void *arg,
			  struct cabo_errh *errh)
{
	if (!cabo_parse_bool(value, (bool *)field(e, arg)))
		return cabo_errh_error(errh, "expected boolean");
	return 0;
}

int cabo_write_u32_field(struct cabo_element *e, const char *value, const void *arg,
			 struct cabo_errh *errh)
{
	uint64_t v;
	if (!cabo_parse_uint(value, &v) || v > UINT32_MAX)
		return cabo_errh_error(errh, "expected unsigned integer");
	*(uint32_t *)field(e, arg) = (uint32_t)v;
	return 0;
}
