/* Single-value parsers and unparsers, in Click's syntax (lib/args.cc,
 * ipaddress.cc, ip6address.cc, etheraddress.cc).
 *
 * Every parser reads the whole string (no leading or trailing space, no
 * trailing garbage) and writes its result only on success.  On failure it
 * sets errno to ERANGE when the text is well formed but the value does not
 * fit, and to EINVAL otherwise, so callers can say which.
 *
 * Where Cabo is stricter than Click, it is on purpose:
 *   - reals are decimal only: no "inf", "nan" or hex floats (strtod's extras);
 *   - an IPv4 prefix mask must be contiguous ("10.0.0.0/255.0.255.0" is an error);
 *   - IPv4 prefixes also take "ADDR MASK" (space instead of the slash), as
 *     args.h promises; after the space, as after a slash, a length also works. */
#include "args.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

static bool fail(int err)
{
	errno = err;
	return false;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* ---- Booleans: Click's BoolArg words, case-sensitive. */

static const struct {
	const char *text;
	bool value;
} bool_words[] = {
	{ "true", true }, { "false", false }, { "yes", true }, { "no", false },
	{ "1", true }, { "0", false }, { "t", true }, { "f", false },
	{ "y", true }, { "n", false },
};

bool cabo_parse_bool(const char *s, bool *out)
{
	for (size_t i = 0; i < sizeof bool_words / sizeof bool_words[0]; i++)
		if (strcmp(s, bool_words[i].text) == 0) {
			*out = bool_words[i].value;
			return true;
		}
	return fail(EINVAL);
}

/* ---- Integers: Click's IntArg.  "0x" means hex, "0b" binary, a leading "0"
 * octal, anything else decimal; '_' may separate two digits ("1_000_000"). */

static int digit_in_base(char c, unsigned base)
{
	int d = is_digit(c) ? c - '0'
		: isalpha((unsigned char)c) ? tolower((unsigned char)c) - 'a' + 10
		: -1;
	return d < (int)base ? d : -1;
}

static bool parse_magnitude(const char *s, uint64_t *out)
{
	unsigned base = 10;
	bool prefixed = s[0] == '0' && s[1] && s[2];
	if (prefixed && (s[1] == 'x' || s[1] == 'X'))
		base = 16, s += 2;
	else if (prefixed && (s[1] == 'b' || s[1] == 'B'))
		base = 2, s += 2;
	else if (s[0] == '0')
		base = 8;

	uint64_t v = 0;
	bool overflow = false;
	if (!*s)
		return fail(EINVAL);
	for (size_t i = 0; s[i]; i++) {
		if (s[i] == '_' && i > 0 && digit_in_base(s[i - 1], base) >= 0 &&
		    digit_in_base(s[i + 1], base) >= 0)
			continue;
		int d = digit_in_base(s[i], base);
		if (d < 0)
			return fail(EINVAL);
		/* keep scanning after an overflow: "99999999999999999999x" is a syntax error */
		if (v > (UINT64_MAX - (unsigned)d) / base)
			overflow = true;
		else
			v = v * base + (unsigned)d;
	}
	if (overflow)
		return fail(ERANGE);
	*out = v;
	return true;
}

bool cabo_parse_uint(const char *s, uint64_t *out)
{
	return parse_magnitude(s + (*s == '+'), out);
}

bool cabo_parse_int(const char *s, int64_t *out)
{
	bool negative = *s == '-';
	uint64_t m;
	if (!parse_magnitude(s + (*s == '-' || *s == '+'), &m))
		return false;
	if (m > (uint64_t)INT64_MAX + negative)
		return fail(ERANGE);
	/* -(m - 1) - 1 reaches INT64_MIN without overflowing */
	*out = negative && m ? -(int64_t)(m - 1) - 1 : (int64_t)m;
	return true;
}

/* ---- Reals: [+-]digits[.digits][e[+-]digits], '_' between digits, as
 * Click's fraction parser; the digits are then converted by strtod. */

/* Copies the digits of s[*i..n) to out, skipping '_' between two digits;
 * returns how many digits were copied. */
static size_t copy_digits(const char *s, size_t n, size_t *i, struct cabo_strbuf *out)
{
	size_t count = 0;
	for (; *i < n; ++*i) {
		if (is_digit(s[*i])) {
			cabo_strbuf_putc(out, s[*i]);
			count++;
		} else if (!(s[*i] == '_' && count && *i + 1 < n && is_digit(s[*i + 1])))
			break;
	}
	return count;
}

static bool real_syntax(const char *s, size_t n, bool allow_minus, struct cabo_strbuf *out)
{
	size_t i = 0;
	if (i < n && (s[i] == '+' || (allow_minus && s[i] == '-')))
		cabo_strbuf_putc(out, s[i++]);
	size_t digits = copy_digits(s, n, &i, out);
	if (i < n && s[i] == '.') {
		cabo_strbuf_putc(out, s[i++]);
		digits += copy_digits(s, n, &i, out);
	}
	if (!digits)
		return false;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		cabo_strbuf_putc(out, s[i++]);
		if (i < n && (s[i] == '+' || s[i] == '-'))
			cabo_strbuf_putc(out, s[i++]);
		if (!copy_digits(s, n, &i, out))
			return false;
	}
	return i == n;
}

static bool parse_real(const char *s, size_t n, bool allow_minus, double *out)
{
	struct cabo_strbuf clean = CABO_STRBUF_INIT;
	bool ok = real_syntax(s, n, allow_minus, &clean);
	double v = 0;
	if (ok) {
		errno = 0;
		v = strtod(cabo_strbuf_str(&clean), NULL);
	}
	int err = !ok ? EINVAL : errno == ERANGE ? ERANGE : 0;
	cabo_strbuf_free(&clean);
	if (err)
		return fail(err);
	*out = v;
	return true;
}

bool cabo_parse_double(const char *s, double *out)
{
	return parse_real(s, strlen(s), true, out);
}

/* ---- Numbers with units, Click's UnitArg: the first unit in the table
 * whose name ends the text, then optionally one SI prefix letter, then
 * optional spaces before the number ("10 Mbps").  Prefixes only exist in
 * front of a unit, so "10k" is not a bandwidth. */

struct unit {
	const char *suffix;
	double factor;          /* in the base unit (seconds, bytes per second) */
};

struct si_prefix {
	char letter;
	int exp10;
};

/* "m" alone is minutes, as in Click; "ms" is milliseconds. */
static const struct unit time_units[] = {
	{ "s", 1 }, { "sec", 1 }, { "m", 60 }, { "min", 60 },
	{ "h", 3600 }, { "hr", 3600 }, { "d", 86400 }, { "day", 86400 },
	{ NULL, 0 },
};
static const struct si_prefix time_prefixes[] = {
	{ 'm', -3 }, { 'u', -6 }, { 'n', -9 }, { 0, 0 },
};

/* Lower-case b is bits, upper-case B bytes; k and K both mean 1000 (Click). */
static const struct unit bandwidth_units[] = {
	{ "baud", 0.125 }, { "bps", 0.125 }, { "b/s", 0.125 },
	{ "Bps", 1 }, { "B/s", 1 },
	{ NULL, 0 },
};
static const struct si_prefix bandwidth_prefixes[] = {
	{ 'k', 3 }, { 'K', 3 }, { 'M', 6 }, { 'G', 9 }, { 0, 0 },
};

static const struct unit *match_unit(const char *s, size_t n, const struct unit *units)
{
	for (; units->suffix; units++) {
		size_t len = strlen(units->suffix);
		if (len <= n && memcmp(s + n - len, units->suffix, len) == 0)
			return units;
	}
	return NULL;
}

static const struct si_prefix *match_prefix(char c, const struct si_prefix *prefixes)
{
	for (; prefixes->letter; prefixes++)
		if (prefixes->letter == c)
			return prefixes;
	return NULL;
}

/* x * 10^e, dividing for negative e so that 8bps is exactly 1 byte/s. */
static double scale10(double x, int e)
{
	double p = 1;
	for (int i = 0; i < abs(e); i++)
		p *= 10;
	return e < 0 ? x / p : x * p;
}

/* The value of s in base units times 10^exp10; never negative. */
static bool parse_with_unit(const char *s, const struct unit *units,
			    const struct si_prefix *prefixes, int exp10, double *out)
{
	size_t n = strlen(s);
	double factor = 1;
	const struct unit *u = match_unit(s, n, units);
	if (u) {
		n -= strlen(u->suffix);
		factor = u->factor;
		const struct si_prefix *p = n ? match_prefix(s[n - 1], prefixes) : NULL;
		if (p)
			n--, exp10 += p->exp10;
		while (n && isspace((unsigned char)s[n - 1]))
			n--;
	}
	double v;
	if (!parse_real(s, n, false, &v))
		return false;
	v = scale10(v * factor, exp10);
	if (!isfinite(v))
		return fail(ERANGE);
	*out = v;
	return true;
}

/* Rounded to the nearest nanosecond; a bare number is seconds. */
bool cabo_parse_time(const char *s, int64_t *ns)
{
	double v;
	if (!parse_with_unit(s, time_units, time_prefixes, 9, &v))
		return false;
	if (v >= 0x1p63)
		return fail(ERANGE);
	*ns = (int64_t)(v + 0.5);  /* v >= 0; no libm needed for rounding */
	return true;
}

bool cabo_parse_bandwidth(const char *s, double *bytes_per_sec)
{
	return parse_with_unit(s, bandwidth_units, bandwidth_prefixes, 0, bytes_per_sec);
}

/* ---- Addresses.  All results are byte strings in network order. */

/* One to four dotted decimal parts (0-255 each) filling s[0..n) exactly;
 * returns how many, or 0 when the text is not of that form.  "10" and "10.1"
 * are the partial addresses Click allows before a prefix length ("10/8"). */
static unsigned parse_dotted(const char *s, size_t n, uint8_t out[4])
{
	size_t i = 0;
	memset(out, 0, 4);
	for (unsigned parts = 0; parts < 4; i++) {
		unsigned v = 0;
		size_t start = i;
		while (i < n && is_digit(s[i]) && v <= 255)
			v = v * 10 + (unsigned)(s[i++] - '0');
		if (i == start || v > 255)
			return 0;
		out[parts++] = (uint8_t)v;
		if (i == n)
			return parts;
		if (s[i] != '.')
			return 0;
	}
	return 0;
}

/* A decimal prefix length up to max, or -1. */
static int parse_prefix_len(const char *s, unsigned max)
{
	unsigned v = 0;
	size_t i = 0;
	for (; is_digit(s[i]) && v <= max; i++)
		v = v * 10 + (unsigned)(s[i] - '0');
	return i && !s[i] && v <= max ? (int)v : -1;
}

/* The length of a contiguous mask of n bytes (ones, then zeros), or -1. */
static int mask_len(const uint8_t *m, unsigned n)
{
	int len = 0;
	unsigned i = 0;
	for (; i < n && m[i] == 0xff; i++)
		len += 8;
	if (i < n) {
		uint8_t b = m[i++];
		for (; b & 0x80; b = (uint8_t)(b << 1))
			len++;
		if (b)
			return -1;
	}
	for (; i < n; i++)
		if (m[i])
			return -1;
	return len;
}

static bool parse_ip6_n(const char *s, size_t n, uint8_t out[16]);

/* After the slash: a length ("24") or a mask in address form; its length or -1. */
static int parse_mask(const char *s, unsigned nbytes)
{
	int len = parse_prefix_len(s, nbytes * 8);
	if (len >= 0)
		return len;
	uint8_t m[16];
	size_t n = strlen(s);
	bool ok = nbytes == 4 ? parse_dotted(s, n, m) == 4 : parse_ip6_n(s, n, m);
	return ok ? mask_len(m, nbytes) : -1;
}

bool cabo_parse_ip4(const char *s, uint32_t *out)
{
	uint8_t a[4];
	if (parse_dotted(s, strlen(s), a) != 4)
		return fail(EINVAL);
	memcpy(out, a, 4);
	return true;
}

bool cabo_parse_ip4_prefix(const char *s, uint32_t *addr, uint32_t *mask)
{
	const char *sep = strrchr(s, '/');
	const char *rest = sep ? sep + 1 : NULL;
	if (!sep) {
		sep = s + strcspn(s, " \t\r\n\f\v");
		rest = sep + strspn(sep, " \t\r\n\f\v");
	}
	uint8_t a[4], m[4];
	unsigned parts = parse_dotted(s, (size_t)(sep - s), a);
	int len = *rest ? parse_mask(rest, 4) : -1;
	/* a partial address may not be shorter than its mask ("10/16") */
	if (!parts || len < 0 || (unsigned)len > parts * 8)
		return fail(EINVAL);
	for (unsigned i = 0; i < 4; i++) {
		int bits = len - 8 * (int)i;
		m[i] = bits <= 0 ? 0 : bits >= 8 ? 0xff : (uint8_t)(0xff00 >> bits);
	}
	memcpy(addr, a, 4);
	memcpy(mask, m, 4);
	return true;
}

static bool parse_hex_group(const char *s, size_t n, uint16_t *out)
{
	unsigned v = 0;
	if (n < 1 || n > 4)
		return false;
	for (size_t i = 0; i < n; i++) {
		int d = digit_in_base(s[i], 16);
		if (d < 0)
			return false;
		v = v << 4 | (unsigned)d;
	}
	*out = (uint16_t)v;
	return true;
}

static void put_groups(uint8_t *out, const uint16_t *g, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		out[2 * i] = (uint8_t)(g[i] >> 8);
		out[2 * i + 1] = (uint8_t)g[i];
	}
}

/* RFC 4291 section 2.2 text in s[0..n): eight groups of 1-4 hex digits, one
 * "::" standing for at least one zero group, and optionally a dotted IPv4
 * address as the last 32 bits ("::ffff:10.0.0.1"). */
static bool parse_ip6_n(const char *s, size_t n, uint8_t out[16])
{
	uint16_t g[8];
	unsigned ng = 0;
	int gap = -1;          /* index in g where "::" stands */
	size_t i = 0;
	if (n >= 2 && s[0] == ':' && s[1] == ':')
		gap = 0, i = 2;
	while (i < n) {
		size_t len = strcspn(s + i, ":");
		if (len > n - i)
			len = n - i;
		if (memchr(s + i, '.', len)) {
			uint8_t v4[4];
			if (i + len != n || ng > 6 || parse_dotted(s + i, len, v4) != 4)
				return false;
			g[ng++] = (uint16_t)(v4[0] << 8 | v4[1]);
			g[ng++] = (uint16_t)(v4[2] << 8 | v4[3]);
			break;
		}
		if (ng == 8 || !parse_hex_group(s + i, len, &g[ng++]))
			return false;
		i += len;
		if (i == n)
			break;
		if (++i < n && s[i] == ':') {
			if (gap >= 0)
				return false;
			gap = (int)ng, i++;
		} else if (i == n) {
			return false;  /* trailing single ':' */
		}
	}
	if (gap < 0 ? ng != 8 : ng > 7)
		return false;
	/* groups before "::" start the address, those after it end it */
	unsigned head = gap < 0 ? ng : (unsigned)gap;
	memset(out, 0, 16);
	put_groups(out, g, head);
	put_groups(out + 2 * (8 - (ng - head)), g + head, ng - head);
	return true;
}

bool cabo_parse_ip6(const char *s, uint8_t out[16])
{
	uint8_t a[16];
	if (!parse_ip6_n(s, strlen(s), a))
		return fail(EINVAL);
	memcpy(out, a, 16);
	return true;
}

/* "ADDR/LEN" or "ADDR/MASK" with a contiguous MASK, as Click's IP6PrefixArg. */
bool cabo_parse_ip6_prefix(const char *s, uint8_t addr[16], unsigned *prefix_len)
{
	const char *slash = strrchr(s, '/');
	uint8_t a[16];
	int len = slash && parse_ip6_n(s, (size_t)(slash - s), a) ? parse_mask(slash + 1, 16) : -1;
	if (len < 0)
		return fail(EINVAL);
	memcpy(addr, a, 16);
	*prefix_len = (unsigned)len;
	return true;
}

/* Six groups of one or two hex digits, all separated by ':' or all by '-'
 * (Click's EtherAddressArg; Cisco's "0011.2233.4455" is not accepted). */
bool cabo_parse_ether(const char *s, uint8_t out[6])
{
	uint8_t a[6];
	char sep = 0;
	for (unsigned i = 0; i < 6; i++) {
		size_t len = 0;
		unsigned v = 0;
		for (int d; len < 2 && (d = digit_in_base(s[len], 16)) >= 0; len++)
			v = v << 4 | (unsigned)d;
		if (!len)
			return fail(EINVAL);
		a[i] = (uint8_t)v;
		s += len;
		if (i == 5)
			break;
		if ((*s != ':' && *s != '-') || (sep && *s != sep))
			return fail(EINVAL);
		sep = *s++;
	}
	if (*s)
		return fail(EINVAL);
	memcpy(out, a, 6);
	return true;
}

/* ---- Unparsers, matching Click's. */

void cabo_format_ip4(uint32_t addr_be, char buf[16])
{
	uint8_t b[4];
	memcpy(b, &addr_be, 4);
	snprintf(buf, 16, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
}

/* Click's EtherAddress::unparse() form: upper case, dashes. */
void cabo_format_ether(const uint8_t a[6], char buf[18])
{
	snprintf(buf, 18, "%02X-%02X-%02X-%02X-%02X-%02X", a[0], a[1], a[2], a[3], a[4], a[5]);
}

/* RFC 5952, as Click: lower case, the longest run of two or more zero groups
 * (the first on a tie) becomes "::", and IPv4-mapped addresses end dotted. */
void cabo_format_ip6(const uint8_t a[16], char buf[40])
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	if (memcmp(a, mapped, 12) == 0) {
		snprintf(buf, 40, "::ffff:%u.%u.%u.%u", a[12], a[13], a[14], a[15]);
		return;
	}
	unsigned g[8], best = 8, best_len = 1;
	for (unsigned i = 0; i < 8; i++)
		g[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
	for (unsigned i = 0, run = 0; i < 8; i++) {
		run = g[i] ? 0 : run + 1;
		if (run > best_len)
			best = i + 1 - run, best_len = run;
	}
	size_t off = 0;
	for (unsigned i = 0; i < 8; i++) {
		if (i == best) {
			off += (size_t)snprintf(buf + off, 40 - off, "::");
			i += best_len - 1;
		} else {
			bool colon = i && i != best + best_len;
			off += (size_t)snprintf(buf + off, 40 - off, "%s%x", colon ? ":" : "", g[i]);
		}
	}
}
