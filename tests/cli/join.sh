#!/bin/bash
# SPDX-License-Identifier: MIT
# stream-join: tables with reloads, and stream-stream joins checked
# against sqlite3, in different interleavings, through tee, and outer rows.
. "$(dirname "$0")/lib.sh"
W=$TESTDIR/waitfor
D=$SCRATCH

testing "enrich from a CSV table; left keeps the unmatched" \
	"printf 'host,team\\nweb-1,shop\\nweb-2,search\\n' > teams.csv
	 stream-join -T teams.csv -k host -t left -o ndjson input" \
	'{"host":"web-1","n":1,"team":"shop"}
{"host":"web-9","n":2,"team":null}
{"host":"web-2","n":3,"team":"search"}' \
	'{"host":"web-1","n":1}
{"host":"web-9","n":2}
{"host":"web-2","n":3}
'

testing "keys join by text: 5, 5.0 and \"5\" are one key, \"05\" is not" \
	"printf 'id,name\\n5,five\\n' > t.csv; stream-join -T t.csv -k id -o ndjson input" \
	'{"id":5,"name":"five"}
{"id":5.0,"name":"five"}
{"id":"5","name":"five"}' \
	'{"id":5}
{"id":5.0}
{"id":"5"}
{"id":"05"}
{"id":null}
'

testing "clashing names get the prefix; LEFT=RIGHT keys" \
	"printf 'uid,name\\n1,table-name\\n' > t.csv; stream-join -T t.csv -k user=uid --prefix t_ -o ndjson input" \
	'{"user":1,"name":"stream-name","uid":1,"t_name":"table-name"}' \
	'{"user":1,"name":"stream-name"}
'

testing "the table reloads when it changes; no record lost or doubled" \
	"printf 'k,v\\na,old\\n' > t.csv; mkfifo f
	 (printf '{\"k\":\"a\",\"n\":1}\\n'; sleep 0.5; printf 'k,v\\na,new\\n' > t.tmp; mv t.tmp t.csv; sleep 0.8; printf '{\"k\":\"a\",\"n\":2}\\n') > f &
	 stream-join -T t.csv -k k -o ndjson f 2>err; grep -c reloaded err" \
	'{"k":"a","n":1,"v":"old"}
{"k":"a","n":2,"v":"new"}
1'

testing "a broken new table is rejected and the old one kept" \
	"printf 'k,v\\na,old\\n' > t.csv; mkfifo f
	 (printf '{\"k\":\"a\",\"n\":1}\\n'; sleep 0.5; printf 'k,v\\na,\"broken\\n' > t.tmp; mv t.tmp t.csv; sleep 0.8; printf '{\"k\":\"a\",\"n\":2}\\n') > f &
	 stream-join -T t.csv -k k -o ndjson f 2>err; sed 's/^.*new version rejected.*\$/rejected/' err" \
	'{"k":"a","n":1,"v":"old"}
{"k":"a","n":2,"v":"old"}
rejected'

# The table is rewritten in place with the same size and mtime: polling
# cannot see it, so only the SIGHUP can bring in the new row.
testing "SIGHUP reloads the table" \
	"printf 'k,v\\na,old\\n' > t.csv; touch -d '2000-01-01' t.csv; mkfifo f
	 (printf '{\"k\":\"a\",\"n\":1}\\n'; $W 1 out; printf 'k,v\\na,hup\\n' > t.csv; touch -d '2000-01-01' t.csv
	  kill -HUP \$(cat pid); sleep 0.6; printf '{\"k\":\"a\",\"n\":2}\\n') > f &
	 stream-join -T t.csv -k k -o ndjson f > out 2>/dev/null & echo \$! > pid; wait \$!; cat out" \
	'{"k":"a","n":1,"v":"old"}
{"k":"a","n":2,"v":"hup"}'

# Generated streams: clicks and impressions, ids 0..49.
awk 'BEGIN { srand(11); for (i = 0; i < 600; i++) {
	t = 1000000 + i * 50; printf "{\"t\":%d,\"id\":%d,\"kind\":\"%s\",\"n\":%d}\n", t + int(rand() * 300), int(rand() * 50), rand() < 0.5 ? "imp" : "click", i } }' |
	sort -t: -k2,2n > "$D/mixed.ndjson"
stream-source -t t:epoch_ms -d 1s "$D/mixed.ndjson" > "$D/mixed.frames"
stream-filter -w "kind = 'imp'" "$D/mixed.frames" > "$D/imp.frames"
stream-filter -w "kind = 'click'" "$D/mixed.frames" > "$D/click.frames"
stream-sink -o csv -k t,id,kind,n "$D/mixed.ndjson" > "$D/mixed.csv"
sqlite3 "$D/db" ".mode csv" ".import $D/mixed.csv m" \
	"create table e as select cast(t as integer) t, cast(id as integer) id, kind, cast(n as integer) n from m"
OUT="stream-sink -o csv --no-header -k n,right_n"

SQL_IV="select l.n, r.n from e l join e r on l.id = r.id and l.kind = 'imp' and r.kind = 'click'
	and r.t between l.t - 500 and l.t + 2000 order by 1, 2;"
testing "interval join of two streams = sqlite" \
	"sqlite3 -csv $D/db \"$SQL_IV\" > want
	 stream-join -k id -R $D/click.frames -W -500ms,+2s $D/imp.frames | $OUT | sort -t, -k1,1n -k2,2n > got
	 cmp got want && wc -l < got" \
	"$(sqlite3 -csv "$D/db" "$SQL_IV" | wc -l)"

testing "the same join from one mixed stream (two sides by --left-where)" \
	"sqlite3 -csv $D/db \"$SQL_IV\" > want
	 stream-join -k id --left-where \"kind = 'imp'\" --right-where \"kind = 'click'\" -W -500ms,+2s $D/mixed.frames | $OUT | sort -t, -k1,1n -k2,2n > got
	 cmp got want && echo same" \
	"same"

testing "the same join fed through tee into both inputs, no hang" \
	"sqlite3 -csv $D/db \"$SQL_IV\" > want; mkfifo f; cat $D/mixed.frames | tee f | stream-filter -w \"kind = 'imp'\" |
	   timeout 20 stream-join -k id -R f -W -500ms,+2s | stream-filter -w \"right_kind = 'click'\" | $OUT | sort -t, -k1,1n -k2,2n > got
	 cmp got want && echo same" \
	"same"

testing "output order does not depend on how the inputs interleave" \
	"stream-join -k id -R $D/click.frames -W -500ms,+2s $D/imp.frames | stream-sink > a
	 mkfifo fl fr
	 (head -c 3000 $D/imp.frames; sleep 0.3; tail -c +3001 $D/imp.frames) > fl &
	 (sleep 0.2; cat $D/click.frames) > fr &
	 stream-join -k id -R fr -W -500ms,+2s fl | stream-sink > b
	 cmp a b && wc -l < a" \
	"$(sqlite3 -csv "$D/db" "$SQL_IV" | wc -l)"

# Interval bounded by a field of the left record: auctions until expiry.
awk 'BEGIN { srand(2); for (a = 0; a < 30; a++) { t = 1000000 + a * 3000;
	printf "{\"t\":%d,\"id\":%d,\"expires\":%d}\n", t, a, t + 1000 + int(rand() * 6000) } }' > "$D/auctions.ndjson"
awk 'BEGIN { srand(4); for (b = 0; b < 800; b++) printf "{\"t\":%d,\"id\":%d,\"bid\":%d}\n", 1000000 + int(rand() * 95000), int(rand() * 30), b }' |
	sort -t: -k2,2n > "$D/bids.ndjson"
stream-sink -o csv -k t,id,expires "$D/auctions.ndjson" > "$D/auctions.csv"
stream-sink -o csv -k t,id,bid "$D/bids.ndjson" > "$D/bids.csv"
sqlite3 "$D/db" ".mode csv" ".import $D/auctions.csv au" ".import $D/bids.csv bi"
SQL_FB="select cast(a.id as integer), cast(b.bid as integer) from au a join bi b on a.id = b.id and cast(b.t as integer) >= cast(a.t as integer)
	and cast(b.t as integer) <= cast(a.expires as integer) order by 1, 2;"
testing "interval join with a field bound: bids while the auction is open" \
	"sqlite3 -csv $D/db \"$SQL_FB\" > want
	 stream-source -t t:epoch_ms -d 100s $D/bids.ndjson > bids.frames
	 stream-source -t t:epoch_ms -d 100s $D/auctions.ndjson | stream-join -k id -R bids.frames -W 0,expires:epoch_ms | stream-sink -o csv --no-header -k id,bid | sort -t, -k1,1n -k2,2n > got
	 cmp got want && wc -l < got" \
	"$(sqlite3 -csv "$D/db" "$SQL_FB" | wc -l)"

SQL_REG="select l.n, r.n from e l join e r on l.id = r.id and l.kind = 'imp' and r.kind = 'click' order by 1, 2;"
testing "regular join (state kept) = sqlite" \
	"sqlite3 -csv $D/db \"$SQL_REG\" > want
	 stream-join -k id -R $D/click.frames $D/imp.frames | $OUT | sort -t, -k1,1n -k2,2n > got
	 cmp got want && wc -l < got" \
	"$(sqlite3 -csv "$D/db" "$SQL_REG" | wc -l)"

SQL_WIN="select l.n, r.n from e l join e r on l.id = r.id and l.kind = 'imp' and r.kind = 'click'
	and l.t / 5000 = r.t / 5000 order by 1, 2;"
testing "windowed join (same 5 s window) = sqlite" \
	"sqlite3 -csv $D/db \"$SQL_WIN\" > want
	 stream-window -T 5s $D/click.frames > cw.frames
	 stream-window -T 5s $D/imp.frames | stream-join -k id -R cw.frames --windowed | $OUT | sort -t, -k1,1n -k2,2n > got
	 cmp got want && wc -l < got" \
	"$(sqlite3 -csv "$D/db" "$SQL_WIN" | wc -l)"

testing "windowed join, --emit close: the same pairs, each stamped at its window's end" \
	"sqlite3 -csv $D/db \"$SQL_WIN\" > want
	 stream-window -T 5s $D/click.frames > cw.frames
	 stream-window -T 5s $D/imp.frames | stream-join -k id -R cw.frames --windowed --emit close > o.frames
	 stream-filter -w \"event_time() <> window_end - interval '1 ns'\" -o ndjson o.frames | wc -l
	 $OUT o.frames | sort -t, -k1,1n -k2,2n > got
	 cmp got want && wc -l < got" \
	"0
$(sqlite3 -csv "$D/db" "$SQL_WIN" | wc -l)"

SQL_CASCADE="select l.t / 5000 * 5000, l.id, count(*) from e l join e r on l.id = r.id and l.kind = 'imp'
	and r.kind = 'click' and l.t / 5000 = r.t / 5000 group by 1, 2 order by 1, 2;"
testing "a windowed join cascades into stream-agg per window = sqlite" \
	"sqlite3 -csv $D/db \"$SQL_CASCADE\" > want
	 stream-window -T 5s $D/click.frames > cw.frames
	 stream-window -T 5s $D/imp.frames | stream-join -k id -R cw.frames --windowed | stream-agg -g id count |
	   stream-sink -o csv --no-header --time-format epoch_ms -k window_start,id,count | sort -t, -k1,1n -k2,2n > got
	 cmp got want && wc -l < got" \
	"$(sqlite3 -csv "$D/db" "$SQL_CASCADE" | wc -l)"

# The left stays open: the first window's count must come out when both
# sides have closed the window, not at the end of input.
testing "window-close punctuation passes through the join: results while the input is open" \
	"printf '{\"t\":1500,\"id\":1}\\n{\"t\":2500,\"id\":1}\\n{\"t\":7500,\"id\":1}\\n' | stream-source -t t:epoch_ms | stream-window -T 5s > r.frames
	 (printf '{\"t\":1000,\"id\":1}\\n{\"t\":6000,\"id\":1}\\n'; $W 1 out && echo early > seen) |
	   stream-source -t t:epoch_ms | stream-window -T 5s | stream-join -k id -R r.frames --windowed |
	   stream-agg -g id count | stream-sink -o csv --no-header --time-format epoch_s -k window_start,id,count > out
	 cat seen out" \
	'early
0,1,2
5,1,1'

SQL_LEFT="select l.n, r.n from e l left join e r on l.id = r.id and r.kind = 'click'
	and r.t between l.t - 500 and l.t + 2000 where l.kind = 'imp' order by 1, 2;"
testing "left outer interval join = sqlite LEFT JOIN" \
	"sqlite3 -csv $D/db \"$SQL_LEFT\" > want
	 stream-join -k id -R $D/click.frames -W -500ms,+2s -t left $D/imp.frames | $OUT | sort -t, -k1,1n -k2,2n > got
	 cmp got want && wc -l < got" \
	"$(sqlite3 -csv "$D/db" "$SQL_LEFT" | wc -l)"

# The left stays open after its second record: the first one's outer row
# must come out as soon as the watermark (5 s) passes its bound (3 s).
testing "an unmatched left row comes out when the watermark passes its bound" \
	"printf '{\"t\":1500,\"id\":7,\"x\":1}\\n{\"t\":9000,\"id\":7,\"x\":2}\\n' | stream-source -t t:epoch_ms > r.frames
	 (printf '{\"t\":1000,\"id\":1,\"n\":1}\\n{\"t\":5000,\"id\":9,\"n\":2}\\n'; $W 1 out && echo early > seen) |
	   stream-source -t t:epoch_ms | stream-join -k id -R r.frames -W 0,+2s -t left | stream-sink -o trace | grep --line-buffered ^record > out
	 cat seen out" \
	'early
record 1970-01-01T00:00:03Z {"t":1000,"id":1,"n":1,"right_t":null,"x":null}
record 1970-01-01T00:00:07Z {"t":5000,"id":9,"n":2,"right_t":null,"x":null}'

testing "full outer: the key is shown once, filled from the right side when the left is missing" \
	"printf '{\"t\":1000,\"id\":1,\"a\":1}\\n{\"t\":2000,\"id\":2,\"a\":2}\\n' | stream-source -t t:epoch_ms > l.frames
	 printf '{\"t\":1500,\"id\":2,\"b\":1}\\n{\"t\":2500,\"id\":3,\"b\":2}\\n' | stream-source -t t:epoch_ms > r.frames
	 stream-join -k id -R r.frames -W -1s,+1s -t full l.frames | stream-sink -o trace | grep ^record" \
	'record 1970-01-01T00:00:02Z {"t":2000,"id":2,"a":2,"right_t":1500,"b":1}
record 1970-01-01T00:00:02Z {"t":1000,"id":1,"a":1,"right_t":null,"b":null}
record 1970-01-01T00:00:03.500Z {"t":null,"id":3,"a":null,"right_t":2500,"b":2}'

testing "a record behind its side's watermark is late: dropped and counted, not joined" \
	"printf '{\"t\":1000,\"id\":1,\"r\":1}\\n{\"t\":5500,\"id\":1,\"r\":2}\\n' | stream-source -t t:epoch_ms > r.frames
	 printf '{\"t\":5000,\"id\":1}\\n{\"t\":1000,\"id\":1}\\n{\"t\":6000,\"id\":1}\\n' | stream-source -t t:epoch_ms --watermark-step 0 |
	   stream-join -k id -R r.frames -W -1s,+1s -o ndjson 2>err; cat err" \
	'{"t":5000,"id":1,"right_t":5500,"r":2}
{"t":6000,"id":1,"right_t":5500,"r":2}
stream-join: 1 record dropped (1 late)'

testing "one stream, two sides: a late record is counted once" \
	"printf '{\"t\":5000,\"id\":1}\\n{\"t\":1000,\"id\":1}\\n{\"t\":6000,\"id\":1}\\n' | stream-source -t t:epoch_ms --watermark-step 0 |
	   stream-join -k id --left-where true --right-where true -W -1s,+1s -o ndjson 2>err | wc -l; cat err" \
	'4
stream-join: 1 record dropped (1 late)'

testing "a windowed join counts records without window fields, never drops them silently" \
	"printf '{\"t\":1000,\"id\":1}\\n' | stream-source -t t:epoch_ms > plain.frames
	 printf '{\"t\":1000,\"id\":1}\\n' | stream-source -t t:epoch_ms | stream-window -T 5s > win.frames
	 stream-join -k id -R win.frames --windowed -t full plain.frames -o ndjson 2>err | wc -l; cat err" \
	'1
stream-join: 1 record dropped (1 without window fields)'

testing "usage errors: LO after HI, --ttl where state is bounded already" \
	"stream-join -k id -R /dev/null -W 5m,-5m /dev/null; echo rc=\$?
	 stream-join -k id -R /dev/null --windowed --ttl 1m /dev/null; echo rc=\$?
	 stream-join -k id -R /dev/null -W -1m,1m --ttl 1m /dev/null; echo rc=\$?" \
	'rc=2
rc=2
rc=2'

testing "table size: one row is one row" \
	"printf 'k,v\\na,1\\n' > t.csv; stream-join -T t.csv -k k --stats /dev/null 2>&1 >/dev/null | cut -d, -f1" \
	"stream-join: t.csv: 1 row"

testing "more than --max-buffer records held is an error naming the bound" \
	"stream-join -k id -R $D/click.frames --max-buffer 10 $D/imp.frames >/dev/null 2>err; echo rc=\$?; cut -c1-62 err" \
	"rc=1
stream-join: more than 10 records held (--max-buffer): one inp"

done_testing
