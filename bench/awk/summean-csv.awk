# Tumbling 10 s sum of bytes and mean of latency_ms by host, events.csv.
# Prints BUCKET,host,sum,mean.
BEGIN { FS = "," }
NR > 1 {
	k = substr($1, 1, 18) "," $2
	n[k]++
	s[k] += $6
	l[k] += $7
}
END {
	for (k in n)
		printf "%s,%.0f,%.17g\n", k, s[k], l[k] / n[k]
}
