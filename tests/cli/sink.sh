#!/bin/bash
# SPDX-License-Identifier: MIT
# stream-sink: output formats, files, rotation, field selection.
. "$(dirname "$0")/lib.sh"

J='{"a":1,"b":"x"}
{"a":2,"b":"y"}
{"a":3,"b":"z"}
'

testing "text is the default even on a pipe" \
	"stream-source input | stream-sink | cat" "$J" "$J"

testing "NDJSON input is read directly" \
	"stream-sink input" "$J" "$J"

testing "--fields selects and orders, missing fields are null" \
	"stream-source input | stream-sink -k b,nope,a" \
	'{"b":"x","nope":null,"a":1}
{"b":"y","nope":null,"a":2}
{"b":"z","nope":null,"a":3}' "$J"

testing "--output writes a file, truncating it" \
	"echo old > out.ndjson; stream-sink --output out.ndjson input; cat out.ndjson" \
	"$J" "$J"

testing "--append adds to the file" \
	"stream-sink --output o input; stream-sink -a --output o input; wc -l < o" \
	"6" "$J"

testing "--rotate SIZE starts new files and loses nothing" \
	"seq 1 300 | sed 's/.*/{\"n\":&}/' | stream-sink --output o --rotate 1K
	ls o* | wc -l | awk '{print (\$1 >= 3) ? \"several\" : \$1}'
	cat \$(ls -tr o.* ) o | wc -l; cat \$(ls -tr o.*) o | sort -t: -k2 -n | sed -n '1p;\$p'
	for f in o.*; do [ \$(wc -c < \$f) -le 1100 ] || echo too big \$f; done" \
	'several
300
{"n":1}
{"n":300}'

testing "rotated names carry a UTC stamp" \
	"seq 1 100 | sed 's/.*/{\"n\":&}/' | stream-sink --output o --rotate 200; ls o.* | head -n 1 | grep -c '^o\\.[0-9]\\{8\\}T[0-9]\\{6\\}Z'" \
	"1"

testing "--rotate without --output is a usage error" \
	"stream-sink --rotate 1M input 2>&1; echo rc=\$?" \
	"stream-sink: --append and --rotate need --output FILE
Try 'stream-sink --help' for more information.
rc=2" "$J"

testing "frames out of the sink, read back by another sink" \
	"stream-sink -o frames input | stream-sink" "$J" "$J"

testing "cannot open the output file: status 3" \
	"stream-sink --output /nonexistent/dir/x input 2>&1; echo rc=\$?" \
	"stream-sink: cannot open '/nonexistent/dir/x': No such file or directory
rc=3" "$J"

testing "SIGTERM: what arrived is written, status 143" \
	"mkfifo f; (cat input; sleep 30) > f & w=\$!
	stream-sink f > out & p=\$!; $TESTDIR/waitfor 3 out; kill \$p; wait \$p; echo rc=\$?; kill \$w; cat out" \
	"rc=143
$J" "$J"

testing "write error on a full device is status 3" \
	"if [ -w /dev/full ]; then stream-sink input > /dev/full 2>err; echo rc=\$?; cat err; else echo rc=3; echo 'stream-sink: write error on <stdout>: No space left on device'; fi" \
	"rc=3
stream-sink: write error on <stdout>: No space left on device" "$J"

testing "--fields with a name twice is a usage error, not a crash" \
	"stream-sink -k a,a input 2>&1; echo rc=\$?; stream-sink -k a, input 2>&1 | head -n 1" \
	"stream-sink: --fields: 'a' is listed twice
Try 'stream-sink --help' for more information.
rc=2
stream-sink: --fields: empty field name in 'a,'" "$J"

testing "--output with a format's name warns that it is a file" \
	"stream-sink --output csv input 2>&1; cat csv | head -n 1" \
	'stream-sink: --output csv writes a file named '"'"'csv'"'"'; for the format, use -o csv
{"a":1,"b":"x"}' "$J"

testing "STREAMUTILS_FORMAT errors name the variable" \
	"STREAMUTILS_FORMAT=xml stream-source input 2>&1 | head -n 1" \
	"stream-source: STREAMUTILS_FORMAT: unknown value 'xml' (choose from frames, ndjson, csv, tsv, logfmt, lines, table, trace)" "$J"

testing "NDJSON read by a middle tool gets its arrival time, not 1970" \
	"stream-sink -o trace input | head -n 1 | cut -c8-11 | awk '{print (\$1 >= 2025) ? \"now\" : \$1}'" \
	"now" "$J"

testing "--replay waits without spinning a CPU" \
	"printf '{\"t\":0}\n{\"t\":1}\n' > r; bash -c 'TIMEFORMAT=\"%U %S\"; time stream-source -t t --replay r >/dev/null' 2>&1 | awk '{print (\$1 + \$2 < 0.3) ? \"idle\" : \"busy \" \$0}'" \
	"idle"

done_testing
