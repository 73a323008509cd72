#!/bin/bash
# SPDX-License-Identifier: MIT
# stream-sink --metrics: the real sink serves on an ephemeral port of
# 127.0.0.1, curl scrapes it.  Every server is bounded by timeout(1) and
# stopped by its case; every curl by --max-time.
. "$(dirname "$0")/lib.sh"

# murl FILE: waits (10 s at most) until FILE, a sink's standard error,
# says where it serves metrics, and prints the URL.
cat >"$SCRATCH/murl" <<'EOF'
#!/bin/sh
i=0
while [ $i -lt 500 ]; do
	u=$(sed -n 's|^stream-sink: serving metrics on \(http://.*\)$|\1|p' "$1" 2>/dev/null)
	[ -n "$u" ] && { echo "$u"; exit 0; }
	sleep 0.02
	i=$((i + 1))
done
echo "murl: $1 never said where it serves" >&2
exit 1
EOF
# until_metric URL LINE: waits (10 s at most) until a scrape has LINE.
cat >"$SCRATCH/until_metric" <<'EOF'
#!/bin/sh
i=0
while [ $i -lt 500 ]; do
	curl -s --max-time 5 "$1" | grep -qxF "$2" && exit 0
	sleep 0.02
	i=$((i + 1))
done
echo "until_metric: no '$2' at $1" >&2
exit 1
EOF
chmod +x "$SCRATCH/murl" "$SCRATCH/until_metric"
PATH="$SCRATCH:$PATH"
CURL="curl -s --max-time 5"

EVENTS='{"t":1000,"status":200,"host":"web\"1","ms":12.5}
{"t":2000,"status":500,"host":"web2","ms":300}
{"t":4000,"status":200,"host":"web\"1","ms":7.25}
{"t":12000,"status":200,"host":"web2","ms":1}
'

testing "the body of a scrape, exactly: labels, gauges, order, own metrics" \
	"stream-source -t t:epoch_ms input | stream-window -T 10s |
	   stream-agg -g status,host count max:ms |
	   timeout 20 stream-sink --metrics 127.0.0.1:0 --metrics-labels status --linger 2> err & p=\$!
	 u=\$(murl err)
	 until_metric \$u 'streamutils_sink_watermark_seconds +Inf'
	 $CURL \$u; kill \$p; wait \$p; echo rc=\$?" \
'# HELP stream_count Field count of the records, the latest value per label set.
# TYPE stream_count gauge
stream_count{host="web2",status="200"} 1
stream_count{host="web2",status="500"} 1
stream_count{host="web\"1",status="200"} 2
# HELP stream_max_ms Field max_ms of the records, the latest value per label set.
# TYPE stream_max_ms gauge
stream_max_ms{host="web2",status="200"} 1
stream_max_ms{host="web2",status="500"} 300
stream_max_ms{host="web\"1",status="200"} 12.5
# HELP streamutils_sink_bad_records_total Bad input records skipped.
# TYPE streamutils_sink_bad_records_total counter
streamutils_sink_bad_records_total 0
# HELP streamutils_sink_event_time_seconds The latest event time of a record or watermark, Unix time.
# TYPE streamutils_sink_event_time_seconds gauge
streamutils_sink_event_time_seconds 19.999999999
# HELP streamutils_sink_records_total Records read.
# TYPE streamutils_sink_records_total counter
streamutils_sink_records_total 3
# HELP streamutils_sink_series Series of record fields exposed.
# TYPE streamutils_sink_series gauge
streamutils_sink_series 6
# HELP streamutils_sink_series_expired_total Series dropped for not being updated within the ttl.
# TYPE streamutils_sink_series_expired_total counter
streamutils_sink_series_expired_total 0
# HELP streamutils_sink_watermark_seconds The latest watermark, Unix time (+Inf: the input ended).
# TYPE streamutils_sink_watermark_seconds gauge
streamutils_sink_watermark_seconds +Inf
rc=0' "$EVENTS"

# A real client's parser, the official Python client's (Debian's
# python3-prometheus-client, hence Debian's python3), reads the text back.
cat >"$SCRATCH/promparse" <<'EOF'
#!/usr/bin/python3
import sys
from prometheus_client.parser import text_string_to_metric_families
for m in text_string_to_metric_families(sys.stdin.read()):
    for s in m.samples:
        labels = ",".join("%s=%r" % kv for kv in sorted(s.labels.items()))
        print(m.type, s.name, labels, s.value)
EOF
chmod +x "$SCRATCH/promparse"

if /usr/bin/python3 -c 'import prometheus_client' 2>/dev/null; then
testing "the Python Prometheus client parses the text: escapes, infinities, bools" \
	"timeout 20 stream-sink --metrics 127.0.0.1:0 --linger input 2> err & p=\$!
	 u=\$(murl err)
	 until_metric \$u 'streamutils_sink_watermark_seconds +Inf'
	 $CURL \$u | promparse | grep -v event_time; kill \$p; wait \$p" \
"gauge stream_ok name='a\\\\b\\n\"c\"' 1.0
gauge stream_ok name='x' 0.0
gauge stream_v name='a\\\\b\\n\"c\"' inf
gauge stream_v name='x' -inf
gauge stream_w name='x' 0.5
counter streamutils_sink_bad_records_total  0.0
counter streamutils_sink_records_total  3.0
gauge streamutils_sink_series  5.0
counter streamutils_sink_series_expired_total  0.0
gauge streamutils_sink_watermark_seconds  inf" \
'{"name":"a\\b\n\"c\"","ok":true,"v":1}
{"name":"a\\b\n\"c\"","ok":true,"v":1e400}
{"name":"x","ok":false,"v":-1e400,"w":0.5}
'
else
	skip "the Python Prometheus client parses the text" \
	    "python3-prometheus-client is not installed (make deps)"
fi

testing "without --metrics-labels a number key is a gauge: the groups share a series" \
	"stream-source -t t:epoch_ms input | stream-window -T 10s |
	   stream-agg -g status count |
	   timeout 20 stream-sink --metrics 127.0.0.1:0 --metrics-prefix app: --linger 2> err & p=\$!
	 u=\$(murl err)
	 until_metric \$u 'streamutils_sink_watermark_seconds +Inf'
	 $CURL \$u | grep '^app'; kill \$p; wait \$p" \
'app:count 1
app:status 200' "$EVENTS"

testing "GET and HEAD: 200, the exposition's content type, the same length" \
	"timeout 20 stream-sink --metrics 127.0.0.1:0 --linger < input 2> err & p=\$!
	 u=\$(murl err)
	 until_metric \$u 'streamutils_sink_records_total 2'
	 $CURL -o /dev/null -w '%{http_code} %{content_type}\n' \$u
	 $CURL -I \$u | tr -d '\r' | grep -i -e '^HTTP/' -e '^content-type:' -e '^content-length:' | sort > head
	 grep -v -i '^content-length' head; len=\$($CURL \$u | wc -c); grep -qi \"^content-length: \$len\$\" head && echo same length
	 kill \$p; wait \$p" \
'200 text/plain; version=0.0.4; charset=utf-8
Content-Type: text/plain; version=0.0.4; charset=utf-8
HTTP/1.1 200 OK
same length' \
'{"k":"a","n":1}
{"k":"b","n":2.5}
'

testing "other paths are 404, other methods 405" \
	"timeout 20 stream-sink --metrics 127.0.0.1:0 --linger < /dev/null 2> err & p=\$!
	 u=\$(murl err); base=\${u%/metrics}
	 for path in / /metrics/ /metricsx /favicon.ico; do
	   $CURL -o /dev/null -w \"\$path %{http_code}\n\" \$base\$path
	 done
	 $CURL \$base/
	 $CURL -X POST -d x=1 -D - -o /dev/null \$u | tr -d '\r' | grep -i -e '^HTTP/' -e '^allow:'
	 kill \$p; wait \$p" \
'/ 404
/metrics/ 404
/metricsx 404
/favicon.ico 404
not found: the metrics are at /metrics
HTTP/1.1 405 Method Not Allowed
Allow: GET, HEAD'

testing "scrapes while the stream runs see each new value; the end of input ends the sink" \
	"mkfifo in
	 timeout 20 stream-sink --metrics 127.0.0.1:0 in > out 2> err & p=\$!
	 u=\$(murl err)
	 exec 3> in
	 printf '{\"k\":\"a\",\"n\":1}\n' >&3
	 until_metric \$u 'stream_n{k=\"a\"} 1' && echo first
	 printf '{\"k\":\"a\",\"n\":2}\n{\"k\":\"b\",\"n\":5}\n' >&3
	 until_metric \$u 'stream_n{k=\"b\"} 5' && echo second
	 $CURL \$u | grep -e '^stream_' -e '^streamutils_sink_records_total'
	 exec 3>&-
	 wait \$p; echo rc=\$?; wc -c < out" \
'first
second
stream_n{k="a"} 2
stream_n{k="b"} 5
streamutils_sink_records_total 3
rc=0
0'

testing "a scrape is answered while the output is blocked" \
	"mkfifo in blocked
	 timeout 20 stream-sink --metrics 127.0.0.1:0 -o ndjson in > blocked 2> err & p=\$!
	 exec 4< blocked
	 u=\$(murl err)
	 exec 3> in
	 awk 'BEGIN { for (n = 1; n <= 100000; n++) printf \"{\\\"k\\\":\\\"a\\\",\\\"n\\\":%d,\\\"pad\\\":\\\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\\\"}\\n\", n }' >&3 & exec 3>&-
	 sleep 0.5
	 $CURL -o /dev/null -w '%{http_code}\n' \$u
	 cat <&4 | wc -l & exec 4<&-
	 wait \$!; wait \$p; echo rc=\$?" \
'200
100000
rc=0'

testing "--metrics writes no records unless an output is named; -o does" \
	"timeout 20 stream-sink --metrics 127.0.0.1:0 -q < input; echo rc=\$?
	 timeout 20 stream-sink --metrics 127.0.0.1:0 -q -o csv < input; echo rc=\$?
	 timeout 20 stream-sink --metrics 127.0.0.1:0 -q --output f < input; echo rc=\$?; cat f" \
'rc=0
k,n
a,1
rc=0
rc=0
{"k":"a","n":1}' \
'{"k":"a","n":1}
'

testing "--linger: the output ends at the end of input, the server stays until SIGTERM, then status 0" \
	"timeout 20 stream-sink --metrics 127.0.0.1:0 --linger -o ndjson input > out 2> err & p=\$!
	 u=\$(murl err)
	 until_metric \$u 'streamutils_sink_watermark_seconds +Inf'
	 cat out; sleep 0.3; kill -0 \$p && echo serving
	 $CURL \$u | grep '^stream_n'
	 kill -TERM \$p; wait \$p; echo rc=\$?
	 $CURL \$u > /dev/null; echo curl=\$?" \
'{"k":"a","n":1}
serving
stream_n{k="a"} 1
rc=0
curl=7' \
'{"k":"a","n":1}
'

testing "--metrics-ttl drops series not updated within DUR of event time" \
	"stream-source -t t:epoch_ms input |
	   timeout 20 stream-sink --metrics 127.0.0.1:0 --metrics-ttl 30s --linger 2> err & p=\$!
	 u=\$(murl err)
	 until_metric \$u 'streamutils_sink_watermark_seconds +Inf'
	 $CURL \$u | grep -e '^stream_n' -e '^streamutils_sink_series'
	 kill \$p; wait \$p" \
'stream_n{k="b"} 2
stream_n{k="c"} 3
streamutils_sink_series 4
streamutils_sink_series_expired_total 2' \
'{"t":1000,"k":"a","n":1}
{"t":15000,"k":"b","n":2}
{"t":45000,"k":"c","n":3}
'

testing "bad input is counted in the metrics" \
	"timeout 20 stream-sink --metrics 127.0.0.1:0 --linger input 2> err & p=\$!
	 u=\$(murl err)
	 until_metric \$u 'streamutils_sink_watermark_seconds +Inf'
	 $CURL \$u | grep -e '^stream_' -e '^streamutils_sink_[a-z_]*records_total'
	 kill \$p; wait \$p; grep -c 'input:2: bad JSON' err" \
'stream_n{k="a"} 1
streamutils_sink_bad_records_total 1
streamutils_sink_records_total 1
1' \
'{"k":"a","n":1}
{"k":
'

testing "tcp://HOST:PORT is accepted too" \
	"timeout 20 stream-sink --metrics tcp://127.0.0.1:0 --linger < /dev/null 2> err & p=\$!
	 murl err | sed 's/:[0-9]*\/metrics$/:PORT\/metrics/'; kill \$p; wait \$p" \
'http://127.0.0.1:PORT/metrics'

testing "a port in use: exit 3 and why" \
	"timeout 20 stream-sink --metrics 127.0.0.1:0 --linger < /dev/null 2> err & p=\$!
	 u=\$(murl err); hp=\${u#http://}; hp=\${hp%/metrics}
	 stream-sink --metrics \$hp < /dev/null > msg 2>&1; echo rc=\$?
	 sed \"s/:\${hp##*:}:/:PORT:/\" msg
	 kill \$p; wait \$p" \
'rc=3
stream-sink: cannot listen on tcp://127.0.0.1:PORT: Address already in use'

testing "usage errors: exit 2 with a clear message" \
	"for a in localhost 127.0.0.1 unix:/tmp/m.sock udp://127.0.0.1:9 http://127.0.0.1:9 127.0.0.1:99999 127.0.0.1:http; do
	   stream-sink --metrics \$a < /dev/null > msg 2>&1; echo rc=\$?; head -1 msg
	 done
	 stream-sink --metrics 127.0.0.1:0 --metrics-prefix 9x_ < /dev/null 2>&1 | head -1
	 stream-sink --metrics 127.0.0.1:0 --metrics-ttl 0s < /dev/null 2>&1 | head -1
	 stream-sink --metrics 127.0.0.1:0 --metrics-labels a,,b < /dev/null 2>&1 | head -1
	 stream-sink --linger < /dev/null > msg 2>&1; echo rc=\$?; head -1 msg
	 stream-sink --metrics-ttl 1m < /dev/null 2>&1 | head -1" \
"rc=2
stream-sink: --metrics: 'localhost': expected HOST:PORT (e.g. 127.0.0.1:9464)
rc=2
stream-sink: --metrics: '127.0.0.1': expected HOST:PORT (e.g. 127.0.0.1:9464)
rc=2
stream-sink: --metrics: 'unix:/tmp/m.sock': give HOST:PORT or tcp://HOST:PORT (HTTP is served over TCP)
rc=2
stream-sink: --metrics: 'udp://127.0.0.1:9': give HOST:PORT or tcp://HOST:PORT (HTTP is served over TCP)
rc=2
stream-sink: --metrics: 'http://127.0.0.1:9': give HOST:PORT or tcp://HOST:PORT (HTTP is served over TCP)
rc=2
stream-sink: --metrics: '127.0.0.1:99999': the port must be a number from 0 to 65535
rc=2
stream-sink: --metrics: '127.0.0.1:http': the port must be a number from 0 to 65535
stream-sink: --metrics-prefix: '9x_' is not the start of a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)
stream-sink: --metrics-ttl: '0s': give a duration above 0 (or leave it out to keep every series)
stream-sink: --metrics-labels: empty field name in 'a,,b'
rc=2
stream-sink: --metrics-prefix, --metrics-labels, --metrics-ttl and --linger go with --metrics
stream-sink: --metrics-prefix, --metrics-labels, --metrics-ttl and --linger go with --metrics"

testing "--help and the completion offer the options" \
	"stream-sink --help | grep -o -e '--metrics[a-z-]*' -e '--linger' | sort -u
	 bash -c 'source $TESTDIR/../../completions/streamutils.bash
	   COMP_WORDS=(stream-sink --metrics-); COMP_CWORD=1; COMP_LINE=\"stream-sink --metrics-\"; COMP_POINT=\${#COMP_LINE}
	   _streamutils stream-sink --metrics- stream-sink; printf \"%s\n\" \"\${COMPREPLY[@]}\"' | sort" \
'--linger
--metrics
--metrics-labels
--metrics-prefix
--metrics-ttl
--metrics-labels
--metrics-prefix
--metrics-ttl'

# A record the held --connect buffer sends back to wait comes again: it
# must be counted once.
testing "--metrics with --connect while the buffer is full: every record counted once" \
	"seq 1 20000 | awk '{ printf \"{\\\"n\\\":%d}\\n\", \$1 }' > in.ndjson
	 timeout 30 stream-sink --metrics 127.0.0.1:0 --linger --connect unix:s.sock --buffer 4k in.ndjson 2> err & p=\$!
	 u=\$(murl err); sleep 0.3
	 stream-source --listen unix:s.sock -o ndjson > out 2> lerr & l=\$!
	 until_metric \$u 'streamutils_sink_watermark_seconds +Inf'
	 $CURL \$u | grep '^streamutils_sink_records_total'; kill \$p; wait \$p; echo rc=\$?
	 i=0; until [ \$(wc -l < out) -ge 20000 ] || [ \$i -gt 250 ]; do sleep 0.02; i=\$((i+1)); done
	 kill \$l; wait \$l; wc -l < out" \
	'streamutils_sink_records_total 20000
rc=0
20000'

done_testing
