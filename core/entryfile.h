/* Files of one entry a line (route tables, identifier tables): `#' starts
 * a comment, blank lines are skipped, and every bad line is reported as
 * "PATH:LINE: reason", the first MAX of them shown. */
#ifndef CABO_ENTRYFILE_H
#define CABO_ENTRYFILE_H

#include <stddef.h>
#include <stdio.h>

#include "errh.h"

/* Called with each entry, trimmed and NUL-terminated (n bytes); returns
 * NULL when the entry is taken, else why not (malloc'd, freed here). */
typedef char *cabo_entry_fn(void *arg, const char *s, size_t n);

/* Reads the open file f (named path in messages) to its end.  Returns 0,
 * or -1 when any line was bad or reading failed (all reported in errh). */
int cabo_entryfile_read(FILE *f, const char *path, cabo_entry_fn *entry, void *arg,
			struct cabo_errh *errh);

#endif
