#!/bin/bash
# SPDX-License-Identifier: MIT
# The real-world case: nginx on 127.0.0.1, driven by wrk for 3 s, its
# combined access log followed live by
#
#   stream-source -F -f combined -t time -d 1s -i 2s access.log |
#     stream-window -T 1s | stream-agg -g status count | stream-sink
#
# and by the same pipeline over a TCP hop (stream-sink --connect into
# stream-source --listen).  Nothing lost or counted twice: the counts add
# up to the log's lines, per status and per second; each window comes out
# on time; the hop gives the same rows.
#
# Time: nginx's $time_local has whole seconds, so every record of second S
# has the event time S exactly and the 1 s tumbling windows are the log's
# seconds.  nginx's two workers interleave their lines by a moment, so a
# line of S can follow one of S+1: -d 1s takes that, and a record can be
# late only if it was logged more than 1 s after one already read (the log
# lagging the clock by a second).  The truncation makes the watermark lag
# the clock by up to 1 s more than -d: under traffic a window [S, S+1)
# closes when the first record of S+2 comes, 1 s after its end.  When the
# traffic stops at L, in second E, the windows [E-1, E) and [E, E+1) are
# still open; after 1 s of quiet (-i 1s) the watermark E + (now - L) - 1s
# moves with the clock and closes them at L+1 and L+2, 1 s + (L - E) after
# their ends.  So every window is out within --idle + -d = 2 s of its end;
# the test allows 1 s more for a loaded machine.  And none can come before
# its end + -d, as no event time is ahead of the clock.  nginx logs in a
# zone 5:30 east of UTC: a zone not applied would miss both bounds.
. "$(dirname "$0")/lib.sh"
EP=$TESTDIR/endpoint

IDLE_MS=1000 DELAY_MS=1000 MARGIN_MS=1000

if ! command -v nginx >/dev/null 2>&1; then
	skip "nginx access log followed live" "nginx is not installed"
	done_testing; exit
fi
if ! command -v wrk >/dev/null 2>&1; then
	skip "nginx access log followed live" "wrk is not installed"
	done_testing; exit
fi

R=$SCRATCH/run
mkdir -p "$R/html" "$R/tmp"
echo hello > "$R/html/index.html"

# Every process started here writes its pid to $R/NAME.pid (the wrapper
# execs, so the pid is the tool's); cleanup stops those left, whatever
# happened.
cleanup() {
	for f in "$R"/*.pid; do
		[ -f "$f" ] && kill -KILL "$(cat "$f")" 2>/dev/null
	done
	rm -rf "$SCRATCH"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
run() {
	_p=$1; shift
	sh -c 'echo $$ > "$0"; exec "$@"' "$R/$_p.pid" "$@"
}
pidof_() { cat "$R/$1.pid"; }
alive() { kill -0 "$(pidof_ "$1")" 2>/dev/null; }
# within SECONDS COMMAND...: runs COMMAND every 20 ms until it succeeds,
# for SECONDS of wall clock at most (a count of tries would stretch on a
# loaded machine); fails on timeout.
within() {
	local end=$((${EPOCHREALTIME/./} + $1 * 1000000))
	shift
	until "$@"; do
		[ "${EPOCHREALTIME/./}" -lt "$end" ] || return 1
		sleep 0.02
	done
}
dead() { ! alive "$1"; }
# gone NAME SECONDS: waits for the process to exit; fails on timeout.
gone() {
	within "$2" dead "$1" || { echo "nginx.sh: $1 still running" >&2; return 1; }
}
# rows N FILE SECONDS: waits until FILE has N lines.
has_lines() { [ "$(wc -l < "$2")" -ge "$1" ]; }
rows_in() {
	within "$3" has_lines "$1" "$2" ||
	    { echo "nginx.sh: $2 has $(wc -l < "$2") rows, wanted $1" >&2; return 1; }
}

# nginx: a port picked at random below Linux's ephemeral range (a few
# tries: nginx exits at once when the port is taken), everything it writes
# inside $R, workers as root only when run as root (otherwise "user" is
# ignored, with a warning).
start_nginx() {
	_port=$1 _user=
	[ "$(id -u)" = 0 ] && _user='user root;'
	_temp= _v=$(nginx -V 2>&1)
	for m in client_body proxy fastcgi uwsgi scgi; do
		case $_v in *"--without-http_${m}_module"*) continue ;; esac
		_temp="$_temp ${m}_temp_path $R/tmp/$m;"
	done
	cat > "$R/nginx.conf" <<-EOF
	$_user
	worker_processes 2;
	pid $R/nginx.pid.file;
	error_log $R/error.log warn;
	events { worker_connections 64; }
	http {
		access_log $R/access.log combined;
		$_temp
		log_not_found off;
		server {
			listen 127.0.0.1:$_port;
			root $R/html;
			location = /boom { return 500; }
		}
	}
	EOF
	TZ=UTC-05:30 run nginx nginx -p "$R" -c "$R/nginx.conf" -e "$R/error.log" \
	    -g 'daemon off;' 2>> "$R/error.log" &
	# Up when it accepts a connection; gone when the port was taken.
	within 5 up "$_port" && alive nginx
}
up() {
	[ -f "$R/nginx.pid" ] && dead nginx && return 0
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}
PORT=
for try in 1 2 3 4 5; do
	p=$((20000 + RANDOM % 12000))
	if start_nginx "$p"; then PORT=$p; break; fi
	[ -f "$R/nginx.pid" ] && kill -KILL "$(pidof_ nginx)" 2>/dev/null
	rm -f "$R/nginx.pid"
done
if [ -z "$PORT" ]; then
	skip "nginx access log followed live" "nginx did not start: $(tail -1 "$R/error.log")"
	done_testing; exit
fi

# The pipelines, started before the traffic.  Each stage's stderr goes to
# a file; rows come out as "window_end,status,count" (ms since the epoch)
# and are stamped with the wall clock when they arrive.
SRC="-F -f combined -t time -d ${DELAY_MS}ms -i ${IDLE_MS}ms $R/access.log"
ROWS="-o csv --no-header --time-format epoch_ms -k window_end,status,count"
(
	run src stream-source $SRC 2> "$R/src.err" |
	stream-window -T 1s 2> "$R/win.err" |
	stream-agg -g status count 2> "$R/agg.err" |
	stream-sink $ROWS 2> "$R/sink.err" | run stamp "$TESTDIR/stamp" "$R/direct.out"
	echo "${PIPESTATUS[*]}" > "$R/direct.rc"
) &
(
	run lis stream-source --listen tcp://127.0.0.1:0 2> "$R/lis.err" |
	stream-window -T 1s 2> "$R/twin.err" |
	stream-agg -g status count 2> "$R/tagg.err" |
	stream-sink $ROWS 2> "$R/tsink.err" | run tstamp "$TESTDIR/stamp" "$R/tcp.out"
	echo "${PIPESTATUS[*]}" > "$R/tcp.rc"
) &
EPT=$($EP "$R/lis.err")
(
	run hop stream-source $SRC 2> "$R/hop.err" |
	stream-sink --connect "$EPT" --retry 5s 2> "$R/conn.err"
	echo "${PIPESTATUS[*]}" > "$R/hop.rc"
) &

# The traffic: 2 connections, 3 s, four paths in turn (200, 200, 404,
# 500), each connection pausing 1 ms between requests so that the
# machine is not saturated (a few thousand lines, not a benchmark).
cat > "$R/paths.lua" <<'EOF'
local paths = { "/", "/index.html", "/missing", "/boom" }
local i = 0
request = function()
	i = i % #paths + 1
	return wrk.format("GET", paths[i])
end
delay = function() return 1 end
EOF
timeout 15 sh -c 'echo $$ > "$0"; exec "$@"' "$R/wrk.pid" wrk -t 2 -c 2 -d 3s -s "$R/paths.lua" \
    "http://127.0.0.1:$PORT/" > "$R/wrk.out" 2>&1
wrk_rc=$?
# nginx stops gracefully (SIGQUIT): every request logged, the log final.
kill -QUIT "$(pidof_ nginx)"; gone nginx 10

# What the log says, computed apart from the tools: the rows per second
# and status, the lines per status.
LOG=$R/access.log
python3 - "$LOG" > "$R/expected" <<'EOF'
import re, sys, datetime, collections
n = collections.Counter()
for line in open(sys.argv[1]):
    m = re.search(r'\[([^]]+)\] "[^"]*" (\d{3}) ', line)
    t = datetime.datetime.strptime(m.group(1), "%d/%b/%Y:%H:%M:%S %z")
    n[(int(t.timestamp()) + 1) * 1000, int(m.group(2))] += 1
for (end, status), c in sorted(n.items()):
    print("%d,%d,%d" % (end, status, c))
EOF
NROWS=$(wc -l < "$R/expected")

# Every window closes through --idle, with no new input and no signal.
rows_in "$NROWS" "$R/direct.out" 10
rows_in "$NROWS" "$R/tcp.out" 10

# Then the stop: the followers get SIGTERM, the hop's sink ends with its
# stream, the listener gets SIGTERM; everything ends as at end of input.
kill -TERM "$(pidof_ src)" "$(pidof_ hop)"
gone src 10; gone hop 10; gone stamp 10
within 10 test -f "$R/hop.rc"
kill -TERM "$(pidof_ lis)"
gone lis 10; gone tstamp 10
within 10 test -f "$R/tcp.rc" -a -f "$R/direct.rc"

rows() { cut -d' ' -f2 "$1" | sort -t, -k1,1n -k2,2n; }

testing "wrk drove nginx: three statuses in the log, wrk finished" \
	"echo wrk=$wrk_rc; awk '{ print \$9 }' $LOG | sort -u | tr '\n' ' '
	 [ \$(wc -l < $LOG) -ge 100 ] && echo 'at least 100 lines'" \
	'wrk=0
200 404 500 at least 100 lines'

testing "the counts add up to the lines of the log" \
	"awk -F, '{ n += \$3 } END { print n }' $R/direct.out" \
	"$(wc -l < "$LOG")"

testing "per status, the counts add up to the log's" \
	"awk -F, '{ n[\$2] += \$3 } END { for (s in n) print s, n[s] }' $R/direct.out | sort" \
	"$(awk '{ n[$9]++ } END { for (s in n) print s, n[s] }' "$LOG" | sort)"

testing "per second and status, the rows are the log's" \
	"cut -d' ' -f2 $R/direct.out | sort -t, -k1,1n -k2,2n" \
	"$(cat "$R/expected")"

testing "over a TCP hop (sink --connect, source --listen): the same rows" \
	"cut -d' ' -f2 $R/tcp.out | sort -t, -k1,1n -k2,2n" \
	"$(rows "$R/direct.out")"

# A row's delay: when it arrived minus its window's end.  Early: before
# the end + -d (the watermark cannot get there sooner).  Late: after
# --idle + -d + the margin.
LAT="awk -v lo=$((DELAY_MS - 100)) -v hi=$((IDLE_MS + DELAY_MS + MARGIN_MS)) '
	{ split(\$2, f, \",\"); d = \$1 - f[1]; n++
	  if (d < lo) { e++; print \"early:\", \$0, d \"ms\" }
	  if (d > hi) { l++; print \"late:\", \$0, d \"ms\" } }
	END { printf \"%d rows, %d early, %d late\\n\", n, e, l }'"
testing "each window comes out within --idle + -d + 1s of its end, not before end + -d" \
	"$LAT $R/direct.out; $LAT $R/tcp.out" \
	"$NROWS rows, 0 early, 0 late
$NROWS rows, 0 early, 0 late"

testing "the tools end cleanly: exit statuses, nothing late, no message" \
	"cat $R/direct.rc $R/hop.rc $R/tcp.rc
	 cat $R/src.err $R/win.err $R/agg.err $R/sink.err $R/hop.err $R/conn.err \
	     $R/twin.err $R/tagg.err $R/tsink.err
	 grep -v 'listening on' $R/lis.err" \
	'143 0 0 0 0
143 0
143 0 0 0 0'

# The observed delays, for the record (not asserted beyond the above).
cat "$R/direct.out" "$R/tcp.out" | awk '{ split($2, f, ","); print $1 - f[1] }' |
	sort -n | awk '{ d[NR] = $1 } END { if (NR) printf "nginx: %d lines; window delay after its end: median %d ms, max %d ms\n", L, d[int((NR + 1) / 2)], d[NR] }' L="$(wc -l < "$LOG")"

done_testing
