# Projects an answer, as any tool in bench/join.sh or bench/top.sh writes
# it, to CSV lines of the fields named in -v fields=a,b,c (in that
# order; a missing field or a null is empty), for sorting and comparing
# with cmp.  Input, detected per line:
#   - flat JSON objects, one a line: compact (stream-sink, mawk) or
#     spaced (Miller: {"k": v, ...}); a Miller JSON array's '[' and ']'
#     lines and the ',' after '}' too;
#   - CSV with a header line; a blank line starts a new header (Miller's
#     CSV writer when the fields change);
# -v cut1=N keeps only the first N characters of the first field (the
# window start as RFC 3339, 2024-03-01T00:00:10Z, becomes the 10-second
# bucket 2024-03-01T00:00:1 with N = 18, the minute with N = 16).
# Written for the benchmark data: no value holds '"', ',' or '\', so no
# CSV quoting or JSON escapes; a JSON line that does not parse comes out
# as "BAD line" (and so differs).
BEGIN {
	nf = split(fields, want, ",")
	for (i = 1; i <= nf; i++)
		pos[want[i]] = i
	hdr = 1
}
function out(    o, i) {
	if (cut1 > 0)
		v[1] = substr(v[1], 1, cut1)
	o = v[1]
	for (i = 2; i <= nf; i++)
		o = o "," v[i]
	print o
}
/^[\[\]]$/ { next }
/^[ \t]*\{/ {
	s = $0
	sub(/^[ \t]*\{/, "", s)
	sub(/\},?[ \t]*$/, "", s)
	for (i = 1; i <= nf; i++)
		v[i] = ""
	n = split(s, a, ",")
	for (i = 1; i <= n; i++) {
		p = index(a[i], "\":")
		if (p == 0) {
			print "BAD " $0
			next
		}
		k = substr(a[i], 1, p - 1)
		sub(/^[ \t]*"/, "", k)
		x = substr(a[i], p + 2)
		sub(/^[ \t]*/, "", x)
		sub(/[ \t]*$/, "", x)
		if (x == "null")
			x = ""
		else if (x ~ /^"/)
			x = substr(x, 2, length(x) - 2)
		if (k in pos)
			v[pos[k]] = x
	}
	out()
	next
}
/^$/ { hdr = 1; next }
hdr {
	hdr = 0
	split("", col)
	nc = split($0, h, ",")
	for (i = 1; i <= nc; i++)
		if (h[i] in pos)
			col[i] = pos[h[i]]
	next
}
{
	for (i = 1; i <= nf; i++)
		v[i] = ""
	n = split($0, a, ",")
	for (i = 1; i <= n; i++)
		if (i in col)
			v[col[i]] = a[i]
	out()
}
