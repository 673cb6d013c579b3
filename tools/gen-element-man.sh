#!/bin/sh
# Usage: gen-element-man.sh SRCDIR VERSION FILE...
# Prints cabo-elements(7), built from the doc comment at the top of each
# element file (tags =c =s =ports =processing =d =k =h =e =a).
srcdir=$1
version=$2
shift 2
cat <<HEAD
.TH CABO-ELEMENTS 7 "" "cabo $version" "Cabo Manual"
.SH NAME
cabo-elements \\- the element classes of Cabo
.SH DESCRIPTION
Each element class below lists its synopsis, ports, processing, keywords,
handlers and an example.  Every element also has the handlers
.BR name ", " class ", " config ", " ports ", " handlers
and
.BR drop_reasons .
See
.BR cabo.conf (5)
for the configuration language and
.BR cabo (1)
for the program.
.SH ELEMENTS
HEAD
for f in "$@"; do
	# Only element files: support files in elements/ have no class marker.
	grep -q '^CABO_ELEMENT_CLASS(' "$srcdir/$f" || continue
	awk '
	function esc(s) {
		gsub(/\\/, "\\e", s)
		if (s ~ /^[.\047]/) s = "\\&" s
		return s
	}
	# "name rest" -> name in bold, the rest roman
	function bold_first(s,   name, rest) {
		name = s; sub(/[ \t].*/, "", name)
		rest = substr(s, length(name) + 1)
		return "\\fB" esc(name) "\\fR" esc(rest)
	}
	function close_block() {
		if (mode == "example") print ".RE"
		if (mode == "synopsis" || mode == "example") print ".fi"
	}
	function section(tag, arg) {
		close_block()
		if (tag == "c") { print ".SS \"" name "\""; mode = "synopsis"; kw = hd = 0; print ".nf"; print ".B"; return }
		mode = tag
		if (tag == "s") { mode = "summary"; return }
		if (tag == "ports") { print ".TP\n.B Ports"; return }
		if (tag == "processing") { print ".TP\n.B Processing"; return }
		if (tag == "d") { print ".PP"; return }
		if (tag == "k") { if (!kw) print ".PP\n.B Keywords"; kw = 1; print ".TP\n" bold_first(arg); return }
		if (tag == "h") { if (!hd) print ".PP\n.B Handlers"; hd = 1; print ".TP\n" bold_first(arg); return }
		if (tag == "e") { print ".PP\n.B Example\n.nf\n.RS"; mode = "example"; return }
		if (tag == "a") { print ".PP\n.B See also"; return }
	}
	NR == 1 && !/^\/\*/ { exit }
	/\*\// { close_block(); exit }
	{
		line = $0
		sub(/^\/\*+ ?/, "", line); sub(/^ \* ?/, "", line); sub(/^ \*$/, "", line)
		if (line ~ /^=[a-z]+/) {
			tag = line; sub(/^=/, "", tag); arg = tag; sub(/[ \t].*/, "", tag)
			if (arg == tag) arg = ""; else sub(/^[a-z]+[ \t]+/, "", arg)
			if (tag == "c") { getline nl; sub(/^ \* ?/, "", nl); name = nl; sub(/\(.*/, "", name); section("c"); print esc(nl); next }
			section(tag, arg)
			next
		}
		if (mode == "summary") { if (line != "") print ".PP\n\\fI" esc(line) "\\fR"; next }
		if (line == "" && mode != "example") { print ".PP"; next }
		print esc(line)
	}' "$srcdir/$f"
done
cat <<TAIL
.SH SEE ALSO
.BR cabo (1),
.BR cabo.conf (5)
TAIL
