# The first -v n=N lines of each window in sorted input (bench/top.sh,
# the sort | awk rows): the window is the first -v k=K characters of the
# first field (the whole first field without k), and is put in front of
# the line when k is given.  -v hdr=... is printed first, as a header.
BEGIN { FS = ","; print hdr }
{
	w = k ? substr($1, 1, k) : $1
	if (w != last) {
		last = w
		c = 0
	}
	if (++c <= n)
		print (k ? w "," $0 : $0)
}
