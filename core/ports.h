/* Port counts and processing resolution (internal to the router). */
#ifndef CABO_PORTS_H
#define CABO_PORTS_H

#include "element.h"

enum cabo_mode { CABO_MODE_AGNOSTIC, CABO_MODE_PUSH, CABO_MODE_PULL };

/* Sets e->ninputs/noutputs from the highest ports used and the class's
 * port-count spec; reports a located error if the use does not fit. */
int cabo_ports_count(struct cabo_element *e, unsigned used_in, unsigned used_out,
		     struct cabo_errh *errh);
/* The processing the class declares for one port. */
enum cabo_mode cabo_ports_declared(const struct cabo_element *e, bool output, unsigned port);
const char *cabo_mode_name(enum cabo_mode m);

#endif
