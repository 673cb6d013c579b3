/* Waiting for file descriptors: an element registers a descriptor with the
 * task that services it; when the worker has nothing else to do it sleeps in
 * poll() until a descriptor is readable or the next timer is due, and wakes
 * the tasks whose descriptors are ready. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "master.h"
#include "router.h"

enum { NS_PER_MS = 1000000 };

int cabo_select_add(struct cabo_element *e, int fd, struct cabo_task *t)
{
	struct cabo_worker *w = cabo_master_worker(e->router->master, t->home_thread);
	for (unsigned i = 0; i < w->nfds; i++)
		if (w->fds[i].fd == fd)
			return -1;
	w->fds = cabo_xrealloc(w->fds, (w->nfds + 1) * sizeof *w->fds);
	w->fd_tasks = cabo_xrealloc(w->fd_tasks, (w->nfds + 1) * sizeof *w->fd_tasks);
	w->fds[w->nfds] = (struct pollfd){ .fd = fd, .events = POLLIN };
	w->fd_tasks[w->nfds++] = t;
	return 0;
}

static void remove_at(struct cabo_worker *w, unsigned i)
{
	w->nfds--;
	w->fds[i] = w->fds[w->nfds];
	w->fd_tasks[i] = w->fd_tasks[w->nfds];
}

void cabo_select_remove(struct cabo_element *e, int fd)
{
	struct cabo_master *m = e->router->master;
	for (unsigned k = 0; k < m->nthreads; k++) {
		struct cabo_worker *w = &m->workers[k];
		for (unsigned i = 0; i < w->nfds; i++)
			if (w->fd_tasks[i] && w->fds[i].fd == fd && w->fd_tasks[i]->element == e)
				remove_at(w, i--);
	}
}

void cabo_worker_forget_router_fds(struct cabo_worker *w, const struct cabo_router *r)
{
	for (unsigned i = 0; i < w->nfds; i++)
		if (w->fd_tasks[i] && w->fd_tasks[i]->element->router == r)
			remove_at(w, i--);
}

/* Elements register descriptors while initializing, before their router
 * is placed on a worker (they land on worker 0). */
void cabo_worker_move_router_fds(struct cabo_master *m, const struct cabo_router *r)
{
	struct cabo_worker *w0 = &m->workers[0];
	if (r->home_thread == 0)
		return;
	for (unsigned i = 0; i < w0->nfds; i++) {
		struct cabo_task *t = w0->fd_tasks[i];
		if (!t || t->element->router != r)
			continue;
		int fd = w0->fds[i].fd;
		remove_at(w0, i--);
		cabo_select_add(t->element, fd, t);
	}
}

static void drain_kicks(int fd)
{
	uint64_t count;
	while (read(fd, &count, sizeof count) > 0)
		;
}

void cabo_worker_wait(struct cabo_worker *w, int64_t timeout_ns)
{
	if (!w->nfds) {
		if (timeout_ns <= 0)
			return;
		struct timespec ts = { timeout_ns / 1000000000, timeout_ns % 1000000000 };
		w->idle_sleeps++;
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR && !w->master->signalled)
			;
		return;
	}
	/* poll() takes milliseconds: round up so a timer is never run early
	 * only to sleep again. */
	int ms = timeout_ns <= 0 ? 0 : (int)((timeout_ns + NS_PER_MS - 1) / NS_PER_MS);
	if (ms)
		w->idle_sleeps++;
	int n = poll(w->fds, w->nfds, ms);
	for (unsigned i = 0; n > 0 && i < w->nfds; i++) {
		if (w->fds[i].revents) {
			if (w->fd_tasks[i])
				cabo_task_schedule(w->fd_tasks[i]);
			else
				drain_kicks(w->fds[i].fd);
			n--;
		}
	}
}
