# Normalises an aggregate's output, as any of the tools in bench/window.sh
# writes it, to WINDOW_START,KEY,VALUE... lines for comparison:
#   - input: comma-separated lines; a line whose first field is not a
#     time (a header) is skipped;
#   - the window start is the first field, either RFC 3339
#     (2024-03-01T00:00:10Z, streamutils) or the first 18 characters of
#     an event time (2024-03-01T00:00:1, the others' 10-second bucket);
#     it becomes seconds since the epoch (UTC);
#   - a second field that is a time (streamutils' window_end) is dropped;
#   - values: integers are kept as they are; other numbers are rounded
#     to 6 significant digits (see r6), integral ones printed as integers;
#     with -v raw=1 all of them with 17 significant digits instead.
BEGIN { FS = OFS = "," }
function istime(s) { return s ~ /^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T/ }
# epoch(): days from the civil date (proleptic Gregorian), then seconds.
function epoch(t,    y, m, d, sec) {
	y = substr(t, 1, 4) + 0
	m = substr(t, 6, 2) + 0
	d = substr(t, 9, 2) + 0
	sec = length(t) == 18 ? substr(t, 18, 1) * 10 : substr(t, 18, 2) + 0
	if (m <= 2) {
		y--
		m += 12
	}
	return ((365 * y + int(y / 4) - int(y / 100) + int(y / 400) + \
	    int((153 * (m - 3) + 2) / 5) + d - 719469) * 86400 + \
	    substr(t, 12, 2) * 3600 + substr(t, 15, 2) * 60 + sec)
}
# r6(x): x rounded to 6 significant digits, halves away from zero, after
# first taking it to 12 significant digits: a tie in decimal (a mean of
# 94.90065) rounds the same way whether a tool's binary double is a hair
# below it (94.900649999999999, correctly rounded) or above it
# (94.90065000000001, from summing in another order).
function r6(x,    neg, e, s, m, d) {
	neg = x < 0
	if (neg)
		x = -x
	s = sprintf("%.11e", x)          # d.ddddddddddde+XX
	e = substr(s, index(s, "e") + 1) + 0
	m = substr(s, 1, 1) substr(s, 3, 5)
	d = substr(s, 8, 1)
	m = m + (d >= 5)
	if (m >= 1000000) {
		m = 100000
		e++
	}
	return sprintf("%.6g", (neg ? -m : m) * 10 ^ (e - 5))
}
function num(s,    x) {
	if (s ~ /^-?[0-9]+$/)
		return s
	x = s + 0
	if (raw)
		return sprintf("%.17g", x)
	if (x == int(x) && x < 1e15 && x > -1e15)
		return sprintf("%.0f", x)
	return r6(x)
}
!istime($1) { next }
{
	o = sprintf("%.0f", epoch($1))
	i = istime($2) ? 3 : 2
	o = o OFS $i
	for (j = i + 1; j <= NF; j++)
		o = o OFS num($j)
	print o
}
