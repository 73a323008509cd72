#!/bin/sh
# SPDX-License-Identifier: MIT
# The expression benchmark: a two-comparison predicate,
#   status >= 500 AND latency_ms > 250
# over the 2M-event data set: the stream-filter stage on frames in and
# out (target >= 10M records/s), and text in, text out next to
# mlr filter, jq select and mawk on the same NDJSON, with a check that all
# select the same records; instructions per record of the filter stage.
# Prints its section of the report (bench/out/filter.txt, and appended to
# run.sh's report when run from there).
#
#   BIN=/abs/build/bin sh bench/filter.sh      # or BENCH_ONLY=filter make bench
#
# Settings as in run.sh: BENCH_N, BENCH_RUNS, BENCH_SEED, BENCH_SUB, CC.
# Exits non-zero only when the harness fails, not on a missed target.
name=filter
PFX=f
. "$(cd "$(dirname "$0")" && pwd)/common.sh"

fo=$out/filter
expr='status >= 500 AND latency_ms > 250'
harness_failed=0
for t in mlr jq mawk; do
	command -v $t >/dev/null 2>&1 || say "$t missing: its row will fail"
done

# Frames with event time, from the tools under test: made fresh each run.
fr=$data/events.time.frames
sfr=$data/sub.time.frames
say "making events.time.frames"
"$src" -f ndjson -t time "$nd" >"$fr" ||
    die "stream-source -f ndjson -t time events.ndjson > events.time.frames failed"
"$src" -f ndjson -t time "$data/sub.ndjson" >"$sfr" ||
    die "cannot make sub.time.frames"
B_FR=$(size "$fr")

header "FILTER BENCHMARK (bench/filter.sh: the expression issue)"
r "tools:    mlr $(mlr --version 2>/dev/null | sed 's/^mlr //')," \
    "$(jq --version 2>/dev/null)," \
    "$(mawk -W version 2>&1 | head -n 1 | cut -d' ' -f1-3)"
r "predicate: $expr (mlr: \$status >= 500 && \$latency_ms > 250;" \
    "jq: .status >= 500 and .latency_ms > 250)"
r "frames:   events.time.frames = stream-source -f ndjson -t time" \
    "events.ndjson ($B_FR B), made at the start"
r "answers:  each output normalised with jq -c (Miller's JSON array" \
    "with jq -c '.[]') and compared with cmp against streamutils'"
r "          text pipeline (same? column; the frames rows: their records" \
    "written by stream-sink -o ndjson, untimed)"
r "ratio:    records/s of the (ref) row ÷ records/s of the row; cpu x:" \
    "cpu s of the row ÷ cpu s of the (ref) row (> 1: streamutils faster)"
r ""

# ---- throughput ---------------------------------------------------------
say "frames group"
cat "$fr" >/dev/null
bench fr su "stream-filter -w EXPR FILE > /dev/null" "$N" "$B_FR" 10000000 \
    "$filt -w '$expr' $fr > /dev/null"
id_f1=$last
bench fr ref "cat FILE | stream-filter -w EXPR | cat" "$N" "$B_FR" 10000000 \
    "cat $fr | $filt -w '$expr' | cat > /dev/null"
id_f2=$last
bench fr other "cat FILE | cat | cat" "$N" "$B_FR" "" \
    "cat $fr | cat | cat > /dev/null"

say "text group"
cat "$nd" >/dev/null
bench nd ref "stream-source | stream-filter -w EXPR | stream-sink" \
    "$N" "$B_ND" "" \
    "$src -f ndjson -t time $nd | $filt -w '$expr' | $sink -o ndjson > $fo/su.ndjson"
id_su=$last
bench nd other "mlr --ijson --ojson filter" "$N" "$B_ND" "" \
    "mlr --ijson --ojson filter '\$status >= 500 && \$latency_ms > 250' $nd > $fo/mlr.json"
id_mlr=$last
bench nd other "jq -c 'select(...)'" "$N" "$B_ND" "" \
    "jq -c 'select(.status >= 500 and .latency_ms > 250)' $nd > $fo/jq.ndjson"
id_jq=$last
bench nd other "mawk -f filter-ndjson.awk" "$N" "$B_ND" "" \
    "mawk -f $awkd/filter-ndjson.awk $nd > $fo/mawk.ndjson"
id_mawk=$last

# ---- answers ------------------------------------------------------------
say "checking answers"
"$filt" -w "$expr" "$fr" | "$sink" -o ndjson >"$fo/frames.ndjson" ||
    harness_failed=1
jn() { jq -c "${2:-.}" "$1" >"$1.norm" 2>"$1.jqerr" || : >"$1.norm"; }
jn "$fo/su.ndjson"
jn "$fo/frames.ndjson"
jn "$fo/mlr.json" '.[]'
jn "$fo/jq.ndjson"
jn "$fo/mawk.ndjson"
[ -s "$fo/su.ndjson.norm" ] || harness_failed=1
: >"$fo/detail.txt"
for spec in "$id_f1|frames" "$id_f2|frames" "$id_mlr|mlr.json" \
    "$id_jq|jq.ndjson" "$id_mawk|mawk.ndjson"; do
	id=${spec%%|*}
	f=$fo/${spec#*|}.norm
	[ "${spec#*|}" = frames ] && f=$fo/frames.ndjson.norm
	if [ ! -s "$f" ]; then
		same "$id" "no out"
	elif cmp -s "$fo/su.ndjson.norm" "$f"; then
		same "$id" "yes"
	else
		same "$id" "NO"
		printf '%s\n' "$f" >>"$fo/detail.txt"
	fi
done
cnt() { wc -l <"$1" | tr -d ' '; }

r "THROUGHPUT ($N records; ratio = records/s of the (ref) row ÷" \
    "records/s of this row: >1 means streamutils is faster)"
table fr "filter stage, frames in and out (events.time.frames)"
r ""
table nd "text in, text out (events.ndjson)"
r ""
r "records selected: streamutils $(cnt "$fo/su.ndjson.norm")" \
    "(frames path $(cnt "$fo/frames.ndjson.norm")), mlr" \
    "$(cnt "$fo/mlr.json.norm"), jq $(cnt "$fo/jq.ndjson.norm")," \
    "mawk $(cnt "$fo/mawk.ndjson.norm") of $N"
while read -r f; do
	t=$(basename "$f" .norm)
	r "  $t: identical: no ($(cnt "$f") vs $(cnt \
	    "$fo/su.ndjson.norm") records; first differences:)"
	diff_lines "$fo/su.ndjson.norm" "$f" streamutils "$t"
done <"$fo/detail.txt"
r ""
commands
r ""

# ---- instructions per record --------------------------------------------
if command -v valgrind >/dev/null 2>&1; then
	r "INSTRUCTIONS PER RECORD ($SUB-record subset, callgrind; input:" \
	    "sub.time.frames = stream-source -f ndjson -t time sub.ndjson)"
	insn "stream-filter -w '$expr'" "$SUB" \
	    "$filt -w '$expr' < $sfr > /dev/null"
	insn "stream-source frames pass-through (the floor)" "$SUB" \
	    "$src < $sfr > /dev/null"
	r ""
else
	r "INSTRUCTIONS PER RECORD: valgrind missing, not measured"
	r ""
fi

# ---- targets ------------------------------------------------------------
r "TARGETS (expression issue: >= 10M records/s for the filter stage," \
    "frames in and out; met/NOT met judged on wall time)"
awk -F'\t' -v runs="$RUNS" -v f1="$id_f1" -v f2="$id_f2" -v su="$id_su" \
    -v ml="$id_mlr" -v jq="$id_jq" '
function h(x) { return sprintf("%.2fM", x / 1e6) }
{ s[$2] = $5; c[$2] = $7; rec[$2] = $9; nf[$2] = $13; lab[$2] = $4
  tg[$2] = $11 }
function rps(i) { return s[i] > 0 && nf[i] < runs ? rec[i] / s[i] : 0 }
function cps(i) { return c[i] > 0 && nf[i] < runs ? rec[i] / c[i] : 0 }
function ratio(a, b) {
	return rps(a) > 0 && rps(b) > 0 ? sprintf("%.1fx", rps(a) / rps(b)) \
	    : "n/a"
}
function cratio(a, b) {
	return cps(a) > 0 && cps(b) > 0 ? sprintf("%.1fx", cps(a) / cps(b)) \
	    : "n/a"
}
END {
	split(f1 " " f2, ids, " ")
	for (k = 1; k <= 2; k++) {
		i = ids[k]
		printf "  %-42s %8s records/s (%s per CPU-second)  target " \
		    ">=%s  %s\n", lab[i], h(rps(i)), h(cps(i)), h(tg[i]),
		    rps(i) == 0 ? "n/a" : (rps(i) >= tg[i] ? "met" : "NOT met")
	}
	printf "  filter stage [f%s] vs mlr filter [f%s]: %s, vs jq select" \
	    " [f%s]: %s (per CPU-second: %s, %s)\n", f2, ml, ratio(f2, ml),
	    jq, ratio(f2, jq), cratio(f2, ml), cratio(f2, jq)
	printf "  text in/out [f%s] vs mlr filter: %s, vs jq select: %s" \
	    " (per CPU-second: %s, %s)\n", su, ratio(su, ml), ratio(su, jq),
	    cratio(su, ml), cratio(su, jq)
}' "$rows" >>"$sec"
r ""
footer
finish
[ "$harness_failed" = 0 ] && [ "$insn_failed" = 0 ]
