/* Port counts and processing: Click's port-count specs, agnostic port
 * resolution and connection rules, checked when a router is built. */
#include "ports.h"

#include <stdlib.h>
#include <string.h>

/* ---- Port-count specs: "1/1", "1/-", "0-1/1-", "-/=", ... */

struct range {
	unsigned lo, hi;   /* hi == UINT_MAX: unbounded; lo == hi: exact */
	bool same_as_inputs;
};

static const char *parse_range(const char *s, struct range *r)
{
	char *end;
	r->same_as_inputs = false;
	if (*s == '=') {
		r->same_as_inputs = true;
		r->lo = 0;
		r->hi = ~0u;
		return s + 1;
	}
	if (*s == '-') {
		r->lo = 0;
		r->hi = ~0u;
		s++;
		if (*s >= '0' && *s <= '9')
			r->hi = (unsigned)strtoul(s, &end, 10), s = end;
		return s;
	}
	r->lo = r->hi = (unsigned)strtoul(s, &end, 10);
	s = end;
	if (*s == '-') {
		s++;
		r->hi = ~0u;
		if (*s >= '0' && *s <= '9')
			r->hi = (unsigned)strtoul(s, &end, 10), s = end;
	}
	return s;
}

static void describe_range(struct cabo_strbuf *sb, const struct range *r, const char *what)
{
	if (r->lo == r->hi)
		cabo_strbuf_printf(sb, "exactly %u %s%s", r->lo, what, r->lo == 1 ? "" : "s");
	else if (r->hi == ~0u)
		cabo_strbuf_printf(sb, "at least %u %s%s", r->lo, what, r->lo == 1 ? "" : "s");
	else
		cabo_strbuf_printf(sb, "%u to %u %ss", r->lo, r->hi, what);
}

static int check_side(struct cabo_element *e, const struct range *r, unsigned *count,
		      const char *what, struct cabo_errh *errh)
{
	if (*count > r->hi) {
		struct cabo_strbuf sb = CABO_STRBUF_INIT;
		describe_range(&sb, r, what);
		cabo_errh_lerror(errh, e->where, "'%s :: %s' has %u %ss, but %s takes %s",
				 e->name, e->cls->name, *count, what, e->cls->name,
				 cabo_strbuf_str(&sb));
		cabo_strbuf_free(&sb);
		return -1;
	}
	if (*count < r->lo)
		*count = r->lo;
	return 0;
}

int cabo_ports_count(struct cabo_element *e, unsigned used_in, unsigned used_out,
		     struct cabo_errh *errh)
{
	struct range in, out;
	const char *s = parse_range(e->cls->port_count, &in);
	if (*s == '/')
		s++;
	parse_range(s, &out);
	int ok = check_side(e, &in, &used_in, "input", errh);
	if (out.same_as_inputs)
		out.lo = out.hi = used_in;
	ok |= check_side(e, &out, &used_out, "output", errh);
	e->ninputs = used_in;
	e->noutputs = used_out;
	return ok;
}

/* ---- Processing codes */

static enum cabo_mode code_at(const char *codes, unsigned port)
{
	/* The last code repeats for the remaining ports. */
	size_t len = strlen(codes);
	if (!len)
		return CABO_MODE_AGNOSTIC;
	char c = codes[port < len ? port : len - 1];
	return c == 'h' ? CABO_MODE_PUSH : c == 'l' ? CABO_MODE_PULL : CABO_MODE_AGNOSTIC;
}

enum cabo_mode cabo_ports_declared(const struct cabo_element *e, bool output, unsigned port)
{
	const char *proc = e->cls->processing ? e->cls->processing : "a/a";
	const char *slash = strchr(proc, '/');
	if (!output) {
		char in[16];
		size_t n = slash ? (size_t)(slash - proc) : strlen(proc);
		if (n >= sizeof in)
			n = sizeof in - 1;
		memcpy(in, proc, n);
		in[n] = '\0';
		return code_at(in, port);
	}
	return code_at(slash ? slash + 1 : proc, port);
}

const char *cabo_mode_name(enum cabo_mode m)
{
	return m == CABO_MODE_PUSH ? "push" : m == CABO_MODE_PULL ? "pull" : "agnostic";
}
