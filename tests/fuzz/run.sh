#!/bin/sh
# SPDX-License-Identifier: MIT
# Builds the libFuzzer targets in tests/fuzz/ with clang, ASan and UBSan,
# replays every saved regression input, then fuzzes each target for
# FUZZ_SECONDS seconds.  Exits 1 if any target crashes, leaks, times out,
# fails a property or a regression input fails; 2 if it cannot build.
#
#   sh tests/fuzz/run.sh                 every target
#   sh tests/fuzz/run.sh fuzz_json ...   only these
#
# Environment:
#   FUZZ_SECONDS   seconds of fuzzing per target (20); 0 replays only
#   FUZZ_JOBS      targets fuzzed at the same time (1)
#   FUZZ_CC        the compiler (clang)
#   FUZZ_ARGS      more libFuzzer options for every target
#   FUZZ_CORPUS    a directory of extra read-only inputs for every target
set -u

cd "$(dirname "$0")/../.." || exit 2
CC=${FUZZ_CC:-clang}
SECONDS_EACH=${FUZZ_SECONDS:-20}
JOBS=${FUZZ_JOBS:-1}
OUT=build/fuzz
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all"
CFLAGS="-std=c11 -D_GNU_SOURCE -I. -g -O1 -fno-omit-frame-pointer $SAN"
# libcore's warnings are make's business; the targets' are ours.
WARN="-Wall -Wextra -Wno-unused-parameter"
# The libraries libcore links with, as the Makefile says.
LIBS=$(make -s --no-print-directory print-libs 2>/dev/null)
LIBS=${LIBS:--lcsv -ljansson -lm}
# Leaks are errors (LeakSanitizer runs at each input's end and at exit);
# UBSan reports abort with a stack.
: "${ASAN_OPTIONS:=detect_leaks=1:abort_on_error=1:symbolize=1}"
export ASAN_OPTIONS
: "${UBSAN_OPTIONS:=print_stacktrace=1:halt_on_error=1}"
export UBSAN_OPTIONS

# What a log line that reports a finding looks like.
FINDING='runtime error|ERROR: [A-Za-z]*Sanitizer|ERROR: libFuzzer'
FINDING="$FINDING|property failed"

say() { printf '%s\n' "fuzz: $*"; }

if ! command -v "$CC" >/dev/null 2>&1; then
	say "$CC not found; on Debian: apt-get install clang" >&2
	exit 2
fi
mkdir -p "$OUT/obj/libcore" "$OUT/bin" "$OUT/log" "$OUT/dict"

# libFuzzer's runtime ships apart from clang on Debian.
probe=$OUT/probe.c
cat > "$probe" <<'EOF'
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);
int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	(void)d;
	(void)n;
	return 0;
}
EOF
if ! $CC -fsanitize=fuzzer,address,undefined -o "$OUT/probe" "$probe" \
    >"$OUT/log/probe.log" 2>&1; then
	ver=$($CC -dumpversion 2>/dev/null | cut -d. -f1)
	say "$CC cannot link -fsanitize=fuzzer (see $OUT/log/probe.log)" >&2
	say "the libFuzzer runtime (libclang_rt.fuzzer) is missing; on" \
	    "Debian/Ubuntu: apt-get install libclang-rt-${ver:-N}-dev" \
	    "(the package that holds libclang_rt.fuzzer-*.a for" \
	    "clang-${ver:-N}: dpkg -S libclang_rt.fuzzer)" >&2
	exit 2
fi

# Objects: libcore once, instrumented for coverage but without libFuzzer's
# main, in an archive so that a target links only the modules it uses.
# Rebuilt when the source, any libcore header or this script changed.
newest_h=$(ls -t libcore/*.h tests/fuzz/run.sh | head -n 1)
objs=
for src in libcore/*.c; do
	obj=$OUT/obj/${src%.c}.o
	if [ ! -f "$obj" ] || [ "$src" -nt "$obj" ] ||
	    [ "$newest_h" -nt "$obj" ]; then
		# shellcheck disable=SC2086
		$CC $CFLAGS -fsanitize=fuzzer-no-link -c -o "$obj" "$src" ||
		    { say "cannot compile $src" >&2; exit 2; }
	fi
	objs="$objs $obj"
done
rm -f "$OUT/libcore.a"
# shellcheck disable=SC2086
ar rcs "$OUT/libcore.a" $objs || exit 2

if [ $# -gt 0 ]; then
	targets=$*
else
	targets=
	for f in tests/fuzz/fuzz_*.c; do
		t=${f##*/}
		t=${t%.c}
		[ "$t" = fuzz_common ] && continue
		targets="$targets $t"
	done
fi

for t in $targets; do
	[ -f "tests/fuzz/$t.c" ] ||
	    { say "no target tests/fuzz/$t.c" >&2; exit 2; }
	# shellcheck disable=SC2086
	$CC $CFLAGS $WARN -fsanitize=fuzzer -o "$OUT/bin/$t" "tests/fuzz/$t.c" \
	    "$OUT/libcore.a" $LIBS || { say "cannot build $t" >&2; exit 2; }
done

# Dictionaries: tokens worth trying, one quoted string a line.
cat > "$OUT/dict/json.dict" <<'EOF'
"{"
"}"
"["
"]"
":"
","
"\""
"\\"
"\\u"
"\\ud83d\\ude00"
"\\ud800"
"\\udc00"
"\\u0000"
"true"
"false"
"null"
"-0"
"1e400"
"-9223372036854775808"
"9223372036854775808"
"0.5e-3"
"\xef\xbb\xbf"
"\xed\xa0\x80"
"\xf4\x90\x80\x80"
"\xc0\xaf"
EOF
cat > "$OUT/dict/frames.dict" <<'EOF'
"#streamutils frames v1 -- binary records\x0a"
"#streamutils frames v"
"S"
"D"
"W"
"C"
"B"
"E"
"\x00\x00\x00\x00"
"\xff\xff\xff\xff"
"\x80\x80\x80\x80\x80\x80\x80\x80\x80\x01"
"\x00\x00\x00\x00\x00\x00\x00\x80"
"{}"
"[1]"
"1e400"
EOF
cat > "$OUT/dict/csv.dict" <<'EOF'
","
"\x09"
"\""
"\"\""
"\x0d\x0a"
"\x0d"
"\x0a"
"\xef\xbb\xbf"
"true"
"-1.5e3"
"9223372036854775808"
"="
"\\\""
"[10/Oct/2000:13:55:36 -0700]"
"\"GET / HTTP/1.1\""
" - - "
EOF
cat > "$OUT/dict/time.dict" <<'EOF'
"2000-10-10T13:55:36.123Z"
"+12345-01-01"
"-0001-"
"10/Oct/2000:13:55:36 -0700"
"Oct 11 22:14:15"
"1h30m"
"0.5s"
"\xc2\xb5s"
"ms"
"ns"
"w"
"KiB"
"9223372036854775807"
"-9223372036854775808"
EOF

cat > "$OUT/dict/expr.dict" <<'EOF'
"AND"
"OR"
"NOT"
"IS NULL"
"IS NOT NULL"
"BETWEEN"
"IN ("
"LIKE"
"ILIKE"
"~*"
"!~"
"CASE WHEN"
"THEN"
"ELSE"
"END"
"CAST("
" AS "
"::"
"INTERVAL '"
"TIMESTAMP '"
"'2 hours 30 minutes'"
"coalesce("
"if("
"substr("
"split_part("
"date_trunc("
"strftime("
"parse_time("
"event_time()"
"json"
"\"odd name\""
"9223372036854775807"
"//"
"%"
"||"
"<>"
">="
"1h30m"
"1e308"
"NULL"
"true"
EOF

dict_of() {
	case $1 in
	fuzz_expr) echo "$OUT/dict/expr.dict" ;;
	fuzz_json|fuzz_ndjson|fuzz_writers) echo "$OUT/dict/json.dict" ;;
	fuzz_frame) echo "$OUT/dict/frames.dict" ;;
	fuzz_time) echo "$OUT/dict/time.dict" ;;
	*) echo "$OUT/dict/csv.dict" ;;
	esac
}

maxlen_of() {
	case $1 in
	fuzz_frame|fuzz_json) echo 65536 ;;
	*) echo 4096 ;;
	esac
}

status=0

# Saved crashes first: each must now pass, run once, each on its own so
# that one failure does not hide the next.
for t in $targets; do
	dir=tests/fuzz/regress/$t
	[ -d "$dir" ] || continue
	pass=0
	fail=
	for f in $(find "$dir" -type f ! -name '*.md' | sort); do
		log=$OUT/log/$t.regress.${f##*/}.log
		if "$OUT/bin/$t" -timeout=10 -rss_limit_mb=2048 "$f" \
		    >"$log" 2>&1; then
			pass=$((pass + 1))
		else
			fail="$fail $f"
			say "$t: REGRESSION FAILED: $f (log: $log)"
			grep -m 2 -E "$FINDING" "$log" | sed 's/^/  /'
			status=1
		fi
	done
	[ -z "$fail" ] && [ $pass -gt 0 ] &&
	    say "$t: $pass regression inputs pass"
done

[ "$SECONDS_EACH" -gt 0 ] 2>/dev/null || { exit $status; }

# One target: fuzz, then print one line; returns non-zero on a finding.
fuzz_one() {
	t=$1
	corpus=$OUT/corpus-$t
	log=$OUT/log/$t.log
	mkdir -p "$corpus" "$OUT/artifacts/$t"
	if [ -d "tests/fuzz/seeds/$t" ]; then
		for f in "tests/fuzz/seeds/$t"/*; do
			[ -f "$f" ] && cp "$f" "$corpus/seed-${f##*/}"
		done
	fi
	extra=
	[ -n "${FUZZ_CORPUS:-}" ] && [ -d "$FUZZ_CORPUS" ] && extra=$FUZZ_CORPUS
	# shellcheck disable=SC2086
	"$OUT/bin/$t" -max_total_time="$SECONDS_EACH" \
	    -max_len="$(maxlen_of "$t")" -timeout=5 -rss_limit_mb=2048 \
	    -dict="$(dict_of "$t")" -print_final_stats=1 \
	    -artifact_prefix="$OUT/artifacts/$t/" ${FUZZ_ARGS:-} \
	    "$corpus" $extra >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" |
	    tail -n 1)
	last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -n 1)
	cov=$(printf '%s' "$last" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
	ft=$(printf '%s' "$last" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
	corp=$(printf '%s' "$last" | sed -n 's/.*corp: \([0-9]*\).*/\1/p')
	rate=$(printf '%s' "$last" | sed -n 's/.*exec\/s: \([0-9]*\).*/\1/p')
	if [ $rc -eq 0 ]; then
		say "$t: ok, ${execs:-?} execs (${rate:-?}/s), cov ${cov:-?}," \
		    "ft ${ft:-?}, corpus ${corp:-?}"
		return 0
	fi
	say "$t: FAILED after ${execs:-?} execs, cov ${cov:-?} (log: $log)"
	grep -m 4 -E "$FINDING|Test unit written" "$log" | sed 's/^/  /'
	return 1
}

# FUZZ_JOBS targets at a time; each writes its verdict into a file.
set -- $targets
while [ $# -gt 0 ]; do
	i=0
	while [ $# -gt 0 ] && [ $i -lt "$JOBS" ]; do
		( fuzz_one "$1" > "$OUT/log/$1.summary"; echo $? \
		    >> "$OUT/log/$1.summary" ) &
		shift
		i=$((i + 1))
	done
	wait
done
for t in $targets; do
	s=$OUT/log/$t.summary
	[ -f "$s" ] || continue
	sed '$d' "$s"
	[ "$(tail -n 1 "$s")" = 0 ] || status=1
done
exit $status
