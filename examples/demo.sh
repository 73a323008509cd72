#!/bin/sh
# SPDX-License-Identifier: MIT
# make demo: the main job on bundled data.  An nginx access log (an hour of
# a small shop's traffic, with an incident at 09:17 and one line a log
# shipper mangled) becomes per-5-minute traffic, errors and p99 latency,
# then the paths behind the 5xx errors.
set -e
: "${BIN:?BIN must name the directory with the built tools}"
PATH="$BIN:$PATH"
export PATH
here=$(cd "$(dirname "$0")" && pwd)
log=$here/access.log

printf '\n== requests, 5xx errors and p99 response time per 5 minutes\n'
printf '   (%s)\n\n' "$log"
set -x
stream-source -f combined --time time --max-delay 2s "$log" |
	stream-filter --set 'error = if(status >= 500, 1, 0)' |
	stream-window --tumbling 5m |
	stream-agg requests=count errors=sum:error p99_s=p99:rt \
	    busiest=top1:path |
	stream-sink -o table
set +x

printf '\n== the paths behind the 5xx errors\n\n'
set -x
stream-source -f combined --time time --max-delay 2s -q "$log" |
	stream-filter --where 'status >= 500' |
	stream-agg -g path failures=count worst_s=max:rt p50_s=median:rt |
	stream-sink -o table
set +x
printf '\nSee README.md for more pipelines; man streamutils for the idea.\n'
