/* Classification trees: the compiled programs against a naive matcher.
 *
 * The naive matchers here are written from the documented semantics, not
 * from classtree.c: a Classifier pattern is a list of byte clauses, each
 * true when every byte with a nonzero mask lies inside the packet and
 * matches; general expressions are and/or/not trees over word tests with a
 * short-packet result.  Thousands of random pattern sets and packets (with
 * values from a small alphabet so patterns overlap and packets match) catch
 * any optimization that changes an answer. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../elements/classify/classtree.h"
#include "check.h"

/* ---- A small deterministic generator (xorshift) */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 11) % n;
}

static const uint8_t alphabet[] = { 0x00, 0x01, 0x08, 0x06, 0x80, 0xff, 0x0f, 0xf0 };
static uint8_t rnd_byte(void)
{
	return rnd(8) ? alphabet[rnd(sizeof alphabet)] : (uint8_t)rnd(256);
}
static uint8_t rnd_mask(void)
{
	switch (rnd(6)) {
	case 0:
		return 0x0f;
	case 1:
		return 0xf0;
	case 2:
		return (uint8_t)(1u << rnd(8));
	case 3:
		return rnd(4) ? 0xff : 0;
	default:
		return 0xff;
	}
}

enum { DROP_OUT = 2147483647, MAXPKT = 40 };

/* ======================================================================
 * Classifier-style pattern sets
 * ====================================================================== */

struct clause {
	unsigned offset, len;
	uint8_t value[6], mask[6];
	bool negated;
};
struct pattern {
	bool everything;
	unsigned nclauses;
	struct clause c[4];
};

static bool naive_clause(const struct clause *c, const uint8_t *d, uint32_t len)
{
	for (unsigned k = 0; k < c->len; k++) {
		if (!c->mask[k])
			continue;
		if (c->offset + k >= len || (d[c->offset + k] & c->mask[k]) != (c->value[k] & c->mask[k]))
			return false;
	}
	return true;
}

static int naive_classify(const struct pattern *p, unsigned n, const uint8_t *d, uint32_t len)
{
	for (unsigned i = 0; i < n; i++) {
		bool ok = true;
		for (unsigned j = 0; j < p[i].nclauses && ok; j++)
			ok = naive_clause(&p[i].c[j], d, len) != p[i].c[j].negated;
		if (ok)
			return (int)i;
	}
	return DROP_OUT;
}

/* The same construction the Classifier element uses. */
static ct_expr build_pattern(struct ct_builder *b, const struct pattern *p)
{
	if (p->everything)
		return CT_TRUE;
	ct_expr items[64];
	unsigned n = 0;
	for (unsigned j = 0; j < p->nclauses; j++) {
		const struct clause *c = &p->c[j];
		unsigned k = ct_bytes(b, c->offset, c->value, c->mask, c->len, false, items + n);
		if (c->negated) {
			ct_expr clause = ct_and_list(b, items + n, k);
			items[n++] = ct_not(b, clause);
		} else {
			n += k;
		}
	}
	return ct_and_list(b, items, n);
}

static void random_pattern(struct pattern *p, unsigned maxoff)
{
	memset(p, 0, sizeof *p);
	if (!rnd(12)) {
		p->everything = true;
		return;
	}
	p->nclauses = 1 + rnd(3);
	for (unsigned j = 0; j < p->nclauses; j++) {
		struct clause *c = &p->c[j];
		c->offset = rnd(maxoff);
		c->len = 1 + rnd(rnd(3) ? 2 : 6);
		for (unsigned k = 0; k < c->len; k++) {
			c->mask[k] = rnd_mask();
			c->value[k] = rnd_byte() & c->mask[k];
		}
		c->negated = !rnd(4);
	}
}

static void random_packet(uint8_t *d, uint32_t *len, const struct pattern *p, unsigned np)
{
	*len = rnd(4) ? 8 + rnd(MAXPKT - 8) : rnd(MAXPKT);
	for (unsigned i = 0; i < MAXPKT; i++)
		d[i] = rnd_byte();
	/* often make the packet satisfy one pattern's positive clauses */
	if (np && rnd(3)) {
		const struct pattern *q = &p[rnd(np)];
		for (unsigned j = 0; j < q->nclauses; j++) {
			const struct clause *c = &q->c[j];
			if (c->negated && rnd(2))
				continue;
			for (unsigned k = 0; k < c->len && c->offset + k < MAXPKT; k++)
				d[c->offset + k] = (uint8_t)((d[c->offset + k] & ~c->mask[k]) | c->value[k]);
		}
	}
}

/* Runs the program on a packet in a buffer of exactly `readable` bytes, so
 * the sanitizer sees any read past it. */
static int run(const struct ct_program *prog, const uint8_t *d, uint32_t len, uint32_t readable)
{
	uint8_t *buf = malloc(readable ? readable : 1);
	memcpy(buf, d, readable);
	int out = ct_match(prog, buf, len, readable);
	free(buf);
	return out;
}

static unsigned mismatches;

static void report_mismatch(const struct ct_program *prog, const uint8_t *d, uint32_t len,
			    int want, int got)
{
	if (mismatches++ > 3)
		return;
	struct cabo_strbuf sb = CABO_STRBUF_INIT;
	ct_program_unparse(prog, &sb);
	fprintf(stderr, "mismatch: want %d got %d, len %u, packet", want, got, len);
	for (uint32_t i = 0; i < len; i++)
		fprintf(stderr, " %02x", d[i]);
	fprintf(stderr, "\n%s", cabo_strbuf_str(&sb));
	cabo_strbuf_free(&sb);
}

/* Patterns i and i + 1 the same but for one clause, "bit B of byte K is 0"
 * in one and "... is 1" in the other: a packet failing both is shorter than
 * K + 1 bytes, a bound that later tests (on other words) must not forget or
 * carry over to paths that do not have it. */
static void presence_pair(struct pattern *p, unsigned i, unsigned maxoff)
{
	struct pattern *q = &p[i];
	if (q->everything || q->nclauses == 4)
		return;
	struct clause *c = &q->c[q->nclauses++];
	memset(c, 0, sizeof *c);
	c->offset = rnd(maxoff + 4);
	c->len = 1;
	c->mask[0] = (uint8_t)(1u << rnd(8));
	p[i + 1] = *q;
	p[i + 1].c[q->nclauses - 1].value[0] = c->mask[0];
}

/* Packet lengths: every length up to MAXPKT (so each tested byte is just
 * missing and just present), then random ones. */
static uint32_t test_length(unsigned t, uint32_t random_len)
{
	return t < 2 * (MAXPKT + 1) ? t % (MAXPKT + 1) : random_len;
}

static void classifier_crosscheck(unsigned rounds, unsigned budget)
{
	for (unsigned r = 0; r < rounds; r++) {
		struct pattern p[10];
		unsigned np = 1 + rnd(10), maxoff = rnd(2) ? 12 : 28;
		for (unsigned i = 0; i < np; i++)
			random_pattern(&p[i], maxoff);
		for (unsigned i = 0; i + 1 < np; i++)
			if (!rnd(3))
				presence_pair(p, i++, maxoff);
		struct ct_builder *b = ct_builder_new();
		ct_expr e[10];
		for (unsigned i = 0; i < np; i++)
			e[i] = build_pattern(b, &p[i]);
		struct ct_program prog;
		CHECK(ct_compile_budget(&prog, b, e, np, budget) == 0);
		for (unsigned t = 0; t < 300; t++) {
			uint8_t d[MAXPKT];
			uint32_t len;
			random_packet(d, &len, p, np);
			len = test_length(t, len);
			int want = naive_classify(p, np, d, len);
			uint32_t readable = rnd(2) ? len : MAXPKT;
			int got = run(&prog, d, len, readable);
			if (got != want)
				report_mismatch(&prog, d, len, want, got);
			CHECK(got == want);
		}
		ct_program_free(&prog);
		ct_builder_free(b);
	}
}

/* ======================================================================
 * General expressions (and/or/not, tests with short results)
 * ====================================================================== */

struct gexpr {
	int op; /* 0 atom, 1 not, 2 and, 3 or */
	unsigned offset;
	uint8_t value[4], mask[4];
	bool short_match;
	struct gexpr *a, *b;
};

/* Atoms come from a small per-round pool, often varied by one bit or a
 * narrower mask, so tests of one word interact (implications, fusion). */
static struct gexpr pool[6];
static unsigned npool;

static void random_atom(struct gexpr *g)
{
	if (npool && rnd(3)) {
		*g = pool[rnd(npool)];
		if (rnd(2)) {
			unsigned k = rnd(4);
			while (!g->mask[k] && rnd(4))
				k = rnd(4);
			if (g->mask[k]) {
				uint8_t bit = (uint8_t)(1u << rnd(8));
				while (!(bit & g->mask[k]))
					bit = (uint8_t)(1u << rnd(8));
				if (rnd(2))
					g->value[k] ^= bit & g->mask[k];
				else
					g->mask[k] &= (uint8_t)~bit, g->value[k] &= g->mask[k];
			}
		}
		if (!rnd(4))
			g->short_match = !g->short_match;
	} else {
		g->offset = 4 * rnd(6);
		for (unsigned k = 0; k < 4; k++) {
			g->mask[k] = rnd(2) ? rnd_mask() : 0;
			g->value[k] = rnd_byte() & g->mask[k];
		}
		g->short_match = !rnd(3);
		if (npool < 6)
			pool[npool++] = *g;
	}
}

/* "Byte k is present" as IPClassifier writes it: bit B of byte k is 0, or
 * it is 1 (both tests fail on a packet without byte k).  Or "byte k is
 * absent": the same bit is 0 and is 1, with tests true on short packets. */
static struct gexpr *presence_gexpr(unsigned k)
{
	struct gexpr *g = calloc(1, sizeof *g), *x = calloc(1, sizeof *x);
	x->offset = k & ~3u;
	x->mask[k & 3] = (uint8_t)(1u << rnd(8));
	x->short_match = !rnd(3);
	struct gexpr *y = calloc(1, sizeof *y);
	*y = *x;
	y->value[k & 3] = y->mask[k & 3];
	g->op = x->short_match ? 2 : 3;
	g->a = rnd(2) ? x : y;
	g->b = g->a == x ? y : x;
	return g;
}

static struct gexpr *random_gexpr(unsigned depth)
{
	struct gexpr *g = calloc(1, sizeof *g);
	if (depth && !rnd(5)) {
		/* a subexpression guarded by a presence (or absence) test */
		g->op = 2;
		g->a = random_gexpr(depth - 1);
		g->b = presence_gexpr(rnd(24));
		return g;
	}
	g->op = depth && rnd(3) ? 1 + (int)rnd(3) : 0;
	if (g->op == 0) {
		random_atom(g);
	} else {
		g->a = random_gexpr(depth - 1);
		if (g->op != 1)
			g->b = random_gexpr(depth - 1);
	}
	return g;
}

static void free_gexpr(struct gexpr *g)
{
	if (!g)
		return;
	free_gexpr(g->a);
	free_gexpr(g->b);
	free(g);
}

static bool naive_gexpr(const struct gexpr *g, const uint8_t *d, uint32_t len)
{
	switch (g->op) {
	case 0: {
		unsigned last = 0;
		for (unsigned k = 0; k < 4; k++)
			if (g->mask[k])
				last = k + 1;
		if (g->offset + last > len)
			return last ? g->short_match : true;
		for (unsigned k = 0; k < last; k++)
			if ((d[g->offset + k] & g->mask[k]) != g->value[k])
				return false;
		return true;
	}
	case 1:
		return !naive_gexpr(g->a, d, len);
	case 2:
		return naive_gexpr(g->a, d, len) && naive_gexpr(g->b, d, len);
	default:
		return naive_gexpr(g->a, d, len) || naive_gexpr(g->b, d, len);
	}
}

static ct_expr build_gexpr(struct ct_builder *b, const struct gexpr *g)
{
	switch (g->op) {
	case 0:
		return ct_word(b, g->offset, g->value, g->mask, g->short_match);
	case 1:
		return ct_not(b, build_gexpr(b, g->a));
	case 2:
		return ct_and(b, build_gexpr(b, g->a), build_gexpr(b, g->b));
	default:
		return ct_or(b, build_gexpr(b, g->a), build_gexpr(b, g->b));
	}
}

static void general_crosscheck(unsigned rounds, unsigned budget)
{
	for (unsigned r = 0; r < rounds; r++) {
		struct gexpr *g[6];
		unsigned ng = 1 + rnd(6);
		npool = 0;
		struct ct_builder *b = ct_builder_new();
		ct_expr e[6];
		for (unsigned i = 0; i < ng; i++) {
			g[i] = random_gexpr(1 + rnd(4));
			e[i] = build_gexpr(b, g[i]);
		}
		struct ct_program prog;
		CHECK(ct_compile_budget(&prog, b, e, ng, budget) == 0);
		for (unsigned t = 0; t < 200; t++) {
			uint8_t d[MAXPKT];
			uint32_t len = t < 2 * 29 ? t % 29 : rnd(29);
			for (unsigned i = 0; i < MAXPKT; i++)
				d[i] = rnd_byte();
			int want = DROP_OUT;
			for (unsigned i = 0; i < ng && want == DROP_OUT; i++)
				if (naive_gexpr(g[i], d, len))
					want = (int)i;
			bool eval_ok = true;
			for (unsigned i = 0; i < ng; i++)
				eval_ok &= ct_eval(b, e[i], d, len) == naive_gexpr(g[i], d, len);
			CHECK(eval_ok);
			int got = run(&prog, d, len, rnd(2) ? len : MAXPKT);
			if (got != want)
				report_mismatch(&prog, d, len, want, got);
			CHECK(got == want);
		}
		ct_program_free(&prog);
		ct_builder_free(b);
		for (unsigned i = 0; i < ng; i++)
			free_gexpr(g[i]);
	}
}

/* ======================================================================
 * Fixed programs
 * ====================================================================== */

static char *compile_dump(const char *const *spec, unsigned n)
{
	/* spec: "OFF VALUEHEX" pairs, one positive clause per pattern; "-" = all */
	struct ct_builder *b = ct_builder_new();
	ct_expr e[16];
	for (unsigned i = 0; i < n; i++) {
		unsigned off;
		char hex[32];
		if (!strcmp(spec[i], "-")) {
			e[i] = CT_TRUE;
			continue;
		}
		if (sscanf(spec[i], "%u %31s", &off, hex) != 2)
			return NULL;
		uint8_t v[16], m[16];
		unsigned len = (unsigned)strlen(hex) / 2;
		for (unsigned k = 0; k < len; k++) {
			unsigned x;
			sscanf(hex + 2 * k, "%2x", &x);
			v[k] = (uint8_t)x;
			m[k] = 0xff;
		}
		ct_expr items[8];
		unsigned ni = ct_bytes(b, off, v, m, len, false, items);
		e[i] = ct_and_list(b, items, ni);
	}
	struct ct_program prog;
	char *s = NULL;
	if (ct_compile(&prog, b, e, n) == 0) {
		struct cabo_strbuf sb = CABO_STRBUF_INIT;
		ct_program_unparse(&prog, &sb);
		s = cabo_strbuf_release(&sb);
		ct_program_free(&prog);
	}
	ct_builder_free(b);
	return s;
}

static void fixed_programs(void)
{
	static const char *const ether[] = { "12 0800", "12 0806", "12 86dd", "-" };
	char *s = compile_dump(ether, 4);
	CHECK_STR(s, " 0  12/08000000%ffff0000  yes->[0]  no->step 1\n"
		     " 1  12/08060000%ffff0000  yes->[1]  no->step 2\n"
		     " 2  12/86dd0000%ffff0000  yes->[2]  no->[3]\n"
		     "safe length 14\n"
		     "alignment offset 0\n");
	free(s);

	/* A test known from an earlier one is not repeated. */
	static const char *const arp[] = { "12 0806", "12 0800", "12 0806" };
	s = compile_dump(arp, 3);
	CHECK_STR(s, " 0  12/08060000%ffff0000  yes->[0]  no->step 1\n"
		     " 1  12/08000000%ffff0000  yes->[1]  no->[X]\n"
		     "safe length 14\n"
		     "alignment offset 0\n");
	free(s);

	static const char *const all[] = { "-", "12 0800" };
	s = compile_dump(all, 2);
	CHECK_STR(s, "all->[0]\nsafe length 0\nalignment offset 0\n");
	free(s);

	/* Same word, two clauses: fused. */
	static const char *const fused[] = { "12 08004500" };
	s = compile_dump(fused, 1);
	CHECK_STR(s, " 0  12/08004500%ffffffff  yes->[0]  no->[X]\n"
		     "safe length 16\n"
		     "alignment offset 0\n");
	free(s);
}

/* a || b where a and b differ in the only bit of their last byte: one test
 * without that bit would wrongly accept packets that end before it. */
static void or_pair_width(void)
{
	struct ct_builder *b = ct_builder_new();
	static const uint8_t m[4] = { 0xff, 0x01, 0, 0 };
	static const uint8_t v1[4] = { 0x08, 0x01, 0, 0 }, v0[4] = { 0x08, 0x00, 0, 0 };
	ct_expr e = ct_or(b, ct_word(b, 0, v1, m, false), ct_word(b, 0, v0, m, false));
	struct ct_program prog;
	CHECK(ct_compile(&prog, b, &e, 1) == 0);
	static const uint8_t pkt[4] = { 0x08, 0x00, 0x00, 0x00 };
	CHECK(run(&prog, pkt, 1, 1) == DROP_OUT);
	CHECK(run(&prog, pkt, 2, 2) == 0);
	CHECK(run(&prog, pkt, 4, 4) == 0);
	ct_program_free(&prog);
	ct_builder_free(b);
}

/* Patterns of positive "OFF/HEX[%MASKHEX]" clauses, compiled and run on one
 * packet. */
static int classify_text(const char *const *pats, unsigned n, const uint8_t *pkt, uint32_t len)
{
	struct ct_builder *b = ct_builder_new();
	ct_expr e[8];
	for (unsigned i = 0; i < n; i++) {
		ct_expr items[16];
		unsigned ni = 0;
		const char *s = pats[i];
		unsigned off, k;
		char hex[16];
		int used;
		while (sscanf(s, " %u/%15[0-9a-f]%n", &off, hex, &used) == 2) {
			uint8_t v[8], m[8];
			for (k = 0; 2 * k < strlen(hex); k++) {
				unsigned x;
				sscanf(hex + 2 * k, "%2x", &x);
				v[k] = (uint8_t)x;
				m[k] = 0xff;
			}
			s += used;
			if (sscanf(s, "%%%15[0-9a-f]%n", hex, &used) == 1) {
				for (unsigned j = 0; j < k && 2 * j < strlen(hex); j++) {
					unsigned x;
					sscanf(hex + 2 * j, "%2x", &x);
					m[j] = (uint8_t)x;
				}
				s += used;
			}
			ni += ct_bytes(b, off, v, m, k, false, items + ni);
		}
		e[i] = ct_and_list(b, items, ni);
	}
	struct ct_program prog;
	int out = -1;
	if (ct_compile(&prog, b, e, n) == 0) {
		out = run(&prog, pkt, len, len);
		ct_program_free(&prog);
	}
	ct_builder_free(b);
	return out;
}

/* Two paths reach the same pending patterns knowing different things about
 * word 12; a memoized state must not lend one path's deductions to the other. */
static void memo_knowledge(void)
{
	uint8_t pkt[24] = { 0 };
	static const char *const known[] = { "4/01 12/08 16/01", "12/0800 20/01", "13/00" };
	pkt[12] = 0x07;
	CHECK(classify_text(known, 3, pkt, 24) == 2);
	static const char *const absent[] = { "4/01 12/0800", "12/08 20/01", "13/00" };
	pkt[12] = 0x08;
	CHECK(classify_text(absent, 3, pkt, 24) == 2);
	pkt[4] = 0x01;
	CHECK(classify_text(absent, 3, pkt, 24) == 0);
}

/* "OFF/VALUE%MASK", four bytes each in packet order: one word test that
 * fails on a packet too short for it. */
static ct_expr word_text(struct ct_builder *b, const char *s)
{
	unsigned off;
	char hv[9], hm[9];
	uint8_t v[4] = { 0 }, m[4] = { 0 };
	if (sscanf(s, "%u/%8[0-9a-f]%%%8[0-9a-f]", &off, hv, hm) == 3)
		for (unsigned k = 0; k < 4; k++) {
			unsigned x, y;
			sscanf(hv + 2 * k, "%2x", &x);
			sscanf(hm + 2 * k, "%2x", &y);
			v[k] = (uint8_t)x;
			m[k] = (uint8_t)y;
		}
	return ct_word(b, off, v, m, false);
}

/* Two failed tests of one bit of byte 21 (it is 0; it is 1) prove the packet
 * has no byte 21.  After that, pattern 2's tests of word 44 cannot succeed
 * and the search concludes "no match"; that conclusion must not be reused
 * on a path (byte 1's test failing) where nothing bounds the length. */
static void short_bound(void)
{
	struct ct_builder *b = ct_builder_new();
	ct_expr e[3];
	e[0] = ct_and(b, word_text(b, "8/00060000%00ff0000"), word_text(b, "56/00020000%00020000"));
	e[1] = ct_and(b, word_text(b, "0/00000000%00e00000"),
		      ct_or(b, word_text(b, "20/00000000%00800000"),
			    word_text(b, "20/00800000%00800000")));
	e[2] = ct_and(b, word_text(b, "8/00110000%00ff0000"),
		      ct_or(b, word_text(b, "44/00000000%00000080"),
			    word_text(b, "44/00000080%00000080")));
	struct ct_program prog;
	CHECK(ct_compile(&prog, b, e, 3) == 0);
	uint8_t pkt[64] = { 0 };
	pkt[1] = 0x2b;
	pkt[9] = 0x11;
	CHECK(ct_eval(b, e[2], pkt, 54));
	CHECK(run(&prog, pkt, 54, 54) == 2);
	/* every length, and byte 1 both matching and not */
	for (unsigned v = 0; v < 2; v++) {
		pkt[1] = v ? 0x0b : 0x2b;
		for (uint32_t len = 0; len <= 64; len++) {
			int want = DROP_OUT;
			for (unsigned i = 0; i < 3 && want == DROP_OUT; i++)
				if (ct_eval(b, e[i], pkt, len))
					want = (int)i;
			int got = run(&prog, pkt, len, len);
			if (got != want)
				report_mismatch(&prog, pkt, len, want, got);
			CHECK(got == want);
		}
	}
	ct_program_free(&prog);
	ct_builder_free(b);

	/* The same with Classifier patterns: the two bit tests of byte 21 in
	 * two patterns, pattern 3's test of byte 45 after them. */
	static const char *const pats[] = { "9/06 58/02%02", "1/00%e0 21/00%80", "1/00%e0 21/80%80",
					    "9/11 45/00%80", "9/11 45/80%80" };
	pkt[1] = 0x2b;
	CHECK(classify_text(pats, 5, pkt, 54) == 3);
	pkt[45] = 0x80;
	CHECK(classify_text(pats, 5, pkt, 54) == 4);
	CHECK(classify_text(pats, 5, pkt, 45) == DROP_OUT);
	pkt[1] = 0x0b;
	CHECK(classify_text(pats, 5, pkt, 30) == 1);
	CHECK(classify_text(pats, 5, pkt, 21) == DROP_OUT);
}

int main(void)
{
	memo_knowledge();
	short_bound();
	fixed_programs();
	or_pair_width();
	classifier_crosscheck(3000, 20000);
	general_crosscheck(2000, 20000);
	/* the unoptimized fallback must give the same answers */
	classifier_crosscheck(300, 1);
	general_crosscheck(300, 1);
	return check_result();
}
