/* IP filter expressions: compiling primitives into classification trees.
 *
 * Each primitive becomes word tests, as in Click's Primitive::compile: the
 * protocol test (6 or 17 for "tcpudp"), "fragment offset is 0" for transport
 * tests, then the field comparisons.  Equality is one masked word test;
 * "x > V" is Click's chain of tests on the high bits (see greater()).
 *
 * Every pattern set is compiled twice per transport offset: without presence
 * tests, for the fast program (packets at least "safe length" long, where
 * every field is present), and with them, for the length-checked program
 * (shorter packets, or packets too close to the end of their buffer).  A
 * presence test for byte k is "the top bit of byte k is 0, or it is 1":
 * true for any packet holding byte k, false for one that does not.  In the
 * fast program it would be harmless but could leave a redundant test.
 */
#include "ipexpr.h"

#include <stdlib.h>
#include <string.h>

/* ======================================================================
 * Primitives to word tests
 * ====================================================================== */

struct tx {
	struct ct_builder *b;
	const struct ipx_set *s;
	unsigned tbase;             /* transport header offset */
	bool guard;                 /* add presence tests */
	unsigned end;               /* furthest byte the current primitive examines */
};

/* (word & mask) == value, word at IP header offset `word` (or transport
 * header offset when transp); mask and value as big-endian numbers. */
static ct_expr lit(struct tx *t, bool transp, unsigned word, uint32_t mask, uint32_t value)
{
	unsigned off = word + (transp ? t->tbase : 0);
	uint8_t m[4], v[4];
	for (unsigned i = 0; i < 4; i++) {
		m[i] = (uint8_t)(mask >> (24 - 8 * i));
		v[i] = (uint8_t)((value & mask) >> (24 - 8 * i));
	}
	return ct_word(t->b, off, v, m, false);
}

static void need(struct tx *t, bool transp, unsigned end)
{
	end += transp ? t->tbase : 0;
	if (end > t->end)
		t->end = end;
}

static int ffs_msb(uint32_t x)
{
	return x ? __builtin_clz(x) + 1 : 0;
}

/* (x & mask) > u for x = (word >> shift): test the high bits first.  While
 * u's top masked bit is 0, "some higher mask bit set" decides yes, else go
 * on with the lower bits (or); while it is 1, "all those bits set" is needed
 * (and).  Click's add_comparison_exprs builds the same chain. */
static ct_expr greater(struct tx *t, bool transp, unsigned word, unsigned shift, uint32_t u,
		       uint32_t mask)
{
	ct_expr test[33];
	bool high[33];
	unsigned n = 0;
	u &= mask;
	while (u < mask && n < 33) {
		bool hb = u > (mask >> 1);
		int fdb = 33 - ffs_msb(hb ? ~(u + 1) & mask : u);
		uint32_t upper = fdb >= 32 ? mask : mask & ~((1u << fdb) - 1);
		if (!upper)
			break;
		ct_expr x = lit(t, transp, word, upper << shift, (hb ? upper : 0) << shift);
		test[n] = hb ? x : ct_not(t->b, x);
		high[n++] = hb;
		mask &= ~upper;
		u &= mask;
	}
	if (!n)
		return CT_FALSE;
	ct_expr r = test[n - 1];
	for (unsigned k = n - 1; k-- > 0;)
		r = high[k] ? ct_and(t->b, test[k], r) : ct_or(t->b, test[k], r);
	return r;
}

static ct_expr compare(struct tx *t, const struct ipx_prim *p, bool transp, unsigned word,
		       unsigned shift, bool negate)
{
	ct_expr r = p->op == IPX_OP_EQ ? lit(t, transp, word, p->mask << shift,
					      (p->value & p->mask) << shift)
				       : greater(t, transp, word, shift, p->value, p->mask);
	return p->op_negated && negate ? ct_not(t->b, r) : r;
}

static ct_expr src_dst(struct tx *t, const struct ipx_prim *p, ct_expr src, ct_expr dst)
{
	ct_expr r;
	if (p->srcdst == IPX_SD_SRC)
		r = src;
	else if (p->srcdst == IPX_SD_DST)
		r = dst;
	else if (p->srcdst == IPX_SD_AND)
		r = ct_and(t->b, src, dst);
	else
		r = ct_or(t->b, src, dst);
	return p->op_negated ? ct_not(t->b, r) : r;
}

static ct_expr prim_expr(struct tx *t, const struct ipx_prim *p)
{
	struct ct_builder *b = t->b;
	ct_expr part[3];
	unsigned np = 0;
	bool sd_src = p->srcdst != IPX_SD_DST, sd_dst = p->srcdst != IPX_SD_SRC;
	t->end = 0;

	int32_t tp = p->transp_proto;
	if (tp == IPX_PROTO_TCP_OR_UDP) {
		part[np++] = ct_or(b, lit(t, false, 8, 0xFF0000, 6 << 16),
				   lit(t, false, 8, 0xFF0000, 17 << 16));
		need(t, false, 10);
	} else if (tp != IPX_UNKNOWN && tp < 256) {
		part[np++] = lit(t, false, 8, 0xFF0000, (uint32_t)tp << 16);
		need(t, false, 10);
	}
	bool transp_field = (p->type & IPX_TYPE_FIELD) && ipx_field_proto(p->type);
	if (p->type == IPX_TYPE_PORT || p->type == IPX_TYPE_TCPOPT || transp_field) {
		part[np++] = lit(t, false, 4, 0x1FFF, 0);     /* first fragment */
		need(t, false, 8);
	}

	ct_expr x = CT_TRUE;
	switch (p->type) {
	case IPX_TYPE_HOST:
		if (sd_src)
			need(t, false, 16);
		if (sd_dst)
			need(t, false, 20);
		x = src_dst(t, p, lit(t, false, 12, p->mask, p->value),
			    lit(t, false, 16, p->mask, p->value));
		break;
	case IPX_TYPE_PROTO:
		if (tp < 256) {
			x = compare(t, p, false, 8, 16, true);
			need(t, false, 10);
		}
		break;
	case IPX_TYPE_IPFRAG:
		x = lit(t, false, 4, 0x3FFF, 0);
		if (!p->op_negated)
			x = ct_not(b, x);
		need(t, false, 8);
		break;
	case IPX_TYPE_PORT:
		if (sd_src)
			need(t, true, 2);
		if (sd_dst)
			need(t, true, 4);
		x = src_dst(t, p, compare(t, p, true, 0, 16, false), compare(t, p, true, 0, 0, false));
		break;
	case IPX_TYPE_TCPOPT:
		x = lit(t, true, 12, p->mask << 16, p->value << 16);
		need(t, true, 14);
		break;
	default: {
		unsigned bit = ipx_field_bitoff(p->type), nbits = ipx_field_nbits(p->type);
		unsigned start, end;
		ipx_field_bytes(p->type, &start, &end);
		x = compare(t, p, transp_field, (bit >> 3) & ~3u, 32 - ((bit & 31) + nbits), true);
		need(t, transp_field, end);
		break;
	}
	}
	part[np++] = x;
	ct_expr r = ct_and_list(b, part, np);
	if (t->guard && t->end && r != CT_FALSE) {
		/* byte k is present: its top bit is 0 or 1 */
		unsigned k = t->end - 1;
		uint8_t m[4] = { 0 }, v[4] = { 0 };
		m[k & 3] = 0x80;
		ct_expr zero = ct_word(b, k & ~3u, v, m, false);
		v[k & 3] = 0x80;
		ct_expr one = ct_word(b, k & ~3u, v, m, false);
		r = ct_and(b, r, ct_or(b, zero, one));
	}
	return r;
}

static ct_expr node_expr(struct tx *t, uint32_t x)
{
	const struct ipx_node *n = &t->s->node[x];
	switch (n->kind) {
	case IPX_FALSE:
		return CT_FALSE;
	case IPX_TRUE:
		return CT_TRUE;
	case IPX_PRIM:
		return prim_expr(t, &t->s->prim[n->a]);
	case IPX_NOT:
		return ct_not(t->b, node_expr(t, n->a));
	case IPX_COND: {
		ct_expr c = node_expr(t, n->a);
		return ct_or(t->b, ct_and(t->b, c, node_expr(t, n->b)),
			     ct_and(t->b, ct_not(t->b, c), node_expr(t, n->c)));
	}
	case IPX_AND: {
		ct_expr *items = cabo_xmalloc(n->b * sizeof *items);
		for (uint32_t i = 0; i < n->b; i++)
			items[i] = node_expr(t, t->s->kid[n->a + i]);
		ct_expr r = ct_and_list(t->b, items, n->b);
		free(items);
		return r;
	}
	default: { /* IPX_OR, as a balanced tree */
		ct_expr *items = cabo_xmalloc(n->b * sizeof *items);
		unsigned m = n->b;
		for (uint32_t i = 0; i < m; i++)
			items[i] = node_expr(t, t->s->kid[n->a + i]);
		while (m > 1) {
			unsigned k = 0;
			for (unsigned i = 0; i < m; i += 2)
				items[k++] = i + 1 < m ? ct_or(t->b, items[i], items[i + 1]) : items[i];
			m = k;
		}
		ct_expr r = items[0];
		free(items);
		return r;
	}
	}
}

/* ======================================================================
 * Programs
 * ====================================================================== */

static int compile_one(struct ct_program *prog, const struct ipx_set *s, unsigned tbase,
		       bool guard, bool chain)
{
	struct ct_builder *b = ct_builder_new();
	struct tx t = { .b = b, .s = s, .tbase = tbase, .guard = guard };
	ct_expr *exprs = cabo_xmalloc((s->npattern + 1) * sizeof *exprs);
	for (unsigned i = 0; i < s->npattern; i++)
		exprs[i] = node_expr(&t, s->root[i]);
	int rc = chain ? ct_compile_budget(prog, b, exprs, s->npattern, 1)
		       : ct_compile(prog, b, exprs, s->npattern);
	free(exprs);
	ct_builder_free(b);
	return rc;
}

static int32_t map_target(const struct ipx_set *s, int32_t j)
{
	if (j > 0 || j == CT_DROP)
		return j;
	int32_t a = s->action[-j];
	return a == IPX_DROP ? -IPX_DROPPED : -a;
}

static void map_code(const struct ipx_set *s, struct ct_code *c)
{
	for (unsigned i = 0; i < c->ninsn; i++)
		for (int k = 0; k < 2; k++)
			c->insn[i].j[k] = map_target(s, c->insn[i].j[k]);
	if (!c->ninsn && c->output_everything != IPX_NO_MATCH)
		c->output_everything = -map_target(s, -c->output_everything);
}

/* The fast code of the guard-free program, the slow code of the guarded
 * one: the guarded one is right for every length, the other for packets
 * holding every byte any pattern examines.  Only the codes of the common
 * header length are optimized (the search can take long on big pattern
 * sets, and 16 of them would take 16 times as long); the others are the
 * compiler's chains, still compiled trees. */
static int compile_program(struct ct_program *prog, const struct ipx_set *s, unsigned tbase,
			   bool optimize)
{
	struct ct_program fast, slow;
	if (compile_one(&fast, s, tbase, false, !optimize) < 0)
		return -1;
	if (compile_one(&slow, s, tbase, true, !optimize) < 0) {
		ct_program_free(&fast);
		return -1;
	}
	memset(prog, 0, sizeof *prog);
	prog->fast = fast.fast;
	prog->slow = slow.slow;
	prog->safe_length = fast.safe_length > slow.safe_length ? fast.safe_length
								: slow.safe_length;
	prog->word_length = fast.word_length;
	prog->fallback = fast.fallback;
	free(fast.slow.insn);
	free(slow.fast.insn);
	map_code(s, &prog->fast);
	map_code(s, &prog->slow);
	return 0;
}

/* ---- Lowering the IHL 5 fast program (struct ipx_fast) */

struct lower {
	const struct ct_code *c;
	int32_t *nodeof;            /* per ct insn: its node, or -1 */
	unsigned nnode;
	struct ipx_fast *f;
	unsigned nval, capval, nleaf;
};

static int16_t lower_target(struct lower *L, int32_t j)
{
	if (j > 0) {
		if (L->nodeof[j] < 0)
			L->nodeof[j] = (int32_t)L->nnode++;
		return (int16_t)L->nodeof[j];
	}
	int32_t out = -j;
	unsigned k = 0;
	while (k < L->nleaf && L->f->leaf[k] != out)
		k++;
	if (k == L->nleaf)
		L->f->leaf[L->nleaf++] = out;
	return (int16_t)-(int32_t)k;
}

enum { MAX_SWITCH = 16 };

/* Jumps go forward (the code is in topological order), so one pass in
 * order sees every node's predecessors first. */
static void lower(struct ipx_fast *f, const struct ct_program *prog)
{
	const struct ct_code *c = &prog->fast;
	memset(f, 0, sizeof *f);
	if (!c->ninsn || c->ninsn >= 16000)
		return;
	struct lower L = { .c = c, .f = f, .nnode = 1 };
	L.nodeof = cabo_xmalloc(c->ninsn * sizeof *L.nodeof);
	for (unsigned i = 0; i < c->ninsn; i++)
		L.nodeof[i] = -1;
	L.nodeof[0] = 0;
	f->node = cabo_xcalloc(c->ninsn, sizeof *f->node);
	f->leaf = cabo_xcalloc(2 * c->ninsn + 1, sizeof *f->leaf);
	for (unsigned i = 0; i < c->ninsn; i++) {
		if (L.nodeof[i] < 0)
			continue;
		const struct ct_insn *x = &c->insn[i];
		unsigned chain[MAX_SWITCH], n = 0;
		int32_t k = (int32_t)i;
		for (;;) {
			chain[n++] = (unsigned)k;
			int32_t next = c->insn[k].j[0];
			if (next <= 0 || n == MAX_SWITCH || c->insn[next].offset != x->offset ||
			    c->insn[next].mask != x->mask)
				break;
			k = next;
		}
		struct ipx_fnode *nd = &f->node[L.nodeof[i]];
		nd->mask = x->mask;
		nd->offset = x->offset;
		nd->n = (uint16_t)n;
		if (n == 1) {
			nd->value = x->value;
			nd->yes = lower_target(&L, x->j[1]);
		} else {
			nd->value = L.nval;
			if (L.nval + n > L.capval) {
				L.capval = 2 * (L.nval + n);
				f->vals = cabo_xrealloc(f->vals, L.capval * sizeof *f->vals);
				f->tgts = cabo_xrealloc(f->tgts, L.capval * sizeof *f->tgts);
			}
			for (unsigned q = 0; q < n; q++) {
				f->vals[L.nval] = c->insn[chain[q]].value;
				f->tgts[L.nval++] = lower_target(&L, c->insn[chain[q]].j[1]);
			}
		}
		nd->no = lower_target(&L, c->insn[chain[n - 1]].j[0]);
	}
	free(L.nodeof);
	f->safe_length = prog->safe_length;
	f->word_length = prog->word_length;
}

int ipx_compile(struct ipx_matcher *m, const struct ipx_set *s, struct cabo_errh *errh)
{
	memset(m, 0, sizeof *m);
	m->per_hl = s->transport;
	m->nprog = m->per_hl ? 16 : 1;
	m->prog = cabo_xcalloc(m->nprog, sizeof *m->prog);
	for (unsigned h = 0; h < m->nprog; h++) {
		if (compile_program(&m->prog[h], s, m->per_hl ? 4 * h : 20,
				    !m->per_hl || h == 5) < 0) {
			ipx_matcher_free(m);
			return cabo_errh_error(errh, "patterns too complex to compile");
		}
	}
	for (unsigned h = 0; h < 16; h++)
		m->by_hl[h] = &m->prog[m->per_hl ? h : 0];
	lower(&m->fast, m->by_hl[5]);
	m->fast.hl_mask = m->per_hl ? 15 : 0;
	m->fast.hl_value = m->per_hl ? 5 : 0;
	return 0;
}

void ipx_matcher_free(struct ipx_matcher *m)
{
	for (unsigned i = 0; i < m->nprog; i++)
		ct_program_free(&m->prog[i]);
	free(m->prog);
	free(m->fast.node);
	free(m->fast.vals);
	free(m->fast.tgts);
	free(m->fast.leaf);
	memset(m, 0, sizeof *m);
}

static void code_outputs(const struct ct_code *c, bool *used, unsigned n)
{
	if (!c->ninsn && (unsigned)c->output_everything < n)
		used[c->output_everything] = true;
	for (unsigned i = 0; i < c->ninsn; i++)
		for (int k = 0; k < 2; k++) {
			int32_t t = c->insn[i].j[k];
			if (t <= 0 && (unsigned)-t < n)
				used[-t] = true;
		}
}

/* The optimized fast program of IHL 5 says what long packets reach; if
 * some output is not among them, optimized programs for the other header
 * lengths and for short packets are compiled to check (chains would claim
 * every output). */
void ipx_matcher_outputs(const struct ipx_matcher *m, const struct ipx_set *s, bool *used,
			 unsigned n)
{
	code_outputs(&m->by_hl[5]->fast, used, n);
	for (unsigned k = 0; k < 2 * m->nprog; k++) {
		bool all = true;
		for (unsigned i = 0; i < n; i++)
			all = all && used[i];
		unsigned h = k / 2;
		bool guard = k % 2;
		if (all)
			return;
		if (!guard && m->per_hl && h == 5)
			continue;
		struct ct_program p;
		if (compile_one(&p, s, m->per_hl ? 4 * h : 20, guard, false) < 0)
			return;
		map_code(s, &p.fast);
		map_code(s, &p.slow);
		code_outputs(guard ? &p.slow : &p.fast, used, n);
		ct_program_free(&p);
	}
}

/* ---- The program handler: Click's format */

static void unparse_target(struct cabo_strbuf *out, int32_t t)
{
	if (t == CT_DROP || t == -IPX_DROPPED)
		cabo_strbuf_puts(out, "[X]");
	else if (t <= 0)
		cabo_strbuf_printf(out, "[%d]", -t);
	else
		cabo_strbuf_printf(out, "step %d", t);
}

static void unparse_code(const struct ct_code *c, struct cabo_strbuf *out)
{
	for (unsigned i = 0; i < c->ninsn; i++) {
		const struct ct_insn *x = &c->insn[i];
		const uint8_t *v = (const uint8_t *)&x->value, *mk = (const uint8_t *)&x->mask;
		cabo_strbuf_printf(out, "%s%u %3d/%02x%02x%02x%02x%%%02x%02x%02x%02x  yes->",
				   i < 10 ? " " : "", i, x->offset, v[0], v[1], v[2], v[3],
				   mk[0], mk[1], mk[2], mk[3]);
		unparse_target(out, x->j[1]);
		cabo_strbuf_puts(out, "  no->");
		unparse_target(out, x->j[0]);
		if (x->short_match)
			cabo_strbuf_puts(out, "  short->yes");
		cabo_strbuf_putc(out, '\n');
	}
	if (!c->ninsn) {
		cabo_strbuf_puts(out, "all->");
		unparse_target(out, -c->output_everything);
		cabo_strbuf_putc(out, '\n');
	}
}

static bool same_code(const struct ct_code *a, const struct ct_code *b)
{
	if (a->ninsn != b->ninsn)
		return false;
	if (!a->ninsn)
		return a->output_everything == b->output_everything;
	return !memcmp(a->insn, b->insn, a->ninsn * sizeof *a->insn);
}

void ipx_matcher_unparse(const struct ipx_matcher *m, struct cabo_strbuf *out)
{
	const struct ct_program *p = m->by_hl[5];
	unparse_code(&p->fast, out);
	cabo_strbuf_printf(out, "safe length %u\n", p->safe_length);
	cabo_strbuf_puts(out, "alignment offset 0\n");
	if (p->fallback)
		cabo_strbuf_puts(out, "unoptimized (too many states)\n");
	if (p->safe_length && !same_code(&p->fast, &p->slow)) {
		cabo_strbuf_printf(out, "short packets (length < %u):\n", p->safe_length);
		unparse_code(&p->slow, out);
	}
	if (m->per_hl)
		cabo_strbuf_puts(out, "transport header at offset 20 (ip hl 5); other header "
				      "lengths run programs compiled for their own offset\n");
}
