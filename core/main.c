/* cabo: runs a router configuration (Click's userlevel driver, plus Cabo's
 * --check, --flatten, --dot, --node and --elements). */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build-config.h"
#include "config.h"
#include "dot.h"
#include "master.h"
#include "router.h"
#include "stats.h"

enum {
	OPT_CHECK = 256, OPT_FLATTEN, OPT_DOT, OPT_ELEMENTS, OPT_THREADS,
	OPT_SIMTIME, OPT_HELP, OPT_VERSION, OPT_STATS, OPT_STATS_FORMAT, OPT_NODE,
};

struct options {
	const char *file;
	const char *expr;
	const char *output;
	const char **handlers;
	unsigned nhandlers;
	const char **overrides;
	unsigned noverrides;
	bool quiet, check, flatten, dot, elements, simtime, stats, node;
	enum cabo_stats_format stats_format;
	unsigned threads;
};

static struct cabo_master *running_master;

static void on_signal(int sig)
{
	(void)sig;
	if (running_master)
		cabo_master_signal_stop(running_master);
}

static void usage(FILE *out)
{
	fputs("Usage: cabo [OPTION]... [FILE | -e EXPR] [NAME=VALUE]...\n"
	      "Runs the Cabo router configuration in FILE (standard input if none).\n\n"
	      "  -f, --file FILE          read the configuration from FILE\n"
	      "  -e, --expression EXPR    use EXPR as the configuration\n"
	      "  -h, --handler ELT.H      print handler ELT.H after the run (repeatable)\n"
	      "  -o, --output FILE        write the flattened configuration to FILE\n"
	      "  -q, --quiet              do not print warnings\n"
	      "      --check              parse and configure only; report every error\n"
	      "      --flatten            print the flattened configuration and exit\n"
	      "      --dot                print the configuration graph (Graphviz) and exit\n"
	      "      --node               read FILE as a virtual node's pipeline (input, output\n"
	      "                           are its interfaces); with --check, --flatten, --dot\n"
	      "      --elements           list the element classes and exit\n"
	      "      --simtime            run on simulated time\n"
	      "      --threads N          run N worker threads (default 1)\n"
	      "      --stats              print accounting (per virtual node, per element) at the end\n"
	      "      --stats-format FMT   'table' (default) or 'prometheus' (implies --stats)\n"
	      "      --help               print this message\n"
	      "      --version            print the version\n"
	      "NAME=VALUE overrides define($NAME ...) in the configuration.\n", out);
}

/* 0 to go on, 1 when an informational option was handled, -1 on error. */
static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "file", required_argument, NULL, 'f' },
		{ "expression", required_argument, NULL, 'e' },
		{ "handler", required_argument, NULL, 'h' },
		{ "output", required_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "check", no_argument, NULL, OPT_CHECK },
		{ "flatten", no_argument, NULL, OPT_FLATTEN },
		{ "dot", no_argument, NULL, OPT_DOT },
		{ "node", no_argument, NULL, OPT_NODE },
		{ "elements", no_argument, NULL, OPT_ELEMENTS },
		{ "simtime", no_argument, NULL, OPT_SIMTIME },
		{ "threads", required_argument, NULL, OPT_THREADS },
		{ "stats", no_argument, NULL, OPT_STATS },
		{ "stats-format", required_argument, NULL, OPT_STATS_FORMAT },
		{ "help", no_argument, NULL, OPT_HELP },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	memset(o, 0, sizeof *o);
	o->threads = 1;
	o->handlers = calloc((size_t)argc + 1, sizeof *o->handlers);
	o->overrides = calloc((size_t)argc + 1, sizeof *o->overrides);
	while ((c = getopt_long(argc, argv, "f:e:h:o:q", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': o->file = optarg; break;
		case 'e': o->expr = optarg; break;
		case 'h': o->handlers[o->nhandlers++] = optarg; break;
		case 'o': o->output = optarg; break;
		case 'q': o->quiet = true; break;
		case OPT_CHECK: o->check = true; break;
		case OPT_FLATTEN: o->flatten = true; break;
		case OPT_DOT: o->dot = true; break;
		case OPT_NODE: o->node = true; break;
		case OPT_ELEMENTS: o->elements = true; break;
		case OPT_SIMTIME: o->simtime = true; break;
		case OPT_THREADS: {
			char *end;
			long n = strtol(optarg, &end, 10);
			if (*end || n < 1 || n > 256) {
				fprintf(stderr, "cabo: --threads: expected a number from 1 to 256, got '%s'\n", optarg);
				return -1;
			}
			o->threads = (unsigned)n;
			break;
		}
		case OPT_STATS: o->stats = true; break;
		case OPT_STATS_FORMAT:
			o->stats = true;
			if (strcmp(optarg, "table") == 0) {
				o->stats_format = CABO_STATS_TABLE;
			} else if (strcmp(optarg, "prometheus") == 0) {
				o->stats_format = CABO_STATS_PROMETHEUS;
			} else {
				fprintf(stderr, "cabo: --stats-format: expected 'table' or 'prometheus', got '%s'\n", optarg);
				return -1;
			}
			break;
		case OPT_HELP: usage(stdout); return 1;
		case OPT_VERSION: printf("cabo %s\n", PACKAGE_VERSION); return 1;
		default: usage(stderr); return -1;
		}
	}
	for (int i = optind; i < argc; i++) {
		if (strchr(argv[i], '=') && argv[i][0] != '=') {
			o->overrides[o->noverrides++] = argv[i];
		} else if (o->file) {
			fprintf(stderr, "cabo: too many configuration files ('%s')\n", argv[i]);
			return -1;
		} else {
			o->file = argv[i];
		}
	}
	if (o->file && o->expr) {
		fputs("cabo: give either a FILE or -e EXPR, not both\n", stderr);
		return -1;
	}
	if (o->node && !o->check && !o->flatten && !o->dot) {
		fputs("cabo: --node goes with --check, --flatten or --dot: a virtual node runs "
		      "inside its host's VirtualNode\n", stderr);
		return -1;
	}
	if (o->threads > 1 && o->simtime) {
		fputs("cabo: --simtime runs on one worker thread (leave out --threads)\n", stderr);
		return -1;
	}
	return 0;
}

static char *read_stream(FILE *f)
{
	struct cabo_strbuf sb = CABO_STRBUF_INIT;
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		cabo_strbuf_append(&sb, buf, n);
	return cabo_strbuf_release(&sb);
}

static bool is_element_class(const char *name, void *arg)
{
	return cabo_element_class_find(name) != NULL;
}

/* Parses the configuration; *text receives the source as written. */
static int load_config(const struct options *o, struct cabo_config *config, char **text,
		       struct cabo_errh *errh)
{
	struct cabo_config_options copt = {
		.overrides = o->overrides, .noverrides = o->noverrides, .is_class = is_element_class,
		.interfaces = o->node,
	};
	if (o->expr) {
		*text = cabo_xstrdup(o->expr);
		return cabo_config_parse_string(o->expr, "<expr>", &copt, config, errh);
	}
	if (!o->file || strcmp(o->file, "-") == 0) {
		*text = read_stream(stdin);
		return cabo_config_parse_string(*text, "<stdin>", &copt, config, errh);
	}
	FILE *f = fopen(o->file, "r");
	if (!f) {
		*text = NULL;
		return cabo_errh_error(errh, "%s: %m", o->file);
	}
	*text = read_stream(f);
	fclose(f);
	return cabo_config_parse_string(*text, o->file, &copt, config, errh);
}

static int write_text(const char *path, const char *text)
{
	FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
	if (!f) {
		fprintf(stderr, "cabo: %s: %m\n", path);
		return -1;
	}
	fputs(text, f);
	if (f != stdout && fclose(f) != 0) {
		fprintf(stderr, "cabo: %s: %m\n", path);
		return -1;
	}
	return 0;
}

static void list_classes(void)
{
	for (unsigned i = 0; i < cabo_nelement_classes; i++)
		printf("%s\n", cabo_element_classes[i]->name);
}

/* Click's -h output: with several handlers, each value follows a
 * "name:" line and ends with a blank line. */
static int print_handlers(struct cabo_router *r, const struct options *o, struct cabo_errh *errh)
{
	int status = 0;
	bool names = o->nhandlers > 1;
	for (unsigned i = 0; i < o->nhandlers; i++) {
		struct cabo_strbuf value = CABO_STRBUF_INIT;
		if (cabo_router_read(r, o->handlers[i], &value, errh) < 0) {
			status = -1;
		} else {
			if (names)
				printf("%s:\n", o->handlers[i]);
			fputs(cabo_strbuf_str(&value), stdout);
			if (!value.length || value.data[value.length - 1] != '\n')
				putchar('\n');
			if (names)
				putchar('\n');
		}
		cabo_strbuf_free(&value);
	}
	fflush(stdout);
	return status;
}

static int run(const struct options *o, struct cabo_config *config, const char *text,
	       struct cabo_errh *errh)
{
	struct cabo_master *master = cabo_master_new(o->threads, o->simtime, 0);
	struct cabo_router_options ropt = { .name = "", .configure_only = o->check, .thread = 0 };
	struct cabo_router *r = cabo_router_build(master, config, text, &ropt, errh);
	if (!r) {
		cabo_master_destroy(master);
		return 1;
	}
	int status = 0;
	if (!o->check) {
		running_master = master;
		cabo_master_attach(master, r);
		status = cabo_master_run(master);
		running_master = NULL;
		if (print_handlers(r, o, errh) < 0)
			status = 1;
		if (o->stats)
			cabo_stats_print(stdout, r, o->stats_format);
	}
	if (r->failed_vnodes && !status)
		status = 1;
	cabo_router_destroy(r);
	cabo_master_destroy(master);
	return status;
}

int main(int argc, char **argv)
{
	struct options o;
	int parsed = parse_options(argc, argv, &o);
	if (parsed != 0) { /* an error, or --help / --version done */
		free(o.handlers);
		free(o.overrides);
		return parsed < 0 ? 1 : 0;
	}
	if (o.elements) {
		list_classes();
		free(o.handlers);
		free(o.overrides);
		return 0;
	}
	struct cabo_errh errh;
	cabo_errh_init(&errh, stderr);
	errh.quiet_warnings = o.quiet; /* errors always print */

	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	struct cabo_config config;
	memset(&config, 0, sizeof config);
	char *text = NULL;
	int status = load_config(&o, &config, &text, &errh) < 0 ? 1 : 0;
	if (status == 0 && o.output) {
		char *flat = cabo_config_unparse(&config);
		status = write_text(o.output, flat) < 0;
		free(flat);
	}
	if (status == 0 && (o.flatten || o.dot)) {
		char *out = o.flatten ? cabo_config_unparse(&config) : cabo_config_dot(&config);
		fputs(out, stdout);
		free(out);
	} else if (status == 0) {
		status = run(&o, &config, text, &errh);
	}
	cabo_config_free(&config);
	free(text);
	free(o.handlers);
	free(o.overrides);
	cabo_errh_destroy(&errh);
	return status;
}
