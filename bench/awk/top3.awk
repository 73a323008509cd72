# Top 3 hosts per tumbling minute by event count, in one pass
# (bench/top.sh): counts per (minute, host), then per minute the 3
# largest counts, ties by host name (ascending), as stream-top -n 3
# -b count:desc,host:asc.  -v fmt=ndjson (bench/gen.c's key order: split
# on '"', $4 is the time, $8 the host) or -v fmt=csv (events.csv).  The
# minute is the first 16 characters of the time.  Prints a header and
# window_start,host,count lines.
BEGIN {
	if (fmt == "csv")
		FS = ","
	else
		FS = "\""
	SUBSEP = ","
}
fmt == "csv" && NR == 1 { next }
{
	if (fmt == "csv")
		c[substr($1, 1, 16), $2]++
	else
		c[substr($4, 1, 16), $8]++
}
END {
	print "window_start,host,count"
	for (k in c) {
		split(k, p, ",")
		m = p[1]
		nh[m]++
		h[m, nh[m]] = p[2]
	}
	for (m in nh) {
		for (r = 1; r <= 3 && r <= nh[m]; r++) {
			b = 0
			for (i = 1; i <= nh[m]; i++) {
				if (used[m, i])
					continue
				x = h[m, i]
				if (b == 0 || c[m, x] > c[m, bh] ||
				    (c[m, x] == c[m, bh] && x < bh)) {
					b = i
					bh = x
				}
			}
			used[m, b] = 1
			print m "," bh "," c[m, bh]
		}
	}
}
