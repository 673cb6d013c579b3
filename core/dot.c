/* Configuration graphs for Graphviz (cabo --dot). */
#include "dot.h"

#include <stdlib.h>

#include "strbuf.h"

/* Quotes a string for a dot ID: backslash-escape quotes and backslashes. */
static void put_quoted(struct cabo_strbuf *sb, const char *s)
{
	cabo_strbuf_putc(sb, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			cabo_strbuf_putc(sb, '\\');
		cabo_strbuf_putc(sb, *s);
	}
	cabo_strbuf_putc(sb, '"');
}

char *cabo_config_dot(const struct cabo_config *config)
{
	struct cabo_strbuf sb = CABO_STRBUF_INIT;
	cabo_strbuf_puts(&sb, "digraph cabo {\n"
			 "  node [shape=box, fontname=\"Helvetica\"];\n"
			 "  edge [fontname=\"Helvetica\", fontsize=10];\n");
	for (unsigned i = 0; i < config->ndecls; i++) {
		const struct cabo_decl *d = &config->decls[i];
		char *label = cabo_xasprintf("%s :: %s", d->name, d->class_name);
		cabo_strbuf_printf(&sb, "  n%u [label=", i);
		put_quoted(&sb, label);
		cabo_strbuf_puts(&sb, "];\n");
		free(label);
	}
	for (unsigned i = 0; i < config->nconns; i++) {
		const struct cabo_conn *c = &config->conns[i];
		cabo_strbuf_printf(&sb, "  n%u -> n%u [taillabel=\"%u\", headlabel=\"%u\"];\n",
				   c->from, c->to, c->from_port, c->to_port);
	}
	cabo_strbuf_puts(&sb, "}\n");
	return cabo_strbuf_release(&sb);
}
