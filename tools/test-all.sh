#!/bin/sh
# Sets everything up and runs the whole test suite twice: a plain -Werror
# build and an AddressSanitizer + UndefinedBehaviorSanitizer build.  Ends with
# one summary line: "N passed, N failed, N skipped".
top=$(cd "$(dirname "$0")/.." && pwd)
status=0
run_suite() {
	name=$1
	shift
	echo "== $name build"
	if ! sh "$top/tools/setup.sh" "$top/$name" --enable-werror "$@"; then
		echo "FAIL: $name build"
		echo "build-failed $name" >> "$top/.test-summary"
		status=1
		return
	fi
	(cd "$top/$name" && make -j"$(nproc)" check >/dev/null 2>&1)
	rc=$?
	# One result line per test: single programs from their .trs files, each
	# testie of a suite from the suite's log.
	for trs in "$top/$name"/tests/unit/*.trs "$top/$name"/tests/elements-listed.trs; do
		[ -f "$trs" ] || continue
		result=$(sed -n 's/^:test-result: //p' "$trs")
		[ "$result" = ERROR ] && result=FAIL
		echo "$result: $(basename "$trs" .trs)"
	done | sed "s|^|[$name] |" >> "$top/.test-results"
	for suite in elements parser programs netns confs; do
		log="$top/$name/tests/$suite.log"
		[ -f "$log" ] || continue
		grep -E '^(PASS|FAIL|SKIP): ' "$log" | sed "s|^|[$name] |"
	done | sort -u >> "$top/.test-results"
	grep -E '\] FAIL' "$top/.test-results" | grep "\[$name\]"
	if [ $rc -ne 0 ]; then
		status=1
		sed -n '/^FAIL\|^ERROR/,/^$/p' "$top/$name/test-suite.log" | head -n 200
	fi
}
rm -f "$top/.test-results" "$top/.test-summary"
run_suite build
run_suite build-asan --enable-sanitizers
touch "$top/.test-results"
passed=$(grep -c '\] PASS: ' "$top/.test-results")
failed=$(grep -c '\] FAIL: ' "$top/.test-results")
skipped=$(grep -c '\] SKIP: ' "$top/.test-results")
builds_failed=0
[ -f "$top/.test-summary" ] && builds_failed=$(wc -l < "$top/.test-summary")
failed=$((failed + builds_failed))
[ "$failed" -eq 0 ] || status=1
rm -f "$top/.test-results" "$top/.test-summary"
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
