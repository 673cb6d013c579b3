/* Write handlers named in a configuration (see handlercall.h). */
#include "handlercall.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "router.h"

int cabo_handlercall_check(struct cabo_element *e, const char *call, const char *what,
			   struct cabo_errh *errh)
{
	size_t n = strcspn(call, " ");
	const char *dot = memchr(call, '.', n);
	if (!dot)
		return 0;
	char *ename = cabo_xstrndup(call, (size_t)(dot - call));
	char *hname = cabo_xstrndup(dot + 1, n - (size_t)(dot + 1 - call));
	struct cabo_element *target = cabo_element_find(e, ename);
	const struct cabo_handler *h = target ? cabo_element_handler(target, hname) : NULL;
	int r = 0;
	if (!target)
		r = cabo_errh_error(errh, "%s: no element named '%s'", what, ename);
	else if (!h || !h->write)
		r = cabo_errh_error(errh, "%s: no write handler '%.*s'", what, (int)n, call);
	free(ename);
	free(hname);
	return r;
}

void cabo_handlercall_write(struct cabo_element *e, const char *handler, const char *value)
{
	struct cabo_errh errh;
	cabo_errh_init(&errh, stderr);
	(void)cabo_element_call_write(e, handler, value, &errh);
	cabo_errh_destroy(&errh);
}
