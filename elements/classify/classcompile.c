/* Classification trees: the compiler from ordered patterns to programs.
 *
 * compile() takes the patterns still undecided (each simplified by what the
 * tests on the path so far proved) and branches on the first word test of
 * the first pattern.  What a path proves is a `know`: bounds on the packet
 * length, bits known per word, masked values known to be absent, and test
 * results that say nothing exact yet (a failed test on a packet that may be
 * short).  Knowledge about words no pending pattern tests is dropped, all
 * but the upper length bound it implies (two such results, "bit 7 of byte
 * 21 is 0" and "... is 1" both false, prove the packet has no byte 21), so
 * a state's knowledge is all about its patterns' words.  States are memoized
 * on the patterns left plus that knowledge, and result nodes are
 * hash-consed, so equal subtrees are built once and shared. */
#include "classtree_impl.h"

#include <stdlib.h>

enum {
	UNREACHABLE = INT32_MIN,    /* a branch no packet takes */
	STATE_BUDGET = 20000,       /* compile states per program before falling back */
	MAX_NODES = 1 << 20,
};

/* ======================================================================
 * Knowledge about the packet along one path
 * ====================================================================== */

struct kword {
	uint32_t offset, mask, value;
};
struct katom {
	uint32_t atom, result;
};
struct know {
	uint32_t len;               /* the packet has at least this many bytes */
	uint32_t under;             /* ... and fewer than this many (0: no bound) */
	struct kword *known;        /* known bits per word, sorted by offset */
	unsigned nknown, capknown;
	struct kword *absent;       /* (word & mask) != value; disjoint from known bits */
	unsigned nabsent, capabsent;
	struct katom *inexact;      /* test results on possibly short packets */
	unsigned ninexact, capinexact;
	bool impossible;
};

static void *dup_array(const void *src, unsigned n, unsigned cap, size_t size)
{
	void *p = cabo_xmalloc(cap * size);
	if (n)
		memcpy(p, src, n * size);
	return p;
}

static void know_copy(struct know *dst, const struct know *src)
{
	*dst = *src;
	dst->capknown = src->nknown + 2;
	dst->known = dup_array(src->known, src->nknown, dst->capknown, sizeof *dst->known);
	dst->capabsent = src->nabsent + 2;
	dst->absent = dup_array(src->absent, src->nabsent, dst->capabsent, sizeof *dst->absent);
	dst->capinexact = src->ninexact + 2;
	dst->inexact = dup_array(src->inexact, src->ninexact, dst->capinexact,
				 sizeof *dst->inexact);
}

static void know_free(struct know *k)
{
	free(k->known);
	free(k->absent);
	free(k->inexact);
}

static void known_bits(const struct know *k, uint32_t offset, uint32_t *mask, uint32_t *value)
{
	*mask = *value = 0;
	for (unsigned i = 0; i < k->nknown; i++)
		if (k->known[i].offset == offset) {
			*mask = k->known[i].mask;
			*value = k->known[i].value;
			return;
		}
}

static void set_known(struct know *k, uint32_t offset, uint32_t mask, uint32_t value)
{
	unsigned i = 0;
	while (i < k->nknown && k->known[i].offset < offset)
		i++;
	if (i < k->nknown && k->known[i].offset == offset) {
		struct kword *w = &k->known[i];
		if ((w->value ^ value) & w->mask & mask)
			k->impossible = true;
		w->mask |= mask;
		w->value |= value & mask;
		return;
	}
	CT_GROW(k->known, k->nknown, k->capknown);
	memmove(k->known + i + 1, k->known + i, (k->nknown - i) * sizeof *k->known);
	k->known[i] = (struct kword){ offset, mask, value & mask };
	k->nknown++;
}

static int kword_cmp(const void *pa, const void *pb)
{
	const struct kword *a = pa, *b = pb;
	if (a->offset != b->offset)
		return a->offset < b->offset ? -1 : 1;
	if (a->mask != b->mask)
		return a->mask < b->mask ? -1 : 1;
	return a->value < b->value ? -1 : a->value > b->value;
}

/* Reduces the absent values of one word by its known bits: one that known
 * bits already contradict says nothing; one left with a single bit makes
 * that bit known; one left with no bits is a contradiction.  Then sorts and
 * drops duplicates and absent values implied by others. */
static void normalize(struct know *k, uint32_t offset)
{
	bool changed = true;
	while (changed && !k->impossible) {
		changed = false;
		uint32_t km, kv;
		known_bits(k, offset, &km, &kv);
		for (unsigned i = 0; i < k->nabsent;) {
			struct kword *n = &k->absent[i];
			if (n->offset != offset) {
				i++;
			} else if ((n->value ^ kv) & n->mask & km) {
				k->absent[i] = k->absent[--k->nabsent];
			} else {
				n->mask &= ~km;
				n->value &= ~km;
				if (!n->mask) {
					k->impossible = true;
					return;
				}
				if (n->mask & (n->mask - 1)) {
					i++;
					continue;
				}
				uint32_t bit = n->mask, v = ~n->value & bit;
				k->absent[i] = k->absent[--k->nabsent];
				set_known(k, offset, bit, v);
				changed = true;
				break;
			}
		}
	}
	if (k->nabsent > 1)
		qsort(k->absent, k->nabsent, sizeof *k->absent, kword_cmp);
	unsigned m = 0;
	for (unsigned i = 0; i < k->nabsent; i++) {
		const struct kword *n = &k->absent[i];
		bool implied = false;
		/* "not (w & M1) == V1" implies "not (w & M2) == V2" when M1 is
		 * inside M2 and V2 agrees with V1 on M1. */
		for (unsigned j = 0; j < k->nabsent && !implied; j++) {
			const struct kword *o = &k->absent[j];
			implied = j != i && o->offset == n->offset &&
				  !(o->mask & ~n->mask) && (n->value & o->mask) == o->value &&
				  (o->mask != n->mask || j < i);
		}
		if (!implied)
			k->absent[m++] = *n;
	}
	k->nabsent = m;
}

/* Records the exact fact "(word & mask) == value" is `result`. */
static void add_exact(struct know *k, uint32_t offset, uint32_t mask, uint32_t value,
		      bool result)
{
	if (result) {
		set_known(k, offset, mask, value);
	} else {
		uint32_t km, kv;
		known_bits(k, offset, &km, &kv);
		if ((value ^ kv) & mask & km)
			return;
		if (!(mask & ~km)) {
			k->impossible = true;
			return;
		}
		CT_GROW(k->absent, k->nabsent, k->capabsent);
		k->absent[k->nabsent++] = (struct kword){ offset, mask & ~km, value & ~km };
	}
	normalize(k, offset);
}

/* After k->len grew: results of earlier tests become exact once the packet
 * is long enough for them. */
static void make_exact(struct know *k, const struct ct_builder *b)
{
	for (unsigned i = 0; i < k->ninexact && !k->impossible;) {
		const struct ct_atom *x = &b->atom[k->inexact[i].atom];
		if (ct_atom_end(x) > k->len) {
			i++;
			continue;
		}
		bool r = k->inexact[i].result;
		memmove(k->inexact + i, k->inexact + i + 1,
			(k->ninexact - i - 1) * sizeof *k->inexact);
		k->ninexact--;
		add_exact(k, x->offset, x->mask, x->value, r);
	}
}

static void know_add(struct know *k, const struct ct_builder *b, uint32_t ai, bool result)
{
	const struct ct_atom *a = &b->atom[ai];
	uint32_t end = ct_atom_end(a);
	bool longer = false;
	if (k->len < end) {
		bool short_packet = k->under && end >= k->under;
		if (result == (bool)a->short_match) {
			/* a short packet would have given this too: nothing exact
			 * (and nothing at all when the packet is known short) */
			if (short_packet)
				return;
			unsigned i = 0;
			while (i < k->ninexact && k->inexact[i].atom < ai)
				i++;
			CT_GROW(k->inexact, k->ninexact, k->capinexact);
			memmove(k->inexact + i + 1, k->inexact + i,
				(k->ninexact - i) * sizeof *k->inexact);
			k->inexact[i] = (struct katom){ ai, result };
			k->ninexact++;
			return;
		}
		if (short_packet) {
			k->impossible = true;
			return;
		}
		k->len = end;
		longer = true;
	}
	add_exact(k, a->offset, a->mask, a->value, result);
	if (longer)
		make_exact(k, b);
}

enum { FALSE_R, TRUE_R, UNKNOWN_R };

static int know_eval(const struct know *k, const struct ct_builder *b, uint32_t ai)
{
	const struct ct_atom *a = &b->atom[ai];
	if (k->under && ct_atom_end(a) >= k->under)
		return a->short_match ? TRUE_R : FALSE_R;
	for (unsigned i = 0; i < k->ninexact; i++)
		if (k->inexact[i].atom == ai)
			return k->inexact[i].result ? TRUE_R : FALSE_R;
	uint32_t km, kv;
	known_bits(k, a->offset, &km, &kv);
	bool unmatched = ((a->value ^ kv) & a->mask & km) != 0;
	for (unsigned i = 0; i < k->nabsent && !unmatched; i++) {
		const struct kword *n = &k->absent[i];
		unmatched = n->offset == a->offset && !(n->mask & ~a->mask) &&
			    (a->value & n->mask) == n->value;
	}
	if (k->len >= ct_atom_end(a)) {
		if (unmatched)
			return FALSE_R;
		return (a->mask & ~km) ? UNKNOWN_R : TRUE_R;
	}
	return unmatched && !a->short_match ? FALSE_R : UNKNOWN_R;
}

/* ======================================================================
 * Compiler state
 * ====================================================================== */

struct onode {
	uint32_t atom;
	int32_t yes, no;
};

struct pending {
	ct_expr e;
	int32_t out;
};

struct cc {
	struct ct_builder *b;
	bool fast;                  /* packets are known to be long enough */
	uint32_t safe;
	struct onode *node;
	unsigned nnode, capnode;
	struct ct_itab nodes, memo;
	ct_expr *cache;             /* simplify cache, by expression */
	uint32_t *cache_stamp;
	unsigned capcache;
	uint32_t stamp;
	uint32_t *offsets;          /* scratch: words the pending patterns test */
	unsigned noffsets, capoffsets;
	uint32_t bound, bound_end;  /* scratch: see collect() */
	unsigned states, budget;
	bool over;
};

static void cc_free(struct cc *cc)
{
	free(cc->node);
	ct_itab_free(&cc->nodes);
	ct_itab_free(&cc->memo);
	free(cc->cache);
	free(cc->cache_stamp);
	free(cc->offsets);
}

/* ---- Result nodes, hash-consed; adjacent tests of one word are fused. */

static bool fusable(const struct cc *cc, const struct ct_atom *a, const struct ct_atom *b)
{
	return cc->fast || (!a->short_match && !b->short_match);
}

static int32_t make_node(struct cc *cc, uint32_t ai, int32_t yes, int32_t no)
{
	if (yes == no)
		return yes;
	struct ct_atom a = cc->b->atom[ai];
	if (yes > 0) {
		/* a && b, same word: one test */
		struct onode y = cc->node[yes - 1];
		struct ct_atom b = cc->b->atom[y.atom];
		if (y.no == no && b.offset == a.offset && fusable(cc, &a, &b) &&
		    !((a.value ^ b.value) & a.mask & b.mask)) {
			uint32_t c = ct_atom_intern(cc->b, a.offset, a.mask | b.mask,
						    a.value | b.value, a.short_match && !cc->fast);
			return make_node(cc, c, y.yes, no);
		}
	}
	if (no > 0) {
		/* a || b where a and b differ in one bit: drop the bit */
		struct onode n = cc->node[no - 1];
		struct ct_atom b = cc->b->atom[n.atom];
		uint32_t diff = a.value ^ b.value;
		if (n.yes == yes && b.offset == a.offset && b.mask == a.mask &&
		    b.short_match == a.short_match && diff && !(diff & (diff - 1))) {
			uint32_t mask = a.mask & ~diff;
			if (!mask && cc->fast)
				return yes;
			if (mask) {
				uint32_t c = ct_atom_intern(cc->b, a.offset, mask, a.value & mask,
							    a.short_match);
				if (cc->fast || cc->b->atom[c].width == a.width)
					return make_node(cc, c, yes, n.no);
			}
		}
	}
	uint32_t key[3] = { ai, (uint32_t)yes, (uint32_t)no };
	int32_t *found = ct_itab_find(&cc->nodes, key, 3);
	if (found)
		return *found;
	if (cc->nnode >= MAX_NODES) {
		cc->over = true;
		return no;
	}
	CT_GROW(cc->node, cc->nnode, cc->capnode);
	cc->node[cc->nnode++] = (struct onode){ ai, yes, no };
	ct_itab_add(&cc->nodes, key, 3, (int32_t)cc->nnode);
	return (int32_t)cc->nnode;
}

/* ---- Simplification of a pattern under what is known */

static ct_expr simplify(struct cc *cc, const struct know *k, ct_expr x)
{
	struct ct_builder *b = cc->b;
	if (x <= CT_TRUE)
		return x;
	if (x < cc->capcache && cc->cache_stamp[x] == cc->stamp)
		return cc->cache[x];
	struct ct_enode e = b->e[x];
	ct_expr r;
	switch (e.op) {
	case CT_OP_ATOM: {
		int v = know_eval(k, b, e.a);
		r = v == UNKNOWN_R ? x : v == TRUE_R ? CT_TRUE : CT_FALSE;
		break;
	}
	case CT_OP_NOT:
		r = ct_not(b, simplify(cc, k, e.a));
		break;
	case CT_OP_AND:
		r = simplify(cc, k, e.a);
		if (r != CT_FALSE)
			r = ct_and(b, r, simplify(cc, k, e.b));
		break;
	default:
		r = simplify(cc, k, e.a);
		if (r != CT_TRUE)
			r = ct_or(b, r, simplify(cc, k, e.b));
		break;
	}
	if (x < cc->capcache) {
		cc->cache_stamp[x] = cc->stamp;
		cc->cache[x] = r;
	}
	return r;
}

static void start_pass(struct cc *cc)
{
	if (cc->capcache < cc->b->ne) {
		unsigned cap = cc->b->ne * 2;
		cc->cache = cabo_xrealloc(cc->cache, cap * sizeof *cc->cache);
		cc->cache_stamp = cabo_xrealloc(cc->cache_stamp, cap * sizeof *cc->cache_stamp);
		memset(cc->cache_stamp + cc->capcache, 0,
		       (cap - cc->capcache) * sizeof *cc->cache_stamp);
		cc->capcache = cap;
	}
	cc->stamp++;
}

/* Collects the words tested by x (in cc->offsets), the largest end of its
 * tests, and the smallest end at or past cc->bound (in cc->bound_end); uses
 * the simplify cache stamps as a visited mark. */
static void collect(struct cc *cc, ct_expr x, uint32_t *end)
{
	const struct ct_builder *b = cc->b;
	while (x > CT_TRUE) {
		if (x < cc->capcache) {
			if (cc->cache_stamp[x] == cc->stamp)
				return;
			cc->cache_stamp[x] = cc->stamp;
		}
		const struct ct_enode *e = &b->e[x];
		if (e->op == CT_OP_ATOM) {
			const struct ct_atom *a = &b->atom[e->a];
			uint32_t aend = ct_atom_end(a);
			if (aend > *end)
				*end = aend;
			if (cc->bound && aend >= cc->bound &&
			    (!cc->bound_end || aend < cc->bound_end))
				cc->bound_end = aend;
			for (unsigned i = 0; i < cc->noffsets; i++)
				if (cc->offsets[i] == a->offset)
					return;
			CT_GROW(cc->offsets, cc->noffsets, cc->capoffsets);
			cc->offsets[cc->noffsets++] = a->offset;
			return;
		}
		if (e->op != CT_OP_NOT)
			collect(cc, e->b, end);
		x = e->a;
	}
}

/* The words the pending patterns test (cc->offsets) and the end of their
 * furthest test; *under_end gets the end of the nearest test that the
 * upper length bound `under` decides (0: none, the bound cannot matter). */
static uint32_t pending_words(struct cc *cc, const struct pending *p, unsigned n, uint32_t under,
			      uint32_t *under_end)
{
	start_pass(cc);
	cc->noffsets = 0;
	cc->bound = under;
	cc->bound_end = 0;
	uint32_t end = 0;
	for (unsigned i = 0; i < n; i++)
		collect(cc, p[i].e, &end);
	cc->bound = 0;
	*under_end = cc->bound_end;
	return end;
}

static bool tested(const struct cc *cc, uint32_t offset)
{
	for (unsigned i = 0; i < cc->noffsets; i++)
		if (cc->offsets[i] == offset)
			return true;
	return false;
}

static bool untested_facts(const struct cc *cc, const struct know *k)
{
	for (unsigned i = 0; i < k->nknown; i++)
		if (!tested(cc, k->known[i].offset))
			return true;
	for (unsigned i = 0; i < k->nabsent; i++)
		if (!tested(cc, k->absent[i].offset))
			return true;
	for (unsigned i = 0; i < k->ninexact; i++)
		if (!tested(cc, cc->b->atom[k->inexact[i].atom].offset))
			return true;
	return false;
}

/* The least length at which what is known about the word at `offset`,
 * with the inexact results that length makes exact, is a contradiction:
 * the packet is shorter than that.  0 when there is none. */
static uint32_t word_bound(const struct cc *cc, const struct know *k, uint32_t offset)
{
	struct know w;
	memset(&w, 0, sizeof w);
	w.len = k->len;
	for (unsigned i = 0; i < k->nknown; i++)
		if (k->known[i].offset == offset)
			set_known(&w, offset, k->known[i].mask, k->known[i].value);
	for (unsigned i = 0; i < k->nabsent; i++)
		if (k->absent[i].offset == offset) {
			CT_GROW(w.absent, w.nabsent, w.capabsent);
			w.absent[w.nabsent++] = k->absent[i];
		}
	for (unsigned i = 0; i < k->ninexact; i++)
		if (cc->b->atom[k->inexact[i].atom].offset == offset) {
			CT_GROW(w.inexact, w.ninexact, w.capinexact);
			w.inexact[w.ninexact++] = k->inexact[i];
		}
	uint32_t bound = 0;
	for (uint32_t len = offset + 1; len <= offset + 4 && w.ninexact && !bound; len++) {
		if (len <= w.len)
			continue;
		w.len = len;
		make_exact(&w, cc->b);
		if (w.impossible)
			bound = len;
	}
	know_free(&w);
	return bound;
}

/* Drops the knowledge about words that no pending pattern tests (no test
 * will look at them again), keeping the upper length bound it implies.
 * Without that bound, results of failed tests there (say "bit 7 of byte
 * 21 is 0" and "... is 1") would still make longer packets impossible
 * further down the path, invisibly to the memo key. */
static void forget_untested(struct cc *cc, struct know *k)
{
	const struct ct_atom *atom = cc->b->atom;
	for (unsigned i = 0; i < k->ninexact; i++) {
		uint32_t off = atom[k->inexact[i].atom].offset;
		bool seen = tested(cc, off);
		for (unsigned j = 0; j < i && !seen; j++)
			seen = atom[k->inexact[j].atom].offset == off;
		if (seen)
			continue;
		uint32_t bound = word_bound(cc, k, off);
		if (bound && (!k->under || bound < k->under))
			k->under = bound;
	}
	unsigned m = 0;
	for (unsigned i = 0; i < k->nknown; i++)
		if (tested(cc, k->known[i].offset))
			k->known[m++] = k->known[i];
	k->nknown = m;
	m = 0;
	for (unsigned i = 0; i < k->nabsent; i++)
		if (tested(cc, k->absent[i].offset))
			k->absent[m++] = k->absent[i];
	k->nabsent = m;
	m = 0;
	for (unsigned i = 0; i < k->ninexact; i++)
		if (tested(cc, atom[k->inexact[i].atom].offset))
			k->inexact[m++] = k->inexact[i];
	k->ninexact = m;
}

/* Memo key: the pending patterns, the fallback output and the knowledge,
 * all of it about words the patterns test (see forget_untested()).  The
 * length bounds enter only as far as they can decide a pending test: the
 * lower one up to the furthest test's end, the upper one as the nearest
 * test end it reaches.  So compile() gives the same result for equal keys. */
static uint32_t *state_key(const struct pending *p, unsigned n, int32_t term,
			   const struct know *k, uint32_t end, uint32_t under_end, uint32_t *len)
{
	size_t cap = 5 + 2 * n + 3 * (k->nknown + k->nabsent) + 2 * k->ninexact + 3;
	uint32_t *key = cabo_xmalloc(cap * sizeof *key), m = 0;
	key[m++] = n;
	for (unsigned i = 0; i < n; i++) {
		key[m++] = p[i].e;
		key[m++] = (uint32_t)p[i].out;
	}
	key[m++] = (uint32_t)term;
	key[m++] = k->len < end ? k->len : end;
	key[m++] = under_end;
	for (unsigned i = 0; i < k->nknown; i++) {
		key[m++] = k->known[i].offset;
		key[m++] = k->known[i].mask;
		key[m++] = k->known[i].value;
	}
	key[m++] = 0xFFFFFFFFu;
	for (unsigned i = 0; i < k->nabsent; i++) {
		key[m++] = k->absent[i].offset;
		key[m++] = k->absent[i].mask;
		key[m++] = k->absent[i].value;
	}
	key[m++] = 0xFFFFFFFFu;
	for (unsigned i = 0; i < k->ninexact; i++) {
		key[m++] = k->inexact[i].atom;
		key[m++] = k->inexact[i].result;
	}
	*len = m;
	return key;
}

static ct_expr first_test(const struct ct_builder *b, ct_expr x)
{
	while (b->e[x].op != CT_OP_ATOM)
		x = b->e[x].a;
	return b->e[x].a;
}

static int32_t compile(struct cc *cc, const struct pending *in, unsigned nin, int32_t term,
		       const struct know *k)
{
	struct pending *p = cabo_xmalloc((nin + 1) * sizeof *p);
	struct know own;
	bool owned = false;
	unsigned n;
	int32_t out;
	uint32_t end = 0, under_end = 0;
	for (;;) {
		/* simplify, then forget what no pending pattern can use; a
		 * new length bound can decide more tests: simplify again */
		n = 0;
		out = term;
		start_pass(cc);
		for (unsigned i = 0; i < nin; i++) {
			ct_expr s = simplify(cc, k, in[i].e);
			if (s == CT_TRUE) {
				out = in[i].out;
				break;
			}
			if (s != CT_FALSE)
				p[n++] = (struct pending){ s, in[i].out };
		}
		if (!n)
			break;
		end = pending_words(cc, p, n, k->under, &under_end);
		if (!untested_facts(cc, k))
			break;
		if (!owned) {
			know_copy(&own, k);
			k = &own;
			owned = true;
		}
		uint32_t under = own.under;
		forget_untested(cc, &own);
		if (own.under == under)
			break;
	}
	int32_t result = out;
	uint32_t keylen;
	uint32_t *key = n ? state_key(p, n, out, k, end, under_end, &keylen) : NULL;
	int32_t *found = key ? ct_itab_find(&cc->memo, key, keylen) : NULL;
	if (found) {
		result = *found;
	} else if (key && ++cc->states > cc->budget) {
		cc->over = true;
	} else if (key) {
		uint32_t ai = first_test(cc->b, p[0].e);
		int32_t branch[2];
		for (int r = 1; r >= 0; r--) {
			struct know kb;
			know_copy(&kb, k);
			know_add(&kb, cc->b, ai, r);
			branch[r] = kb.impossible || cc->over ? UNREACHABLE
							      : compile(cc, p, n, out, &kb);
			know_free(&kb);
		}
		if (branch[1] == UNREACHABLE)
			result = branch[0] == UNREACHABLE ? out : branch[0];
		else if (branch[0] == UNREACHABLE)
			result = branch[1];
		else
			result = make_node(cc, ai, branch[1], branch[0]);
		ct_itab_add(&cc->memo, key, keylen, result);
	}
	free(key);
	free(p);
	if (owned)
		know_free(&own);
	return result;
}

/* Fallback: each pattern's tests in sequence, failure going on to the next. */
static int32_t chain(struct cc *cc, ct_expr x, int32_t yes, int32_t no)
{
	const struct ct_enode *e = &cc->b->e[x];
	switch (e->op) {
	case CT_OP_FALSE:
		return no;
	case CT_OP_TRUE:
		return yes;
	case CT_OP_ATOM:
		return make_node(cc, e->a, yes, no);
	case CT_OP_NOT:
		return chain(cc, e->a, no, yes);
	case CT_OP_AND: {
		ct_expr a = e->a;
		return chain(cc, a, chain(cc, e->b, yes, no), no);
	}
	default: {
		ct_expr a = e->a;
		return chain(cc, a, yes, chain(cc, e->b, yes, no));
	}
	}
}

/* Then every branch of the chain skips the tests that its own test decides
 * (Click's edge drifting, remembering one test). */
static void drift(struct cc *cc)
{
	for (unsigned i = 0; i < cc->nnode; i++) {
		for (int r = 0; r < 2; r++) {
			struct know k;
			memset(&k, 0, sizeof k);
			k.len = cc->fast ? cc->safe : 0;
			know_add(&k, cc->b, cc->node[i].atom, r);
			int32_t t = r ? cc->node[i].yes : cc->node[i].no;
			while (t > 0 && !k.impossible) {
				int v = know_eval(&k, cc->b, cc->node[t - 1].atom);
				if (v == UNKNOWN_R)
					break;
				t = v == TRUE_R ? cc->node[t - 1].yes : cc->node[t - 1].no;
			}
			if (r)
				cc->node[i].yes = t;
			else
				cc->node[i].no = t;
			know_free(&k);
		}
	}
}

/* ======================================================================
 * Linearizing: nodes in reverse postorder (root first, yes branch next)
 * ====================================================================== */

static void postorder(const struct cc *cc, int32_t t, int32_t *index, int32_t *list,
		      unsigned *n)
{
	if (t <= 0 || index[t - 1] != -1)
		return;
	index[t - 1] = -2;
	postorder(cc, cc->node[t - 1].no, index, list, n);
	postorder(cc, cc->node[t - 1].yes, index, list, n);
	list[(*n)++] = t;
}

static void linearize(const struct cc *cc, int32_t root, struct ct_code *code)
{
	memset(code, 0, sizeof *code);
	if (root <= 0) {
		code->output_everything = -root;
		return;
	}
	int32_t *index = cabo_xmalloc(cc->nnode * sizeof *index);
	int32_t *list = cabo_xmalloc(cc->nnode * sizeof *list);
	for (unsigned i = 0; i < cc->nnode; i++)
		index[i] = -1;
	unsigned n = 0;
	postorder(cc, root, index, list, &n);
	for (unsigned i = 0; i < n; i++)
		index[list[i] - 1] = (int32_t)(n - 1 - i);
	code->insn = cabo_xcalloc(n, sizeof *code->insn);
	code->ninsn = n;
	for (unsigned i = 0; i < n; i++) {
		const struct onode *o = &cc->node[list[i] - 1];
		const struct ct_atom *a = &cc->b->atom[o->atom];
		struct ct_insn *x = &code->insn[n - 1 - i];
		x->mask = a->mask;
		x->value = a->value;
		x->offset = a->offset;
		x->width = a->width;
		x->short_match = a->short_match;
		x->j[1] = o->yes > 0 ? index[o->yes - 1] : o->yes;
		x->j[0] = o->no > 0 ? index[o->no - 1] : o->no;
	}
	free(index);
	free(list);
}

/* ======================================================================
 * Entry point
 * ====================================================================== */

static int build(struct ct_builder *b, const struct pending *p, unsigned n, bool fast,
		 uint32_t safe, unsigned budget, struct ct_code *code, bool *fallback)
{
	struct cc cc;
	memset(&cc, 0, sizeof cc);
	cc.b = b;
	cc.fast = fast;
	cc.safe = safe;
	cc.budget = budget;
	struct know k;
	memset(&k, 0, sizeof k);
	k.len = fast ? safe : 0;
	int32_t root = compile(&cc, p, n, CT_DROP, &k);
	if (cc.over) {
		cc_free(&cc);
		memset(&cc, 0, sizeof cc);
		cc.b = b;
		cc.fast = fast;
		cc.safe = safe;
		*fallback = true;
		root = CT_DROP;
		for (unsigned i = n; i-- > 0;)
			root = chain(&cc, p[i].e, p[i].out, root);
		if (!cc.over)
			drift(&cc);
	}
	int rc = cc.over ? -1 : 0;
	if (!rc)
		linearize(&cc, root, code);
	cc_free(&cc);
	return rc;
}

int ct_compile(struct ct_program *prog, struct ct_builder *b, const ct_expr *patterns,
	       unsigned n)
{
	return ct_compile_budget(prog, b, patterns, n, STATE_BUDGET);
}

int ct_compile_budget(struct ct_program *prog, struct ct_builder *b, const ct_expr *patterns,
		      unsigned n, unsigned budget)
{
	memset(prog, 0, sizeof *prog);
	struct pending *p = cabo_xmalloc((n + 1) * sizeof *p);
	unsigned np = 0;
	for (unsigned i = 0; i < n; i++) {
		if (patterns[i] == CT_FALSE)
			continue;
		p[np++] = (struct pending){ patterns[i], -(int32_t)i };
		if (patterns[i] == CT_TRUE)
			break;
	}
	/* safe length: the end of the furthest test any pattern makes */
	uint32_t safe = 0, words = 0;
	{
		struct cc scan;
		memset(&scan, 0, sizeof scan);
		scan.b = b;
		start_pass(&scan);
		for (unsigned i = 0; i < np; i++)
			collect(&scan, p[i].e, &safe);
		for (unsigned i = 0; i < scan.noffsets; i++)
			if (scan.offsets[i] + 4 > words)
				words = scan.offsets[i] + 4;
		cc_free(&scan);
	}
	int rc = build(b, p, np, true, safe, budget, &prog->fast, &prog->fallback);
	if (!rc)
		rc = build(b, p, np, false, safe, budget, &prog->slow, &prog->fallback);
	free(p);
	if (rc < 0) {
		ct_program_free(prog);
		return -1;
	}
	prog->safe_length = safe;
	prog->word_length = prog->fast.ninsn ? words : 0;
	if (!prog->fast.ninsn && !prog->slow.ninsn &&
	    prog->fast.output_everything == prog->slow.output_everything)
		prog->safe_length = 0;
	return 0;
}
