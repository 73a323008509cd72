#!/bin/bash
# SPDX-License-Identifier: MIT
# stream-sink -o table: bars (--bar), and the live screen (--redraw) on a
# pipe, forced, and on a real terminal.
. "$(dirname "$0")/lib.sh"

# Three windows of 10 s: two statuses, then one, then one.
EV='{"t":"2026-01-01T00:00:01Z","s":200}
{"t":"2026-01-01T00:00:02Z","s":200}
{"t":"2026-01-01T00:00:03Z","s":200}
{"t":"2026-01-01T00:00:04Z","s":404}
{"t":"2026-01-01T00:00:13Z","s":500}
{"t":"2026-01-01T00:00:25Z","s":200}
'
AGG="stream-source -t t input | stream-window -T 10s | stream-agg -g s count"
# The live screen made readable: escapes by name, the clock masked.
SHOW="sed -e 's/\x1b\[999;1H/<bottom>/g' -e 's/\x1b\[H/<home>/g' -e 's/\x1b\[K/<el>/g' -e 's/\x1b\[J/<ed>/g' -e 's/updated [0-9:]*/updated T/'"

testing "not a terminal: the table as before, each window in turn" \
	"$AGG | stream-sink -o table -k s,count" \
	"  s  count
200      3
404      1
500      1
200      1" "$EV"

testing "--bar: a column of '#' scaled to the largest value (C locale)" \
	"$AGG | stream-sink -o table -k s,count --bar count" \
	"  s  count
200      3  ####################
404      1  #######
500      1  #######
200      1  #######" "$EV"

# Windows that come one at a time are tables of their own when a larger
# value needs a new scale, and go on on the old scale otherwise.
testing "--bar: a larger value starts a new table, a smaller one goes on" \
	"mkfifo f
	stream-source -t t f | stream-window -T 10s | stream-agg -g s count |
	    stream-sink -o table -k s,count --bar count > out &
	exec 3> f
	sed -n 5p input >&3; sed -n 6p input >&3; $TESTDIR/waitfor 2 out || exit
	head -n 4 input | sed 's/T00:00:0/T00:00:3/' >&3; $TESTDIR/waitfor 3 out || exit
	echo '{\"t\":\"2026-01-01T00:00:45Z\",\"s\":404}' >&3
	exec 3>&-; wait; cat out" \
	"  s  count
500      1  ####################
200      1  ####################

  s  count
200      3  ####################
404      1  #######
404      1  #######" "$EV"

testing "--bar in a UTF-8 locale draws eighths" \
	"printf '{\"k\":\"a\",\"n\":1}\n{\"k\":\"b\",\"n\":-16}\n{\"k\":\"c\",\"n\":\"x\"}\n{\"k\":\"d\",\"n\":null}\n' |
	LC_ALL=C.UTF-8 stream-sink -o table --bar n" \
	"k  n
a    1  █▎
b  -16  -████████████████████
c  x
d  -"

testing "--bar on a field without numbers warns once at the end" \
	"$AGG | stream-sink -o table --bar cnt 2>&1 >/dev/null; echo rc=\$?" \
	"stream-sink: --bar cnt: no record had a number in this field
rc=0" "$EV"

testing "--redraw and --bar need -o table" \
	"stream-sink --bar n input 2>&1; echo rc=\$?; stream-sink -o csv --redraw always input 2>&1 | head -n 1" \
	"stream-sink: --redraw and --bar go with -o table
Try 'stream-sink --help' for more information.
rc=2
stream-sink: --redraw and --bar go with -o table" "$EV"

testing "--bar must be among --fields; --redraw takes auto, always, never" \
	"stream-sink -o table -k s --bar count input 2>&1 | head -n 1
	stream-sink -o table --redraw yes input 2>&1 | head -n 1" \
	"stream-sink: --bar count: not among the --fields
stream-sink: --redraw: unknown value 'yes' (choose from auto, always, never)" "$EV"

# Each window is fed only once the one before is on the screen, so each
# closing window must redraw it (nothing can be coalesced).
testing "--redraw always: each closing window redraws the screen in place" \
	"mkfifo f
	stream-source -t t f | stream-window -T 10s | stream-agg -g s count |
	    LINES=6 COLUMNS=80 stream-sink -o table -k s,count --redraw always > out &
	exec 3> f
	head -n 5 input >&3; $TESTDIR/waitfor 10 out || exit
	sed -n 6p input >&3; $TESTDIR/waitfor 13 out || exit
	exec 3>&-; wait
	$SHOW out" \
	"<bottom>





<home><el>window [2026-01-01T00:00:00Z, 00:00:10Z)  2 rows  updated T
<el>  s  count
<el>200      3
<el>404      1
<ed><home><el>window [2026-01-01T00:00:10Z, 00:00:20Z)  1 row  updated T
<el>  s  count
<el>500      1
<ed><home><el>window [2026-01-01T00:00:20Z, 00:00:30Z)  1 row  updated T
<el>  s  count
<el>200      1
<ed>" "$EV"

testing "--redraw always: cut to the height with a count of the rest, and to the width" \
	"seq 1 9 | sed 's/.*/{\"k\":\"key-&\",\"n\":&}/' | stream-source -t n |
	    stream-window -T 1h | stream-agg -g k sum:n |
	    LINES=6 COLUMNS=12 stream-sink -o table -k k,sum_n --redraw always | $SHOW" \
	"<bottom>





<home><el>window [1970
<el>k      sum_n
<el>key-1      1
<el>key-2      2
<el>... 7 more r
<ed>"

testing "--redraw always without windows: the latest rows, at the end" \
	"seq 1 7 | sed 's/.*/{\"n\":&}/' | LINES=5 stream-sink -o table --redraw always | $SHOW" \
	"<bottom>




<home><el>7 rows  updated T
<el>... 6 earlier rows
<el>n
<el>7
<ed>"

testing "--redraw never on a pipe is the plain table" \
	"$AGG | stream-sink -o table -k s,count --redraw never | head -n 2" \
	"  s  count
200      3" "$EV"

if ! command -v script >/dev/null 2>&1; then
	skip "auto: live on a terminal" "script(1) is not installed"
	done_testing
	exit
fi

# On a pseudo terminal of 8 by 60 (script(1)): auto is live unless TERM is
# dumb; --redraw never is not.  The sink's output is all that is there;
# how many of the windows it drew depends on how its reads fell (a slow
# machine may see the windows one by one), the last one it always draws.
PTY() {	# PTY ENV ARGS: the pipeline on a terminal, escapes shown
	printf '%s' "TERM=$1 script -qec 'stty rows 8 cols 60; $AGG | stream-sink -o table -k s,count $2' /dev/null | tr -d '\r' | $SHOW | sed 's/^<ed><home>/<home>/' | tail -n 4"
}
testing "auto on a terminal: the live screen" \
	"$(PTY xterm '')" \
	"<home><el>window [2026-01-01T00:00:20Z, 00:00:30Z)  1 row  updated T
<el>  s  count
<el>200      1
<ed>" "$EV"

testing "auto on a terminal with --bar: the bar fills the width, in eighths" \
	"LC_ALL=C.UTF-8 $(PTY xterm '--bar count') | grep '^<el>200      1'" \
	"<el>200      1  ████████████████████████████████████████" "$EV"

testing "auto on a dumb terminal, or --redraw never: the plain table" \
	"$(PTY dumb ''); $(PTY xterm '--redraw never')" \
	"200      3
404      1
500      1
200      1
200      3
404      1
500      1
200      1" "$EV"

testing "auto on a pipe, even from a terminal's TERM: the plain table" \
	"$AGG | TERM=xterm stream-sink -o table -k s,count | grep -c \$(printf '\\033')" \
	"0" "$EV"

done_testing
