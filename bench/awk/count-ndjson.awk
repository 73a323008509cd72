# Tumbling 10 s count by status, NDJSON in the key order bench/gen.c
# writes: split on '"', $4 is the time (its first 18 characters are the
# 10-second bucket), $19 is ':STATUS,'.  Prints BUCKET,status,count.
BEGIN { FS = "\"" }
{ c[substr($4, 1, 18) $19]++ }
END {
	for (k in c)
		printf "%s,%d,%d\n", substr(k, 1, 18), substr(k, 20) + 0, c[k]
}
