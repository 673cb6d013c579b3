/* Packet sources: the state, template packet and handlers that
 * InfiniteSource, RatedSource and TimedSource share (see source.h). */
#include "source.h"

#include <stdlib.h>
#include <string.h>

/* Click's default DATA: 69 bytes, so a default packet is at least as long
 * as a minimal Ethernet frame. */
static const char default_data[] =
	"Random bullshit in a packet, at least 64 bytes long. Well, now it is.";

void cabo_source_init(struct cabo_source *s, const struct cabo_source_ops *ops)
{
	s->ops = ops;
	s->length = -1;
	s->headroom = -1;
	s->limit = -1;
	s->active = true;
}

int cabo_source_configured(struct cabo_source *s, struct cabo_errh *errh)
{
	if (s->length > CABO_SOURCE_MAX_LENGTH)
		return cabo_errh_error(errh, "LENGTH: at most %d", CABO_SOURCE_MAX_LENGTH);
	if (!s->data) {
		s->data_len = sizeof default_data - 1;
		s->data = cabo_xmalloc(s->data_len);
		memcpy(s->data, default_data, s->data_len);
	}
	return 0;
}

void cabo_source_cleanup(struct cabo_element *e)
{
	struct cabo_source *s = (struct cabo_source *)e;
	if (s->packet)
		cabo_packet_free(s->packet);
	s->packet = NULL;
	free(s->data);
	s->data = NULL;
}

/* ---- Template packet */

/* Fills dst[0, n) with data: cut short, or repeated to fill; zeros when
 * there is no data. */
static void fill(uint8_t *dst, size_t n, const uint8_t *data, size_t data_len)
{
	if (n <= data_len) {
		if (n)
			memcpy(dst, data, n);
	} else if (!data_len)
		memset(dst, 0, n);
	else
		for (size_t i = 0; i < n; i += data_len)
			memcpy(dst + i, data, n - i < data_len ? n - i : data_len);
}

static struct cabo_packet *alloc_template(struct cabo_source *s, size_t n)
{
	struct cabo_pool *pool = cabo_element_pool(&s->e);
	if (s->headroom < 0)
		return cabo_packet_alloc_large(pool, (uint32_t)n);
	/* Room for HEADROOM and the data after the pool's own headroom; then
	 * the data moves back to start right after HEADROOM. */
	struct cabo_packet *p = cabo_packet_alloc_large(pool, (uint32_t)(s->headroom + n));
	if (p) {
		p->data = p->buffer + s->headroom;
		p->length = (uint32_t)n;
	}
	return p;
}

int cabo_source_make_template(struct cabo_source *s, struct cabo_errh *errh)
{
	size_t n = s->length < 0 ? s->data_len : (size_t)s->length;
	struct cabo_packet *p = alloc_template(s, n);
	if (!p)
		return cabo_errh_error(errh, "out of packet memory");
	fill(p->data, n, s->data, s->data_len);
	if (s->packet)
		cabo_packet_free(s->packet);
	s->packet = p;
	return 0;
}

/* ---- Handlers */

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

char *cabo_source_trim(const char *value)
{
	while (is_space(*value))
		value++;
	size_t n = strlen(value);
	while (n && is_space(value[n - 1]))
		n--;
	return cabo_xstrndup(value, n);
}

int cabo_source_read(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	struct cabo_source *s = (struct cabo_source *)e;
	switch ((enum cabo_source_param)(intptr_t)arg) {
	case CABO_SOURCE_DATA:
		cabo_strbuf_append(out, (const char *)s->data, s->data_len);
		break;
	case CABO_SOURCE_LENGTH:
		cabo_strbuf_printf(out, "%lld", (long long)s->length);
		break;
	case CABO_SOURCE_LIMIT:
		cabo_strbuf_printf(out, "%lld", (long long)s->limit);
		break;
	case CABO_SOURCE_ACTIVE:
		cabo_strbuf_puts(out, s->active ? "true" : "false");
		break;
	case CABO_SOURCE_RESET:
		break;
	}
	return 0;
}

/* DATA is taken verbatim (it may be meant to hold spaces); the other values
 * are trimmed. */
static int write_param(struct cabo_source *s, enum cabo_source_param param,
		       const char *value, struct cabo_errh *errh)
{
	if (param == CABO_SOURCE_DATA) {
		size_t n = strlen(value);
		uint8_t *d = cabo_xmalloc(n ? n : 1);
		memcpy(d, value, n);
		free(s->data);
		s->data = d;
		s->data_len = n;
		return s->initialized ? cabo_source_make_template(s, errh) : 0;
	}
	char *v = cabo_source_trim(value);
	int64_t i;
	bool b;
	int r = 0;
	switch (param) {
	case CABO_SOURCE_LENGTH:
		if (!cabo_parse_int(v, &i) || i > CABO_SOURCE_MAX_LENGTH)
			r = cabo_errh_error(errh, "%s", s->ops->bad_length);
		else {
			s->length = i;
			if (s->initialized)
				r = cabo_source_make_template(s, errh);
		}
		break;
	case CABO_SOURCE_LIMIT:
		if (!cabo_parse_int(v, &i))
			r = cabo_errh_error(errh, "%s", s->ops->bad_limit);
		else
			s->limit = i;
		break;
	case CABO_SOURCE_ACTIVE:
		if (!cabo_parse_bool(v, &b))
			r = cabo_errh_error(errh, "%s", s->ops->bad_active);
		else
			s->active = b;
		break;
	case CABO_SOURCE_RESET:
		s->count = 0;
		break;
	case CABO_SOURCE_DATA:
		break;
	}
	free(v);
	return r;
}

int cabo_source_write(struct cabo_element *e, const char *value, const void *arg,
		      struct cabo_errh *errh)
{
	struct cabo_source *s = (struct cabo_source *)e;
	enum cabo_source_param param = (enum cabo_source_param)(intptr_t)arg;
	int r = write_param(s, param, value, errh);
	if (r == 0 && s->ops->written)
		s->ops->written(s, param);
	return r;
}
