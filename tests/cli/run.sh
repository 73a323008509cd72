#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs every end-to-end case file in tests/cli/ against the tools in $BIN.
: "${BIN:?BIN must name the directory with the built tools}"
dir=$(cd "$(dirname "$0")" && pwd)
status=0
for t in "$dir"/*.sh; do
	case $t in */lib.sh|*/run.sh) continue ;; esac
	bash "$t" || status=1
done
[ $status -eq 0 ] && echo "cli: all case files passed" || echo "cli: FAILURES"
exit $status
