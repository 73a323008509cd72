#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs the examples of the manual pages given as operands and compares
# what they print with what the pages show (make check-examples).
#
# What is an example.  In the EXAMPLES section, a literal display (.Bd
# -literal ... .Ed) whose first line starts with "$ " holds commands and
# their output, and so does a ".Dl $ COMMAND" line (a command alone).
# Displays that do not start with a prompt (a grammar, input shown in
# prose) are not examples.  In a display:
#
#   - "$ " starts a command.  It goes on over the next lines while it is
#     not a whole shell command: a quote is still open, or the line ends
#     in "\" (\e in the source), "|", "&&" or "||".  The lines after it, up
#     to the next "$" line or the end of the display, are what it prints.
#     A "$" alone shows a command that printed nothing.
#   - What a command prints is what a terminal shows: standard output,
#     then standard error from the first line that starts with the name
#     of a program of the command and ": " (stream-agg: ...) to the end.
#     Both are compared, always: a display without messages says that
#     there are none.  Messages are compared program by program in
#     pipeline order, since which of two programs writes first is up to
#     the scheduler.  The exit status is not compared: a failure shows as
#     a message.  A line "..." stands for any number of lines.
#   - "$ cat FILE" followed by lines shows the input of the examples: if
#     no command before it names FILE and FILE does not exist, it is made
#     with those lines (and if the source tree has examples/FILE, the page
#     must show that file); otherwise the command is run and compared like
#     any other.
#   - A display whose lines are folded to fit the page is followed by a
#     note in parentheses that says so: "(one line)." or "(the message
#     on one line).".  In it, a line of output may match several lines of
#     the page joined by nothing or by one space, and the lines of "$ cat
#     FILE.ndjson" are joined until one ends in "}".
#   - Roff escapes are undone: \e is a backslash, \& nothing, \- a minus,
#     \(+- and the like their characters.
#
# How they run.  Each page runs in a fresh directory holding a copy of the
# source tree's examples/, in the order of the page, as one bash script
# (the shell a reader most likely types them into; a page may show
# ${PIPESTATUS[@]}), with the tools of $BIN first on PATH, TZ=UTC, LC_ALL=C,
# no STREAMUTILS_FORMAT and standard input from /dev/null.  Files the prose
# tells the reader to make, as ".Ql COMMAND > FILE" (the excerpt access.log
# of examples/access.log, made with grep), are made by running that
# command where the page says it.  A page that takes longer than
# $CHECK_EXAMPLES_TIMEOUT seconds (default 60) fails.
#
# Commands that cannot end, or whose output depends on the wall clock or
# on a peer, are skipped by the rules in skip_rules below, and so are
# commands that run a program this machine does not have (hexdump, say);
# each skip is printed with its reason.  Examples that fail because of a
# known bug of a tool are listed in known_failures, each with its reason;
# they are reported but do not fail the check, and one that passes does,
# so that the list stays true.
#
# Usage: BIN=/abs/path/build/bin sh tests/check-examples.sh man/*.1 ...
# BIN defaults to build/bin.  Prints a diff for each example whose output
# is not what the page shows and exits 1.

# Commands not run: an extended regular expression matched against the
# command on one line, a tab, and the reason.
skip_rules='(^| )tail +-[fF]( |$)	follows a file until interrupted
(^| )(-F|--follow)( |$)	follows a file until interrupted
(^| )--replay	paced by the wall clock
(^| )--(listen|connect)|(tcp|udp|http)://|(^| )unix:	talks over a socket
(^| )/[A-Za-z]	reads or writes outside the example directory'

# Known failures: the page, a string of the command (on one line, blanks
# squeezed), a tab, and the bug that makes its output differ.
known_failures=''

BIN=${BIN:-build/bin}
here=$(cd "$(dirname "$0")" && pwd)
awkf=$here/check-examples.awk
examples=$here/../examples
timeout=${CHECK_EXAMPLES_TIMEOUT:-60}
tab=$(printf '\t')

if [ $# -eq 0 ]; then
	echo "usage: BIN=DIR sh tests/check-examples.sh PAGE ..." >&2
	exit 2
fi
case $BIN in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
if [ ! -x "$BIN/stream-source" ]; then
	echo "check-examples: no tools in '$BIN' (build them first, or set BIN)"
	exit 1
fi
if ! command -v bash >/dev/null 2>&1; then
	echo "check-examples: bash not found (make deps installs it)"
	exit 1
fi
run_timeout=
command -v timeout >/dev/null 2>&1 && run_timeout="timeout $timeout"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/check-examples.XXXXXX") || exit 1
# A signal ends the check, and the scratch directory goes with it.
trap 'rm -rf "$tmp"' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 141' PIPE
trap 'exit 143' TERM

PATH="$BIN:$PATH"
TZ=UTC
LC_ALL=C
export PATH TZ LC_ALL
unset STREAMUTILS_FORMAT BASH_ENV ENV CDPATH

fail=0
nexamples=0
nskipped=0
nknown=0

say() {
	printf 'check-examples: %s\n' "$*"
}

# skip_why COMMAND PROGRAMS: why COMMAND, which runs PROGRAMS, is not run,
# or nothing.
skip_why() {
	for p in $2; do
		if [ "$p" != - ] && ! command -v "$p" >/dev/null 2>&1; then
			printf '%s is not installed\n' "$p"
			return
		fi
	done
	printf '%s\n' "$skip_rules" | while IFS="$tab" read -r re why; do
		if [ -n "$re" ] && printf '%s\n' "$1" | grep -Eq -e "$re"; then
			printf '%s\n' "$why"
			break
		fi
	done
}

# known PAGE COMMAND: why COMMAND of PAGE is a known failure, or nothing.
known() {
	printf '%s\n' "$known_failures" | while IFS="$tab" read -r kp ks why; do
		if [ -n "$kp" ] && [ "$kp" = "${1##*/}" ]; then
			case $2 in
			*"$ks"*) printf '%s\n' "$why"; break ;;
			esac
		fi
	done
}

# show FILE: FILE indented, for messages.
show() {
	sed 's/^/    /' "$1"
}

# differs WHAT EXPECTED ACTUAL FOLDED: the diff of EXPECTED and ACTUAL.
differs() {
	printf '  %s differs from the page:\n' "$1"
	diff -u "$2" "$3" | sed -e '1s/.*/  --- page/' \
	    -e '2s/.*/  +++ output/' -e '3,$s/^/  /'
	if [ "$4" = 1 ]; then
		echo "  (the display is folded: lines of the page may join)"
	fi
}

# script PLAN WORK: writes PLAN/script.bash, which runs the items of the
# plan in WORK, each in a group with its output in PLAN/ID.got and
# PLAN/ID.goterr.  Nothing runs between two groups, so ${PIPESTATUS[@]}
# and $? still tell about the command before.  An item to skip gets
# PLAN/ID.skip with the reason instead.
script() {
	printf 'cd "%s" || exit 3\n' "$2" >"$1/script.bash"
	while IFS="$tab" read -r id kind LINE wrap file progs cmd; do
		why=$(skip_why "$cmd" "$progs")
		if [ -n "$why" ]; then
			printf '%s\n' "$why" >"$1/$id.skip"
			continue
		fi
		redir="\"$1/$id.got\" 2>\"$1/$id.goterr\""
		if [ "$kind" = cat ]; then
			printf "if [ -e '%s' ]; then " "$file"
			printf '{ %s\n} >%s; ' "$(cat "$1/$id.cmd")" "$redir"
			printf "else cp \"%s\" '%s'; fi\n" "$1/$id.out" "$file"
		else
			printf '{ %s\n} >%s\n' "$(cat "$1/$id.cmd")" "$redir"
		fi
	done <"$1/list" >>"$1/script.bash"
}

# check PAGE PLAN ID KIND WRAP FILE PROGS COMMAND: compares what item ID
# of the plan did with what the page shows, prints what differs and
# returns 1 if it does; counts the item in pex, pskip or nknown.  LINE is
# its line in the page.
check() {
	where=$1:$LINE
	if [ -e "$2/$3.skip" ]; then
		say "$where: skipped ($(cat "$2/$3.skip")): $8"
		pskip=$((pskip + 1))
		return 0
	fi
	if [ "$4" = cat ] && [ ! -e "$2/$3.got" ]; then
		# Made from the page: is it the file of the source tree?
		[ -e "$examples/$6" ] || return 0
		pex=$((pex + 1))
		cmp -s "$examples/$6" "$2/$3.out" && return 0
		say "$where: $6 as shown is not examples/$6:"
		differs "$6" "$2/$3.out" "$examples/$6" 0
		return 1
	fi
	if [ ! -e "$2/$3.got" ]; then
		say "$where: did not run: $8"
		return 1
	fi
	if [ -e "$2/$3.unfinished" ]; then
		say "$where: did not end: $8"
		return 1
	fi
	if [ "$4" = setup ]; then
		[ -s "$2/$3.got" ] || [ -s "$2/$3.goterr" ] || return 0
		say "$where: making $6 as the page says failed: $8"
		cat "$2/$3.got" "$2/$3.goterr" | show -
		return 1
	fi
	pex=$((pex + 1))
	for f in "$2/$3.err" "$2/$3.goterr"; do
		awk -v mode=sortmsg -v progs="$7" -f "$awkf" "$f" >"$f.sorted"
	done
	bad=
	awk -v mode=match -v wrap="$5" -f "$awkf" "$2/$3.out" "$2/$3.got" ||
	    bad=out
	awk -v mode=match -v wrap="$5" -f "$awkf" "$2/$3.err.sorted" \
	    "$2/$3.goterr.sorted" || bad="$bad err"
	[ -n "$bad" ] || return 0
	why=$(known "$1" "$8")
	if [ -n "$why" ]; then
		say "$where: known failure ($why): $8"
		nknown=$((nknown + 1))
		: >"$2/$3.known"
		return 0
	fi
	say "$where: the output is not what the page shows:"
	sed 's/^/  $ /; 2,$s/^  \$ /    /' "$2/$3.cmd"
	case $bad in
	*out*) differs "standard output" "$2/$3.out" "$2/$3.got" "$5" ;;
	esac
	case $bad in
	*err*) differs "standard error" "$2/$3.err.sorted" \
	    "$2/$3.goterr.sorted" "$5" ;;
	esac
	return 1
}

for page in "$@"; do
	name=${page##*/}
	plan=$tmp/$name.plan
	work=$tmp/$name.work
	mkdir -p "$plan" "$work" && cp -R "$examples" "$work/examples" ||
	    exit 1
	if ! awk -v mode=parse -v out="$plan" -f "$awkf" "$page"; then
		fail=1
		continue
	fi

	script "$plan" "$work"
	$run_timeout bash "$plan/script.bash" </dev/null \
	    >"$plan/script.out" 2>&1
	rc=$?
	if [ $rc -eq 124 ] && [ -n "$run_timeout" ]; then
		say "$page: the examples took longer than $timeout seconds"
		# The last item that started is the one that did not end.
		last=
		while IFS="$tab" read -r id rest; do
			[ -e "$plan/$id.got" ] && last=$id
		done <"$plan/list"
		[ -n "$last" ] && : >"$plan/$last.unfinished"
		fail=1
	elif [ $rc -eq 3 ] || [ -s "$plan/script.out" ]; then
		say "$page: the script of the examples failed:"
		show "$plan/script.out"
		fail=1
	fi

	pex=0
	pskip=0
	while IFS="$tab" read -r id kind LINE wrap file progs cmd; do
		check "$page" "$plan" "$id" "$kind" "$wrap" "$file" "$progs" \
		    "$cmd" || fail=1
	done <"$plan/list"

	# A known failure that passes has been fixed: the list must say so.
	printf '%s\n' "$known_failures" >"$plan/known"
	while IFS="$tab" read -r kp ks why; do
		[ "$kp" = "$name" ] || continue
		found=0
		while IFS="$tab" read -r id kind LINE wrap file progs cmd; do
			case $cmd in
			*"$ks"*) [ -e "$plan/$id.known" ] && found=1 ;;
			esac
		done <"$plan/list"
		if [ $found -eq 0 ]; then
			say "$page: known failure '$ks' ($why) passes;" \
			    "take it off known_failures"
			fail=1
		fi
	done <"$plan/known"
	say "$page: $pex examples, $pskip skipped"
	nexamples=$((nexamples + pex))
	nskipped=$((nskipped + pskip))
done

summary="$nexamples examples in $# pages, $nskipped skipped"
[ $nknown -gt 0 ] && summary="$summary, $nknown known failures"
if [ $fail -eq 0 ]; then
	say "$summary, ok"
else
	say "$summary, FAILED"
fi
exit $fail
