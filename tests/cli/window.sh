#!/bin/bash
# SPDX-License-Identifier: MIT
# stream-window and stream-agg in real pipelines: windows, lateness,
# determinism, closing on time with no new input.
. "$(dirname "$0")/lib.sh"
W=$TESTDIR/waitfor

E='{"t":"2026-01-01T00:00:01Z","k":"a","v":1}
{"t":"2026-01-01T00:00:04Z","k":"b","v":2}
{"t":"2026-01-01T00:00:09Z","k":"a","v":3}
{"t":"2026-01-01T00:00:11Z","k":"a","v":4}
{"t":"2026-01-01T00:00:25Z","k":"b","v":5}
'

testing "tumbling windows add start and end, close in order" \
	"stream-source -t t input | stream-window -T 10s | stream-sink -o trace | cut -c1-200" \
	'record 2026-01-01T00:00:01Z {"t":"2026-01-01T00:00:01Z","k":"a","v":1,"window_start":"2026-01-01T00:00:00Z","window_end":"2026-01-01T00:00:10Z"}
watermark 2026-01-01T00:00:01Z
record 2026-01-01T00:00:04Z {"t":"2026-01-01T00:00:04Z","k":"b","v":2,"window_start":"2026-01-01T00:00:00Z","window_end":"2026-01-01T00:00:10Z"}
watermark 2026-01-01T00:00:04Z
record 2026-01-01T00:00:09Z {"t":"2026-01-01T00:00:09Z","k":"a","v":3,"window_start":"2026-01-01T00:00:00Z","window_end":"2026-01-01T00:00:10Z"}
watermark 2026-01-01T00:00:09Z
record 2026-01-01T00:00:11Z {"t":"2026-01-01T00:00:11Z","k":"a","v":4,"window_start":"2026-01-01T00:00:10Z","window_end":"2026-01-01T00:00:20Z"}
close [2026-01-01T00:00:00Z, 2026-01-01T00:00:10Z)
watermark 2026-01-01T00:00:11Z
record 2026-01-01T00:00:25Z {"t":"2026-01-01T00:00:25Z","k":"b","v":5,"window_start":"2026-01-01T00:00:20Z","window_end":"2026-01-01T00:00:30Z"}
close [2026-01-01T00:00:10Z, 2026-01-01T00:00:20Z)
watermark 2026-01-01T00:00:25Z
close [2026-01-01T00:00:20Z, 2026-01-01T00:00:30Z)
watermark +inf
end' "$E"

testing "count per key per window, ordered by window end then key" \
	"stream-source -t t input | stream-window -T 10s | stream-agg -g k count sum:v -o csv" \
	'window_start,window_end,k,count,sum_v
2026-01-01T00:00:00Z,2026-01-01T00:00:10Z,a,2,4
2026-01-01T00:00:00Z,2026-01-01T00:00:10Z,b,1,2
2026-01-01T00:00:10Z,2026-01-01T00:00:20Z,a,1,4
2026-01-01T00:00:20Z,2026-01-01T00:00:30Z,b,1,5' "$E"

testing "a global count reports empty windows as 0" \
	"stream-source -t t input | stream-window -T 10s | stream-agg count -o csv" \
	'window_start,window_end,count
2026-01-01T00:00:00Z,2026-01-01T00:00:10Z,3
2026-01-01T00:00:10Z,2026-01-01T00:00:20Z,1
2026-01-01T00:00:20Z,2026-01-01T00:00:30Z,1' "$E"

testing "hopping windows put a record in each covering window" \
	"stream-source -t t input | stream-window -H 10s/5s | stream-agg count -o csv | sed 1d | cut -d, -f1,3 | cut -c12-" \
	'23:59:55Z,2
00:00:00Z,3
00:00:05Z,2
00:00:10Z,1
00:00:15Z,0
00:00:20Z,1
00:00:25Z,1' "$E"

testing "late records are dropped and counted by default" \
	"stream-source -t t input 2>/dev/null | stream-window -T 10s 2>err | stream-agg count -o csv; cat err" \
	'window_start,window_end,count
2026-01-01T00:00:00Z,2026-01-01T00:00:10Z,1
2026-01-01T00:00:10Z,2026-01-01T00:00:20Z,1
stream-window: 1 record dropped (1 late)' \
	'{"t":"2026-01-01T00:00:01Z"}
{"t":"2026-01-01T00:00:12Z"}
{"t":"2026-01-01T00:00:05Z"}
'

testing "--max-delay lets out-of-order records in" \
	"stream-source -t t -d 10s input | stream-window -T 10s | stream-agg count -o csv" \
	'window_start,window_end,count
2026-01-01T00:00:00Z,2026-01-01T00:00:10Z,2
2026-01-01T00:00:10Z,2026-01-01T00:00:20Z,1' \
	'{"t":"2026-01-01T00:00:01Z"}
{"t":"2026-01-01T00:00:12Z"}
{"t":"2026-01-01T00:00:05Z"}
'

testing "--allowed-lateness keeps a window open past its end" \
	"stream-source -t t input | stream-window -T 10s -l 10s | stream-agg count -o csv" \
	'window_start,window_end,count
2026-01-01T00:00:00Z,2026-01-01T00:00:10Z,2
2026-01-01T00:00:10Z,2026-01-01T00:00:20Z,1' \
	'{"t":"2026-01-01T00:00:01Z"}
{"t":"2026-01-01T00:00:12Z"}
{"t":"2026-01-01T00:00:05Z"}
'

testing "--late FILE writes late records with a reason" \
	"stream-source -t t input | stream-window -T 10s --late late.ndjson >/dev/null; cat late.ndjson" \
	'{"t":"2026-01-01T00:00:05Z","late_reason":"late: window ends 2026-01-01T00:00:10Z, watermark was 2026-01-01T00:00:12Z"}' \
	'{"t":"2026-01-01T00:00:01Z"}
{"t":"2026-01-01T00:00:12Z"}
{"t":"2026-01-01T00:00:05Z"}
'

testing "--late update re-emits the closed window's result, changed" \
	"stream-source -t t input | stream-window -T 10s --late update | stream-agg count -o csv" \
	'window_start,window_end,count
2026-01-01T00:00:00Z,2026-01-01T00:00:10Z,1
2026-01-01T00:00:00Z,2026-01-01T00:00:10Z,2
2026-01-01T00:00:10Z,2026-01-01T00:00:20Z,1' \
	'{"t":"2026-01-01T00:00:01Z"}
{"t":"2026-01-01T00:00:12Z"}
{"t":"2026-01-01T00:00:05Z"}
'

S='{"t":1,"u":"x"}
{"t":2,"u":"y"}
{"t":8,"u":"x"}
{"t":20,"u":"x"}
{"t":3,"u":"y"}
{"t":5,"u":"x"}
'

testing "sessions per key; a late record bridges two sessions" \
	"stream-source -t t:epoch_s -d 30s input | stream-window -S 5s -b u | stream-agg -g u count min:t max:t -o csv | cut -d, -f3-" \
	'u,count,min_t,max_t
y,2,2,3
x,3,1,8
x,1,20,20' "$S"

testing "count windows of N records per key" \
	"stream-source -t t:epoch_s input | stream-window -C 2 -b u | stream-agg -g u count -o csv | cut -d, -f3-" \
	'u,count
x,2
y,2
x,2' "$S"

testing "windowed results cascade: max of per-key counts per window" \
	"stream-source -t t input | stream-window -T 10s | stream-agg -g k count | stream-agg max:count -o csv" \
	'window_start,window_end,max_count
2026-01-01T00:00:00Z,2026-01-01T00:00:10Z,2
2026-01-01T00:00:10Z,2026-01-01T00:00:20Z,1
2026-01-01T00:00:20Z,2026-01-01T00:00:30Z,1' "$E"

testing "usage: exactly one kind of window" \
	"stream-window -T 10s -S 5s 2>&1; echo rc=\$?; stream-window 2>&1; echo rc=\$?" \
	"stream-window: give one of --tumbling, --hopping, --session, --count, --until
Try 'stream-window --help' for more information.
rc=2
stream-window: say which windows: --tumbling, --hopping, --session, --count or --until
Try 'stream-window --help' for more information.
rc=2"

# Determinism: the same events, in file order, replayed, and shuffled
# within the allowed delay, give byte-identical results.
awk 'BEGIN { srand(42); for (i = 0; i < 3000; i++) {
	t = 1767225600 + i * 0.1;   # 2026-01-01, 10 events/s
	printf "{\"t\":%.3f,\"k\":\"k%d\",\"v\":%d}\n", t, int(rand() * 5), int(rand() * 1000) } }' \
	> "$SCRATCH/ordered.ndjson"
# Shuffle within 2 s: sort by a jittered key.
awk 'BEGIN { srand(7) } { match($0, /"t":[0-9.]+/); t = substr($0, RSTART + 4, RLENGTH - 4);
	printf "%.3f\t%s\n", t + rand() * 1.9, $0 }' "$SCRATCH/ordered.ndjson" |
	sort -n -k1,1 | cut -f2- > "$SCRATCH/shuffled.ndjson"
P="stream-window -T 10s | stream-agg -g k count sum:v p50:v -o ndjson"

testing "same answers from a file, a replay and a shuffled copy" \
	"stream-source -t t -d 2s $SCRATCH/ordered.ndjson | $P > a
	 stream-source -t t -d 2s --replay=2000 $SCRATCH/ordered.ndjson | $P > b
	 stream-source -t t -d 2s $SCRATCH/shuffled.ndjson | $P > c
	 cmp a b && cmp a c && ! cmp -s $SCRATCH/ordered.ndjson $SCRATCH/shuffled.ndjson && wc -l < a" \
	"150"

testing "a window closes with no new input, by --idle" \
	"mkfifo f; s=\$(date -u +%Y-%m-%dT%H:%M:%S); (printf '{\"t\":\"%s\"}\n' \$s.100Z \$s.200Z \$s.300Z; sleep 30) > f & w=\$!
	stream-source -t t --idle 300ms f | stream-window -T 1s | stream-agg count -o csv > out & p=\$!
	$W 2 out 5; kill \$w; wait \$p; head -n 1 out; sed -n 2p out | cut -d, -f3" \
	'window_start,window_end,count
3'

# Schema [a, c, d, e, b]; one record: a is bad number text "1x", c, d, e
# null, b = 3 (few fields read: the tools decode lazily).
BADFR='printf "#streamutils frames v1\nS\014\000\000\000\000\005\001a\001c\001d\001e\001bD\022\000\000\000\000\000\000\000\000\000\000\000\000\005\0021x\000\000\000\003\006E\000\000\000\000"'

testing "a value tumbling windows pass on unread is checked by the next reader" \
	"$BADFR | stream-window -T 10s 2>werr | stream-sink -o ndjson 2>serr; sed 's/; keep.*//' serr; cat werr" \
	'stream-sink: <stdin>: byte 167: bad number text in data frame
stream-sink: 1 bad record skipped (1 bad number text in data frame); the first at <stdin>: byte 167' ""

testing "a value read by stream-agg is checked there; one it does not read is not" \
	"$BADFR | stream-window -T 10s | stream-agg sum:a -o csv 2>aerr; head -1 aerr; $BADFR | stream-window -T 10s | stream-agg sum:b -o csv" \
	'window_start,window_end,sum_a
1970-01-01T00:00:00Z,1970-01-01T00:00:10Z,
stream-agg: <stdin>: byte 167: bad number text in data frame
window_start,window_end,sum_b
1970-01-01T00:00:00Z,1970-01-01T00:00:10Z,3' ""

done_testing
