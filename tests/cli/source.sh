#!/bin/bash
# SPDX-License-Identifier: MIT
# stream-source: formats in, event time, watermarks, files in order.
. "$(dirname "$0")/lib.sh"

J='{"ts":"2026-01-01T00:00:01Z","a":1}
{"ts":"2026-01-01T00:00:03Z","a":2}
{"ts":"2026-01-01T00:00:02Z","a":3}
'

testing "ndjson round trip through frames" \
	"stream-source -f ndjson input | stream-sink" \
	"$J" "$J"

testing "stdin is read when no file is named" \
	"stream-source | stream-sink -o ndjson" "$J" "" "$J"

testing "frames on a pipe, ndjson when forced" \
	"stream-source input | head -c 21; echo; stream-source -o ndjson input | head -n 1" \
	'#streamutils frames v
{"ts":"2026-01-01T00:00:01Z","a":1}' "$J"

testing "STREAMUTILS_FORMAT sets the default output" \
	"STREAMUTILS_FORMAT=ndjson stream-source input | head -n 1" \
	'{"ts":"2026-01-01T00:00:01Z","a":1}' "$J"

testing "event time from a field, watermark lags by --max-delay" \
	"stream-source -t ts -d 1s input | stream-sink -o trace" \
	'record 2026-01-01T00:00:01Z {"ts":"2026-01-01T00:00:01Z","a":1}
watermark 2026-01-01T00:00:00Z
record 2026-01-01T00:00:03Z {"ts":"2026-01-01T00:00:03Z","a":2}
watermark 2026-01-01T00:00:02Z
record 2026-01-01T00:00:02Z {"ts":"2026-01-01T00:00:02Z","a":3}
watermark +inf
end' "$J"

testing "epoch seconds, milliseconds and explicit formats" \
	"stream-source -t t input | stream-sink -o trace | grep record | cut -d' ' -f1,2" \
	'record 2023-11-14T22:13:20Z
record 2023-11-14T22:13:20.123Z
record 2023-11-14T22:13:20.123456Z
record 2023-11-14T22:13:20.000000001Z' \
	'{"t":1700000000}
{"t":1700000000123}
{"t":1700000000123456}
{"t":"1700000000.000000001"}
'

testing "FIELD:FORMAT forces the unit" \
	"stream-source -t t:epoch_ms input | stream-sink -o trace | head -n 1" \
	'record 1970-01-01T00:00:05Z {"t":5000}' '{"t":5000}
'

testing "strptime pattern with a zone" \
	"stream-source -t 'when:%d.%m.%Y %H:%M %z' input | stream-sink -o trace | head -n 1" \
	'record 2026-03-01T11:30:00Z {"when":"01.03.2026 12:30 +0100"}' \
	'{"when":"01.03.2026 12:30 +0100"}
'

testing "a watermark follows each record that moves it" \
	"awk 'BEGIN{for(i=0;i<3000;i++) printf \"{\\\"t\\\":%d}\\n\", 1000+i}' | stream-source -t t | stream-sink -o trace | grep -c '^watermark'" \
	"3001"

testing "--watermark-step: one watermark per step crossed, or per record with 0" \
	"awk 'BEGIN{for(i=0;i<1000;i++) printf \"{\\\"t\\\":%.0f}\\n\", 1700000000000 + i}' > ms
	stream-source -t t ms | stream-sink -o trace | grep -c '^watermark'
	stream-source -t t --watermark-step 0 ms | stream-sink -o trace | grep -c '^watermark'
	stream-source -t t --watermark-step 1s ms | stream-sink -o trace | grep '^watermark'" \
	"11
1001
watermark 2023-11-14T22:13:20Z
watermark +inf"

testing "--watermark-step before the epoch: steps are multiples of it, not of time since the first record" \
	"printf 't,v\n-250,1\n-150,2\n-120,3\n-50,4\n50,5\n' | stream-source -f csv -t t:epoch_ms -d 0 --watermark-step 100ms | stream-sink -o trace | grep '^watermark'" \
	'watermark 1969-12-31T23:59:59.750Z
watermark 1969-12-31T23:59:59.850Z
watermark 1969-12-31T23:59:59.950Z
watermark 1970-01-01T00:00:00.050Z
watermark +inf'

testing "several files are read in order" \
	"printf '{\"f\":2}\n' > b; stream-source input b - | stream-sink" \
	'{"f":1}
{"f":2}
{"f":3}' '{"f":1}
' '{"f":3}
'

testing "frames input keeps event times and watermarks" \
	"stream-source -t ts -d 1s input | stream-source | stream-sink -o trace | head -n 3" \
	'record 2026-01-01T00:00:01Z {"ts":"2026-01-01T00:00:01Z","a":1}
watermark 2026-01-01T00:00:00Z
record 2026-01-01T00:00:03Z {"ts":"2026-01-01T00:00:03Z","a":2}' "$J"

testing "replay gives the same records as a plain read" \
	"stream-source -t ts --replay=100 input | stream-sink > r; stream-source -t ts input | stream-sink > p; cmp r p && echo same" \
	"same" "$J"

testing "replay paces records by event time" \
	"s=\$(date +%s%N); stream-source -t ts --replay=10 input | stream-sink >/dev/null; e=\$(date +%s%N); [ \$(( (e - s) / 1000000 )) -ge 180 ] && echo paced" \
	"paced" "$J"

testing "--replay needs --time" \
	"stream-source --replay input; echo rc=\$?" \
	"rc=2" "$J"

testing "usage error names the option" \
	"stream-source --max-delay 5x 2>&1; echo rc=\$?" \
	"stream-source: --max-delay: '5x' is not a duration (unknown unit; write e.g. 250ms, 10s, 5m, 1h, 1d)
Try 'stream-source --help' for more information.
rc=2"

testing "unknown format is a usage error" \
	"stream-source -f xml 2>&1; echo rc=\$?" \
	"stream-source: --format: unknown value 'xml' (choose from auto, frames, ndjson, csv, tsv, logfmt, lines, combined, common, syslog, statsd)
Try 'stream-source --help' for more information.
rc=2"

testing "missing file is an I/O error and writes nothing" \
	"stream-source nonexistent > out 2>err; echo rc=\$?; cat err; wc -c < out" \
	"rc=3
stream-source: cannot open 'nonexistent': No such file or directory
0"

testing "raw lines" \
	"stream-source -f lines input | stream-sink" \
	'{"line":"plain text"}
{"line":"  spaced\ttab"}' 'plain text
  spaced	tab
'

testing "EPIPE ends quietly" \
	"seq 1 200000 | sed 's/.*/{\"n\":&}/' > big; (stream-source big -o ndjson; echo rc=\$? > rc) | head -n 1; cat rc" \
	'{"n":1}
rc=0'

if command -v script >/dev/null 2>&1; then
testing "progress on a terminal: percent, size, rate, then cleared" \
	"seq 0 3000 | sed 's/.*/{\"t\":&}/' > r
	script -qc 'stream-source -t t:epoch_ms --replay r > /dev/null' log >/dev/null
	grep -ac 'stream-source: r: [0-9]*% (.*B of .*B), .* records/s' log | awk '{print (\$1 > 0) ? \"shown\" : \"none\"}'
	esc=\$(printf '\033'); a=\$(grep -ao \"\$esc\\[K\" log | wc -l); b=\$(grep -ao 'records/s' log | wc -l)
	[ \$a -eq \$((b + 1)) ] && echo cleared || echo \"\$a clears for \$b lines\"
	stream-source -t t:epoch_ms --replay=1000 r 2>err >/dev/null; wc -c < err" \
	"shown
cleared
0"
else
	skip "progress on a terminal" "no script(1) to give stderr a terminal"
fi

testing "--version and --help" \
	"stream-source --version; stream-source --help | head -n 1" \
	"stream-source (streamutils) 0.1.0
usage: stream-source [-F] [-f FORMAT] [-t FIELD[:FORMAT]] [-d DUR] [-i DUR] [-w EXPR] [-l ENDPOINT] [options] [FILE|ENDPOINT ...]"

done_testing
