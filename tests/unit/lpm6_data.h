/* The IPv6 Internet tables used by the IPv6 route-table test and benchmark:
 * $CABO_DATA/prefixes/bart__prefixes.txt.gz (one prefix a line, IPv4 and
 * IPv6 mixed; IPv4 lines are skipped) and pyasn__ipasn6_20151101.dat.gz
 * (`PREFIX<tab>ASN' lines, `;' comments).  Each prefix gets a synthetic
 * next hop: one of 8 outputs and one of 100 gateways or none (808 pairs). */
#ifndef CABO_TEST_LPM6_DATA_H
#define CABO_TEST_LPM6_DATA_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../elements/ip6route/ip6route.h"

struct lpm6_prefix {
	cabo_u128 key;      /* host bits clear */
	uint8_t len;
};

/* The path of data file `name', or NULL when the data directory is unknown. */
static char *lpm6_data_path(const char *name)
{
	const char *data = getenv("CABO_DATA");
	const char *top = getenv("top_srcdir");
	if (data && *data)
		return cabo_xasprintf("%s/prefixes/%s", data, name);
	if (top && *top)
		return cabo_xasprintf("%s/../shared/data/prefixes/%s", top, name);
	return NULL;
}

/* Reads the IPv6 prefixes of a table (through zcat); returns how many, or
 * 0 when the file cannot be read. */
static size_t lpm6_read_prefixes(const char *path, struct lpm6_prefix **out)
{
	if (!path)
		return 0;
	FILE *probe = fopen(path, "r");
	if (!probe)
		return 0;
	fclose(probe);
	char *cmd = cabo_xasprintf("zcat '%s'", path);
	FILE *f = popen(cmd, "r");
	free(cmd);
	if (!f)
		return 0;
	size_t n = 0, cap = 1 << 16;
	struct lpm6_prefix *p = cabo_xmalloc(cap * sizeof *p);
	char line[256];
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, " \t\r\n")] = 0;
		uint8_t a[16];
		unsigned len;
		if (line[0] == ';' || !strchr(line, ':') || !cabo_parse_ip6_prefix(line, a, &len))
			continue;
		if (n == cap)
			p = cabo_xrealloc(p, (cap *= 2) * sizeof *p);
		p[n].key = cabo_ip6_key(a) & cabo_ip6_mask(len);
		p[n].len = (uint8_t)len;
		n++;
	}
	if (pclose(f) != 0 && n == 0) {
		free(p);
		return 0;
	}
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

static inline uint64_t lpm6_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static inline cabo_u128 lpm6_rand128(uint64_t *s)
{
	cabo_u128 hi = lpm6_rand(s);
	return hi << 64 | lpm6_rand(s);
}

/* An address inside prefix p, host bits random. */
static inline cabo_u128 lpm6_inside(const struct lpm6_prefix *p, uint64_t *s)
{
	return p->key | (lpm6_rand128(s) & ~cabo_ip6_mask(p->len));
}

#endif
