#!/bin/sh
# SPDX-License-Identifier: MIT
# The network benchmark (issue 6, sockets), on loopback only:
#  hop:     the data set as frames through one socket hop,
#           stream-sink --connect tcp://... -> stream-source --listen,
#           against the same two tools on a pipe (stream-sink -o frames |
#           stream-source), cat | stream-source, a unix socket, and raw
#           bytes from nc; the records counted exactly, the content
#           compared with events.ndjson;
#  fan-in:  BENCH_NET_PRODUCERS (16) stream-sink --connect at once, each
#           with 1/16 of the data (split round robin, so all cover the
#           same time span), into one stream-source --listen: total
#           records/s, the exact total, the content (sorted) and the
#           listener's peak RSS;
#  latency: one NDJSON record at a time at BENCH_NET_RATE (1000) lines/s
#           through stream-source -t | stream-sink --connect -> stream-source
#           --listen | stream-sink, against the same four tools on pipes;
#  insn:    instructions per record of both ends of the hop (callgrind),
#           against the same tools on a pipe.
# Every listener takes port 0 (any free port) and the helpers read the
# port from its "listening on" line; every process is stopped and reaped
# at the end of each measurement (bench/nettime.c, bench/netlat.c).
# Prints its section of the report (bench/out/net.txt, and appended to
# run.sh's report when run from there).
#
#   BIN=/abs/build/bin sh bench/net.sh      # or BENCH_ONLY=net make bench
#
# Settings as in run.sh: BENCH_N, BENCH_RUNS, BENCH_SEED, BENCH_SUB,
# BENCH_LAT_SECS (5) seconds per latency run, CC; BENCH_NET_PRODUCERS (16)
# producers of the fan-in, BENCH_NET_RATE (1000) lines/s of the latency
# runs (a second pair of runs goes at 10 times that).
# Exits non-zero only when the harness fails, not on a slow figure.
name=net
PFX=n
. "$(cd "$(dirname "$0")" && pwd)/common.sh"

LAT_SECS=${BENCH_LAT_SECS:-5}
K=${BENCH_NET_PRODUCERS:-16}
RATE=${BENCH_NET_RATE:-1000}
case $K in [1-9] | [1-9][0-9]) ;; *) die "BENCH_NET_PRODUCERS must be 1-99" ;;
esac
case $RATE in '' | *[!0-9]* | 0) die "BENCH_NET_RATE must be >= 1" ;; esac
case $LAT_SECS in '' | *[!0-9.]*) die "BENCH_LAT_SECS must be a number" ;;
esac
no=$out/net
nd_dir=$data/net
for p in nettime netlat; do
	$CC -O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra -pthread \
	    -o "$tools/$p" "$here/$p.c" || die "cannot compile bench/$p.c"
done
nt=$tools/nettime
nl=$tools/netlat
sock=${TMPDIR:-/tmp}/streamutils-net.$$.sock
harness_failed=0
rm -rf "$nd_dir" && mkdir -p "$nd_dir" || die "cannot make $nd_dir"
rm -f "$no"/*.frames "$no"/lat.* "$no"/*.cg* "$no"/*.vg
cleanup() {
	rm -f "$sock" "$no"/*.frames
	rm -rf "$nd_dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- data: frames made by the tools under test, fresh every run ---------
say "making events.frames and $K parts of it"
fr=$nd_dir/events.frames
"$src" -f ndjson "$nd" >"$fr" ||
    die "stream-source -f ndjson events.ndjson > events.frames failed"
# parts FILE NAME: FILE (NDJSON) split round robin into K parts, each made
# into frames: $nd_dir/NAME.00.frames ...
parts() {
	split -n "r/$K" -d -a 2 "$1" "$nd_dir/$2." || die "split failed"
	i=0
	while [ "$i" -lt "$K" ]; do
		ix=$(printf '%02d' "$i")
		"$src" -f ndjson "$nd_dir/$2.$ix" >"$nd_dir/$2.$ix.frames" ||
		    die "cannot make $2.$ix.frames"
		rm -f "$nd_dir/$2.$ix"
		i=$((i + 1))
	done
}
parts "$nd" part
sf=$nd_dir/sub.frames
"$src" -f ndjson "$data/sub.ndjson" >"$sf" || die "cannot make sub.frames"
parts "$data/sub.ndjson" sub    # for the instructions of the fan-in
B_FR=$(size "$fr")
B_PARTS=$(cat "$nd_dir"/part.*.frames | wc -c | tr -d ' ')
have_nc=
nc -h 2>&1 | grep -q -- '-N.*after EOF' && have_nc=1

# ---- header -------------------------------------------------------------
r "NETWORK BENCHMARK (bench/net.sh: issue 6, sockets; loopback only) —" \
    "$(date -u '+%Y-%m-%d %H:%M UTC')"
r "binaries: $orig_bin (copies in $(short "$BIN"));" \
    "$("$src" --version 2>&1 | head -n 1)"
r "load:     $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null) at the" \
    "start, $(nproc) CPUs (1/5/15-minute load averages)"
if awk -v n="$(nproc)" '{ exit !($1 >= n * 0.75) }' /proc/loadavg \
    2>/dev/null; then
	r "WARNING: the machine is busy with other work: wall times and" \
	    "latencies are pessimistic;"
	r "         cpu s and instructions per record are the steadier" \
	    "figures."
fi
r "data:     events.frames = stream-source -f ndjson events.ndjson," \
    "$B_FR B; for the fan-in, events.ndjson split round robin into $K"
r "          parts (split -n r/$K), each made into frames the same way," \
    "$B_PARTS B in all"
r "timing:   bench/nettime.c: the listener starts first (port 0, read" \
    "from its 'listening on' line); the clock runs from the start of"
r "          the producer(s) to the moment the listener's output holds" \
    "the N-th record (nettime reads it and counts the data frames:"
r "          it is the '> /dev/null' of these pipelines); a pipeline" \
    "without a socket is timed from its start to its N-th record."
r "          Then the listener gets SIGTERM, is read to its end (a" \
    "record beyond N would be counted) and everything is reaped."
r "          (The listener's start-up is outside the clock, as for a" \
    "server that runs all the time; a pipe row starts both tools in it.)"
r "          best of $RUNS runs; cpu s = user+system seconds of every" \
    "process in that run (producers, listener, counter); lsn cpu ="
r "          the listener's share; records/s = records / seconds; per" \
    "cpu-s = records / cpu s; MB/s = frame bytes / 1e6 / seconds;"
r "          records = the least and most counted in a run (must be" \
    "exactly $N); RSS = the listener's peak resident set."
r "ratio:    records/s of the group's (ref) row ÷ records/s of the row" \
    "(below 1: the row is faster than the ref); cpu x: cpu s of the"
r "          row ÷ cpu s of the (ref) row"
r ""

# netrow GROUP KIND LABEL RECORDS BYTES PRODUCERS LISTENER COMMAND: times
# one row with nettime (LISTENER empty: COMMAND is the whole pipeline).
# Columns 1-14 as common.sh's bench(), then records min and max, RSS kB,
# listener cpu s, producers.
netrow() {
	nid=$((nid + 1))
	if [ -n "$7" ]; then
		cmd="$nt -n $4 -r $RUNS -p $6 -L '$7' '$8'"
	else
		cmd="$nt -n $4 -r $RUNS '$8'"
	fi
	say "timing ($RUNS runs): $3"
	res=$(if [ -n "$7" ]; then
		"$nt" -n "$4" -r "$RUNS" -e "$no/$nid.err" -p "$6" -L "$7" "$8"
	else
		"$nt" -n "$4" -r "$RUNS" -e "$no/$nid.err" "$8"
	fi 2>>"$no/$nid.err") || res=
	[ -n "$res" ] || res="0 0 0 255 $RUNS 0 0 0 0"
	set -- "$1" "$2" "$3" "$4" "$5" "$6" "$cmd" $res
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s' \
	    "$1" "$nid" "$2" "$3" "$8" "$9" "${10}" "${11}" "$4" "$5" "" \
	    "$(short "$7")" "${12}" "-" >>"$rows"
	printf '\t%s\t%s\t%s\t%s\t%s\n' "${13}" "${14}" "${15}" "${16}" \
	    "$6" >>"$rows"
	last=$nid
	[ "${12}" -lt "$RUNS" ] || harness_failed=1
}

# nettable GROUP TITLE
nettable() {
	r "$2"
	awk -F'\t' -v g="$1" -v runs="$RUNS" -v p="$PFX" -v n="$N" '
	function h(x) {
		if (x >= 1e9) return sprintf("%.2fG", x / 1e9)
		if (x >= 1e6) return sprintf("%.2fM", x / 1e6)
		if (x >= 1e3) return sprintf("%.1fk", x / 1e3)
		return sprintf("%.0f", x)
	}
	$1 == g {
		k++; id[k] = $2; kind[k] = $3; lab[k] = $4; s[k] = $5
		cpu[k] = $7; st[k] = $8; rec[k] = $9; b[k] = $10
		nf[k] = $13; sm[k] = $14; rmin[k] = $15; rmax[k] = $16
		rss[k] = $17; lcpu[k] = $18
		rps[k] = s[k] > 0 ? rec[k] / s[k] : 0
		if ($3 == "ref") ref = k
		if (length($4) > w) w = length($4)
	}
	END {
		fmt = "%-5s %-" w "s %7s %6s %7s %9s %9s %5s %6s %6s %-15s" \
		    " %8s %-6s%s\n"
		printf fmt, "#", "pipeline", "seconds", "cpu s", "lsn cpu",
		    "records/s", "per cpu-s", "MB/s", "ratio", "cpu x",
		    "records", "RSS", "same?", ""
		for (i = 1; i <= k; i++) {
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
			recs = (rmin[i] == rmax[i] ? rmin[i] : rmin[i] "-" \
			    rmax[i]) (rmin[i] == n && rmax[i] == n ? \
			    " exact" : " WRONG")
			note = ""
			if (st[i] != 0)
				note = "  [exit " st[i] " in " nf[i] " of " \
				    runs " runs" (nf[i] < runs ? \
				    ": timed the others" : ": FAILED") "]"
			printf fmt, "[" p id[i] "]", lab[i],
			    sprintf("%.3f", s[i]), sprintf("%.2f", cpu[i]),
			    (lcpu[i] > 0 ? sprintf("%.2f", lcpu[i]) : "-"),
			    h(rps[i]), (cpu[i] > 0 ? h(rec[i] / cpu[i]) : "-"),
			    sprintf("%.0f", (s[i] > 0 ? b[i] / 1e6 / s[i] : 0)),
			    ratio, cr, recs,
			    (rss[i] > 0 ? sprintf("%.1fMB", rss[i] * 1024 / \
			    1e6) : "-"), sm[i], note
		}
	}' "$rows" >>"$sec"
}

lsn_tcp="exec $src --listen tcp://127.0.0.1:0"
lsn_unix="exec $src --listen unix:$sock"
conn='exec '"$sink"' --connect "$NET_URL"'

# ---- 1. the hop: TCP against a pipe --------------------------------------
say "one hop: $N records"
cat "$fr" >/dev/null
netrow hop ref "TCP: stream-sink --connect -> stream-source --listen" \
    "$N" "$B_FR" 1 "$lsn_tcp" "$conn < $fr"
id_tcp=$last
rm -f "$sock"
netrow hop su "unix: the same on unix:PATH" \
    "$N" "$B_FR" 1 "$lsn_unix" "$conn < $fr"
netrow hop su "pipe: stream-sink -o frames | stream-source" \
    "$N" "$B_FR" 1 "" "$sink -o frames < $fr | $src"
id_pipe=$last
netrow hop other "pipe: cat | stream-source" \
    "$N" "$B_FR" 1 "" "cat $fr | $src"
if [ -n "$have_nc" ]; then
	netrow hop other "TCP, raw bytes: nc -N -> stream-source --listen" \
	    "$N" "$B_FR" 1 "$lsn_tcp" 'nc -N "$NET_HOST" "$NET_PORT" < '"$fr"
fi

# ---- 2. fan-in: K producers at once ---------------------------------------
say "fan-in: $K producers"
cat "$nd_dir"/part.*.frames >/dev/null
netrow fan ref "$K x stream-sink --connect (1/$K each) -> --listen, TCP" \
    "$N" "$B_PARTS" "$K" "$lsn_tcp" "$conn < $nd_dir/part.\$NET_I.frames"
id_fan=$last
rm -f "$sock"
netrow fan su "$K x the same on unix:PATH" \
    "$N" "$B_PARTS" "$K" "$lsn_unix" "$conn < $nd_dir/part.\$NET_I.frames"
netrow fan su "1 x stream-sink --connect (all) -> --listen, TCP" \
    "$N" "$B_FR" 1 "$lsn_tcp" "$conn < $fr"

# ---- content: one more run of each, the listener's output kept ----------
say "checking what came through"
check_run() {
	# check_run ID FILE PRODUCERS COMMAND: one run, the output kept
	"$nt" -n "$N" -r 1 -o "$2" -e "$no/check.err" -p "$3" \
	    -L "$lsn_tcp" "$4" >/dev/null 2>>"$no/check.err"
}
rm -f "$no/check.err"
check_run "$id_tcp" "$no/tcp.frames" 1 "$conn < $fr"
if "$sink" -o ndjson <"$no/tcp.frames" 2>>"$no/check.err" |
    cmp -s - "$nd"; then
	same "$id_tcp" yes
	c_tcp="yes: identical to events.ndjson, in order (cmp)"
else
	same "$id_tcp" NO
	c_tcp="NO: differs from events.ndjson"
	harness_failed=1
fi
check_run "$id_fan" "$no/fan.frames" "$K" \
    "$conn < $nd_dir/part.\$NET_I.frames"
want_sum=$(sort -S 25% "$nd" | cksum)
got_sum=$("$sink" -o ndjson <"$no/fan.frames" 2>>"$no/check.err" |
    sort -S 25% | cksum)
if [ "$want_sum" = "$got_sum" ]; then
	same "$id_fan" yes
	c_fan="yes: the same lines as events.ndjson, sorted (cksum $want_sum)"
else
	same "$id_fan" NO
	c_fan="NO: sorted cksum $got_sum, events.ndjson $want_sum"
	harness_failed=1
fi
rm -f "$no/tcp.frames" "$no/fan.frames"

r "THROUGHPUT ($N records of events.frames through one hop; ratio =" \
    "records/s of the TCP row ÷ records/s of the row)"
nettable hop "one hop"
r ""
t="fan-in: $K producers into one listener (ratio and cpu x against"
nettable fan "$t the $K-producer TCP row)"
r ""
r "content (one more run each, the listener's output written back as" \
    "NDJSON by stream-sink -o ndjson):"
r "  [$PFX$id_tcp] TCP, one producer: $c_tcp"
r "  [$PFX$id_fan] TCP, $K producers: $c_fan"
if [ -s "$no/check.err" ]; then
	r "  stderr of the checks:"
	head -n 5 "$no/check.err" | sed 's/^/    /' >>"$sec"
fi
awk -F'\t' -v a="$id_tcp" -v b="$id_pipe" -v f="$id_fan" '
function h(x) { return sprintf("%.2fM", x / 1e6) }
{ s[$2] = $5; c[$2] = $7; n[$2] = $9; l[$2] = $18; rss[$2] = $17 }
END {
	if (s[a] > 0 && s[b] > 0)
		printf "  TCP hop against the pipe: %s against %s records/s" \
		    " (%.2fx of the pipe), %s against %s records per" \
		    " CPU-second (%.2fx)\n", h(n[a] / s[a]), h(n[b] / s[b]),
		    s[b] / s[a], h(n[a] / c[a]), h(n[b] / c[b]), c[b] / c[a]
	if (s[f] > 0)
		printf "  fan-in: %s records/s in all; the listener %.2f" \
		    " cpu s (%s records per listener CPU-second), the" \
		    " producers and the counter %.2f; listener peak RSS" \
		    " %.1f MB\n", h(n[f] / s[f]), l[f],
		    (l[f] > 0 ? h(n[f] / l[f]) : "-"), c[f] - l[f],
		    rss[f] * 1024 / 1e6
}' "$rows" >>"$sec"
r ""
commands
r ""

# ---- 3. latency through the hop ------------------------------------------
# latrow LABEL RATE LISTENER PRODUCER
: >"$no/lat.tsv"
: >"$no/lat-detail.txt"
latrow() {
	say "latency: $1 at $2 lines/s for $LAT_SECS s"
	if [ -n "$3" ]; then
		res=$("$nl" -r "$2" -t "$LAT_SECS" -L "$3" "$4" \
		    2>"$no/lat.err")
		c="$(short "$nl") -r $2 -t $LAT_SECS -L '$(short "$3")'"
		c="$c '$(short "$4")'"
	else
		res=$("$nl" -r "$2" -t "$LAT_SECS" "$4" 2>"$no/lat.err")
		c="$(short "$nl") -r $2 -t $LAT_SECS '$(short "$4")'"
	fi
	resline=$(printf '%s\n' "$res" | sed -n 's/^RESULT //p')
	[ -n "$resline" ] || harness_failed=1
	printf '%s\t%s\t%s\n' "$1" "$2" "$resline" >>"$no/lat.tsv"
	{
		printf '  %s at %s lines/s:\n' "$1" "$2"
		printf '    %s\n' "$c"
		printf '%s\n' "$res" | grep -v '^RESULT' | sed 's/^/    /'
		if [ -s "$no/lat.err" ]; then
			sed 's/^/    stderr: /' "$no/lat.err" | head -n 5
		fi
	} >>"$no/lat-detail.txt"
}
lin="$src -f ndjson -t t_ns:epoch_ns"
lout="$sink -o ndjson"
lat_tcp="$src --listen tcp://127.0.0.1:0 | $lout"
lat_unix="$src --listen unix:$sock | $lout"
lat_prod="$lin | $sink --connect \"\$NET_URL\""
lat_pipe="$lin | $sink -o frames | $src | $lout"
lat_none="$lin | $lout"
R10=$((RATE * 10))
latrow "TCP hop" "$RATE" "$lat_tcp" "$lat_prod"
rm -f "$sock"
latrow "unix hop" "$RATE" "$lat_unix" "$lat_prod"
latrow "pipe instead of the hop" "$RATE" "" "$lat_pipe"
latrow "no hop: source | sink" "$RATE" "" "$lat_none"
latrow "TCP hop" "$R10" "$lat_tcp" "$lat_prod"
latrow "pipe instead of the hop" "$R10" "" "$lat_pipe"
r "LATENCY (bench/netlat.c, bench/latency.c's method: one write(2) per" \
    "NDJSON line into the producer's stdin, paced by clock_nanosleep;"
r "time from just before the write until the line is read from the" \
    "listener's (or the pipeline's) stdout; probes first, so start-up"
r "and the connection are not measured; $LAT_SECS s per run)"
r "  TCP hop:  $(short "$lin") | stream-sink --connect tcp://127.0.0.1:PORT"
r "            -> stream-source --listen tcp://127.0.0.1:0 | stream-sink" \
    "-o ndjson (unix hop: the same on unix:PATH)"
r "  pipe:     $(short "$lin") | stream-sink -o frames | stream-source |" \
    "stream-sink -o ndjson (the same four tools)"
r "  no hop:   $(short "$lin") | stream-sink -o ndjson"
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
	printf "%-26s %7s %7s %5s %8s %8s %8s %8s %9s\n", "pipeline",
	    "lines/s", "sent", "lost", "median", "p90", "p99", "max(ms)",
	    "lag p99"
}
{
	if (kv($3, "median_ms") == "") {
		printf "%-26s %7s  failed (see below)\n", $1, $2
		next
	}
	printf "%-26s %7s %7s %5s %8s %8s %8s %8s %9s\n", $1, $2,
	    kv($3, "sent"), kv($3, "lost"), kv($3, "median_ms"),
	    kv($3, "p90_ms"), kv($3, "p99_ms"), kv($3, "max_ms"),
	    kv($3, "lag_p99_ms")
}' "$no/lat.tsv" >>"$sec"
r "(lag p99: how late the sender itself wrote, p99 in ms: a busy machine" \
    "shows there first)"
r "details:"
cat "$no/lat-detail.txt" >>"$sec"
r ""

# ---- 4. instructions per record of both ends -----------------------------
# cg_run LABEL KEY LISTENER PRODUCER [K]: one nettime run of SUB records
# (K producers, default 1) with LISTENER or PRODUCER under callgrind (the
# command says which; LISTENER empty: PRODUCER is a plain command);
# reports instructions per record of the one under callgrind.
cg_run() {
	cg=$no/$2.cg
	say "counting instructions: $1"
	if [ -n "$3" ]; then
		"$nt" -n "$SUB" -r 1 -w 20 -e "$no/$2.err" -p "${5:-1}" \
		    -L "$3" "$4" >/dev/null 2>>"$no/$2.err"
		full="$(short "$nt") -n $SUB -r 1 -p ${5:-1}"
		full="$full -L '$(short "$3")' '$(short "$4")'"
	else
		sh -c "$4" 2>>"$no/$2.err"
		full=$(short "$4")
	fi
	ir=$(sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$cg" 2>/dev/null)
	if [ -n "$ir" ]; then
		printf '%s\t%s\n' "$2" "$(awk -v i="$ir" -v n="$SUB" \
		    'BEGIN { printf "%.1f", i / n }')" >>"$no/insn.tsv"
		r "- $1: $(awk -v i="$ir" -v n="$SUB" 'BEGIN {
		    printf "%.0f instructions/record (%d total, %d records)",
		    i / n, i, n }')"
	else
		r "- $1: measurement failed (see $(short "$no/$2.err"))"
		insn_failed=1
	fi
	r "    $full"
	if [ -s "$cg" ]; then
		r "    top 10 functions (self instructions):"
		callgrind_top "$cg" >>"$sec"
	fi
}
if command -v valgrind >/dev/null 2>&1; then
	: >"$no/insn.tsv"
	vg="valgrind --tool=callgrind --log-file=$no/vg.%p.vg"
	r "INSTRUCTIONS PER RECORD ($SUB records, callgrind; the whole" \
	    "process, start-up and, for a listener, the 0.2 s after SIGTERM"
	r "included; sub.frames = stream-source -f ndjson sub.ndjson)"
	cgo="--callgrind-out-file=$no"
	cg_run "stream-source --listen tcp (receiving end of the hop)" \
	    listen "exec $vg $cgo/listen.cg $src --listen tcp://127.0.0.1:0" \
	    "$conn < $sf"
	cg_run "stream-source --listen tcp, $K producers (1/$K each)" \
	    listenk "exec $vg $cgo/listenk.cg $src --listen tcp://127.0.0.1:0" \
	    "$conn < $nd_dir/sub.\$NET_I.frames" "$K"
	cg_run "stream-source < sub.frames (the same on a pipe or file)" \
	    source "" "$vg $cgo/source.cg $src < $sf > /dev/null"
	cg_run "stream-sink --connect tcp (sending end of the hop)" \
	    connect "$lsn_tcp" \
	    "exec $vg $cgo/connect.cg $sink --connect \"\$NET_URL\" < $sf"
	cg_run "stream-sink -o frames > /dev/null (the same on a pipe, file)" \
	    sinkfr "" "$vg $cgo/sinkfr.cg $sink -o frames < $sf > /dev/null"
	awk -F'\t' '{ v[$1] = $2 }
	END {
		if (!("listen" in v) || !("connect" in v) ||
		    !("source" in v) || !("sinkfr" in v)) exit
		printf "- the hop, both ends: %.0f instructions/record over" \
		    " TCP against %.0f on a pipe (%+.0f, %.2fx)\n",
		    v["listen"] + v["connect"], v["source"] + v["sinkfr"],
		    v["listen"] + v["connect"] - v["source"] - v["sinkfr"],
		    (v["listen"] + v["connect"]) / (v["source"] + v["sinkfr"])
		if ("listenk" in v)
			printf "- the listener with %d producers: %.0f" \
			    " instructions/record against %.0f with one" \
			    " (%+.0f)\n", k, v["listenk"], v["listen"],
			    v["listenk"] - v["listen"]
	}' k="$K" "$no/insn.tsv" >>"$sec"
	rm -f "$no"/*.vg
	r ""
else
	r "INSTRUCTIONS PER RECORD: valgrind missing, not measured"
	r ""
fi

# ---- what is left --------------------------------------------------------
# Every process was started by nettime or netlat in a process group of its
# own and stopped and reaped there; this only looks (by the path of the
# copies under test), it stops nothing.
left=$(ps -eo args= 2>/dev/null |
    awk -v b="$BIN/stream-" 'index($1, b) == 1 { n++ } END { print n + 0 }')
r "processes of $(short "$BIN") left running after the benchmark:" \
    "$left"
[ "$left" = 0 ] || harness_failed=1
footer
finish
[ "$harness_failed" = 0 ] && [ "$insn_failed" = 0 ]
