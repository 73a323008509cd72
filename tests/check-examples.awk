# SPDX-License-Identifier: MIT
# The awk half of tests/check-examples.sh; see there for the rules.
#
#   awk -v mode=parse -v out=DIR -f check-examples.awk PAGE
#	reads the EXAMPLES section of an mdoc page and writes the plan of its
#	examples into DIR: a line per item in DIR/list, and the texts of
#	item ID in DIR/ID.cmd (the command), DIR/ID.out (expected standard
#	output, or the content of a file that "$ cat FILE" shows) and
#	DIR/ID.err (expected standard error).
#   awk -v mode=sortmsg -v progs='P1 P2 ...' -f check-examples.awk FILE
#	writes the messages of FILE (a line starting "PROG: " and the
#	lines folded from it) ordered by the position of PROG in progs.
#   awk -v mode=match -v wrap=0|1 -f check-examples.awk EXPECTED ACTUAL
#	exits 0 if ACTUAL is what EXPECTED shows, else 1.
#
# The list has a line per item, fields separated by tabs:
#   ID KIND LINE WRAP FILE PROGS COMMAND
# KIND is setup (a ".Ql ... > FILE" of the prose), run, or cat (a "$ cat
# FILE" the display shows the content of); LINE is the line of the page
# where it starts; PROGS the programs the command runs, in pipeline order;
# COMMAND the command on one line, blanks squeezed.  An empty field is "-",
# since read(1) would take two tabs for one.

function die(msg) {
	printf "check-examples: %s:%d: %s\n", FILENAME, FNR, msg >"/dev/stderr"
	failed = 1
	exit 1
}

# The text of a line of roff input; only the escapes the pages need.
function unescape(s,    r, c, n) {
	r = ""
	while ((n = index(s, "\\")) > 0) {
		r = r substr(s, 1, n - 1)
		c = substr(s, n + 1, 1)
		s = substr(s, n + 2)
		if (c == "e" || c == "\\")
			r = r "\\"
		else if (c == "&")
			;
		else if (c == "-")
			r = r "-"
		else if (c == " ")
			r = r " "
		else if (c == "(") {
			c = substr(s, 1, 2)
			s = substr(s, 3)
			if (c in special)
				r = r special[c]
			else
				die("unknown escape \\(" c " in an example")
		} else
			die("unknown escape \\" c " in an example")
	}
	return r s
}

# Whether TEXT is not yet a whole shell command: a quote is open, or it
# ends in a backslash, "|", "&&" or "||".
function incomplete(text,    i, c, q, n) {
	q = ""
	n = length(text)
	for (i = 1; i <= n; i++) {
		c = substr(text, i, 1)
		if (q == "'") {
			if (c == "'")
				q = ""
		} else if (c == "\\") {
			if (i == n)
				return 1
			i++
		} else if (q == "\"") {
			if (c == "\"")
				q = ""
		} else if (c == "'" || c == "\"")
			q = c
	}
	if (q != "")
		return 1
	sub(/[ \t]+$/, "", text)
	return text ~ /(\||&&)$/
}

# The programs a command runs, in order: the first word of each stage.
function programs(cmd,    s, parts, n, i, w, r) {
	s = cmd
	gsub(/'[^']*'/, "X", s)
	gsub(/"[^"]*"/, "X", s)
	gsub(/\\\n/, " ", s)
	n = split(s, parts, /[|;&\n(]+/)
	r = ""
	for (i = 1; i <= n; i++) {
		w = parts[i]
		sub(/^[ \t]+/, "", w)
		while (w ~ /^[A-Za-z_][A-Za-z0-9_]*=[^ ]* /)
			sub(/^[^ ]* +/, "", w)
		sub(/[ \t].*/, "", w)
		sub(/.*\//, "", w)
		if (w ~ /^[A-Za-z][-A-Za-z0-9_.]*$/ &&
		    index(" " r " ", " " w " ") == 0)
			r = r (r == "" ? "" : " ") w
	}
	return r
}

function is_msg(line, progs,    p) {
	if (!match(line, /^[A-Za-z][-A-Za-z0-9_.]*: /))
		return 0
	p = substr(line, 1, RLENGTH - 2)
	return index(" " progs " ", " " p " ") > 0
}

function oneline(s) {
	gsub(/[ \t\n]+/, " ", s)
	return s
}

function item(kind, line, file, cmd, nout, outl, split_err,
    id, i, progs, f, e, inerr) {
	id = sprintf("%03d", ++nitems)
	progs = programs(cmd)
	printf "%s\n", cmd >(out "/" id ".cmd")
	close(out "/" id ".cmd")
	f = out "/" id ".out"
	e = out "/" id ".err"
	printf "" >f
	printf "" >e
	inerr = 0
	for (i = 1; i <= nout; i++) {
		if (split_err && !inerr && is_msg(outl[i], progs))
			inerr = 1
		print outl[i] >(inerr ? e : f)
	}
	close(f)
	close(e)
	printf "%s\t%s\t%d\t%d\t%s\t%s\t%s\n", id, kind, line, wrap,
	    file == "" ? "-" : file, progs == "" ? "-" : progs, oneline(cmd) \
	    >(out "/list")
}

# A display is kept until the line after it says whether it is folded.
function flush(    i, j, k, cmd, start, nout, outl, file, m, rec) {
	if (nd == 0)
		return
	if (dl[1] !~ /^\$( |$)/) {
		nd = 0
		return
	}
	i = 1
	while (i <= nd) {
		if (dl[i] ~ /^\$ *$/) {
			i++
			continue
		}
		start = dline[i]
		cmd = substr(dl[i], 3)
		while (incomplete(cmd) && i < nd)
			cmd = cmd "\n" dl[++i]
		if (incomplete(cmd))
			die("the command of line " start " does not end")
		i++
		nout = 0
		delete outl
		while (i <= nd && dl[i] !~ /^\$( |$)/)
			outl[++nout] = dl[i++]
		file = cmd
		sub(/^cat +/, "", file)
		# A file an earlier command names is to be shown, not made.
		if (nout > 0 && cmd ~ /^cat +[^ |;&<>$`'"]+$/ &&
		    index(cmds, file) == 0) {
			# Folded records of NDJSON go on until a "}" ends them.
			if (wrap && file ~ /\.(nd)?json$/) {
				m = 0
				rec = ""
				for (j = 1; j <= nout; j++) {
					rec = rec outl[j]
					if (rec ~ /}$/ || j == nout) {
						outl[++m] = rec
						rec = ""
					}
				}
				for (k = m + 1; k <= nout; k++)
					delete outl[k]
				nout = m
			}
			item("cat", start, file, cmd, nout, outl, 0)
		} else
			item("run", start, "", cmd, nout, outl, 1)
		cmds = cmds "\n" cmd
	}
	nd = 0
}

mode == "parse" && FNR == 1 {
	special["+-"] = "\302\261"
	special["aq"] = "'"
	special["dq"] = "\""
	special["ti"] = "~"
	special["ha"] = "^"
	special["ga"] = "`"
	special["rs"] = "\\"
	special["em"] = "\342\200\224"
	special["en"] = "\342\200\223"
	special["mi"] = "-"
	special["hy"] = "-"
	printf "" >(out "/list")
	cmds = ""
}

mode == "parse" && /^\.Sh / {
	flush()
	after = 0
	inex = ($0 ~ /^\.Sh +EXAMPLES *$/)
	next
}

mode == "parse" && !inex {
	next
}

mode == "parse" && indisp {
	if ($0 ~ /^\.Ed/) {
		indisp = 0
		after = 1
	} else if ($0 ~ /^\.\\"/)
		;
	else if ($0 ~ /^[.']/)
		die("macro in a literal display: " $0)
	else {
		dl[++nd] = unescape($0)
		dline[nd] = FNR
	}
	next
}

# The text after a display: a note in parentheses that says "one line"
# means its lines are folded.  The note may span lines and macros.
mode == "parse" && after && !/^\.(Pp|\\")/ {
	t = $0
	sub(/^\.[A-Z][a-z] */, "", t)
	if (note == "" && t !~ /^\(/)
		after = 2
	else {
		note = note " " t
		if (note ~ /\)/ || ++nnote > 5)
			after = 2
	}
	if (after == 2) {
		wrap = (note ~ /^ \(.*one line/)
		flush()
		wrap = 0
		after = 0
		note = ""
		nnote = 0
	}
}

mode == "parse" && /^\.Bd +-literal/ {
	flush()
	indisp = 1
	nd = 0
	next
}

mode == "parse" && /^\.Dl +\$ / {
	flush()
	dl[nd = 1] = unescape(substr($0, 5))
	sub(/^ +/, "", dl[1])
	dline[1] = FNR
	flush()
	next
}

mode == "parse" && /^\.Ql / {
	s = unescape(substr($0, 5))
	sub(/( +[.,;:)]+)+$/, "", s)
	if (s ~ /> *[A-Za-z0-9_.-]+$/) {
		file = s
		sub(/.*> */, "", file)
		delete none
		item("setup", FNR, file, s, 0, none, 0)
		cmds = cmds "\n" s
	}
	next
}

mode == "parse" {
	next
}

END {
	if (mode == "parse" && !failed) {
		if (indisp)
			die("a display that does not end")
		flush()
	}
}

# Messages, each kept with the lines folded from it, stably ordered by
# the place of their program in the pipeline.
mode == "sortmsg" {
	if (is_msg($0, progs) || nmsg == 0) {
		p = $0
		sub(/: .*/, "", p)
		rank = index(" " progs " ", " " p " ")
		msg[++nmsg] = $0
		key[nmsg] = rank
	} else
		msg[nmsg] = msg[nmsg] "\n" $0
	next
}

END {
	if (mode == "sortmsg") {
		for (i = 2; i <= nmsg; i++) {
			m = msg[i]
			k = key[i]
			for (j = i - 1; j >= 1 && key[j] > k; j--) {
				msg[j + 1] = msg[j]
				key[j + 1] = key[j]
			}
			msg[j + 1] = m
			key[j + 1] = k
		}
		for (i = 1; i <= nmsg; i++)
			print msg[i]
	}
}

# Whether actual lines A[i..na] are what expected lines E[j..ne] show: a
# line "..." stands for any lines, and in a folded display an actual line
# may be several expected lines joined by nothing or by a space.
function matches(i, j,    r) {
	if ((i, j) in memo)
		return memo[i, j]
	if (j <= ne && E[j] == "...")
		r = matches(i, j + 1) || (i <= na && matches(i + 1, j))
	else if (i > na || j > ne)
		r = (i > na && j > ne)
	else
		r = joined(i, E[j], j)
	return memo[i, j] = r
}

function joined(i, s, k) {
	if (s == A[i] && matches(i + 1, k + 1))
		return 1
	if (!wrap || k >= ne || E[k + 1] == "..." ||
	    substr(A[i], 1, length(s)) != s || length(s) >= length(A[i]))
		return 0
	return joined(i, s E[k + 1], k + 1) || joined(i, s " " E[k + 1], k + 1)
}

mode == "match" && FILENAME == ARGV[1] {
	E[++ne] = $0
	next
}

mode == "match" {
	A[++na] = $0
}

END {
	if (mode == "match")
		exit !matches(1, 1)
}
