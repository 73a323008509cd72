# Tumbling 10 s p99 of latency_ms by host (gawk: asort).  -v fmt=ndjson
# (split on '"': $4 time, $8 host, $23 ':LATENCY}') or fmt=csv.  p99 is
# the value of rank floor(0.99 n), 0-based, in the sorted values (Miller's
# and stream-agg's definition); -v interp=1 prints the interpolated one
# (datamash's, R type 7: h = (n - 1) 0.99) instead.  Prints BUCKET,host,p99.
BEGIN { FS = fmt == "csv" ? "," : "\"" }
fmt == "csv" && NR == 1 { next }
{
	if (fmt == "csv") {
		k = substr($1, 1, 18) "," $2
		x = $7 + 0
	} else {
		k = substr($4, 1, 18) "," $8
		x = substr($23, 2) + 0
	}
	v[k, ++n[k]] = x
}
END {
	for (k in n) {
		delete a
		for (i = 1; i <= n[k]; i++)
			a[i] = v[k, i]
		asort(a)
		if (interp) {
			h = (n[k] - 1) * 0.99
			f = int(h)
			y = a[f + 1]
			if (f + 1 < n[k])
				y += (h - f) * (a[f + 2] - a[f + 1])
		} else {
			r = int(0.99 * n[k])
			if (r >= n[k])
				r = n[k] - 1
			y = a[r + 1]
		}
		printf "%s,%.17g\n", k, y
	}
}
