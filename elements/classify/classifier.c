/*
 * =c
 * Classifier(PATTERN_1, ..., PATTERN_N)
 * =s
 * classifies packets by contents
 * =ports
 * 1 input, any number of outputs (one per pattern)
 * =processing
 * push
 * =d
 * Sends each packet to the output of the first pattern it matches, and drops
 * (counting reason "no pattern matched") a packet that matches none.  There
 * must be exactly one pattern per output port: with N outputs connected,
 * anything but N patterns is the error "need N arguments, one per output
 * port".
 *
 * A pattern is a list of clauses separated by spaces; it matches when every
 * clause does.  A clause is OFFSET/VALUE or OFFSET/VALUE%MASK: the offset in
 * decimal bytes from the start of the packet data, the value and the mask in
 * hex.  The value's length in bytes is half its number of hex digits, which
 * must be even (at least 2).  A "?" digit in the value (or the mask) means
 * that nibble is not compared.  A mask must have as many digits as the
 * value; only bits set in the mask are compared.  A clause preceded by "!"
 * matches when the clause does not.  The pattern "-" matches every packet.
 *
 * A clause never matches a packet that ends before the last byte it
 * compares (so its negation does match such a packet); bytes it ignores
 * (mask 0 or "??") may lie beyond the end.
 *
 * The patterns are compiled into one decision tree of 32-bit word tests
 * shared by all outputs, as in Click: a test whose result is already known
 * from earlier tests is never made, equal subtrees are shared, and tests of
 * the same word are fused.  Packets at least "safe length" bytes long run a
 * tree with no length checks; shorter packets run a length-checked tree.
 * Pattern sets whose tests interact too much to optimize within a fixed
 * budget (hundreds of patterns over many words) compile into a chain of the
 * patterns' tests instead, each branch skipping the tests it decides; the
 * program handler then says "unoptimized".  A pattern no packet can match
 * draws the warning "output N matches no packets".
 * =h program read
 * The compiled decision tree, one test per line in Click's format
 * ("OFFSET/VALUE%MASK  yes->TARGET  no->TARGET", where a target is another
 * step, an output "[N]", or "[X]" for drop), then the safe length and the
 * alignment offset (always 0).  When short packets need a different tree, it
 * follows, headed "short packets (length < SAFE):".
 * =e
 *   Classifier(12/0806 20/0001,    // ARP requests
 *              12/0806 20/0002,    // ARP replies
 *              12/0800,            // IPv4
 *              -);                 // everything else
 * =a
 * IPClassifier, IPFilter, Switch
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "classtree.h"
#include "element.h"

struct classifier {
	struct cabo_element e;
	struct ct_program prog;
};

enum { DROP_NO_MATCH };
static const char *const drop_reasons[] = {
	"no pattern matched",
	NULL,
};

/* ---- Pattern syntax (Click's, with its error messages and recovery) */

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1; /* '?' */
}

/* One byte from two digits: its value and which bits count. */
static void read_byte(const char *s, uint8_t *value, uint8_t *mask)
{
	*value = *mask = 0;
	for (int k = 0; k < 2; k++) {
		int v = hexval((unsigned char)s[k]);
		unsigned shift = k ? 0 : 4;
		if (v >= 0) {
			*value |= (uint8_t)(v << shift);
			*mask |= (uint8_t)(0xF << shift);
		}
	}
}

static bool is_digit_or_wild(int c)
{
	return isxdigit(c) || c == '?';
}

/* Parses pattern `slot`; returns its expression, or CT_FALSE after reporting
 * errors (*ok cleared). */
static ct_expr parse_pattern(struct ct_builder *b, const char *s, unsigned slot,
			     struct cabo_errh *errh, bool *ok)
{
	size_t len = strlen(s), i = 0;
	ct_expr *items = NULL;
	unsigned nitems = 0, capitems = 0;
	uint8_t *value = cabo_xmalloc(len + 1), *mask = cabo_xmalloc(len + 1);
	unsigned errors = errh->nerrors;

	if (len == 1 && s[0] == '-')
		i = 1;
	while (i < len) {
		while (i < len && isspace((unsigned char)s[i]))
			i++;
		if (i >= len)
			break;
		bool negated = false;
		if (s[i] == '!') {
			negated = true;
			i++;
			while (i < len && isspace((unsigned char)s[i]))
				i++;
		}
		if (i >= len || !isdigit((unsigned char)s[i])) {
			cabo_errh_error(errh, "pattern %u: expected a digit", slot);
			break;
		}
		unsigned long offset = 0;
		while (i < len && isdigit((unsigned char)s[i])) {
			if (offset <= CT_MAX_OFFSET)
				offset = offset * 10 + (unsigned long)(s[i] - '0');
			i++;
		}
		if (i >= len || s[i] != '/') {
			cabo_errh_error(errh, "pattern %u: expected '/'", slot);
			break;
		}
		i++;
		size_t vpos = i;
		while (i < len && is_digit_or_wild((unsigned char)s[i]))
			i++;
		size_t vend = i, mpos = 0, mend = 0;
		bool has_mask = false;
		if (i < len && s[i] == '%') {
			has_mask = true;
			mpos = ++i;
			while (i < len && is_digit_or_wild((unsigned char)s[i]))
				i++;
			mend = i;
		}
		size_t ndigits = vend - vpos, nmask = mend - mpos;
		if (ndigits < 2) {
			cabo_errh_error(errh, "pattern %u: value has less than 2 hex digits", slot);
			ndigits = nmask = 0;
		}
		if (ndigits % 2) {
			cabo_errh_error(errh, "pattern %u: value has odd number of hex digits", slot);
			ndigits--;
			nmask -= nmask > 0;
		}
		if (has_mask && nmask != ndigits) {
			cabo_errh_error(errh, "pattern %u: mask has too %s hex digits", slot,
					nmask > ndigits ? "many" : "few");
			if (nmask < ndigits)
				ndigits = nmask & ~(size_t)1;
		}
		size_t nbytes = ndigits / 2;
		if (offset + nbytes > CT_MAX_OFFSET + 4) {
			cabo_errh_error(errh, "pattern %u: offset too large", slot);
			continue;
		}
		for (size_t k = 0; k < nbytes; k++) {
			read_byte(s + vpos + 2 * k, &value[k], &mask[k]);
			if (has_mask) {
				uint8_t mv, mm;
				read_byte(s + mpos + 2 * k, &mv, &mm);
				mask[k] &= mv & mm;
			}
			value[k] &= mask[k];
		}
		if (capitems < nitems + nbytes / 4 + 2) {
			capitems = (unsigned)(nitems + nbytes / 4 + 2) * 2;
			items = cabo_xrealloc(items, capitems * sizeof *items);
		}
		unsigned n = ct_bytes(b, (unsigned)offset, value, mask, (unsigned)nbytes, false,
				      items + nitems);
		if (negated) {
			ct_expr clause = ct_and_list(b, items + nitems, n);
			items[nitems++] = ct_not(b, clause);
		} else {
			nitems += n;
		}
	}
	ct_expr r = ct_and_list(b, items, nitems);
	free(items);
	free(value);
	free(mask);
	if (errh->nerrors != errors) {
		*ok = false;
		return CT_FALSE;
	}
	return r;
}

/* ---- Configuration */

static int classifier_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct classifier *c = (struct classifier *)e;
	/* Every argument is a pattern, even one that looks like a keyword. */
	const char *const *patterns = (const char *const *)a->argv;
	unsigned n = a->argc;
	for (unsigned i = 0; i < n; i++)
		a->used[i] = true;
	if (n != e->noutputs) {
		a->failed = true;
		return cabo_errh_error(a->errh, "need %u arguments, one per output port",
				       e->noutputs);
	}

	struct ct_builder *b = ct_builder_new();
	ct_expr *exprs = cabo_xmalloc((n + 1) * sizeof *exprs);
	bool ok = true;
	for (unsigned i = 0; i < n; i++)
		exprs[i] = parse_pattern(b, patterns[i], i, a->errh, &ok);
	int rc = -1;
	if (ok && ct_compile(&c->prog, b, exprs, n) < 0)
		cabo_errh_error(a->errh, "patterns too complex to compile");
	else if (ok)
		rc = 0;
	if (!rc) {
		bool *used = cabo_xcalloc(n + 1, sizeof *used);
		ct_program_outputs(&c->prog, used, n);
		for (unsigned i = 0; i < n; i++)
			if (!used[i])
				cabo_errh_warning(a->errh, cabo_landmark_none(),
						  "output %u matches no packets", i);
		free(used);
	}
	free(exprs);
	ct_builder_free(b);
	if (rc < 0)
		a->failed = true;
	return rc < 0 ? rc : cabo_args_complete(a);
}

static void classifier_cleanup(struct cabo_element *e)
{
	ct_program_free(&((struct classifier *)e)->prog);
}

/* ---- Packets */

static void classifier_push(struct cabo_element *e, unsigned port, struct cabo_batch *b)
{
	const struct ct_program *prog = &((struct classifier *)e)->prog;
	int ports[CABO_BATCH_MAX];
	for (unsigned i = 0; i < b->count; i++) {
		const struct cabo_packet *p = b->p[i];
		uint32_t readable = (uint32_t)(p->buffer + p->buffer_size - p->data);
		ports[i] = ct_match(prog, p->data, p->length, readable);
	}
	cabo_output_push_each(e, b, ports, DROP_NO_MATCH);
}

/* ---- Handlers */

static int read_program(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	struct cabo_strbuf sb = CABO_STRBUF_INIT;
	ct_program_unparse(&((struct classifier *)e)->prog, &sb);
	if (sb.length && sb.data[sb.length - 1] == '\n')
		sb.length--;
	cabo_strbuf_append(out, sb.data ? sb.data : "", sb.length);
	cabo_strbuf_free(&sb);
	return 0;
}

static const struct cabo_handler classifier_handlers[] = {
	{ "program", read_program, NULL, NULL, 0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_ELEMENT_CLASS(classifier_class) = {
	.name = "Classifier", .port_count = "1/-", .processing = "h/h",
	.size = sizeof(struct classifier), .flags = CABO_CLASS_THREAD_SAFE,
	.configure = classifier_configure, .cleanup = classifier_cleanup,
	.push = classifier_push, .handlers = classifier_handlers,
	.drop_reasons = drop_reasons,
};
