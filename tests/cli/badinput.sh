#!/bin/bash
# SPDX-License-Identifier: MIT
# Bad input: every record is emitted or counted with a reason and a place;
# never a crash, a hang or a silent loss.
. "$(dirname "$0")/lib.sh"

B='{"a":1}
{"a":
{"a":3}
not json
{"a":5}
'

testing "bad JSON lines are skipped, warned and summarised" \
	"stream-source -f ndjson input 2>err | stream-sink; echo rc=\$?; cat err" \
	'{"a":1}
{"a":3}
{"a":5}
rc=0
stream-source: input:2: bad JSON at column 6: expected a value
stream-source: input:4: bad JSON at column 1: expected a JSON object
stream-source: 2 bad records skipped (2 bad JSON); the first at input:2; keep them with --errors FILE' \
	"$B"

testing "--strict stops at the first bad record with status 1" \
	"stream-source -f ndjson --strict input 2>err | stream-sink; cat err; stream-source --strict -f ndjson input >/dev/null 2>&1; echo rc=\$?" \
	'{"a":1}
stream-source: input:2: bad JSON at column 6: expected a value
rc=1' "$B"

testing "--errors keeps the raw bad input and the reason" \
	"stream-source -f ndjson --errors dead input 2>/dev/null >/dev/null; cat dead" \
	'{"source":"input","line":2,"offset":8,"reason":"bad JSON at column 6: expected a value","raw":"{\"a\":"}
{"source":"input","line":4,"offset":22,"reason":"bad JSON at column 1: expected a JSON object","raw":"not json"}' \
	"$B"

testing "bytes that are not UTF-8 go to --errors as base64" \
	"printf '{\"a\":\"\\377\"}\\n' > bad; stream-source -q --errors dead bad >/dev/null 2>&1; cut -c1-60 dead; grep -o 'raw_base64\":\"[^\"]*' dead" \
	'{"source":"bad","line":1,"offset":0,"reason":"bad JSON at co
raw_base64":"eyJhIjoi/yJ9'

testing "overlong lines are skipped, not buffered without end" \
	"awk 'BEGIN{s=\"\"; for(i=0;i<300;i++) s=s \"x\"; print \"{\\\"a\\\":1}\"; print \"{\\\"b\\\":\\\"\" s \"\\\"}\"; print \"{\\\"c\\\":3}\"}' > long; stream-source --max-record 100 long 2>err | stream-sink; cat err" \
	'{"a":1}
{"c":3}
stream-source: long:2: line longer than 100 bytes
stream-source: 1 bad record skipped (1 line longer than 100 bytes); the first at long:2; keep them with --errors FILE'

testing "unknown time format is a bad record naming the field" \
	"stream-source -t ts input 2>&1 >/dev/null" \
	"stream-source: input:2: unrecognised time 'ts'
stream-source: input:3: missing time field 'ts'
stream-source: 2 bad records skipped (1 unrecognised time 'ts', 1 missing time field 'ts'); the first at input:2; keep them with --errors FILE" \
	'{"ts":"2026-01-01T00:00:00Z"}
{"ts":"next tuesday"}
{"other":1}
'

testing "text that is neither frames nor NDJSON: a clear error" \
	"stream-sink input 2>&1; echo rc=\$?" \
	"stream-sink: input:1: input is neither frames nor NDJSON (it starts with \"a,b,c\"); read text with stream-source -f FORMAT
rc=1" 'a,b,c
1,2,3
'

testing "wrong frame version" \
	"stream-sink input 2>&1; echo rc=\$?" \
	"stream-sink: input: byte 0: frame stream version 9, but this tool reads version 1: use tools of the same release on both ends
rc=1" '#streamutils frames v9 -- future
'

# A valid stream to cut and damage: header line, S, D, D, W +inf, E.
printf '{"a":1}\n{"a":2}\n' | stream-source -t a -o frames > "$SCRATCH/good.frames"
good=$SCRATCH/good.frames
size=$(wc -c < "$good")
hdr=$(head -n 1 "$good" | wc -c)

testing "truncated frame stream: error at the byte offset, earlier records kept" \
	"head -c $((size - 8)) $good | stream-sink 2>err; echo rc=\$?; cat err" \
	"{\"a\":1}
{\"a\":2}
rc=1
stream-sink: <stdin>: byte $((size - 18)): truncated frame (10 of 13 bytes)"

testing "stream without its end frame: output flagged incomplete" \
	"head -c $((size - 5)) $good | stream-sink 2>err; echo rc=\$?; cat err" \
	'{"a":1}
{"a":2}
rc=1
stream-sink: <stdin>: the frame stream ended without its end-of-stream frame: the tool writing it failed, output may be incomplete'

testing "oversized frame length is refused at once" \
	"{ head -c $hdr $good; printf 'D\\377\\377\\377\\177'; } | stream-sink 2>&1; echo rc=\$?" \
	"stream-sink: <stdin>: byte $hdr: frame of 2147483647 bytes exceeds the limit of 67108864 bytes
rc=1"

testing "a field name that is not UTF-8 in a schema frame" \
	"{ head -c $hdr $good; printf 'S\\005\\000\\000\\000\\000\\001\\002\\303\\050'; printf 'E\\000\\000\\000\\000'; } | stream-sink 2>&1; echo rc=\$?" \
	"stream-sink: <stdin>: byte $((hdr + 7)): field name is not valid UTF-8 in schema frame
stream-sink: 1 bad record skipped (1 field name is not valid UTF-8 in schema frame); the first at <stdin>: byte $((hdr + 7)); keep them with --errors FILE
rc=0"

testing "unknown frame type is skipped, the rest is read" \
	"{ head -c $((size - 5)) $good; printf 'Q\\001\\000\\000\\000x'; printf 'E\\000\\000\\000\\000'; } | stream-sink 2>err; echo rc=\$?; cat err" \
	"{\"a\":1}
{\"a\":2}
rc=0
stream-sink: <stdin>: byte $((size - 5)): unknown frame type 0x51
stream-sink: 1 bad record skipped (1 unknown frame type 0x51); the first at <stdin>: byte $((size - 5)); keep them with --errors FILE"

testing "random bytes after a header never crash or hang" \
	"for i in 1 2 3 4 5 6 7 8; do { printf '#streamutils frames v1\\n'; head -c 3000 /dev/urandom; } | timeout 10 stream-sink >/dev/null 2>&1; r=\$?; [ \$r -le 1 ] || echo bad \$r; done; echo done" \
	"done"

# Regression cases for bugs found in review.

testing "--max-record bounds frames too" \
	"printf '{\"s\":\"%0200d\"}\n' 0 | stream-source -o frames > big; stream-sink --max-record 100 big 2>err; echo rc=\$?; sed 's/[0-9][0-9]* bytes exceeds/N bytes exceeds/' err" \
	"rc=1
stream-sink: big: byte $((hdr + 9)): frame of N bytes exceeds the limit of 100 bytes"

testing "two frame streams one after the other are read as one" \
	"printf '{\"a\":1}\n' | stream-source -o frames > a; printf '{\"b\":2}\n' | stream-source -o frames > b; cat a b | stream-sink; echo rc=\$?" \
	'{"a":1}
{"b":2}
rc=0'

testing "bytes after an end-of-stream frame that start no stream" \
	"printf '{\"a\":1}\n' | stream-source -o frames > a; { cat a; printf 'junk'; } | stream-sink 2>err; echo rc=\$?; cat err" \
	"{\"a\":1}
rc=1
stream-sink: <stdin>: byte $((hdr + 56)): data after the end-of-stream frame"

testing "a misspelt time format is a usage error, not a missing field" \
	"stream-source -t ts:rfc333 input 2>&1; echo rc=\$?" \
	"stream-source: --time: unknown time format 'rfc333' (auto, epoch, epoch_s, epoch_ms, epoch_us, epoch_ns, rfc3339, clf, syslog, or a strptime pattern)
Try 'stream-source --help' for more information.
rc=2" '{"ts":1}
'

testing "ragged CSV rows are counted by kind" \
	"stream-source -f csv input 2>&1 >/dev/null | tail -n 1" \
	"stream-source: 2 bad records skipped (2 ragged row); the first at input:3; keep them with --errors FILE" \
	'a,b
1,2
3
4,5,6
'

done_testing
