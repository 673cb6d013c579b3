/* The IPv6 Internet tables used by the IPv6 route-table test and benchmark:
 * $CABO_DATA/prefixes/bart__prefixes.txt.gz (one prefix a line, IPv4 and
 * IPv6 mixed; IPv4 lines are skipped) and pyasn__ipasn6_20151101.dat.gz
 * (`PREFIX<tab>ASN' lines, `;' comments).  Each prefix gets a synthetic
 * next hop: one of 8 outputs and one of 100 gateways or none (808 pairs). */
#ifndef CABO_TEST_LPM6_DATA_H
#define CABO_TEST_LPM6_DATA_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../elements/ip6route/ip6route.h"
#include "prefix_data.h"

struct lpm6_prefix {
	cabo_u128 key;      /* host bits clear */
	uint8_t len;
};

static bool lpm6_parse_line(char *line, void *prefix)
{
	struct lpm6_prefix *p = prefix;
	line[strcspn(line, " \t\r\n")] = 0;
	uint8_t a[16];
	unsigned len;
	if (line[0] == ';' || !strchr(line, ':') || !cabo_parse_ip6_prefix(line, a, &len))
		return false;
	p->key = cabo_ip6_key(a) & cabo_ip6_mask(len);
	p->len = (uint8_t)len;
	return true;
}

/* Reads the IPv6 prefixes of a table (through zcat); returns how many, or
 * 0 when the file cannot be read. */
static size_t lpm6_read_prefixes(const char *path, struct lpm6_prefix **out)
{
	void *p;
	size_t n = prefix_data_read(path, sizeof **out, 1 << 16, lpm6_parse_line, &p);
	if (n)
		*out = p;
	return n;
}

/* The synthetic next hop of value v: output v % 8, gateway
 * 2001:db8:ffff::(v/8 % 101), none when that is 0. */
static inline int32_t lpm6_value_port(uint32_t v)
{
	return (int32_t)(v % 8);
}

static inline void lpm6_value_gw(uint32_t v, uint8_t gw[16])
{
	uint32_t g = v / 8 % 101;
	cabo_ip6_bytes(g ? (cabo_u128)0x20010db8ffffull << 80 | g : 0, gw);
}

static inline struct cabo_ip6route lpm6_route(cabo_u128 key, unsigned len, uint32_t value)
{
	struct cabo_ip6route r;
	memset(&r, 0, sizeof r);
	cabo_ip6_bytes(key, r.addr);
	r.len = (uint8_t)len;
	lpm6_value_gw(value, r.gw);
	r.port = lpm6_value_port(value);
	return r;
}

static inline cabo_u128 lpm6_rand128(uint64_t *s)
{
	cabo_u128 hi = prefix_rand(s);
	return hi << 64 | prefix_rand(s);
}

/* An address inside prefix p, host bits random. */
static inline cabo_u128 lpm6_inside(const struct lpm6_prefix *p, uint64_t *s)
{
	return p->key | (lpm6_rand128(s) & ~cabo_ip6_mask(p->len));
}

#endif
