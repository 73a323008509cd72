#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs the Debian packages named as arguments that are missing: with
# apt-get when run as root, otherwise prints the command to run.
missing=
if ! command -v dpkg-query >/dev/null 2>&1; then
	echo "deps: not a Debian system; make sure these are installed: $*" >&2
	exit 0
fi
for p in "$@"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q 'ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
	echo "deps: installing$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null &&
	apt-get install -y -qq --no-install-recommends $missing >/dev/null ||
	{ echo "deps: apt-get install$missing failed" >&2; exit 1; }
else
	echo "deps: missing Debian packages:$missing" >&2
	echo "deps: run: sudo apt-get install$missing" >&2
	exit 1
fi
