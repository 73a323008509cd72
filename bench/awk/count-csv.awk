# Tumbling 10 s count by status, events.csv (time,host,method,path,
# status,bytes,latency_ms).  Prints BUCKET,status,count.
BEGIN { FS = "," }
NR > 1 { c[substr($1, 1, 18) "," $5]++ }
END {
	for (k in c)
		printf "%s,%d\n", k, c[k]
}
