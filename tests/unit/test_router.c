/* Router construction: port counts, processing resolution, connection
 * rules, handlers, running and stopping, on hand-built configurations (the
 * parser has its own tests). */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "master.h"
#include "router.h"

/* ---- Building flat configurations by hand */

struct builder {
	struct cabo_config c;
};

static const char test_file[] = "test.click";

static unsigned decl(struct builder *b, const char *name, const char *cls, const char *config)
{
	struct cabo_config *c = &b->c;
	c->decls = realloc(c->decls, (c->ndecls + 1) * sizeof *c->decls);
	struct cabo_decl *d = &c->decls[c->ndecls];
	memset(d, 0, sizeof *d);
	d->name = cabo_xstrdup(name);
	d->class_name = cabo_xstrdup(cls);
	d->config = cabo_xstrdup(config);
	d->where = (struct cabo_landmark){ test_file, c->ndecls + 1 };
	return c->ndecls++;
}

static void conn(struct builder *b, unsigned from, unsigned fport, unsigned to, unsigned tport)
{
	struct cabo_config *c = &b->c;
	c->conns = realloc(c->conns, (c->nconns + 1) * sizeof *c->conns);
	c->conns[c->nconns++] = (struct cabo_conn){ from, fport, to, tport, { test_file, 99 } };
}

/* Builds (configure only unless `run`), returns the error log. */
static char *build(struct builder *b, bool initialize, struct cabo_router **out)
{
	struct cabo_errh errh;
	cabo_errh_init(&errh, NULL);
	struct cabo_master *m = cabo_master_new(1, true, 0);
	struct cabo_router_options opt = { .name = "", .configure_only = !initialize };
	struct cabo_router *r = cabo_router_build(m, &b->c, "", &opt, &errh);
	char *log = cabo_xstrdup(cabo_strbuf_str(&errh.log));
	cabo_errh_destroy(&errh);
	cabo_config_free(&b->c);
	memset(&b->c, 0, sizeof b->c);
	if (out && r) {
		*out = r;
		return log;
	}
	cabo_router_destroy(r);
	cabo_master_destroy(m);
	if (out)
		*out = NULL;
	return log;
}

static void finish(struct cabo_router *r)
{
	struct cabo_master *m = r->master;
	cabo_router_destroy(r);
	cabo_master_destroy(m);
}

static void expect_errors(struct builder *b, const char *want)
{
	char *log = build(b, false, NULL);
	CHECK_STR(log, want);
	free(log);
}

/* ---- Tests */

static void test_unknown_class(void)
{
	struct builder b = { 0 };
	decl(&b, "x", "NoSuchElement", "");
	decl(&b, "y", "AlsoMissing", "");
	expect_errors(&b, "test.click:1: unknown element class 'NoSuchElement'\n"
			  "test.click:2: unknown element class 'AlsoMissing'\n");
}

static void test_push_to_pull(void)
{
	struct builder b = { 0 };
	/* InfiniteSource is agnostic; Tee pushes. */
	unsigned src = decl(&b, "src", "InfiniteSource", "");
	unsigned t = decl(&b, "t", "Tee", "1");
	unsigned u = decl(&b, "u", "Unqueue", "");
	unsigned d = decl(&b, "d", "Discard", "");
	conn(&b, src, 0, t, 0);
	conn(&b, t, 0, u, 0);
	conn(&b, u, 0, d, 0);
	expect_errors(&b, "test.click:99: 't' push output 0 connected to 'u' pull input 0\n");
}

static void test_agnostic_mixed(void)
{
	struct builder b = { 0 };
	unsigned src = decl(&b, "src", "InfiniteSource", "");
	unsigned t = decl(&b, "t", "Tee", "1");
	unsigned n = decl(&b, "n", "Null", "");
	unsigned u = decl(&b, "u", "Unqueue", "");
	unsigned d = decl(&b, "d", "Discard", "");
	conn(&b, src, 0, t, 0);
	conn(&b, t, 0, n, 0);
	conn(&b, n, 0, u, 0);
	conn(&b, u, 0, d, 0);
	expect_errors(&b, "test.click:3: agnostic 'n :: Null' in mixed context: connected to both push and pull ports\n");
}

static void test_fanout(void)
{
	struct builder b = { 0 };
	unsigned src = decl(&b, "src", "InfiniteSource", "");
	unsigned d1 = decl(&b, "d1", "Discard", "");
	unsigned d2 = decl(&b, "d2", "Discard", "");
	conn(&b, src, 0, d1, 0);
	conn(&b, src, 0, d2, 0);
	expect_errors(&b, "test.click:99: 'src' push output 0 connected more than once (a push output takes exactly one connection)\n");

	unsigned q = decl(&b, "q", "Queue", "");
	unsigned q2 = decl(&b, "q2", "Queue", "");
	unsigned u = decl(&b, "u", "Unqueue", "");
	unsigned s1 = decl(&b, "s1", "InfiniteSource", "");
	unsigned s2 = decl(&b, "s2", "InfiniteSource", "");
	unsigned d = decl(&b, "d", "Discard", "");
	conn(&b, s1, 0, q, 0);
	conn(&b, s2, 0, q2, 0);
	conn(&b, q, 0, u, 0);
	conn(&b, q2, 0, u, 0);
	conn(&b, u, 0, d, 0);
	expect_errors(&b, "test.click:99: 'u' pull input 0 connected more than once (a pull input takes exactly one connection)\n");
}

static void test_port_counts(void)
{
	struct builder b = { 0 };
	unsigned src = decl(&b, "src", "InfiniteSource", "");
	unsigned c = decl(&b, "c", "Counter", "");
	unsigned d = decl(&b, "d", "Discard", "");
	conn(&b, src, 0, c, 0);
	conn(&b, c, 1, d, 0);
	expect_errors(&b, "test.click:2: 'c :: Counter' has 2 outputs, but Counter takes exactly 1 output\n");

	src = decl(&b, "src", "InfiniteSource", "");
	c = decl(&b, "c", "Counter", "");
	conn(&b, src, 0, c, 0);
	expect_errors(&b, "test.click:2: 'c :: Counter' output 0 is not connected\n");
}

static void test_configure_context(void)
{
	struct builder b = { 0 };
	unsigned src = decl(&b, "q", "Queue", "banana");
	(void)src;
	char *log = build(&b, false, NULL);
	CHECK(strncmp(log, "test.click:1: While configuring 'q :: Queue':\n  ", 48) == 0);
	free(log);
}

static void test_run_and_handlers(void)
{
	struct builder b = { 0 };
	unsigned src = decl(&b, "src", "InfiniteSource", "LIMIT 1000, STOP true");
	unsigned q = decl(&b, "q", "Queue", "2000");
	unsigned u = decl(&b, "u", "Unqueue", "BURST 32");
	unsigned c = decl(&b, "c", "Counter", "");
	unsigned d = decl(&b, "d", "Discard", "");
	conn(&b, src, 0, q, 0);
	conn(&b, q, 0, u, 0);
	conn(&b, u, 0, c, 0);
	conn(&b, c, 0, d, 0);
	struct cabo_router *r;
	char *log = build(&b, true, &r);
	CHECK_STR(log, "");
	free(log);
	if (!r)
		return;
	cabo_master_attach(r->master, r);
	CHECK(cabo_master_run(r->master) == 0);
	struct cabo_errh errh;
	cabo_errh_init(&errh, NULL);
	struct cabo_strbuf v = CABO_STRBUF_INIT;
	/* The source stops the router as soon as it is done; what it queued
	 * is still in the queue or counted. */
	CHECK(cabo_router_read(r, "src.count", &v, &errh) == 0);
	CHECK_STR(cabo_strbuf_str(&v), "1000");
	cabo_strbuf_clear(&v);
	CHECK(cabo_router_read(r, "c.class", &v, &errh) == 0);
	CHECK_STR(cabo_strbuf_str(&v), "Counter");
	cabo_strbuf_clear(&v);
	CHECK(cabo_router_read(r, "q.ports", &v, &errh) == 0);
	CHECK_STR(cabo_strbuf_str(&v), "1 input\npush\tsrc [0]\n1 output\npull\t[0] u\n");
	cabo_strbuf_clear(&v);
	CHECK(cabo_router_read(r, "list", &v, &errh) == 0);
	CHECK_STR(cabo_strbuf_str(&v), "5\nsrc\nq\nu\nc\nd\n");
	cabo_strbuf_clear(&v);
	CHECK(cabo_router_read(r, "nosuch.count", &v, &errh) < 0);
	CHECK(cabo_router_read(r, "c.nosuch", &v, &errh) < 0);
	CHECK(cabo_router_write(r, "c.count", "5", &errh) < 0);
	CHECK_STR(cabo_strbuf_str(&errh.log),
		  "no element named 'nosuch'\nno handler named 'c.nosuch'\nhandler 'c.count' is read-only\n");
	cabo_strbuf_free(&v);
	cabo_errh_destroy(&errh);
	finish(r);
}

int main(void)
{
	test_unknown_class();
	test_push_to_pull();
	test_agnostic_mixed();
	test_fanout();
	test_port_counts();
	test_configure_context();
	test_run_and_handlers();
	return check_result();
}
