#!/bin/bash
# SPDX-License-Identifier: MIT
# stream-source -F: tail -F semantics, idle watermarks, signals.
. "$(dirname "$0")/lib.sh"
W=$TESTDIR/waitfor

testing "follow survives truncation and rotation, nothing lost" \
	"printf '{\"n\":1}\n' > log
	stream-source -F -o ndjson log > out 2>err & pid=\$!
	$W 1 out
	printf '{\"n\":2}\n' >> log; $W 2 out
	: > log; printf '{\"n\":3}\n' >> log; $W 3 out
	mv log log.1; printf '{\"n\":4}\n' >> log.1
	printf '{\"n\":5}\n' > log; $W 5 out
	printf '{\"n\":6}\n' >> log; $W 6 out
	kill -TERM \$pid; wait \$pid; echo rc=\$?; cat out err" \
	'rc=143
{"n":1}
{"n":2}
{"n":3}
{"n":4}
{"n":5}
{"n":6}
stream-source: log: file truncated; reading it from the start
stream-source: log: file replaced; following the new file'

testing "follow waits for a file that does not exist yet" \
	"stream-source -F -o ndjson later > out 2>err & pid=\$!
	sleep 0.2; printf '{\"n\":1}\n' > later; $W 1 out
	kill -INT \$pid; wait \$pid; echo rc=\$?; cat out" \
	'rc=130
{"n":1}'

testing "--from-end starts at the end of the file" \
	"printf '{\"n\":1}\n' > log
	stream-source -F --from-end -o ndjson log > out & pid=\$!
	sleep 0.3; printf '{\"n\":2}\n' >> log; $W 1 out
	kill \$pid; wait \$pid; cat out" \
	'{"n":2}'

testing "a line written in two pieces comes out once, whole" \
	"stream-source -F -o ndjson log > out & pid=\$!
	sleep 0.2; printf '{\"n\":' >> log; sleep 0.2; printf '1}\n' >> log
	$W 1 out; kill \$pid; wait \$pid; cat out" \
	'{"n":1}' '' 

testing "signal ends the pipeline as at end of input: all flushed" \
	"mkfifo f; (printf '{\"t\":1}\n{\"t\":2}\n'; sleep 30) > f & w=\$!
	{ stream-source -t t f & echo \$! > spid; wait; } | stream-sink -o trace > out &
	$W 2 out; kill -TERM \$(cat spid); $W 5 out; kill \$w; cat out" \
	'record 1970-01-01T00:00:01Z {"t":1}
watermark 1970-01-01T00:00:01Z
record 1970-01-01T00:00:02Z {"t":2}
watermark 1970-01-01T00:00:02Z
watermark +inf
end'

testing "--idle advances the watermark while input is quiet" \
	"mkfifo f; (printf '{\"t\":\"2026-01-01T00:00:00Z\"}\n'; sleep 30) > f & w=\$!
	stream-source -t t --idle 100ms f | stream-sink -o trace > out & p=\$!
	$W 3 out; kill \$w; wait \$p
	sed -n '1p;2p' out; sed -n '3p' out | cut -c1-23" \
	'record 2026-01-01T00:00:00Z {"t":"2026-01-01T00:00:00Z"}
watermark 2026-01-01T00:00:00Z
watermark 2026-01-01T00'

# Stopped (^Z, or starved on a loaded machine) past --idle while the file
# grows: the time it could not look is not quiet.  The idle tick used to
# run before the pending lines were read, push the watermark past them,
# and the window after dropped them as late.
testing "a follower stopped and continued reads what came meanwhile before idling" \
	"printf '{\"t\":\"2026-01-01T00:00:00.5Z\",\"n\":1}\n' > log
	{ stream-source -F -t t -i 200ms log & echo \$! > spid; wait; } |
	  stream-window -T 1s 2> werr | stream-agg -g n count |
	  stream-sink -o csv -k n,count > out &
	$W 2 out; kill -STOP \$(cat spid)
	printf '{\"t\":\"2026-01-01T00:00:01.5Z\",\"n\":2}\n' >> log
	sleep 1.5; kill -CONT \$(cat spid); $W 3 out 5
	kill -TERM \$(cat spid); wait; cat out werr" \
	'n,count
1,1
2,1'

testing "without --idle a quiet input holds the watermark (determinism)" \
	"mkfifo f; (printf '{\"t\":1}\n'; sleep 1) > f &
	stream-source -t t f | stream-sink -o trace" \
	'record 1970-01-01T00:00:01Z {"t":1}
watermark 1970-01-01T00:00:01Z
watermark +inf
end'

done_testing
