#!/bin/sh
# SPDX-License-Identifier: MIT
# The join benchmark (issue 8, joins):
#  1. enrichment: the 2M-event data set (events.ndjson) joined with a
#     100k-row CSV table on path (a left join: events whose path is not in
#     the table keep null fields), by stream-join -T, next to mlr join and
#     a mawk hash join; the same with a table on bytes, whose lookups are
#     spread over the whole table; checks that all answers are identical;
#     peak RSS and the memory per table row;
#  2. interval join: two streams of N/2 records (ad impressions and
#     clicks, bench/gen_join.c) on ad, the click within [-5 s, +5 s] of the
#     impression, by stream-join -R -W, next to sqlite3 computing the same
#     pairs (import, index, query), with a check that the pairs are the
#     same; peak RSS and the records held;
# and the instructions per record of the join stage.  Prints its section
# of the report (bench/out/join.txt, and appended to run.sh's report when
# run from there).
#
#   BIN=/abs/build/bin sh bench/join.sh      # or BENCH_ONLY=join make bench
#
# Settings as in run.sh: BENCH_N, BENCH_RUNS, BENCH_SEED, BENCH_SUB, CC;
# BENCH_JOIN_ROWS (100000) table rows, BENCH_JOIN_ADS (10000) distinct
# ads in the interval join.
# Exits non-zero only when the harness fails, not on a missed target.
name=join
PFX=j
. "$(cd "$(dirname "$0")" && pwd)/common.sh"

ROWS=${BENCH_JOIN_ROWS:-100000}
ADS=${BENCH_JOIN_ADS:-10000}
case $ROWS in '' | *[!0-9]* | 0) die "BENCH_JOIN_ROWS must be >= 1" ;; esac
case $ADS in '' | *[!0-9]* | 0) die "BENCH_JOIN_ADS must be >= 1" ;; esac
NI=$((N / 2))
[ "$NI" -ge 1 ] || NI=1
SI=$((SUB / 2))
[ "$SI" -ge 1 ] || SI=1
jo=$out/join
jd=$data/join
aw=$awkd
join=$BIN/stream-join
mkdir -p "$jd" || exit 1
"$join" --version >/dev/null 2>&1 ||
    die "$join does not run: build first (make all)"
for t in mlr mawk sqlite3; do
	command -v $t >/dev/null 2>&1 || say "$t missing: its rows will fail"
done
$CC -O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra -o "$tools/gen_join" \
    "$here/gen_join.c" || die "cannot compile bench/gen_join.c"
harness_failed=0
rm -f "$jo"/rss.* "$jo"/*.norm "$jo"/*.out "$jo"/diff.* "$jo/rss.tsv"

# Peak RSS: the main process of a row runs under /usr/bin/time (GNU time,
# a fork and a wait: nothing measurable next to the runs' seconds), which
# keeps the peak RSS of the last run in $jo/rss.TAG.
if [ -x /usr/bin/time ]; then
	rt() { printf '/usr/bin/time -f %%M -o %s ' "$jo/rss.$1"; }
else
	say "/usr/bin/time missing: no peak RSS"
	rt() { :; }
fi
# rss_row TAG: the row just timed (last) has its RSS in rss.TAG.
rss_row() { printf '%s\t%s\n' "$last" "$1" >>"$jo/rss.tsv"; }
rss_kb() { sed -n '$p' "$jo/rss.$1" 2>/dev/null | tr -dc '0-9'; }

# ---- the tables ---------------------------------------------------------
# pages.csv: the data set's paths except every tenth (in sorted order:
# their events find no row), then /archive/NNNNNN rows up to ROWS, in a
# fixed shuffled order.  sizes.csv: every other distinct value of bytes
# (sorted numerically), then negative filler keys, up to ROWS.  Both
# follow from events.csv alone, so they are made again only when it or
# the settings change.
tstamp="$(cat "$data/stamp") rows=$ROWS tables=1"
pages=$jd/pages.csv
sizes=$jd/sizes.csv
if [ "$(cat "$jd/stamp.tables" 2>/dev/null)" != "$tstamp" ] ||
    [ ! -s "$pages" ] || [ ! -s "$sizes" ]; then
	say "making the join tables ($ROWS rows)"
	rm -f "$jd/stamp.tables"
	tail -n +2 "$csv" | cut -d, -f4 | sort -u | awk -v rows="$ROWS" '
	{ p[NR] = $0 }
	END {
		m = 0
		for (i = 1; i <= NR && m < rows; i++)
			if (i % 10 != 0)
				k[++m] = p[i]
		for (i = m + 1; i <= rows; i++)
			k[i] = sprintf("/archive/%06d", i)
		# a fixed permutation of 1..rows (stride coprime to rows)
		for (s = 7919; gcd(s, rows) != 1; s++)
			;
		print "path,page_id,section,owner,tier"
		for (j = 0; j < rows; j++) {
			i = (j * s) % rows + 1
			split(k[i], a, "/")
			printf "%s,%d,%s,team-%02d,%d\n", k[i], i,
			    a[2] == "" ? "home" : a[2], i % 37, i % 4 + 1
		}
	}
	function gcd(a, b,   t) { while (b) { t = a % b; a = b; b = t }; return a }
	' >"$pages.tmp" && mv "$pages.tmp" "$pages" || die "cannot make $pages"
	tail -n +2 "$csv" | cut -d, -f6 | sort -un | awk -v rows="$ROWS" '
	NR % 2 == 1 && m < rows { k[++m] = $0 }
	END {
		for (i = m + 1; i <= rows; i++)
			k[i] = -i
		for (s = 7919; gcd(s, rows) != 1; s++)
			;
		print "bytes,size_id,size_class,cdn_tier"
		for (j = 0; j < rows; j++) {
			i = (j * s) % rows + 1
			b = k[i] + 0
			printf "%d,%d,%s,%d\n", b, i, b < 1000 ? "xs" :
			    b < 10000 ? "s" : b < 100000 ? "m" : "l", i % 3 + 1
		}
	}
	function gcd(a, b,   t) { while (b) { t = a % b; a = b; b = t }; return a }
	' >"$sizes.tmp" && mv "$sizes.tmp" "$sizes" || die "cannot make $sizes"
	printf '%s\n' "$tstamp" >"$jd/stamp.tables"
fi

# ---- the interval-join streams ------------------------------------------
istamp="n=$NI ads=$ADS seed=$SEED gen=$(cksum <"$here/gen_join.c" |
    cut -d' ' -f1)"
imp=$jd/imps.ndjson
clk=$jd/clicks.ndjson
if [ "$(cat "$jd/stamp.streams" 2>/dev/null)" != "$istamp" ] ||
    [ ! -s "$imp" ] || [ ! -s "$clk" ]; then
	say "generating 2 x $NI impressions and clicks into $(short "$jd")"
	rm -f "$jd/stamp.streams"
	"$tools/gen_join" -n "$NI" -a "$ADS" -s "$SEED" -o "$jd" ||
	    die "gen_join failed"
	printf '%s\n' "$istamp" >"$jd/stamp.streams"
fi
# Frames with event time, from the tools under test: made fresh each run.
impf=$jd/imps.frames
clkf=$jd/clicks.frames
"$src" -f ndjson -t t:epoch_ms -d 1s "$imp" >"$impf" &&
    "$src" -f ndjson -t t:epoch_ms -d 1s "$clk" >"$clkf" ||
    die "cannot make the frames of the interval-join streams"
B_IV=$(($(size "$imp") + $(size "$clk")))
B_IVF=$(($(size "$impf") + $(size "$clkf")))
B_IVC=$(($(size "$jd/imps.csv") + $(size "$jd/clicks.csv")))

header "JOIN BENCHMARK (bench/join.sh: issue 8, joins)"
r "tools:    mlr $(mlr --version 2>/dev/null | sed 's/^mlr //')," \
    "$(mawk -W version 2>&1 | head -n 1 | cut -d' ' -f1-3)," \
    "sqlite3 $(sqlite3 --version 2>/dev/null | cut -d' ' -f1)"
r "tables:   $(short "$pages"): $ROWS rows path,page_id,section,owner,tier;" \
    "the data set's paths except every"
r "          tenth (sorted), then /archive/NNNNNN filler; key path" \
    "(the events use $(tail -n +2 "$csv" | cut -d, -f4 | sort -u |
    wc -l | tr -d ' ') paths: few, hot keys)"
r "          $(short "$sizes"): $ROWS rows" \
    "bytes,size_id,size_class,cdn_tier; every other distinct value of bytes"
r "          (the events have $(tail -n +2 "$csv" | cut -d, -f6 | sort -u |
    wc -l | tr -d ' ') distinct values: lookups spread over the table)"
r "query:    a left join (--type left; mlr join --ur; unmatched events" \
    "keep the table's fields as null / absent)"
r "answers:  each output projected by bench/awk/proj.awk to the same CSV" \
    "columns (null and absent both empty), sorted, compared"
r "          with cmp against streamutils' NDJSON answer (same? column)"
r "peak RSS: /usr/bin/time -f %M around the row's main process (the" \
    "joining one), last run"
r "ratio:    records/s of the (ref) row ÷ records/s of the row; cpu x:" \
    "cpu s of the row ÷ cpu s of the (ref) row (> 1: streamutils faster)"
r ""

# norm FILE FIELDS: FILE.norm, the projected and sorted answer.
norm() {
	if [ -s "$1" ]; then
		tr -d '\r' <"$1" | mawk -v fields="$2" -f "$aw/proj.awk" |
		    sort >"$1.norm"
	else
		: >"$1.norm"
	fi
}

# check GROUP ID FILE: compares FILE's answer with the group's reference
# ($ref_out.norm); FIELDS in $fields.
check() {
	norm "$3" "$fields"
	if [ ! -s "$3.norm" ]; then
		same "$2" "no out"
	elif cmp -s "$ref_out.norm" "$3.norm"; then
		same "$2" "yes"
	else
		same "$2" "NO"
		printf '%s\n' "$3" >>"$jo/diff.$1"
	fi
	rm -f "$3"
}

# detail GROUP: the first differences of every differing answer.
detail() {
	[ -s "$jo/diff.$1" ] || return 0
	while read -r f; do
		t=$(basename "$f" .out)
		r "  $t: identical: no ($(wc -l <"$f.norm" | tr -d ' ') lines," \
		    "streamutils $(wc -l <"$ref_out.norm" | tr -d ' ');" \
		    "first differences, projected:)"
		diff_lines "$ref_out.norm" "$f.norm" streamutils "$t"
	done <"$jo/diff.$1"
}

# ---- 1. enrichment ------------------------------------------------------
cat "$nd" "$pages" "$sizes" >/dev/null
ev=time,host,method,path,status,bytes,latency_ms

say "enrichment on path"
g=path
fields=$ev,page_id,section,owner,tier
ref_out=$jo/path.su.ndjson.out
bench $g ref "stream-join -T pages.csv -k path -t left -o ndjson" \
    "$N" "$B_ND" "" \
    "$(rt path.su)$join -T $pages -k path -t left -o ndjson $nd > $ref_out"
rss_row path.su
id_path=$last
norm "$ref_out" "$fields"
rm -f "$ref_out"
[ -s "$ref_out.norm" ] || {
	say "streamutils gave no answer for the path join"
	harness_failed=1
}
o=$jo/path.su.csv.out
bench $g su "stream-join ... -o csv" "$N" "$B_ND" "" \
    "$(rt path.su-csv)$join -T $pages -k path -t left -o csv $nd > $o"
rss_row path.su-csv
check $g "$last" "$o"
o=$jo/path.su-pipe.ndjson.out
bench $g su "stream-source | stream-join ... | stream-sink" "$N" "$B_ND" "" \
    "$src -f ndjson $nd | $(rt path.su-pipe)$join -T $pages -k path -t left | $sink -o ndjson > $o"
rss_row path.su-pipe
check $g "$last" "$o"
o=$jo/path.mlr.jsonl.out
bench $g other "mlr --ijson --ojsonl join --ur -i csv -j path -f" \
    "$N" "$B_ND" "" \
    "$(rt path.mlr)mlr --ijson --ojsonl join --ur -i csv -j path -f $pages $nd > $o"
rss_row path.mlr
id_mlr=$last
check $g "$last" "$o"
o=$jo/path.mawk.ndjson.out
bench $g other "mawk -v key=path -f join-ndjson.awk (hash join)" \
    "$N" "$B_ND" "" \
    "$(rt path.mawk)mawk -v key=path -f $aw/join-ndjson.awk $pages $nd > $o"
rss_row path.mawk
id_mawk=$last
check $g "$last" "$o"
unmatched=$(grep -c ',,,,$' "$ref_out.norm")
path_ref_norm=$ref_out.norm

say "enrichment on bytes"
g=bytes
fields=$ev,size_id,size_class,cdn_tier
ref_out=$jo/bytes.su.ndjson.out
bench $g ref "stream-join -T sizes.csv -k bytes -t left -o ndjson" \
    "$N" "$B_ND" "" \
    "$(rt bytes.su)$join -T $sizes -k bytes -t left -o ndjson $nd > $ref_out"
rss_row bytes.su
id_bytes=$last
norm "$ref_out" "$fields"
rm -f "$ref_out"
[ -s "$ref_out.norm" ] || {
	say "streamutils gave no answer for the bytes join"
	harness_failed=1
}
o=$jo/bytes.mawk.ndjson.out
bench $g other "mawk -v key=bytes -f join-ndjson.awk (hash join)" \
    "$N" "$B_ND" "" \
    "$(rt bytes.mawk)mawk -v key=bytes -f $aw/join-ndjson.awk $sizes $nd > $o"
rss_row bytes.mawk
check $g "$last" "$o"
unmatched_b=$(grep -c ',,,$' "$ref_out.norm")

r "ENRICHMENT ($N records of events.ndjson, NDJSON in; same? =" \
    "projected answer identical to streamutils' NDJSON one)"
ref_out=$jo/path.su.ndjson.out
table path "left join with pages.csv on path ($unmatched of $N events unmatched)"
detail path
r ""
ref_out=$jo/bytes.su.ndjson.out
table bytes "left join with sizes.csv on bytes ($unmatched_b of $N events unmatched; no Miller row, to save its minutes)"
detail bytes
r ""

# ---- memory of the table ------------------------------------------------
# Loading only (no input): the table's size as stream-join --stats
# reports it, and the peak RSS against a one-row table.
say "memory of the tables"
mem_line() {
	# mem_line LABEL TABLE CMD-PREFIX (the table path and args follow)
	head -n 2 "$2" >"$jo/one.csv"
	k1=$(/usr/bin/time -f %M sh -c "$3 $jo/one.csv $4 >/dev/null 2>&1" \
	    2>&1 </dev/null | tail -n 1 | tr -dc '0-9')
	kn=$(/usr/bin/time -f %M sh -c "$3 $2 $4 >/dev/null 2>&1" 2>&1 \
	    </dev/null | tail -n 1 | tr -dc '0-9')
	if [ -n "$k1" ] && [ -n "$kn" ]; then
		r "$(awk -v l="$1" -v a="$k1" -v b="$kn" -v n="$ROWS" 'BEGIN {
		    printf "  %-34s peak RSS %7.1f MB (one-row table %.1f MB):" \
		    " %4.0f bytes a row\n", l, b * 1024 / 1e6, a * 1024 / 1e6,
		    (b - a) * 1024 / n }')"
	else
		r "  $1: measurement failed"
	fi
}
st_path=$("$join" --stats -T "$pages" -k path </dev/null 2>&1 >/dev/null |
    sed 's/^stream-join: //')
st_bytes=$("$join" --stats -T "$sizes" -k bytes </dev/null 2>&1 >/dev/null |
    sed 's/^stream-join: //')
r "MEMORY OF THE TABLE ($ROWS rows, loaded with no input; bytes a row =" \
    "(peak RSS - peak RSS with a one-row table) / $ROWS)"
r "  stream-join --stats: $(short "$st_path")"
r "  stream-join --stats: $(short "$st_bytes")"
if [ -x /usr/bin/time ]; then
	mem_line "stream-join -T pages.csv" "$pages" "$join -k path -T" \
	    "< /dev/null"
	mem_line "stream-join -T sizes.csv" "$sizes" "$join -k bytes -T" \
	    "< /dev/null"
	mem_line "mlr join -f pages.csv" "$pages" \
	    "echo '{\"path\":\"/\"}' | mlr --ijson --ojsonl join --ur -i csv -j path -f" \
	    ""
	mem_line "mawk join-ndjson.awk pages.csv" "$pages" \
	    "mawk -v key=path -f $aw/join-ndjson.awk" "/dev/null"
fi
r "  (commands: /usr/bin/time -f %M stream-join -k path -T TABLE <" \
    "/dev/null; echo '{\"path\":\"/\"}' | mlr ... join -f TABLE;" \
    "mawk -f join-ndjson.awk TABLE /dev/null)"
r ""

# ---- 2. interval join ---------------------------------------------------
say "interval join"
cat "$imp" "$clk" "$impf" "$clkf" "$jd/imps.csv" "$jd/clicks.csv" >/dev/null
g=iv
fields=id,right_id
W="-W -5s,+5s"
ref_out=$jo/iv.su.csv.out
bench $g ref "stream-source x2 | stream-join -R -W | stream-sink -o csv" \
    "$((2 * NI))" "$B_IV" "" \
    "$src -f ndjson -t t:epoch_ms -d 1s $clk | { $src -f ndjson -t t:epoch_ms -d 1s $imp | $(rt iv.su)$join -k ad -R /dev/fd/3 $W; } 3<&0 | $sink -o csv > $ref_out"
rss_row iv.su
id_iv=$last
norm "$ref_out" "$fields"
[ -s "$ref_out.norm" ] || {
	say "streamutils gave no answer for the interval join"
	harness_failed=1
}
o=$jo/iv.su.frames.out
bench $g su "stream-join -R clicks.frames -W imps.frames (frames)" \
    "$((2 * NI))" "$B_IVF" "" \
    "$(rt iv.frames)$join -k ad -R $clkf $W $impf > $o"
rss_row iv.frames
id_ivf=$last
"$sink" -o csv <"$o" >"$o.csv" 2>/dev/null
mv "$o.csv" "$o"
check $g "$last" "$o"
sql=$jo/iv.sql
cat >"$sql" <<EOF
create table imps(t integer, id integer, ad integer, cost integer);
create table clicks(t integer, id integer, ad integer, pos integer);
.import --csv --skip 1 $jd/imps.csv imps
.import --csv --skip 1 $jd/clicks.csv clicks
create index clicks_ad_t on clicks(ad, t);
.headers on
.mode csv
select l.id as id, r.id as right_id from imps l join clicks r
    on r.ad = l.ad and r.t between l.t - 5000 and l.t + 5000;
EOF
o=$jo/iv.sqlite.csv.out
bench $g other "sqlite3 :memory: (import, index, join)" \
    "$((2 * NI))" "$B_IVC" "" \
    "$(rt iv.sqlite)sqlite3 :memory: < $sql > $o"
rss_row iv.sqlite
id_sq=$last
check $g "$last" "$o"
pairs=$(wc -l <"$jo/iv.su.csv.out.norm" | tr -d ' ')
pairs_sq=$(wc -l <"$jo/iv.sqlite.csv.out.norm" | tr -d ' ')
# The records held: one more run of the frames stage, with --stats.
held=$("$join" --stats -k ad -R "$clkf" $W "$impf" 2>&1 >/dev/null |
    sed -n 's/^stream-join: state: //p')

r "INTERVAL JOIN (imps.ndjson and clicks.ndjson, $NI records each," \
    "$ADS ads, bench/gen_join.c; records/s = both inputs, $((2 * NI))" \
    "records)"
r "query:    stream-join -k ad $W: a click of the same ad within" \
    "[impression - 5 s, impression + 5 s], bounds included; event time t"
r "          (epoch ms), stream-source -t t:epoch_ms -d 1s (the disorder" \
    "is < 1 s); sqlite3: r.t between l.t - 5000 and l.t + 5000"
r "answers:  the (impression id, click id) pairs, sorted, compared with" \
    "cmp; the frames row's output is written as CSV by stream-sink, untimed"
table iv "inner interval join, $pairs pairs (sqlite3: $pairs_sq)"
detail iv
r "  state: $held (stream-join --stats, the frames stage run once more)"
r "  sqlite3 script ($(short "$sql")):"
sed 's/^/      /' "$sql" | sed "s|$root/||g" >>"$sec"
r ""

# ---- peak RSS -----------------------------------------------------------
r "PEAK RSS (of the joining process, the last timed run)"
while IFS='	' read -r id tag; do
	k=$(rss_kb "$tag")
	lab=$(awk -F'\t' -v id="$id" '$2 == id { print $4 }' "$rows")
	grp=$(awk -F'\t' -v id="$id" '$2 == id { print $1 }' "$rows")
	if [ -n "$k" ]; then
		r "$(awk -v id="$PFX$id" -v g="$grp" -v l="$lab" -v k="$k" \
		    'BEGIN { printf "  %-6s %-6s %-58s %8.1f MB\n", "[" id "]", g, l,
		    k * 1024 / 1e6 }')"
	else
		r "  [$PFX$id] $grp $lab: n/a (see $(short "$jo/rss.$tag"))"
	fi
done <"$jo/rss.tsv"
r ""
commands
r ""

# ---- instructions per record --------------------------------------------
if command -v valgrind >/dev/null 2>&1; then
	head -n "$SI" "$imp" >"$jd/imps.sub.ndjson"
	head -n "$SI" "$clk" >"$jd/clicks.sub.ndjson"
	"$src" -f ndjson -t t:epoch_ms -d 1s "$jd/imps.sub.ndjson" \
	    >"$jd/imps.sub.frames" &&
	    "$src" -f ndjson -t t:epoch_ms -d 1s "$jd/clicks.sub.ndjson" \
	    >"$jd/clicks.sub.frames" ||
	    die "cannot make the frames of the subset"
	r "INSTRUCTIONS PER RECORD (callgrind; $SUB records of sub.ndjson;" \
	    "interval: the first $SI records of each stream, as frames)"
	insn "loading pages.csv only (no input), counted per $SUB records" \
	    "$SUB" "$join -T $pages -k path -t left -o ndjson < /dev/null" \
	    load
	insn "stream-join -T pages.csv -k path -t left -o ndjson sub.ndjson" \
	    "$SUB" "$join -T $pages -k path -t left -o ndjson $data/sub.ndjson > /dev/null" \
	    table
	insn "stream-join -k ad -R clicks.sub.frames $W imps.sub.frames" \
	    "$((2 * SI))" "$join -k ad -R $jd/clicks.sub.frames $W $jd/imps.sub.frames > /dev/null" \
	    interval
	awk -F'\t' -v n="$SUB" -v rows="$ROWS" '{ v[$1] = $2 }
	END {
		if (!("load" in v) || !("table" in v)) exit
		printf "- the table join per record, without loading the" \
		    " table: %.0f instructions/record (loading %d rows:" \
		    " %.0f instructions a row)\n", v["table"] - v["load"],
		    rows, v["load"] * n / rows
	}' "$jo/insn.tsv" >>"$sec"
	r ""
else
	r "INSTRUCTIONS PER RECORD: valgrind missing, not measured"
	r ""
fi

# ---- targets ------------------------------------------------------------
r "TARGETS (issue 8: the table join >= 10x Miller's records/s with" \
    "identical answers; met/NOT met judged on wall time, the same"
r "comparison per CPU-second alongside)"
awk -F'\t' -v runs="$RUNS" -v su="$id_path" -v ml="$id_mlr" \
    -v mw="$id_mawk" -v iv="$id_iv" -v ivf="$id_ivf" -v sq="$id_sq" '
function h(x) { return x >= 1e6 ? sprintf("%.2fM", x / 1e6) :
    sprintf("%.1fk", x / 1e3) }
{ s[$2] = $5; c[$2] = $7; rec[$2] = $9; nf[$2] = $13; sm[$2] = $14 }
function rps(i) { return s[i] > 0 && nf[i] < runs ? rec[i] / s[i] : 0 }
function cps(i) { return c[i] > 0 && nf[i] < runs ? rec[i] / c[i] : 0 }
END {
	if (rps(su) == 0) {
		print "  table join: streamutils failed: n/a"
	} else {
		printf "  table join [j%s]: %s records/s (%s per CPU-second)\n",
		    su, h(rps(su)), h(cps(su))
		if (rps(ml) > 0)
			printf "    >= 10x Miller [j%s] (%s): %.1fx  %s   (per" \
			    " CPU-second: %.1fx); identical answer: %s\n", ml,
			    h(rps(ml)), rps(su) / rps(ml), rps(su) >= 10 * \
			    rps(ml) ? "met" : "NOT met", cps(su) / cps(ml), sm[ml]
		else
			printf "    >= 10x Miller: n/a (mlr failed)\n"
		if (rps(mw) > 0)
			printf "    against the mawk hash join [j%s] (%s): %.2fx" \
			    " (per CPU-second: %.2fx); identical answer: %s\n",
			    mw, h(rps(mw)), rps(su) / rps(mw), cps(su) / cps(mw),
			    sm[mw]
	}
	if (rps(iv) > 0) {
		printf "  interval join [j%s]: %s input records/s, text in and" \
		    " out (%s per CPU-second); the join stage alone on" \
		    " frames [j%s]: %s\n", iv, h(rps(iv)), h(cps(iv)), ivf,
		    h(rps(ivf))
		if (rps(sq) > 0)
			printf "    against sqlite3 [j%s] (%s): %.2fx; same" \
			    " pairs: %s\n", sq, h(rps(sq)), rps(iv) / rps(sq),
			    sm[sq]
	} else
		print "  interval join: streamutils failed: n/a"
}' "$rows" >>"$sec"
r "  table memory: $(short "$st_path")"
r ""
# The enriched outputs are large (about 300 MB each): only what the
# report needs is kept.
rm -f "$jo"/*.out "$jo"/*.out.norm "$jo/one.csv"
footer
finish
[ "$harness_failed" = 0 ] && [ "$insn_failed" = 0 ]
