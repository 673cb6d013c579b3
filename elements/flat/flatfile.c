/* Flat-id table entries as text, `ID OUTPUT [NEXTHOP]': FlatLookup's
 * arguments, handler values and FILE lines (see flattable.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entryfile.h"
#include "flattable.h"

const char flat_entry_syntax[] = "ID OUTPUT [NEXTHOP]";

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static const char *next_word(const char *s, const char *end, size_t *len)
{
	while (s < end && is_blank(*s))
		s++;
	const char *w = s;
	while (s < end && !is_blank(*s))
		s++;
	*len = (size_t)(s - w);
	return w;
}

char *flat_parse_entry(const char *s, size_t n, unsigned noutputs, int control,
		       uint8_t id[FLAT_ID_LEN], uint64_t *value)
{
	const char *end = s + n;
	size_t lid, lport, lmac, lrest;
	const char *wid = next_word(s, end, &lid);
	const char *wport = next_word(wid + lid, end, &lport);
	const char *wmac = next_word(wport + lport, end, &lmac);
	next_word(wmac + lmac, end, &lrest);
	uint8_t mac[6];
	unsigned port = 0;
	bool ok = lid && lport && lport <= 5 && !lrest && flat_parse_id_n(wid, lid, id);
	for (size_t i = 0; ok && i < lport; i++) {
		ok = wport[i] >= '0' && wport[i] <= '9';
		port = port * 10 + (unsigned)(wport[i] - '0');
	}
	if (ok && lmac) {
		char buf[32];
		ok = lmac < sizeof buf;
		if (ok) {
			memcpy(buf, wmac, lmac);
			buf[lmac] = 0;
			ok = cabo_parse_ether(buf, mac);
		}
	}
	while (end > wid && is_blank(end[-1]))
		end--;
	if (!ok || port > FLAT_PORT_MAX)
		return cabo_xasprintf("bad entry '%.*s' (expected '%s')", (int)(end - wid), wid,
				      flat_entry_syntax);
	if (port >= noutputs)
		return cabo_xasprintf("output %u out of range (%u output%s)", port, noutputs,
				      noutputs == 1 ? "" : "s");
	if ((int)port == control)
		return cabo_xasprintf("output %u is the control output (MISS punt)", port);
	*value = flat_value(port, lmac ? mac : NULL);
	return NULL;
}

char *flat_table_add_entry(struct flat_table *t, const uint8_t *id, uint64_t value,
			   bool replace)
{
	uint64_t old;
	int rc = flat_table_add(t, id, value, replace, &old);
	char text[FLAT_ID_TEXT];
	if (rc == -EEXIST) {
		flat_format_id(id, text);
		return cabo_xasprintf("id '%s' already has output %d", text, flat_value_port(old));
	}
	return rc < 0 ? cabo_xstrdup("no memory for the table") : NULL;
}

/* Lines in a file: the table is sized once, not grown line by line. */
static size_t count_lines(FILE *f)
{
	char buf[65536];
	size_t n = 0, got;
	while ((got = fread(buf, 1, sizeof buf, f)) > 0)
		for (const char *p = buf; (p = memchr(p, '\n', (size_t)(buf + got - p))); p++)
			n++;
	rewind(f);
	return n + 1;
}

struct file_load {
	struct flat_table *t;
	unsigned noutputs;
	int control;
};

static char *add_entry(void *arg, const char *s, size_t n)
{
	const struct file_load *l = arg;
	uint8_t id[FLAT_ID_LEN];
	uint64_t value;
	char *why = flat_parse_entry(s, n, l->noutputs, l->control, id, &value);
	return why ? why : flat_table_add_entry(l->t, id, value, false);
}

int flat_table_load_file(struct flat_table *t, const char *path, unsigned noutputs,
			 int control, struct cabo_errh *errh)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return cabo_errh_error(errh, "FILE: %s: %s", path, strerror(errno));
	if (flat_table_reserve(t, flat_table_count(t) + count_lines(f)) < 0) {
		fclose(f);
		return cabo_errh_error(errh, "FILE: %s: no memory for the table", path);
	}
	struct file_load l = { t, noutputs, control };
	int r = cabo_entryfile_read(f, path, add_entry, &l, errh);
	fclose(f);
	return r;
}
