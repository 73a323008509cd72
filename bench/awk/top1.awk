# Top 1 per tumbling 10 s window by latency_ms, largest first, in one
# pass (bench/top.sh): per window the first record (in input order) with
# the largest latency_ms, so ties go to the earlier arrival, as
# stream-top without --with-ties.  -v fmt=ndjson: NDJSON in bench/gen.c's
# key order (split on '"': $4 time, $8 host, $12 method, $16 path,
# $19 ':STATUS,', $21 ':BYTES,', $23 ':LATENCY}'); -v fmt=csv: events.csv.
# The window is the first 18 characters of the time.  Prints a header and
# window_start,time,host,method,path,status,bytes,latency_ms lines.
BEGIN {
	if (fmt == "csv")
		FS = ","
	else
		FS = "\""
}
fmt == "csv" && NR == 1 { next }
{
	if (fmt == "csv") {
		w = substr($1, 1, 18)
		l = $7 + 0
	} else {
		w = substr($4, 1, 18)
		l = substr($23, 2) + 0
	}
	if (!(w in best) || l > best[w]) {
		best[w] = l
		rec[w] = $0
	}
}
END {
	print "window_start,time,host,method,path,status,bytes,latency_ms"
	for (w in rec) {
		$0 = rec[w]
		if (fmt == "csv")
			print w "," $0
		else
			printf "%s,%s,%s,%s,%s,%s,%s,%s\n", w, $4, $8, $12, $16,
			    substr($19, 2, length($19) - 2),
			    substr($21, 2, length($21) - 2),
			    substr($23, 2, length($23) - 2)
	}
}
