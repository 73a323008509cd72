# SPDX-License-Identifier: MIT
# Helpers sourced by every end-to-end case file in tests/cli/ (toybox
# style).  Each case runs the real binaries ($BIN is first on PATH) in a
# fresh scratch directory and compares stdout with what is expected.
#
#   testing NAME COMMAND EXPECTED [INPUT [STDIN]]
#     INPUT, if given, is written to the file "input" first; STDIN is fed
#     to the command.  COMMAND runs under sh -c in the scratch directory.
#     Use "; echo rc=$?" or "2>&1" inside COMMAND to check status or
#     messages.  EXPECTED is compared byte for byte (a trailing newline
#     of both is ignored, as with $(...)).
#   skip NAME REASON
#     records a case that cannot run here, with the reason.

: "${BIN:?BIN must name the directory with the built tools}"
PATH="$BIN:$PATH"
export PATH
LC_ALL=C
export LC_ALL
unset STREAMUTILS_FORMAT

TESTDIR=$(cd "$(dirname "$0")" && pwd)
export TESTDIR
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/streamutils-cli.XXXXXX")
trap 'rm -rf "$SCRATCH"' EXIT INT TERM
PASSED=0
FAILED=0
SKIPPED=0
SUITE=$(basename "$0" .sh)

testing() {
	_name=$1 _cmd=$2 _want=$3
	_dir="$SCRATCH/case"
	rm -rf "$_dir" && mkdir -p "$_dir"
	[ $# -ge 4 ] && printf '%s' "$4" >"$_dir/input"
	if [ $# -ge 5 ]; then
		_got=$(cd "$_dir" && printf '%s' "$5" | sh -c "$_cmd" 2>"$_dir/.stderr"; echo x)
	else
		_got=$(cd "$_dir" && sh -c "$_cmd" </dev/null 2>"$_dir/.stderr"; echo x)
	fi
	_got=${_got%x}
	_got=${_got%
}
	_want=${_want%
}
	# A sanitizer report anywhere: in the case's standard error, or in a
	# file a background process wrote its standard error to.
	if [ "$_got" = "$_want" ] && ! grep -rqs -e 'ERROR: [A-Za-z]*Sanitizer' \
	    -e 'runtime error:' "$_dir"; then
		PASSED=$((PASSED + 1))
	else
		FAILED=$((FAILED + 1))
		printf 'FAIL %s: %s\n  command: %s\n' "$SUITE" "$_name" "$_cmd"
		printf -- '--- expected\n%s\n--- got\n%s\n' "$_want" "$_got"
		if [ -s "$_dir/.stderr" ]; then
			printf -- '--- stderr\n'; head -c 2000 "$_dir/.stderr"
		fi
		printf -- '---\n'
	fi
}

skip() {
	SKIPPED=$((SKIPPED + 1))
	printf 'SKIP %s: %s (%s)\n' "$SUITE" "$1" "$2"
}

# Called at the end of each case file.
done_testing() {
	printf '%s: %d passed, %d failed, %d skipped\n' "$SUITE" "$PASSED" \
	    "$FAILED" "$SKIPPED"
	[ "$FAILED" -eq 0 ]
}
