/* Files of one entry a line. */
#include "entryfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* More bad lines than this are counted, not shown: a wrong file given as a
 * route table would otherwise print a million messages. */
enum { MAX_SHOWN_ERRORS = 100 };

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

int cabo_entryfile_read(FILE *f, const char *path, cabo_entry_fn *entry, void *arg,
			struct cabo_errh *errh)
{
	unsigned before = errh->nerrors, lineno = 0, bad = 0;
	char *line = NULL;
	size_t cap = 0;
	while (getline(&line, &cap, f) >= 0) {
		lineno++;
		char *s = line;
		size_t n = strcspn(s, "#\n");
		while (n && is_blank(*s))
			s++, n--;
		while (n && is_blank(s[n - 1]))
			n--;
		if (!n)
			continue;
		s[n] = 0;
		char *why = entry(arg, s, n);
		if (why && ++bad <= MAX_SHOWN_ERRORS)
			cabo_errh_error(errh, "%s:%u: %s", path, lineno, why);
		free(why);
	}
	if (bad > MAX_SHOWN_ERRORS)
		cabo_errh_error(errh, "%s: %u more bad lines not shown", path, bad - MAX_SHOWN_ERRORS);
	if (ferror(f))
		cabo_errh_error(errh, "FILE: %s: %s", path, strerror(errno));
	free(line);
	return errh->nerrors == before ? 0 : -1;
}
