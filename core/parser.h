/* Internal interface between the parts of the configuration parser:
 *
 *   scope.c       containers, bodies of elements and variables, class lookup;
 *   parser.c      statements, element references, connections and the
 *                 public entry points;
 *   directives.c  define(), require(), reading files and libraries;
 *   compound.c    compound classes: bodies, formal parameters, elementclass,
 *                 overloading and choosing among overloads;
 *   variables.c   define()d variables and arguments substituted into strings;
 *   flatten.c     expansion into the flat configuration: compound instances,
 *                 connections spliced through input/output, the output.
 *
 * Parsing builds one `body` per scope (the file, each compound definition)
 * holding that scope's elements and connections by local index; class names
 * are resolved while parsing, as Click does, so a later elementclass does not
 * change elements declared before it.  Flattening then walks the bodies. */
#ifndef CABO_PARSER_H
#define CABO_PARSER_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "config.h"
#include "lexer.h"
#include "strbuf.h"

/* Functions shared between these files start with cfg_. */

enum {
	PARSE_MAX_NESTING = 50,   /* compound bodies (and libraries) inside each other */
	PARSE_MAX_PORT = 65535,
	PARSE_INPUT = 0,          /* indices of the pseudo-elements of a compound body */
	PARSE_OUTPUT = 1,
};

/* ---- Containers ---- */

/* Grows a (arr, n, cap) array by one zeroed element and returns it. */
#define VEC_PUSH(arr, n, cap)                                                  \
	((arr) = cfg_vec_reserve((arr), &(cap), (n) + 1, sizeof *(arr)),      \
	 memset(&(arr)[(n)], 0, sizeof *(arr)), &(arr)[(n)++])
void *cfg_vec_reserve(void *arr, unsigned *cap, unsigned need, size_t size);

/* Name -> index hash map; keys are borrowed and must outlive their entry. */
struct namemap {
	const char **keys;
	unsigned *values;
	unsigned capacity, count;
};
int cfg_namemap_get(const struct namemap *m, const char *key);
void cfg_namemap_put(struct namemap *m, const char *key, unsigned value);
void cfg_namemap_free(struct namemap *m);

/* Splits at top-level commas (quotes and brackets protect them), trims
 * each argument and drops an empty last one, as Click does. */
unsigned cfg_split_args(const char *s, char ***argv);
/* Splits at whitespace outside quotes and brackets. */
unsigned cfg_split_words(const char *s, char ***words);
void cfg_free_args(char **argv, unsigned argc);
/* A copy of [s, e) without leading and trailing whitespace. */
char *cfg_trimmed_copy(const char *s, const char *e);

/* ---- Parsed scopes ---- */

struct classdef;

struct elem {
	char *name;                      /* local name; anonymous: `Class@N` */
	char *class_name;                /* primitive class, or compound's name */
	const struct classdef *compound; /* NULL for a primitive */
	char *config;                    /* raw; variables expand when flattening */
	struct cabo_landmark where;
	unsigned nports[2];              /* input, output ports used in the body */
	bool anonymous;
	bool pseudo;                     /* `input`/`output` of a compound body */
	bool placeholder;                /* used undeclared (already reported) */
};

struct lconn {
	unsigned from, from_port, to, to_port;
	struct cabo_landmark where;
};

/* A formal parameter or a define()d variable of one scope. */
struct var {
	char *name;                      /* without the '$' */
	char *value;                     /* define(): the raw value */
	char *keyword;                   /* formals: NULL, `KEYWORD` or `__REST__` */
};

struct body {
	struct elem *elems;
	unsigned nelems, elems_cap;
	struct lconn *conns;
	unsigned nconns, conns_cap;
	struct var *vars;                /* the formals come first */
	unsigned nvars, vars_cap, nformals;
	struct namemap names;            /* element names (anonymous ones once final) */
	unsigned depth;                  /* 0 for the file, +1 per compound */
	bool is_compound;                /* elements 0 and 1 are input and output */
};

struct compound {
	char *name;                      /* NULL when anonymous */
	struct cabo_landmark where;
	struct body body;
	unsigned ninputs, noutputs;
	bool order_error;                /* formals out of order, reported once */
};

/* What a class name means where it is used: the alternatives to try in
 * order, then the primitive class a `...` chain ends in.  With no
 * alternatives, a synonym of the primitive class. */
struct classdef {
	char *name;                      /* NULL for an anonymous compound */
	const struct compound **alts;
	unsigned nalts, alts_cap;
	char *primitive;
	bool extended;                   /* `...` seen: only one counts */
};

struct scope {
	struct body *body;
	struct compound *compound;       /* NULL at file scope */
	const struct classdef **classes; /* defined here, visible after */
	unsigned nclasses, classes_cap;
	struct scope *parent;
};

struct parser {
	struct cabo_lexer *lx;
	struct cabo_errh *errh;
	struct cabo_config *out;
	const struct cabo_config_options *opt;   /* never NULL */
	struct scope *scope;
	struct body top;
	struct compound **compounds;             /* owned, freed at the end */
	unsigned ncompounds, compounds_cap;
	struct classdef **classdefs;
	unsigned nclassdefs, classdefs_cap;
	char **libraries;                        /* included once each */
	unsigned nlibraries, libraries_cap;
	unsigned nesting;
	bool eof_reported;                       /* one "unclosed '{'" is enough */
};

/* scope.c */
void cfg_body_init(struct body *b, unsigned depth, bool is_compound);
void cfg_body_free(struct body *b);
/* Adds a formal (keyword may be NULL) or a define (value non-NULL); owns
 * value and keyword.  False after reporting a second definition. */
bool cfg_body_define(struct parser *ps, struct body *b, const char *name,
		     char *value, char *keyword, struct cabo_landmark where);
/* Gives anonymous elements their final names, avoiding declared ones. */
void cfg_body_name_anonymous(struct body *b);
/* What a class name means at this point, or NULL for a primitive. */
const struct classdef *cfg_find_class(const struct parser *ps, const char *name);

/* parser.c */
struct cabo_token cfg_lex(struct parser *ps);
void cfg_unlex(struct parser *ps, struct cabo_token t);
void cfg_syntax_error(struct parser *ps, const struct cabo_token *t);
bool cfg_starts_statement(const struct parser *ps, int kind);
/* Resumes after a reported bad token: at it, or after its statement. */
void cfg_resume(struct parser *ps, struct cabo_token bad);
char *cfg_token_str(const struct cabo_token *t);
/* Parses statements up to the end of the scope: returns EOF, or '}' or
 * '||' when in a compound. */
struct cabo_token cfg_parse_statements(struct parser *ps);

/* directives.c */
void cfg_parse_define(struct parser *ps, struct cabo_landmark where);
void cfg_parse_require(struct parser *ps, struct cabo_landmark where);
/* A stable copy of a file name, kept in the configuration (ctx). */
const char *cfg_intern_file(void *ctx, const char *name, size_t len);
/* Parses the statements of text (text[len] == '\0') into the current scope. */
void cfg_parse_text(struct parser *ps, const char *text, size_t len, const char *file);

/* compound.c */
/* After '{': parses `{ [formals |] body || ... }`; NULL after an error. */
const struct classdef *cfg_parse_compound_class(struct parser *ps, const char *name,
						struct cabo_landmark open);
void cfg_parse_elementclass(struct parser *ps);
/* Chooses the definition to expand (or *primitive); fills *values with the
 * formals' values (caller frees nformals strings).  NULL with no primitive
 * after reporting that nothing fits. */
const struct compound *cfg_resolve_compound(struct cabo_errh *errh,
					    const struct classdef *def,
					    char *const *args, unsigned nargs,
					    const unsigned nports[2], struct cabo_landmark where,
					    char ***values, const char **primitive);
void cfg_free_compound(struct compound *c);
void cfg_free_classdef(struct classdef *def);

/* variables.c */
struct binding {
	const char *name;
	size_t len;
	const char *value;
	bool literal;                    /* an argument: substituted as it is */
};

/* The variables of one scope, borrowed from the bodies and arguments; an
 * instance's chain to the scope of its definition, so lookup is lexical. */
struct env {
	const struct env *parent;
	unsigned depth;                  /* of the body whose variables these are */
	struct binding *b;
	unsigned n, cap;
};

/* The file's define()s, replaced or extended by NAME=VALUE overrides. */
void cfg_env_top(struct env *env, const struct body *top,
		 const struct cabo_config_options *opt, struct cabo_errh *errh);
/* An instance's formals bound to values, then its body's define()s. */
void cfg_env_instance(struct env *env, const struct compound *c, char *const *values,
		      const struct env *outer);
void cfg_env_free(struct env *env);
/* text with variables substituted (caller frees); on an error, reported at
 * `where`, text unchanged. */
char *cfg_expand(const char *text, const struct env *env, struct cabo_errh *errh,
		 struct cabo_landmark where);

/* flatten.c */
void cfg_flatten(struct parser *ps);

#endif
