/* SPDX-License-Identifier: MIT */
/* Syslog (RFC 5424, RFC 3164 and the files rsyslog writes) and statsd. */
#include <stdlib.h>
#include <string.h>

#include "libcore/buf.h"
#include "libcore/dec.h"
#include "libcore/json.h"
#include "libcore/timefmt.h"
#include "libcore/xalloc.h"

/*
 * syslog, one message a line (a datagram may hold several lines):
 *
 *	RFC 5424: <165>1 2003-10-11T22:14:15.003Z host app 1234 ID47 [sd] msg
 *	RFC 3164: <34>Oct 11 22:14:15 host su[123]: msg
 *	files:    Oct 11 22:14:15 host su[123]: msg
 *	          2026-11-28T10:00:00.123456+00:00 host su[123]: msg
 *
 * Fields, always all of them, in this order: pri (int), facility and
 * severity (their names), version (int, RFC 5424 only), time (timestamp),
 * host, app, procid, msgid, sd (the structured data as a JSON object of
 * objects: {"id":{"param":"value"}}) and msg; what a message does not
 * carry is null, and so is RFC 5424's "-".
 *
 * - A leading octet count ("57 <34>...", RFC 6587 over TCP) is skipped.
 * - <PRI> is optional (files have none); when present it is 0..191.
 * - After <PRI>, a version number and a space mean RFC 5424; anything else
 *   is read as RFC 3164.  RFC 5424 fields are checked: a bad one makes
 *   the line bad, naming the column.
 * - RFC 3164 is loose by nature: a stamp "Mmm dd hh:mm:ss" (or RFC 3339,
 *   as rsyslog writes files), then the host, then a tag "app[pid]:" and
 *   the message.  A token after the stamp that ends in ':' or holds '[' is
 *   the tag (local senders leave the host out).  Without a stamp the
 *   whole rest is the message, as RFC 3164 says a relay must treat it.
 *   RFC 3164 stamps have no year: the current one is taken, or the last
 *   one when that would put the stamp more than a month ahead.
 * - The UTF-8 byte order mark RFC 5424 allows before msg is dropped.
 *
 * statsd, one metric a line:  name:value|type[|@rate][|#tag:v,tag2]
 *
 * Fields: name, value (an int or number; for sets, the string), type (c,
 * g, ms, h, s, d), rate (number or null), tags (a JSON object, a tag
 * without ':' has the value null, a repeated tag keeps its last value),
 * delta (true for a gauge written with a sign: "+3", "-3" change it
 * rather than set it) and extra (other |sections, such as DogStatsD's
 * container id, as written, or null).
 */

enum { S_PRI, S_FACILITY, S_SEVERITY, S_VERSION, S_TIME, S_HOST, S_APP,
	S_PROCID, S_MSGID, S_SD, S_MSG, S_MAX };

static const char *const syslog_names[S_MAX] = {
	"pri", "facility", "severity", "version", "time", "host", "app",
	"procid", "msgid", "sd", "msg"
};

enum { D_NAME, D_VALUE, D_TYPE, D_RATE, D_TAGS, D_DELTA, D_EXTRA, D_MAX };

static const char *const statsd_names[D_MAX] = {
	"name", "value", "type", "rate", "tags", "delta", "extra"
};

static const char *const facilities[24] = {
	"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news",
	"uucp", "cron", "authpriv", "ftp", "ntp", "security", "console",
	"solaris-cron", "local0", "local1", "local2", "local3", "local4",
	"local5", "local6", "local7"
};

static const char *const severities[8] = {
	"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"
};

struct dec_syslog {
	struct core_dec base;
	int statsd;
	struct core_timefmt t3164, t3339;
	const struct core_schema *schema;
	struct core_value v[S_MAX];
	struct core_buf js;          /* sd or tags as JSON */
};

static int
is_digit(int c)
{
	return (unsigned)(c - '0') <= 9;
}

static struct core_value
nil_or_str(const char *s, size_t len)
{
	if (len == 1 && s[0] == '-')
		return core_v_null();
	return core_v_str(s, len);
}

static enum core_ev
bad(struct dec_syslog *c, struct core_event *ev, const char *p, size_t len,
    uint64_t line, int64_t off, const char *at, const char *what)
{
	size_t col = (size_t)(at - p) + 1;

	return core_dec_bad(&c->base, ev, p, len, line, col, off,
	    "not a %s line: %s at column %zu", c->statsd ? "statsd" :
	    "syslog", what, col);
}

/* The end of a token of printable ASCII (RFC 5424's PRINTUSASCII). */
static const char *
print_token(const char *q, const char *end)
{
	while (q < end && *q > ' ' && *q < 127)
		q++;
	return q;
}

/* Appends s[0..len) to b as a JSON string. */
static void
json_str(struct core_buf *b, const char *s, size_t len)
{
	char *d;

	core_buf_grow(b, core_json_string_max(len));
	d = core_json_put_string(b->p + b->len, s, len);
	b->len = (size_t)(d - b->p);
}

/*
 * RFC 5424 STRUCTURED-DATA at q: "[id k="v" ...][id2 ...]" into c->js as
 * {"id":{"k":"v"},...}.  Returns the end, or NULL with *what set.
 */
static const char *
structured(struct dec_syslog *c, const char *q, const char *end,
    const char **what)
{
	struct core_buf *b = &c->js;
	const char *s, *e;
	char *d, *o;

	core_buf_reset(b);
	core_buf_addc(b, '{');
	while (q < end && *q == '[') {
		q++;
		e = q;
		while (e < end && *e > ' ' && *e < 127 && *e != '=' &&
		    *e != ']' && *e != '"')
			e++;
		if (e == q) {
			*what = "expected an SD-ID";
			return q;
		}
		if (b->len > 1)
			core_buf_addc(b, ',');
		json_str(b, q, (size_t)(e - q));
		core_buf_add(b, ":{", 2);
		q = e;
		s = NULL;
		while (q < end && *q == ' ') {
			q++;
			e = q;
			while (e < end && *e > ' ' && *e < 127 && *e != '=' &&
			    *e != ']' && *e != '"')
				e++;
			if (e == q || e + 1 >= end || e[0] != '=' ||
			    e[1] != '"') {
				*what = "expected PARAM=\"VALUE\"";
				return e < end && *e == '=' ? e + 1 : e;
			}
			if (s != NULL)
				core_buf_addc(b, ',');
			s = q;
			json_str(b, q, (size_t)(e - q));
			core_buf_addc(b, ':');
			/* The value: \" \\ \] are escapes; others kept. */
			q = e + 2;
			d = o = core_arena_alloc(&c->base.arena,
			    (size_t)(end - q) + 1);
			e = q;
			while (e < end && *e != '"') {
				if (*e == '\\' && e + 1 < end && (e[1] == '"' ||
				    e[1] == '\\' || e[1] == ']'))
					e++;
				*d++ = *e++;
			}
			if (e == end) {
				*what = "unterminated PARAM-VALUE";
				return e;
			}
			json_str(b, o, (size_t)(d - o));
			q = e + 1;
		}
		if (q >= end || *q != ']') {
			*what = "expected ']'";
			return q;
		}
		core_buf_addc(b, '}');
		q++;
	}
	core_buf_addc(b, '}');
	return q;
}

static void
set_pri(struct core_value *v, int pri)
{
	if (pri < 0) {
		v[S_PRI] = v[S_FACILITY] = v[S_SEVERITY] = core_v_null();
		return;
	}
	v[S_PRI] = core_v_int(pri);
	v[S_FACILITY] = core_v_str(facilities[pri >> 3],
	    strlen(facilities[pri >> 3]));
	v[S_SEVERITY] = core_v_str(severities[pri & 7],
	    strlen(severities[pri & 7]));
}

/* An RFC 3164 stamp "Mmm dd hh:mm:ss[.frac]" at q: its end, or NULL. */
static const char *
stamp3164(const char *q, const char *end)
{
	const char *e;

	if (end - q < 15 || q[3] != ' ')
		return NULL;
	e = q + 4;
	if (*e == ' ')
		e++;
	while (e < end && is_digit(*e))
		e++;
	if (e >= end || *e != ' ')
		return NULL;
	e = memchr(e + 1, ' ', (size_t)(end - e - 1));
	return e ? e : end;
}

static enum core_ev
rfc5424(struct dec_syslog *c, struct core_event *ev, const char *p,
    size_t len, uint64_t line, int64_t off, const char *q, const char *end)
{
	struct core_value *v = c->v;
	const char *e, *what = NULL;
	int64_t ns;
	int ver = 0, i;

	for (e = q; e < end && is_digit(*e) && e - q < 3; e++)
		ver = ver * 10 + (*e - '0');
	if (ver == 0 || *q == '0')
		return bad(c, ev, p, len, line, off, q, "bad version");
	v[S_VERSION] = core_v_int(ver);
	q = e + 1;
	e = print_token(q, end);
	if (e == q)
		return bad(c, ev, p, len, line, off, q, "expected a timestamp");
	if (e - q == 1 && *q == '-')
		v[S_TIME] = core_v_null();
	else if (core_time_parse(&c->t3339, q, (size_t)(e - q), &ns) < 0)
		return bad(c, ev, p, len, line, off, q, "bad timestamp");
	else
		v[S_TIME] = core_v_time(ns);
	/* HOSTNAME APP-NAME PROCID MSGID */
	for (i = S_HOST; i <= S_MSGID; i++) {
		static const char *const want[] = { "expected a host name",
			"expected an app name", "expected a process id",
			"expected a message id" };

		if (e >= end || *e != ' ' || e + 1 >= end || e[1] == ' ')
			return bad(c, ev, p, len, line, off, e < end ? e + 1 :
			    e, want[i - S_HOST]);
		q = e + 1;
		e = print_token(q, end);
		if (e == q)
			return bad(c, ev, p, len, line, off, q,
			    want[i - S_HOST]);
		v[i] = nil_or_str(q, (size_t)(e - q));
	}
	if (e >= end || *e != ' ' || e + 1 >= end)
		return bad(c, ev, p, len, line, off, e,
		    "expected structured data");
	q = e + 1;
	if (*q == '-') {
		v[S_SD] = core_v_null();
		q++;
	} else if (*q == '[') {
		e = structured(c, q, end, &what);
		if (what)
			return bad(c, ev, p, len, line, off, e, what);
		v[S_SD] = core_v_json(c->js.p, c->js.len);
		q = e;
	} else {
		return bad(c, ev, p, len, line, off, q,
		    "expected structured data");
	}
	if (q < end && *q != ' ')
		return bad(c, ev, p, len, line, off, q,
		    "expected a space before the message");
	if (q < end)
		q++;
	if (end - q >= 3 && memcmp(q, "\xef\xbb\xbf", 3) == 0)
		q += 3;
	v[S_MSG] = q < end ? core_v_str(q, (size_t)(end - q)) : core_v_null();
	return CORE_EV_REC;
}

static void
rfc3164(struct dec_syslog *c, const char *q, const char *end)
{
	struct core_value *v = c->v;
	const char *e, *t, *b;
	int64_t ns;

	v[S_VERSION] = v[S_HOST] = v[S_APP] = v[S_PROCID] = v[S_MSGID] =
	    v[S_SD] = v[S_TIME] = core_v_null();
	e = stamp3164(q, end);
	if (e && core_time_parse(&c->t3164, q, (size_t)(e - q), &ns) == 0) {
		v[S_TIME] = core_v_time(ns);
	} else {
		e = print_token(q, end);
		if (e > q && is_digit(*q) &&
		    core_time_parse(&c->t3339, q, (size_t)(e - q), &ns) == 0)
			v[S_TIME] = core_v_time(ns);
		else
			e = NULL;
	}
	if (e) {
		/* Past the stamp: the host, unless this is already the tag. */
		q = e < end ? e + 1 : e;
		e = print_token(q, end);
		if (e > q && e < end && e[-1] != ':' &&
		    memchr(q, '[', (size_t)(e - q)) == NULL) {
			v[S_HOST] = core_v_str(q, (size_t)(e - q));
			q = e + 1;
		}
		/* TAG[PID]: */
		for (t = q; t < end && *t > ' ' && *t != ':' && *t != '['; t++)
			;
		if (t > q && t < end && *t == '[' &&
		    (b = memchr(t, ']', (size_t)(end - t))) != NULL &&
		    b + 1 < end && b[1] == ':') {
			v[S_APP] = core_v_str(q, (size_t)(t - q));
			v[S_PROCID] = core_v_str(t + 1, (size_t)(b - t - 1));
			q = b + 2;
		} else if (t > q && t < end && *t == ':') {
			v[S_APP] = core_v_str(q, (size_t)(t - q));
			q = t + 1;
		}
		if (q < end && *q == ' ')
			q++;
	}
	v[S_MSG] = q < end ? core_v_str(q, (size_t)(end - q)) : core_v_null();
}

static enum core_ev
syslog_line(struct dec_syslog *c, struct core_event *ev, const char *p,
    size_t len, uint64_t line, int64_t off, const char *end)
{
	const char *q = p, *e;
	int pri = -1;

	/* RFC 6587 octet counting: "57 <34>..." */
	for (e = q; e < end && is_digit(*e); e++)
		;
	if (e > q && e - q < 10 && end - e >= 2 && e[0] == ' ' && e[1] == '<')
		q = e + 1;
	if (q < end && *q == '<') {
		for (e = q + 1, pri = 0; e < end && is_digit(*e) && e - q <= 3;
		    e++)
			pri = pri * 10 + (*e - '0');
		if (e == q + 1 || e >= end || *e != '>' || pri > 191 ||
		    (e - q > 2 && q[1] == '0'))
			return bad(c, ev, p, len, line, off, q + 1,
			    "bad PRI (expected <0> to <191>)");
		q = e + 1;
	}
	set_pri(c->v, pri);
	if (pri >= 0 && q < end && is_digit(*q) && q[0] != '0') {
		for (e = q; e < end && is_digit(*e); e++)
			;
		if (e < end && *e == ' ')
			return rfc5424(c, ev, p, len, line, off, q, end);
	}
	rfc3164(c, q, end);
	return CORE_EV_REC;
}

/* DogStatsD tags "a:1,b,a:2" into c->js as {"a":"2","b":null}: a tag
 * that repeats keeps its first place and its last value. */
static int
tags(struct dec_syslog *c, const char *t, const char *e)
{
	struct { const char *k, *v; size_t klen, vlen; } tag[256];
	struct core_buf *b = &c->js;
	const char *te, *k;
	size_t n = 0, i;

	for (; t < e; t = te + 1) {
		for (te = t; te < e && *te != ','; te++)
			;
		if (te == t)
			continue;
		k = memchr(t, ':', (size_t)(te - t));
		for (i = 0; i < n; i++)
			if (tag[i].klen == (size_t)((k ? k : te) - t) &&
			    memcmp(tag[i].k, t, tag[i].klen) == 0)
				break;
		if (i == n) {
			if (n == 256)
				return -1;
			tag[n].k = t;
			tag[n++].klen = (size_t)((k ? k : te) - t);
		}
		tag[i].v = k ? k + 1 : NULL;
		tag[i].vlen = k ? (size_t)(te - k - 1) : 0;
	}
	core_buf_reset(b);
	core_buf_addc(b, '{');
	for (i = 0; i < n; i++) {
		if (i)
			core_buf_addc(b, ',');
		json_str(b, tag[i].k, tag[i].klen);
		core_buf_addc(b, ':');
		if (tag[i].v)
			json_str(b, tag[i].v, tag[i].vlen);
		else
			core_buf_add(b, "null", 4);
	}
	core_buf_addc(b, '}');
	return 0;
}

static enum core_ev
statsd_line(struct dec_syslog *c, struct core_event *ev, const char *p,
    size_t len, uint64_t line, int64_t off, const char *end)
{
	struct core_value *v = c->v;
	struct core_buf *b = &c->js;
	const char *q = p, *e, *s, *x = NULL;
	struct core_value num;
	size_t n;
	int sign;

	e = memchr(q, ':', (size_t)(end - q));
	if (e == NULL || e == q)
		return bad(c, ev, p, len, line, off, e ? e : end,
		    "expected name:value|type");
	v[D_NAME] = core_v_str(q, (size_t)(e - q));
	q = e + 1;
	e = memchr(q, '|', (size_t)(end - q));
	if (e == NULL)
		return bad(c, ev, p, len, line, off, end, "expected '|type'");
	s = q;                               /* the value, read below */
	n = (size_t)(e - q);
	q = e + 1;
	for (e = q; e < end && *e != '|'; e++)
		;
	if (e == q || !((e - q == 1 && strchr("cgshd", *q)) ||
	    (e - q == 2 && memcmp(q, "ms", 2) == 0)))
		return bad(c, ev, p, len, line, off, q,
		    "expected a type (c, g, ms, h, s, d)");
	v[D_TYPE] = core_v_str(q, (size_t)(e - q));
	sign = n > 0 && (s[0] == '+' || s[0] == '-');
	if (*q == 's') {
		v[D_VALUE] = core_v_str(s, n);
	} else if (n > 1 && s[0] == '+' && s[1] != '-' &&
	    core_number_scan(s + 1, n - 1, &num)) {
		v[D_VALUE] = num;
	} else if (n > 0 && s[0] != '+' && core_number_scan(s, n, &num)) {
		v[D_VALUE] = num;
	} else {
		return bad(c, ev, p, len, line, off, s, "value is not a number");
	}
	v[D_DELTA] = core_v_bool(*q == 'g' && sign);
	v[D_RATE] = v[D_TAGS] = v[D_EXTRA] = core_v_null();
	q = e;
	while (q < end) {
		q++;                             /* past '|' */
		for (e = q; e < end && *e != '|'; e++)
			;
		if (q < e && *q == '@') {
			if (!core_number_scan(q + 1, (size_t)(e - q - 1), &num))
				return bad(c, ev, p, len, line, off, q + 1,
				    "bad sample rate");
			v[D_RATE] = num;
		} else if (q < e && *q == '#') {
			if (tags(c, q + 1, e) < 0)
				return bad(c, ev, p, len, line, off, q + 1,
				    "more than 256 tags");
			v[D_TAGS] = core_v_json(b->p, b->len);
		} else if (x == NULL) {
			x = q;                   /* from here on, as written */
		}
		q = e;
	}
	if (x)
		v[D_EXTRA] = core_v_str(x, (size_t)(end - x));
	return CORE_EV_REC;
}

static enum core_ev
syslog_next(struct core_dec *d, struct core_event *ev)
{
	struct dec_syslog *c = (struct dec_syslog *)d;
	const char *p, *end;
	size_t len;
	uint64_t line;
	int64_t off;
	enum core_ev k;
	int r;

	core_arena_reset(&d->arena);
next_line:
	r = core_input_line(d->in, &p, &len, &line, &off);
	if (r == 0)
		return ev->kind = d->in->eof ? CORE_EV_EOF : CORE_EV_NONE;
	if (r == 2)
		return core_dec_bad(d, ev, p, len, line, 0, off,
		    "line longer than %zu bytes", d->in->max_rec);
	end = p + len;
	while (end > p && (end[-1] == '\r' || end[-1] == '\0'))
		end--;
	if (end == p)
		goto next_line;
	k = c->statsd ? statsd_line(c, ev, p, len, line, off, end) :
	    syslog_line(c, ev, p, len, line, off, end);
	if (k != CORE_EV_REC)
		return k;
	ev->rec.schema = c->schema;
	ev->rec.v = c->v;
	return core_dec_text_rec(ev, line, off);
}

static void
syslog_free(struct core_dec *d)
{
	struct dec_syslog *c = (struct dec_syslog *)d;

	core_timefmt_release(&c->t3164);
	core_timefmt_release(&c->t3339);
	core_buf_release(&c->js);
	core_dec_base_release(d);
	free(c);
}

static const struct core_dec_vtab syslog_vt = { "syslog", syslog_next,
	syslog_free };
static const struct core_dec_vtab statsd_vt = { "statsd", syslog_next,
	syslog_free };

struct core_dec *
core_dec_syslog_new(struct core_input *in, const struct core_decopts *o,
    int statsd)
{
	struct dec_syslog *c = core_xcalloc(1, sizeof(*c));
	const struct core_sym *sym[S_MAX];
	const char *const *names = statsd ? statsd_names : syslog_names;
	int i, n = statsd ? D_MAX : S_MAX;

	core_dec_base_init(&c->base, statsd ? &statsd_vt : &syslog_vt, in, o);
	c->statsd = statsd;
	core_timefmt_init(&c->t3164, "syslog");
	core_timefmt_init(&c->t3339, "rfc3339");
	core_buf_init(&c->js);
	for (i = 0; i < n; i++)
		sym[i] = core_sym_str(names[i]);
	c->schema = core_schema_intern(sym, (uint32_t)n);
	return &c->base;
}
