/* Route control shared by the IPv4 and IPv6 route elements; see routectl.h. */
#include <errno.h>
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "routectl.h"

#include "entryfile.h"

/* Room for one route of either family. */
struct route_buf {
	alignas(max_align_t) unsigned char bytes[CABO_ROUTECTL_ROUTE_MAX];
};

/* "10.0.0.0/8 - 1" for messages; caller frees. */
static char *route_str(const struct cabo_routectl_family *f, const void *r)
{
	struct cabo_strbuf sb = CABO_STRBUF_INIT;
	f->unparse(r, &sb);
	return cabo_strbuf_release(&sb);
}

/* ======================================================================
 * Click's route syntax, after the prefix
 * ====================================================================== */

bool cabo_routectl_next_word(const char **s, char *buf, size_t size)
{
	const char *p = *s + strspn(*s, " \t\r\n");
	size_t n = strcspn(p, " \t\r\n");
	*s = p + n;
	if (!n)
		return false;
	if (n >= size) {
		strcpy(buf, "?");
		return true;
	}
	memcpy(buf, p, n);
	buf[n] = 0;
	return true;
}

static bool parse_port(const char *w, int32_t *port)
{
	int64_t v;
	if (!cabo_parse_int(w, &v) || v < 0 || v > INT32_MAX)
		return false;
	*port = (int32_t)v;
	return true;
}

bool cabo_routectl_parse_nexthop(const char *s, bool for_remove, char *w, size_t wsize,
				 bool (*parse_gw)(const char *w, void *gw), void *gw,
				 int32_t *port)
{
	if (!cabo_routectl_next_word(&s, w, wsize))
		return for_remove;              /* the prefix alone: remove only */
	if (strcmp(w, "-") == 0 || parse_gw(w, gw)) {
		if (!cabo_routectl_next_word(&s, w, wsize))
			return for_remove;
	}
	return parse_port(w, port) && !cabo_routectl_next_word(&s, w, wsize);
}

/* ======================================================================
 * Configuration
 * ====================================================================== */

/* Adds a configured route; on failure returns the reason (caller frees). */
static char *add_configured(const struct cabo_routectl_family *f, void *table, const void *r)
{
	struct route_buf old;
	const char *why = NULL;
	int rc = f->add(table, r, false, old.bytes, &why);
	if (rc == -EEXIST) {
		char *o = route_str(f, old.bytes);
		char *msg = cabo_xasprintf("conflict with existing route '%s'", o);
		free(o);
		return msg;
	}
	return rc < 0 ? cabo_xstrdup(why) : NULL;
}

int cabo_routectl_configure(const struct cabo_routectl_family *f, void *table,
			    const char *const *routes, unsigned n, const char *file,
			    unsigned noutputs, struct cabo_errh *errh)
{
	unsigned before = errh->nerrors;
	for (unsigned i = 0; i < n; i++) {
		struct route_buf r;
		if (!f->parse(routes[i], false, r.bytes) || (unsigned)f->port(r.bytes) >= noutputs) {
			cabo_errh_error(errh, "argument %u should be '%s [GATEWAY] OUTPUT'", i + 1,
					f->prefix_syntax);
			continue;
		}
		char *why = add_configured(f, table, r.bytes);
		if (why)
			cabo_errh_error(errh, "argument %u: %s", i + 1, why);
		free(why);
	}
	if (file)
		cabo_routectl_load_file(f, table, file, noutputs, errh);
	return errh->nerrors == before ? 0 : -1;
}

/* The reason line s (its route text end bytes long) is bad, or NULL once
 * its route is added. */
static char *add_line(const struct cabo_routectl_family *f, void *table, const char *s,
		      size_t end, unsigned noutputs)
{
	struct route_buf r;
	if (!f->parse(s, false, r.bytes))
		return cabo_xasprintf("bad route '%.*s' (expected '%s [GATEWAY] OUTPUT')", (int)end,
				      s, f->prefix_syntax);
	int32_t port = f->port(r.bytes);
	if (noutputs && (unsigned)port >= noutputs)
		return cabo_xasprintf("output %d out of range (%u output%s)", (int)port, noutputs,
				      noutputs == 1 ? "" : "s");
	return add_configured(f, table, r.bytes);
}

struct file_load {
	const struct cabo_routectl_family *f;
	void *table;
	unsigned noutputs;
};

static char *add_entry(void *arg, const char *s, size_t n)
{
	const struct file_load *l = arg;
	return add_line(l->f, l->table, s, n, l->noutputs);
}

int cabo_routectl_load_file(const struct cabo_routectl_family *f, void *table,
			    const char *path, unsigned noutputs, struct cabo_errh *errh)
{
	FILE *file = fopen(path, "r");
	if (!file)
		return cabo_errh_error(errh, "FILE: %s: %s", path, strerror(errno));
	struct file_load l = { f, table, noutputs };
	int r = cabo_entryfile_read(file, path, add_entry, &l, errh);
	fclose(file);
	return r;
}

/* ======================================================================
 * Handlers
 * ====================================================================== */

/* What undoes one applied command of a ctrl group. */
struct undo {
	int cmd;                    /* REMOVE: add back; ADD: remove; SET: set back */
	struct route_buf route;
};

/* Click's IPRouteTable::run_command; the table lock is held. */
static int run_command(const struct cabo_routectl_family *f, void *table, unsigned noutputs,
		       int cmd, const char *s, struct undo *undo, struct cabo_errh *errh)
{
	bool remove = cmd == CABO_ROUTECTL_REMOVE;
	struct route_buf r, old;
	if (!f->parse(s, remove, r.bytes) || f->port(r.bytes) >= (int32_t)noutputs)
		return cabo_errh_error(errh, "expected '%s [GATEWAY%s'", f->prefix_syntax,
				       remove ? " OUTPUT]" : "] OUTPUT");
	const char *why = NULL;
	int rc = remove ? f->remove(table, r.bytes, old.bytes)
		: f->add(table, r.bytes, cmd == CABO_ROUTECTL_SET, old.bytes, &why);
	char *text = NULL;
	if (rc == -EEXIST) {
		text = route_str(f, old.bytes);
		cabo_errh_error(errh, "conflict with existing route '%s'", text);
	} else if (rc == -ENOENT) {
		text = route_str(f, r.bytes);
		cabo_errh_error(errh, "route '%s' not found", text);
	} else if (rc < 0) {
		cabo_errh_error(errh, "%s", why);
	} else if (undo) {
		bool added = f->port(old.bytes) < 0;
		undo->cmd = remove ? CABO_ROUTECTL_REMOVE : added ? CABO_ROUTECTL_ADD : CABO_ROUTECTL_SET;
		memcpy(undo->route.bytes, added ? r.bytes : old.bytes, f->route_size);
	}
	free(text);
	return rc < 0 ? -1 : 0;
}

/* The command a ctrl line starts with (its word wl bytes long), or -1. */
static int ctrl_command(const char *line, size_t wl)
{
	if (wl == 3 && !strncmp(line, "add", 3))
		return CABO_ROUTECTL_ADD;
	if (wl == 3 && !strncmp(line, "set", 3))
		return CABO_ROUTECTL_SET;
	if (wl == 6 && !strncmp(line, "remove", 6))
		return CABO_ROUTECTL_REMOVE;
	return -1;
}

static void undo_all(const struct cabo_routectl_family *f, void *table, const struct undo *done,
		     size_t ndone)
{
	while (ndone--) {
		const struct undo *u = &done[ndone];
		if (u->cmd == CABO_ROUTECTL_ADD)
			f->remove(table, u->route.bytes, NULL);
		else
			f->add(table, u->route.bytes, u->cmd == CABO_ROUTECTL_SET, NULL, NULL);
	}
}

/* Click's ctrl: `add|set|remove ROUTE` a line, applied in order; on the
 * first failure the applied ones are undone, last first. */
static int run_ctrl(const struct cabo_routectl_family *f, void *table, unsigned noutputs,
		    const char *text, struct cabo_errh *errh)
{
	char *copy = cabo_xstrdup(text);
	struct undo *done = NULL;
	size_t ndone = 0, cap = 0;
	int rc = 0;
	char *save = NULL;
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *cut = strstr(line, "//");
		if (cut)
			*cut = 0;
		line[strcspn(line, "#")] = 0;
		line += strspn(line, " \t\r");
		size_t wl = strcspn(line, " \t\r");
		if (!wl)
			continue;
		int cmd = ctrl_command(line, wl);
		if (cmd < 0) {
			rc = cabo_errh_error(errh, "bad command '%.*s'", (int)wl, line);
			break;
		}
		if (ndone == cap) {
			cap = cap ? 2 * cap : 8;
			done = cabo_xrealloc(done, cap * sizeof *done);
		}
		if ((rc = run_command(f, table, noutputs, cmd, line + wl, &done[ndone], errh)) < 0)
			break;
		ndone++;
	}
	if (rc < 0)
		undo_all(f, table, done, ndone);
	free(done);
	free(copy);
	return rc;
}

int cabo_routectl_write(const struct cabo_routectl_family *f, void *table, unsigned noutputs,
			int which, const char *value, struct cabo_errh *errh)
{
	pthread_mutex_t *lock = f->lock(table);
	int rc = 0;
	pthread_mutex_lock(lock);
	if (which == CABO_ROUTECTL_CTRL)
		rc = run_ctrl(f, table, noutputs, value, errh);
	else if (which == CABO_ROUTECTL_FLUSH)
		f->flush(table);
	else
		rc = run_command(f, table, noutputs, which, value, NULL, errh);
	pthread_mutex_unlock(lock);
	return rc;
}

int cabo_routectl_parse_query(const struct cabo_routectl_family *f, const char *value,
			      void *addr, struct cabo_errh *errh)
{
	const char *v = value + strspn(value, " \t\r\n");
	size_t n = strlen(v);
	while (n && strchr(" \t\r\n", v[n - 1]))
		n--;
	char *text = cabo_xstrndup(v, n);
	bool ok = f->parse_addr(text, addr);
	if (!ok)
		cabo_errh_error(errh, "expected %s, not '%s'", f->addr_name, text);
	free(text);
	return ok ? 0 : -1;
}
