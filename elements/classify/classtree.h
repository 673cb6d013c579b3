/* Classification trees: boolean patterns over packet words, compiled into
 * decision DAGs (Click's "wordwise" programs).
 *
 * Front ends (Classifier, later IPClassifier/IPFilter) build expressions from
 * word tests with and/or/not, then compile an ordered list of them: a packet
 * goes to the output of the first expression it satisfies, or nowhere.
 *
 * A word test looks at the 32-bit word at an aligned offset, masked: it is
 * true when every byte with a nonzero mask lies inside the packet and the
 * masked word equals the value.  When the packet ends before the last masked
 * byte, the test gives its `short_match` result instead.  A test with an
 * all-zero mask is always true.
 *
 * The compiler walks the patterns in order and branches on one word test at a
 * time, carrying what the tests so far have proved about the packet (known
 * bits, excluded values, length bounds), so a test whose answer is already
 * known is never made; equal subtrees are shared; adjacent tests of one word
 * are fused.  Two programs come out: one for packets at least `safe_length`
 * bytes long, which never checks lengths, and one for shorter packets, which
 * checks each test's length.  A pattern set too large to optimize within a
 * state budget falls back to a chain of the patterns' tests in which each
 * branch skips the tests its own test decides (correct, less optimized). */
#ifndef CABO_CLASSTREE_H
#define CABO_CLASSTREE_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "strbuf.h"

/* ---- Expressions (hash-consed, owned by a builder) */
typedef uint32_t ct_expr;
enum { CT_FALSE = 0, CT_TRUE = 1 };
enum { CT_MAX_OFFSET = 65532 };   /* largest word offset */

struct ct_builder;

struct ct_builder *ct_builder_new(void);
void ct_builder_free(struct ct_builder *b);

/* The word test at `offset` (a multiple of 4 up to CT_MAX_OFFSET); value and
 * mask are the four bytes in packet order. */
ct_expr ct_word(struct ct_builder *b, unsigned offset, const uint8_t value[4],
		const uint8_t mask[4], bool short_match);
/* Word tests for `len` bytes at any byte offset; writes them to out (room for
 * len / 4 + 2) and returns how many.  Their conjunction is the byte test. */
unsigned ct_bytes(struct ct_builder *b, unsigned offset, const uint8_t *value,
		  const uint8_t *mask, unsigned len, bool short_match, ct_expr *out);
ct_expr ct_not(struct ct_builder *b, ct_expr x);
ct_expr ct_and(struct ct_builder *b, ct_expr x, ct_expr y);
ct_expr ct_or(struct ct_builder *b, ct_expr x, ct_expr y);
/* Conjunction of n items, reordered: word tests first by offset (tests of one
 * word merged into one), then the other items in their order. */
ct_expr ct_and_list(struct ct_builder *b, const ct_expr *items, unsigned n);

/* Straightforward evaluation (reference semantics). */
bool ct_eval(const struct ct_builder *b, ct_expr e, const uint8_t *data, uint32_t len);

/* ---- Programs */
enum { CT_DROP = -2147483647 };   /* jump to "no output" (output 2147483647) */

struct ct_insn {
	uint32_t mask, value;       /* packet order, as loaded with memcpy */
	uint16_t offset;
	uint8_t width;              /* bytes needed from offset: last masked byte + 1 */
	uint8_t short_match;        /* branch taken by a packet too short: 1 yes, 0 no */
	int32_t j[2];               /* j[0] no, j[1] yes: > 0 next insn, <= 0 output -j */
};

struct ct_code {
	struct ct_insn *insn;
	unsigned ninsn;
	int output_everything;      /* the output when ninsn == 0 */
};

struct ct_program {
	struct ct_code fast;        /* for packets of at least safe_length bytes */
	struct ct_code slow;        /* for shorter packets, length-checked */
	uint32_t safe_length;
	uint32_t word_length;       /* bytes the fast program may read */
	bool fallback;              /* optimization budget exceeded: plain chain */
};

/* Compiles patterns[0..n): output i for the first pattern that matches.
 * Returns 0, or -1 when the program would be too large (never for sane
 * configurations). */
int ct_compile(struct ct_program *prog, struct ct_builder *b, const ct_expr *patterns,
	       unsigned n);
/* The same with a budget of compile states per program (tests). */
int ct_compile_budget(struct ct_program *prog, struct ct_builder *b, const ct_expr *patterns,
		      unsigned n, unsigned budget);
void ct_program_free(struct ct_program *prog);
/* Click's program dump: one line per test, safe length, alignment. */
void ct_program_unparse(const struct ct_program *prog, struct cabo_strbuf *out);
/* Sets used[k] for every output k < n that some packet can reach. */
void ct_program_outputs(const struct ct_program *prog, bool *used, unsigned n);

/* ---- Matching */
int ct_match_slow(const struct ct_program *prog, const uint8_t *data, uint32_t len);

static inline uint32_t ct_load32(const uint8_t *p)
{
	uint32_t w;
	memcpy(&w, p, 4);
	return w;
}

/* Output for a packet of `len` bytes at data, with `readable` bytes of
 * buffer from data on (len <= readable); CT_DROP's output when none. */
static inline int ct_match(const struct ct_program *prog, const uint8_t *data,
			   uint32_t len, uint32_t readable)
{
	if (__builtin_expect(len < prog->safe_length || readable < prog->word_length, 0))
		return ct_match_slow(prog, data, len);
	const struct ct_insn *in = prog->fast.insn;
	if (!in)
		return prog->fast.output_everything;
	/* A branch rather than Click's indexed jump: predicted branches let the
	 * next test's loads start before this comparison is done (about twice
	 * as fast on skewed traffic, and faster on a random mix too). */
	int32_t pos = 0;
	do {
		const struct ct_insn *x = &in[pos];
		if ((ct_load32(data + x->offset) & x->mask) == x->value)
			pos = x->j[1];
		else
			pos = x->j[0];
	} while (pos > 0);
	return -pos;
}

#endif
