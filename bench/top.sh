#!/bin/sh
# SPDX-License-Identifier: MIT
# The top-N benchmark (issue 9, ranking), over the 2M-event data set,
# NDJSON and CSV:
#  top1: the record with the largest latency_ms per tumbling 10 s window,
#        stream-source | stream-window -T 10s | stream-top -n 1
#        -b latency_ms:desc | stream-sink;
#  top3: the 3 hosts with the most events per tumbling minute,
#        stream-source | stream-window -T 1m | stream-agg -g host count |
#        stream-top -n 3 -b count:desc,host:asc | stream-sink;
# next to Miller (top; count, sort, head), sort | awk and a one-pass mawk
# computing the same; checks that all answers are identical (projected by
# bench/awk/proj.awk); counts the ties at the cut; instructions per
# record of the stream-top stage.  Prints its section of the report
# (bench/out/top.txt, and appended to run.sh's report when run from
# there).
#
#   BIN=/abs/build/bin sh bench/top.sh      # or BENCH_ONLY=top make bench
#
# Settings as in run.sh: BENCH_N, BENCH_RUNS, BENCH_SEED, BENCH_SUB, CC.
# Exits non-zero only when the harness fails, not on a missed target.
name=top
PFX=t
. "$(cd "$(dirname "$0")" && pwd)/common.sh"

to=$out/top
aw=$awkd
top=$BIN/stream-top
"$top" --version >/dev/null 2>&1 ||
    die "$top does not run: build first (make all)"
for t in mlr mawk sort; do
	command -v $t >/dev/null 2>&1 || say "$t missing: its rows will fail"
done
harness_failed=0
rm -f "$to"/*.out "$to"/*.norm "$to"/diff.* "$to/summary.tsv" "$to/cmp.tsv"
: >"$to/summary.tsv"
: >"$to/cmp.tsv"

F1=window_start,time,host,method,path,status,bytes,latency_ms
F3=window_start,host,count

header "TOP-N BENCHMARK (bench/top.sh: issue 9, ranking)"
r "tools:    mlr $(mlr --version 2>/dev/null | sed 's/^mlr //')," \
    "$(mawk -W version 2>&1 | head -n 1 | cut -d' ' -f1-3)," \
    "$(sort --version 2>/dev/null | head -n 1)"
r "queries:  top1: per tumbling 10 s window the record with the largest" \
    "latency_ms (stream-top -n 1 -b latency_ms:desc);"
r "          top3: per tumbling minute the 3 hosts with the most events" \
    "(stream-agg -g host count | stream-top -n 3 -b count:desc,host:asc)."
r "          streamutils: stream-source -t time -d 2s | stream-window" \
    "-T 10s|1m | ... | stream-sink -o csv -k COLUMNS; the others take the"
r "          first 18 (10 s) or 16 (minute) characters of the RFC 3339" \
    "time as the window (bench/awk/top1.awk, top3.awk, top-first.awk)."
r "ties:     no --with-ties anywhere (ROW_NUMBER: exactly N rows per" \
    "window), each tool breaking ties the same way:"
r "          top1: the earlier arrival (input order) first: stream-top's" \
    "rule without --with-ties, a strict > in the awk pass,"
r "          sort -s (stable) in sort | awk.  Miller's top keeps the later" \
    "of equal values instead and has no other rule; it"
r "          agrees only where no window has a tie at the top, which is" \
    "counted below (a tie would show as a difference)."
r "          top3: count, then host name ascending, a total order" \
    "(-b count:desc,host:asc; mlr sort -nr count -f host; sort -k3,3nr"
r "          -k2,2): the answer is defined whatever the ties."
r "answers:  every output projected by bench/awk/proj.awk to the columns" \
    "above (the window cut to 18 or 16 characters), sorted,"
r "          compared with cmp against streamutils' (same? column)"
r "ratio:    records/s of the (ref) row ÷ records/s of the row; cpu x:" \
    "cpu s of the row ÷ cpu s of the (ref) row (> 1: streamutils faster)"
r ""

# norm FILE FIELDS CUT: FILE.norm, the projected and sorted answer.
norm() {
	if [ -s "$1" ]; then
		mawk -v fields="$2" -v cut1="$3" -f "$aw/proj.awk" "$1" |
		    sort >"$1.norm"
	else
		: >"$1.norm"
	fi
}

# check GROUP ID FILE: compares FILE's answer with streamutils' one.
check() {
	norm "$3" "$fields" "$cut"
	if [ ! -s "$3.norm" ]; then
		same "$2" "no out"
		printf '%s\t%s\t%s\n' "$1" "$2" "empty" >>"$to/cmp.tsv"
	elif cmp -s "$ours_out.norm" "$3.norm"; then
		same "$2" "yes"
		printf '%s\t%s\t%s\n' "$1" "$2" "yes" >>"$to/cmp.tsv"
	else
		same "$2" "NO"
		printf '%s\t%s\t%s\n' "$1" "$2" "no" >>"$to/cmp.tsv"
		printf '%s\n' "$3" >>"$to/diff.$1"
	fi
}

for q in top1 top3; do
	case $q in
	top1)
		what="top 1 per 10 s window by latency_ms"
		fields=$F1
		cut=18
		stages="$win -T 10s | $top -n 1 -b latency_ms:desc"
		mlrv="put '\$window_start = substr(\$time, 0, 17)' then top -n 1 -f latency_ms -g window_start -a then cut -o -f $F1"
		mlab="mlr put + top -n 1 -f latency_ms -a"
		sa="tail -n +2 $csv | sort -t, -s -k1.1,1.18 -k7,7nr | mawk -v n=1 -v k=18 -v hdr=$F1 -f $aw/top-first.awk"
		salab="sort -s -k1.1,1.18 -k7,7nr | mawk top-first.awk"
		;;
	top3)
		what="top 3 hosts per minute by event count"
		fields=$F3
		cut=16
		stages="$win -T 1m | $agg -g host count | $top -n 3 -b count:desc,host:asc"
		mlrv="put '\$window_start = substr(\$time, 0, 15)' then count -g window_start,host then sort -f window_start -nr count -f host then head -n 3 -g window_start"
		mlab="mlr put + count + sort + head -n 3"
		sa="tail -n +2 $csv | cut -c1-16,25- | cut -d, -f1,2 | sort | uniq -c | mawk '{ print \$2 \",\" \$1 }' | sort -t, -k1,1 -k3,3nr -k2,2 | mawk -v n=3 -v hdr=$F3 -f $aw/top-first.awk"
		salab="cut | sort | uniq -c | sort | mawk top-first.awk"
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
		o=$to/su.$g.out
		ours_out=$o
		bench "$g" ref "streamutils: source | window |$([ $q = top3 ] &&
		    echo ' agg |') top | sink" "$N" "$bytes" "" \
		    "$src -f $fmt -t time -d 2s $in | $stages | $sink -o csv -k $fields > $o"
		id_ours=$last
		norm "$o" "$fields" "$cut"
		if [ ! -s "$o.norm" ]; then
			say "streamutils gave no answer for $g"
			harness_failed=1
		fi
		o=$to/mlr.$g.out
		bench "$g" other "$mlab" "$N" "$bytes" "" \
		    "mlr --i$mfmt --ocsv $mlrv $in > $o"
		id_mlr=$last
		check "$g" "$last" "$o"
		id_sa=
		if [ $fmt = csv ]; then
			o=$to/sortawk.$g.out
			bench "$g" other "$salab" "$N" "$bytes" "" "$sa > $o"
			id_sa=$last
			check "$g" "$last" "$o"
		fi
		o=$to/mawk.$g.out
		bench "$g" other "mawk -v fmt=$fmt -f $q.awk (one pass)" \
		    "$N" "$bytes" "" \
		    "mawk -v fmt=$fmt -f $aw/$q.awk $in > $o"
		id_mawk=$last
		check "$g" "$last" "$o"
		printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$g" "$what" "$id_ours" \
		    "$id_mlr" "${id_sa:--}" "$id_mawk" >>"$to/summary.tsv"
	done
done

# Ties at the cut, from events.csv (independent of every tool above).
say "counting ties"
set -- $(mawk -f "$aw/top-ties.awk" "$csv")
tw1=${1:-?} tt1=${2:-?} tw3=${3:-?} tt3=${4:-?}
# stream-top --with-ties on top1, untimed: as many rows as without
# exactly when no window has a tie at the top.
wt=$to/su-with-ties.top1.ndjson.out
"$src" -f ndjson -t time -d 2s "$nd" | "$win" -T 10s |
    "$top" -n 1 -b latency_ms:desc --with-ties |
    "$sink" -o csv -k "$F1" >"$wt" 2>/dev/null
norm "$wt" "$F1" 18
if cmp -s "$wt.norm" "$to/su.top1.ndjson.out.norm"; then
	wt_same="the same rows"
else
	wt_same="$(wc -l <"$wt.norm" | tr -d ' ') rows against $(wc -l \
	    <"$to/su.top1.ndjson.out.norm" | tr -d ' ') without: ties exist"
fi

r "THROUGHPUT AND ANSWERS ($N records; same? = projected answer" \
    "identical to streamutils')"
for q in top1 top3; do
	for fmt in ndjson csv; do
		g=$q.$fmt
		what=$(awk -F'\t' -v g="$g" '$1 == g { print $2 }' \
		    "$to/summary.tsv")
		[ $fmt = ndjson ] && fl="events.ndjson" ||
		    fl="events.csv, with header"
		n_rows=$(wc -l <"$to/su.$g.out.norm" | tr -d ' ')
		table "$g" "$what, $fl ($n_rows rows)"
		if [ -s "$to/diff.$g" ]; then
			while read -r f; do
				t=$(basename "$f" ".$g.out")
				r "  $t: identical: no ($t $(wc -l <"$f.norm" |
				    tr -d ' ') rows, streamutils $(wc -l \
				    <"$to/su.$g.out.norm" | tr -d ' ');" \
				    "first differences, projected:)"
				diff_lines "$to/su.$g.out.norm" "$f.norm" \
				    streamutils "$t"
			done <"$to/diff.$g"
		fi
		r ""
	done
done
r "TIES AT THE CUT (bench/awk/top-ties.awk over events.csv):"
r "  top1: $tt1 of $tw1 windows have their largest latency_ms more than" \
    "once; stream-top --with-ties (untimed, NDJSON) gives $wt_same"
r "  top3: $tt3 of $tw3 minutes have equal 3rd and 4th host counts" \
    "(decided by the host name where there are)"
r ""
commands
r ""

# streamutils against everyone.
r "ANSWERS"
awk -F'\t' '
{ n[$1]++; if ($3 == "yes") y[$1]++ }
END {
	for (g in n) {
		if (y[g] == n[g])
			printf "  %-12s identical across all %d other tools\n", g,
			    n[g]
		else if (y[g] == 0)
			printf "  %-12s streamutils differs from ALL %d other" \
			    " tools: a bug in streamutils?\n", g, n[g]
		else
			printf "  %-12s %d of %d other tools identical\n", g,
			    y[g], n[g]
	}
}' "$to/cmp.tsv" | sort >>"$sec"
r ""

# ---- instructions per record --------------------------------------------
if command -v valgrind >/dev/null 2>&1; then
	sw=$data/top.sub.win.frames
	"$src" -f ndjson -t time -d 2s "$data/sub.ndjson" | "$win" -T 10s \
	    >"$sw" || die "cannot make the frames of the subset"
	r "INSTRUCTIONS PER RECORD ($SUB-record subset, callgrind; input:" \
	    "top.sub.win.frames = stream-source -f ndjson -t time -d 2s"
	r "sub.ndjson | stream-window -T 10s, made beforehand; the top3" \
	    "stream-top stage sees only the count rows and costs nothing per" \
	    "event,"
	r "and the source, window and agg stages are measured in" \
	    "bench/window.sh)"
	insn "stream-top -n 1 -b latency_ms:desc" "$SUB" \
	    "$top -n 1 -b latency_ms:desc < $sw > /dev/null"
	insn "stream-top -n 1 -b latency_ms:desc --with-ties" "$SUB" \
	    "$top -n 1 -b latency_ms:desc --with-ties < $sw > /dev/null"
	insn "reference: mawk -v fmt=ndjson -f top1.awk" "$SUB" \
	    "mawk -v fmt=ndjson -f $aw/top1.awk $data/sub.ndjson > /dev/null"
	r ""
	rm -f "$sw"
else
	r "INSTRUCTIONS PER RECORD: valgrind missing, not measured"
	r ""
fi

# ---- comparisons --------------------------------------------------------
r "COMPARISONS (records/s of the whole streamutils pipeline against each" \
    "other tool, wall time; per CPU-second in brackets)"
awk -F'\t' -v runs="$RUNS" '
function h(x) { return x >= 1e6 ? sprintf("%.2fM", x / 1e6) :
    sprintf("%.1fk", x / 1e3) }
FILENAME ~ /rows.tsv$/ { s[$2] = $5; c[$2] = $7; rec[$2] = $9; nf[$2] = $13
	sm[$2] = $14; next }
function rps(i) { return s[i] > 0 && nf[i] < runs ? rec[i] / s[i] : 0 }
function cps(i) { return c[i] > 0 && nf[i] < runs ? rec[i] / c[i] : 0 }
function vs(lab, i) {
	if (i == "-")
		return ""
	if (rps(i) == 0)
		return sprintf("; %s: n/a", lab)
	return sprintf("; %s %.1fx (%.1fx)%s", lab, rps(o) / rps(i),
	    cps(o) / cps(i), sm[i] == "yes" ? "" : " [answer differs]")
}
{
	o = $3
	if (rps(o) == 0) {
		printf "  %-12s streamutils failed: n/a\n", $1
		next
	}
	printf "  %-12s %s records/s%s%s%s\n", $1, h(rps(o)),
	    vs("vs Miller", $4), vs("vs sort|awk", $5), vs("vs mawk", $6)
}' "$rows" "$to/summary.tsv" >>"$sec"
r ""
footer
finish
[ "$harness_failed" = 0 ] && [ "$insn_failed" = 0 ]
