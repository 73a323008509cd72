#!/bin/bash
# SPDX-License-Identifier: MIT
# The syslog and statsd presets: real senders (logger, socat) to a
# listening stream-source on loopback, UDP and TCP, and files.
. "$(dirname "$0")/lib.sh"
W=$TESTDIR/waitfor
EP=$TESTDIR/endpoint

if ! command -v logger > /dev/null; then
	skip "syslog over udp and tcp from logger" "no logger(1) here"
else
testing "logger over udp, RFC 5424 and RFC 3164: fields, and --where on severity" \
	"stream-source -f syslog -l udp://127.0.0.1:0 -o ndjson \
	   --where \"severity IN ('emerg','alert','crit','err')\" > out 2> err & p=\$!
	 ep=\$($EP err); hp=\${ep#udp://}
	 logger -n \${hp%:*} -P \${hp##*:} -d --rfc5424 -p auth.err -t sshd \
	   --sd-id zoo@123 --sd-param 'tiger=\"hungry\"' 'Failed password'
	 logger -n \${hp%:*} -P \${hp##*:} -d --rfc3164 -p daemon.info -t app 'ignored'
	 logger -n \${hp%:*} -P \${hp##*:} -d --rfc3164 -p local7.crit -t cron 'disk full'
	 $W 2 out; sleep 0.2; kill \$p; wait \$p
	 stream-sink -k pri,facility,severity,version,app,msg < out
	 stream-sink -k sd < out | grep -c '\"zoo@123\":{\"tiger\":\"hungry\"}'
	 stream-filter -w \"host = '\$(hostname)' OR host = '\$(hostname | cut -d. -f1)'\" < out |
	   stream-filter -w 'time IS NOT NULL' -o csv -k app | tail -n +2 | wc -l" \
	'{"pri":35,"facility":"auth","severity":"err","version":1,"app":"sshd","msg":"Failed password"}
{"pri":186,"facility":"local7","severity":"crit","version":null,"app":"cron","msg":"disk full"}
1
2'

testing "logger over tcp with RFC 6587 octet counting" \
	"stream-source -f syslog -l tcp://127.0.0.1:0 -o ndjson > out 2> err & p=\$!
	 ep=\$($EP err); hp=\${ep#tcp://}
	 logger -n \${hp%:*} -P \${hp##*:} -T --octet-count --rfc5424 -p user.warning -t a 'one'
	 logger -n \${hp%:*} -P \${hp##*:} -T --octet-count --rfc5424 -p user.notice -t b 'two'
	 $W 2 out; sleep 0.2; kill \$p; wait \$p
	 stream-sink -k severity,app,msg < out | sort" \
	'{"severity":"notice","app":"b","msg":"two"}
{"severity":"warning","app":"a","msg":"one"}'
fi

testing "statsd over udp, several metrics a datagram: counters summed per name" \
	"stream-source -f statsd -l udp://127.0.0.1:0 --where \"type = 'c'\" > src.frames 2> err & p=\$!
	 ep=\$($EP err); hp=\${ep#udp://}
	 printf 'req:1|c\\nreq:2|c|@0.5\\nlat:320|ms\\n' | socat -u - UDP:\$hp
	 printf 'req:4|c|#env:prod\\nerr:1|c' | socat -u - UDP:\$hp
	 printf 'bad line\\n' | socat -u - UDP:\$hp
	 i=0; until grep -q 'not a statsd line' err || [ \$i -gt 500 ]; do sleep 0.02; i=\$((i+1)); done
	 sleep 0.2; kill \$p; wait \$p
	 stream-agg -g name sum:value count < src.frames | stream-sink -o csv
	 grep -c 'udp://127.0.0.1:[0-9]*:6: not a statsd line: expected name:value|type at column 9' err" \
	'name,sum_value,count
err,1,1
req,7,3
1'

testing "a syslog file with -t time: RFC 3339 stamps as rsyslog writes them, counted per app" \
	"stream-source -f syslog -t time input | stream-window -T 1m |
	   stream-agg -g app count | stream-sink -o csv -k window_start,app,count" \
	'window_start,app,count
2026-11-28T10:00:00Z,cron,1
2026-11-28T10:00:00Z,sshd,2
2026-11-28T10:01:00Z,sshd,1' \
	'2026-11-28T10:00:01.5+00:00 web1 sshd[10]: Accepted key for ann
2026-11-28T10:00:30+00:00 web1 cron[11]: job ran
2026-11-28T11:00:59+01:00 web1 sshd[10]: Failed password
2026-11-28T10:01:00Z web2 sshd[12]: Accepted key for bob
'

testing "bad syslog lines are counted with their place, the rest goes on" \
	"stream-source -f syslog input -o ndjson 2> err | stream-sink -k msg; cat err" \
	'{"msg":"fine"}
stream-source: input:2: not a syslog line: bad PRI (expected <0> to <191>) at column 2
stream-source: 1 bad record skipped (1 not a syslog line); the first at input:2; keep them with --errors FILE' \
	'<13>1 - h a - - - fine
<200>1 - h a - - - out of range
'
done_testing
