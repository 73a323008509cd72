/* SPDX-License-Identifier: MIT */
/* logfmt: key=value pairs, one record per line, read and written. */
#include <stdlib.h>
#include <string.h>

#include "libcore/buf.h"
#include "libcore/dec.h"
#include "libcore/fmt.h"
#include "libcore/json.h"
#include "libcore/writer.h"
#include "libcore/xalloc.h"

/*
 * A line is pairs separated by spaces or tabs:
 *
 *	key=value key2="quoted \"value\"" flag empty=
 *
 * A key is a run of bytes other than space, tab, '=' and '"'.  A value is
 * either a run of bytes up to the next space or tab, taken as it is (a
 * backslash there is just a backslash), or a double-quoted string with the
 * escapes \" \\ \n \t \r (a backslash before anything else stays as it
 * is).  A bare key means true and "key=" with nothing after it null;
 * other unquoted values are inferred (core_value_infer).  With no_infer
 * every value is a string ("true", "", the text).  Quoted values are
 * always strings.  A repeated key keeps its first place and its last
 * value.  Blank lines are skipped.  Key bytes that are not UTF-8 become
 * U+FFFD (names travel in frames as UTF-8).
 */

#define BOM "\xef\xbb\xbf"

/* ---- reader ------------------------------------------------------------- */

static int
is_ws(char c)
{
	return c == ' ' || c == '\t';
}


static enum core_ev
lf_bad(struct core_dec *d, struct core_event *ev, const char *p, size_t len,
    uint64_t line, int64_t off, const char *at, const char *what)
{
	size_t col = (size_t)(at - p) + 1;

	return core_dec_bad(d, ev, p, len, line, col, off,
	    "bad logfmt at column %zu: %s", col, what);
}

/*
 * Scans a quoted value whose opening quote is at q.  Returns the end of the
 * value (past the closing quote) and sets *s, *len to the decoded bytes (a
 * slice of the input without escapes, else a copy in a); NULL when the
 * quote is not closed on the line.
 */
static const char *
quoted(const char *q, const char *end, const char **s, size_t *len,
    struct core_arena *a)
{
	const char *b = q + 1, *i;
	char *d, *o;

	for (i = b; i < end && *i != '"'; i++)
		if (*i == '\\')
			break;
	if (i < end && *i == '"') {
		*s = b;
		*len = (size_t)(i - b);
		return i + 1;
	}
	/* Escapes: find the end first, then decode. */
	for (; i < end && *i != '"'; i++)
		if (*i == '\\' && i + 1 < end)
			i++;
	if (i >= end)
		return NULL;
	d = o = core_arena_alloc(a, (size_t)(i - b) + 1);
	while (b < i) {
		if (*b != '\\') {
			*o++ = *b++;
			continue;
		}
		switch (b[1]) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case 'n': *o++ = '\n'; break;
		case 't': *o++ = '\t'; break;
		case 'r': *o++ = '\r'; break;
		default:
			*o++ = b[0];
			*o++ = b[1];
			break;
		}
		b += 2;
	}
	*s = d;
	*len = (size_t)(o - d);
	return i + 1;
}

static enum core_ev
logfmt_next(struct core_dec *d, struct core_event *ev)
{
	struct core_recb *rb = &d->rb;
	const struct core_schema *last;
	const struct core_sym *sym;
	const char *p, *q, *end, *k, *s;
	struct core_value v;
	size_t len, klen, slen, i;
	uint64_t line;
	int64_t off;
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
	q = p;
	if (off == 0 && end - q >= 3 && memcmp(q, BOM, 3) == 0)
		q += 3;
	while (q < end && is_ws(*q))
		q++;
	if (q == end)
		goto next_line;
	core_recb_reset(rb);
	last = rb->last;
	for (i = 0; q < end; i++) {
		k = q;
		while (q < end && !is_ws(*q) && *q != '=' && *q != '"')
			q++;
		klen = (size_t)(q - k);
		if (q < end && *q == '"')
			return lf_bad(d, ev, p, len, line, off, q,
			    "unexpected '\"' in a key");
		if (klen == 0)
			return lf_bad(d, ev, p, len, line, off, q,
			    "'=' without a key");
		if (q == end || is_ws(*q)) {
			v = d->opts.no_infer ? core_v_str("true", 4) :
			    core_v_bool(1);
		} else if (++q < end && *q == '"') {
			const char *open = q;

			q = quoted(q, end, &s, &slen, &d->arena);
			if (q == NULL)
				return lf_bad(d, ev, p, len, line, off, open,
				    "unterminated quoted value");
			if (q < end && !is_ws(*q))
				return lf_bad(d, ev, p, len, line, off, q,
				    "expected a space after the quoted value");
			v = core_v_str(s, slen);
		} else {
			s = q;
			while (q < end && !is_ws(*q))
				q++;
			slen = (size_t)(q - s);
			if (d->opts.no_infer)
				v = core_v_str(s, slen);
			else if (slen == 0)
				v = core_v_null();
			else
				v = core_value_infer(s, slen);
		}
		/* The keys usually repeat the last record's, in order. */
		if (last && i < last->n && last->f[i]->len == klen &&
		    memcmp(last->f[i]->name, k, klen) == 0)
			sym = last->f[i];
		else if ((sym = core_dec_name(&d->arena, k, klen)) == NULL)
			return core_dec_bad(d, ev, p, len, line, 0, off,
			    "too many distinct field names");
		if (core_recb_add(rb, sym, v) < 0)
			return core_dec_bad(d, ev, p, len, line, 0, off,
			    "more than %d fields", CORE_MAX_FIELDS);
		while (q < end && is_ws(*q))
			q++;
	}
	if (core_recb_finish(rb, &ev->rec, 0) < 0)
		return core_dec_bad(d, ev, p, len, line, 0, off,
		    "too many distinct field sets");
	ev->kind = CORE_EV_REC;
	ev->line = line;
	ev->off = (uint64_t)off;
	return CORE_EV_REC;
}

static void
logfmt_free(struct core_dec *d)
{
	core_dec_base_release(d);
	free(d);
}

static const struct core_dec_vtab logfmt_vt = { "logfmt", logfmt_next,
	logfmt_free };

struct core_dec *
core_dec_logfmt_new(struct core_input *in, const struct core_decopts *o)
{
	struct core_dec *d = core_xcalloc(1, sizeof(*d));

	core_dec_base_init(d, &logfmt_vt, in, o);
	return d;
}

/* ---- writer ------------------------------------------------------------- */

/*
 * key=value separated by one space.  Null is "key=", bools "key=true" and
 * "key=false".  A string is quoted, with the escapes the reader knows,
 * when it is empty or holds a space, '=', '"' or a control character;
 * otherwise it is written bare.  logfmt has no types, so a string that
 * looks like a number or a bool ("42", "true") is written bare and reads
 * back as that type: the format cannot keep them apart.  A key cannot be
 * quoted, so bytes a key may not hold (space, '=', '"', control
 * characters) are written as '_', and an empty key as "_".
 */

/* The keys of a schema rendered once: "a=" then " b=" ... */
struct lf_keys {
	uint32_t n;
	uint32_t *off;    /* n + 1 offsets into text */
	char *text;
};

static int
key_byte_ok(unsigned char c)
{
	return c > 0x20 && c != 0x7f && c != '=' && c != '"';
}

static struct lf_keys *
lf_keys_of(const struct core_schema *s)
{
	struct lf_keys *k = s->cache[CORE_SCACHE_LOGFMT];
	size_t i, j, len = 0;
	char *d;

	if (k)
		return k;
	for (i = 0; i < s->n; i++)
		len += (size_t)s->f[i]->len + 3;
	k = core_xmalloc(sizeof(*k));
	k->n = s->n;
	k->off = core_xmalloc((s->n + 1) * sizeof(*k->off));
	k->text = core_xmalloc(len + 1);
	d = k->text;
	for (i = 0; i < s->n; i++) {
		const struct core_sym *f = s->f[i];

		k->off[i] = (uint32_t)(d - k->text);
		if (i)
			*d++ = ' ';
		if (f->len == 0)
			*d++ = '_';
		for (j = 0; j < f->len; j++)
			*d++ = key_byte_ok((unsigned char)f->name[j]) ?
			    f->name[j] : '_';
		*d++ = '=';
	}
	k->off[s->n] = (uint32_t)(d - k->text);
	((struct core_schema *)s)->cache[CORE_SCACHE_LOGFMT] = k;
	return k;
}

struct wr_logfmt {
	struct core_writer base;
	struct core_buf tmp;
};

static int
needs_quotes(const char *s, size_t len)
{
	size_t i;

	if (len == 0)
		return 1;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= 0x20 || c == 0x7f || c == '=' || c == '"')
			return 1;
	}
	return 0;
}

/* Writes s bare or quoted; needs 2 * len + 2 bytes. */
static char *
lf_put(char *d, const char *s, size_t len)
{
	const char *end = s + len;

	if (!needs_quotes(s, len)) {
		memcpy(d, s, len);
		return d + len;
	}
	*d++ = '"';
	for (; s < end; s++) {
		switch (*s) {
		case '"': *d++ = '\\'; *d++ = '"'; break;
		case '\\': *d++ = '\\'; *d++ = '\\'; break;
		case '\n': *d++ = '\\'; *d++ = 'n'; break;
		case '\t': *d++ = '\\'; *d++ = 't'; break;
		case '\r': *d++ = '\\'; *d++ = 'r'; break;
		default: *d++ = *s; break;
		}
	}
	*d++ = '"';
	return d;
}

static void
logfmt_rec(struct core_writer *wr, const struct core_rec *r)
{
	struct wr_logfmt *w = (struct wr_logfmt *)wr;
	struct lf_keys *k = lf_keys_of(r->schema);
	size_t max = k->off[k->n] + 1, i;
	char *d;

	for (i = 0; i < k->n; i++) {
		const struct core_value *v = &r->v[i];

		if (v->type == CORE_STR || v->type == CORE_JSON)
			max += 2 * (size_t)v->len + 2;
		else
			max += core_fmt_json_value_max(v);
	}
	d = core_out_reserve(w->base.out, max);
	for (i = 0; i < k->n; i++) {
		const struct core_value *v = &r->v[i];
		size_t kl = k->off[i + 1] - k->off[i];

		memcpy(d, k->text + k->off[i], kl);
		d += kl;
		if (v->type == CORE_STR) {
			d = lf_put(d, v->u.s, v->len);
		} else if (v->type == CORE_JSON) {
			core_buf_reset(&w->tmp);
			core_buf_grow(&w->tmp, v->len);
			w->tmp.len = (size_t)(core_fmt_text_value(w->tmp.p, v) -
			    w->tmp.p);
			d = lf_put(d, w->tmp.p, w->tmp.len);
		} else {
			d = core_fmt_text_value(d, v);
		}
	}
	*d++ = '\n';
	core_out_commit(w->base.out, d);
}

static void
logfmt_wfree(struct core_writer *wr)
{
	struct wr_logfmt *w = (struct wr_logfmt *)wr;

	core_buf_release(&w->tmp);
	free(w);
}

static const struct core_writer_vtab logfmt_wvt = {
	"logfmt", logfmt_rec, NULL, NULL, NULL, NULL, NULL, logfmt_wfree
};

struct core_writer *
core_writer_logfmt_new(struct core_out *out, const struct core_wopts *o)
{
	struct wr_logfmt *w = core_xcalloc(1, sizeof(*w));

	core_writer_base_init(&w->base, &logfmt_wvt, out, o);
	core_buf_init(&w->tmp);
	return &w->base;
}
