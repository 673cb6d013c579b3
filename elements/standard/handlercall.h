/* Write handlers named in a configuration and called when something
 * happens, as Click's HandlerCall: InfiniteSource's END_CALL, Counter's
 * COUNT_CALL and BYTE_COUNT_CALL.  A call is "element.handler [VALUE]", or
 * a router-wide "handler [VALUE]". */
#ifndef CABO_ELEMENTS_STANDARD_HANDLERCALL_H
#define CABO_ELEMENTS_STANDARD_HANDLERCALL_H

#include "element.h"

/* At initialize: checks that the handler of `call` (its text up to the first
 * space) names a write handler, so a typo is a located error rather than a
 * failed call at run time.  Router-wide handlers (no dot) are checked when
 * called.  `what` names the keyword in the error.  Returns 0 or -1. */
int cabo_handlercall_check(struct cabo_element *e, const char *call, const char *what,
			   struct cabo_errh *errh);
/* Calls write handler `handler` with `value`.  The caller is on the packet
 * path with nobody to return an error to, so a failure goes to stderr. */
void cabo_handlercall_write(struct cabo_element *e, const char *handler, const char *value);

#endif
