#!/bin/sh
# SPDX-License-Identifier: MIT
# Checks the manual pages given as operands (make check-man):
#
#   - mandoc -Tlint -Wwarning reports nothing, and at the style level
#     nothing but references to pages that are not installed;
#   - for each tool in $BIN that has a page man/TOOL.1, every option in
#     TOOL --completion-spec has an item (.It ... Fl -name) in the page, and
#     the SYNOPSIS is the usage line of TOOL --help, option letters and all;
#   - every stream-* tool in $BIN has a page;
#   - cross references to streamutils pages name pages that exist;
#   - the EXIT STATUS table is the same in every page.
#
# Usage: BIN=/abs/path/build/bin sh tests/check-man.sh man/*.1 man/*.5 man/*.7
# BIN defaults to build/bin.  Prints what is wrong and exits 1.

BIN=${BIN:-build/bin}
fail=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/check-man.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

bad() {
	printf 'check-man: %s\n' "$*"
	fail=1
}

if [ $# -eq 0 ]; then
	echo "usage: BIN=DIR sh tests/check-man.sh PAGE ..." >&2
	exit 2
fi
if ! command -v mandoc >/dev/null 2>&1; then
	echo "check-man: mandoc not found (apt-get install mandoc, or make deps)"
	exit 1
fi

# Lint.  Style messages about manuals not installed on this machine
# (our own pages before make install, jq(1) where jq is missing) depend on
# the machine, not on the page, and so do mandoc.db notices.
for page in "$@"; do
	out=$(mandoc -Tlint -Wwarning "$page" 2>&1)
	[ -n "$out" ] && bad "$page: mandoc -Tlint -Wwarning:
$out"
	out=$(mandoc -Tlint "$page" 2>&1 |
	    grep -v -e 'STYLE: referenced manual not found' \
	    -e 'outdated mandoc.db' -e 'WARNING: ')
	[ -n "$out" ] && bad "$page: mandoc -Tlint:
$out"
done

# Cross references to our own pages.
for page in "$@"; do
	sed -n 's/^\.Xr \(stream[-a-z]*\) \([0-9]\).*/\1.\2/p' "$page" |
	    sort -u >"$tmp/xr"
	while read -r ref; do
		found=0
		for p in "$@"; do
			[ "${p##*/}" = "$ref" ] && found=1
		done
		[ $found -eq 1 ] || bad "$page: .Xr to ${ref%.*}(${ref##*.}), which is not among the pages checked"
	done <"$tmp/xr"
done

# The EXIT STATUS table (the .Bl ... .El after .Sh EXIT STATUS).
first=
for page in "$@"; do
	awk '/^\.Sh EXIT STATUS/ { on = 1; next }
	    on && /^\.Sh / { exit }
	    on && /^\.Bl/ { bl = 1 }
	    bl { print }
	    bl && /^\.El/ { exit }' "$page" >"$tmp/exit.${page##*/}"
	if [ ! -s "$tmp/exit.${page##*/}" ]; then
		bad "$page: no EXIT STATUS table"
	elif [ -z "$first" ]; then
		first=$page
	elif ! cmp -s "$tmp/exit.${first##*/}" "$tmp/exit.${page##*/}"; then
		bad "$page: the EXIT STATUS table differs from the one in $first:
$(diff "$tmp/exit.${first##*/}" "$tmp/exit.${page##*/}")"
	fi
done

# The tools against their pages.
if [ ! -d "$BIN" ]; then
	bad "no directory '$BIN' with the tools (build them first, or set BIN)"
fi
for tool in "$BIN"/stream-*; do
	[ -f "$tool" ] && [ -x "$tool" ] || continue
	name=${tool##*/}
	page=
	for p in "$@"; do
		[ "${p##*/}" = "$name.1" ] && page=$p
	done
	if [ -z "$page" ]; then
		bad "$name has no manual page (man/$name.1)"
		continue
	fi
	if ! "$tool" --completion-spec >"$tmp/spec" 2>"$tmp/err"; then
		bad "$name --completion-spec failed: $(cat "$tmp/err")"
		continue
	fi

	# Every option has an item in the page.
	tab=$(printf '\t')
	while IFS="$tab" read -r short long rest; do
		# read collapses empty fields; a line without a short option
		# starts with the tab, so the long option lands in $short.
		case $short in
		operands) continue ;;
		--*) long=$short short= ;;
		esac
		if [ -n "$long" ] &&
		    ! grep -Eq "^\\.It .*Fl ${long#-}([^A-Za-z0-9_-]|\$)" "$page"; then
			bad "$page: option $long of '$name --completion-spec' has no item (.It Fl -${long#--})"
		fi
		if [ -n "$short" ] &&
		    ! grep -Eq "^\\.It (.* )?Fl ${short#-}([^A-Za-z0-9_-]|\$)" "$page"; then
			bad "$page: option $short of '$name --completion-spec' has no item (.It Fl ${short#-})"
		fi
	done <"$tmp/spec"

	# The SYNOPSIS is the usage line.
	usage=$("$tool" --help 2>/dev/null | sed -n '1s/^usage: //p')
	synopsis=$(mandoc -Tascii -O width=1000 "$page" 2>/dev/null | col -b |
	    awk '/^SYNOPSIS/ { on = 1; next } on && /^[A-Z]/ { exit }
	    on { print }' | tr -s ' \t\n' '   ' | sed 's/^ //; s/ $//')
	if [ -z "$usage" ]; then
		bad "$name --help has no usage line"
	elif [ "$synopsis" != "$usage" ]; then
		bad "$page: SYNOPSIS does not match the usage line of $name --help:
  page:  $synopsis
  usage: $usage"
	fi
	letters() {
		printf '%s\n' "$1" | grep -oE '(^|[[ ])-[A-Za-z0-9]' |
		    sed 's/.*-//' | sort -u | tr -d '\n'
	}
	sl=$(letters "$synopsis")
	ul=$(letters "$usage")
	[ "$sl" = "$ul" ] || bad "$page: SYNOPSIS option letters '$sl', usage line of $name --help '$ul'"
	known=$(cut -f1 "$tmp/spec" | sed -n 's/^-\(.\)$/\1/p' | sort -u | tr -d '\n')
	for l in $(printf '%s\n' "$ul" | sed 's/./& /g'); do
		case $known in
		*"$l"*) ;;
		*) bad "$name: the usage line has -$l, which '$name --completion-spec' does not list" ;;
		esac
	done
done

if [ $fail -eq 0 ]; then
	echo "check-man: $# pages checked, ok"
fi
exit $fail
