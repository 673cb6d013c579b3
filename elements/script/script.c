/*
 * =c
 * Script([TYPE,] INSTRUCTIONS...)
 * =s
 * scripts a configuration: waits, calls handlers, prints, stops the router
 * =ports
 * none; a PACKET script has 1 or more inputs and any number of outputs
 * =processing
 * agnostic on input and output 0, push on the others (PACKET scripts)
 * =d
 * Runs Click's small scripting language. Every argument but TYPE is an
 * instruction; they run in order. Instruction text is expanded first (see
 * below); the forms ending in q then remove one layer of quotes.
 *
 * 'set VAR TEXT', 'setq': sets $VAR. 'init VAR [TEXT]', 'initq': sets $VAR
 * once, at initialization. 'print [>FILE | >>FILE] [TEXT | HANDLER]' prints
 * a line on standard output (or writes or appends FILE): an argument that
 * starts with a letter, '@' or '_' is a read handler whose value is printed
 * ('print c.count'), any other text is unquoted and printed ('print "n=$n"').
 * 'printn' omits the newline; 'printq', 'printnq' unquote the handler's
 * arguments. 'read HANDLER [ARGS]' prints "NAME:" and the value on standard
 * error. 'write HANDLER [ARGS]' calls a write handler; $? is its status (0,
 * or negative on failure).
 *
 * 'pause [COUNT]' (or 'wait' alone) blocks until the step handler has been
 * called COUNT times (default 1). 'wait TIME' blocks for TIME (1, 1.5s,
 * 250ms, ...) or until a step. Waits use a timer: nothing spins, and with
 * simulated time the clock jumps over them.
 *
 * 'label L' defines L; 'goto L [COND]' jumps to L when the expanded COND is
 * true or absent ('goto l $(lt $x 5)'). 'begin' and 'loop' name the first
 * instruction; 'goto exit', 'goto end', 'goto stop' and 'goto error' act as
 * those instructions. 1000 jumps without blocking disable the script ("too
 * many jumps"). 'loop' goes back to the start. 'end' ends the script, as
 * does running off its last instruction; 'exit' also ends it (and drops the
 * packet in a PACKET script); 'stop' ends it and stops the router.
 * 'return [VALUE]', 'returnq' end it with VALUE, the value of the run handler
 * or a PACKET script's output port. 'error [MSG]', 'errorq' end it with an
 * error, reporting MSG.
 *
 * Substitution: '$x' and '${x}' give variable x; '$(HANDLER [ARGS])' gives
 * a read handler's value ('$(c.count)'); names without an element are the
 * Script's own handlers, such as the expression handlers below ('$(add $x
 * 1)', or '$(s.add $x 1)' for another Script s). References nest. Special
 * variables: $? (write status), $args, $1, $2, ... and $# (run handler
 * arguments), $input (a PACKET script's input port), $$ (process id).
 * Unknown references stay as written. Nothing is expanded inside 'single
 * quotes'; values inside "double quotes" are escaped, so unquoting gives
 * back the value.
 *
 * Runtime errors (missing handler, bad condition) are reported on standard
 * error under "While executing 'NAME :: Script':"; the script goes on with
 * the next instruction, as in Click.
 * =k TYPE
 * ACTIVE (default): runs when the router starts. PASSIVE: runs when its run
 * handler is called. PACKET (or PUSH): runs once per packet, pushed or
 * pulled; the return value is the output port ('end' means 0; 'exit' and
 * bad ports are counted drops). PACKET scripts are slow, for tests and
 * control traffic. Click's DRIVER, PROXY and SIGNAL types are not supported.
 * =h step write
 * Moves past the current pause or wait; a number N moves past N of them.
 * =h goto write
 * Continues running from the given label.
 * =h run read/write
 * Runs the script from the start (written text: $args) and returns the
 * value of its 'return'.
 * =h set write
 * 'VAR VALUE': sets a variable.
 * =h now read
 * The router's clock, SEC.USEC.
 * =h add,sub,mul,div,idiv,min,max read with parameters
 * '$(add 10 5 2)' is 17, '$(sub 10 5 2)' 3. Integer arithmetic while every
 * operand is an integer, otherwise floating point; div always divides in
 * floating point, idiv truncates to an integer.
 * =h mod,rem,neg,abs read with parameters
 * '$(mod 7 3)' is 1; rem also takes floating point; neg, abs take one number.
 * =h eq,ne,lt,gt,le,ge read with parameters
 * Compare two numbers, or strings if either is not a number: '$(eq 10 0xA)'
 * is true.
 * =h not,and,or,nand,nor,if,in read with parameters
 * Booleans (true/false, yes/no, 1/0, on/off). '$(if C A B)' is A when C is
 * true, else B; '$(in X A B ...)' is true when X is one of A B ....
 * =h sprintf,first,length,unquote,random read with parameters
 * '$(sprintf "%05x" 127)' is 0007f (%d %i %u %o %x %X %s %%); first word;
 * text length; text unquoted; '$(random)', '$(random N)' (0..N-1),
 * '$(random A B)' (A..B).
 * =h get,shift read with parameters
 * '$(get VAR)' is the variable; '$(shift VAR)' removes and returns its first
 * word ($args if no VAR).
 * =e
 *   FromDump(trace.pcap, STOP false) -> c :: Counter -> Discard;
 *   Script(wait 1s, print "after 1s: $(c.count) packets", stop);
 *
 *   Script(set x 0, label again, print $x,
 *          set x $(add $x 1), goto again $(lt $x 5), stop);
 *
 *   s :: Script(TYPE PASSIVE, return $(add $(c1.count) $(c2.count)));
 * =a
 * Counter, Switch
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "element.h"
#include "router.h"
#include "task.h"
#include "script_expr.h"

enum script_type { TYPE_ACTIVE, TYPE_PASSIVE, TYPE_PACKET };

enum insn_op {
	OP_INITIAL, OP_WAIT_STEP, OP_WAIT_TIME,
	OP_PRINT, OP_PRINTQ, OP_PRINTN, OP_PRINTNQ,
	OP_READ, OP_READQ, OP_WRITE, OP_WRITEQ,
	OP_SET, OP_SETQ, OP_INIT, OP_INITQ,
	OP_LABEL, OP_GOTO, OP_RETURN, OP_RETURNQ,
	OP_END, OP_EXIT, OP_STOP, OP_ERROR, OP_ERRORQ,
	OP_WAIT_PSEUDO, OP_LOOP_PSEUDO,
};

/* goto targets below 0 end the script like these instructions */
enum { LABEL_EXIT = -1, LABEL_END = -2, LABEL_STOP = -3, LABEL_ERROR = -4,
       LABEL_ERRORQ = -5, MAX_JUMPS = 1000 };

static const struct {
	const char *name;
	enum insn_op op;
	int label;          /* goto target when used as a label, or 0 */
} insn_names[] = {
	{ "end", OP_END, LABEL_END }, { "error", OP_ERROR, LABEL_ERROR },
	{ "errorq", OP_ERRORQ, LABEL_ERRORQ }, { "exit", OP_EXIT, LABEL_EXIT },
	{ "goto", OP_GOTO, 0 }, { "init", OP_INIT, 0 }, { "initq", OP_INITQ, 0 },
	{ "label", OP_LABEL, 0 }, { "loop", OP_LOOP_PSEUDO, 0 },
	{ "pause", OP_WAIT_STEP, 0 }, { "print", OP_PRINT, 0 },
	{ "printn", OP_PRINTN, 0 }, { "printnq", OP_PRINTNQ, 0 },
	{ "printq", OP_PRINTQ, 0 }, { "read", OP_READ, 0 }, { "readq", OP_READQ, 0 },
	{ "return", OP_RETURN, 0 }, { "returnq", OP_RETURNQ, 0 },
	{ "set", OP_SET, 0 }, { "setq", OP_SETQ, 0 }, { "stop", OP_STOP, LABEL_STOP },
	{ "wait", OP_WAIT_PSEUDO, 0 }, { "wait_for", OP_WAIT_TIME, 0 },
	{ "wait_step", OP_WAIT_STEP, 0 }, { "wait_stop", OP_WAIT_STEP, 0 },
	{ "wait_time", OP_WAIT_TIME, 0 }, { "write", OP_WRITE, 0 },
	{ "writeq", OP_WRITEQ, 0 },
};

struct insn {
	enum insn_op op;
	int arg;            /* variable index, goto target, pause count, initial flag */
	int arg2;           /* steps taken by a pause */
	char *text;         /* argument text (goto: the condition) */
};

struct var {
	char *name;
	char *value;
};

struct script {
	struct cabo_element e;
	enum script_type type;
	struct insn *insns;
	unsigned ninsns;
	struct var *vars;
	unsigned nvars;
	unsigned pos;               /* current instruction */
	int write_status;           /* $? */
	char *run_args;             /* $args */
	int *cur_steps;             /* steps granted while running (reentrant step) */
	struct cabo_timer timer;
	bool timer_ready;
	uint64_t rng;
};

enum { DROP_EXIT, DROP_BAD_PORT };
static const char *const script_drop_reasons[] = {
	"script exit",      /* a PACKET script ended with exit or error */
	"bad port",         /* returned value is not an output port */
	NULL,
};

extern const struct cabo_element_class script_class;

static int call_read(struct script *s, const char *spec, bool unquote_params,
		     struct cabo_strbuf *out, struct cabo_strbuf *name,
		     struct cabo_errh *errh);

/* ======================================================================
 * Variables and substitution
 * ====================================================================== */

static int find_var(struct script *s, const char *name, bool add)
{
	for (unsigned i = 0; i < s->nvars; i++)
		if (!strcmp(s->vars[i].name, name))
			return (int) i;
	if (!add)
		return -1;
	s->vars = cabo_xrealloc(s->vars, (s->nvars + 1) * sizeof *s->vars);
	s->vars[s->nvars].name = cabo_xstrdup(name);
	s->vars[s->nvars].value = cabo_xstrdup("");
	return (int) s->nvars++;
}

static void set_var(struct script *s, int i, char *value)
{
	free(s->vars[i].value);
	s->vars[i].value = value;
}

/* The value of a $name or $(handler) reference, or false when unknown. */
static bool lookup(struct script *s, const char *name, int vtype,
		   struct cabo_strbuf *out, struct cabo_errh *errh)
{
	int i = find_var(s, name, false);
	const char *args = s->run_args ? s->run_args : "";
	int64_t n;
	if (i >= 0)
		cabo_strbuf_puts(out, s->vars[i].value);
	else if (!strcmp(name, "?"))
		cabo_strbuf_printf(out, "%d", s->write_status);
	else if (!strcmp(name, "args"))
		cabo_strbuf_puts(out, args);
	else if (!strcmp(name, "$"))
		cabo_strbuf_printf(out, "%ld", (long) getpid());
	else if (name[0] >= '1' && name[0] <= '9' && cabo_script_parse_int(name, &n)) {
		char *w = NULL;
		for (; n > 0 && (n == 1 || *args); n--) {
			free(w);
			w = cabo_script_shift_word(&args);
		}
		if (n > 0) {            /* fewer words than that */
			free(w);
			w = NULL;
		}
		cabo_strbuf_puts(out, w ? w : "");
		free(w);
	} else if (!strcmp(name, "#")) {
		char *w;
		for (n = 0; (w = cabo_script_shift_word(&args)); n++)
			free(w);
		cabo_strbuf_printf(out, "%d", (int) n);
	} else if (vtype == '(')
		return call_read(s, name, false, out, NULL, errh) == 0;
	else
		return false;
	return true;
}

struct lookup_ctx {
	struct script *s;
	struct cabo_errh *errh;
};

static bool lookup_cb(void *ctx, const char *name, int vtype, struct cabo_strbuf *out)
{
	struct lookup_ctx *c = ctx;
	return lookup(c->s, name, vtype, out, c->errh);
}

static char *expand(struct script *s, const char *text, bool quote_bare,
		    struct cabo_errh *errh)
{
	struct lookup_ctx c = { s, errh };
	return cabo_script_expand(text, quote_bare, lookup_cb, &c);
}

static char *expand_text(struct script *s, const char *text, bool unquote,
			 struct cabo_errh *errh)
{
	char *x = expand(s, text, false, errh);
	if (unquote) {
		char *u = cabo_script_unquote(x);
		free(x);
		x = u;
	}
	return x;
}

/* ======================================================================
 * Handler calls: "[element.]handler [params]"
 * ====================================================================== */

static int run_script(struct script *s, const char *args, struct cabo_strbuf *ret,
		      struct cabo_errh *errh);

/* Splits "name params" and finds the Script that owns name's handler when
 * it is a Script (`add`, `s.add`); *hname then points at the handler part. */
static struct script *split_call(struct script *s, const char *spec, char **name,
				 char **params, const char **hname)
{
	const char *rest = spec;
	*name = cabo_script_shift_word(&rest);
	*params = cabo_script_trim(rest);
	*hname = "";
	if (!*name)
		return NULL;
	char *dot = strchr(*name, '.');
	*hname = *name;
	if (!dot)
		return s;
	char *ename = cabo_xstrndup(*name, (size_t) (dot - *name));
	struct cabo_element *el = cabo_element_find(&s->e, ename);
	free(ename);
	*hname = dot + 1;
	return el && el->cls == &script_class ? (struct script *) el : NULL;
}

/* Script's read handlers that take parameters; 1 if hname is not one. */
static int script_param_read(struct script *t, struct script *caller, const char *hname,
			     const char *params, struct cabo_strbuf *out,
			     struct cabo_errh *errh)
{
	if (cabo_script_expr_exists(hname)) {
		struct cabo_script_expr_env env = { cabo_element_now(&t->e), &t->rng };
		return cabo_script_expr_eval(hname, params, &env, out, errh);
	}
	if (!strcmp(hname, "get") || !strcmp(hname, "shift")) {
		const char *p = params;
		char *var = cabo_script_shift_word(&p);
		bool shift = hname[0] == 's';
		int r = 0;
		if (!var && shift)
			var = cabo_xstrdup("args");
		if (!var)
			r = cabo_errh_error(errh, "no variable");
		else if (*p)
			r = cabo_errh_error(errh, "too many arguments");
		else {
			int i = strcmp(var, "args") ? find_var(t, var, false) : -2;
			char **val = i == -2 ? &t->run_args : i >= 0 ? &t->vars[i].value : NULL;
			if (!val)
				r = cabo_errh_error(errh, "undefined variable '%s'", var);
			else if (!shift)
				cabo_strbuf_puts(out, *val ? *val : "");
			else {
				const char *v = *val ? *val : "";
				char *w = cabo_script_shift_word(&v);
				char *restv = cabo_xstrdup(v);
				cabo_strbuf_puts(out, w ? w : "");
				free(w);
				free(*val);
				*val = restv;
			}
		}
		free(var);
		return r;
	}
	if (!strcmp(hname, "run")) {
		if (t->cur_steps)
			return cabo_errh_error(errh, "'%s.run': script is already running", t->e.name);
		return run_script(t, params, out, errh) < 0 ? -1 : 0;
	}
	return 1;
}

/* Finds a handler for "element.handler" (element names relative to the
 * Script's compound, as Click) or "handler" (the Script's own); NULL with
 * *el NULL for names the core resolves (router-wide handlers, elements of
 * virtual nodes, unknown names), or after reporting an error. */
static const struct cabo_handler *find_handler(struct script *s, const char *spec,
					       struct cabo_element **el, bool write,
					       struct cabo_errh *errh)
{
	const char *dot = strchr(spec, '.');
	const struct cabo_handler *h;
	*el = &s->e;
	if (!dot) {
		h = cabo_element_handler(&s->e, spec);
		if (!h)
			*el = NULL;     /* router-wide, or unknown: the core reports */
	} else {
		char *ename = cabo_xstrndup(spec, (size_t) (dot - spec));
		*el = cabo_element_find(&s->e, ename);
		free(ename);
		if (!*el)
			return NULL;    /* a virtual node's element, or unknown: the core reports */
		if (!(h = cabo_element_handler(*el, dot + 1))) {
			cabo_errh_error(errh, "no handler named '%s'", spec);
			return NULL;
		}
	}
	if (h && !(write ? h->write != NULL : h->read != NULL)) {
		cabo_errh_error(errh, "handler '%s%s%s' is %s", dot ? "" : s->e.name, dot ? "" : ".",
				spec, write ? "read-only" : "write-only");
		return NULL;
	}
	return h;
}

/* Reads a handler. name, when given, receives the handler's full name. */
static int call_read(struct script *s, const char *spec, bool unquote_params,
		     struct cabo_strbuf *out, struct cabo_strbuf *name,
		     struct cabo_errh *errh)
{
	char *hfull, *params;
	const char *hname;
	struct script *t = split_call(s, spec, &hfull, &params, &hname);
	struct cabo_element *el = NULL;
	int r;
	if (!hfull) {
		free(params);
		return cabo_errh_error(errh, "missing handler name");
	}
	if (unquote_params) {
		char *u = cabo_script_unquote(params);
		free(params);
		params = u;
	}
	r = t ? script_param_read(t, s, hname, params, out, errh) : 1;
	if (r == 0 || r == -1)
		el = &t->e;
	else {
		const struct cabo_handler *h = find_handler(s, hfull, &el, false, errh);
		bool by_core = !el;
		if ((h || by_core) && *params)
			r = cabo_errh_error(errh, "'%s' read handler does not take parameters", hfull);
		else if (h)
			r = h->read(el, h->arg, out) < 0 ? -1 : 0;
		else if (by_core)
			r = cabo_element_call_read(&s->e, hfull, out, errh);
		else
			r = -1;
	}
	if (name)
		cabo_strbuf_printf(name, "%s%s%s", el && !strchr(hfull, '.') ? s->e.name : "",
				   el && !strchr(hfull, '.') ? "." : "", hfull);
	free(hfull);
	free(params);
	return r;
}

static int call_write(struct script *s, const char *spec, bool unquote_value,
		      struct cabo_errh *errh)
{
	const char *rest = spec;
	char *hname = cabo_script_shift_word(&rest);
	char *value = unquote_value ? cabo_script_unquote(rest) : cabo_script_trim(rest);
	struct cabo_element *el;
	const struct cabo_handler *h;
	int r = -1;
	if (!hname)
		r = cabo_errh_error(errh, "missing handler name");
	else if ((h = find_handler(s, hname, &el, true, errh)))
		r = h->write(el, value, h->arg, errh);
	else if (!el)
		r = cabo_element_call_write(&s->e, hname, value, errh);
	free(hname);
	free(value);
	return r < 0 ? r : 0;
}

/* ======================================================================
 * Running
 * ====================================================================== */

static bool parse_wait_time(struct script *s, const char *text, int64_t *ns,
			    struct cabo_errh *errh)
{
	char *x = expand_text(s, text, false, errh);
	char *t = cabo_script_trim(x);
	bool ok = cabo_parse_time(t, ns) && *ns >= 0;
	free(x);
	free(t);
	if (!ok)
		cabo_errh_error(errh, "syntax error at 'wait'");
	return ok;
}

static void do_print(struct script *s, struct insn *in, struct cabo_errh *errh)
{
	const char *text = in->text;
	FILE *f = stdout;
	if (text[0] == '>') {
		bool append = text[1] == '>';
		text += 1 + append;
		char *file = cabo_script_shift_word(&text);
		if (file && strcmp(file, "-") && !(f = fopen(file, append ? "ab" : "wb"))) {
			cabo_errh_error(errh, "%s: %s", file, strerror(errno));
			free(file);
			return;
		}
		free(file);
	}
	bool unq = in->op == OP_PRINTQ || in->op == OP_PRINTNQ, failed = false;
	struct cabo_strbuf out = CABO_STRBUF_INIT;
	cabo_strbuf_puts(&out, "");
	if (isalpha((unsigned char) text[0]) || text[0] == '@' || text[0] == '_') {
		char *spec = expand_text(s, text, false, errh);
		failed = call_read(s, spec, unq, &out, NULL, errh) < 0;
		free(spec);
	} else {
		char *x = expand(s, text, true, errh);
		char *u = cabo_script_unquote(x);
		cabo_strbuf_puts(&out, u);
		free(x);
		free(u);
	}
	if (failed)             /* a failed handler read prints nothing */
		cabo_strbuf_clear(&out);
	else if (in->op != OP_PRINTN && in->op != OP_PRINTNQ
		 && (!out.length || out.data[out.length - 1] != '\n'))
		cabo_strbuf_putc(&out, '\n');
	fwrite(out.data, 1, out.length, f);
	if (f == stdout)
		fflush(f);
	else
		fclose(f);
	cabo_strbuf_free(&out);
}

static void do_read(struct script *s, struct insn *in, struct cabo_errh *errh)
{
	char *spec = expand_text(s, in->text, false, errh);
	struct cabo_strbuf out = CABO_STRBUF_INIT, name = CABO_STRBUF_INIT;
	cabo_strbuf_puts(&out, "");
	cabo_strbuf_puts(&name, "");
	if (call_read(s, spec, in->op == OP_READQ, &out, &name, errh) == 0) {
		fprintf(stderr, "%s:\n%s\n", name.data, out.data);
		fflush(stderr);
	}
	cabo_strbuf_free(&out);
	cabo_strbuf_free(&name);
	free(spec);
}

static void reset_pauses(struct script *s, unsigned from, unsigned to)
{
	for (unsigned i = from; i < to && i < s->ninsns; i++)
		if (s->insns[i].op == OP_WAIT_STEP)
			s->insns[i].arg2 = 0;
}

/* Runs from the current instruction until the script blocks or ends,
 * passing at most `budget` blocking instructions (Click's Script::step). */
static int step(struct script *s, int budget, int njumps, struct cabo_errh *errh)
{
	while (budget >= 0 && s->pos < s->ninsns && njumps < MAX_JUMPS) {
		unsigned ipos = s->pos++;
		struct insn *in = &s->insns[ipos];
		char *x;
		bool cond;
		int64_t ns;

		switch (in->op) {
		case OP_INITIAL:
			if (in->arg) {
				budget--;
				in->arg = 0;
			}
			break;
		case OP_WAIT_STEP:
			while (budget > 0 && in->arg2 < in->arg) {
				in->arg2++;
				budget--;
			}
			if (in->arg2 < in->arg) {
				s->pos = ipos;
				return njumps + 1;
			}
			break;
		case OP_WAIT_TIME:
			if (budget == 0) {
				if (parse_wait_time(s, in->text, &ns, errh)) {
					if (cabo_timer_scheduled(&s->timer))
						cabo_timer_unschedule(&s->timer);
					cabo_timer_schedule_after(&s->timer, ns);
					s->pos = ipos;
				}
				return njumps + 1;
			}
			budget--;
			if (cabo_timer_scheduled(&s->timer))
				cabo_timer_unschedule(&s->timer);
			break;
		case OP_PRINT: case OP_PRINTQ: case OP_PRINTN: case OP_PRINTNQ:
			do_print(s, in, errh);
			break;
		case OP_READ: case OP_READQ:
			do_read(s, in, errh);
			break;
		case OP_WRITE: case OP_WRITEQ:
			x = expand_text(s, in->text, false, errh);
			s->write_status = call_write(s, x, in->op == OP_WRITEQ, errh);
			free(x);
			break;
		case OP_SET: case OP_SETQ: case OP_RETURN: case OP_RETURNQ:
			x = expand_text(s, in->text, in->op == OP_SETQ || in->op == OP_RETURNQ, errh);
			set_var(s, in->arg, x);
			if ((in->op == OP_RETURN || in->op == OP_RETURNQ) && s->pos == ipos + 1) {
				s->pos = ipos;
				return njumps + 1;
			}
			break;
		case OP_GOTO:
			x = expand_text(s, in->text, false, errh);
			{
				char *c = cabo_script_trim(x);
				free(x);
				x = c;
			}
			if (*x && !cabo_script_parse_bool(x, &cond))
				cabo_errh_error(errh, "bad condition '%s'", x);
			else if (!*x || cond) {
				if (in->arg < 0) {
					free(x);
					s->pos = ipos;
					if (in->arg == LABEL_STOP)
						cabo_element_stop_router(&s->e);
					return njumps + 1;
				}
				reset_pauses(s, (unsigned) in->arg, ipos);
				s->pos = (unsigned) in->arg;
			}
			free(x);
			break;
		case OP_STOP:
			s->pos = ipos;
			cabo_element_stop_router(&s->e);
			return njumps + 1;
		case OP_ERROR: case OP_ERRORQ:
			x = expand_text(s, in->text, in->op == OP_ERRORQ, errh);
			if (*x)
				cabo_errh_error(errh, "%s", x);
			free(x);
			/* fall through */
		case OP_END: case OP_EXIT:
			s->pos = ipos;
			return njumps + 1;
		default:                /* label, init: nothing at run time */
			break;
		}
		if (s->pos != ipos + 1)
			njumps++;
	}
	if (njumps >= MAX_JUMPS) {
		cabo_errh_error(errh, "%s: too many jumps, giving up", s->e.name);
		s->pos = s->ninsns;
		if (cabo_timer_scheduled(&s->timer))
			cabo_timer_unschedule(&s->timer);
	}
	return njumps + 1;
}

/* Steps, taking in steps that the script grants itself while running. */
static void drive(struct script *s, int nsteps, struct cabo_errh *errh)
{
	if (s->cur_steps) {
		*s->cur_steps += nsteps;
		return;
	}
	int extra = 0, njumps = 0;
	s->cur_steps = &extra;
	do {
		njumps = step(s, nsteps, njumps, errh);
		nsteps = extra;
		extra = 0;
	} while (nsteps > 0);
	s->cur_steps = NULL;
}

/* After a run: the value the script returned and how it ended (-1 error,
 * 1 stop, 2 exit, 0 otherwise). */
static int complete(struct script *s, struct cabo_strbuf *ret)
{
	int last = -100;
	if (s->pos < s->ninsns) {
		struct insn *in = &s->insns[s->pos];
		last = in->op;
		if (in->op == OP_GOTO && in->arg < 0)
			last = in->arg == LABEL_EXIT ? OP_EXIT : in->arg == LABEL_END ? OP_END
				: in->arg == LABEL_STOP ? OP_STOP : OP_ERROR;
	}
	if (ret) {
		int i = find_var(s, "_", false);
		if ((last == OP_RETURN || last == OP_RETURNQ) && i >= 0)
			cabo_strbuf_puts(ret, s->vars[i].value);
		else if (last == OP_END && s->type == TYPE_PACKET)
			cabo_strbuf_puts(ret, "0");
	}
	if (last == OP_ERROR || last == OP_ERRORQ)
		return -1;
	return last == OP_STOP ? 1 : last == OP_EXIT ? 2 : 0;
}

static int run_script(struct script *s, const char *args, struct cabo_strbuf *ret,
		      struct cabo_errh *errh)
{
	free(s->run_args);
	s->run_args = cabo_script_trim(args);
	s->pos = 0;
	drive(s, 0, errh);
	return complete(s, ret);
}

static void runtime_errh(struct script *s, struct cabo_errh *errh)
{
	cabo_errh_init(errh, stderr);
	cabo_errh_push_context(errh, s->e.where, "While executing '%s :: Script':", s->e.name);
}

static void script_timer_fire(struct cabo_timer *t)
{
	struct script *s = t->arg;
	struct cabo_errh errh;
	runtime_errh(s, &errh);
	drive(s, 1, &errh);
	cabo_errh_destroy(&errh);
}

/* ======================================================================
 * PACKET scripts
 * ====================================================================== */

/* Runs the script for one packet: the output port, or -1 to drop (exit). */
static int packet_port(struct script *s, unsigned input, struct cabo_errh *errh)
{
	struct cabo_strbuf ret = CABO_STRBUF_INIT;
	int64_t port = -2;
	set_var(s, find_var(s, "input", true), cabo_xasprintf("%u", input));
	cabo_strbuf_puts(&ret, "");
	s->pos = 0;
	drive(s, 0, errh);
	int how = complete(s, &ret);
	char *t = cabo_script_trim(ret.data);
	if (how < 0 || how == 2)
		port = -1;
	else if (!cabo_script_parse_int(t, &port) || port < 0 || port > 0x7FFFFFFF)
		port = -2;
	free(t);
	cabo_strbuf_free(&ret);
	return (int) port;
}

static void script_push(struct cabo_element *e, unsigned port, struct cabo_batch *b)
{
	struct script *s = (struct script *) e;
	struct cabo_errh errh;
	int ports[CABO_BATCH_MAX];
	unsigned n = 0;
	runtime_errh(s, &errh);
	for (unsigned i = 0; i < b->count; i++) {
		int out = packet_port(s, port, &errh);
		if (out == -1) {
			cabo_element_drop(e, b->p[i], DROP_EXIT);
			continue;
		}
		ports[n] = out;
		b->p[n++] = b->p[i];
	}
	b->count = n;
	cabo_errh_destroy(&errh);
	cabo_output_push_each(e, b, ports, DROP_BAD_PORT);
}

static unsigned script_pull(struct cabo_element *e, unsigned port, struct cabo_batch *b,
			    unsigned max)
{
	struct script *s = (struct script *) e;
	struct cabo_errh errh;
	unsigned n = 0, got = cabo_input_pull(e, 0, b, max);
	if (!got)
		return 0;
	runtime_errh(s, &errh);
	for (unsigned i = 0; i < got; i++) {
		struct cabo_packet *p = b->p[i];
		int out = packet_port(s, 0, &errh);
		if (out == 0)
			b->p[n++] = p;
		else if (out == -1)
			cabo_element_drop(e, p, DROP_EXIT);
		else if (out > 0 && (unsigned) out < e->noutputs)
			cabo_output_push_one(e, (unsigned) out, p);
		else
			cabo_element_drop(e, p, DROP_BAD_PORT);
	}
	cabo_errh_destroy(&errh);
	b->count = n;
	return n;
}

/* ======================================================================
 * Configuration
 * ====================================================================== */

static void add_insn(struct script *s, enum insn_op op, int arg, const char *text)
{
	/* the first instruction must be able to block (Click's INITIAL) */
	if (!s->ninsns && op != OP_INITIAL && op != OP_WAIT_STEP && op != OP_WAIT_TIME)
		add_insn(s, OP_INITIAL, 0, "");
	s->insns = cabo_xrealloc(s->insns, (s->ninsns + 1) * sizeof *s->insns);
	s->insns[s->ninsns++] = (struct insn){ op, arg, 0, cabo_xstrdup(text ? text : "") };
}

static int find_label(const struct script *s, const char *label)
{
	for (unsigned i = 0; i < s->ninsns; i++)
		if (s->insns[i].op == OP_LABEL && !strcmp(s->insns[i].text, label))
			return (int) i;
	for (unsigned i = 0; i < sizeof insn_names / sizeof insn_names[0]; i++)
		if (insn_names[i].label && !strcmp(insn_names[i].name, label))
			return insn_names[i].label;
	if (!strcmp(label, "begin") || !strcmp(label, "loop"))
		return 0;
	return (int) s->ninsns;
}

static int parse_type(struct script *s, const char *text, struct cabo_errh *errh)
{
	char *t = cabo_script_trim(text);
	int r = 0;
	if (!strcmp(t, "ACTIVE") || !*t)
		s->type = TYPE_ACTIVE;
	else if (!strcmp(t, "PASSIVE"))
		s->type = TYPE_PASSIVE;
	else if (!strcmp(t, "PACKET") || !strcmp(t, "PUSH"))
		s->type = TYPE_PACKET;
	else if (!strcmp(t, "DRIVER") || !strcmp(t, "PROXY") || !strncmp(t, "SIGNAL", 6))
		r = cabo_errh_error(errh, "TYPE %s is not supported (use ACTIVE, PASSIVE or PACKET)", t);
	else
		r = cabo_errh_error(errh, "bad TYPE");
	free(t);
	return r;
}

/* One instruction: "name rest". */
static void parse_insn(struct script *s, const char *arg, struct cabo_errh *errh)
{
	const char *rest = arg;
	char *name = cabo_script_shift_word(&rest), *word = NULL;
	int op = -1;
	int64_t n;
	if (!name)                      /* empty argument: ignored, as Click */
		return;
	for (unsigned i = 0; i < sizeof insn_names / sizeof insn_names[0]; i++)
		if (!strcmp(insn_names[i].name, name))
			op = (int) insn_names[i].op;
	if (op == OP_WAIT_PSEUDO)
		op = *rest ? OP_WAIT_TIME : OP_WAIT_STEP;
	switch (op) {
	case OP_WAIT_STEP:
		n = 1;
		if (*rest && (!cabo_script_parse_int(rest, &n) || n < 0 || n > 0x7FFFFFFF))
			goto syntax;
		add_insn(s, OP_WAIT_STEP, (int) n, "");
		break;
	case OP_WAIT_TIME:
		if (!*rest || (!strchr(rest, '$') && (!cabo_parse_time(rest, &n) || n < 0)))
			goto syntax;
		add_insn(s, OP_WAIT_TIME, 0, rest);
		break;
	case OP_PRINT: case OP_PRINTQ: case OP_PRINTN: case OP_PRINTNQ:
	case OP_READ: case OP_READQ: case OP_WRITE: case OP_WRITEQ:
		if ((op == OP_READ || op == OP_READQ || op == OP_WRITE || op == OP_WRITEQ) && !*rest)
			goto syntax;
		add_insn(s, (enum insn_op) op, 0, rest);
		break;
	case OP_GOTO:                   /* "LABEL [COND]": resolved in configure */
		if (!*rest)
			goto syntax;
		add_insn(s, OP_GOTO, 0, rest);
		s->insns[s->ninsns - 1].arg2 = -1;
		break;
	case OP_LOOP_PSEUDO:
		if (*rest)
			goto syntax;
		add_insn(s, OP_GOTO, 0, "");
		break;
	case OP_RETURN: case OP_RETURNQ:
		add_insn(s, (enum insn_op) op, find_var(s, "_", true), rest);
		break;
	case OP_SET: case OP_SETQ: case OP_INIT: case OP_INITQ:
		word = cabo_script_shift_word(&rest);
		if (!word || ((op == OP_SET || op == OP_SETQ) && !*rest))
			goto syntax;
		add_insn(s, (enum insn_op) op, find_var(s, word, true), rest);
		break;
	case OP_LABEL:
		word = cabo_script_shift_word(&rest);
		if (!word || *rest)
			goto syntax;
		add_insn(s, OP_LABEL, 0, word);
		break;
	case OP_END: case OP_EXIT: case OP_STOP:
		if (*rest)
			goto syntax;
		/* fall through */
	case OP_ERROR: case OP_ERRORQ:
		add_insn(s, (enum insn_op) op, 0, rest);
		break;
	default:
	syntax:
		if (op < 0 && (!strcmp(name, "export") || !strcmp(name, "exportq")
			       || !strcmp(name, "save") || !strcmp(name, "append")))
			cabo_errh_error(errh, "'%s' is not supported", name);
		else
			cabo_errh_error(errh, "syntax error at '%s'", name);
		break;
	}
	free(word);
	free(name);
}

static int script_configure(struct cabo_element *e, struct cabo_args *a)
{
	struct script *s = (struct script *) e;
	struct cabo_errh *errh = a->errh;
	unsigned before = errh->nerrors;

	/* TYPE may appear anywhere; everything else is an instruction. */
	for (unsigned i = 0; i < a->argc; i++) {
		const char *arg = a->argv[i];
		if (!strncmp(arg, "TYPE", 4) && (!arg[4] || isspace((unsigned char) arg[4]))) {
			if (parse_type(s, arg + 4, errh) < 0)
				return -1;
			a->used[i] = true;
		}
	}
	if (s->type == TYPE_PACKET && e->ninputs == 0)
		return cabo_errh_error(errh, "PACKET script must have inputs");
	if (s->type != TYPE_PACKET && (e->ninputs || e->noutputs))
		return cabo_errh_error(errh, "ports allowed only on PACKET scripts");

	for (unsigned i = 0; i < a->argc; i++)
		if (!a->used[i]) {
			parse_insn(s, a->argv[i], errh);
			a->used[i] = true;
		}

	/* resolve goto labels; the condition stays in text */
	for (unsigned i = 0; i < s->ninsns; i++) {
		struct insn *in = &s->insns[i];
		if (in->op != OP_GOTO || in->arg2 != -1)
			continue;
		const char *rest = in->text;
		char *label = cabo_script_shift_word(&rest);
		char *cond = cabo_xstrdup(rest);
		in->arg2 = 0;
		in->arg = find_label(s, label);
		if (in->arg >= (int) s->ninsns)
			cabo_errh_error(errh, "no such label '%s'", label);
		free(label);
		free(in->text);
		in->text = cond;
	}
	add_insn(s, OP_END, 0, "");
	if (errh->nerrors != before)
		return -1;
	return cabo_args_complete(a);
}

static int script_initialize(struct cabo_element *e, struct cabo_errh *errh)
{
	struct script *s = (struct script *) e;
	cabo_timer_init(&s->timer, e, script_timer_fire, s);
	s->timer_ready = true;
	s->rng = (uint64_t) cabo_element_now(e) ^ (uint64_t) (uintptr_t) s ^ ((uint64_t) getpid() << 32);
	s->pos = 0;

	unsigned before = errh->nerrors;
	for (unsigned i = 0; i < s->ninsns; i++) {
		struct insn *in = &s->insns[i];
		if (in->op == OP_INIT || in->op == OP_INITQ)
			set_var(s, in->arg, expand_text(s, in->text, in->op == OP_INITQ, errh));
	}
	if (s->type != TYPE_ACTIVE)
		return errh->nerrors == before ? 0 : -1;
	struct insn *first = &s->insns[0];
	if (first->op == OP_WAIT_TIME) {
		int64_t ns;
		if (parse_wait_time(s, first->text, &ns, errh))
			cabo_timer_schedule_after(&s->timer, ns);
	} else if (first->op == OP_INITIAL) {
		first->arg = 1;         /* the first timer firing is not a step */
		cabo_timer_schedule_after(&s->timer, 0);
	}
	return errh->nerrors == before ? 0 : -1;
}

static void script_cleanup(struct cabo_element *e)
{
	struct script *s = (struct script *) e;
	if (s->timer_ready && cabo_timer_scheduled(&s->timer))
		cabo_timer_unschedule(&s->timer);
	for (unsigned i = 0; i < s->ninsns; i++)
		free(s->insns[i].text);
	for (unsigned i = 0; i < s->nvars; i++) {
		free(s->vars[i].name);
		free(s->vars[i].value);
	}
	free(s->insns);
	free(s->vars);
	free(s->run_args);
	s->insns = NULL;
	s->vars = NULL;
	s->run_args = NULL;
	s->ninsns = s->nvars = 0;
}

/* ======================================================================
 * Handlers
 * ====================================================================== */

enum { H_STEP, H_GOTO, H_RUN, H_SET, H_NOW };

static int script_write_handler(struct cabo_element *e, const char *value, const void *arg,
				struct cabo_errh *errh)
{
	struct script *s = (struct script *) e;
	char *v = cabo_script_trim(value ? value : "");
	int r = 0;
	int64_t n = 1;
	switch ((int) (intptr_t) arg) {
	case H_STEP:
		if (*v && strcmp(v, "router") && !cabo_script_parse_int(v, &n))
			r = cabo_errh_error(errh, "syntax error");
		else if (n > 0x7FFFFFFF || n < 0)
			r = cabo_errh_error(errh, "step count out of range");
		else
			drive(s, (int) n, errh);
		break;
	case H_GOTO: {
		int target = find_label(s, v);
		if (target < 0 || target >= (int) s->ninsns)
			r = cabo_errh_error(errh, "jump to nonexistent label");
		else {
			reset_pauses(s, (unsigned) target, s->ninsns);
			s->pos = (unsigned) target;
			drive(s, 0, errh);
			r = complete(s, NULL) < 0 ? -1 : 0;
		}
		break;
	}
	case H_RUN:
		if (s->cur_steps)
			r = cabo_errh_error(errh, "script is already running");
		else
			r = run_script(s, v, NULL, errh) < 0 ? -1 : 0;
		break;
	case H_SET: {
		const char *p = v;
		char *var = cabo_script_shift_word(&p);
		if (!var)
			r = cabo_errh_error(errh, "no variable");
		else if (!strcmp(var, "args")) {
			free(s->run_args);
			s->run_args = cabo_xstrdup(p);
		} else
			set_var(s, find_var(s, var, true), cabo_xstrdup(p));
		free(var);
		break;
	}
	}
	free(v);
	return r;
}

static int script_read_handler(struct cabo_element *e, const void *arg, struct cabo_strbuf *out)
{
	struct script *s = (struct script *) e;
	struct cabo_script_expr_env env = { cabo_element_now(e), &s->rng };
	struct cabo_errh errh;
	int r;
	runtime_errh(s, &errh);
	if ((intptr_t) arg == H_NOW)
		r = cabo_script_expr_eval("now", "", &env, out, &errh);
	else if (s->cur_steps)
		r = cabo_errh_error(&errh, "script is already running");
	else
		r = run_script(s, "", out, &errh) < 0 ? -1 : 0;
	cabo_errh_destroy(&errh);
	return r;
}

static const struct cabo_handler script_handlers[] = {
	{ "step", NULL, script_write_handler, (const void *) H_STEP, 0 },
	{ "goto", NULL, script_write_handler, (const void *) H_GOTO, 0 },
	{ "run", script_read_handler, script_write_handler, (const void *) H_RUN, 0 },
	{ "set", NULL, script_write_handler, (const void *) H_SET, 0 },
	{ "now", script_read_handler, NULL, (const void *) H_NOW, 0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

CABO_ELEMENT_CLASS(script_class) = {
	.name = "Script", .port_count = "-/-", .processing = "ah/ah",
	.size = sizeof(struct script), .configure = script_configure,
	.initialize = script_initialize, .cleanup = script_cleanup,
	.push = script_push, .pull = script_pull,
	.handlers = script_handlers, .drop_reasons = script_drop_reasons,
};
