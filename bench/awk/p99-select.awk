# Tumbling 10 s p99 of latency_ms by host in any POSIX awk (mawk has no
# sort): the value of rank floor(0.99 n), 0-based, found with quickselect.
# -v fmt=ndjson (split on '"': $4 time, $8 host, $23 ':LATENCY}') or
# fmt=csv.  Prints BUCKET,host,p99.
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
# select(a, lo, hi, r): a[r] after partially sorting a[lo..hi].
function select(a, lo, hi, r,    i, j, p, t) {
	while (lo < hi) {
		p = a[int((lo + hi) / 2)]
		i = lo
		j = hi
		while (i <= j) {
			while (a[i] < p)
				i++
			while (a[j] > p)
				j--
			if (i <= j) {
				t = a[i]; a[i] = a[j]; a[j] = t
				i++
				j--
			}
		}
		if (r <= j)
			hi = j
		else if (r >= i)
			lo = i
		else
			break
	}
	return a[r]
}
END {
	for (k in n) {
		m = n[k]
		for (i = 1; i <= m; i++)
			a[i] = v[k, i]
		r = int(0.99 * m)
		if (r >= m)
			r = m - 1
		printf "%s,%.17g\n", k, select(a, 1, m, r + 1)
	}
}
