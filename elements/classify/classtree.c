/* Classification trees: expressions, evaluation and programs.
 * The compiler itself is in classcompile.c. */
#include "classtree_impl.h"

#include <stdio.h>
#include <stdlib.h>

/* ======================================================================
 * Interning tables: variable-length uint32 keys to int32 values.
 * ====================================================================== */

uint32_t ct_hash(const uint32_t *key, uint32_t len)
{
	uint32_t h = 0x811c9dc5u ^ len;
	for (uint32_t i = 0; i < len; i++) {
		h ^= key[i];
		h *= 0x01000193u;
		h ^= h >> 15;
	}
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	return h;
}

static void itab_grow(struct ct_itab *t)
{
	uint32_t cap = t->cap ? 2 * t->cap : 64;
	struct ct_hslot *s = cabo_xcalloc(cap, sizeof *s);
	for (uint32_t i = 0; i < t->cap; i++) {
		if (!t->slot[i].entry)
			continue;
		uint32_t j = t->slot[i].hash & (cap - 1);
		while (s[j].entry)
			j = (j + 1) & (cap - 1);
		s[j] = t->slot[i];
	}
	free(t->slot);
	t->slot = s;
	t->cap = cap;
}

static struct ct_hslot *itab_slot(struct ct_itab *t, const uint32_t *key, uint32_t len,
				  uint32_t hash)
{
	if ((t->nentry + 1) * 4 > t->cap * 3)
		itab_grow(t);
	uint32_t j = hash & (t->cap - 1);
	for (;; j = (j + 1) & (t->cap - 1)) {
		struct ct_hslot *s = &t->slot[j];
		if (!s->entry)
			return s;
		const struct ct_ientry *en = &t->entry[s->entry - 1];
		if (s->hash == hash && en->len == len &&
		    !memcmp(t->pool + en->off, key, len * sizeof *key))
			return s;
	}
}

int32_t *ct_itab_find(struct ct_itab *t, const uint32_t *key, uint32_t len)
{
	struct ct_hslot *s = itab_slot(t, key, len, ct_hash(key, len));
	return s->entry ? &t->entry[s->entry - 1].value : NULL;
}

void ct_itab_add(struct ct_itab *t, const uint32_t *key, uint32_t len, int32_t value)
{
	uint32_t hash = ct_hash(key, len);
	struct ct_hslot *s = itab_slot(t, key, len, hash);
	if (s->entry) {
		t->entry[s->entry - 1].value = value;
		return;
	}
	CT_GROW(t->entry, t->nentry, t->capentry);
	while (t->npool + len > t->cappool) {
		t->cappool = t->cappool ? 2 * t->cappool : 256;
		t->pool = cabo_xrealloc(t->pool, t->cappool * sizeof *t->pool);
	}
	memcpy(t->pool + t->npool, key, len * sizeof *key);
	t->entry[t->nentry] = (struct ct_ientry){ (uint32_t)t->npool, len, value };
	t->npool += len;
	s->hash = hash;
	s->entry = ++t->nentry;
}

void ct_itab_free(struct ct_itab *t)
{
	free(t->slot);
	free(t->entry);
	free(t->pool);
	memset(t, 0, sizeof *t);
}

/* ======================================================================
 * Expressions
 * ====================================================================== */

struct ct_builder *ct_builder_new(void)
{
	struct ct_builder *b = cabo_xcalloc(1, sizeof *b);
	ct_mk(b, CT_OP_FALSE, 0, 0);
	ct_mk(b, CT_OP_TRUE, 0, 0);
	return b;
}

void ct_builder_free(struct ct_builder *b)
{
	if (!b)
		return;
	free(b->e);
	free(b->atom);
	ct_itab_free(&b->etab);
	ct_itab_free(&b->atab);
	free(b);
}

ct_expr ct_mk(struct ct_builder *b, uint32_t op, uint32_t x, uint32_t y)
{
	uint32_t key[3] = { op, x, y };
	int32_t *found = ct_itab_find(&b->etab, key, 3);
	if (found)
		return (ct_expr)*found;
	CT_GROW(b->e, b->ne, b->cape);
	b->e[b->ne] = (struct ct_enode){ op, x, y };
	ct_itab_add(&b->etab, key, 3, (int32_t)b->ne);
	return b->ne++;
}

static unsigned mask_width(uint32_t mask)
{
	const uint8_t *m = (const uint8_t *)&mask;
	for (unsigned i = 4; i > 0; i--)
		if (m[i - 1])
			return i;
	return 0;
}

uint32_t ct_atom_intern(struct ct_builder *b, unsigned offset, uint32_t mask, uint32_t value,
			bool short_match)
{
	struct ct_atom a = { mask, value & mask, (uint16_t)offset, (uint8_t)mask_width(mask),
			     (uint8_t)short_match };
	uint32_t key[3] = { a.offset | (uint32_t)a.short_match << 16, a.mask, a.value };
	int32_t *found = ct_itab_find(&b->atab, key, 3);
	if (found)
		return (uint32_t)*found;
	CT_GROW(b->atom, b->natom, b->capatom);
	b->atom[b->natom] = a;
	ct_itab_add(&b->atab, key, 3, (int32_t)b->natom);
	return b->natom++;
}

ct_expr ct_word(struct ct_builder *b, unsigned offset, const uint8_t value[4],
		const uint8_t mask[4], bool short_match)
{
	uint32_t m, v;
	memcpy(&m, mask, 4);
	memcpy(&v, value, 4);
	if (!m)
		return CT_TRUE;
	return ct_mk(b, CT_OP_ATOM, ct_atom_intern(b, offset, m, v, short_match), 0);
}

unsigned ct_bytes(struct ct_builder *b, unsigned offset, const uint8_t *value,
		  const uint8_t *mask, unsigned len, bool short_match, ct_expr *out)
{
	unsigned n = 0, i = 0;
	while (i < len) {
		unsigned word = (offset + i) & ~3u;
		uint8_t v[4] = { 0 }, m[4] = { 0 };
		for (; i < len && ((offset + i) & ~3u) == word; i++) {
			m[(offset + i) & 3] = mask[i];
			v[(offset + i) & 3] = value[i] & mask[i];
		}
		ct_expr w = ct_word(b, word, v, m, short_match);
		if (w != CT_TRUE)
			out[n++] = w;
	}
	return n;
}

ct_expr ct_not(struct ct_builder *b, ct_expr x)
{
	if (x <= CT_TRUE)
		return x == CT_TRUE ? CT_FALSE : CT_TRUE;
	if (b->e[x].op == CT_OP_NOT)
		return b->e[x].a;
	return ct_mk(b, CT_OP_NOT, x, 0);
}

static bool complementary(const struct ct_builder *b, ct_expr x, ct_expr y)
{
	return (b->e[x].op == CT_OP_NOT && b->e[x].a == y) ||
	       (b->e[y].op == CT_OP_NOT && b->e[y].a == x);
}

ct_expr ct_and(struct ct_builder *b, ct_expr x, ct_expr y)
{
	if (x == CT_FALSE || y == CT_FALSE)
		return CT_FALSE;
	if (x == CT_TRUE || x == y)
		return y;
	if (y == CT_TRUE)
		return x;
	if (complementary(b, x, y))
		return CT_FALSE;
	return ct_mk(b, CT_OP_AND, x, y);
}

ct_expr ct_or(struct ct_builder *b, ct_expr x, ct_expr y)
{
	if (x == CT_TRUE || y == CT_TRUE)
		return CT_TRUE;
	if (x == CT_FALSE || x == y)
		return y;
	if (y == CT_FALSE)
		return x;
	if (complementary(b, x, y))
		return CT_TRUE;
	return ct_mk(b, CT_OP_OR, x, y);
}

/* Merges word test y into x when their conjunction is one word test. */
static bool merge_atoms(struct ct_builder *b, ct_expr *x, ct_expr y, bool *never)
{
	const struct ct_atom *p = &b->atom[b->e[*x].a], *q = &b->atom[b->e[y].a];
	if (p->offset != q->offset || p->short_match != q->short_match)
		return false;
	uint32_t mask = p->mask | q->mask;
	/* A short packet fails a test without short_match, so the conjunction
	 * is one test; with short_match both must need the same length. */
	if (p->short_match && (p->width != q->width || mask_width(mask) != p->width))
		return false;
	if ((p->value ^ q->value) & p->mask & q->mask) {
		if (p->short_match)
			return false;
		*never = true;
		return true;
	}
	uint32_t value = p->value | q->value;
	bool sm = p->short_match;
	*x = ct_mk(b, CT_OP_ATOM, ct_atom_intern(b, p->offset, mask, value, sm), 0);
	return true;
}

ct_expr ct_and_list(struct ct_builder *b, const ct_expr *items, unsigned n)
{
	ct_expr *atoms = cabo_xmalloc((n + 1) * sizeof *atoms);
	unsigned na = 0;
	for (unsigned i = 0; i < n; i++) {
		if (items[i] == CT_FALSE) {
			free(atoms);
			return CT_FALSE;
		}
		if (items[i] > CT_TRUE && b->e[items[i]].op == CT_OP_ATOM) {
			/* insertion sort by offset, stable */
			unsigned j = na++;
			uint16_t off = b->atom[b->e[items[i]].a].offset;
			while (j > 0 && b->atom[b->e[atoms[j - 1]].a].offset > off) {
				atoms[j] = atoms[j - 1];
				j--;
			}
			atoms[j] = items[i];
		}
	}
	/* merge tests of one word */
	unsigned m = 0;
	for (unsigned i = 0; i < na; i++) {
		bool never = false, merged = false;
		for (unsigned j = m; j > 0 && !merged; j--) {
			if (b->atom[b->e[atoms[j - 1]].a].offset != b->atom[b->e[atoms[i]].a].offset)
				break;
			merged = merge_atoms(b, &atoms[j - 1], atoms[i], &never);
		}
		if (never) {
			free(atoms);
			return CT_FALSE;
		}
		if (!merged)
			atoms[m++] = atoms[i];
	}
	ct_expr r = CT_TRUE;
	for (unsigned i = 0; i < m; i++)
		r = ct_and(b, r, atoms[i]);
	for (unsigned i = 0; i < n; i++)
		if (items[i] > CT_TRUE && b->e[items[i]].op != CT_OP_ATOM)
			r = ct_and(b, r, items[i]);
	free(atoms);
	return r;
}

/* ======================================================================
 * Evaluation
 * ====================================================================== */

static bool atom_eval(const struct ct_atom *a, const uint8_t *data, uint32_t len)
{
	if ((uint32_t)a->offset + a->width > len)
		return a->short_match;
	uint8_t w[4] = { 0 };
	uint32_t avail = len - a->offset;
	memcpy(w, data + a->offset, avail < 4 ? avail : 4);
	return (ct_load32(w) & a->mask) == a->value;
}

bool ct_eval(const struct ct_builder *b, ct_expr x, const uint8_t *data, uint32_t len)
{
	for (;;) {
		const struct ct_enode *e = &b->e[x];
		switch (e->op) {
		case CT_OP_FALSE:
			return false;
		case CT_OP_TRUE:
			return true;
		case CT_OP_ATOM:
			return atom_eval(&b->atom[e->a], data, len);
		case CT_OP_NOT:
			return !ct_eval(b, e->a, data, len);
		case CT_OP_AND:
			if (!ct_eval(b, e->a, data, len))
				return false;
			x = e->b;
			break;
		default: /* CT_OP_OR */
			if (ct_eval(b, e->a, data, len))
				return true;
			x = e->b;
			break;
		}
	}
}

/* ======================================================================
 * Programs
 * ====================================================================== */

void ct_program_free(struct ct_program *prog)
{
	free(prog->fast.insn);
	free(prog->slow.insn);
	memset(prog, 0, sizeof *prog);
}

static void unparse_target(struct cabo_strbuf *out, int32_t t)
{
	if (t == CT_DROP)
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
		const uint8_t *v = (const uint8_t *)&x->value, *m = (const uint8_t *)&x->mask;
		cabo_strbuf_printf(out, "%s%u %3d/%02x%02x%02x%02x%%%02x%02x%02x%02x  yes->",
				   i < 10 ? " " : "", i, x->offset, v[0], v[1], v[2], v[3],
				   m[0], m[1], m[2], m[3]);
		unparse_target(out, x->j[1]);
		cabo_strbuf_puts(out, "  no->");
		unparse_target(out, x->j[0]);
		if (x->short_match)
			cabo_strbuf_puts(out, "  short->yes");
		cabo_strbuf_putc(out, '\n');
	}
	if (!c->ninsn)
		cabo_strbuf_printf(out, "all->[%d]\n", c->output_everything);
}

static bool same_code(const struct ct_code *a, const struct ct_code *b)
{
	if (a->ninsn != b->ninsn)
		return false;
	if (!a->ninsn)
		return a->output_everything == b->output_everything;
	return !memcmp(a->insn, b->insn, a->ninsn * sizeof *a->insn);
}

void ct_program_unparse(const struct ct_program *prog, struct cabo_strbuf *out)
{
	unparse_code(&prog->fast, out);
	cabo_strbuf_printf(out, "safe length %u\n", prog->safe_length);
	cabo_strbuf_puts(out, "alignment offset 0\n");
	if (prog->fallback)
		cabo_strbuf_puts(out, "unoptimized (too many states)\n");
	if (prog->safe_length && !same_code(&prog->fast, &prog->slow)) {
		cabo_strbuf_printf(out, "short packets (length < %u):\n", prog->safe_length);
		unparse_code(&prog->slow, out);
	}
}

static void code_outputs(const struct ct_code *c, bool *used, unsigned n)
{
	if (!c->ninsn && (unsigned)c->output_everything < n)
		used[c->output_everything] = true;
	for (unsigned i = 0; i < c->ninsn; i++)
		for (unsigned k = 0; k < 2; k++) {
			int32_t t = c->insn[i].j[k];
			if (t <= 0 && t != CT_DROP && (unsigned)-t < n)
				used[-t] = true;
		}
}

void ct_program_outputs(const struct ct_program *prog, bool *used, unsigned n)
{
	code_outputs(&prog->fast, used, n);
	if (prog->safe_length)
		code_outputs(&prog->slow, used, n);
}

int ct_match_slow(const struct ct_program *prog, const uint8_t *data, uint32_t len)
{
	const struct ct_insn *in = prog->slow.insn;
	if (!in)
		return prog->slow.output_everything;
	int32_t pos = 0;
	do {
		const struct ct_insn *x = &in[pos];
		if ((uint32_t)x->offset + x->width > len) {
			pos = x->j[x->short_match];
		} else {
			uint8_t w[4] = { 0 };
			uint32_t avail = len - x->offset;
			memcpy(w, data + x->offset, avail < 4 ? avail : 4);
			pos = x->j[(ct_load32(w) & x->mask) == x->value];
		}
	} while (pos > 0);
	return -pos;
}
