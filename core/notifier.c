/* Empty notifiers: let a pulling task sleep until upstream has packets. */
#include "element.h"
#include "task.h"

enum { MAX_SEARCH_DEPTH = 64 };

void cabo_notifier_init(struct cabo_notifier *n, bool active)
{
	n->active = active;
	n->nlisteners = 0;
}

int cabo_notifier_listen(struct cabo_notifier *n, struct cabo_task *t)
{
	for (unsigned i = 0; i < n->nlisteners; i++)
		if (n->listeners[i] == t)
			return 0;
	if (n->nlisteners == CABO_NOTIFIER_MAX_LISTENERS)
		return -1;
	n->listeners[n->nlisteners++] = t;
	return 0;
}

static bool add_unique(struct cabo_notifier **out, unsigned *count, unsigned max,
		       struct cabo_notifier *n)
{
	for (unsigned i = 0; i < *count; i++)
		if (out[i] == n)
			return true;
	if (*count == max)
		return false;
	out[(*count)++] = n;
	return true;
}

/* Follows the pull path into e's input `port`; false if some path ends at
 * an element that has no notifier (it may produce packets at any time). */
static bool search(struct cabo_element *e, unsigned port, struct cabo_notifier **out,
		   unsigned *count, unsigned max, unsigned depth)
{
	struct cabo_port *in = &e->inputs[port];
	struct cabo_element *up = in->peer;
	if (!up || in->push || depth > MAX_SEARCH_DEPTH)
		return false;
	if (up->cls->empty_notifier) {
		struct cabo_notifier *n = up->cls->empty_notifier(up, in->peer_port);
		return n && add_unique(out, count, max, n);
	}
	if (!up->ninputs)
		return false;
	for (unsigned p = 0; p < up->ninputs; p++)
		if (!search(up, p, out, count, max, depth + 1))
			return false;
	return true;
}

unsigned cabo_notifier_upstream(struct cabo_element *e, unsigned port,
				struct cabo_notifier **out, unsigned max)
{
	unsigned count = 0;
	return search(e, port, out, &count, max, 0) ? count : 0;
}

bool cabo_notifiers_any_active(struct cabo_notifier *const *n, unsigned count)
{
	for (unsigned i = 0; i < count; i++)
		if (n[i]->active)
			return true;
	return false;
}
