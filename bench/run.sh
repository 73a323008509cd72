#!/bin/sh
# SPDX-License-Identifier: MIT
# Benchmarks streamutils against cat, jq and Miller, checks that text
# round trips are byte-identical, counts instructions per record and
# measures follow latency; prints one report (also kept in bench/out/).
#
#   BIN=/abs/build/bin sh bench/run.sh
#
# BENCH_N (2000000) events, BENCH_RUNS (3) runs per pipeline (best is
# kept), BENCH_ONLY (all) a comma-separated subset of: check ndjson csv
# frames insn latency window filter join top net; BENCH_SEED (1), BENCH_SUB (200000) records for the
# instruction counts, BENCH_LAT_SECS (5) seconds per latency run.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
BIN=${BIN:-$root/build/bin}
N=${BENCH_N:-2000000}
RUNS=${BENCH_RUNS:-3}
ONLY=${BENCH_ONLY:-all}
SEED=${BENCH_SEED:-1}
SUB=${BENCH_SUB:-200000}
LAT_SECS=${BENCH_LAT_SECS:-5}
CC=${CC:-cc}
data=$here/data
out=$here/out
tools=$root/build/bench
report=$out/report.txt
rows=$out/rows.tsv

say() { printf 'bench: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }
want() {
	case ",$ONLY," in *,all,* | *,"$1",*) return 0 ;; esac
	return 1
}
r() { printf '%s\n' "$*" >>"$report"; }

for t in stream-source stream-sink; do
	[ -x "$BIN/$t" ] || die "no $BIN/$t: build first (make all)"
done
case $N in '' | *[!0-9]*) die "BENCH_N must be a number" ;; esac
case $RUNS in '' | *[!0-9]* | 0) die "BENCH_RUNS must be >= 1" ;; esac
[ "$SUB" -gt "$N" ] && SUB=$N

# ---- helpers: gen, latency, timeit --------------------------------------
mkdir -p "$tools" "$data" "$out" || exit 1

# The tools under test are copied once, so that a rebuild during the run
# (another make in the same tree) cannot change them halfway.
orig_bin=$BIN
rm -rf "$tools/bin" && mkdir -p "$tools/bin" &&
    cp -p "$BIN"/stream-* "$tools/bin/" || die "cannot copy the tools"
BIN=$tools/bin
for t in stream-source stream-sink; do
	"$BIN/$t" --version >/dev/null 2>&1 ||
	    die "$BIN/$t does not run (copied while being rebuilt?)"
done
for p in gen latency timeit; do
	$CC -O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra -pthread \
	    -o "$tools/$p" "$here/$p.c" || die "cannot compile bench/$p.c"
done

src=$BIN/stream-source
sink=$BIN/stream-sink

# ---- data ---------------------------------------------------------------
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
frames=$data/events.frames
head -n "$SUB" "$nd" >"$data/sub.ndjson"
head -n "$((SUB + 1))" "$csv" >"$data/sub.csv"
# Frames come from the tools being measured: made fresh every run.
if want ndjson || want frames || want check || want insn; then
	say "making events.frames"
	"$BIN/stream-source" -f ndjson "$nd" >"$frames" ||
	    die "stream-source -f ndjson events.ndjson > events.frames failed"
	"$BIN/stream-source" -f ndjson "$data/sub.ndjson" >"$data/sub.frames"
fi
size() { wc -c <"$1" | tr -d ' '; }
B_ND=$(size "$nd")
B_CSV=$(size "$csv")
B_LOG=$(size "$data/access.log")
B_FR=$(size "$frames" 2>/dev/null || echo 0)

# ---- report header ------------------------------------------------------
: >"$report"
: >"$rows"
rm -f "$out"/*.err "$out/lat.tsv"
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null |
    head -n 1)
r "streamutils benchmark report — $(date -u '+%Y-%m-%d %H:%M UTC')"
r "machine: $(nproc) CPUs, ${cpu:-unknown CPU}, $(uname -sr)," \
    "$(awk '/MemTotal/ { printf "%.0f GB RAM", $2 / 1048576 }' \
    /proc/meminfo 2>/dev/null)"
r "binaries: copies of $orig_bin in $BIN, made at the start;" \
    "$("$src" --version 2>&1 | head -n 1)"
r "tools:   $(jq --version 2>/dev/null || echo 'jq missing'), mlr" \
    "$(mlr --version 2>/dev/null | sed 's/^mlr //' || echo missing)," \
    "$("$CC" --version | head -n 1)"
r "data:    $N events, seed $SEED (bench/gen.c): events.ndjson" \
    "$B_ND B ($((B_ND / N)) B/record), events.csv $B_CSV B," \
    "access.log $B_LOG B, events.frames $B_FR B"
r "load:    $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null) at the start" \
    "(1/5/15-minute load averages; anything near $(nproc) or above means" \
    "other work shared the CPUs)"
if awk -v n="$(nproc)" '{ exit !($1 >= n * 0.75) }' /proc/loadavg \
    2>/dev/null; then
	r "WARNING: the machine is busy with other work: wall times and" \
	    "latencies are pessimistic;"
	r "         cpu s and instructions per record are the steadier figures."
fi
r "timing:  wall time of the whole pipeline, best of $RUNS runs, input" \
    "in page cache; cpu s = user+system"
r "         seconds of all its processes in that run; records/s =" \
    "$N / seconds; MB/s = input bytes / 1e6 / seconds"
r ""

# ---- correctness --------------------------------------------------------
# first_diff A B: "yes", or "no" and the first differing line of each.
first_diff() {
	if cmp -s "$1" "$2"; then
		r "  identical: yes"
		return
	fi
	line=$(cmp "$1" "$2" 2>&1 | sed -n 's/.*line \([0-9]*\).*/\1/p')
	# "EOF on B after byte X, line L": line L+1 is the first one missing.
	cmp "$1" "$2" 2>&1 | grep -q 'EOF' && [ -n "$line" ] &&
	    line=$((line + 1))
	r "  identical: no ($(cmp "$1" "$2" 2>&1 | head -n 1 |
	    sed "s|$data/||g; s|$out/||g"))"
	r "  sizes: $(size "$1") vs $(size "$2") bytes; lines:" \
	    "$(wc -l <"$1") vs $(wc -l <"$2")"
	if [ -n "$line" ]; then
		r "  input  line $line: $(sed -n "${line}p" "$1" | cut -c1-300)"
		r "  output line $line: $(sed -n "${line}p" "$2" | cut -c1-300)"
	fi
}
if want check; then
	say "checking round trips"
	r "CORRECTNESS (full data set, output compared with cmp)"
	c1="$src -f ndjson $nd | $sink -o ndjson > $out/rt.ndjson"
	r "- NDJSON -> frames -> NDJSON: $c1"
	sh -c "$c1" 2>"$out/check-ndjson.err"
	first_diff "$nd" "$out/rt.ndjson"
	c2="$src -f csv $csv | $sink -o csv > $out/rt.csv"
	r "- CSV -> frames -> CSV: $c2"
	sh -c "$c2" 2>"$out/check-csv.err"
	first_diff "$csv" "$out/rt.csv"
	c3="cat $frames | $src | $sink -o ndjson > $out/rt-frames.ndjson"
	r "- frames pass-through -> NDJSON, against events.ndjson: $c3"
	sh -c "$c3" 2>"$out/check-frames.err"
	first_diff "$nd" "$out/rt-frames.ndjson"
	for e in ndjson csv frames; do
		if [ -s "$out/check-$e.err" ]; then
			r "  stderr of the $e check:"
			head -n 5 "$out/check-$e.err" |
			    sed 's/^/    /' >>"$report"
		fi
	done
	rm -f "$out/rt.ndjson" "$out/rt.csv" "$out/rt-frames.ndjson"
	r ""
fi

# ---- throughput ---------------------------------------------------------
nid=0
# bench GROUP KIND RECORDS BYTES TARGET COMMAND: KIND is su (streamutils)
# or ref (the row the ratio is taken from) or other.
bench() {
	nid=$((nid + 1))
	short=$(printf '%s' "$6" | sed "s|$BIN/||g; s|$data/||g")
	say "timing ($RUNS runs): $short"
	res=$("$tools/timeit" -r "$RUNS" -e "$out/$nid.err" "$6") || res=
	[ -n "$res" ] || res="0 0 0 255 $RUNS"
	set -- "$1" "$2" "$3" "$4" "$5" "$6" $res
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
	    "$1" "$nid" "$2" "$short" "$7" "$8" "$9" "${10}" "$3" "$4" "$5" \
	    "$6" "${11}" >>"$rows"
}
warm() { cat "$@" >/dev/null; }

# table GROUP TITLE: prints the rows of GROUP.
table() {
	r "$2"
	awk -F'\t' -v g="$1" -v runs="$RUNS" -v dir="$out" '
	function h(x) {
		if (x >= 1e9) return sprintf("%.2fG", x / 1e9)
		if (x >= 1e6) return sprintf("%.2fM", x / 1e6)
		if (x >= 1e3) return sprintf("%.1fk", x / 1e3)
		return sprintf("%.0f", x)
	}
	$1 == g {
		n++; id[n] = $2; kind[n] = $3; lab[n] = $4; s[n] = $5
		med[n] = $6; cpu[n] = $7; st[n] = $8; rec[n] = $9; b[n] = $10
		tg[n] = $11; nf[n] = $13
		rps[n] = s[n] > 0 ? rec[n] / s[n] : 0
		if ($3 == "ref") ref = n
		if (length($4) > w) w = length($4)
	}
	END {
		fmt = "%-5s %-" w "s %7s %6s %9s %6s %7s %8s %4s%s\n"
		printf fmt, "#", "pipeline", "seconds", "cpu s", "records/s",
		    "MB/s", "ratio", "target", "met?", ""
		for (i = 1; i <= n; i++) {
			ratio = "-"
			if (kind[i] == "other" && ref && rps[i] > 0)
				ratio = sprintf("%.2fx", rps[ref] / rps[i])
			if (kind[i] == "other" && ref &&
			    (nf[ref] >= runs || nf[i] >= runs))
				ratio = "n/a"
			if (kind[i] == "ref")
				ratio = "(ref)"
			met = "-"
			tgt = "-"
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
			printf fmt, "[" id[i] "]", lab[i],
			    sprintf("%.3f", s[i]), sprintf("%.2f", cpu[i]),
			    h(rps[i]), sprintf("%.0f", (s[i] > 0 ?
			    b[i] / 1e6 / s[i] : 0)), ratio, tgt, met, note
		}
	}' "$rows" >>"$report"
}

if want ndjson; then
	say "NDJSON group"
	warm "$nd"
	bench nd su "$N" "$B_ND" 2500000 \
	    "$BIN/stream-source -f ndjson $nd > /dev/null"
	bench nd su "$N" "$B_ND" 2500000 \
	    "$BIN/stream-source -f ndjson $nd | cat > /dev/null"
	bench nd ref "$N" "$B_ND" "" \
	    "$src -f ndjson $nd | $sink -o ndjson > /dev/null"
	bench nd other "$N" "$B_ND" "" "cat $nd | cat > /dev/null"
	bench nd other "$N" "$B_ND" "" "jq -c . $nd > /dev/null"
	bench nd other "$N" "$B_ND" "" \
	    "mlr --ijson --ojson cat $nd > /dev/null"
fi
if want csv; then
	say "CSV group"
	warm "$csv"
	bench csv su "$N" "$B_CSV" 4000000 \
	    "$BIN/stream-source -f csv $csv > /dev/null"
	bench csv su "$N" "$B_CSV" 4000000 \
	    "$BIN/stream-source -f csv $csv | cat > /dev/null"
	bench csv ref "$N" "$B_CSV" "" \
	    "$src -f csv $csv | $sink -o csv > /dev/null"
	bench csv other "$N" "$B_CSV" "" "cat $csv | cat > /dev/null"
	bench csv other "$N" "$B_CSV" "" \
	    "mlr --icsv --ocsv cat $csv > /dev/null"
fi
if want frames; then
	say "frames group"
	warm "$frames"
	bench fr ref "$N" "$B_FR" 10000000 \
	    "cat $frames | $BIN/stream-source | cat > /dev/null"
	bench fr other "$N" "$B_FR" "" "cat $frames | cat | cat > /dev/null"
fi
if [ -s "$rows" ]; then
	r "THROUGHPUT ($N records; ratio = records/s of the (ref) row ÷" \
	    "records/s of this row: >1 means streamutils is faster)"
	want ndjson && table nd "NDJSON (events.ndjson)" && r ""
	want csv && table csv "CSV (events.csv, with header)" && r ""
	want frames && table fr "frames pass-through (events.frames)" && r ""
	r "commands ([#] best seconds / median seconds / CPU seconds of the" \
	    "best run, all processes):"
	awk -F'\t' '{ printf "[%s] %s / %s / %s  %s\n", $2, $5, $6, $7, $12 }' \
	    "$rows" >>"$report"
	for f in "$out"/*.err; do
		[ -s "$f" ] || continue
		r "stderr of [$(basename "$f" .err)]:"
		head -n 5 "$f" | sed 's/^/    /' >>"$report"
	done
	r ""
fi

# ---- instructions per record --------------------------------------------
# callgrind_top FILE: the 10 functions with the most instructions (self).
callgrind_top() {
	callgrind_annotate --auto=no "$1" 2>/dev/null |
	    awk -f "$here/awk/callgrind-top.awk"
}
if want insn; then
	if ! command -v perf >/dev/null 2>&1 ||
	    perf stat -e instructions true 2>&1 | grep -q 'not supported' ||
	    ! perf stat -e instructions true >/dev/null 2>&1; then
		how=callgrind
	else
		how=perf
	fi
	r "INSTRUCTIONS PER RECORD ($SUB-record subset, $how; stable where" \
	    "wall time is noisy)"
	for spec in "ndjson|-f ndjson $data/sub.ndjson" \
	    "csv|-f csv $data/sub.csv" \
	    "frames|$data/sub.frames"; do
		name=${spec%%|*}
		args=${spec#*|}
		cmd="$BIN/stream-source $args > /dev/null"
		say "counting instructions: $name"
		if [ $how = perf ]; then
			ir=$(sh -c "perf stat -x, -e instructions:u $cmd" 2>&1 |
			    awk -F, '/instructions/ { print $1 }')
			full="perf stat -e instructions:u $cmd"
		else
			cg=$out/callgrind.$name.out
			full="valgrind --tool=callgrind"
			full="$full --callgrind-out-file=$cg $cmd"
			sh -c "$full" 2>"$out/callgrind.$name.log"
			ir=$(sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$cg")
		fi
		if [ -n "$ir" ]; then
			r "- source $name: $(awk -v i="$ir" -v n="$SUB" 'BEGIN {
			    printf "%.0f instructions/record (%d total)",
			    i / n, i }')"
		else
			r "- source $name: measurement failed"
		fi
		r "    $(printf '%s' "$full" |
		    sed "s|$BIN/||g; s|$data/||g; s|$out/||g")"
		if [ $how = callgrind ] && [ -s "$cg" ]; then
			r "    top 10 functions (self instructions):"
			callgrind_top "$cg" >>"$report"
		fi
	done
	# Where the time goes, on the full data set, if perf can sample.
	pd=$out/perf.ndjson.data
	if command -v perf >/dev/null 2>&1 &&
	    perf record -q -e cpu-clock -o "$pd" "$src" -f ndjson "$nd" \
	    >/dev/null 2>"$out/perf.log" && [ -s "$pd" ]; then
		r "- wall-clock profile of the source NDJSON stage, $N" \
		    "records (perf record -e cpu-clock, self time):"
		r "    perf record -e cpu-clock -o $pd $src -f ndjson $nd" \
		    "> /dev/null"
		perf report -i "$pd" --stdio --sort symbol 2>/dev/null |
		    awk '/^ *[0-9.]+%/ && k < 10 {
			k++
			printf "      %7s  %s%s\n", $1, $3,
			    $2 == "[k]" ? " (kernel)" : ""
		    }' >>"$report"
	fi
	r ""
fi

# ---- latency ------------------------------------------------------------
lat_row() {
	# lat_row LABEL RATE COMMAND
	say "latency: $1 at $2 lines/s for $LAT_SECS s"
	res=$("$tools/latency" -r "$2" -t "$LAT_SECS" "$out/follow.ndjson" \
	    "$3" 2>"$out/latency.err")
	printf '%s\n' "$res" | grep -v '^RESULT' | sed 's/^/    /' \
	    >"$out/lat.txt"
	resline=$(printf '%s\n' "$res" | sed -n 's/^RESULT //p')
	printf '%s\t%s\t%s\n' "$1" "$2" "$resline" >>"$out/lat.tsv"
	cat "$out/lat.txt" >>"$out/lat-detail.txt"
	if [ -s "$out/latency.err" ]; then
		sed 's/^/    stderr: /' "$out/latency.err" | head -n 5 \
		    >>"$out/lat-detail.txt"
	fi
}
if want latency; then
	: >"$out/lat.tsv"
	: >"$out/lat-detail.txt"
	f=$out/follow.ndjson
	su="$src -F -f ndjson $f | $sink -o ndjson"
	lat_row "streamutils" 10000 "$su"
	lat_row "streamutils (idle path)" 100 "$su"
	lat_row "tail -F | cat (reference)" 10000 \
	    "tail -n +1 -F $f 2>/dev/null | cat"
	rm -f "$f"
	r "FOLLOW LATENCY (bench/latency.c: one write(2) per line to an" \
	    "O_APPEND file, paced by clock_nanosleep;"
	r "time from just before the write until the line is read from the" \
	    "pipeline's stdout)"
	awk -F'\t' '
	function kv(s, k,   a, i, n, p) {
		n = split(s, a, " ")
		for (i = 1; i <= n; i++) {
			split(a[i], p, "=")
			if (p[1] == k) return p[2]
		}
		return ""
	}
	BEGIN {
		printf "%-28s %7s %7s %5s %8s %8s %8s %8s %-9s\n", "pipeline",
		    "lines/s", "sent", "lost", "median", "p90", "p99",
		    "max(ms)", "target"
	}
	{
		med = kv($3, "median_ms"); p99 = kv($3, "p99_ms")
		lost = kv($3, "lost")
		tgt = "-"
		if ($1 ~ /^streamutils/) {
			ok = (med != "" && med + 0 < 1 && p99 + 0 < 5 &&
			    lost == "0")
			tgt = "med<1 p99<5: " (ok ? "met" : "NOT met")
		}
		if (med == "") {
			printf "%-28s %7s  failed (see below)\n", $1, $2
			next
		}
		printf "%-28s %7s %7s %5s %8s %8s %8s %8s %s\n", $1, $2,
		    kv($3, "sent"), lost, med, kv($3, "p90_ms"), p99,
		    kv($3, "max_ms"), tgt
	}' "$out/lat.tsv" >>"$report"
	r "details:"
	cat "$out/lat-detail.txt" >>"$report"
	r "commands: $tools/latency -r RATE -t $LAT_SECS FILE '$su'"
	r "          (FILE = $f; reference: 'tail -n +1 -F FILE | cat')"
	r ""
fi

# ---- targets ------------------------------------------------------------
summary() {
	awk -F'\t' -v n="$N" -v runs="$RUNS" '
	function h(x) { return sprintf("%.2fM", x / 1e6) }
	$11 != "" && $5 > 0 && $13 < runs {
		rps = $9 / $5
		printf "  %-56s %8s records/s (%s per CPU-second)  target" \
		    " >=%s  %s\n", $4, h(rps), ($7 > 0 ? h($9 / $7) : "-"),
		    h($11), rps >= $11 ? "met" : "NOT met"
	}' "$rows"
	if [ -s "$out/lat.tsv" ]; then
		awk -F'\t' '
		$1 == "streamutils" {
			split($3, a, " ")
			for (i in a) { split(a[i], p, "="); v[p[1]] = p[2] }
			ok = v["median_ms"] != "" && v["median_ms"] + 0 < 1 &&
			    v["p99_ms"] + 0 < 5 && v["lost"] == "0"
			printf "  %-56s median %s ms, p99 %s ms, lost %s  " \
			    "target <1 / <5 ms  %s\n", "follow latency at " $2 \
			    " lines/s", v["median_ms"], v["p99_ms"], v["lost"],
			    ok ? "met" : "NOT met"
		}' "$out/lat.tsv"
	fi
}
r "TARGETS (from the foundation issue; met/NOT met judged on wall time)"
summary >"$out/summary.txt"
if [ -s "$out/summary.txt" ]; then
	cat "$out/summary.txt" >>"$report"
else
	r "  (none measured with BENCH_ONLY=$ONLY)"
fi
r ""
busy=
awk -v n="$(nproc)" '{ exit !($1 >= n * 0.75) }' /proc/loadavg 2>/dev/null &&
    busy=" (busy: other work shared the CPUs)"
r "load at the end: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)$busy"

cat "$report"
say "report kept in bench/out/report.txt"

# ---- window/agg, filter, join, top and net benchmarks -------------------
# bench/window.sh, filter.sh, join.sh, top.sh and net.sh (BENCH_ONLY=
# window, filter, join, top, net) append their sections to the report and
# print them; a harness failure in any of them makes run.sh fail.
st=0
for s in window filter join top net; do
	want "$s" || continue
	BIN=$BIN BENCH_REPORT=$report sh "$here/$s.sh" || {
		say "bench/$s.sh failed"
		st=1
	}
done
exit $st
