/* Configuration arguments: splitting, quoting, and reading them by keyword
 * or position, as Click's Args (lib/args.cc) and cp_argvec/cp_unquote
 * (lib/confparse.cc).  Single values are parsed in parse.c.
 *
 * Errors reported to a->errh, without a location (the caller has pushed the
 * "While configuring 'name :: Class':" context):
 *
 *   KEYWORD: missing mandatory argument
 *   KEYWORD: expected TYPE      the text is not a TYPE; TYPE is one of
 *                               boolean, integer, unsigned integer, real number,
 *                               string (quote text with spaces), word, data,
 *                               IP address, IP prefix, IPv6 address,
 *                               IPv6 prefix, Ethernet address,
 *                               time (like 1.5s or 250ms),
 *                               bandwidth (like 10Mbps or 2MBps)
 *   KEYWORD: out of range       a well-formed number that does not fit
 *   FOO: unknown keyword        from complete(), once per unread FOO argument
 *   too many arguments          from complete(), once, for unread positional ones
 *
 * Positional reads use the keyword too, so `Queue(abc)` says
 * "CAPACITY: expected unsigned integer".
 *
 * Click semantics kept: a keyword given twice takes the last value (all are
 * consumed); a keyword overrides the positional argument for the same read;
 * an empty argument counts as absent, so `(, 5)` skips an optional first
 * argument (but an empty mandatory one is missing); positional arguments end
 * at the first keyword argument.  Dropped: Click lets a mandatory positional
 * read take an argument that looks like a keyword; with upper-case-only
 * keywords that only matters for typos, where "missing mandatory argument"
 * plus "unknown keyword" is the clearer report. */
#include "args.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

/* ---- Lexical pieces shared by splitting and unquoting. */

static bool is_space(char c)
{
	return isspace((unsigned char)c);
}

static bool is_comment(const char *s)
{
	return s[0] == '/' && (s[1] == '/' || s[1] == '*');
}

/* Returns the text after the comment at s; an unclosed one runs to the end. */
static const char *skip_comment(const char *s)
{
	if (s[1] == '/')
		return s + strcspn(s, "\r\n");
	const char *end = strstr(s + 2, "*/");
	return end ? end + 2 : s + strlen(s);
}

static const char *skip_blank(const char *s)
{
	for (;;) {
		if (is_space(*s))
			s++;
		else if (is_comment(s))
			s = skip_comment(s);
		else
			return s;
	}
}

/* s points at "\<"; comments inside may hold '>' (Click allows comments there). */
static const char *skip_hex_block(const char *s)
{
	for (s += 2; *s && *s != '>';)
		s = is_comment(s) ? skip_comment(s) : s + 1;
	return *s ? s + 1 : s;
}

static const char *skip_double_quoted(const char *s)
{
	for (s++; *s && *s != '"';) {
		if (s[0] == '\\' && s[1] == '<')
			s = skip_hex_block(s);
		else
			s += s[0] == '\\' && s[1] ? 2 : 1;
	}
	return *s ? s + 1 : s;
}

/* Single quotes have no escapes, as in Click. */
static const char *skip_single_quoted(const char *s)
{
	const char *end = strchr(s + 1, '\'');
	return end ? end + 1 : s + strlen(s);
}

/* One piece that no separator splits: a quoted string, a \<...> block, or a
 * single character.  Unclosed quotes run to the end; unquoting reports them. */
static const char *skip_atom(const char *s)
{
	if (*s == '"')
		return skip_double_quoted(s);
	if (*s == '\'')
		return skip_single_quoted(s);
	if (s[0] == '\\' && s[1] == '<')
		return skip_hex_block(s);
	return s + 1;
}

/* ---- Splitting. */

enum scan_mode {
	SCAN_ARG,   /* an item ends at a top-level comma */
	SCAN_WORD,  /* an item ends at top-level space or comment */
	SCAN_ALL,   /* the whole text is one item */
};

/* Appends to out the item starting at s, without comments or outer space;
 * returns where the item ends.  As Click's cp_uncomment, a comment and the
 * space around it become a single space.  Brackets nest, so commas and
 * spaces inside (), [] and {} do not end an item; a stray closer is text. */
static const char *scan_item(const char *s, enum scan_mode mode, struct cabo_strbuf *out)
{
	s = skip_blank(s);
	const char *left = s, *right = s;
	bool after_comment = false;
	unsigned depth = 0;
	while (*s) {
		if (!depth && mode == SCAN_ARG && *s == ',')
			break;
		if (!depth && mode == SCAN_WORD && (is_space(*s) || is_comment(s)))
			break;
		if (is_space(*s)) {
			s++;
			continue;
		}
		if (is_comment(s)) {
			s = skip_comment(s);
			after_comment = true;
			continue;
		}
		if (after_comment) {
			cabo_strbuf_append(out, left, (size_t)(right - left));
			cabo_strbuf_putc(out, ' ');
			left = s;
			after_comment = false;
		}
		if (strchr("([{", *s))
			depth++;
		else if (strchr(")]}", *s) && depth)
			depth--;
		s = skip_atom(s);
		right = s;
	}
	cabo_strbuf_append(out, left, (size_t)(right - left));
	return s;
}

static void push_string(char ***v, unsigned *n, char *s)
{
	*v = cabo_xrealloc(*v, (*n + 1) * sizeof **v);
	(*v)[(*n)++] = s;
}

/* As Click's cp_argvec, an empty last argument is dropped ("a," is one
 * argument) but other empty ones are kept ("a,,b" is three). */
unsigned cabo_split_args(const char *config, char ***out)
{
	char **v = cabo_xmalloc(sizeof *v);
	unsigned n = 0;
	const char *s = config ? config : "";
	for (;;) {
		struct cabo_strbuf arg = CABO_STRBUF_INIT;
		s = scan_item(s, SCAN_ARG, &arg);
		bool comma = *s == ',';
		if (arg.length || comma)
			push_string(&v, &n, cabo_strbuf_release(&arg));
		cabo_strbuf_free(&arg);
		if (!comma)
			break;
		s++;
	}
	*out = v;
	return n;
}

unsigned cabo_split_words(const char *s, char ***out)
{
	char **v = cabo_xmalloc(sizeof *v);
	unsigned n = 0;
	for (s = skip_blank(s); *s; s = skip_blank(s)) {
		struct cabo_strbuf word = CABO_STRBUF_INIT;
		s = scan_item(s, SCAN_WORD, &word);
		push_string(&v, &n, cabo_strbuf_release(&word));
	}
	*out = v;
	return n;
}

void cabo_free_strings(char **v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* ---- Unquoting.  Each decoder returns the text after what it read, or NULL
 * when it is malformed. */

static int digit_value(char c, unsigned base)
{
	int d = c >= '0' && c <= '9' ? c - '0'
		: isxdigit((unsigned char)c) ? tolower((unsigned char)c) - 'a' + 10
		: -1;
	return d < (int)base ? d : -1;
}

/* s follows "\<": hex digit pairs, with spaces and comments between them. */
static const char *decode_hex_block(const char *s, struct cabo_strbuf *out)
{
	int high = -1;
	while (*s != '>') {
		if (is_space(*s) || is_comment(s)) {
			s = is_comment(s) ? skip_comment(s) : s + 1;
			continue;
		}
		int d = digit_value(*s++, 16);
		if (d < 0)
			return NULL;  /* also the end of the text: the block is unclosed */
		if (high < 0) {
			high = d;
		} else {
			cabo_strbuf_putc(out, (char)(high << 4 | d));
			high = -1;
		}
	}
	return high < 0 ? s + 1 : NULL;
}

/* \ooo (1-3 octal digits) and \xhh (1-2 hex digits); must fit in a byte. */
static const char *decode_code(const char *s, unsigned base, unsigned max_digits,
			       struct cabo_strbuf *out)
{
	unsigned v = 0, n = 0;
	for (; n < max_digits && digit_value(s[n], base) >= 0; n++)
		v = v * base + (unsigned)digit_value(s[n], base);
	if (!n || v > 255)
		return NULL;
	cabo_strbuf_putc(out, (char)v);
	return s + n;
}

/* s follows a backslash inside double quotes (Click's cp_process_backslash):
 * C escapes, octal and hex codes, \<hex>, a line continuation, and any other
 * character stands for itself (\" \\ \' \$ \,). */
static const char *decode_escape(const char *s, struct cabo_strbuf *out)
{
	static const char names[] = "abfnrtv", codes[] = "\a\b\f\n\r\t\v";
	const char *name = *s ? strchr(names, *s) : NULL;
	if (name) {
		cabo_strbuf_putc(out, codes[name - names]);
		return s + 1;
	}
	switch (*s) {
	case '\0':
		return NULL;
	case '\n':
		return s + 1;
	case '\r':
		return s + 1 + (s[1] == '\n');
	case '<':
		return decode_hex_block(s + 1, out);
	case 'x':
		return decode_code(s + 1, 16, 2, out);
	default:
		if (digit_value(*s, 8) >= 0)
			return decode_code(s, 8, 3, out);
		cabo_strbuf_putc(out, *s);
		return s + 1;
	}
}

/* s follows the opening quote. */
static const char *decode_double_quoted(const char *s, struct cabo_strbuf *out)
{
	while (s && *s != '"') {
		if (!*s)
			return NULL;
		if (*s == '\\')
			s = decode_escape(s + 1, out);
		else
			cabo_strbuf_putc(out, *s++);
	}
	return s ? s + 1 : NULL;
}

static const char *decode_single_quoted(const char *s, struct cabo_strbuf *out)
{
	const char *end = strchr(s, '\'');
	if (end)
		cabo_strbuf_append(out, s, (size_t)(end - s));
	return end ? end + 1 : NULL;
}

/* One level of Click quoting: "..." with escapes, '...' verbatim, \<hex>
 * outside quotes; all other text is kept as written. */
static bool decode(const char *s, struct cabo_strbuf *out)
{
	while (s && *s) {
		if (*s == '"')
			s = decode_double_quoted(s + 1, out);
		else if (*s == '\'')
			s = decode_single_quoted(s + 1, out);
		else if (s[0] == '\\' && s[1] == '<')
			s = decode_hex_block(s + 2, out);
		else
			cabo_strbuf_putc(out, *s++);
	}
	return s != NULL;
}

uint8_t *cabo_parse_data(const char *s, size_t *len)
{
	struct cabo_strbuf text = CABO_STRBUF_INIT, bytes = CABO_STRBUF_INIT;
	scan_item(s, SCAN_ALL, &text);  /* drop comments first, as cp_unquote */
	bool ok = decode(cabo_strbuf_str(&text), &bytes);
	cabo_strbuf_free(&text);
	if (!ok) {
		cabo_strbuf_free(&bytes);
		errno = EINVAL;
		return NULL;
	}
	*len = bytes.length;
	return (uint8_t *)cabo_strbuf_release(&bytes);
}

/* A NUL byte ("\0", "\<00>") cannot be in a C string: an error, not a cut. */
char *cabo_unquote(const char *s)
{
	size_t len;
	uint8_t *data = cabo_parse_data(s, &len);
	if (data && memchr(data, 0, len)) {
		free(data);
		errno = EINVAL;
		return NULL;
	}
	return (char *)data;
}

/* ---- Strings and words (Click's StringArg and WordArg). */

/* One item (quoted parts may hold spaces), unquoted. */
static char *parse_string(const char *s)
{
	char **words;
	unsigned n = cabo_split_words(s, &words);
	char *str = n == 1 ? cabo_unquote(words[0]) : NULL;
	cabo_free_strings(words, n);
	if (!str)
		errno = EINVAL;
	return str;
}

/* Printable ASCII except quotes, backslash and comma, as Click's cp_is_word. */
static char *parse_word(const char *s)
{
	char *w = parse_string(s);
	bool ok = w && *w;
	for (const char *p = w; ok && *p; p++)
		ok = *p > ' ' && *p < 127 && !strchr("\"'\\,", *p);
	if (!ok) {
		free(w);
		errno = EINVAL;
		return NULL;
	}
	return w;
}

/* ---- The argument list. */

/* Length of the KEYWORD starting arg, or 0: [A-Z][A-Z0-9_]* then space.
 * Arguments are trimmed, so something always follows the space. */
static size_t keyword_len(const char *arg)
{
	size_t n = 0;
	if (arg[0] >= 'A' && arg[0] <= 'Z')
		n = 1 + strspn(arg + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
	return n && is_space(arg[n]) ? n : 0;
}

void cabo_args_init(struct cabo_args *a, const char *config, struct cabo_errh *errh)
{
	memset(a, 0, sizeof *a);
	a->errh = errh;
	a->argc = cabo_split_args(config, &a->argv);
	a->used = cabo_xcalloc(a->argc, sizeof *a->used);
	while (a->npositional < a->argc && !keyword_len(a->argv[a->npositional]))
		a->npositional++;
}

void cabo_args_destroy(struct cabo_args *a)
{
	cabo_free_strings(a->argv, a->argc);
	free(a->used);
	memset(a, 0, sizeof *a);
}

static void report(struct cabo_args *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void report(struct cabo_args *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	cabo_errh_verror(a->errh, cabo_landmark_none(), fmt, ap);
	va_end(ap);
	a->failed = true;
}

int cabo_args_complete(struct cabo_args *a)
{
	bool extra = false;
	for (unsigned i = 0; i < a->argc; i++) {
		if (a->used[i])
			continue;
		size_t n = keyword_len(a->argv[i]);
		if (n)
			report(a, "%.*s: unknown keyword", (int)n, a->argv[i]);
		else
			extra = true;
	}
	if (extra)
		report(a, "too many arguments");
	return a->failed ? -1 : 0;
}

/* The value of the last KW argument, consuming every one (later ones win). */
static const char *take_keyword(struct cabo_args *a, const char *kw)
{
	const char *value = NULL;
	size_t len = strlen(kw);
	for (unsigned i = a->npositional; i < a->argc; i++) {
		const char *arg = a->argv[i];
		if (!a->used[i] && keyword_len(arg) == len && memcmp(arg, kw, len) == 0) {
			a->used[i] = true;
			value = arg + len + strspn(arg + len, " \t\r\n\f\v");
		}
	}
	return value;
}

/* The text to parse for kw, or NULL when it is absent or empty. */
static const char *take(struct cabo_args *a, const char *kw, unsigned flags)
{
	const char *s = NULL;
	if ((flags & CABO_ARG_POSITIONAL) && a->next_positional < a->npositional) {
		a->used[a->next_positional] = true;
		s = a->argv[a->next_positional++];
	}
	const char *by_keyword = take_keyword(a, kw);
	if (by_keyword)
		s = by_keyword;
	if (s && *s)
		return s;
	if (flags & CABO_ARG_MANDATORY)
		report(a, "%s: missing mandatory argument", kw);
	return NULL;
}

/* Reports a value that did not parse; always false. */
static bool bad_value(struct cabo_args *a, const char *kw, const char *type)
{
	if (errno == ERANGE)
		report(a, "%s: out of range", kw);
	else
		report(a, "%s: expected %s", kw, type);
	return false;
}

bool cabo_args_read_bool(struct cabo_args *a, const char *kw, unsigned flags, bool *out)
{
	const char *s = take(a, kw, flags);
	return s && (cabo_parse_bool(s, out) || bad_value(a, kw, "boolean"));
}

bool cabo_args_read_int(struct cabo_args *a, const char *kw, unsigned flags, int64_t *out)
{
	const char *s = take(a, kw, flags);
	return s && (cabo_parse_int(s, out) || bad_value(a, kw, "integer"));
}

bool cabo_args_read_uint(struct cabo_args *a, const char *kw, unsigned flags, uint64_t *out)
{
	const char *s = take(a, kw, flags);
	return s && (cabo_parse_uint(s, out) || bad_value(a, kw, "unsigned integer"));
}

bool cabo_args_read_double(struct cabo_args *a, const char *kw, unsigned flags, double *out)
{
	const char *s = take(a, kw, flags);
	return s && (cabo_parse_double(s, out) || bad_value(a, kw, "real number"));
}

/* Reads kw with parse; *out is set only on success. */
static bool read_text(struct cabo_args *a, const char *kw, unsigned flags,
		      char *(*parse)(const char *), const char *type, char **out)
{
	const char *s = take(a, kw, flags);
	char *v = s ? parse(s) : NULL;
	if (v)
		*out = v;
	return v || (s && bad_value(a, kw, type));
}

bool cabo_args_read_string(struct cabo_args *a, const char *kw, unsigned flags, char **out)
{
	return read_text(a, kw, flags, parse_string, "string (quote text with spaces)", out);
}

bool cabo_args_read_word(struct cabo_args *a, const char *kw, unsigned flags, char **out)
{
	return read_text(a, kw, flags, parse_word, "word", out);
}

bool cabo_args_read_raw(struct cabo_args *a, const char *kw, unsigned flags, char **out)
{
	const char *s = take(a, kw, flags);
	if (s)
		*out = cabo_xstrdup(s);
	return s != NULL;
}

bool cabo_args_read_data(struct cabo_args *a, const char *kw, unsigned flags,
			 uint8_t **out, size_t *len)
{
	const char *s = take(a, kw, flags);
	uint8_t *v = s ? cabo_parse_data(s, len) : NULL;
	if (v)
		*out = v;
	return v || (s && bad_value(a, kw, "data"));
}

bool cabo_args_read_ip4(struct cabo_args *a, const char *kw, unsigned flags, uint32_t *out)
{
	const char *s = take(a, kw, flags);
	return s && (cabo_parse_ip4(s, out) || bad_value(a, kw, "IP address"));
}

bool cabo_args_read_ip4_prefix(struct cabo_args *a, const char *kw, unsigned flags,
			       uint32_t *addr, uint32_t *mask)
{
	const char *s = take(a, kw, flags);
	return s && (cabo_parse_ip4_prefix(s, addr, mask) || bad_value(a, kw, "IP prefix"));
}

bool cabo_args_read_ip6(struct cabo_args *a, const char *kw, unsigned flags, uint8_t out[16])
{
	const char *s = take(a, kw, flags);
	return s && (cabo_parse_ip6(s, out) || bad_value(a, kw, "IPv6 address"));
}

bool cabo_args_read_ip6_prefix(struct cabo_args *a, const char *kw, unsigned flags,
			       uint8_t addr[16], unsigned *prefix_len)
{
	const char *s = take(a, kw, flags);
	return s && (cabo_parse_ip6_prefix(s, addr, prefix_len) ||
		     bad_value(a, kw, "IPv6 prefix"));
}

bool cabo_args_read_ether(struct cabo_args *a, const char *kw, unsigned flags, uint8_t out[6])
{
	const char *s = take(a, kw, flags);
	return s && (cabo_parse_ether(s, out) || bad_value(a, kw, "Ethernet address"));
}

bool cabo_args_read_time(struct cabo_args *a, const char *kw, unsigned flags, int64_t *ns)
{
	const char *s = take(a, kw, flags);
	return s && (cabo_parse_time(s, ns) || bad_value(a, kw, "time (like 1.5s or 250ms)"));
}

bool cabo_args_read_bandwidth(struct cabo_args *a, const char *kw, unsigned flags,
			      double *bytes_per_sec)
{
	const char *s = take(a, kw, flags);
	return s && (cabo_parse_bandwidth(s, bytes_per_sec) ||
		     bad_value(a, kw, "bandwidth (like 10Mbps or 2MBps)"));
}

unsigned cabo_args_read_rest(struct cabo_args *a, const char *const **out)
{
	unsigned first = a->next_positional;
	for (unsigned i = first; i < a->npositional; i++)
		a->used[i] = true;
	a->next_positional = a->npositional;
	*out = (const char *const *)(a->argv + first);
	return a->npositional - first;
}

int cabo_args_error(struct cabo_args *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	cabo_errh_verror(a->errh, cabo_landmark_none(), fmt, ap);
	va_end(ap);
	a->failed = true;
	return -1;
}

bool cabo_copy_trimmed(const char *s, char *buf, size_t n)
{
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	size_t len = strlen(s);
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\n'
		       || s[len - 1] == '\r'))
		len--;
	if (len >= n)
		return false;
	memcpy(buf, s, len);
	buf[len] = 0;
	return true;
}

void cabo_format_interval(struct cabo_strbuf *out, int64_t ns)
{
	if (ns >= 0 && ns < 1000000000) {
		if (ns % 1000000 == 0)
			cabo_strbuf_printf(out, "%lldms", (long long)(ns / 1000000));
		else if (ns % 1000 == 0)
			cabo_strbuf_printf(out, "%lldus", (long long)(ns / 1000));
		else
			cabo_strbuf_printf(out, "%lldns", (long long)ns);
		return;
	}
	long long sec = ns / 1000000000, sub = ns % 1000000000;
	if (sub < 0)
		sub = -sub;
	if (sub % 1000 == 0)
		cabo_strbuf_printf(out, "%lld.%06llds", sec, sub / 1000);
	else
		cabo_strbuf_printf(out, "%lld.%09llds", sec, sub);
}
