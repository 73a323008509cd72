# SPDX-License-Identifier: MIT
# Shared by bench/window.sh and bench/filter.sh (sourced, not run): the
# settings of bench/run.sh, the helpers (timeit, gen), the data set, and
# the row/table/compare/callgrind helpers in run.sh's report style.
#
# Run from bench/run.sh, BIN is its copy of the tools and BENCH_REPORT its
# report: a script appends its section there.  Run alone, a script copies
# the tools, makes the data if needed (the same stamp as run.sh, so the
# data is shared) and keeps its section in bench/out/NAME.txt.
#
# Sets: here root BIN N RUNS SEED SUB CC data out tools nd csv B_ND B_CSV
# and the section file $sec; needs $name (window or filter) set first.

set -u
LC_ALL=C
export LC_ALL

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
BIN=${BIN:-$root/build/bin}
N=${BENCH_N:-2000000}
RUNS=${BENCH_RUNS:-3}
SEED=${BENCH_SEED:-1}
SUB=${BENCH_SUB:-200000}
CC=${CC:-cc}
data=$here/data
out=$here/out
tools=$root/build/bench
awkd=$here/awk

say() { printf 'bench: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }
r() { printf '%s\n' "$*" >>"$sec"; }

case $N in '' | *[!0-9]* | 0) die "BENCH_N must be a number >= 1" ;; esac
case $RUNS in '' | *[!0-9]* | 0) die "BENCH_RUNS must be >= 1" ;; esac
case $SUB in '' | *[!0-9]* | 0) die "BENCH_SUB must be a number >= 1" ;; esac
[ "$SUB" -gt "$N" ] && SUB=$N

mkdir -p "$tools" "$data" "$out" "$out/$name" || exit 1
sec=$out/$name.txt
: >"$sec"
rows=$out/$name/rows.tsv
: >"$rows"
rm -f "$out/$name"/*.err "$out/$name/insn.tsv"

# The tools under test: run.sh's copies, or copies made here (a rebuild
# during the run must not change them halfway).
if [ -z "${BENCH_REPORT:-}" ]; then
	orig_bin=$BIN
	rm -rf "$tools/bin.$name" && mkdir -p "$tools/bin.$name" &&
	    cp -p "$BIN"/stream-* "$tools/bin.$name/" ||
	    die "cannot copy the tools from $BIN"
	BIN=$tools/bin.$name
else
	orig_bin=$BIN
fi
for t in stream-source stream-sink stream-filter stream-window stream-agg; do
	"$BIN/$t" --version >/dev/null 2>&1 ||
	    die "$BIN/$t does not run: build first (make all)"
done
for p in gen timeit gen_groups; do
	$CC -O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra -pthread \
	    -o "$tools/$p" "$here/$p.c" || die "cannot compile bench/$p.c"
done

# The data set: the same stamp as run.sh, so both share bench/data/.
stamp="n=$N seed=$SEED gen=$(cksum <"$here/gen.c" | cut -d' ' -f1)"
if [ ! -s "$data/events.ndjson" ] || [ ! -s "$data/events.csv" ] ||
    [ ! -s "$data/access.log" ] ||
    [ "$(cat "$data/stamp" 2>/dev/null)" != "$stamp" ]; then
	say "generating $N events (seed $SEED) into bench/data/"
	rm -f "$data/stamp"
	"$tools/gen" -n "$N" -s "$SEED" -o "$data" || die "gen failed"
	printf '%s\n' "$stamp" >"$data/stamp"
fi
nd=$data/events.ndjson
csv=$data/events.csv
size() { wc -c <"$1" | tr -d ' '; }
B_ND=$(size "$nd")
B_CSV=$(size "$csv")
head -n "$SUB" "$nd" >"$data/sub.ndjson" || die "cannot write sub.ndjson"

src=$BIN/stream-source
sink=$BIN/stream-sink
win=$BIN/stream-window
agg=$BIN/stream-agg
filt=$BIN/stream-filter

# short TEXT: a command as the report shows it (paths relative to the
# repository root, the tools by name, so it can be rerun from the root
# with build/bin on PATH).
short() {
	printf '%s' "$1" | sed "s|$BIN/||g; s|$root/||g"
}

# header TITLE: the section's first lines.
header() {
	r "$1 — $(date -u '+%Y-%m-%d %H:%M UTC')"
	r "binaries: $orig_bin (copies in $(short "$BIN"));" \
	    "$("$src" --version 2>&1 | head -n 1)"
	r "load:     $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null) at the" \
	    "start, $(nproc) CPUs (1/5/15-minute load averages)"
	if awk -v n="$(nproc)" '{ exit !($1 >= n * 0.75) }' /proc/loadavg \
	    2>/dev/null; then
		r "WARNING: the machine is busy with other work: wall times" \
		    "are pessimistic;"
		r "         cpu s and instructions per record are the steadier" \
		    "figures."
	fi
	r "timing:   wall time of the whole pipeline, best of $RUNS runs," \
	    "input in page cache, LC_ALL=C for every command;"
	r "          cpu s = user+system seconds of all its processes in" \
	    "that run; records/s = $N / seconds; MB/s = input bytes / 1e6 /" \
	    "seconds"
}

footer() {
	busy=
	awk -v n="$(nproc)" '{ exit !($1 >= n * 0.75) }' /proc/loadavg \
	    2>/dev/null && busy=" (busy: other work shared the CPUs)"
	r "load at the end of $name.sh: $(cut -d' ' -f1-3 /proc/loadavg \
	    2>/dev/null)$busy"
	r ""
}

# bench GROUP KIND LABEL RECORDS BYTES TARGET COMMAND: KIND is ref (the
# row ratios are taken from: ours), su (another streamutils row) or other.
# Appends a row to $rows; the row id is printed as [PREFIX n].
nid=0
bench() {
	nid=$((nid + 1))
	say "timing ($RUNS runs): $(short "$7")"
	res=$("$tools/timeit" -r "$RUNS" -e "$out/$name/$nid.err" "$7") ||
	    res=
	[ -n "$res" ] || res="0 0 0 255 $RUNS"
	set -- "$1" "$2" "$3" "$4" "$5" "$6" "$7" $res
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
	    "$1" "$nid" "$2" "$3" "$8" "$9" "${10}" "${11}" "$4" "$5" "$6" \
	    "$(short "$7")" "${12}" "-" >>"$rows"
	last=$nid
}

# same ID TEXT: sets the "same answer?" column of row ID.
same() {
	awk -F'\t' -v OFS='\t' -v id="$1" -v t="$2" \
	    '$2 == id { $14 = t } { print }' "$rows" >"$rows.tmp" &&
	    mv "$rows.tmp" "$rows"
}

# table GROUP TITLE: the rows of GROUP in run.sh's table style, with the
# answer check; ratio = records/s of the (ref) row / records/s of the row,
# cpu ratio = cpu s of the row / cpu s of the (ref) row: > 1 means
# streamutils is faster or cheaper.
table() {
	r "$2"
	awk -F'\t' -v g="$1" -v runs="$RUNS" -v p="$PFX" '
	function h(x) {
		if (x >= 1e9) return sprintf("%.2fG", x / 1e9)
		if (x >= 1e6) return sprintf("%.2fM", x / 1e6)
		if (x >= 1e3) return sprintf("%.1fk", x / 1e3)
		return sprintf("%.0f", x)
	}
	$1 == g {
		n++; id[n] = $2; kind[n] = $3; lab[n] = $4; s[n] = $5
		cpu[n] = $7; st[n] = $8; rec[n] = $9; b[n] = $10
		tg[n] = $11; nf[n] = $13; sm[n] = $14
		rps[n] = s[n] > 0 ? rec[n] / s[n] : 0
		if ($3 == "ref") ref = n
		if (length($4) > w) w = length($4)
	}
	END {
		fmt = "%-6s %-" w "s %7s %6s %9s %5s %7s %6s %8s %4s %-7s%s\n"
		printf fmt, "#", "pipeline", "seconds", "cpu s", "records/s",
		    "MB/s", "ratio", "cpu x", "target", "met?", "same?", ""
		for (i = 1; i <= n; i++) {
			ratio = "-"; cr = "-"
			if (kind[i] != "ref" && ref && rps[i] > 0) {
				ratio = sprintf("%.2fx", rps[ref] / rps[i])
				if (cpu[ref] > 0)
					cr = sprintf("%.2fx", cpu[i] / cpu[ref])
			}
			if (kind[i] != "ref" && ref &&
			    (nf[ref] >= runs || nf[i] >= runs))
				ratio = cr = "n/a"
			if (kind[i] == "ref")
				ratio = cr = "(ref)"
			met = "-"; tgt = "-"
			if (tg[i] != "") {
				tgt = ">=" h(tg[i])
				met = rps[i] >= tg[i] ? "yes" : "NO"
				if (nf[i] >= runs)
					met = "n/a"
			}
			note = ""
			if (st[i] != 0)
				note = "  [exit " st[i] " in " nf[i] " of " \
				    runs " runs" (nf[i] < runs ? \
				    ": timed the others" : ": FAILED") "]"
			printf fmt, "[" p id[i] "]", lab[i],
			    sprintf("%.3f", s[i]), sprintf("%.2f", cpu[i]),
			    h(rps[i]), sprintf("%.0f", (s[i] > 0 ?
			    b[i] / 1e6 / s[i] : 0)), ratio, cr, tgt, met,
			    sm[i], note
		}
	}' "$rows" >>"$sec"
}

# commands: every timed command, rerunnable from the repository root.
commands() {
	r "commands ([#] best seconds / median seconds / CPU seconds of the" \
	    "best run, all processes; from the repository root, with" \
	    "PATH=build/bin:\$PATH):"
	awk -F'\t' -v p="$PFX" '{ printf "[%s%s] %s / %s / %s  %s\n", p, $2,
	    $5, $6, $7, $12 }' "$rows" >>"$sec"
	for f in "$out/$name"/*.err; do
		[ -s "$f" ] || continue
		r "stderr of [$PFX$(basename "$f" .err)]:"
		head -n 5 "$f" | sed 's/^/    /' >>"$sec"
	done
}

# diff_lines A B: the first differing lines of two sorted files (at most
# 5 on each side), indented, into the section.
diff_lines() {
	LC_ALL=C comm -3 "$1" "$2" | head -n 10 |
	    awk -v a="$3" -v b="$4" '
	/^\t/ { sub(/^\t/, ""); printf "      only in %s: %s\n", b, $0; next }
	{ printf "      only in %s: %s\n", a, $0 }' >>"$sec"
}

# callgrind_top FILE: the 10 functions with the most instructions (self),
# as in run.sh.
callgrind_top() {
	callgrind_annotate --auto=no "$1" 2>/dev/null |
	    awk -f "$here/awk/callgrind-top.awk" |
	    sed "s|$root/||; s|  [^ ]*/stdlib/[^:]*:|  libc:|"
}

# insn LABEL RECORDS CMD [KEY]: callgrind instructions per record of CMD
# (one stage, input from a file), with the top 10 functions; with KEY,
# also "KEY<tab>instructions per record" into $out/$name/insn.tsv.
insn() {
	slug=$(printf '%s' "$1" | tr -c 'A-Za-z0-9_.' '-' | tr -s '-')
	cg=$out/$name/callgrind.$slug.out
	cl=$out/$name/callgrind.$slug.log
	say "counting instructions: $1"
	full="valgrind --tool=callgrind --callgrind-out-file=$cg $3"
	sh -c "$full" 2>"$cl"
	ir=$(sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$cg" 2>/dev/null)
	if [ -n "$ir" ] && [ -n "${4:-}" ]; then
		printf '%s\t%s\n' "$4" "$(awk -v i="$ir" -v n="$2" \
		    'BEGIN { printf "%.1f", i / n }')" >>"$out/$name/insn.tsv"
	fi
	if [ -n "$ir" ]; then
		r "- $1: $(awk -v i="$ir" -v n="$2" 'BEGIN {
		    printf "%.0f instructions/record (%d total, %d records)",
		    i / n, i, n }')"
	else
		r "- $1: measurement failed (see $(short "$cl"))"
		insn_failed=1
	fi
	r "    $(short "$full")"
	if [ -s "$cg" ]; then
		r "    top 10 functions (self instructions):"
		callgrind_top "$cg" >>"$sec"
	fi
}
insn_failed=0

# finish: the section into run.sh's report (or kept alone), and printed.
finish() {
	if [ -n "${BENCH_REPORT:-}" ]; then
		cat "$sec" >>"$BENCH_REPORT" || exit 1
	fi
	cat "$sec"
	say "section kept in bench/out/$name.txt"
}
