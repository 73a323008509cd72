# Ties at the cut in bench/top.sh's two queries, from events.csv: the
# 10 s windows whose largest latency_ms occurs more than once (where top
# 1 without ties depends on the tie rule), and the minutes whose 3rd and
# 4th largest host counts are equal (where the host name decides).
# Prints "W1 T1 W3 T3": windows and windows with a tie, for each query.
BEGIN { FS = ","; SUBSEP = "," }
NR == 1 { next }
{
	w = substr($1, 1, 18)
	l = $7 + 0
	if (!(w in mx) || l > mx[w]) {
		mx[w] = l
		n[w] = 1
	} else if (l == mx[w])
		n[w]++
	c[substr($1, 1, 16), $2]++
}
END {
	for (w in n) {
		w1++
		if (n[w] > 1)
			t1++
	}
	for (k in c) {
		split(k, p, ",")
		m = p[1]
		if (!(m in seen)) {
			seen[m] = 1
			w3++
		}
		nh[m]++
		v[m, nh[m]] = c[k]
	}
	for (m in nh) {
		# the 3rd and 4th largest counts, by selection
		for (r = 1; r <= 4 && r <= nh[m]; r++) {
			b = 0
			for (i = 1; i <= nh[m]; i++)
				if (!u[m, i] && (b == 0 || v[m, i] > v[m, b]))
					b = i
			u[m, b] = 1
			top[r] = v[m, b]
		}
		if (nh[m] >= 4 && top[3] == top[4])
			t3++
	}
	printf "%d %d %d %d\n", w1, t1 + 0, w3, t3 + 0
}
