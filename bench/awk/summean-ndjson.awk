# Tumbling 10 s sum of bytes and mean of latency_ms by host, NDJSON in the
# key order bench/gen.c writes: split on '"', $4 time, $8 host,
# $21 ':BYTES,', $23 ':LATENCY}'.  Prints BUCKET,host,sum,mean.
BEGIN { FS = "\"" }
{
	k = substr($4, 1, 18) "," $8
	n[k]++
	s[k] += substr($21, 2)
	l[k] += substr($23, 2)
}
END {
	for (k in n)
		printf "%s,%.0f,%.17g\n", k, s[k], l[k] / n[k]
}
