#!/bin/bash
# SPDX-License-Identifier: MIT
# Sockets: stream-source --listen (tcp, unix, udp) with real producers
# (the tools, nc, socat), stream-source ENDPOINT, stream-sink --connect
# and --listen.  Loopback only; every background process is stopped by
# its case, and its output goes to a file (not the captured stdout).
. "$(dirname "$0")/lib.sh"
W=$TESTDIR/waitfor
EP=$TESTDIR/endpoint

# until_grep PATTERN FILE: waits (10 s at most) for a line in FILE.
UNTIL='until_grep() { i=0; until grep -q "$1" "$2" 2>/dev/null; do i=$((i+1)); [ $i -gt 500 ] && { echo "timeout waiting for $1" >&2; return 1; }; sleep 0.02; done; }'

testing "two producers, nc with NDJSON and stream-sink with frames: every record once" \
	"stream-source --listen tcp://127.0.0.1:0 -o ndjson > out 2> err & p=\$!
	 ep=\$($EP err); hp=\${ep#tcp://}
	 printf '{\"n\":1}\\n{\"n\":2}\\n' | nc -N \${hp%:*} \${hp##*:}
	 printf '{\"n\":3}\\n{\"n\":4}\\n' | stream-source | stream-sink --connect \$ep
	 $W 4 out; kill \$p; wait \$p; echo rc=\$?; sort out" \
	'rc=143
{"n":1}
{"n":2}
{"n":3}
{"n":4}'

testing "the watermark is the least of the live producers'; one that leaves stops holding it back" \
	"$UNTIL
	 stream-source --listen tcp://127.0.0.1:0 -o trace > out 2> err & p=\$!
	 ep=\$($EP err)
	 (printf '{\"t\":2000}\\n'; $W 1 gateB) | stream-source -t t:epoch_ms | stream-sink --connect \$ep &
	 until_grep '^watermark 1970-01-01T00:00:02Z' out
	 (printf '{\"t\":10000}\\n'; $W 1 gateA) | stream-source -t t:epoch_ms | stream-sink --connect \$ep &
	 until_grep '^record 1970-01-01T00:00:10Z' out
	 sleep 0.3; grep -c '^watermark 1970-01-01T00:00:10Z' out
	 echo go > gateB; until_grep '^watermark 1970-01-01T00:00:10Z' out && echo advanced
	 echo go > gateA; sleep 0.2; kill \$p; wait \$p; tail -2 out" \
	'0
advanced
watermark +inf
end'

testing "a producer cut off in the middle of a frame: an error for it, the others unaffected" \
	"printf '{\"n\":1}\\n{\"n\":2}\\n' | stream-source > good.frames
	 head -c 75 good.frames > cut.frames
	 stream-source --listen tcp://127.0.0.1:0 -o ndjson > out 2> err & p=\$!
	 ep=\$($EP err); hp=\${ep#tcp://}
	 nc -N \${hp%:*} \${hp##*:} < cut.frames
	 nc -N \${hp%:*} \${hp##*:} < good.frames
	 $W 2 out; sleep 0.2; kill \$p; wait \$p
	 cat out; grep -c 'tcp://127.0.0.1:[0-9]*: .*truncated' err" \
	'{"n":1}
{"n":2}
1'

testing "16 producers at once, the tools and nc: every record exactly once" \
	"stream-source --listen tcp://127.0.0.1:0 -o csv > out 2> err & p=\$!
	 ep=\$($EP err); hp=\${ep#tcp://}
	 for i in \$(seq 1 8); do
	   awk -v p=\$i 'BEGIN { for (n = 1; n <= 1000; n++) printf \"{\\\"p\\\":%d,\\\"n\\\":%d}\\n\", p, n }' |
	     stream-source | stream-sink --connect \$ep &
	   awk -v p=\$((i + 8)) 'BEGIN { for (n = 1; n <= 1000; n++) printf \"{\\\"p\\\":%d,\\\"n\\\":%d}\\n\", p, n }' |
	     nc -N \${hp%:*} \${hp##*:} &
	 done
	 wait_n() { i=0; while [ \$(wc -l < out) -lt 16001 ] && [ \$i -lt 1000 ]; do sleep 0.02; i=\$((i+1)); done; }
	 wait_n; kill \$p; wait
	 tail -n +2 out | sort -u | wc -l; tail -n +2 out | wc -l; tail -n +2 out | cut -d, -f1 | sort -u | wc -l" \
	'16000
16000
16'

testing "unix socket: socat and stream-sink --connect; the socket file goes at exit" \
	"stream-source --listen unix:s.sock -o ndjson > out 2> err & p=\$!
	 $EP err > /dev/null
	 printf '{\"a\":1}\\n' | socat - UNIX-CONNECT:s.sock
	 printf '{\"a\":2}\\n' | stream-sink --connect unix:s.sock
	 $W 2 out; kill \$p; wait \$p; sort out; ls s.sock 2>/dev/null | wc -l" \
	'{"a":1}
{"a":2}
0'

testing "a stale unix socket file is replaced" \
	"python3 -c 'import socket; s = socket.socket(socket.AF_UNIX); s.bind(\"s.sock\")'
	 stream-source --listen unix:s.sock -o ndjson > out 2> err & p=\$!
	 $EP err > /dev/null && printf '{\"a\":1}\\n' | stream-sink --connect unix:s.sock
	 $W 1 out; kill \$p; wait \$p; cat out" \
	'{"a":1}'

testing "udp: each datagram is one or more lines, the last without a newline too" \
	"stream-source --listen udp://127.0.0.1:0 -f lines -o ndjson > out 2> err & p=\$!
	 ep=\$($EP err); hp=\${ep#udp://}
	 printf 'one\\ntwo' | socat -u - UDP-SENDTO:\$hp
	 printf 'three\\n' | socat -u - UDP-SENDTO:\$hp
	 $W 3 out; kill \$p; wait \$p; cat out" \
	'{"line":"one"}
{"line":"two"}
{"line":"three"}'

testing "udp both ways: stream-sink --connect sends a datagram a line" \
	"stream-source --listen udp://127.0.0.1:0 -o ndjson > out 2> err & p=\$!
	 ep=\$($EP err)
	 printf '{\"n\":1}\\n{\"n\":2}\\n' | stream-sink --connect \$ep -o ndjson; echo rc=\$?
	 stream-sink --connect \$ep < /dev/null; echo rc=\$?
	 $W 2 out; kill \$p; wait \$p; cat out" \
	'rc=0
rc=2
{"n":1}
{"n":2}'

# The first subscriber gets everything (input waits for it); one that
# joins later gets the stream from a record on, with its own header and
# schemas.
testing "sink --listen: input waits for the first subscriber; a later one gets the rest" \
	"mkfifo in
	 stream-sink --listen tcp://127.0.0.1:0 in > /dev/null 2> err & p=\$!
	 ep=\$($EP err)
	 (awk 'BEGIN { for (n = 1; n <= 200000; n++) printf \"{\\\"n\\\":%d,\\\"pad\\\":\\\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\\\"}\\n\", n }' | stream-source; echo done > gen) > in &
	 sleep 0.5; ls gen 2>/dev/null | wc -l
	 stream-source \$ep -o ndjson > a 2> a.err & sleep 0.05; stream-source \$ep -o ndjson > b 2> b.err &
	 wait \$p; echo rc=\$?; wait
	 wc -l < a; head -1 a | cut -c1-7; tail -n \$(wc -l < b) a | cmp - b && echo suffix" \
	'0
rc=0
200000
{"n":1,
suffix'

testing "with --idle, a quiet producer stops holding the watermark back" \
	"$UNTIL
	 stream-source --listen tcp://127.0.0.1:0 --idle 300ms -o trace > out 2> err & p=\$!
	 ep=\$($EP err)
	 (printf '{\"t\":2000}\\n'; $W 1 gateB) | stream-source -t t:epoch_ms | stream-sink --connect \$ep &
	 until_grep '^watermark 1970-01-01T00:00:02Z' out
	 (printf '{\"t\":10000}\\n'; $W 1 gateA) | stream-source -t t:epoch_ms | stream-sink --connect \$ep &
	 until_grep '^watermark 1970-01-01T00:00:10Z' out && echo advanced
	 echo go > gateA; echo go > gateB; sleep 0.2; kill \$p; wait \$p; tail -1 out" \
	'advanced
end'

# The subscriber reads nothing for 2 s: the kernel's buffers fill, then
# stream-sink blocks, then its input does -- the generator cannot finish.
testing "a slow subscriber slows the producer (backpressure), nothing lost, memory bounded" \
	"mkfifo in
	 stream-sink --listen tcp://127.0.0.1:0 in > /dev/null 2> err & p=\$!
	 ep=\$($EP err); hp=\${ep#tcp://}
	 (awk 'BEGIN { for (n = 1; n <= 1000000; n++) printf \"{\\\"n\\\":%d,\\\"pad\\\":\\\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\\\"}\\n\", n }' | stream-source; echo done > gen) > in &
	 nc \${hp%:*} \${hp##*:} | (sleep 2.5; cat) > sub.frames &
	 sleep 1.5; ls gen 2>/dev/null | wc -l
	 rss=\$(awk '/VmRSS/ { print \$2 }' /proc/\$p/status); [ \$rss -lt 60000 ] && echo bounded
	 wait \$p; echo rc=\$?; wait
	 stream-sink -o csv -k n sub.frames | tail -n +2 | wc -l" \
	'0
bounded
rc=0
1000000'

testing "sink --connect reconnects when the listener comes back" \
	"$UNTIL
	 stream-source --listen unix:s.sock -o ndjson > out1 2> err1 & p1=\$!
	 $EP err1 > /dev/null
	 mkfifo in
	 stream-sink --connect unix:s.sock in 2> serr & s=\$!
	 exec 3> in
	 printf '{\"n\":1}\\n' >&3; $W 1 out1
	 kill \$p1; wait \$p1
	 stream-source --listen unix:s.sock -o ndjson > out2 2> err2 3>&- & p2=\$!
	 $EP err2 > /dev/null
	 printf '{\"n\":2}\\n' >&3; sleep 0.3; printf '{\"n\":3}\\n' >&3
	 until_grep reconnected serr
	 printf '{\"n\":4}\\n' >&3; exec 3>&-
	 wait \$s; echo rc=\$?; sleep 0.3; kill \$p2; wait \$p2
	 cat out1; grep -c '\"n\":4' out2; grep -c 'connection to unix:s.sock lost' serr" \
	'rc=0
{"n":1}
1
1'

testing "sink --connect gives up after --retry: exit 3 and why" \
	"stream-sink --connect unix:nothing.sock --retry 300ms < /dev/null; echo rc=\$?" \
	'rc=3'

testing "sink --connect before the listener is up: input is held, then all of it arrives once" \
	"seq 1 5000 | awk '{ printf \"{\\\"n\\\":%d}\\n\", \$1 }' > in.ndjson
	 stream-source in.ndjson | stream-sink --connect unix:s.sock 2> serr & s=\$!
	 sleep 0.4
	 stream-source --listen unix:s.sock -o ndjson > out 2> err & p=\$!
	 wait \$s; echo rc=\$?; $W 5000 out; kill \$p; wait \$p
	 sort -u out | wc -l; wc -l < out; cmp -s in.ndjson out && echo in-order
	 grep -c 'connected to unix:s.sock' serr; grep -c '5000 held records sent' serr" \
	'rc=0
5000
5000
in-order
1
1'

testing "--on-full block: a full --buffer stops the producer, nothing is lost" \
	"seq 1 200000 | awk '{ printf \"{\\\"n\\\":%d}\\n\", \$1 }' > in.ndjson
	 (cat in.ndjson; echo done > marker) | stream-sink --connect unix:s.sock --buffer 64k 2> serr & s=\$!
	 sleep 0.5; ls marker 2> /dev/null | wc -l
	 stream-source --listen unix:s.sock -o ndjson > out 2> err & p=\$!
	 wait \$s; echo rc=\$?; $W 200000 out; kill \$p; wait \$p
	 ls marker; wc -l < out; cmp -s in.ndjson out && echo in-order" \
	'0
rc=0
marker
200000
in-order'

testing "--on-full drop: a full --buffer drops records and counts them; the producer never waits" \
	"seq 1 10000 | awk '{ printf \"{\\\"n\\\":%d}\\n\", \$1 }' > in.ndjson
	 (cat in.ndjson; echo done > marker) | stream-sink --connect unix:s.sock --buffer 10k --on-full drop 2> serr & s=\$!
	 $W 1 marker
	 stream-source --listen unix:s.sock -o ndjson > out 2> err & p=\$!
	 wait \$s; echo rc=\$?; sleep 0.3; kill \$p; wait \$p
	 got=\$(wc -l < out); dropped=\$(sed -n 's/.*(\\([0-9]*\\) over --buffer).*/\\1/p' serr)
	 echo \$((got + dropped)); [ \$got -gt 100 ] && [ \$dropped -gt 100 ] && echo both
	 head -n \$got in.ndjson | cmp -s - out && echo a-prefix" \
	'rc=0
10000
both
a-prefix'

testing "--retry runs out with records held: exit 3, they are counted as not sent" \
	"printf '{\"n\":1}\\n{\"n\":2}\\n' | stream-sink --connect unix:none.sock --retry 300ms 2> serr; echo rc=\$?
	 grep -c 'gave up after --retry' serr; grep -c '2 records dropped (2 not sent)' serr" \
	'rc=3
1
1'

testing "endpoint and option errors are usage errors" \
	"stream-source --listen tcp://nohostport; echo rc=\$?
	 stream-source --listen tcp://127.0.0.1:0 file; echo rc=\$?
	 stream-sink --listen udp://127.0.0.1:0; echo rc=\$?
	 stream-sink --retry 1s; echo rc=\$?
	 stream-sink --connect unix:x --output f; echo rc=\$?
	 stream-sink --connect unix:x --buffer 0; echo rc=\$?
	 stream-sink --connect unix:x --on-full maybe; echo rc=\$?
	 stream-sink --on-full drop; echo rc=\$?
	 stream-sink --connect udp://127.0.0.1:9 -o lines --buffer 1M; echo rc=\$?" \
	'rc=2
rc=2
rc=2
rc=2
rc=2
rc=2
rc=2
rc=2
rc=2'

# ^C signals every process of a pipeline at once.  Each stage used to
# end 200 ms after the signal, so a stage could end before the one before
# it had handed on the last window: the result was lost.
testing "SIGTERM to a whole pipeline behind a listener: the last window still comes out" \
	"setsid sh -c 'echo \$\$ > pg; exec 2> err; stream-source -f statsd -l udp://127.0.0.1:0 |
	   stream-window -T 10s | stream-agg -g name count sum:value |
	   stream-top -n 5 -b count:desc | stream-filter -w \"count > 0\" |
	   stream-sink -o csv > out' &
	 ep=\$($EP err); hp=\${ep#udp://}
	 printf 'req:1|c\\nreq:2|c\\nerr:5|c\\n' | socat -u - UDP:\$hp
	 i=0; until grep -q 'udp' err && [ \$i -gt 25 ]; do sleep 0.02; i=\$((i+1)); done
	 env kill -TERM -- -\$(cat pg); $W 3 out 5; cut -d, -f3- out" \
	'name,count,sum_value
req,2,3
err,1,5'

done_testing
