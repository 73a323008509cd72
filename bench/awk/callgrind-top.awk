# SPDX-License-Identifier: MIT
# callgrind-top.awk: the 10 functions with the most instructions (self) in
# the output of callgrind_annotate --auto=no, as "  PCT  COUNT  FUNCTION"
# (libc's sysdeps paths shortened to libc:).  Used by bench/run.sh and
# bench/common.sh.
/PROGRAM TOTALS/ { next }
/^ *[0-9,]+ +\( *[0-9.]+%\) +[^ ]/ && k < 10 {
	k++
	line = $0
	pct = line
	sub(/^[^(]*\( */, "", pct)
	sub(/%\).*/, "%", pct)
	n = line
	sub(/^ */, "", n)
	sub(/ .*/, "", n)
	gsub(/,/, "", n)
	sub(/^ *[0-9,]+ +\( *[0-9.]+%\) +/, "", line)
	sub(/ \[[^]]*\]$/, "", line)
	sub(/^.*sysdeps\/[^:]*:/, "libc:", line)
	printf "      %7s %13s  %s\n", pct, n, line
}
