#!/bin/bash
# SPDX-License-Identifier: MIT
# Every pair of text formats round-trips losslessly through
#   stream-source -f X | stream-sink -o Y
# for data both can express (DESIGN 2: types are kept).
. "$(dirname "$0")/lib.sh"

# Data every format can hold: ints, spelled numbers, bools, null, and
# strings with the characters each format must quote or escape.
cat > "$SCRATCH/ref.ndjson" <<'DATA'
{"id":1,"name":"plain","price":1.50,"ok":true,"note":null,"big":12345678901234567890}
{"id":-2,"name":"comma, \"quotes\" and\ttab","price":0.001,"ok":false,"note":"line one\nline two","big":1e400}
{"id":3,"name":"ünïcødé ✓ 日本","price":-7,"ok":true,"note":"  spaced  ","big":0}
{"id":4,"name":"back\\slash = equals","price":2.0,"ok":false,"note":"x","big":-1}
DATA

FORMATS="ndjson csv tsv logfmt"
for x in $FORMATS; do
	stream-sink -o "$x" "$SCRATCH/ref.ndjson" > "$SCRATCH/ref.$x"
done

for x in $FORMATS; do
	testing "$x back to NDJSON keeps every value and type" \
		"stream-source -f $x $SCRATCH/ref.$x | stream-sink -o ndjson | cmp - $SCRATCH/ref.ndjson && echo same" \
		"same"
	for y in $FORMATS; do
		testing "$x -> $y -> $x is lossless" \
			"stream-source -f $x $SCRATCH/ref.$x | stream-sink -o $y | stream-source -f $y | stream-sink -o $x | cmp - $SCRATCH/ref.$x && echo same" \
			"same"
	done
done

testing "frames in the middle change nothing" \
	"stream-source -f csv $SCRATCH/ref.csv | stream-source | stream-filter | stream-sink -o csv | cmp - $SCRATCH/ref.csv && echo same" \
	"same"

testing "lines round-trip raw bytes, invalid UTF-8 included" \
	"printf 'a\\tb\\n\\377\\376 raw\\n  \\n' > in; stream-source -f lines in | stream-sink -o lines | cmp - in && echo same" \
	"same"

testing "--no-infer keeps CSV values as strings" \
	"printf 'a,b\\n08123,1.50\\n' | stream-source -f csv --no-infer | stream-sink" \
	'{"a":"08123","b":"1.50"}'

testing "inference: canonical ints and numbers, spellings kept, zip codes stay text" \
	"printf 'a,b,c,d,e\\n08123,1.50,-0,true,\\n' | stream-source -f csv | stream-sink" \
	'{"a":"08123","b":1.50,"c":-0,"d":true,"e":null}'

testing "a JSON string that looks like a number stays a string" \
	"printf '{\"s\":\"42\",\"n\":42}\\n' | stream-source | stream-sink" \
	'{"s":"42","n":42}'

done_testing
