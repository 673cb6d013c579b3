/* What the IPv4 and IPv6 route-table tests and benchmarks share about
 * their data (lpm_data.h, lpm6_data.h): where the prefix tables are,
 * reading one through zcat, and the random numbers. */
#ifndef CABO_TEST_PREFIX_DATA_H
#define CABO_TEST_PREFIX_DATA_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "strbuf.h"

/* The path of table `name' ($CABO_DATA/prefixes/NAME, else beside the
 * source tree), or NULL when the data directory is unknown. */
static char *prefix_data_path(const char *name)
{
	const char *data = getenv("CABO_DATA");
	const char *top = getenv("top_srcdir");
	if (data && *data)
		return cabo_xasprintf("%s/prefixes/%s", data, name);
	if (top && *top)
		return cabo_xasprintf("%s/../shared/data/prefixes/%s", top, name);
	return NULL;
}

/* Reads a gzip'd table a line at a time: parse_line stores a line's prefix
 * in the next element (size bytes) of *out, or returns false to skip it;
 * cap is a first guess at the count.  Returns how many, or 0 when the file
 * cannot be read. */
static size_t prefix_data_read(const char *path, size_t size, size_t cap,
			       bool (*parse_line)(char *line, void *prefix), void **out)
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
	size_t n = 0;
	unsigned char *p = cabo_xmalloc(cap * size);
	char line[256];
	while (fgets(line, sizeof line, f)) {
		if (n == cap)
			p = cabo_xrealloc(p, (cap *= 2) * size);
		if (parse_line(line, p + n * size))
			n++;
	}
	if (pclose(f) != 0 && n == 0) {
		free(p);
		return 0;
	}
	*out = p;
	return n;
}

/* xorshift64 */
static inline uint64_t prefix_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

#endif
