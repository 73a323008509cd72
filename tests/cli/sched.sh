#!/bin/bash
# SPDX-License-Identifier: MIT
# Bulk or live (libcore/sched.h): a tool whose input comes as a backlog
# runs SCHED_BATCH, and goes back to SCHED_OTHER when its input is quiet.
. "$(dirname "$0")/lib.sh"

# pol PID: the scheduling policy of PID (/proc/PID/stat field 41:
# 0 SCHED_OTHER, 3 SCHED_BATCH, 5 SCHED_IDLE).
# waitpol PID N: waits up to 5 s for policy N; prints the policy seen.
H='pol() { sed "s/.*) //" /proc/$1/stat | cut -d" " -f39; }
waitpol() { i=0; while [ "$(pol $1)" != "$2" ] && [ $i -lt 250 ]; do
	sleep 0.02; i=$((i + 1)); done; pol $1; }
awk "BEGIN { print \"n,s\"; for (i = 0; i < 200000; i++)
	print i \",abcdefghijklmnopqrstuvwxyz\" }" > big.csv
mkfifo in out; exec 3<>in 4<>out
'

if ! chrt -b 0 true 2>/dev/null || [ ! -r /proc/self/stat ]; then
	skip "bulk input switches to SCHED_BATCH" "chrt -b refused here"
	skip "STREAMUTILS_SCHED=normal keeps SCHED_OTHER" "chrt -b refused"
	skip "a policy set with chrt is kept" "chrt -b refused here"
else
	# The sink's output is a FIFO nobody reads yet: it stops, blocked,
	# in the middle of its backlog.  Then the output drains, the source
	# ends, and the input (held open by fd 3) goes quiet.
	testing "bulk input switches to SCHED_BATCH, quiet input back" \
		"$H
		stream-sink -o csv < in > out 2>err & k=\$!
		echo before: \$(pol \$k)
		stream-source -f csv big.csv > in & s=\$!
		echo backlog: \$(waitpol \$k 3)
		cat <&4 > /dev/null & c=\$!
		wait \$s
		echo quiet: \$(waitpol \$k 0)
		kill \$k \$c; wait \$k; cat err" \
		"before: 0
backlog: 3
quiet: 0"

	testing "STREAMUTILS_SCHED=normal keeps SCHED_OTHER" \
		"$H
		STREAMUTILS_SCHED=normal stream-sink -o csv < in > out & k=\$!
		stream-source -f csv big.csv > in & s=\$!
		sleep 0.5; echo backlog: \$(pol \$k)
		cat <&4 > /dev/null & c=\$!
		wait \$s; kill \$k \$c" \
		"backlog: 0"

	testing "a policy set with chrt is kept" \
		"$H
		chrt -i 0 stream-sink -o csv < in > out & k=\$!
		stream-source -f csv big.csv > in & s=\$!
		sleep 0.5; echo backlog: \$(pol \$k)
		cat <&4 > /dev/null & c=\$!
		wait \$s; sleep 0.1; echo quiet: \$(pol \$k); kill \$k \$c" \
		"backlog: 5
quiet: 5"
fi

testing "live input, a line at a time, stays SCHED_OTHER" \
	"mkfifo in; exec 3<>in
	stream-source -o ndjson < in > out & k=\$!
	for i in 1 2 3 4 5; do echo '{\"n\":'\$i'}' > in; sleep 0.05; done
	$TESTDIR/waitfor 5 out
	sed 's/.*) //' /proc/\$k/stat | cut -d' ' -f39
	kill \$k" \
	"0"

done_testing
