#!/bin/sh
# SPDX-License-Identifier: MIT
# The window/agg benchmark: tumbling 10 s count by status, sum/mean by
# host and p99 by host over the 2M-event data set, NDJSON and CSV, with
#   stream-source | stream-window | stream-agg | stream-sink
# next to mawk, gawk, Miller, jq (NDJSON) and datamash (CSV) computing the
# same; checks that all answers are identical (normalised by
# bench/awk/norm.awk); measures the memory of 1M groups in one window
# (bench/gen_groups.c) and the instructions per record of the window and
# agg stages.  Prints its section of the report (bench/out/window.txt,
# and appended to run.sh's report when run from there).
#
#   BIN=/abs/build/bin sh bench/window.sh      # or BENCH_ONLY=window make bench
#
# Settings as in run.sh: BENCH_N, BENCH_RUNS, BENCH_SEED, BENCH_SUB, CC;
# BENCH_GROUPS (1000000) distinct keys for the memory test.
# Exits non-zero only when the harness fails, not on a missed target.
name=window
PFX=w
. "$(cd "$(dirname "$0")" && pwd)/common.sh"

GROUPS=${BENCH_GROUPS:-1000000}
case $GROUPS in '' | *[!0-9]* | 0) die "BENCH_GROUPS must be >= 1" ;; esac
wo=$out/window
aw=$awkd
jqd=$here/jq
for t in mawk gawk mlr jq datamash; do
	command -v $t >/dev/null 2>&1 || say "$t missing: its rows will fail"
done

header "WINDOW/AGG BENCHMARK (bench/window.sh: the window/agg issue)"
r "tools:    $(mawk -W version 2>&1 | head -n 1 | cut -d' ' -f1-3)," \
    "$(gawk --version 2>/dev/null | head -n 1 | cut -d, -f1)," \
    "mlr $(mlr --version 2>/dev/null | sed 's/^mlr //')," \
    "$(jq --version 2>/dev/null)," \
    "$(datamash --version 2>/dev/null | head -n 1)"
r "query:    tumbling 10 s windows; per (window, key) the value(s) below;" \
    "streamutils: stream-source -t time -d 2s | stream-window -T 10s |"
r "          stream-agg -g KEY ACC | stream-sink -o csv; the others take" \
    "the first 18 characters of the RFC 3339 time as the 10-second"
r "          bucket (bench/awk/*.awk, bench/jq/*.jq; the awk NDJSON" \
    "scripts split on '\"' and rely on gen.c's fixed key order)."
r "answers:  every output normalised by bench/awk/norm.awk to" \
    "WINDOW_START_EPOCH,KEY,VALUE... (integers exact, other numbers"
r "          to 6 significant digits), sorted, and compared with cmp" \
    "against streamutils' (same? column); p99 = the value of rank"
r "          floor(0.99 n), 0-based, in the sorted values (stream-agg," \
    "Miller, gawk, the awk quickselect, jq)."
r "ratio:    records/s of the (ref) row ÷ records/s of the row; cpu x:" \
    "cpu s of the row ÷ cpu s of the (ref) row (> 1: streamutils faster)"
r ""

# ---- throughput and answers ---------------------------------------------
mput="put '\$w = substr(\$time, 0, 17)'"
# cut -c1-18,25-: events.csv with the time cut to its 10-second bucket
# (the time is always 24 characters), for datamash, which cannot.
dcut="cut -c1-18,25- $csv |"
: >"$wo/summary.tsv"
harness_failed=0

# norm FILE: FILE.norm, the normalised and sorted answer.
norm() {
	if [ -s "$1" ]; then
		mawk -f "$aw/norm.awk" "$1" | LC_ALL=C sort >"$1.norm"
	else
		: >"$1.norm"
	fi
}

# check GROUP ID FILE: compares FILE's answer with streamutils' one.
check() {
	norm "$3"
	if [ ! -s "$3.norm" ]; then
		same "$2" "no out"
		printf '%s\t%s\t%s\n' "$1" "$2" "empty" >>"$wo/cmp.tsv"
	elif cmp -s "$ours_out.norm" "$3.norm"; then
		same "$2" "yes"
		printf '%s\t%s\t%s\n' "$1" "$2" "yes" >>"$wo/cmp.tsv"
	else
		same "$2" "NO"
		printf '%s\t%s\t%s\n' "$1" "$2" "no" >>"$wo/cmp.tsv"
		printf '%s\n' "$3" >>"$wo/diff.$1"
	fi
}

: >"$wo/cmp.tsv"
for q in count summean p99; do
	case $q in
	count)
		acc="-g status count"
		what="count by status"
		mlrv="count -g w,status"
		dm="-g 1,5 count 5"
		ma="-f $aw/count-FMT.awk"
		ga="-f $aw/count-FMT.awk"
		;;
	summean)
		acc="-g host sum:bytes mean:latency_ms"
		what="sum of bytes and mean of latency_ms by host"
		mlrv="stats1 -a sum,mean -f bytes,latency_ms -g w,host then"
		mlrv="$mlrv cut -o -f w,host,bytes_sum,latency_ms_mean"
		dm="-g 1,2 sum 6 mean 7"
		ma="-f $aw/summean-FMT.awk"
		ga="-f $aw/summean-FMT.awk"
		;;
	p99)
		acc="-g host p99:latency_ms"
		what="p99 of latency_ms by host"
		mlrv="stats1 -a p99 -f latency_ms -g w,host"
		dm="-g 1,2 perc:99 7"
		ma="-v fmt=FMT -f $aw/p99-select.awk"
		ga="-v fmt=FMT -f $aw/p99-asort.awk"
		;;
	esac
	for fmt in ndjson csv; do
		g=$q.$fmt
		if [ $fmt = ndjson ]; then
			in=$nd
			bytes=$B_ND
			mfmt=json
		else
			in=$csv
			bytes=$B_CSV
			mfmt=csv
		fi
		say "$what, $fmt"
		cat "$in" >/dev/null
		rm -f "$wo/diff.$g" "$wo"/*."$g"
		o=$wo/su.$g
		ours_out=$o
		bench "$g" ref "streamutils: source | window | agg | sink" \
		    "$N" "$bytes" "" \
		    "$src -f $fmt -t time -d 2s $in | $win -T 10s | $agg $acc | $sink -o csv > $o"
		id_ours=$last
		norm "$o"
		if [ ! -s "$o.norm" ]; then
			say "streamutils gave no answer for $g"
			harness_failed=1
		fi
		bench "$g" other \
		    "mawk $(printf '%s' "$ma" | sed "s|FMT|$fmt|; s|$aw/||")" \
		    "$N" "$bytes" "" \
		    "mawk $(printf '%s' "$ma" | sed "s|FMT|$fmt|") $in > $wo/mawk.$g"
		id_mawk=$last
		check "$g" "$last" "$wo/mawk.$g"
		bench "$g" other \
		    "gawk $(printf '%s' "$ga" | sed "s|FMT|$fmt|; s|$aw/||")" \
		    "$N" "$bytes" "" \
		    "gawk $(printf '%s' "$ga" | sed "s|FMT|$fmt|") $in > $wo/gawk.$g"
		check "$g" "$last" "$wo/gawk.$g"
		mlab="mlr put + $(printf '%s' "$mlrv" | cut -d' ' -f1-3)"
		bench "$g" other "$mlab" "$N" "$bytes" "" \
		    "mlr --i$mfmt --ocsv $mput then $mlrv $in > $wo/mlr.$g"
		id_mlr=$last
		check "$g" "$last" "$wo/mlr.$g"
		if [ $fmt = ndjson ]; then
			bench "$g" other "jq -n -r -f $q.jq (group_by)" \
			    "$N" "$bytes" "" \
			    "jq -n -r -f $jqd/$q.jq $in > $wo/jq.$g"
			check "$g" "$last" "$wo/jq.$g"
		else
			bench "$g" other "cut | datamash -s $dm" \
			    "$N" "$bytes" "" \
			    "$dcut datamash -t, --header-in -s $dm > $wo/datamash.$g"
			id_dm=$last
			check "$g" "$last" "$wo/datamash.$g"
		fi
		printf '%s\t%s\t%s\t%s\t%s\n' "$g" "$what" "$id_ours" \
		    "$id_mawk" "$id_mlr" >>"$wo/summary.tsv"
	done
done

# datamash's perc is interpolated (R type 7: rank h = (n - 1) p,
# between the two neighbours); datamash 1.7 has no nearest-rank option.
# Its p99 is checked against gawk computing that definition instead.
dm_interp=
if [ -s "$wo/datamash.p99.csv" ]; then
	gawk -v fmt=csv -v interp=1 -f "$aw/p99-asort.awk" "$csv" \
	    >"$wo/gawk-interp.p99.csv"
	norm "$wo/gawk-interp.p99.csv"
	if cmp -s "$wo/gawk-interp.p99.csv.norm" "$wo/datamash.p99.csv.norm"
	then
		dm_interp=yes
		same "$id_dm" "interp"
		awk -F'\t' -v OFS='\t' -v id="$id_dm" \
		    '$2 == id { $3 = "interp" } { print }' "$wo/cmp.tsv" \
		    >"$wo/cmp.tmp" && mv "$wo/cmp.tmp" "$wo/cmp.tsv"
	else
		dm_interp=no
	fi
fi

# The tables, each followed by the details of any differing answer.
r "THROUGHPUT AND ANSWERS ($N records; same? = normalised answer" \
    "identical to streamutils')"
for q in count summean p99; do
	for fmt in ndjson csv; do
		g=$q.$fmt
		what=$(awk -F'\t' -v g="$g" '$1 == g { print $2 }' \
		    "$wo/summary.tsv")
		[ $fmt = ndjson ] && fl="events.ndjson" ||
		    fl="events.csv, with header"
		table "$g" "$what, $fl"
		if [ -s "$wo/diff.$g" ]; then
			while read -r f; do
				t=$(basename "$f" ".$g")
				r "  $t: identical: no ($t $(wc -l <"$f.norm" |
				    tr -d ' ') lines, streamutils $(wc -l \
				    <"$wo/su.$g.norm" | tr -d ' ');" \
				    "first differences, normalised:)"
				diff_lines "$wo/su.$g.norm" "$f.norm" \
				    streamutils "$t"
			done <"$wo/diff.$g"
		fi
		if [ "$g" = p99.csv ] && [ -n "$dm_interp" ]; then
			r "  datamash perc:99 interpolates (rank (n - 1) 0.99," \
			    "R type 7; datamash 1.7 has no nearest-rank option):"
			r "  against gawk computing that definition" \
			    "(p99-asort.awk -v interp=1): identical: $dm_interp"
			if [ "$dm_interp" = no ]; then
				diff_lines "$wo/gawk-interp.p99.csv.norm" \
				    "$wo/datamash.p99.csv.norm" gawk-interp \
				    datamash
			fi
		fi
		r ""
	done
done
commands
r ""

# streamutils against everyone: a difference from every other tool that
# agrees with the rest is ours.
r "ANSWERS"
awk -F'\t' '
{ n[$1]++; if ($3 == "yes") y[$1]++; if ($3 == "interp") ip[$1]++ }
END {
	for (g in n) {
		if (y[g] == n[g])
			printf "  %-14s identical across all %d other tools\n", g,
			    n[g]
		else if (y[g] + ip[g] == n[g])
			printf "  %-14s identical across all %d other tools" \
			    " (datamash: its interpolated p99, see above)\n", g,
			    n[g]
		else if (y[g] == 0)
			printf "  %-14s streamutils differs from ALL %d other" \
			    " tools: a bug in streamutils?\n", g, n[g]
		else
			printf "  %-14s %d of %d other tools identical\n", g,
			    y[g], n[g]
	}
}' "$wo/cmp.tsv" | sort >>"$sec"
# How far apart the means are before rounding (the order of summation).
for fmt in ndjson csv; do
	a=$wo/su.summean.$fmt
	b=$wo/mawk.summean.$fmt
	[ -s "$a" ] && [ -s "$b" ] || continue
	mawk -v raw=1 -f "$aw/norm.awk" "$a" | LC_ALL=C sort >"$a.raw"
	mawk -v raw=1 -f "$aw/norm.awk" "$b" | LC_ALL=C sort >"$b.raw"
	r "  summean.$fmt: means at full precision, streamutils against mawk:" \
	    "$(awk -F, 'NR == FNR { m[$1 "," $2] = $4; next }
	    ($1 "," $2) in m { n++; a = m[$1 "," $2]; b = $4
		if (a != b) { d++; x = (a - b) / b; if (x < 0) x = -x
		    if (x > mx) mx = x } }
	    END { printf "%d of %d differ, the largest by %.2g relative" \
		" (the order of summation; the rounding in norm.awk" \
		" absorbs it)", d, n, mx }' "$a.raw" "$b.raw")"
done
r ""

# ---- memory: 1M groups in one window ------------------------------------
say "memory: $GROUPS groups in one window"
gf=$data/groups.ndjson
reps=$((GROUPS / 4))
"$tools/gen_groups" -n "$GROUPS" -r "$reps" >"$gf" ||
    die "gen_groups failed"
gw=$data/groups.win.frames
"$src" -f ndjson -t time "$gf" | "$win" -T 10s >"$gw" ||
    die "cannot make $(short "$gw")"
mt=$wo/mem.time
ms=$wo/mem.stats
mcmd="/usr/bin/time -v -o $mt $agg --stats -g key count sum:v mean:v < $gw 2> $ms | $sink -o csv | wc -l"
mrows=$(sh -c "$mcmd" | tr -d ' ')
rss=$(sed -n 's/.*Maximum resident set size (kbytes): *//p' "$mt" 2>/dev/null)
el=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): *//p' "$mt" \
    2>/dev/null)
us=$(sed -n 's/.*User time (seconds): *//p' "$mt" 2>/dev/null)
sy=$(sed -n 's/.*System time (seconds): *//p' "$mt" 2>/dev/null)
r "MEMORY ($GROUPS distinct keys k0000000.. plus $reps repeats, all in" \
    "one 10 s window: bench/gen_groups.c)"
r "  $(short "$mcmd")"
r "  (input: $(short "$src") -f ndjson -t time $(short "$gf") |" \
    "stream-window -T 10s > $(short "$gw"), made beforehand)"
if [ -n "$rss" ]; then
	r "$(awk -v k="$rss" -v g="$GROUPS" -v rows="$mrows" \
	    -v el="$el" -v us="$us" -v sy="$sy" 'BEGIN {
	    mb = k * 1024 / 1e6
	    printf "  peak RSS of stream-agg: %d kB = %.1f MB (%.1f MiB), " \
	        "%.0f bytes per group; target <= 200 MB: %s\n", k, mb,
	        k / 1024, k * 1024 / g, mb <= 200 ? "met" : "NOT met"
	    printf "  rows out: %d (expected %d); wall %s, cpu %.2f s " \
	        "(user %s + sys %s)", rows - 1, g, el, us + sy, us, sy }')"
else
	r "  measurement failed (see $(short "$mt"))"
	harness_failed=1
fi
r "  stream-agg --stats: $(sed 's/^stream-agg: //' "$ms" | head -n 3 |
    tr '\n' ' ')"
r ""
rm -f "$gw" "$gf"

# ---- instructions per record --------------------------------------------
if command -v valgrind >/dev/null 2>&1; then
	sf=$data/sub.time.frames
	sw=$data/sub.win.frames
	"$src" -f ndjson -t time -d 2s "$data/sub.ndjson" >"$sf" &&
	    "$win" -T 10s <"$sf" >"$sw" &&
	    "$agg" -g status count <"$sw" >"$wo/sub.count.frames" ||
	    die "cannot make the frames of the subset"
	r "INSTRUCTIONS PER RECORD ($SUB-record subset, callgrind; stable" \
	    "where wall time is noisy; input: frames made beforehand by"
	r "stream-source -f ndjson -t time -d 2s sub.ndjson > sub.time.frames" \
	    "and stream-window -T 10s < sub.time.frames > sub.win.frames)"
	sub_csv=$data/sub.csv
	head -n "$((SUB + 1))" "$csv" >"$sub_csv"
	insn "stream-source -f ndjson -t time -d 2s" "$SUB" \
	    "$src -f ndjson -t time -d 2s $data/sub.ndjson > /dev/null" src-ndjson
	insn "stream-source -f csv -t time -d 2s" "$SUB" \
	    "$src -f csv -t time -d 2s $sub_csv > /dev/null" src-csv
	insn "stream-window -T 10s" "$SUB" \
	    "$win -T 10s < $sf > /dev/null" window
	insn "stream-agg -g status count" "$SUB" \
	    "$agg -g status count < $sw > /dev/null" agg-count
	insn "stream-agg -g host sum:bytes mean:latency_ms" "$SUB" \
	    "$agg -g host sum:bytes mean:latency_ms < $sw > /dev/null"
	insn "stream-agg -g host p99:latency_ms" "$SUB" \
	    "$agg -g host p99:latency_ms < $sw > /dev/null"
	insn "stream-sink -o csv (the count by status rows)" "$SUB" \
	    "$sink -o csv < $wo/sub.count.frames > /dev/null" sink
	insn "reference: mawk -f count-ndjson.awk" "$SUB" \
	    "mawk -f $aw/count-ndjson.awk $data/sub.ndjson > /dev/null" mawk-ndjson
	insn "reference: mawk -f count-csv.awk" "$SUB" \
	    "mawk -f $aw/count-csv.awk $sub_csv > /dev/null" mawk-csv
	awk -F'\t' '{ v[$1] = $2 }
	END {
		if (!("src-ndjson" in v) || !("agg-count" in v)) exit
		w = v["window"]; a = v["agg-count"]; k = v["sink"]
		printf "- whole count-by-status pipeline, the stages summed" \
		    " per input record (window, agg, sink on the NDJSON" \
		    " frames): NDJSON %.0f (mawk %.0f), CSV %.0f (mawk %.0f)" \
		    " instructions/record\n", v["src-ndjson"] + w + a + k,
		    v["mawk-ndjson"], v["src-csv"] + w + a + k, v["mawk-csv"]
	}' "$wo/insn.tsv" >>"$sec"
	r ""
else
	r "INSTRUCTIONS PER RECORD: valgrind missing, not measured"
	r ""
fi

# ---- targets ------------------------------------------------------------
r "TARGETS (window/agg issue: the whole pipeline faster than mawk and" \
    ">= 10x Miller on records/s, identical answers; met/NOT met judged"
r "on wall time, with the same comparison per CPU-second alongside)"
awk -F'\t' -v runs="$RUNS" '
function h(x) { return sprintf("%.2fM", x / 1e6) }
FILENAME ~ /rows.tsv$/ { s[$2] = $5; c[$2] = $7; rec[$2] = $9; nf[$2] = $13
	sm[$2] = $14; g = $1; if ($3 != "ref") { oth[g]++; if ($14 == "yes" ||
	$14 == "interp") ok[g]++ } next }
{
	g = $1; o = $3; m = $4; l = $5
	if (s[o] <= 0 || nf[o] >= runs) {
		printf "  %-15s %-45s streamutils failed: n/a\n", g, $2
		next
	}
	ro = rec[o] / s[o]; co = rec[o] / c[o]
	rm = s[m] > 0 ? rec[m] / s[m] : 0; cm = c[m] > 0 ? rec[m] / c[m] : 0
	rl = s[l] > 0 ? rec[l] / s[l] : 0; cl = c[l] > 0 ? rec[l] / c[l] : 0
	printf "  %-15s streamutils %s records/s (%s per CPU-second)\n", g,
	    h(ro), h(co)
	if (rm > 0 && nf[m] < runs)
		printf "  %-15s   faster than mawk (%s):  %.2fx  %s" \
		    "   (per CPU-second: %.2fx)\n", "", h(rm), ro / rm,
		    (ro > rm ? "met" : "NOT met"), co / cm
	else
		printf "  %-15s   faster than mawk: n/a (mawk failed)\n", ""
	if (rl > 0 && nf[l] < runs)
		printf "  %-15s   >= 10x Miller (%s):   %.2fx  %s" \
		    "   (per CPU-second: %.2fx)\n", "", h(rl), ro / rl,
		    (ro >= 10 * rl ? "met" : "NOT met"), co / cl
	else
		printf "  %-15s   >= 10x Miller: n/a (mlr failed)\n", ""
	printf "  %-15s   identical answers: %d of %d other tools%s\n", "",
	    ok[g], oth[g], (g == "p99.csv" ? " (datamash: same as gawk " \
	    "with its interpolated definition)" : "")
}' "$rows" "$wo/summary.tsv" >>"$sec"
rss_line=$(awk -v k="${rss:-0}" 'BEGIN { if (k > 0) printf "%.1f MB",
    k * 1024 / 1e6; else printf "n/a" }')
r "  memory: $GROUPS groups with count/sum/mean in one window: peak" \
    "RSS $rss_line, target <= 200 MB: $(awk -v k="${rss:-0}" 'BEGIN {
    print (k > 0 ? (k * 1024 / 1e6 <= 200 ? "met" : "NOT met") : "n/a") }')"
r ""
footer
finish
[ "$harness_failed" = 0 ] && [ "$insn_failed" = 0 ]
