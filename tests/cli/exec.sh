#!/bin/bash
# SPDX-License-Identifier: MIT
# stream-sink --exec: a command for each record, its environment and stdin,
# concurrency, the queue, --rate-limit, failures, signals, timeouts.
. "$(dirname "$0")/lib.sh"

J='{"host":"web-1","count":120,"note":"disk full"}
{"host":"web-2","count":7,"note":null}
{"host":"db-1","count":300,"note":"a \"quoted\" word"}
'

testing "one command per record: fields as variables, the record on stdin" \
	"stream-sink -P 1 --exec 'printf \"%s|%s|%s|%s\\n\" \"\$host\" \"\$STREAM_COUNT\" \"\$STREAM_NOTE\" \"\$(cat)\" >> out' input; echo rc=\$?; cat out" \
	'rc=0
web-1|120|disk full|{"host":"web-1","count":120,"note":"disk full"}
web-2|7||{"host":"web-2","count":7,"note":null}
db-1|300|a "quoted" word|{"host":"db-1","count":300,"note":"a \"quoted\" word"}' "$J"

testing "in a real pipeline: csv, a filter, an alert per match" \
	"stream-source -f csv input | stream-filter --where 'count > 100' |
	stream-sink --exec 'echo \"\$host: \$count errors\" >> alerts'; sort alerts" \
	"db: 300 errors
web: 120 errors" "host,count
web,120
api,7
db,300
"

testing "no records on stdout with --exec; the commands' output is there" \
	"stream-sink -P 1 --exec 'echo \"alert \$host\"' input" \
	"alert web-1
alert web-2
alert db-1" "$J"

testing "-o passes the records through as well" \
	"stream-sink --exec true -o ndjson input" "$J" "$J"

testing "--output keeps the records in a file as well" \
	"stream-sink --exec 'cat >> seen' --output kept input; cmp -s input kept && echo same; sort seen | wc -l" \
	"same
3" "$J"

testing "times are RFC 3339, nested values JSON text" \
	"stream-source -t ts input | stream-window --tumbling 10s |
	stream-agg count first:o | stream-sink --exec 'printf \"%s %s %s\\n\" \"\$window_start\" \"\$STREAM_WINDOW_END\" \"\$first_o\"'" \
	'2026-01-01T00:00:00Z 2026-01-01T00:00:10Z {"a":[1,2]}' \
	'{"ts":"2026-01-01T00:00:01.5Z","o":{"a":[1,2]}}
'

testing "upper-case fields are only STREAM_*: a record cannot set PATH" \
	"stream-sink --exec 'echo \"\$PATH\" | grep -c evil; echo \"\$STREAM_PATH \$STREAM_A_B \${LD_PRELOAD-unset}\"'" \
	"0
/evil x unset" "" '{"PATH":"/evil","a-b":"x","LD_PRELOAD":"/tmp/x.so"}'

testing "the sink's environment wins over a field of the same name" \
	"host=mine stream-sink --exec 'echo \"\$host \$STREAM_HOST\"'" \
	"mine theirs" "" '{"host":"theirs"}'

testing "--max-procs bounds the commands running at a time" \
	"mkdir run; seq 1 12 | sed 's/.*/{\"n\":&}/' | stream-sink -P 3 --exec '
		mkdir run/\$n; ls run | wc -l >> counts; sleep 0.3; rmdir run/\$n' 2>&1
	sort -n counts | tail -n 1; wc -l < counts" \
	"3
12" "" ""

testing "more records than the queue holds: input waits, none is lost" \
	"seq 1 150 | sed 's/.*/{\"n\":&}/' | timeout 60 stream-sink -P 2 --exec 'echo \$n >> ns'; echo rc=\$?; sort -n ns | uniq | wc -l; sort -n ns | tail -n 1" \
	"rc=0
150
150"

testing "--rate-limit: over it is not run, warned once and counted" \
	"seq 1 10 | sed 's/.*/{\"n\":&}/' | stream-sink -P 1 --rate-limit 3/1h --exec 'echo \$n >> ran' 2>err; echo rc=\$?; cat ran; cat err" \
	"rc=0
1
2
3
stream-sink: <stdin>: record 4: not run: over --rate-limit 3/1h (1 so far)
stream-sink: --exec: 3 commands run; 7 records not run (rate limit)"

testing "--rate-limit refills: a burst, then one a step" \
	"(printf '{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n'; sleep 1.2; printf '{\"n\":4}\n{\"n\":5}\n') |
	stream-sink -P 1 --rate-limit 2/2s --exec 'echo \$n >> ran' 2>/dev/null; cat ran" \
	"1
2
4"

testing "failing commands are warned of with the record, never fatal; status 1" \
	"stream-sink -P 1 --exec 'case \$n in 2) exit 3;; 3) kill -TERM \$\$;; 4) exec no-such-command-xyz 2>/dev/null;; esac; echo \$n >> ran' 2>&1; echo rc=\$?; cat ran" \
	"stream-sink: <stdin>: record 2: command exited with status 3
stream-sink: <stdin>: record 3: command killed by signal 15 (Terminated)
stream-sink: <stdin>: record 4: command exited with status 127 (command not found)
stream-sink: --exec: 5 commands run, 3 failed
rc=1
1
5" "" '{"n":1}
{"n":2}
{"n":3}
{"n":4}
{"n":5}
'

testing "-q keeps the summary and the status" \
	"stream-sink -q --exec 'exit 1' input 2>&1; echo rc=\$?" \
	"stream-sink: --exec: 3 commands run, 3 failed
rc=1" "$J"

testing "a command that does not read big records does not block the sink" \
	"awk 'BEGIN { s = \"x\"; while (length(s) < 300000) s = s s; s = substr(s, 1, 300000);
		for (i = 1; i <= 20; i++) print \"{\\\"i\\\":\" i \",\\\"s\\\":\\\"\" s \"\\\"}\" }' |
	timeout 30 stream-sink -P 2 --exec 'sleep 0.01; echo \$i >> ran'; echo rc=\$?; wc -l < ran" \
	"rc=0
20"

testing "big values stay out of the environment; stdin has them" \
	"awk 'BEGIN { s = \"x\"; while (length(s) < 100000) s = s s; s = substr(s, 1, 100000);
		print \"{\\\"s\\\":\\\"\" s \"\\\",\\\"k\\\":1}\" }' |
	stream-sink --exec 'echo \"\${#s} \$k \$(wc -c)\"'" \
	"0 1 100015"

testing "the sink waits for the last commands at the end of input" \
	"stream-sink --exec 'sleep 0.3; echo done >> out' input; cat out" \
	"done
done
done" "$J"

testing "--exec-timeout stops a command and what it started" \
	"timeout 20 stream-sink --exec-timeout 200ms --exec 'sleep 30' 2>&1; echo rc=\$?" \
	"stream-sink: <stdin>: record 1: command stopped after --exec-timeout 200ms
stream-sink: --exec: 1 command run, 1 failed
rc=1" "" '{"n":1}
'

testing "SIGTERM: no new commands, the running ones get it, status 143" \
	"mkfifo f; (printf '{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n'; sleep 30) > f & w=\$!
	stream-sink -P 1 --exec 'echo \$\$ > pid.\$n; sleep 30; echo late >> out' f 2>err & p=\$!
	$TESTDIR/waitfor 1 pid.1; kill \$p; wait \$p; echo rc=\$?; kill \$w
	ls pid.* | wc -l; kill -0 \$(cat pid.1) 2>/dev/null && echo still running; cat out 2>/dev/null; cat err" \
	"rc=143
1
stream-sink: --exec: 1 command run; 2 records not run (interrupted)"

testing "usage errors" \
	"for a in '--rate-limit 0/1s' '--rate-limit lots' '--rate-limit 5/0s' '-P 0' '--exec-timeout soon'; do
		stream-sink --exec true \$a input 2>&1 | head -n 1; done
	stream-sink -P 2 input 2>&1 | head -n 1
	stream-sink --exec '' input 2>&1; echo rc=\$?" \
	"stream-sink: --rate-limit: '0/1s': N must be a whole number from 1 (write e.g. 10/1m, 1/5s)
stream-sink: --rate-limit: 'lots': not N/DUR (write e.g. 10/1m, 1/5s)
stream-sink: --rate-limit: '5/0s': DUR must be more than 0 (write e.g. 10/1m, 1/5s)
stream-sink: --max-procs: '0' is too small (1 to 1024)
stream-sink: --exec-timeout: 'soon' is not a duration (invalid; write e.g. 250ms, 10s, 5m, 1h, 1d)
stream-sink: --max-procs, --rate-limit and --exec-timeout go with --exec
stream-sink: --exec: the command is empty
Try 'stream-sink --help' for more information.
rc=2" "$J"

testing "bash completion offers the --exec options" \
	"bash -c 'source $TESTDIR/../../completions/streamutils.bash
	COMP_WORDS=(stream-sink --ex); COMP_CWORD=1; _streamutils stream-sink --ex stream-sink
	printf \"%s\\n\" \"\${COMPREPLY[@]}\"' | sort" \
	"--exec
--exec-timeout"

# A record the held --connect buffer sends back to wait comes again: its
# command must run once.
testing "--exec with --connect while the buffer is full: one command per record" \
	"seq 1 600 | awk '{ printf \"{\\\"n\\\":%d}\\n\", \$1 }' > in.ndjson
	 stream-sink --exec 'echo \"\$n\" >> runs' --connect unix:s.sock --buffer 1k in.ndjson 2> err & p=\$!
	 sleep 0.3
	 stream-source --listen unix:s.sock -o ndjson > out 2> lerr & l=\$!
	 wait \$p; echo rc=\$?
	 $TESTDIR/waitfor 600 out; kill \$l; wait \$l
	 sort -n runs | uniq | wc -l; wc -l < runs; wc -l < out" \
	'rc=0
600
600
600'

done_testing
