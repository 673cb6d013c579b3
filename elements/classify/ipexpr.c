/* IP filter expressions: words and the parser.
 *
 * Follows Click's IPFilter (elements/ip/ipfilter.cc) closely: the same word
 * splitting, grammar, qualifier rules (a bare value inherits the previous
 * primitive's type, src/dst and protocol: "src port 80 or 81"), name
 * databases and checks (ipexpr_prim.c), with the same error messages and the
 * same recovery, so a configuration that Click rejects is rejected here with
 * the same reasons.  Differences: "ether" primitives are refused (these elements see
 * IP packets only); names come from Click's built-in tables, not from
 * /etc/services; nesting is limited to a sane depth.
 *
 *   expr   ::= orexpr | orexpr ? expr : expr
 *   orexpr ::= term | orexpr (or | ||) term
 *   term   ::= factor | term [and | &&] factor     (juxtaposition is "and")
 *   factor ::= (not | !) factor | ( expr ) | test
 *   test   ::= true | false | QUALIFIERS [[POS:LEN]] [& MASK] [RELOP] [VALUE] */
#include "ipexpr_impl.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"

enum {
	MAX_DEPTH = 200,            /* nested parentheses, nots and ?: */
	NONE = 0xFFFFFFFFu,         /* no expression (after errors) */
};

/* ======================================================================
 * Numbers and words
 * ====================================================================== */

/* Click's IntArg: optional sign, decimal, 0x hex or 0 octal, the whole word. */
static bool parse_long(const char *s, long long lo, long long hi, long long *out)
{
	if (!*s || isspace((unsigned char)*s))
		return false;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 0);
	if (*end || errno || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

static bool parse_int32(const char *s, int32_t *out)
{
	long long v;
	if (!parse_long(s, INT32_MIN, INT32_MAX, &v))
		return false;
	*out = (int32_t)v;
	return true;
}

static bool parse_uint32(const char *s, uint32_t *out)
{
	long long v;
	if (*s == '-' || !parse_long(s, 0, UINT32_MAX, &v))
		return false;
	*out = (uint32_t)v;
	return true;
}

static uint32_t be32(uint32_t stored)
{
	const uint8_t *b = (const uint8_t *)&stored;
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static bool parse_addr(const char *s, uint32_t *out)
{
	uint32_t a;
	if (!cabo_parse_ip4(s, &a))
		return false;
	*out = be32(a);
	return true;
}

static bool parse_prefix(const char *s, uint32_t *addr, uint32_t *mask)
{
	uint32_t a, m;
	if (!strchr(s, '/') || !cabo_parse_ip4_prefix(s, &a, &m))
		return false;
	*addr = be32(a);
	*mask = be32(m);
	return true;
}

static bool is_ether(const char *s)
{
	uint8_t e[6];
	return cabo_parse_ether(s, e);
}

/* Click's separate_text: operators and brackets are words of their own. */
static unsigned split_words(const char *s, char ***out)
{
	size_t len = strlen(s), pos = 0;
	char **w = NULL;
	unsigned n = 0, cap = 0;
	while (pos < len) {
		while (pos < len && isspace((unsigned char)s[pos]))
			pos++;
		if (pos >= len)
			break;
		size_t first = pos;
		char c = s[pos];
		if (c == '&' || c == '|')
			pos += pos + 1 < len && s[pos + 1] == c ? 2 : 1;
		else if (c == '<' || c == '>' || c == '!' || c == '=')
			pos += pos + 1 < len && s[pos + 1] == '=' ? 2 : 1;
		else if (strchr("()[],;?", c))
			pos++;
		else {
			while (pos < len && (isalnum((unsigned char)s[pos]) || strchr("-./@_:", s[pos])))
				pos++;
			if (pos == first)
				pos++;
		}
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			w = cabo_xrealloc(w, cap * sizeof *w);
		}
		w[n++] = cabo_xstrndup(s + first, pos - first);
	}
	*out = w;
	return n;
}

/* ======================================================================
 * The parser
 * ====================================================================== */
static uint32_t mk(struct ipx_set *s, uint32_t kind, uint32_t a, uint32_t b, uint32_t c)
{
	if (s->nnode == s->capnode) {
		s->capnode = s->capnode ? 2 * s->capnode : 64;
		s->node = cabo_xrealloc(s->node, s->capnode * sizeof *s->node);
	}
	s->node[s->nnode] = (struct ipx_node){ kind, a, b, c };
	return s->nnode++;
}

static uint32_t mk_not(struct ipx_set *s, uint32_t x)
{
	return x == NONE ? NONE : mk(s, IPX_NOT, x, 0, 0);
}

/* An AND or OR node over the items that exist. */
static uint32_t mk_list(struct ipx_set *s, uint32_t kind, const uint32_t *items, unsigned n)
{
	unsigned m = 0;
	for (unsigned i = 0; i < n; i++)
		m += items[i] != NONE;
	if (m <= 1) {
		for (unsigned i = 0; i < n; i++)
			if (items[i] != NONE)
				return items[i];
		return NONE;
	}
	if (s->nkid + m > s->capkid) {
		s->capkid = (s->nkid + m) * 2;
		s->kid = cabo_xrealloc(s->kid, s->capkid * sizeof *s->kid);
	}
	uint32_t first = s->nkid;
	for (unsigned i = 0; i < n; i++)
		if (items[i] != NONE)
			s->kid[s->nkid++] = items[i];
	return mk(s, kind, first, m, 0);
}

struct list {
	uint32_t *v;
	unsigned n, cap;
};

static void list_add(struct list *l, uint32_t x)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 8;
		l->v = cabo_xrealloc(l->v, l->cap * sizeof *l->v);
	}
	l->v[l->n++] = x;
}
/* [POS], [POS:LEN] or [POS1,POS2] after a protocol: a header field. */
static unsigned parse_brackets(struct ipx_parser *P, struct ipx_prim *p, unsigned pos)
{
	unsigned first_pos = pos + 1;
	struct cabo_strbuf comb = CABO_STRBUF_INIT;
	for (pos++; pos < P->nw && !eq(P->w[pos], "]"); pos++)
		cabo_strbuf_puts(&comb, P->w[pos]);
	if (pos >= P->nw) {
		ipx_perror(P, "missing ']'");
		cabo_strbuf_free(&comb);
		return first_pos;
	}
	pos++;
	char *c = cabo_xstrdup(cabo_strbuf_str(&comb));
	cabo_strbuf_free(&comb);
	size_t n = strlen(c);
	char *colon = strchr(c, ':'), *comma = strchr(c, ',');
	int32_t fieldpos = 0, len = 1, pos2;
	bool ok = false;
	if (colon && colon < c + n - 1) {
		*colon = 0;
		ok = parse_int32(c, &fieldpos) && parse_int32(colon + 1, &len);
	} else if (comma && comma < c + n - 1) {
		*comma = 0;
		ok = parse_int32(c, &fieldpos) && parse_int32(comma + 1, &pos2);
		len = pos2 - fieldpos + 1;
	} else {
		ok = parse_int32(c, &fieldpos);
	}
	free(c);
	if (!ok) {
		ipx_perror(P, "syntax error after '[', expected '[POS]' or '[POS:LEN]'");
		return pos;
	}
	if (fieldpos < 0 || fieldpos >= 0x2000) {
		ipx_perror(P, "POS in '[POS:LEN]' out of range");
		return pos;
	}
	if (len < 1 || len > 4) {
		ipx_perror(P, "LEN in '[POS:LEN]' out of range, should be between 1 and 4");
		return pos;
	}
	int32_t bit = fieldpos * 8, nbits = len * 8;
	if ((bit & ~31) != ((bit + nbits - 1) & ~31)) {
		ipx_perror(P, "field [%d:%d] does not fit in a single word", (int)fieldpos, (int)len);
		return pos;
	}
	int32_t proto = p->transp_proto == IPX_UNKNOWN ? 0 : p->transp_proto;
	ipx_set_type(P, p, IPX_FIELD(proto, bit, nbits));
	return pos;
}

static const char *word_at(const struct ipx_parser *P, unsigned pos)
{
	/* Click looks at the next word only when another follows it */
	return pos + 1 >= P->nw ? "" : P->w[pos];
}

static uint32_t add_prim(struct ipx_parser *P, const struct ipx_prim *p)
{
	struct ipx_set *s = P->s;
	if (s->nprim == s->capprim) {
		s->capprim = s->capprim ? 2 * s->capprim : 16;
		s->prim = cabo_xrealloc(s->prim, s->capprim * sizeof *s->prim);
	}
	s->prim[s->nprim] = *p;
	if (p->type == IPX_TYPE_PORT || p->type == IPX_TYPE_TCPOPT ||
	    ((p->type & IPX_TYPE_FIELD) && ipx_field_proto(p->type)))
		s->transport = true;
	return mk(s, IPX_PRIM, s->nprim++, 0, 0);
}

static unsigned parse_test(struct ipx_parser *P, unsigned pos, bool negated, uint32_t *out)
{
	*out = NONE;
	if (pos >= P->nw)
		return pos;
	const char *first = P->w[pos];
	if (eq(first, ")") || eq(first, "||") || eq(first, "or") || eq(first, "?") ||
	    eq(first, ":"))
		return pos;
	if (eq(first, "true") || eq(first, "false")) {
		*out = mk(P->s, eq(first, "true") != negated ? IPX_TRUE : IPX_FALSE, 0, 0, 0);
		return pos + 1;
	}

	unsigned first_pos = pos;
	struct ipx_prim prim;
	ipx_prim_clear(&prim);
	int header = 0;
	for (; pos < P->nw; pos++) {
		const char *wd = P->w[pos];
		uint32_t wdata;
		int wt = ipx_lookup(P, wd, 0, IPX_UNKNOWN, &wdata, false);
		if (wt == IPX_TYPE_TYPE) {
			ipx_set_type(P, &prim, (int32_t)wdata);
			if ((wdata & IPX_TYPE_FIELD) && (wdata & FIELD_PROTO_MASK))
				ipx_set_transp_proto(P, &prim, ipx_field_proto((int32_t)wdata));
		} else if (wt == IPX_TYPE_PROTO) {
			ipx_set_transp_proto(P, &prim, (int32_t)wdata);
		} else if (wt != -1) {
			break;
		} else if (eq(wd, "src")) {
			const char *w2 = pos + 2 < P->nw ? P->w[pos + 2] : "";
			const char *w1 = pos + 2 < P->nw ? P->w[pos + 1] : "";
			if ((eq(w2, "dst") || eq(w2, "dest")) && (eq(w1, "and") || eq(w1, "&&"))) {
				ipx_set_srcdst(P, &prim, IPX_SD_AND);
				pos += 2;
			} else if ((eq(w2, "dst") || eq(w2, "dest")) && (eq(w1, "or") || eq(w1, "||"))) {
				ipx_set_srcdst(P, &prim, IPX_SD_OR);
				pos += 2;
			} else {
				ipx_set_srcdst(P, &prim, IPX_SD_SRC);
			}
		} else if (eq(wd, "dst") || eq(wd, "dest")) {
			ipx_set_srcdst(P, &prim, IPX_SD_DST);
		} else if (eq(wd, "ip") || eq(wd, "ether")) {
			if (header)
				break;
			header = wd[0];
		} else if (eq(wd, "not") || eq(wd, "!")) {
			negated = !negated;
		} else {
			break;
		}
	}
	if (pos != first_pos)
		ipx_prim_clear(&P->prev);
	if (P->prev.data == IPX_TYPE_ETHER)
		header = 'e';

	const char *wd = word_at(P, pos);
	if (eq(wd, "[") && pos > first_pos && prim.type == IPX_TYPE_NONE) {
		pos = parse_brackets(P, &prim, pos);
		wd = word_at(P, pos);
	}

	int mask_dt = 0;
	uint32_t pmask = 0;
	if (eq(wd, "&") && pos + 1 < P->nw) {
		const char *mw = P->w[pos + 1];
		if (parse_uint32(mw, &pmask))
			mask_dt = IPX_TYPE_INT;
		else if (header != 'e' && parse_addr(mw, &pmask))
			mask_dt = IPX_TYPE_HOST;
		else if (header != 'i' && is_ether(mw))
			mask_dt = IPX_TYPE_ETHER;
		if (mask_dt)
			pos += 2;
		if (mask_dt && mask_dt != IPX_TYPE_ETHER && !pmask) {
			ipx_perror(P, "zero mask ignored");
			mask_dt = 0;
		}
		wd = word_at(P, pos);
	}

	pos++;
	if (eq(wd, "=") || eq(wd, "==")) {
	} else if (eq(wd, "!=")) {
		prim.op_negated = true;
	} else if (eq(wd, ">")) {
		prim.op = IPX_OP_GT;
	} else if (eq(wd, "<")) {
		prim.op = IPX_OP_LT;
	} else if (eq(wd, ">=")) {
		prim.op = IPX_OP_LT;
		prim.op_negated = true;
	} else if (eq(wd, "<=")) {
		prim.op = IPX_OP_GT;
		prim.op_negated = true;
	} else {
		pos--;
	}

	if (pos < P->nw) {
		wd = P->w[pos];
		uint32_t wdata, a, m;
		int32_t iv;
		int wt = ipx_lookup(P, wd, prim.type, prim.transp_proto, &wdata, true);
		pos++;
		if (wt == -2) {
			prim.type = -2;
		} else if (wt != -1 && wt != IPX_TYPE_TYPE) {
			prim.data = wt;
			prim.value = wdata;
		} else if (parse_int32(wd, &iv)) {
			prim.data = IPX_TYPE_INT;
			prim.value = (uint32_t)iv;
		} else if (header != 'e' && parse_addr(wd, &a)) {
			prim.value = a;
			if (pos + 1 < P->nw && eq(P->w[pos], "mask") && parse_addr(P->w[pos + 1], &m)) {
				pos += 2;
				prim.data = IPX_TYPE_NET;
				prim.mask = m;
			} else {
				prim.data = IPX_TYPE_HOST;
			}
		} else if (header != 'e' && parse_prefix(wd, &a, &m)) {
			prim.data = IPX_TYPE_NET;
			prim.value = a;
			prim.mask = m;
		} else if (header != 'i' && is_ether(wd)) {
			prim.data = IPX_TYPE_ETHER;
		} else {
			if (prim.op != IPX_OP_EQ || prim.op_negated)
				ipx_perror(P, "dangling operator near '%s'", wd);
			pos--;
		}
	}

	if (pos == first_pos) {
		ipx_perror(P, "empty term near '%s'", wd);
		return pos;
	}
	if (ipx_check_prim(P, &prim, header, mask_dt, pmask) >= 0) {
		uint32_t x = add_prim(P, &prim);
		*out = negated ? mk_not(P->s, x) : x;
		P->prev = prim;
	}
	return pos;
}

static unsigned parse_expr(struct ipx_parser *P, unsigned pos, uint32_t *out);

static bool too_deep(struct ipx_parser *P)
{
	if (P->depth < MAX_DEPTH)
		return false;
	if (!P->aborted)
		ipx_perror(P, "expression nested too deeply");
	P->aborted = true;
	return true;
}

static unsigned parse_factor(struct ipx_parser *P, unsigned pos, bool negated, uint32_t *out)
{
	*out = NONE;
	if (too_deep(P))
		return P->nw;
	if (pos < P->nw && (eq(P->w[pos], "not") || eq(P->w[pos], "!"))) {
		unsigned last = ++pos;
		P->depth++;
		pos = parse_factor(P, pos, !negated, out);
		P->depth--;
		if (pos == last)
			ipx_perror(P, "missing expression after '%s'", P->w[pos - 1]);
		return pos;
	}
	if (pos < P->nw && eq(P->w[pos], "(")) {
		unsigned last = ++pos;
		P->depth++;
		pos = parse_expr(P, pos, out);
		P->depth--;
		if (pos == last)
			ipx_perror(P, "missing expression after '('");
		if (pos < P->nw && eq(P->w[pos], ")"))
			pos++;
		else if (pos != last)
			ipx_perror(P, "missing ')'");
		if (negated)
			*out = mk_not(P->s, *out);
		return pos;
	}
	return parse_test(P, pos, negated, out);
}

static unsigned parse_term(struct ipx_parser *P, unsigned pos, uint32_t *out)
{
	struct list items = { 0 };
	bool after_and = true;      /* Click's s_term1: a factor is required */
	for (;;) {
		unsigned last = pos;
		uint32_t f;
		pos = parse_factor(P, pos, false, &f);
		if (pos == last) {
			if (after_and)
				ipx_perror(P, "missing expression");
			break;
		}
		list_add(&items, f);
		after_and = pos < P->nw && (eq(P->w[pos], "and") || eq(P->w[pos], "&&"));
		if (after_and)
			pos++;
	}
	*out = mk_list(P->s, IPX_AND, items.v, items.n);
	free(items.v);
	return pos;
}

static unsigned parse_orexpr(struct ipx_parser *P, unsigned pos, uint32_t *out)
{
	struct list items = { 0 };
	for (;;) {
		uint32_t t;
		pos = parse_term(P, pos, &t);
		list_add(&items, t);
		if (pos >= P->nw || !(eq(P->w[pos], "or") || eq(P->w[pos], "||")))
			break;
		pos++;
	}
	*out = mk_list(P->s, IPX_OR, items.v, items.n);
	free(items.v);
	return pos;
}

/* a ? b : c ? d : e is a ? b : (c ? d : e); a missing ':' leaves a and b. */
static uint32_t combine_cond(struct ipx_set *s, const uint32_t *v, unsigned n)
{
	if (n == 1)
		return v[0];
	if (n == 2)
		return mk_list(s, IPX_AND, v, 2);
	uint32_t rest = combine_cond(s, v + 2, n - 2);
	if (v[0] == NONE || v[1] == NONE || rest == NONE)
		return NONE;
	return mk(s, IPX_COND, v[0], v[1], rest);
}

static unsigned parse_expr(struct ipx_parser *P, unsigned pos, uint32_t *out)
{
	struct list items = { 0 };
	uint32_t x;
	pos = parse_orexpr(P, pos, &x);
	list_add(&items, x);
	while (pos < P->nw && eq(P->w[pos], "?") && !too_deep(P)) {
		unsigned last = ++pos;
		P->depth++;
		pos = parse_expr(P, pos, &x);
		P->depth--;
		list_add(&items, x);
		if (pos == last || pos >= P->nw || !eq(P->w[pos], ":")) {
			ipx_perror(P, "missing ':' in ternary expression");
			break;
		}
		pos = parse_orexpr(P, pos + 1, &x);
		list_add(&items, x);
	}
	*out = combine_cond(P->s, items.v, items.n);
	free(items.v);
	return pos;
}

/* ======================================================================
 * Pattern lists
 * ====================================================================== */

static void parse_one(struct ipx_set *s, unsigned slot, const char *text, unsigned noutputs,
		      bool filter, struct cabo_errh *errh)
{
	char *unq = strpbrk(text, "\"'\\") ? cabo_unquote(text) : NULL;
	char **w;
	unsigned nw = split_words(unq ? unq : text, &w);
	free(unq);
	struct ipx_parser P = { .s = s, .w = w, .nw = nw, .slot = slot, .errh = errh };
	ipx_prim_clear(&P.prev);
	s->root[slot] = mk(s, IPX_FALSE, 0, 0, 0);
	s->action[slot] = filter ? IPX_DROP : (int32_t)slot;
	unsigned pos = 0;
	if (filter) {
		if (!nw) {
			cabo_errh_error(errh, "empty pattern %u", slot);
			goto done;
		}
		const char *a = w[pos++];
		int32_t out;
		if (eq(a, "allow")) {
			s->action[slot] = 0;
			if (noutputs == 0)
				ipx_perror(&P, "'allow' is meaningless, element has zero outputs");
		} else if (eq(a, "deny")) {
			if (noutputs > 1)
				ipx_pwarning(&P, "meaning of 'deny' has changed (now it means 'drop')");
		} else if (eq(a, "drop")) {
		} else if (parse_int32(a, &out)) {
			if (out < 0 || (unsigned)out >= noutputs)
				ipx_perror(&P, "slot '%d' out of range", (int)out);
			else
				s->action[slot] = out;
		} else {
			ipx_perror(&P, "unknown slot ID '%s'", a);
		}
	}
	if (pos == nw || (pos + 1 == nw && (eq(w[pos], "-") || eq(w[pos], "any") ||
					      eq(w[pos], "all")))) {
		s->root[slot] = mk(s, IPX_TRUE, 0, 0, 0);
	} else {
		uint32_t root;
		pos = parse_expr(&P, pos, &root);
		if (pos < nw)
			ipx_perror(&P, "garbage after expression at '%s'", w[pos]);
		if (root != NONE)
			s->root[slot] = root;
	}
done:
	cabo_free_strings(w, nw);
}

int ipx_parse(struct ipx_set *s, const char *const *patterns, unsigned n, unsigned noutputs,
	      bool filter, struct cabo_errh *errh)
{
	memset(s, 0, sizeof *s);
	unsigned errors = errh->nerrors;
	s->npattern = n;
	s->root = cabo_xcalloc(n + 1, sizeof *s->root);
	s->action = cabo_xcalloc(n + 1, sizeof *s->action);
	for (unsigned i = 0; i < n; i++) {
		parse_one(s, i, patterns[i], noutputs, filter, errh);
	}
	return errh->nerrors != errors ? -1 : 0;
}

void ipx_set_free(struct ipx_set *s)
{
	free(s->node);
	free(s->kid);
	free(s->prim);
	free(s->root);
	free(s->action);
	memset(s, 0, sizeof *s);
}

void ipx_field_bytes(int32_t t, unsigned *start, unsigned *end)
{
	unsigned bit = ipx_field_bitoff(t), nbits = ipx_field_nbits(t);
	*start = bit / 8;
	*end = (bit + nbits + 7) / 8;
}
