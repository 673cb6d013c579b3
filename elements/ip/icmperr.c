/* What ICMPError and ICMP6Error share; see icmperr.h. */
#include <stdlib.h>
#include <string.h>

#include "icmperr.h"

bool icmperr_lookup(const struct icmperr_name *t, const char *s, unsigned *out)
{
	for (; t && t->name; t++)
		if (strcmp(t->name, s) == 0) {
			*out = t->value;
			return true;
		}
	uint64_t v;
	if (!cabo_parse_uint(s, &v) || v > 255)
		return false;
	*out = (unsigned)v;
	return true;
}

bool icmperr_parse_addrs(const char *s, size_t addr_size,
			 bool (*parse)(const char *w, void *addr), void **addrs, unsigned *n)
{
	char *u = NULL, **w;
	if ((s[0] == '"' || s[0] == '\'') && !(s = u = cabo_unquote(s)))
		return false;
	unsigned nw = cabo_split_words(s, &w);
	bool ok = true;
	unsigned char *a = nw ? cabo_xcalloc(nw, addr_size) : NULL;
	*addrs = a;
	for (unsigned i = 0; i < nw && ok; i++)
		ok = parse(w[i], a + (size_t)(*n)++ * addr_size);
	cabo_free_strings(w, nw);
	free(u);
	return ok;
}

/* ---- Rate limit */

static void limit_reset(struct icmperr_limit *l)
{
	if (!l->burst_set) {
		uint64_t b = (uint64_t)l->rate;   /* rounded up, at least 1 */
		if ((double)b < l->rate)
			b++;
		l->burst = b ? (double)b : 1;
	}
	l->tokens = l->burst;
	l->started = false;
}

int icmperr_limit_configure(struct icmperr_limit *l, double rate, bool have_burst,
			    uint64_t burst, struct cabo_errh *errh)
{
	if (!(rate >= 0) || rate > 1e9)
		return cabo_errh_error(errh, "RATE: must be between 0 and 1000000000");
	if (have_burst && (burst < 1 || burst > 1000000000))
		return cabo_errh_error(errh, "BURST: must be between 1 and 1000000000");
	l->rate = rate;
	l->burst_set = have_burst;
	l->burst = (double)burst;
	limit_reset(l);
	return 0;
}

bool icmperr_limit_take(struct icmperr_limit *l, const struct cabo_element *e)
{
	if (l->rate <= 0)
		return true;
	int64_t now = cabo_element_now(e);
	if (l->started && now > l->last_ns)
		l->tokens += (double)(now - l->last_ns) * l->rate / 1e9;
	if (l->tokens > l->burst)
		l->tokens = l->burst;
	if (!l->started || now > l->last_ns)
		l->last_ns = now;
	l->started = true;
	if (l->tokens < 1)
		return false;
	l->tokens -= 1;
	return true;
}

int icmperr_read_rate(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	const struct icmperr_limit *l = (const void *)((const char *)e + (uintptr_t)arg);
	cabo_strbuf_printf(out, "%g", l->rate);
	return 0;
}

int icmperr_set_rate(struct icmperr_limit *l, const char *text, struct cabo_errh *errh)
{
	double v;
	if (!text || !cabo_parse_double(text, &v) || !(v >= 0) || v > 1e9)
		return cabo_errh_error(errh, "expected rate between 0 and 1000000000");
	l->rate = v;
	limit_reset(l);
	return 0;
}
