/* The configuration language: Click's language, parsed and flattened.
 *
 * The parser turns a configuration (file or string) into a flat list of
 * primitive element declarations and connections: compound classes are
 * expanded, names are scoped (`comp/inner`), anonymous elements are named
 * `Class@N`, `$variables` are substituted and `input`/`output` pseudo-elements
 * are spliced away.  Class names are not checked here (the router knows the
 * element table); everything else about the text is, and every error is
 * reported with its location, all of them, not only the first. */
#ifndef CABO_CONFIG_H
#define CABO_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "errh.h"

struct cabo_decl {
	char *name;          /* scoped name, e.g. "c", "Counter@3", "comp/q" */
	char *class_name;    /* a primitive class name (compounds are expanded) */
	char *config;        /* configuration string, variables substituted */
	struct cabo_landmark where;
	bool anonymous;      /* the name was generated */
};

struct cabo_conn {
	unsigned from, from_port;   /* index into decls, output port */
	unsigned to, to_port;       /* index into decls, input port */
	struct cabo_landmark where;
};

struct cabo_config {
	struct cabo_decl *decls;
	unsigned ndecls;
	struct cabo_conn *conns;
	unsigned nconns;
	char **requirements;        /* arguments of require(...), in order */
	unsigned nrequirements;
	char **files;               /* owned file names the landmarks point into */
	unsigned nfiles;
};

struct cabo_config_options {
	/* NAME=VALUE overrides for define($NAME ...), as given on the command line */
	const char *const *overrides;
	unsigned noverrides;
	/* Whether NAME is a primitive element class (the router's element
	 * table): `Name` in a connection then means an anonymous element, and
	 * declaring an element `Name` is an error.  When NULL, an undeclared
	 * name starting with an upper-case letter is taken as a class name, as
	 * every standard class name does. */
	bool (*is_class)(const char *name, void *arg);
	void *is_class_arg;
	/* A virtual node's pipeline: top-level `input` and `output` are its
	 * interfaces, elements of the classes VirtualNodeInput and
	 * VirtualNodeOutput (as `input`/`output` are in a compound). */
	bool interfaces;
};

/* Both return 0 on success or -1 after reporting every error to errh.  On
 * failure *out is still valid (possibly partial) and must be freed. */
int cabo_config_parse_file(const char *path, const struct cabo_config_options *opt,
			   struct cabo_config *out, struct cabo_errh *errh);
int cabo_config_parse_string(const char *text, const char *filename,
			     const struct cabo_config_options *opt,
			     struct cabo_config *out, struct cabo_errh *errh);

/* A whole file (configurations, route files), NUL-terminated; *len gets
 * its length.  NULL with errno set when it cannot be read. */
char *cabo_config_read_file(const char *path, size_t *len);

/* The flattened configuration in Click syntax (declarations, then
 * connections), which parses back to the same configuration. Caller frees. */
char *cabo_config_unparse(const struct cabo_config *config);

void cabo_config_free(struct cabo_config *config);

/* Index of the declaration with that name, or -1. */
int cabo_config_find(const struct cabo_config *config, const char *name);

#endif
