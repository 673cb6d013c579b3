/* Configuration parser: good configurations are checked by their flattened
 * text (which must also parse back to itself), bad ones by their messages.
 * Most broken configurations live in tests/parser/ as test files; the ones
 * here need options, several files or a generated text. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "config.h"
#include "strbuf.h"

/* Parses text as "t.click": the flat text on success, else the messages. */
static char *parse(const char *text, const struct cabo_config_options *opt, bool *ok)
{
	struct cabo_errh errh;
	struct cabo_config c;
	cabo_errh_init(&errh, NULL);
	*ok = cabo_config_parse_string(text, "t.click", opt, &c, &errh) == 0;
	CHECK(*ok == !errh.nerrors);
	char *out = *ok ? cabo_config_unparse(&c) : cabo_xstrdup(cabo_strbuf_str(&errh.log));
	cabo_config_free(&c);
	cabo_errh_destroy(&errh);
	return out;
}

/* Flat text must flatten to itself. */
static void check_round_trip(const char *flat)
{
	bool ok;
	char *again = parse(flat, NULL, &ok);
	CHECK_STR(again, flat);
	free(again);
}

#define EXPECT_OPT(text, opt, want)                                          \
	do {                                                                 \
		bool parsed_;                                                \
		char *text_ = parse(text, opt, &parsed_);                    \
		CHECK_STR(text_, want);                                      \
		if (parsed_)                                                 \
			check_round_trip(text_);                             \
		free(text_);                                                 \
	} while (0)
#define EXPECT(text, want) EXPECT_OPT(text, NULL, want)

/* ---- Declarations and connections ---- */

static void test_basics(void)
{
	EXPECT("src :: InfiniteSource(LIMIT 5) -> c :: Counter -> Discard;\n"
	       "a, b :: Queue(10)\n"
	       "c [0] -> a\n"
	       "Idle -> [1] b [2] -> Discard;",
	       "src :: InfiniteSource(LIMIT 5);\n"
	       "c :: Counter;\n"
	       "Discard@3 :: Discard;\n"
	       "a :: Queue(10);\n"
	       "b :: Queue(10);\n"
	       "Idle@6 :: Idle;\n"
	       "Discard@7 :: Discard;\n"
	       "\n"
	       "src -> c;\n"
	       "c -> Discard@3;\n"
	       "c -> a;\n"
	       "b [2] -> Discard@7;\n"
	       "Idle@6 -> [1] b;\n");
	/* No connections, no blank line; repeated connections count once. */
	EXPECT("a :: Idle; b :: Discard; a -> b; a -> b;",
	       "a :: Idle;\nb :: Discard;\n\na -> b;\n");
	EXPECT("x :: Idle", "x :: Idle;\n");
	EXPECT("", "");
	/* A hand-made `Class@N` name pushes the generated one along. */
	EXPECT("Idle -> Discard; Idle@1 :: Idle;",
	       "Idle@2 :: Idle;\nDiscard@2 :: Discard;\nIdle@1 :: Idle;\n\nIdle@2 -> Discard@2;\n");
	/* Declared later than used: reported once, not twice. */
	EXPECT("a :: Idle; a -> b; a -> b; b :: Discard;",
	       "t.click:1: undeclared element 'b'\n");
}

static void test_config_strings(void)
{
	EXPECT("a :: Print(\"x)\" , ')' /* c) */ , \\<48 45>, (n (e) st)) // end)\n;",
	       "a :: Print(\"x)\" , ')'   , \\<48 45>, (n (e) st));\n");
	EXPECT("a :: Print(two\nlines // gone)\n);", "a :: Print(two\nlines  \n);\n");
}

/* Line ends of every kind count once, inside strings too; directives move
 * the locations, and a `#` elsewhere is no directive. */
static void test_lines(void)
{
	EXPECT("a :: Print(\"x\r\ny\", \\<41\n42>)\r\n\rb -> c;\n",
	       "t.click:5: undeclared element 'b'\n"
	       "t.click:5: undeclared element 'c'\n");
	EXPECT("a :: Idle;\n# 7 \"x\\\"y.click\"\nb -> a;\n# 2 \"\"\nc -> a;",
	       "x\"y.click:7: undeclared element 'b'\n"
	       "t.click:2: undeclared element 'c'\n");
	EXPECT("a :: Print(1,\n# 9\n2)\nb -> a;",
	       "t.click:10: undeclared element 'b'\n");
	EXPECT("a :: Idle; # 3\n", "t.click:1: syntax error near '#'\n");
}

static void test_many_to_many(void)
{
	EXPECT("c :: Classifier(12/0800, -);\n"
	       "c [0,1] => Paint(1), Paint(2) -> d :: Discard;\n"
	       "s :: Idle; s => c2 :: Counter, c3 :: Counter;\n"
	       "s2, s3 :: Idle; s2, s3 -> c3;",
	       "c :: Classifier(12/0800, -);\n"
	       "Paint@2 :: Paint(1);\n"
	       "Paint@3 :: Paint(2);\n"
	       "d :: Discard;\n"
	       "s :: Idle;\n"
	       "c2 :: Counter;\n"
	       "c3 :: Counter;\n"
	       "s2 :: Idle;\n"
	       "s3 :: Idle;\n"
	       "\n"
	       "c -> Paint@2;\n"
	       "c [1] -> Paint@3;\n"
	       "Paint@2 -> d;\n"
	       "Paint@3 -> d;\n"
	       "s -> c2;\n"
	       "s [1] -> c3;\n"
	       "s2 -> c3;\n"
	       "s3 -> c3;\n");
}

/* Real Click configurations parse unchanged (from Click's conf/, abridged):
 * a compound with formals on their own line, shared declarations, ports
 * without spaces, a \<...> block with comments inside, comments in
 * configuration strings. */
static void test_click_configs(void)
{
	EXPECT("// From Click's conf/: mazu-nat.click and fake-iprouter.click, abridged.\n"
	       "AddressInfo(\n"
	       "  intern \t10.0.0.1\t10.0.0.0/8\t00:50:ba:85:84:a9,\n"
	       "  extern\t209.6.198.213\t209.6.198.0/24\t00:e0:98:09:ab:af\n"
	       ");\n"
	       "elementclass GatewayDevice {\n"
	       "  $device |\n"
	       "  from :: FromDevice($device)\n"
	       "\t-> output;\n"
	       "  input -> q :: Queue(1024)\n"
	       "\t-> to :: ToDevice($device);\n"
	       "  ScheduleInfo(from .1, to 1);\n"
	       "}\n"
	       "extern_dev :: GatewayDevice(extern:eth);\n"
	       "extern_arp_class, intern_arp_class\n"
	       "\t:: Classifier(12/0806 20/0001, 12/0806 20/0002, 12/0800, -);\n"
	       "intern_arpq :: ARPQuerier(intern);\n"
	       "extern_dev -> extern_arp_class;\n"
	       "extern_arp_class[0] -> ARPResponder(extern)\t// ARP queries\n"
	       "\t-> extern_dev;\n"
	       "intern_arp_class[1] -> intern_arpr_t :: Tee;\n"
	       "\tintern_arpr_t[1] -> [1]intern_arpq;\n"
	       "InfiniteSource(DATA \\<\n"
	       "  // Ethernet header\n"
	       "  00 00 c0 ae 67 ef  00 00 00 00 00 00  08 00\n"
	       ">, LIMIT 600000, BURST 5, STOP true) -> [0]extern_arp_class;\n"
	       "rw :: IPRewriter(// internal traffic to outside world\n"
	       "\t\t pattern to_world_pat 0 1,\n"
	       "\t\t nochange 0);\n",
	       "AddressInfo@1 :: AddressInfo(\n"
	       "  intern \t10.0.0.1\t10.0.0.0/8\t00:50:ba:85:84:a9,\n"
	       "  extern\t209.6.198.213\t209.6.198.0/24\t00:e0:98:09:ab:af\n"
	       ");\n"
	       "extern_dev/from :: FromDevice(extern:eth);\n"
	       "extern_dev/q :: Queue(1024);\n"
	       "extern_dev/to :: ToDevice(extern:eth);\n"
	       "extern_dev/ScheduleInfo@4 :: ScheduleInfo(from .1, to 1);\n"
	       "extern_arp_class :: Classifier(12/0806 20/0001, 12/0806 20/0002, 12/0800, -);\n"
	       "intern_arp_class :: Classifier(12/0806 20/0001, 12/0806 20/0002, 12/0800, -);\n"
	       "intern_arpq :: ARPQuerier(intern);\n"
	       "ARPResponder@6 :: ARPResponder(extern);\n"
	       "intern_arpr_t :: Tee;\n"
	       "InfiniteSource@8 :: InfiniteSource(DATA \\<\n"
	       "  // Ethernet header\n"
	       "  00 00 c0 ae 67 ef  00 00 00 00 00 00  08 00\n"
	       ">, LIMIT 600000, BURST 5, STOP true);\n"
	       "rw :: IPRewriter( \n"
	       "\t\t pattern to_world_pat 0 1,\n"
	       "\t\t nochange 0);\n"
	       "\n"
	       "extern_dev/from -> extern_arp_class;\n"
	       "extern_dev/q -> extern_dev/to;\n"
	       "extern_arp_class -> ARPResponder@6;\n"
	       "intern_arp_class [1] -> intern_arpr_t;\n"
	       "ARPResponder@6 -> extern_dev/q;\n"
	       "intern_arpr_t [1] -> [1] intern_arpq;\n"
	       "InfiniteSource@8 -> extern_arp_class;\n");
}

/* ---- Compound elements ---- */

static void test_compounds(void)
{
	EXPECT("elementclass Shaped { $rate |\n"
	       "  input -> q :: Queue -> s :: Shaper($rate) -> output;\n"
	       "  input [1] -> q;\n"
	       "}\n"
	       "elementclass Pair {\n"
	       "  input -> Counter -> [0] output;\n"
	       "  input -> Counter -> [1] output;\n"
	       "}\n"
	       "src :: InfiniteSource -> sh :: Shaped(1000);\n"
	       "Idle -> [1] sh;\n"
	       "sh -> p :: Pair;\n"
	       "p [0] -> Discard;\n"
	       "p [1] -> Discard;\n"
	       "Idle -> { input -> output } -> Discard;\n",
	       "src :: InfiniteSource;\n"
	       "sh/q :: Queue;\n"
	       "sh/s :: Shaper(1000);\n"
	       "Idle@3 :: Idle;\n"
	       "p/Counter@1 :: Counter;\n"
	       "p/Counter@2 :: Counter;\n"
	       "Discard@5 :: Discard;\n"
	       "Discard@6 :: Discard;\n"
	       "Idle@7 :: Idle;\n"
	       "Discard@9 :: Discard;\n"
	       "\n"
	       "src -> sh/q;\n"
	       "sh/q -> sh/s;\n"
	       "sh/s -> p/Counter@1;\n"
	       "sh/s -> p/Counter@2;\n"
	       "Idle@3 -> sh/q;\n"
	       "p/Counter@1 -> Discard@5;\n"
	       "p/Counter@2 -> Discard@6;\n"
	       "Idle@7 -> Discard@9;\n");
	/* Nested classes are local; variables are scoped lexically. */
	EXPECT("elementclass Outer { $x |\n"
	       "  define($y $x-y);\n"
	       "  elementclass Inner { $z | input -> Paint($x, $y, $z) -> output }\n"
	       "  input -> Inner(9) -> output;\n"
	       "}\n"
	       "Idle -> o :: Outer(5) -> Discard; Idle -> Inner -> Discard;",
	       "Idle@1 :: Idle;\n"
	       "o/Inner@1/Paint@1 :: Paint(5, 5-y, 9);\n"
	       "Discard@3 :: Discard;\n"
	       "Idle@4 :: Idle;\n"
	       "Inner@5 :: Inner;\n"
	       "Discard@6 :: Discard;\n"
	       "\n"
	       "Idle@1 -> o/Inner@1/Paint@1;\n"
	       "o/Inner@1/Paint@1 -> Discard@3;\n"
	       "Idle@4 -> Inner@5;\n"
	       "Inner@5 -> Discard@6;\n");
	/* A class used inside its own redefinition is the earlier one. */
	EXPECT("elementclass Queue { input -> Queue(5) -> Shaper -> output }\n"
	       "Idle -> Queue -> Discard;",
	       "Idle@1 :: Idle;\n"
	       "Queue@2/Queue@1 :: Queue(5);\n"
	       "Queue@2/Shaper@2 :: Shaper;\n"
	       "Discard@3 :: Discard;\n"
	       "\n"
	       "Idle@1 -> Queue@2/Queue@1;\n"
	       "Queue@2/Queue@1 -> Queue@2/Shaper@2;\n"
	       "Queue@2/Shaper@2 -> Discard@3;\n");
}

static void test_overloading(void)
{
	EXPECT("elementclass Q {\n"
	       "  input -> Queue -> output\n"
	       "|| $cap | input -> Queue($cap) -> output\n"
	       "|| $cap, $rate | input -> Queue($cap) -> Shaper($rate) -> output\n"
	       "|| input -> Queue -> output; input [1] -> Discard\n"
	       "}\n"
	       "Idle -> Q -> Discard;\n"
	       "Idle -> Q(5, 100) -> Discard;\n"
	       "q :: Q; Idle -> q -> Discard; Idle -> [1] q;\n"
	       "elementclass MyQ Q;\n"
	       "Idle -> MyQ(7) -> Discard;\n",
	       "Idle@1 :: Idle;\n"
	       "Q@2/Queue@1 :: Queue;\n"
	       "Discard@3 :: Discard;\n"
	       "Idle@4 :: Idle;\n"
	       "Q@5/Queue@1 :: Queue(5);\n"
	       "Q@5/Shaper@2 :: Shaper(100);\n"
	       "Discard@6 :: Discard;\n"
	       "q/Queue@1 :: Queue;\n"
	       "q/Discard@2 :: Discard;\n"
	       "Idle@8 :: Idle;\n"
	       "Discard@9 :: Discard;\n"
	       "Idle@10 :: Idle;\n"
	       "Idle@11 :: Idle;\n"
	       "MyQ@12/Queue@1 :: Queue(7);\n"
	       "Discard@13 :: Discard;\n"
	       "\n"
	       "Idle@1 -> Q@2/Queue@1;\n"
	       "Q@2/Queue@1 -> Discard@3;\n"
	       "Idle@4 -> Q@5/Queue@1;\n"
	       "Q@5/Queue@1 -> Q@5/Shaper@2;\n"
	       "Q@5/Shaper@2 -> Discard@6;\n"
	       "q/Queue@1 -> Discard@9;\n"
	       "Idle@8 -> q/Queue@1;\n"
	       "Idle@10 -> q/Discard@2;\n"
	       "Idle@11 -> MyQ@12/Queue@1;\n"
	       "MyQ@12/Queue@1 -> Discard@13;\n");
	/* `...` falls back on the primitive class; synonyms of primitives. */
	EXPECT("elementclass Tee { $a, $b |\n"
	       "  input -> t :: Tee($a) -> output; t [1] -> Print($b) -> [1] output || ... }\n"
	       "Idle -> Tee(2) -> Discard;\n"
	       "x :: Tee(2, hello); Idle -> x -> Discard; x [1] -> Discard;\n"
	       "elementclass Prim Counter; Idle -> Prim(1) -> Discard;",
	       "Idle@1 :: Idle;\n"
	       "Tee@2 :: Tee(2);\n"
	       "Discard@3 :: Discard;\n"
	       "x/t :: Tee(2);\n"
	       "x/Print@2 :: Print(hello);\n"
	       "Idle@5 :: Idle;\n"
	       "Discard@6 :: Discard;\n"
	       "Discard@7 :: Discard;\n"
	       "Idle@8 :: Idle;\n"
	       "Prim@9 :: Counter(1);\n"
	       "Discard@10 :: Discard;\n"
	       "\n"
	       "Idle@1 -> Tee@2;\n"
	       "Tee@2 -> Discard@3;\n"
	       "x/t -> Discard@6;\n"
	       "x/t [1] -> x/Print@2;\n"
	       "x/Print@2 -> Discard@7;\n"
	       "Idle@5 -> x/t;\n"
	       "Idle@8 -> Prim@9;\n"
	       "Prim@9 -> Discard@10;\n");
	EXPECT("elementclass F { $a | input -> output || $a, $b | input -> output }\n"
	       "Idle -> F -> Discard;",
	       "t.click:2: no match for 'F[1 input, 1 output]'\n"
	       "t.click:2: candidates are:\n"
	       "t.click:1:   F(<arg>)[1 input, 1 output]\n"
	       "t.click:1:   F(<arg>, <arg>)[1 input, 1 output]\n");
}

/* ---- Variables ---- */

static void test_variables(void)
{
	EXPECT("define($DEV eth0, $MSG \"a b\", $A $B, $B b);\n"
	       "Print($DEV, \"$MSG\", '$DEV', ${DEV}x, ${NO-dflt}, $NO, $A) -> Discard;",
	       "Print@1 :: Print(eth0, \"\\\"a b\\\"\", '$DEV', eth0x, dflt, $NO, b);\n"
	       "Discard@2 :: Discard;\n"
	       "\n"
	       "Print@1 -> Discard@2;\n");
	EXPECT("elementclass Src { $n, COUNT $c, __REST__ $rest |\n"
	       "  InfiniteSource($n, $c, $rest) -> output }\n"
	       "a :: Src(1, COUNT 3, 2, FOO 4) -> Discard;",
	       "a/InfiniteSource@1 :: InfiniteSource(1, 3, 2, FOO 4);\n"
	       "Discard@2 :: Discard;\n"
	       "\n"
	       "a/InfiniteSource@1 -> Discard@2;\n");
	/* Definitions are simultaneous; a loop is an error. */
	EXPECT("Print($a, ${b}); define($a 1, $b $c$a, $c 2);",
	       "Print@1 :: Print(1, 21);\n");
	EXPECT("Print($a);\ndefine($a <$a>);",
	       "t.click:1: variables nested more than 10 deep (does one refer to itself?)\n");
	/* Substitution must not make a comment, nor unbalance parentheses. */
	EXPECT("define($S /, $P \"(\"); Print($S/x) -> Print($P) -> Print(\"$P\");",
	       "t.click:1: configuration string malformed after substituting variables\n");
	const char *over[] = { "N=11", "$NEW=x", "bad" };
	struct cabo_config_options opt = { .overrides = over, .noverrides = 2 };
	EXPECT_OPT("define($N 10); Print($N, $NEW);", &opt, "Print@1 :: Print(11, x);\n");
	opt.noverrides = 3;
	EXPECT_OPT("Idle", &opt, "bad definition 'bad' (expected NAME=VALUE)\n");
}

/* ---- The element table ---- */

static bool is_class(const char *name, void *arg)
{
	(void)arg;
	return strcmp(name, "Counter") == 0 || strcmp(name, "idle") == 0;
}

static void test_element_table(void)
{
	struct cabo_config_options opt = { .is_class = is_class };
	EXPECT_OPT("idle -> Counter -> X", &opt,
		   "t.click:1: undeclared element 'X'\n");
	EXPECT_OPT("Counter :: Counter", &opt,
		   "t.click:1: class 'Counter' used as element name\n");
	EXPECT_OPT("elementclass X { input -> output || ... }", &opt,
		   "t.click:1: cannot extend unknown element class 'X'\n");
	EXPECT_OPT("idle -> Counter", &opt,
		   "idle@1 :: idle;\nCounter@2 :: Counter;\n\nidle@1 -> Counter@2;\n");
}

/* ---- Files ---- */

/* A scratch directory with main.click and lib.click. */
struct files {
	char dir[64];
	char *main, *lib;
};

static void files_open(struct files *f)
{
	strcpy(f->dir, "/tmp/cabo-test-config-XXXXXX");
	CHECK(mkdtemp(f->dir) != NULL);
	f->main = cabo_xasprintf("%s/main.click", f->dir);
	f->lib = cabo_xasprintf("%s/lib.click", f->dir);
}

static void files_close(struct files *f)
{
	unlink(f->main);
	unlink(f->lib);
	rmdir(f->dir);
	free(f->main);
	free(f->lib);
}

static void write_bytes(const char *path, const char *data, size_t len)
{
	FILE *out = fopen(path, "w");
	CHECK(out != NULL);
	if (out) {
		fwrite(data, 1, len, out);
		fclose(out);
	}
}

static void write_file(const char *path, const char *text)
{
	write_bytes(path, text, strlen(text));
}

/* Like EXPECT, from main.click; takes want. */
static void check_file(const struct files *f, char *want)
{
	struct cabo_errh errh;
	struct cabo_config c;
	cabo_errh_init(&errh, NULL);
	int r = cabo_config_parse_file(f->main, NULL, &c, &errh);
	char *got = r == 0 ? cabo_config_unparse(&c) : cabo_xstrdup(cabo_strbuf_str(&errh.log));
	CHECK_STR(got, want);
	free(got);
	free(want);
	cabo_config_free(&c);
	cabo_errh_destroy(&errh);
}

static void test_library(void)
{
	struct files f;
	files_open(&f);
	write_file(f.lib, "elementclass Twice { input -> Counter -> Counter -> output }\n"
			  "bad -> Discard;\n");
	write_file(f.main, "require(library lib.click, package \"x\", fast);\n"
			   "require(library lib.click);\n"
			   "Idle -> Twice -> Discard;\n"
			   "# 40 \"other.click\"\n"
			   "x -> Discard;\n");
	check_file(&f, cabo_xasprintf("%s:2: undeclared element 'bad'\n"
				      "other.click:40: undeclared element 'x'\n", f.lib));

	write_file(f.lib, "elementclass Twice { input -> Counter -> Counter -> output }\n");
	write_file(f.main, "require(library lib.click, package \"x\", fast);\n"
			   "Idle -> t :: Twice -> Discard;\n");
	check_file(&f, cabo_xstrdup("Idle@1 :: Idle;\n"
				    "t/Counter@1 :: Counter;\n"
				    "t/Counter@2 :: Counter;\n"
				    "Discard@3 :: Discard;\n\n"
				    "Idle@1 -> t/Counter@1;\n"
				    "t/Counter@1 -> t/Counter@2;\n"
				    "t/Counter@2 -> Discard@3;\n"));

	/* Landmarks, anonymity and requirements in the structure itself. */
	struct cabo_errh errh;
	struct cabo_config c;
	cabo_errh_init(&errh, NULL);
	CHECK(cabo_config_parse_file(f.main, NULL, &c, &errh) == 0);
	CHECK(cabo_config_find(&c, "t/Counter@2") == 2);
	CHECK(cabo_config_find(&c, "t") == -1);
	CHECK(c.ndecls == 4 && c.nconns == 3 && c.nrequirements == 2);
	if (c.ndecls == 4 && c.nconns == 3 && c.nrequirements == 2) {
		CHECK_STR(c.decls[0].where.file, f.main);
		CHECK(c.decls[0].where.line == 2 && c.decls[0].anonymous);
		CHECK_STR(c.decls[1].where.file, f.lib);
		CHECK(c.decls[1].where.line == 1);
		CHECK(c.conns[1].from == 1 && c.conns[1].to == 2 && c.conns[1].where.line == 1);
		CHECK_STR(c.requirements[0], "package \"x\"");
		CHECK_STR(c.requirements[1], "fast");
	}
	cabo_config_free(&c);
	cabo_errh_destroy(&errh);
	files_close(&f);
}

static void test_bad_files(void)
{
	struct files f;
	files_open(&f);
	/* Configuration strings are C strings: a NUL byte is an error. */
	static const char nul[] = "p :: Print(a\0b);\np -> Discard;\n";
	write_bytes(f.main, nul, sizeof nul - 1);
	check_file(&f, cabo_xasprintf("%s:1: NUL character in configuration string\n", f.main));
	unlink(f.main);
	check_file(&f, cabo_xasprintf("%s: No such file or directory\n", f.main));
	files_close(&f);
}

/* ---- Errors ---- */

static void test_errors(void)
{
	/* Every error is reported, each once. */
	EXPECT("a :: Idle;\n"
	       "a -> % Discard;\n"
	       "b :: Idle; b :: Idle;\n"
	       "c [x] -> Discard\n"
	       "input -> Discard\n",
	       "t.click:2: syntax error near '%'\n"
	       "t.click:3: redeclaration of element 'b'\n"
	       "t.click:3: 'b' previously declared here\n"
	       "t.click:4: syntax error: port number should be integer\n"
	       "t.click:4: undeclared element 'c'\n"
	       "t.click:5: 'input' used outside a compound element\n");
	/* Ports used outside but not inside, and the other way round. */
	EXPECT("elementclass F { input -> Counter -> output; input [1] -> Discard }\n"
	       "f :: F; Idle -> [2] f; f [1] -> Discard;",
	       "t.click:2: 'f' input 0 unused\n"
	       "t.click:2: 'f' input 1 unused\n"
	       "t.click:2: 'f' has no input 2\n"
	       "t.click:2: 'f' output 0 unused\n"
	       "t.click:2: 'f' has no output 1\n");
}

/* Deep nesting and runaway expansion end with an error, not a crash. */
static void test_limits(void)
{
	struct cabo_strbuf sb = CABO_STRBUF_INIT;
	for (int i = 0; i < 10000; i++)
		cabo_strbuf_puts(&sb, "{");
	bool ok;
	char *got = parse(cabo_strbuf_str(&sb), NULL, &ok);
	CHECK_STR(got, "t.click:1: maximum compound element nesting depth exceeded\n"
		  "t.click:1: unclosed '{'\n");
	free(got);

	/* Each class doubles the previous one: 2^30 elements. */
	cabo_strbuf_clear(&sb);
	cabo_strbuf_puts(&sb, "elementclass C0 { input -> Counter -> output }\n");
	for (int i = 1; i <= 30; i++)
		cabo_strbuf_printf(&sb, "elementclass C%d { input -> C%d -> C%d -> output }\n",
				   i, i - 1, i - 1);
	cabo_strbuf_puts(&sb, "Idle -> C30 -> Discard;\n");
	got = parse(cabo_strbuf_str(&sb), NULL, &ok);
	CHECK_STR(got, "t.click:1: configuration too large after expanding compound elements\n");
	free(got);

	cabo_strbuf_clear(&sb);
	cabo_strbuf_puts(&sb, "define($a0 xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
	for (int i = 1; i <= 8; i++)
		cabo_strbuf_printf(&sb, ", $a%d $a%d$a%d$a%d$a%d", i, i - 1, i - 1, i - 1, i - 1);
	cabo_strbuf_puts(&sb, ");\nPrint($a8);\n");
	got = parse(cabo_strbuf_str(&sb), NULL, &ok);
	CHECK_STR(got, "t.click:2: configuration string too long after substituting variables\n");
	free(got);
	cabo_strbuf_free(&sb);
}

int main(void)
{
	test_basics();
	test_config_strings();
	test_lines();
	test_many_to_many();
	test_click_configs();
	test_compounds();
	test_overloading();
	test_variables();
	test_element_table();
	test_library();
	test_bad_files();
	test_errors();
	test_limits();
	return check_result();
}
