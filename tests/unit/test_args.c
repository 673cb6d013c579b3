/* Unit tests for core/args.c and core/parse.c: tables of (input, expected)
 * that sit on both sides of every edge, WireGuard style.  An `err` column
 * is 0 for success, else the errno the parser must leave (EINVAL: bad
 * syntax, ERANGE: well formed but does not fit). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "check.h"
#include "errh.h"
#include "strbuf.h"

#define N(t) (sizeof(t) / sizeof((t)[0]))

static char *join(char **v, unsigned n)
{
	struct cabo_strbuf sb = CABO_STRBUF_INIT;
	for (unsigned i = 0; i < n; i++)
		cabo_strbuf_printf(&sb, "%s%s", i ? "|" : "", v[i]);
	return cabo_strbuf_release(&sb);
}

/* ---- Splitting: arguments are joined with '|' in the expected column. */

static void test_split_args(void)
{
	static const struct { const char *in; unsigned n; const char *out; } t[] = {
		{ "", 0, "" },
		{ "   \n\t ", 0, "" },
		{ "/* c */ // line\n", 0, "" },
		{ "a", 1, "a" },
		{ "a, b", 2, "a|b" },
		{ "  a ,b  ", 2, "a|b" },
		{ "a,", 1, "a" },                    /* trailing comma adds nothing */
		{ "a, ", 1, "a" },
		{ "a,,", 2, "a|" },                  /* ...but only the last empty goes */
		{ ",", 1, "" },
		{ ", a", 2, "|a" },
		{ "a,,b", 3, "a||b" },
		{ "a   b, c", 2, "a   b|c" },          /* inner space kept */
		{ "a\t\n b", 1, "a\t\n b" },
		{ "a /* x */ b", 1, "a b" },           /* comment + spaces: one space */
		{ "a/*x*/b", 1, "a b" },
		{ "a /* x */", 1, "a" },
		{ "a /* , */, b", 2, "a|b" },
		{ "a // x, y\n, b", 2, "a|b" },
		{ "a /* unclosed, b", 1, "a" },
		{ "\"x, y\", z", 2, "\"x, y\"|z" },
		{ "'x, y', z", 2, "'x, y'|z" },
		{ "\"a\\\", b\", c", 2, "\"a\\\", b\"|c" },   /* escaped quote */
		{ "'a\\', b", 2, "'a\\'|b" },               /* no escapes in '' */
		{ "\"/* kept */ a\", b", 2, "\"/* kept */ a\"|b" },
		{ "\"unclosed, x", 1, "\"unclosed, x" },
		{ "a\\, b", 2, "a\\|b" },             /* \, only escapes inside "" */
		{ "f(a, b), c", 2, "f(a, b)|c" },
		{ "[1, [2, 3]], {x, y}, z", 3, "[1, [2, 3]]|{x, y}|z" },
		{ "(a, b", 1, "(a, b" },               /* unclosed bracket */
		{ ") a, b", 2, ") a|b" },              /* stray closer is text */
		{ "(a), b", 2, "(a)|b" },
		{ "\\<0a, 0b>, c", 2, "\\<0a, 0b>|c" },
		{ "\\<0a /* > */ 0b>, c", 2, "\\<0a /* > */ 0b>|c" },
		{ "\"\\<0a, 0b>\", c", 2, "\"\\<0a, 0b>\"|c" },
		{ "KEY 1,\n  OTHER 2", 2, "KEY 1|OTHER 2" },
	};
	for (size_t i = 0; i < N(t); i++) {
		char **v;
		unsigned n = cabo_split_args(t[i].in, &v);
		char *got = join(v, n);
		CHECK(n == t[i].n);
		CHECK_STR(got, t[i].out);
		free(got);
		cabo_free_strings(v, n);
	}
	char **v;
	CHECK(cabo_split_args(NULL, &v) == 0);
	cabo_free_strings(v, 0);
}

static void test_split_words(void)
{
	static const struct { const char *in; unsigned n; const char *out; } t[] = {
		{ "", 0, "" },
		{ "  ", 0, "" },
		{ "a", 1, "a" },
		{ "a b  c", 3, "a|b|c" },
		{ " a\tb\n", 2, "a|b" },
		{ "\"a b\" c", 2, "\"a b\"|c" },
		{ "'a b'c d", 2, "'a b'c|d" },
		{ "f(a b) c", 2, "f(a b)|c" },
		{ "a/*x*/b", 2, "a|b" },               /* a comment ends a word */
		{ "a // x\n b", 2, "a|b" },
		{ "\\<0a 0b> c", 2, "\\<0a 0b>|c" },
		{ "a,b c", 2, "a,b|c" },
	};
	for (size_t i = 0; i < N(t); i++) {
		char **v;
		unsigned n = cabo_split_words(t[i].in, &v);
		char *got = join(v, n);
		CHECK(n == t[i].n);
		CHECK_STR(got, t[i].out);
		free(got);
		cabo_free_strings(v, n);
	}
}

/* ---- Quoting. */

static void test_unquote(void)
{
	static const struct { const char *in; const char *out; } t[] = {
		{ "abc", "abc" },
		{ "\"\"", "" },
		{ "\"abc\"", "abc" },
		{ "'abc'", "abc" },
		{ "\"a b\"", "a b" },
		{ "\"a\"b'c'", "abc" },
		{ "\"a\" \"b\"", "a b" },               /* text between quotes kept */
		{ "  \"a\"  // c", "a" },
		{ "\"/* x */\"", "/* x */" },
		{ "a\\nb", "a\\nb" },                   /* escapes only inside "" */
		{ "'a\\nb'", "a\\nb" },
		{ "\"a\\nb\\tc\"", "a\nb\tc" },
		{ "\"\\a\\b\\f\\r\\v\"", "\a\b\f\r\v" },
		{ "\"a\\\"b\"", "a\"b" },
		{ "\"\\$\\,\\\\\\'\"", "$,\\'" },
		{ "\"\\q\"", "q" },                     /* unknown escape: the char */
		{ "\"a\\\nb\"", "ab" },                 /* line continuation */
		{ "\"a\\\r\nb\"", "ab" },
		{ "\"\\x41\\x4a\"", "AJ" },
		{ "\"\\x414\"", "A4" },                 /* at most two hex digits */
		{ "\"\\101\"", "A" },
		{ "\"\\1010\"", "A0" },                 /* at most three octal digits */
		{ "\"\\377\"", "\377" },
		{ "\\<41 42>", "AB" },
		{ "\\<4142 /* c > */ 43>", "ABC" },
		{ "\"\\<41 42>\"", "AB" },
		{ "x\\<41>y", "xAy" },
	};
	for (size_t i = 0; i < N(t); i++) {
		char *got = cabo_unquote(t[i].in);
		CHECK_STR(got, t[i].out);
		free(got);
	}
	static const char *const bad[] = {
		"\"abc", "'abc", "\"\\x\"", "\"\\xg\"", "\"\\400\"", "\"a\\",
		"\\<414>", "\\<4g>", "\\<41", "\\<41 /* > */",
		"\"\\0\"", "\\<00>", "\"a\\000b\"",     /* NUL cannot be in a C string */
	};
	for (size_t i = 0; i < N(bad); i++) {
		errno = 0;
		char *got = cabo_unquote(bad[i]);
		CHECK(got == NULL && errno == EINVAL);
		free(got);
	}
}

static void test_data(void)
{
	static const struct { const char *in; size_t len; const char *bytes; } t[] = {
		{ "\"\"", 0, "" },
		{ "\\<>", 0, "" },
		{ "\\<00 01 ff>", 3, "\x00\x01\xff" },
		{ "\"a\\0b\"", 3, "a\0b" },
		{ "\"ab\" \\<0a>", 4, "ab \n" },
		{ "\\<DEAD beef>", 4, "\xde\xad\xbe\xef" },
	};
	for (size_t i = 0; i < N(t); i++) {
		size_t len = 99;
		uint8_t *d = cabo_parse_data(t[i].in, &len);
		CHECK(d && len == t[i].len && memcmp(d, t[i].bytes, len) == 0);
		free(d);
	}
	size_t len = 99;
	CHECK(cabo_parse_data("\\<0>", &len) == NULL && len == 99);
	CHECK(cabo_parse_data("\"open", &len) == NULL);
}

/* ---- Numbers. */

static void test_bool(void)
{
	static const struct { const char *in; int err; bool value; } t[] = {
		{ "true", 0, true }, { "false", 0, false },
		{ "yes", 0, true }, { "no", 0, false },
		{ "1", 0, true }, { "0", 0, false },
		{ "t", 0, true }, { "f", 0, false },
		{ "y", 0, true }, { "n", 0, false },
		{ "True", EINVAL, 0 }, { "YES", EINVAL, 0 },   /* case-sensitive, as Click */
		{ "on", EINVAL, 0 }, { "off", EINVAL, 0 },     /* not Click words */
		{ "2", EINVAL, 0 }, { "", EINVAL, 0 },
		{ " true", EINVAL, 0 }, { "true ", EINVAL, 0 }, { "yes!", EINVAL, 0 },
	};
	for (size_t i = 0; i < N(t); i++) {
		bool v = !t[i].value;
		errno = 0;
		bool ok = cabo_parse_bool(t[i].in, &v);
		CHECK(ok == !t[i].err && errno == t[i].err);
		CHECK(v == t[i].value || t[i].err);
	}
}

static void test_uint(void)
{
	static const struct { const char *in; int err; uint64_t value; } t[] = {
		{ "0", 0, 0 }, { "00", 0, 0 }, { "42", 0, 42 }, { "+42", 0, 42 },
		{ "18446744073709551615", 0, UINT64_MAX },
		{ "18446744073709551616", ERANGE, 0 },
		{ "99999999999999999999999", ERANGE, 0 },
		{ "99999999999999999999x", EINVAL, 0 },         /* syntax beats range */
		{ "0x10", 0, 16 }, { "0X1f", 0, 31 }, { "0xAbC", 0, 0xabc },
		{ "0xffffffffffffffff", 0, UINT64_MAX },
		{ "0x10000000000000000", ERANGE, 0 },
		{ "0x", EINVAL, 0 }, { "0xg", EINVAL, 0 },
		{ "0b101", 0, 5 }, { "0B1", 0, 1 }, { "0b2", EINVAL, 0 }, { "0b", EINVAL, 0 },
		{ "010", 0, 8 }, { "0777", 0, 511 }, { "08", EINVAL, 0 },  /* leading 0: octal */
		{ "1_000_000", 0, 1000000 }, { "0x_1", EINVAL, 0 },
		{ "1__0", EINVAL, 0 }, { "_1", EINVAL, 0 }, { "1_", EINVAL, 0 },
		{ "-1", EINVAL, 0 }, { "-0", EINVAL, 0 }, { "+", EINVAL, 0 }, { "++1", EINVAL, 0 },
		{ "", EINVAL, 0 }, { " 1", EINVAL, 0 }, { "1 ", EINVAL, 0 },
		{ "1a", EINVAL, 0 }, { "1.5", EINVAL, 0 }, { "1e3", EINVAL, 0 },
	};
	for (size_t i = 0; i < N(t); i++) {
		uint64_t v = 7;
		errno = 0;
		bool ok = cabo_parse_uint(t[i].in, &v);
		CHECK(ok == !t[i].err && errno == t[i].err);
		CHECK(v == (t[i].err ? 7 : t[i].value));
	}
}

static void test_int(void)
{
	static const struct { const char *in; int err; int64_t value; } t[] = {
		{ "0", 0, 0 }, { "-0", 0, 0 }, { "+5", 0, 5 }, { "-1", 0, -1 },
		{ "9223372036854775807", 0, INT64_MAX },
		{ "9223372036854775808", ERANGE, 0 },
		{ "-9223372036854775808", 0, INT64_MIN },
		{ "-9223372036854775809", ERANGE, 0 },
		{ "-0x10", 0, -16 }, { "-010", 0, -8 }, { "-1_000", 0, -1000 },
		{ "--5", EINVAL, 0 }, { "-", EINVAL, 0 }, { "- 5", EINVAL, 0 },
		{ "+-5", EINVAL, 0 }, { "5-", EINVAL, 0 }, { "", EINVAL, 0 },
	};
	for (size_t i = 0; i < N(t); i++) {
		int64_t v = 7;
		errno = 0;
		bool ok = cabo_parse_int(t[i].in, &v);
		CHECK(ok == !t[i].err && errno == t[i].err);
		CHECK(v == (t[i].err ? 7 : t[i].value));
	}
}

static void test_double(void)
{
	static const struct { const char *in; int err; double value; } t[] = {
		{ "0", 0, 0 }, { "1.5", 0, 1.5 }, { "-2", 0, -2 }, { "+.5", 0, 0.5 },
		{ "5.", 0, 5 }, { "1e3", 0, 1000 }, { "1E-3", 0, 0.001 },
		{ "2.5e+2", 0, 250 }, { "1_000.25", 0, 1000.25 },
		{ "1e999", ERANGE, 0 }, { "-1e999", ERANGE, 0 },
		{ ".", EINVAL, 0 }, { "", EINVAL, 0 }, { "-", EINVAL, 0 },
		{ "e5", EINVAL, 0 }, { "1e", EINVAL, 0 }, { "1e+", EINVAL, 0 },
		{ "1.2.3", EINVAL, 0 }, { " 1", EINVAL, 0 }, { "1 ", EINVAL, 0 },
		{ "inf", EINVAL, 0 }, { "nan", EINVAL, 0 }, { "0x1p3", EINVAL, 0 },
	};
	for (size_t i = 0; i < N(t); i++) {
		double v = 7;
		errno = 0;
		bool ok = cabo_parse_double(t[i].in, &v);
		CHECK(ok == !t[i].err && errno == t[i].err);
		CHECK(v == (t[i].err ? 7 : t[i].value));
	}
}

static void test_time(void)
{
	static const struct { const char *in; int err; int64_t ns; } t[] = {
		{ "0", 0, 0 }, { "1", 0, 1000000000 }, { "1.5", 0, 1500000000 },
		{ "1s", 0, 1000000000 }, { "1sec", 0, 1000000000 },
		{ "1.5s", 0, 1500000000 }, { "250ms", 0, 250000000 },
		{ "1msec", 0, 1000000 }, { "10us", 0, 10000 }, { "5ns", 0, 5 },
		{ "2min", 0, 120000000000 }, { "2m", 0, 120000000000 },  /* m is minutes */
		{ "1h", 0, 3600000000000 }, { "1hr", 0, 3600000000000 },
		{ "1d", 0, 86400000000000 }, { "1day", 0, 86400000000000 },
		{ "1 ms", 0, 1000000 }, { "1e-3s", 0, 1000000 }, { "0.1", 0, 100000000 },
		{ "0.5ns", 0, 1 }, { "0.4ns", 0, 0 },           /* nearest nanosecond */
		{ "9223372036s", 0, 9223372036000000000 },
		{ "106751d", 0, 9223286400000000000 },
		{ "9223372037s", ERANGE, 0 }, { "106752d", ERANGE, 0 }, { "1e999s", ERANGE, 0 },
		{ "-1s", EINVAL, 0 }, { "1ks", EINVAL, 0 }, { "1x", EINVAL, 0 },
		{ "s", EINVAL, 0 }, { "ms", EINVAL, 0 }, { "", EINVAL, 0 },
		{ "1m s", EINVAL, 0 }, { "1S", EINVAL, 0 }, { "10Mbps", EINVAL, 0 },
	};
	for (size_t i = 0; i < N(t); i++) {
		int64_t v = 7;
		errno = 0;
		bool ok = cabo_parse_time(t[i].in, &v);
		CHECK(ok == !t[i].err && errno == t[i].err);
		CHECK(v == (t[i].err ? 7 : t[i].ns));
	}
}

static void test_bandwidth(void)
{
	static const struct { const char *in; int err; double bps; } t[] = {
		{ "1000", 0, 1000 },                      /* bare number: bytes/s */
		{ "8bps", 0, 1 }, { "8b/s", 0, 1 }, { "8baud", 0, 1 },
		{ "1Bps", 0, 1 }, { "1B/s", 0, 1 },
		{ "10Kbps", 0, 1250 }, { "10kbps", 0, 1250 },   /* K is 1000 too */
		{ "10Mbps", 0, 1250000 }, { "1.5Gbps", 0, 187500000 },
		{ "100kBps", 0, 100000 }, { "100KBps", 0, 100000 },
		{ "2MBps", 0, 2000000 }, { "1GBps", 0, 1000000000 },
		{ "10 Mbps", 0, 1250000 }, { "0bps", 0, 0 },
		{ "1e308GBps", ERANGE, 0 },
		{ "10k", EINVAL, 0 }, { "10M", EINVAL, 0 },    /* a prefix needs a unit */
		{ "10mbps", EINVAL, 0 }, { "10Tbps", EINVAL, 0 }, { "10M bps", EINVAL, 0 },
		{ "-1bps", EINVAL, 0 }, { "bps", EINVAL, 0 }, { "", EINVAL, 0 },
		{ "10bits", EINVAL, 0 }, { "1s", EINVAL, 0 },
	};
	for (size_t i = 0; i < N(t); i++) {
		double v = 7;
		errno = 0;
		bool ok = cabo_parse_bandwidth(t[i].in, &v);
		CHECK(ok == !t[i].err && errno == t[i].err);
		CHECK(v == (t[i].err ? 7 : t[i].bps));
	}
}

/* ---- Addresses: results are checked through the formatters, and the
 * formatters against Click's output. */

static void test_ip4(void)
{
	static const struct { const char *in; const char *out; } t[] = {
		{ "0.0.0.0", "0.0.0.0" }, { "255.255.255.255", "255.255.255.255" },
		{ "10.0.0.1", "10.0.0.1" }, { "010.0.0.1", "10.0.0.1" },  /* decimal, as Click */
		{ "256.0.0.1", NULL }, { "1.2.3", NULL }, { "1.2.3.4.5", NULL },
		{ "1.2.3.", NULL }, { ".1.2.3", NULL }, { "1..2.3", NULL },
		{ "1234.1.1.1", NULL }, { "a.b.c.d", NULL }, { "1.2.3.-4", NULL },
		{ "", NULL }, { " 1.2.3.4", NULL }, { "1.2.3.4 ", NULL }, { "1.2.3.4/8", NULL },
	};
	for (size_t i = 0; i < N(t); i++) {
		uint32_t a = 7;
		char buf[16];
		bool ok = cabo_parse_ip4(t[i].in, &a);
		CHECK(ok == (t[i].out != NULL));
		cabo_format_ip4(a, buf);
		if (t[i].out)
			CHECK_STR(buf, t[i].out);
		else
			CHECK(a == 7);
	}
	uint32_t a;
	CHECK(cabo_parse_ip4("1.2.3.4", &a));
	CHECK(memcmp(&a, "\x01\x02\x03\x04", 4) == 0);     /* network byte order */
}

static void test_ip4_prefix(void)
{
	static const struct { const char *in; const char *addr, *mask; } t[] = {
		{ "10.0.0.0/8", "10.0.0.0", "255.0.0.0" },
		{ "10.0.0.0/255.0.0.0", "10.0.0.0", "255.0.0.0" },
		{ "10.0.0.0 255.0.0.0", "10.0.0.0", "255.0.0.0" },
		{ "10.0.0.0  255.255.0.0", "10.0.0.0", "255.255.0.0" },
		{ "0.0.0.0/0", "0.0.0.0", "0.0.0.0" },
		{ "0.0.0.0/0.0.0.0", "0.0.0.0", "0.0.0.0" },
		{ "1.2.3.4/32", "1.2.3.4", "255.255.255.255" },
		{ "1.2.3.4/255.255.255.255", "1.2.3.4", "255.255.255.255" },
		{ "192.168.1.0/25", "192.168.1.0", "255.255.255.128" },
		{ "192.168.1.0/255.255.255.128", "192.168.1.0", "255.255.255.128" },
		{ "10.1.2.3/8", "10.1.2.3", "255.0.0.0" },        /* host bits kept, as Click */
		{ "10/8", "10.0.0.0", "255.0.0.0" },              /* partial addresses */
		{ "10.1/16", "10.1.0.0", "255.255.0.0" },
		{ "172.16/12", "172.16.0.0", "255.240.0.0" },
		{ "0/0", "0.0.0.0", "0.0.0.0" },
		{ "10/9", NULL, NULL }, { "10.1/17", NULL, NULL },
		{ "10.0.0.0/33", NULL, NULL }, { "10.0.0.0/-1", NULL, NULL },
		{ "10.0.0.0/8x", NULL, NULL }, { "10.0.0.0/", NULL, NULL },
		{ "10.0.0.0", NULL, NULL }, { "/8", NULL, NULL },
		{ "10.0.0.0/255.0.255.0", NULL, NULL },           /* non-contiguous */
		{ "10.0.0.0/0.255.255.255", NULL, NULL },
		{ "10.0.0.0/255.255.255.253", NULL, NULL },
		{ "10.0.0.0 / 8", NULL, NULL }, { "10.0.0.0/8/8", NULL, NULL },
		{ "300.0.0.0/8", NULL, NULL }, { "10.0.0.0/255.0.0", NULL, NULL },
	};
	for (size_t i = 0; i < N(t); i++) {
		uint32_t a = 7, m = 7;
		char abuf[16], mbuf[16];
		bool ok = cabo_parse_ip4_prefix(t[i].in, &a, &m);
		CHECK(ok == (t[i].addr != NULL));
		cabo_format_ip4(a, abuf);
		cabo_format_ip4(m, mbuf);
		if (t[i].addr) {
			CHECK_STR(abuf, t[i].addr);
			CHECK_STR(mbuf, t[i].mask);
		} else {
			CHECK(a == 7 && m == 7);
		}
	}
}

static void test_ip6(void)
{
	static const struct { const char *in; const char *out; } t[] = {
		{ "::", "::" }, { "::1", "::1" }, { "1::", "1::" },
		{ "0:0:0:0:0:0:0:0", "::" },
		{ "2001:db8::1", "2001:db8::1" },
		{ "2001:DB8:0:0:0:0:0:1", "2001:db8::1" },
		{ "2001:0db8:0000:0000:0000:ff00:0042:8329", "2001:db8::ff00:42:8329" },
		{ "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1" },   /* first of equal runs */
		{ "2001:db8:0:1:0:0:0:1", "2001:db8:0:1::1" },     /* longest run */
		{ "fe80::1:0:0:0", "fe80::1:0:0:0" },
		{ "0:0:1::", "0:0:1::" },
		{ "1:0:2:3:4:5:6:7", "1:0:2:3:4:5:6:7" },         /* one zero stays */
		{ "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8" },
		{ "1:2:3:4:5:6::7", "1:2:3:4:5:6:0:7" },          /* :: for one group */
		{ "::ffff:10.0.0.1", "::ffff:10.0.0.1" },
		{ "::FFFF:a00:1", "::ffff:10.0.0.1" },
		{ "::10.0.0.1", "::a00:1" },
		{ "64:ff9b::192.0.2.33", "64:ff9b::c000:221" },
		{ "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304" },
		{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
		  "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" },
		{ ":::", NULL }, { "1::2::3", NULL }, { "1:2:3:4:5:6:7", NULL },
		{ "1:2:3:4:5:6:7:8:9", NULL }, { "1:2:3:4:5:6:7::8", NULL },
		{ "1:2:3:4:5:6:7:8::", NULL }, { "12345::", NULL }, { "g::", NULL },
		{ ":1::", NULL }, { ":1", NULL }, { "1:", NULL }, { "1::2:", NULL },
		{ "::1.2.3", NULL }, { "::1.2.3.4:5", NULL }, { "::256.1.1.1", NULL },
		{ "1:2:3:4:5:6:7:1.2.3.4", NULL }, { "1:2:3:4:5:6::1.2.3.4", NULL },
		{ "1.2.3.4", NULL }, { "::1%eth0", NULL }, { "", NULL }, { " ::1", NULL },
		{ "::1/64", NULL },
	};
	for (size_t i = 0; i < N(t); i++) {
		uint8_t a[16];
		memset(a, 7, 16);
		char buf[40];
		bool ok = cabo_parse_ip6(t[i].in, a);
		CHECK(ok == (t[i].out != NULL));
		cabo_format_ip6(a, buf);
		if (t[i].out)
			CHECK_STR(buf, t[i].out);
		else
			CHECK(a[0] == 7 && a[15] == 7);
	}
}

static void test_ip6_prefix(void)
{
	static const struct { const char *in; const char *addr; unsigned len; } t[] = {
		{ "2001:db8::/32", "2001:db8::", 32 },
		{ "::/0", "::", 0 }, { "::1/128", "::1", 128 },
		{ "2001:db8::1/64", "2001:db8::1", 64 },
		{ "2001:db8::/ffff:ffff::", "2001:db8::", 32 },
		{ "fe80::/ffc0::", "fe80::", 10 },
		{ "::/::", "::", 0 },
		{ "::ffff:10.0.0.0/104", "::ffff:10.0.0.0", 104 },
		{ "2001:db8::/129", NULL, 0 }, { "2001:db8::", NULL, 0 },
		{ "2001:db8::/", NULL, 0 }, { "/64", NULL, 0 },
		{ "2001:db8::/ffff:0:ffff::", NULL, 0 },         /* non-contiguous */
		{ "2001:db8::/6 4", NULL, 0 }, { "2001:db8::/-1", NULL, 0 },
		{ "10.0.0.0/8", NULL, 0 },
	};
	for (size_t i = 0; i < N(t); i++) {
		uint8_t a[16] = { 7 };
		unsigned len = 999;
		char buf[40];
		bool ok = cabo_parse_ip6_prefix(t[i].in, a, &len);
		CHECK(ok == (t[i].addr != NULL));
		cabo_format_ip6(a, buf);
		if (t[i].addr) {
			CHECK_STR(buf, t[i].addr);
			CHECK(len == t[i].len);
		} else {
			CHECK(a[0] == 7 && len == 999);
		}
	}
}

static void test_ether(void)
{
	static const struct { const char *in; const char *out; } t[] = {
		{ "00:11:22:33:44:55", "00-11-22-33-44-55" },
		{ "00-11-22-33-44-55", "00-11-22-33-44-55" },
		{ "aa:BB:cc:dd:ee:FF", "AA-BB-CC-DD-EE-FF" },
		{ "0:1:2:3:4:5", "00-01-02-03-04-05" },
		{ "ff:ff:ff:ff:ff:ff", "FF-FF-FF-FF-FF-FF" },
		{ "00:11:22:33:44", NULL }, { "00:11:22:33:44:55:66", NULL },
		{ "00:11-22:33:44:55", NULL },                   /* mixed separators */
		{ "0011.2233.4455", NULL }, { "001122334455", NULL },  /* not Click forms */
		{ "00:11:22:33:44:555", NULL }, { "000:11:22:33:44:55", NULL },
		{ "00:11:22:33:44:5g", NULL }, { "00::22:33:44:55", NULL },
		{ ":00:11:22:33:44", NULL }, { "00:11:22:33:44:55:", NULL },
		{ "", NULL }, { "00:11:22:33:44:55 ", NULL },
	};
	for (size_t i = 0; i < N(t); i++) {
		uint8_t a[6];
		memset(a, 7, 6);
		char buf[18];
		bool ok = cabo_parse_ether(t[i].in, a);
		CHECK(ok == (t[i].out != NULL));
		cabo_format_ether(a, buf);
		if (t[i].out)
			CHECK_STR(buf, t[i].out);
		else
			CHECK(a[0] == 7 && a[5] == 7);
	}
}

/* ---- The argument reader.  One made-up element reads
 * CAPACITY (unsigned, mandatory positional), LIMIT (integer, positional),
 * STOP (boolean, keyword) and NAME (string, keyword); each row gives its
 * configuration, the values read (- when absent) and the errors. */

static char *configure_sample(const char *config)
{
	struct cabo_errh errh;
	struct cabo_args a;
	uint64_t cap = 0;
	int64_t limit = 0;
	bool stop = false;
	char *name = NULL;
	cabo_errh_init(&errh, NULL);
	cabo_args_init(&a, config, &errh);
	bool have_cap = cabo_args_read_uint(&a, "CAPACITY", CABO_ARG_MP, &cap);
	bool have_limit = cabo_args_read_int(&a, "LIMIT", CABO_ARG_POSITIONAL, &limit);
	bool have_stop = cabo_args_read_bool(&a, "STOP", 0, &stop);
	bool have_name = cabo_args_read_string(&a, "NAME", CABO_ARG_KEYWORD, &name);
	int rc = cabo_args_complete(&a);

	struct cabo_strbuf sb = CABO_STRBUF_INIT;
	if (have_cap)
		cabo_strbuf_printf(&sb, "cap=%llu", (unsigned long long)cap);
	else
		cabo_strbuf_puts(&sb, "cap=-");
	if (have_limit)
		cabo_strbuf_printf(&sb, " limit=%lld", (long long)limit);
	else
		cabo_strbuf_puts(&sb, " limit=-");
	cabo_strbuf_printf(&sb, " stop=%s name=%s rc=%d\n%s", have_stop ? (stop ? "1" : "0") : "-",
			   have_name ? name : "-", rc, cabo_strbuf_str(&errh.log));
	free(name);
	cabo_args_destroy(&a);
	cabo_errh_destroy(&errh);
	return cabo_strbuf_release(&sb);
}

static void test_args_sample(void)
{
	static const struct { const char *config; const char *out; } t[] = {
		{ "10", "cap=10 limit=- stop=- name=- rc=0\n" },
		{ "10, -5", "cap=10 limit=-5 stop=- name=- rc=0\n" },
		{ "10, -5, STOP true", "cap=10 limit=-5 stop=1 name=- rc=0\n" },
		{ "CAPACITY 10", "cap=10 limit=- stop=- name=- rc=0\n" },
		{ "CAPACITY\t10", "cap=10 limit=- stop=- name=- rc=0\n" },
		{ "LIMIT 3, CAPACITY 7", "cap=7 limit=3 stop=- name=- rc=0\n" },
		{ "10, 3, NAME \"a b\"", "cap=10 limit=3 stop=- name=a b rc=0\n" },
		{ "10,", "cap=10 limit=- stop=- name=- rc=0\n" },
		{ "10 /* cap */, // limit\n 5", "cap=10 limit=5 stop=- name=- rc=0\n" },
		/* a keyword overrides its positional argument; the last one wins */
		{ "10, CAPACITY 20", "cap=20 limit=- stop=- name=- rc=0\n" },
		{ "CAPACITY 1, CAPACITY 2", "cap=2 limit=- stop=- name=- rc=0\n" },
		{ "1, STOP true, STOP false", "cap=1 limit=- stop=0 name=- rc=0\n" },
		/* an empty argument is absent: it skips an optional one... */
		{ "10, , STOP yes", "cap=10 limit=- stop=1 name=- rc=0\n" },
		{ "10,,", "cap=10 limit=- stop=- name=- rc=0\n" },
		/* ...but does not give a mandatory one */
		{ "", "cap=- limit=- stop=- name=- rc=-1\nCAPACITY: missing mandatory argument\n" },
		{ ", 5", "cap=- limit=5 stop=- name=- rc=-1\nCAPACITY: missing mandatory argument\n" },
		{ "LIMIT 5", "cap=- limit=5 stop=- name=- rc=-1\nCAPACITY: missing mandatory argument\n" },
		{ "10, 5, 6", "cap=10 limit=5 stop=- name=- rc=-1\ntoo many arguments\n" },
		{ "10, 5, 6, 7", "cap=10 limit=5 stop=- name=- rc=-1\ntoo many arguments\n" },
		{ "10, FOO 1", "cap=10 limit=- stop=- name=- rc=-1\nFOO: unknown keyword\n" },
		{ "10, FOO 1, BAR_2 x, 7",
		  "cap=10 limit=- stop=- name=- rc=-1\n"
		  "FOO: unknown keyword\nBAR_2: unknown keyword\ntoo many arguments\n" },
		/* positional arguments end at the first keyword */
		{ "10, LIMIT 5, 6", "cap=10 limit=5 stop=- name=- rc=-1\ntoo many arguments\n" },
		{ "CAPACITY abc, 10",
		  "cap=- limit=- stop=- name=- rc=-1\n"
		  "CAPACITY: expected unsigned integer\ntoo many arguments\n" },
		/* only an upper-case word followed by a value is a keyword */
		{ "10, STOP", "cap=10 limit=- stop=- name=- rc=-1\nLIMIT: expected integer\n" },
		{ "10, limit 5", "cap=10 limit=- stop=- name=- rc=-1\nLIMIT: expected integer\n" },
		{ "10, Stop 1", "cap=10 limit=- stop=- name=- rc=-1\nLIMIT: expected integer\n" },
		{ "abc", "cap=- limit=- stop=- name=- rc=-1\nCAPACITY: expected unsigned integer\n" },
		{ "-1", "cap=- limit=- stop=- name=- rc=-1\nCAPACITY: expected unsigned integer\n" },
		{ "99999999999999999999", "cap=- limit=- stop=- name=- rc=-1\nCAPACITY: out of range\n" },
		{ "1, 9223372036854775808", "cap=1 limit=- stop=- name=- rc=-1\nLIMIT: out of range\n" },
		{ "10, STOP maybe", "cap=10 limit=- stop=- name=- rc=-1\nSTOP: expected boolean\n" },
		{ "10, NAME a b",
		  "cap=10 limit=- stop=- name=- rc=-1\nNAME: expected string (quote text with spaces)\n" },
		{ "10, NAME \"open",
		  "cap=10 limit=- stop=- name=- rc=-1\nNAME: expected string (quote text with spaces)\n" },
	};
	for (size_t i = 0; i < N(t); i++) {
		char *got = configure_sample(t[i].config);
		CHECK_STR(got, t[i].out);
		free(got);
	}
}

/* ---- Each reader's type name in its error, and its value on success.
 * Every reader reads X as a mandatory positional argument. */

struct reader {
	bool (*read)(struct cabo_args *a, struct cabo_strbuf *out);
	const char *config;
	const char *out;   /* formatted value, or the error text */
};

static bool rd_double(struct cabo_args *a, struct cabo_strbuf *out)
{
	double v;
	bool ok = cabo_args_read_double(a, "X", CABO_ARG_MP, &v);
	if (ok)
		cabo_strbuf_printf(out, "%g", v);
	return ok;
}

static bool rd_text(bool (*read)(struct cabo_args *, const char *, unsigned, char **),
		    struct cabo_args *a, struct cabo_strbuf *out)
{
	char *v = NULL;
	bool ok = read(a, "X", CABO_ARG_MP, &v);
	if (ok)
		cabo_strbuf_puts(out, v);
	free(v);
	return ok;
}

static bool rd_string(struct cabo_args *a, struct cabo_strbuf *out)
{
	return rd_text(cabo_args_read_string, a, out);
}

static bool rd_word(struct cabo_args *a, struct cabo_strbuf *out)
{
	return rd_text(cabo_args_read_word, a, out);
}

static bool rd_raw(struct cabo_args *a, struct cabo_strbuf *out)
{
	return rd_text(cabo_args_read_raw, a, out);
}

static bool rd_data(struct cabo_args *a, struct cabo_strbuf *out)
{
	uint8_t *v = NULL;
	size_t len = 0;
	bool ok = cabo_args_read_data(a, "X", CABO_ARG_MP, &v, &len);
	for (size_t i = 0; ok && i < len; i++)
		cabo_strbuf_printf(out, "%02x", v[i]);
	free(v);
	return ok;
}

static bool rd_ip4(struct cabo_args *a, struct cabo_strbuf *out)
{
	uint32_t v;
	char buf[16];
	bool ok = cabo_args_read_ip4(a, "X", CABO_ARG_MP, &v);
	if (ok) {
		cabo_format_ip4(v, buf);
		cabo_strbuf_puts(out, buf);
	}
	return ok;
}

static bool rd_ip4_prefix(struct cabo_args *a, struct cabo_strbuf *out)
{
	uint32_t v, m;
	char buf[16], mbuf[16];
	bool ok = cabo_args_read_ip4_prefix(a, "X", CABO_ARG_MP, &v, &m);
	if (ok) {
		cabo_format_ip4(v, buf);
		cabo_format_ip4(m, mbuf);
		cabo_strbuf_printf(out, "%s/%s", buf, mbuf);
	}
	return ok;
}

static bool rd_ip6(struct cabo_args *a, struct cabo_strbuf *out)
{
	uint8_t v[16];
	char buf[40];
	bool ok = cabo_args_read_ip6(a, "X", CABO_ARG_MP, v);
	if (ok) {
		cabo_format_ip6(v, buf);
		cabo_strbuf_puts(out, buf);
	}
	return ok;
}

static bool rd_ip6_prefix(struct cabo_args *a, struct cabo_strbuf *out)
{
	uint8_t v[16];
	unsigned len;
	char buf[40];
	bool ok = cabo_args_read_ip6_prefix(a, "X", CABO_ARG_MP, v, &len);
	if (ok) {
		cabo_format_ip6(v, buf);
		cabo_strbuf_printf(out, "%s/%u", buf, len);
	}
	return ok;
}

static bool rd_ether(struct cabo_args *a, struct cabo_strbuf *out)
{
	uint8_t v[6];
	char buf[18];
	bool ok = cabo_args_read_ether(a, "X", CABO_ARG_MP, v);
	if (ok) {
		cabo_format_ether(v, buf);
		cabo_strbuf_puts(out, buf);
	}
	return ok;
}

static bool rd_time(struct cabo_args *a, struct cabo_strbuf *out)
{
	int64_t v;
	bool ok = cabo_args_read_time(a, "X", CABO_ARG_MP, &v);
	if (ok)
		cabo_strbuf_printf(out, "%lldns", (long long)v);
	return ok;
}

static bool rd_bandwidth(struct cabo_args *a, struct cabo_strbuf *out)
{
	double v;
	bool ok = cabo_args_read_bandwidth(a, "X", CABO_ARG_MP, &v);
	if (ok)
		cabo_strbuf_printf(out, "%.0fBps", v);
	return ok;
}

static void test_readers(void)
{
	static const struct reader t[] = {
		{ rd_double, "2.5", "2.5" },
		{ rd_double, "x", "X: expected real number\n" },
		{ rd_double, "1e999", "X: out of range\n" },
		{ rd_string, "'it''s'", "its" },
		{ rd_string, "\"a\\0\"", "X: expected string (quote text with spaces)\n" },
		{ rd_word, "eth0", "eth0" },
		{ rd_word, "\"eth0\"", "eth0" },
		{ rd_word, "\"a b\"", "X: expected word\n" },
		{ rd_word, "\"a,b\"", "X: expected word\n" },
		{ rd_word, "\"\"", "X: expected word\n" },
		{ rd_raw, "\"a\"  b /* c */", "\"a\"  b" },
		{ rd_data, "\\<00 ff> \"A\"", "00ff2041" },
		{ rd_data, "\\<0>", "X: expected data\n" },
		{ rd_ip4, "10.0.0.1", "10.0.0.1" },
		{ rd_ip4, "10.0.0.256", "X: expected IP address\n" },
		{ rd_ip4_prefix, "10/8", "10.0.0.0/255.0.0.0" },
		{ rd_ip4_prefix, "10.0.0.0/255.0.255.0", "X: expected IP prefix\n" },
		{ rd_ip6, "fe80::1", "fe80::1" },
		{ rd_ip6, "fe80:::1", "X: expected IPv6 address\n" },
		{ rd_ip6_prefix, "fe80::/10", "fe80::/10" },
		{ rd_ip6_prefix, "fe80::/200", "X: expected IPv6 prefix\n" },
		{ rd_ether, "0:1:2:3:4:5", "00-01-02-03-04-05" },
		{ rd_ether, "0011.2233.4455", "X: expected Ethernet address\n" },
		{ rd_time, "250ms", "250000000ns" },
		{ rd_time, "5 parsecs", "X: expected time (like 1.5s or 250ms)\n" },
		{ rd_time, "1e20s", "X: out of range\n" },
		{ rd_bandwidth, "10Mbps", "1250000Bps" },
		{ rd_bandwidth, "10k", "X: expected bandwidth (like 10Mbps or 2MBps)\n" },
		{ rd_bandwidth, "1e999", "X: out of range\n" },
	};
	for (size_t i = 0; i < N(t); i++) {
		struct cabo_errh errh;
		struct cabo_args a;
		struct cabo_strbuf got = CABO_STRBUF_INIT;
		cabo_errh_init(&errh, NULL);
		cabo_args_init(&a, t[i].config, &errh);
		bool ok = t[i].read(&a, &got);
		CHECK(ok == (errh.nerrors == 0));
		CHECK(cabo_args_complete(&a) == (ok ? 0 : -1));
		CHECK_STR(ok ? cabo_strbuf_str(&got) : cabo_strbuf_str(&errh.log), t[i].out);
		cabo_strbuf_free(&got);
		cabo_args_destroy(&a);
		cabo_errh_destroy(&errh);
	}
}

/* ---- Reading the rest, keyword-only mandatory arguments, and the context
 * the caller pushes around the messages. */

static void test_rest(void)
{
	struct cabo_errh errh;
	struct cabo_args a;
	const char *const *rest;
	uint64_t first;
	bool verbose;
	cabo_errh_init(&errh, NULL);
	cabo_args_init(&a, "1, two, \"3, 4\", VERBOSE true", &errh);
	CHECK(cabo_args_read_uint(&a, "FIRST", CABO_ARG_POSITIONAL, &first) && first == 1);
	CHECK(cabo_args_read_rest(&a, &rest) == 2);
	CHECK_STR(rest[0], "two");
	CHECK_STR(rest[1], "\"3, 4\"");
	CHECK(cabo_args_read_rest(&a, &rest) == 0);
	CHECK(cabo_args_read_bool(&a, "VERBOSE", 0, &verbose) && verbose);
	CHECK(cabo_args_complete(&a) == 0);
	cabo_args_destroy(&a);

	cabo_args_init(&a, "", &errh);
	CHECK(cabo_args_read_rest(&a, &rest) == 0);
	CHECK(cabo_args_complete(&a) == 0);
	cabo_args_destroy(&a);
	CHECK(errh.nerrors == 0);
	cabo_errh_destroy(&errh);
}

static void test_keyword_mandatory(void)
{
	struct cabo_errh errh;
	struct cabo_args a;
	uint64_t v = 0;
	cabo_errh_init(&errh, NULL);
	cabo_args_init(&a, "5", &errh);
	CHECK(!cabo_args_read_uint(&a, "N", CABO_ARG_MANDATORY, &v));
	CHECK(cabo_args_complete(&a) == -1);
	CHECK_STR(cabo_strbuf_str(&errh.log), "N: missing mandatory argument\ntoo many arguments\n");
	cabo_args_destroy(&a);
	cabo_errh_destroy(&errh);
}

static void test_context(void)
{
	struct cabo_errh errh;
	struct cabo_args a;
	uint64_t v = 3;
	cabo_errh_init(&errh, NULL);
	cabo_errh_push_context(&errh, (struct cabo_landmark){ "conf", 12 },
			       "While configuring 'q :: Queue':");
	cabo_args_init(&a, "lots, EXTRA 1", &errh);
	CHECK(!cabo_args_read_uint(&a, "CAPACITY", CABO_ARG_MP, &v) && v == 3);
	CHECK(cabo_args_complete(&a) == -1);
	CHECK_STR(cabo_strbuf_str(&errh.log),
		  "conf:12: While configuring 'q :: Queue':\n"
		  "  CAPACITY: expected unsigned integer\n"
		  "  EXTRA: unknown keyword\n");
	CHECK(errh.nerrors == 2);
	cabo_args_destroy(&a);
	cabo_errh_destroy(&errh);
}

int main(void)
{
	test_split_args();
	test_split_words();
	test_unquote();
	test_data();
	test_bool();
	test_uint();
	test_int();
	test_double();
	test_time();
	test_bandwidth();
	test_ip4();
	test_ip4_prefix();
	test_ip6();
	test_ip6_prefix();
	test_ether();
	test_args_sample();
	test_readers();
	test_rest();
	test_keyword_mandatory();
	test_context();
	return check_result();
}
