#!/bin/bash
# Runs testie files: a config, input files and expected output in one readable
# file (the format of Click's testie).  Sections:
#   %info                 free text
#   %script               bash, run in a fresh directory holding the %file files;
#                         exit 77 skips the test.  Without %script the test runs
#                         `$CABO --check FIRSTFILE` and expects it to fail.
#   %file NAME            a file to create
#   %expect stdout|stderr|NAME   expected contents; {{regex}} matches an extended regex
#   %expect status N      expected exit status of the script (default 0)
# Usage: testie.sh FILE.testie...   or   testie.sh --suite FILE.suite
# The suite file lists globs relative to $top_srcdir, one a line.
# Environment: CABO (the cabo binary), CABO_DATA (shared test data), top_srcdir.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
CABO=${CABO:-$top_srcdir/cabo}
CABO_DATA=${CABO_DATA:-$top_srcdir/../shared/data}
TESTIE_TIMEOUT=${TESTIE_TIMEOUT:-120}
export CABO CABO_DATA top_srcdir
PATH=$(dirname "$CABO"):$PATH

# Splits FILE into DIR/sections: files/NAME, script, expect/NAME, status.
split_testie() {
	awk -v dir="$2" '
	function flush() { if (out != "") close(out) }
	/^%(info|script|file|expect|ignore)/ {
		flush()
		n = split($0, w, /[ \t]+/)
		out = ""
		if (w[1] == "%script") out = dir "/script"
		else if (w[1] == "%file") out = dir "/files/" w[2]
		else if (w[1] == "%expect" && w[2] == "status") { print w[3] > (dir "/status"); close(dir "/status"); out = "" }
		else if (w[1] == "%expect") out = dir "/expect/" w[2]
		if (out != "") printf "" > out
		next
	}
	{ if (out != "") print >> out }
	END { flush() }' "$1"
}

# Compares expected (with {{regex}} parts) and actual files line by line.
match_output() {
	awk '
	function quote(s,   out, c, i) {
		out = ""
		for (i = 1; i <= length(s); i++) {
			c = substr(s, i, 1)
			if (index("\\^$.[]|()*+?{}/", c)) out = out "\\" c
			else out = out c
		}
		return out
	}
	function pattern(line,   re, a, b) {
		re = ""
		while ((a = index(line, "{{")) > 0 && (b = index(substr(line, a + 2), "}}")) > 0) {
			re = re quote(substr(line, 1, a - 1)) "(" substr(line, a + 2, b - 1) ")"
			line = substr(line, a + b + 3)
		}
		return "^" re quote(line) "$"
	}
	NR == FNR { want[++nwant] = $0; next }
	{ got[++ngot] = $0 }
	END {
		n = nwant > ngot ? nwant : ngot
		for (i = 1; i <= n; i++) {
			if (i > nwant || i > ngot || (want[i] != got[i] && got[i] !~ pattern(want[i]))) {
				printf "    line %d: expected \"%s\"\n    line %d: got      \"%s\"\n", i, (i > nwant ? "<end>" : want[i]), i, (i > ngot ? "<end>" : got[i])
				exit 1
			}
		}
	}' "$1" "$2"
}

# Runs one testie; prints PASS/FAIL/SKIP; returns 0, 1, or 77.
run_testie() {
	local testie=$1 name dir status expected_status rc=0
	name=${testie#"$top_srcdir"/}
	dir=$(mktemp -d "${TMPDIR:-/tmp}/testie.XXXXXX")
	mkdir -p "$dir/files" "$dir/expect"
	split_testie "$testie" "$dir"
	if [ -f "$dir/script" ]; then
		expected_status=0
	else
		local first
		first=$(cd "$dir/files" && ls | head -n 1)
		printf '"$CABO" --check %s\n' "$first" > "$dir/script"
		expected_status=nonzero
	fi
	[ -f "$dir/status" ] && expected_status=$(cat "$dir/status")
	(cd "$dir/files" && timeout "$TESTIE_TIMEOUT" bash ../script > ../stdout 2> ../stderr)
	status=$?
	if [ $status -eq 77 ]; then
		echo "SKIP: $name"
		rm -rf "$dir"
		return 77
	fi
	local why=""
	if [ "$expected_status" = nonzero ]; then
		[ $status -ne 0 ] || why="expected a non-zero exit status, got 0"
	elif [ "$status" != "$expected_status" ]; then
		why="exit status $status, expected $expected_status"
	fi
	for want in "$dir"/expect/*; do
		[ -e "$want" ] || continue
		local what got
		what=$(basename "$want")
		case $what in
		stdout|stderr) got=$dir/$what ;;
		*) got=$dir/files/$what ;;
		esac
		if [ ! -f "$got" ]; then
			why="$why${why:+; }$what was not created"
		elif ! diff=$(match_output "$want" "$got"); then
			why="$why${why:+; }$what differs:
$diff"
		fi
	done
	if [ -n "$why" ]; then
		echo "FAIL: $name: $why"
		if [ -s "$dir/stderr" ]; then
			echo "    stderr was:"
			head -n 20 "$dir/stderr" | sed 's/^/      /'
		fi
		rc=1
	else
		echo "PASS: $name"
	fi
	rm -rf "$dir"
	return $rc
}

files=()
if [ "${1:-}" = --suite ]; then
	while read -r glob; do
		case $glob in ''|'#'*) continue ;; esac
		for f in $top_srcdir/$glob; do [ -f "$f" ] && files+=("$f"); done
	done < "$2"
else
	files=("$@")
fi
passed=0 failed=0 skipped=0
for f in "${files[@]}"; do
	run_testie "$f"
	case $? in
	0) passed=$((passed + 1)) ;;
	77) skipped=$((skipped + 1)) ;;
	*) failed=$((failed + 1)) ;;
	esac
done
echo "# testies: $passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ] || exit 1
[ $passed -gt 0 ] || [ ${#files[@]} -eq 0 ] || exit 77
exit 0
