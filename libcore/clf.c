/* SPDX-License-Identifier: MIT */
/* Apache/nginx access logs: the "common" and "combined" formats. */
#include <stdlib.h>
#include <string.h>

#include "libcore/dec.h"
#include "libcore/json.h"
#include "libcore/timefmt.h"
#include "libcore/xalloc.h"

/*
 *	common:   host ident user [10/Oct/2000:13:55:36 -0700] "req" status bytes
 *	combined: common "referer" "agent"
 *
 * Fields, in order: host, ident, user, time, request, method, path,
 * protocol, status, bytes, and for combined referer and agent.
 *
 * - ident, user, referer and agent written as "-" are null.
 * - time is a timestamp (CLF stamp, the zone applied).
 * - request is kept as logged; method, path and protocol are its three
 *   space-separated parts, or null when it does not have exactly three
 *   (a request of "-" or garbage is still real traffic, so the line is a
 *   record).
 * - status is an int of three digits; bytes an int, "-" meaning 0 (Apache
 *   logs "-" when no body was sent).
 * - Quoted strings use backslash escapes: \" and \\ are decoded; others
 *   (nginx's \xHH) are kept as they are.
 * - Anything after the last field: when every space-separated token is
 *   key=value (values bare or double-quoted), the pairs become fields,
 *   values inferred as in logfmt unless no_infer (a key equal to a field
 *   name above replaces its value, as a repeated JSON key does); otherwise
 *   the rest of the line is the string field "extra".
 *
 * A line that does not match is bad: "not a combined log line: expected
 * '[' at column 17".  Blank lines are skipped.  The scanner is hand
 * written (memchr and byte tests, no regex): it runs at millions of lines
 * per second, and the time of the previous line is reused when the stamp
 * repeats, as it does within a second.
 */

enum { F_HOST, F_IDENT, F_USER, F_TIME, F_REQUEST, F_METHOD, F_PATH,
	F_PROTOCOL, F_STATUS, F_BYTES, F_REFERER, F_AGENT, F_MAX };

static const char *const field_names[F_MAX] = {
	"host", "ident", "user", "time", "request", "method", "path",
	"protocol", "status", "bytes", "referer", "agent"
};

struct kv {
	const char *k;
	size_t klen;
	struct core_value v;
};

struct dec_clf {
	struct core_dec base;
	int combined;
	int nf;
	struct core_timefmt tf;
	const struct core_sym *sym[F_MAX];
	const struct core_sym *extra;
	const struct core_schema *schema;
	struct core_value v[F_MAX];
	/* The last stamp and its time. */
	char tlast[64];
	size_t tlen;
	int64_t tns;
	struct kv *kv;
	size_t nkv, kvcap;
};

/*
 * Scans a quoted string whose opening quote is at q: returns the end (past
 * the closing quote) and sets *s, *len (a slice when there is no backslash,
 * else decoded into a), or NULL when there is no closing quote.
 */
static const char *
qstring(const char *q, const char *end, const char **s, size_t *len,
    struct core_arena *a)
{
	const char *b = q + 1, *c, *i;
	char *d, *o;

	c = memchr(b, '"', (size_t)(end - b));
	if (c == NULL)
		return NULL;
	if (memchr(b, '\\', (size_t)(c - b)) == NULL) {
		*s = b;
		*len = (size_t)(c - b);
		return c + 1;
	}
	for (i = b; i < end && *i != '"'; i++)
		if (*i == '\\' && i + 1 < end)
			i++;
	if (i >= end)
		return NULL;
	d = o = core_arena_alloc(a, (size_t)(i - b) + 1);
	while (b < i) {
		if (b[0] == '\\' && (b[1] == '"' || b[1] == '\\')) {
			*o++ = b[1];
			b += 2;
		} else if (b[0] == '\\') {
			*o++ = *b++;
			*o++ = *b++;
		} else {
			*o++ = *b++;
		}
	}
	*s = d;
	*len = (size_t)(o - d);
	return i + 1;
}


/* A space-free token up to the next space (or end); NULL when empty. */
static const char *
token(const char *q, const char *end)
{
	const char *e = memchr(q, ' ', (size_t)(end - q));

	if (e == NULL)
		e = end;
	return e == q ? NULL : e;
}

static struct core_value
str_or_null(const char *s, size_t len)
{
	if (len == 1 && s[0] == '-')
		return core_v_null();
	return core_v_str(s, len);
}

/* Splits "GET /a HTTP/1.1" into v[F_METHOD..F_PROTOCOL], or nulls. */
static void
split_request(struct core_value *v, const char *s, size_t len)
{
	const char *end = s + len, *a, *b;

	v[F_METHOD] = v[F_PATH] = v[F_PROTOCOL] = core_v_null();
	a = memchr(s, ' ', len);
	if (a == NULL || a == s)
		return;
	b = memchr(a + 1, ' ', (size_t)(end - a - 1));
	if (b == NULL || b == a + 1 || b + 1 == end ||
	    memchr(b + 1, ' ', (size_t)(end - b - 1)))
		return;
	v[F_METHOD] = core_v_str(s, (size_t)(a - s));
	v[F_PATH] = core_v_str(a + 1, (size_t)(b - a - 1));
	v[F_PROTOCOL] = core_v_str(b + 1, (size_t)(end - b - 1));
}

/*
 * Reads the rest of the line as key=value pairs into c->kv.  Returns 0,
 * or -1 when some token is not a pair.
 */
static int
pairs(struct dec_clf *c, const char *q, const char *end)
{
	const char *k, *s;
	size_t slen;
	struct kv *kv;

	c->nkv = 0;
	while (q < end) {
		k = q;
		while (q < end && *q != ' ' && *q != '=' && *q != '"')
			q++;
		if (q == k || q == end || *q != '=')
			return -1;
		if (c->nkv == c->kvcap)
			c->kv = core_xgrow(c->kv, &c->kvcap, c->nkv + 1,
			    sizeof(*c->kv));
		kv = &c->kv[c->nkv++];
		kv->k = k;
		kv->klen = (size_t)(q - k);
		q++;
		if (q < end && *q == '"') {
			q = qstring(q, end, &s, &slen, &c->base.arena);
			if (q == NULL || (q < end && *q != ' '))
				return -1;
			kv->v = core_v_str(s, slen);
		} else {
			s = q;
			while (q < end && *q != ' ')
				q++;
			slen = (size_t)(q - s);
			if (c->base.opts.no_infer)
				kv->v = core_v_str(s, slen);
			else if (slen == 0)
				kv->v = core_v_null();
			else
				kv->v = core_value_infer(s, slen);
		}
		while (q < end && *q == ' ')
			q++;
	}
	return 0;
}

/* Where a field that follows a space at q was expected. */
static const char *
past_space(const char *q, const char *end)
{
	return q < end && *q == ' ' ? q + 1 : q;
}

/* A bad line: matching failed at at. */
static enum core_ev
not_clf(struct dec_clf *c, struct core_event *ev, const char *p, size_t len,
    uint64_t line, int64_t off, const char *at, const char *what)
{
	size_t col = (size_t)(at - p) + 1;

	return core_dec_bad(&c->base, ev, p, len, line, col, off,
	    "not a %s log line: %s at column %zu",
	    c->combined ? "combined" : "common", what, col);
}

static enum core_ev
clf_next(struct core_dec *d, struct core_event *ev)
{
	struct dec_clf *c = (struct dec_clf *)d;
	struct core_value *v = c->v;
	const char *p, *q, *e, *end, *s;
	size_t len, slen, i;
	uint64_t line;
	int64_t off, n;
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
	if (end > p && end[-1] == '\r')
		end--;
	if (end == p)
		goto next_line;
	q = p;
	/* host ident user */
	if ((e = token(q, end)) == NULL)
		return not_clf(c, ev, p, len, line, off, q, "expected a host");
	if (e == end)
		return not_clf(c, ev, p, len, line, off, e,
		    "expected an ident");
	v[F_HOST] = core_v_str(q, (size_t)(e - q));
	q = e + 1;
	if ((e = token(q, end)) == NULL)
		return not_clf(c, ev, p, len, line, off, q,
		    "expected an ident");
	if (e == end)
		return not_clf(c, ev, p, len, line, off, e, "expected a user");
	v[F_IDENT] = str_or_null(q, (size_t)(e - q));
	q = e + 1;
	if ((e = token(q, end)) == NULL)
		return not_clf(c, ev, p, len, line, off, q, "expected a user");
	if (e == end)
		return not_clf(c, ev, p, len, line, off, e, "expected '['");
	v[F_USER] = str_or_null(q, (size_t)(e - q));
	q = e + 1;
	/* [time] */
	if (q == end || *q != '[')
		return not_clf(c, ev, p, len, line, off, q, "expected '['");
	e = memchr(q, ']', (size_t)(end - q));
	if (e == NULL)
		return not_clf(c, ev, p, len, line, off, q, "expected ']'");
	slen = (size_t)(e - q - 1);
	if (slen != c->tlen || memcmp(q + 1, c->tlast, slen) != 0) {
		if (slen >= sizeof(c->tlast) ||
		    core_time_parse(&c->tf, q + 1, slen, &c->tns) < 0) {
			c->tlen = 0;
			return not_clf(c, ev, p, len, line, off, q + 1,
			    "bad time");
		}
		memcpy(c->tlast, q + 1, slen);
		c->tlen = slen;
	}
	v[F_TIME] = core_v_time(c->tns);
	q = e + 1;
	/* "request" */
	if (end - q < 2 || q[0] != ' ' || q[1] != '"')
		return not_clf(c, ev, p, len, line, off, past_space(q, end),
		    "expected a quoted request");
	q = qstring(q + 1, end, &s, &slen, &d->arena);
	if (q == NULL)
		return not_clf(c, ev, p, len, line, off, end,
		    "unterminated request");
	v[F_REQUEST] = core_v_str(s, slen);
	split_request(v, s, slen);
	/* status */
	if (end - q < 4 || q[0] != ' ' || (unsigned)(q[1] - '0') > 9 ||
	    (unsigned)(q[2] - '0') > 9 || (unsigned)(q[3] - '0') > 9)
		return not_clf(c, ev, p, len, line, off, past_space(q, end),
		    "expected a 3-digit status");
	v[F_STATUS] = core_v_int((q[1] - '0') * 100 + (q[2] - '0') * 10 +
	    (q[3] - '0'));
	q += 4;
	/* bytes */
	if (q == end || *q != ' ')
		return not_clf(c, ev, p, len, line, off, q,
		    "expected a space after the status");
	q++;
	if (q < end && *q == '-') {
		n = 0;
		q++;
	} else {
		for (n = 0, i = 0; q < end && (unsigned)(*q - '0') <= 9;
		    q++, i++) {
			if (i == 18)
				return not_clf(c, ev, p, len, line, off, q,
				    "byte count too large");
			n = n * 10 + (*q - '0');
		}
		if (i == 0)
			return not_clf(c, ev, p, len, line, off, q,
			    "expected a byte count");
	}
	if (q < end && *q != ' ')
		return not_clf(c, ev, p, len, line, off, q,
		    "expected a space after the byte count");
	v[F_BYTES] = core_v_int(n);
	if (c->combined) {
		if (end - q < 2 || q[0] != ' ' || q[1] != '"')
			return not_clf(c, ev, p, len, line, off,
			    past_space(q, end), "expected a quoted referer");
		q = qstring(q + 1, end, &s, &slen, &d->arena);
		if (q == NULL)
			return not_clf(c, ev, p, len, line, off, end,
			    "unterminated referer");
		v[F_REFERER] = str_or_null(s, slen);
		if (end - q < 2 || q[0] != ' ' || q[1] != '"')
			return not_clf(c, ev, p, len, line, off,
			    past_space(q, end), "expected a quoted user agent");
		q = qstring(q + 1, end, &s, &slen, &d->arena);
		if (q == NULL)
			return not_clf(c, ev, p, len, line, off, end,
			    "unterminated user agent");
		v[F_AGENT] = str_or_null(s, slen);
		if (q < end && *q != ' ')
			return not_clf(c, ev, p, len, line, off, q,
			    "expected a space after the user agent");
	}
	while (q < end && *q == ' ')
		q++;
	if (q == end) {
		ev->rec.schema = c->schema;
		ev->rec.v = v;
	} else {
		/* Extras: pairs, or the rest as one string. */
		struct core_recb *rb = &d->rb;
		const struct core_sym *sym;

		core_recb_reset(rb);
		for (i = 0; i < (size_t)c->nf; i++)
			core_recb_add(rb, c->sym[i], v[i]);
		if (pairs(c, q, end) == 0) {
			for (i = 0; i < c->nkv; i++) {
				sym = core_dec_name(&d->arena, c->kv[i].k,
				    c->kv[i].klen);
				if (sym == NULL)
					return core_dec_bad(d, ev, p, len, line,
					    0, off, "too many distinct field "
					    "names");
				if (core_recb_add(rb, sym, c->kv[i].v) < 0)
					return core_dec_bad(d, ev, p, len, line,
					    0, off, "more than %d fields",
					    CORE_MAX_FIELDS);
			}
		} else {
			core_recb_add(rb, c->extra,
			    core_v_str(q, (size_t)(end - q)));
		}
		if (core_recb_finish(rb, &ev->rec, 0) < 0)
			return core_dec_bad(d, ev, p, len, line, 0, off,
			    "too many distinct field sets");
	}
	return core_dec_text_rec(ev, line, off);
}

static void
clf_free(struct core_dec *d)
{
	struct dec_clf *c = (struct dec_clf *)d;

	core_timefmt_release(&c->tf);
	free(c->kv);
	core_dec_base_release(d);
	free(c);
}

static const struct core_dec_vtab combined_vt = { "combined", clf_next,
	clf_free };
static const struct core_dec_vtab common_vt = { "common", clf_next,
	clf_free };

struct core_dec *
core_dec_clf_new(struct core_input *in, const struct core_decopts *o,
    int combined)
{
	struct dec_clf *c = core_xcalloc(1, sizeof(*c));
	int i;

	core_dec_base_init(&c->base, combined ? &combined_vt : &common_vt, in,
	    o);
	c->combined = combined;
	c->nf = combined ? F_MAX : F_REFERER;
	core_timefmt_init(&c->tf, "clf");
	for (i = 0; i < F_MAX; i++)
		c->sym[i] = core_sym_str(field_names[i]);
	c->extra = core_sym_str("extra");
	c->schema = core_schema_intern(c->sym, (uint32_t)c->nf);
	return &c->base;
}
