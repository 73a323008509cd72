#!/bin/bash
# SPDX-License-Identifier: MIT
# stream-agg: accumulators, emit modes, HAVING, DISTINCT, files after --.
. "$(dirname "$0")/lib.sh"
W=$TESTDIR/waitfor

J='{"t":1,"k":"a","v":10,"s":"x"}
{"t":2,"k":"b","v":20,"s":"y"}
{"t":3,"k":"a","v":null,"s":"x"}
{"t":4,"k":"a","v":30,"s":"z"}
{"t":5,"k":"b","v":-5}
'

testing "every accumulator by key, unwindowed, at end of input" \
	"stream-agg -g k count count:v sum:v min:v max:v mean:v first:s last:s distinct:s p50:v top1:s -o ndjson -- input 2>/dev/null" \
	'{"k":"a","count":3,"count_v":2,"sum_v":40,"min_v":10,"max_v":30,"mean_v":20.0,"first_s":"x","last_s":"z","distinct_s":2,"p50_v":30.0,"top1_s":[{"value":"x","count":2}]}
{"k":"b","count":2,"count_v":2,"sum_v":15,"min_v":-5,"max_v":20,"mean_v":7.5,"first_s":"y","last_s":"y","distinct_s":1,"p50_v":20.0,"top1_s":[{"value":"y","count":1}]}' "$J"

testing "nulls and missing values are skipped and counted" \
	"stream-agg sum:v distinct:s -o ndjson -- input 2>err; cat err" \
	'{"sum_v":55,"distinct_s":3}
stream-agg: 2 values skipped as null, missing or not a number (sum:v: 1, distinct:s: 1)' "$J"

testing "NAME= renames; clashing names are a usage error" \
	"stream-agg total=sum:v -o ndjson -- input 2>/dev/null; stream-agg sum:v sum:v -- input 2>&1 | head -n 1" \
	"{\"total\":55}
stream-agg: 'sum:v' and 'sum:v' give the same field 'sum_v'; rename one with NAME=" "$J"

testing "--having filters result rows" \
	"stream-agg -g k n=count --having 'n > 2' -o ndjson -- input" \
	'{"k":"a","n":3}' "$J"

testing "-g with no accumulator is DISTINCT; null sorts first" \
	"stream-agg -g k,s -o csv -- input" \
	'k,s
a,x
a,z
b,
b,y' "$J"

testing "--emit update writes a changelog row per change" \
	"stream-agg -g k n=count --emit update -o csv -- input" \
	'k,n
a,1
b,1
a,2
a,3
b,2' "$J"

testing "--every emits early results while input is open" \
	"mkfifo f; (cat input; sleep 30) > f & w=\$!
	stream-agg n=count --every 200ms -o ndjson -- f > out & p=\$!
	$W 1 out 5; kill \$w; wait \$p; head -n 1 out" \
	'{"n":5}' "$J"

testing "the end of input comes once: frames with a final watermark" \
	"stream-source -t t:epoch_s input | stream-agg count -o ndjson" \
	'{"count":5}' "$J"

testing "a global count over nothing is one row of zero" \
	"stream-agg count -o ndjson -- /dev/null" \
	'{"count":0}'

testing "--stats reports the state size" \
	"stream-agg -g k count --stats -- input 2>&1 >/dev/null | sed 's/about .* MB/about N MB/'" \
	"stream-agg: state: peak 2 groups in 0 windows, about N MB" "$J"

testing "an unknown accumulator says where files go" \
	"stream-agg count input 2>&1 | head -n 1" \
	"stream-agg: 'input': unknown accumulator (count, sum, min, max, mean, var, stddev, first, last, distinct, approx_distinct, pNN, median, topN, rate, hist); files to read go after --" "$J"

done_testing
