# Enrichment (bench/join.sh): the first file is a CSV table whose first
# column is the key, the second NDJSON events in bench/gen.c's key order;
# each event comes out with the table's other columns appended (null
# when its key is not in the table: a left join), in the NDJSON writer's
# compact form.  -v key=path|bytes picks the event field.  Numbers in
# the table are written bare, other values as JSON strings.
BEGIN { FS = "," }
NR == FNR {
	if (FNR == 1) {
		nc = split($0, col, ",")
		nulls = ""
		for (i = 2; i <= nc; i++)
			nulls = nulls ",\"" col[i] "\":null"
		next
	}
	o = ""
	for (i = 2; i <= nc; i++)
		o = o ",\"" col[i] "\":" ($i ~ /^-?[0-9]+$/ ? $i : "\"" $i "\"")
	t[$1] = o
	next
}
FNR == 1 { FS = "\""; $0 = $0 }
{
	# split on '"': $16 is the path; $21 is ':BYTES,'
	if (key == "path")
		k = $16
	else
		k = substr($21, 2, length($21) - 2)
	e = (k in t) ? t[k] : nulls
	print substr($0, 1, length($0) - 1) e "}"
}
