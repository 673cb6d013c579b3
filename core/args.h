/* Typed configuration arguments, in Click's style.
 *
 * A configuration string is split at top-level commas (quotes, parentheses,
 * brackets and braces protect commas).  Leading arguments that do not start
 * with a KEYWORD are positional; an argument whose first word is all upper
 * case ([A-Z][A-Z0-9_]*) followed by a space is a keyword argument
 * (`LIMIT 10`).  A lone upper-case word is positional.
 *
 * Element configure functions read what they understand and then call
 * cabo_args_complete(), which reports anything left over:
 *
 *     cabo_args_read_uint(a, "CAPACITY", CABO_ARG_POSITIONAL, &cap);
 *     cabo_args_read_bool(a, "STOP", 0, &stop);
 *     return cabo_args_complete(a);
 *
 * Each read returns true when the argument was present and valid.  Bad or
 * missing mandatory arguments are reported to the errh, prefixed with the
 * keyword (`CAPACITY: expected unsigned integer`), and make complete() fail. */
#ifndef CABO_ARGS_H
#define CABO_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errh.h"

enum cabo_arg_flags {
	CABO_ARG_KEYWORD = 0,      /* keyword only */
	CABO_ARG_POSITIONAL = 1,   /* next positional argument, or by keyword */
	CABO_ARG_MANDATORY = 2,    /* error if absent */
	CABO_ARG_MP = CABO_ARG_POSITIONAL | CABO_ARG_MANDATORY,
};

struct cabo_args {
	struct cabo_errh *errh;
	char **argv;          /* arguments, whitespace-trimmed */
	unsigned argc;
	bool *used;
	unsigned npositional; /* leading arguments that are positional */
	unsigned next_positional;
	bool failed;
};

void cabo_args_init(struct cabo_args *a, const char *config, struct cabo_errh *errh);
void cabo_args_destroy(struct cabo_args *a);
/* 0 if every argument was used and valid; otherwise reports and returns -1. */
int cabo_args_complete(struct cabo_args *a);
/* Reports an element-specific argument error and makes complete() fail. */
int cabo_args_error(struct cabo_args *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

bool cabo_args_read_bool(struct cabo_args *a, const char *kw, unsigned flags, bool *out);
bool cabo_args_read_int(struct cabo_args *a, const char *kw, unsigned flags, int64_t *out);
bool cabo_args_read_uint(struct cabo_args *a, const char *kw, unsigned flags, uint64_t *out);
bool cabo_args_read_double(struct cabo_args *a, const char *kw, unsigned flags, double *out);
/* Unquoted string (Click StringArg semantics for quoted text; bare text kept). */
bool cabo_args_read_string(struct cabo_args *a, const char *kw, unsigned flags, char **out);
/* A single word (no spaces), unquoted. */
bool cabo_args_read_word(struct cabo_args *a, const char *kw, unsigned flags, char **out);
/* Raw argument text, exactly as written (after trimming). */
bool cabo_args_read_raw(struct cabo_args *a, const char *kw, unsigned flags, char **out);
/* Bytes: quoted strings with C escapes and `\<0a 0b>` hex blocks. */
bool cabo_args_read_data(struct cabo_args *a, const char *kw, unsigned flags,
			 uint8_t **out, size_t *len);
/* IPv4 address in network byte order. */
bool cabo_args_read_ip4(struct cabo_args *a, const char *kw, unsigned flags, uint32_t *out);
/* "10.0.0.0/8", "10.0.0.0/255.0.0.0", "10.0.0.0 255.0.0.0"; network byte order. */
bool cabo_args_read_ip4_prefix(struct cabo_args *a, const char *kw, unsigned flags,
			       uint32_t *addr, uint32_t *mask);
bool cabo_args_read_ip6(struct cabo_args *a, const char *kw, unsigned flags, uint8_t out[16]);
bool cabo_args_read_ip6_prefix(struct cabo_args *a, const char *kw, unsigned flags,
			       uint8_t addr[16], unsigned *prefix_len);
bool cabo_args_read_ether(struct cabo_args *a, const char *kw, unsigned flags, uint8_t out[6]);
/* Click SecondsArg: "1", "1.5s", "250ms", "10us", "5ns", "2min", "1h"; nanoseconds. */
bool cabo_args_read_time(struct cabo_args *a, const char *kw, unsigned flags, int64_t *ns);
/* Click BandwidthArg: "10Mbps", "1.5Gbps", "100kBps", "8bps"; a bare number is
 * bytes per second. Result in bytes per second. */
bool cabo_args_read_bandwidth(struct cabo_args *a, const char *kw, unsigned flags, double *bytes_per_sec);
/* Consumes every remaining positional argument (raw text); returns how many.
 * *out points into the args (valid until destroy). */
unsigned cabo_args_read_rest(struct cabo_args *a, const char *const **out);

/* ---- Parsing single values, for handler writes and element-specific syntax.
 * Each reads the whole string and sets *out only on success; on failure errno
 * is ERANGE for a well-formed value that does not fit, EINVAL otherwise. */
bool cabo_parse_bool(const char *s, bool *out);
bool cabo_parse_int(const char *s, int64_t *out);
bool cabo_parse_uint(const char *s, uint64_t *out);
bool cabo_parse_double(const char *s, double *out);
bool cabo_parse_ip4(const char *s, uint32_t *out);
bool cabo_parse_ip4_prefix(const char *s, uint32_t *addr, uint32_t *mask);
bool cabo_parse_ip6(const char *s, uint8_t out[16]);
bool cabo_parse_ip6_prefix(const char *s, uint8_t addr[16], unsigned *prefix_len);
bool cabo_parse_ether(const char *s, uint8_t out[6]);
bool cabo_parse_time(const char *s, int64_t *ns);
bool cabo_parse_bandwidth(const char *s, double *bytes_per_sec);
/* Unquotes "..." / '...' parts and decodes escapes and \<hex>; NULL on error
 * (cabo_unquote also fails if the result would hold a NUL byte). */
uint8_t *cabo_parse_data(const char *s, size_t *len);
char *cabo_unquote(const char *s);

/* Splits at top-level commas; returns count, *out is a malloc'd array of
 * malloc'd trimmed strings, comments removed (free both with
 * cabo_free_strings, even for 0). An empty or all-blank string gives 0
 * arguments; a trailing comma adds none. */
unsigned cabo_split_args(const char *config, char ***out);
/* Splits at top-level whitespace (quotes and brackets protect spaces). */
unsigned cabo_split_words(const char *s, char ***out);
void cabo_free_strings(char **v, unsigned n);

/* Formatting helpers matching Click's unparsers. */
void cabo_format_ip4(uint32_t addr_be, char buf[16]);
void cabo_format_ether(const uint8_t addr[6], char buf[18]);
void cabo_format_ip6(const uint8_t addr[16], char buf[40]);
/* Click's Timestamp::unparse_interval: "250ms", "10us", "1.500000s". */
struct cabo_strbuf;
void cabo_format_interval(struct cabo_strbuf *out, int64_t ns);

/* Copies s without surrounding whitespace into buf (size n); false if it
 * does not fit.  For handler values, which arrive untrimmed. */
bool cabo_copy_trimmed(const char *s, char *buf, size_t n);

#endif
