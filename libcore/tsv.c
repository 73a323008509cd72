/* SPDX-License-Identifier: MIT */
/* TSV: tab-separated values with backslash escapes, read and written. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcore/buf.h"
#include "libcore/dec.h"
#include "libcore/fmt.h"
#include "libcore/json.h"
#include "libcore/writer.h"
#include "libcore/xalloc.h"

/*
 * The format is IANA text/tab-separated-values as Miller reads it: fields
 * split on '\t', records on '\n' (a '\r' before it is dropped), and inside
 * a field the escapes \t \n \r \\ stand for tab, line feed, carriage return
 * and backslash, so that every string can be written and read back.  A
 * backslash before anything else is kept as it is.
 *
 * The header and its names, inference and ragged rows are as in CSV
 * (csv.c).  Fields without a backslash are handed out without a copy.
 *
 * There is no quoting, so an empty field cannot tell null from "": it reads
 * as null (as an unquoted empty CSV field does), or as "" with no_infer,
 * and both null and "" are written as an empty field.
 */

#define BOM "\xef\xbb\xbf"

/* ---- reader ------------------------------------------------------------- */

struct dec_tsv {
	struct core_dec base;
	const struct core_schema *hdr;
	const struct core_schema *wide;   /* the last schema of a long row */
	struct core_value *v;             /* the record's values */
	size_t vcap;
	const char **fp;                  /* the row's fields */
	size_t *fl;
	size_t fcap;
};


static const struct core_schema *
widen(struct dec_tsv *t, size_t n)
{
	const struct core_sym **f;
	const struct core_schema *s;
	size_t i;

	if (t->wide && t->wide->n == n)
		return t->wide;
	f = core_xmalloc(n * sizeof(*f));
	memcpy(f, t->hdr->f, t->hdr->n * sizeof(*f));
	for (i = t->hdr->n; i < n; i++)
		if ((f[i] = core_dec_pos_name(i)) == NULL)
			break;
	s = i == n ? core_dec_distinct_schema(f, n) : NULL;
	free(f);
	if (s)
		t->wide = s;
	return s;
}

/* Decodes the escapes of p[0..len) into the arena. */
static const char *
unescape(struct core_arena *a, const char *p, size_t *len)
{
	char *d = core_arena_alloc(a, *len + 1), *o = d;
	const char *end = p + *len;

	while (p < end) {
		if (*p != '\\' || p + 1 == end) {
			*o++ = *p++;
			continue;
		}
		switch (p[1]) {
		case 't': *o++ = '\t'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case '\\': *o++ = '\\'; break;
		default:
			*o++ = p[0];
			*o++ = p[1];
			break;
		}
		p += 2;
	}
	*len = (size_t)(o - d);
	return d;
}

static int
header(struct dec_tsv *t, size_t nf)
{
	const struct core_sym **f = core_xmalloc((nf ? nf : 1) * sizeof(*f));
	size_t i;

	for (i = 0; i < nf; i++) {
		if (t->base.opts.no_header)
			f[i] = core_dec_pos_name(i);
		else
			f[i] = core_dec_name(&t->base.arena, t->fp[i], t->fl[i]);
		if (f[i] == NULL)
			break;
	}
	if (i == nf)
		t->hdr = core_dec_distinct_schema(f, nf);
	free(f);
	return t->hdr ? 0 : -1;
}

static enum core_ev
tsv_next(struct core_dec *d, struct core_event *ev)
{
	struct dec_tsv *t = (struct dec_tsv *)d;
	const struct core_schema *s;
	const char *p, *q, *e, *end;
	size_t len, nf, nh, n, i;
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
	q = p;
	end = p + len;
	if (end > q && end[-1] == '\r')
		end--;
	if (off == 0 && end - q >= 3 && memcmp(q, BOM, 3) == 0)
		q += 3;
	if (q == end)
		goto next_line;    /* blank lines are skipped */
	for (nf = 0;; nf++) {
		if (nf >= CORE_MAX_FIELDS)
			return core_dec_bad(d, ev, p, len, line, 0, off,
			    "more than %d fields", CORE_MAX_FIELDS);
		if (nf == t->fcap) {
			size_t c = t->fcap;

			t->fp = core_xgrow(t->fp, &c, nf + 1, sizeof(*t->fp));
			t->fl = core_xgrow(t->fl, &t->fcap, nf + 1,
			    sizeof(*t->fl));
		}
		e = memchr(q, '\t', (size_t)(end - q));
		if (e == NULL)
			e = end;
		t->fl[nf] = (size_t)(e - q);
		t->fp[nf] = memchr(q, '\\', t->fl[nf]) ?
		    unescape(&d->arena, q, &t->fl[nf]) : q;
		if (e == end)
			break;
		q = e + 1;
	}
	nf++;
	if (t->hdr == NULL) {
		if (header(t, nf) < 0)
			return core_dec_bad(d, ev, p, len, line, 0, off,
			    "too many distinct field names");
		if (!d->opts.no_header)
			goto next_line;
	}
	nh = t->hdr->n;
	if (nf != nh && !d->opts.allow_ragged)
		return core_dec_bad(d, ev, p, len, line, 0, off,
		    "ragged row (expected %zu fields, got %zu)", nh, nf);
	n = nf > nh ? nf : nh;
	s = n > nh ? widen(t, n) : t->hdr;
	if (s == NULL)
		return core_dec_bad(d, ev, p, len, line, 0, off,
		    "too many distinct field names");
	if (n > t->vcap)
		t->v = core_xgrow(t->v, &t->vcap, n, sizeof(*t->v));
	for (i = 0; i < nf; i++) {
		if (d->opts.no_infer)
			t->v[i] = core_v_str(t->fp[i], t->fl[i]);
		else if (t->fl[i] == 0)
			t->v[i] = core_v_null();
		else
			t->v[i] = core_value_infer(t->fp[i], t->fl[i]);
	}
	for (; i < n; i++)
		t->v[i] = core_v_null();
	ev->rec.schema = s;
	ev->rec.v = t->v;
	return core_dec_text_rec(ev, line, off);
}

static void
tsv_dfree(struct core_dec *d)
{
	struct dec_tsv *t = (struct dec_tsv *)d;

	free(t->v);
	free(t->fp);
	free(t->fl);
	core_dec_base_release(d);
	free(t);
}

static const struct core_dec_vtab tsv_vt = { "tsv", tsv_next, tsv_dfree };

struct core_dec *
core_dec_tsv_new(struct core_input *in, const struct core_decopts *o)
{
	struct dec_tsv *t = core_xcalloc(1, sizeof(*t));

	core_dec_base_init(&t->base, &tsv_vt, in, o);
	return &t->base;
}

/* ---- writer ------------------------------------------------------------- */

/*
 * Like the CSV writer: a header line from the first record's names, and
 * on a schema change an empty line and a new header (unless no_header).
 */

struct wr_tsv {
	struct core_writer base;
	const struct core_schema *last;
	int started;
	struct core_buf tmp;
};

/* A schema's header line, rendered once (CORE_SCACHE_SPARE). */
struct tsv_head {
	size_t len;
	char text[];
};

/* Writes s escaped; needs 2 * len bytes. */
static char *
tsv_put(char *d, const char *s, size_t len)
{
	const char *end = s + len;

	for (; s < end; s++) {
		switch (*s) {
		case '\t': *d++ = '\\'; *d++ = 't'; break;
		case '\n': *d++ = '\\'; *d++ = 'n'; break;
		case '\r': *d++ = '\\'; *d++ = 'r'; break;
		case '\\': *d++ = '\\'; *d++ = '\\'; break;
		default: *d++ = *s; break;
		}
	}
	return d;
}

static void
tsv_header(struct wr_tsv *w, const struct core_schema *s)
{
	struct tsv_head *h = s->cache[CORE_SCACHE_SPARE];
	size_t len = 1, i;
	char *d;

	if (h == NULL) {
		for (i = 0; i < s->n; i++)
			len += 2 * (size_t)s->f[i]->len + 1;
		h = core_xmalloc(sizeof(*h) + len);
		d = h->text;
		for (i = 0; i < s->n; i++) {
			if (i)
				*d++ = '\t';
			d = tsv_put(d, s->f[i]->name, s->f[i]->len);
		}
		*d++ = '\n';
		h->len = (size_t)(d - h->text);
		((struct core_schema *)s)->cache[CORE_SCACHE_SPARE] = h;
	}
	core_out_write(w->base.out, h->text, h->len);
}

static void
tsv_rec(struct core_writer *wr, const struct core_rec *r)
{
	struct wr_tsv *w = (struct wr_tsv *)wr;
	const struct core_schema *s = r->schema;
	size_t max = s->n + 1, i;
	char *d;

	if (s != w->last) {
		if (!w->base.opts.no_header) {
			if (w->started)
				core_out_putc(w->base.out, '\n');
			tsv_header(w, s);
		}
		w->last = s;
	}
	w->started = 1;
	for (i = 0; i < s->n; i++) {
		const struct core_value *v = &r->v[i];

		if (v->type == CORE_STR || v->type == CORE_JSON)
			max += 2 * (size_t)v->len;
		else
			max += core_fmt_json_value_max(v);
	}
	d = core_out_reserve(w->base.out, max);
	for (i = 0; i < s->n; i++) {
		const struct core_value *v = &r->v[i];

		if (i)
			*d++ = '\t';
		if (v->type == CORE_STR) {
			d = tsv_put(d, v->u.s, v->len);
		} else if (v->type == CORE_JSON) {
			core_buf_reset(&w->tmp);
			core_buf_grow(&w->tmp, v->len);
			w->tmp.len = (size_t)(core_fmt_text_value(w->tmp.p, v) -
			    w->tmp.p);
			d = tsv_put(d, w->tmp.p, w->tmp.len);
		} else {
			d = core_fmt_text_value(d, v);
		}
	}
	*d++ = '\n';
	core_out_commit(w->base.out, d);
}

static void
tsv_wfree(struct core_writer *wr)
{
	struct wr_tsv *w = (struct wr_tsv *)wr;

	core_buf_release(&w->tmp);
	free(w);
}

static const struct core_writer_vtab tsv_wvt = {
	"tsv", tsv_rec, NULL, NULL, NULL, NULL, NULL, tsv_wfree
};

struct core_writer *
core_writer_tsv_new(struct core_out *out, const struct core_wopts *o)
{
	struct wr_tsv *w = core_xcalloc(1, sizeof(*w));

	core_writer_base_init(&w->base, &tsv_wvt, out, o);
	core_buf_init(&w->tmp);
	return &w->base;
}
