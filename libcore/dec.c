/* SPDX-License-Identifier: MIT */
/* Decoders: the format registry, input sniffing, frames and raw lines. */
#include "libcore/dec.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcore/buf.h"
#include "libcore/frame.h"
#include "libcore/json.h"
#include "libcore/xalloc.h"

const char *const core_dec_formats[] = {
	"auto", "frames", "ndjson", "csv", "tsv", "logfmt", "lines",
	"combined", "common", "syslog", "statsd", NULL
};

void
core_dec_base_init(struct core_dec *d, const struct core_dec_vtab *vt,
    struct core_input *in, const struct core_decopts *o)
{
	d->vt = vt;
	d->in = in;
	d->opts = *o;
	core_arena_init(&d->arena);
	core_recb_init(&d->rb);
	d->reason[0] = '\0';
}

void
core_dec_base_release(struct core_dec *d)
{
	core_arena_release(&d->arena);
	core_recb_release(&d->rb);
}

enum core_ev
core_dec_bad(struct core_dec *d, struct core_event *ev, const char *raw,
    size_t rawlen, uint64_t line, uint64_t col, int64_t off,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d->reason, sizeof(d->reason), fmt, ap);
	va_end(ap);
	ev->kind = CORE_EV_BAD;
	ev->reason = d->reason;
	ev->raw = raw;
	ev->rawlen = rawlen;
	ev->line = line;
	ev->col = col;
	ev->off = off < 0 ? 0 : (uint64_t)off;
	ev->fatal = 0;
	return CORE_EV_BAD;
}

void
core_dec_free(struct core_dec *d)
{
	if (d)
		d->vt->free(d);
}

/* ---- frames ------------------------------------------------------------ */

struct dec_frames {
	struct core_dec base;
	struct core_frame_dec fd;
	int dead;    /* after a fatal error: the rest is skipped */
};

static enum core_ev
frames_next(struct core_dec *d, struct core_event *ev)
{
	struct dec_frames *f = (struct dec_frames *)d;
	const char *p;
	size_t len, n;
	int64_t off;

	for (;;) {
		p = core_input_peek(d->in, &len);
		if (f->dead)
			core_input_consume(d->in, len);    /* no frame edge */
		if ((len == 0 || f->dead) && d->in->eof)
			return ev->kind = CORE_EV_EOF;
		if (len == 0 || f->dead)
			return ev->kind = CORE_EV_NONE;
		off = core_input_offset(d->in);
		ev->kind = CORE_EV_NONE;
		n = core_frame_decode(&f->fd, (const unsigned char *)p, len,
		    d->in->eof, ev);
		if (n == 0)
			return ev->kind = CORE_EV_NONE;
		core_input_consume(d->in, n);
		if (ev->kind == CORE_EV_BAD) {
			ev->off += (uint64_t)off;
			ev->raw = p;
			ev->rawlen = n < 256 ? n : 256;
			if (ev->fatal) {
				d->in->pos = d->in->len;
				f->dead = 1;
			}
			return CORE_EV_BAD;
		}
		if (ev->kind != CORE_EV_NONE)
			return ev->kind;
	}
}

static void
frames_free(struct core_dec *d)
{
	struct dec_frames *f = (struct dec_frames *)d;

	core_frame_dec_release(&f->fd);
	core_dec_base_release(d);
	free(f);
}

static const struct core_dec_vtab frames_vt = { "frames", frames_next,
	frames_free };

struct core_dec *
core_dec_frames_new(struct core_input *in, const struct core_decopts *o)
{
	struct dec_frames *f = core_xcalloc(1, sizeof(*f));

	core_dec_base_init(&f->base, &frames_vt, in, o);
	core_frame_dec_init(&f->fd, o->max_frame);
	if (o->lazy)
		core_frame_dec_want(&f->fd, o->want, o->nwant);
	return &f->base;
}

/* ---- lines -------------------------------------------------------------- */

struct dec_lines {
	struct core_dec base;
	const struct core_schema *schema;
	struct core_value v;
};

static enum core_ev
lines_next(struct core_dec *d, struct core_event *ev)
{
	struct dec_lines *l = (struct dec_lines *)d;
	const char *p;
	size_t len;
	uint64_t line;
	int64_t off;
	int r;

	r = core_input_line(d->in, &p, &len, &line, &off);
	if (r == 0)
		return ev->kind = d->in->eof ? CORE_EV_EOF : CORE_EV_NONE;
	if (r == 2)
		return core_dec_bad(d, ev, p, len, line, 0, off,
		    "line longer than %zu bytes", d->in->max_rec);
	if (len && p[len - 1] == '\r')
		len--;
	l->v = core_v_str(p, len);
	ev->rec.schema = l->schema;
	ev->rec.v = &l->v;
	return core_dec_text_rec(ev, line, off);
}

static void
lines_free(struct core_dec *d)
{
	core_dec_base_release(d);
	free(d);
}

static const struct core_dec_vtab lines_vt = { "lines", lines_next,
	lines_free };

struct core_dec *
core_dec_lines_new(struct core_input *in, const struct core_decopts *o)
{
	struct dec_lines *l = core_xcalloc(1, sizeof(*l));
	const struct core_sym *s = core_sym_str(o->field ? o->field : "line");

	core_dec_base_init(&l->base, &lines_vt, in, o);
	l->schema = core_schema_intern(&s, 1);
	return &l->base;
}

/* ---- auto: frames or NDJSON, by the first bytes ------------------------- */

struct dec_auto {
	struct core_dec base;
	struct core_dec *inner;
};

static const struct core_dec_vtab auto_vt;

static enum core_ev
auto_next(struct core_dec *d, struct core_event *ev)
{
	struct dec_auto *a = (struct dec_auto *)d;
	const unsigned char *p;
	size_t len, i = 0;
	int s;

	if (a->inner)
		return core_dec_next(a->inner, ev);
	p = (const unsigned char *)core_input_peek(d->in, &len);
	if (len == 0)
		return ev->kind = d->in->eof ? CORE_EV_EOF : CORE_EV_NONE;
	s = core_frame_sniff(p, len);
	if (s < 0 && !d->in->eof)
		return ev->kind = CORE_EV_NONE;
	if (s > 0) {
		a->inner = core_dec_frames_new(d->in, &d->opts);
		d->fast = a->inner;
		return core_dec_next(a->inner, ev);
	}
	/* NDJSON: '{' after an optional BOM and blank space. */
	if (len < 3 && !d->in->eof && memcmp(p, "\xef\xbb\xbf", len) == 0)
		return ev->kind = CORE_EV_NONE;    /* a BOM, split by a read */
	if (len >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		i = 3;
	while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' ||
	    p[i] == '\n'))
		i++;
	if (i == len && !d->in->eof)
		return ev->kind = CORE_EV_NONE;
	if (i == len || p[i] == '{') {
		a->inner = core_dec_ndjson_new(d->in, &d->opts);
		d->fast = a->inner;
		return core_dec_next(a->inner, ev);
	}
	{
		char shown[24];
		size_t n = 0, j;

		for (j = i; j < len && n < 16 && p[j] != '\n'; j++)
			shown[n++] = (p[j] >= 0x20 && p[j] < 0x7f) ? (char)p[j]
			    : '.';
		shown[n] = '\0';
		core_dec_bad(d, ev, (const char *)p, len < 64 ? len : 64, 1, 0,
		    0, "input is neither frames nor NDJSON (it starts with "
		    "\"%s\"); read text with stream-source -f FORMAT", shown);
		ev->fatal = 1;
		d->in->pos = d->in->len;
		d->in->eof = 1;
		return CORE_EV_BAD;
	}
}

const char *
core_dec_format(const struct core_dec *d)
{
	if (d->vt == &auto_vt && ((const struct dec_auto *)d)->inner)
		return ((const struct dec_auto *)d)->inner->vt->name;
	return d->vt->name;
}

static void
auto_free(struct core_dec *d)
{
	struct dec_auto *a = (struct dec_auto *)d;

	core_dec_free(a->inner);
	core_dec_base_release(d);
	free(a);
}

static const struct core_dec_vtab auto_vt = { "auto", auto_next, auto_free };

struct core_dec *
core_dec_new(struct core_input *in, const struct core_decopts *o)
{
	const char *f = o->format ? o->format : "auto";
	struct dec_auto *a;

	if (strcmp(f, "auto") == 0) {
		a = core_xcalloc(1, sizeof(*a));
		core_dec_base_init(&a->base, &auto_vt, in, o);
		return &a->base;
	}
	if (strcmp(f, "frames") == 0)
		return core_dec_frames_new(in, o);
	if (strcmp(f, "ndjson") == 0 || strcmp(f, "jsonl") == 0)
		return core_dec_ndjson_new(in, o);
	if (strcmp(f, "csv") == 0)
		return core_dec_csv_new(in, o, ',');
	if (strcmp(f, "tsv") == 0)
		return core_dec_tsv_new(in, o);
	if (strcmp(f, "logfmt") == 0)
		return core_dec_logfmt_new(in, o);
	if (strcmp(f, "lines") == 0)
		return core_dec_lines_new(in, o);
	if (strcmp(f, "combined") == 0)
		return core_dec_clf_new(in, o, 1);
	if (strcmp(f, "common") == 0)
		return core_dec_clf_new(in, o, 0);
	if (strcmp(f, "syslog") == 0)
		return core_dec_syslog_new(in, o, 0);
	if (strcmp(f, "statsd") == 0)
		return core_dec_syslog_new(in, o, 1);
	return NULL;
}

/* ---- names for decoders of headers and keys ----------------------------- */

const struct core_sym *
core_dec_name(struct core_arena *a, const char *p, size_t len)
{
	struct core_json_err e;
	const char *s, *q;
	char *j, *end;
	size_t n;

	if (core_utf8_valid(p, len))
		return core_sym_intern(p, len);
	/* Names travel in frames as UTF-8: bad bytes become U+FFFD, by way
	 * of the JSON writer's rule. */
	j = core_arena_alloc(a, core_json_string_max(len));
	end = core_json_put_string(j, p, len);
	q = j;
	if (core_json_string(&q, end, &s, &n, a, j, &e) < 0)
		return NULL;
	return core_sym_intern(s, n);
}

const struct core_sym *
core_dec_pos_name(size_t i)
{
	char num[24];

	snprintf(num, sizeof(num), "%zu", i + 1);
	return core_sym_str(num);
}

/* An open-addressing set of symbols, for making names distinct. */
struct symset {
	const struct core_sym **t;
	size_t mask;
};

static int
symset_add(struct symset *ss, const struct core_sym *s)
{
	size_t i = (size_t)s->hash & ss->mask;

	while (ss->t[i]) {
		if (ss->t[i] == s)
			return 0;
		i = (i + 1) & ss->mask;
	}
	ss->t[i] = s;
	return 1;
}

const struct core_schema *
core_dec_distinct_schema(const struct core_sym **f, size_t n)
{
	const struct core_schema *s;
	struct symset ss;
	struct core_buf b = CORE_BUF_INIT;
	size_t i, k, size = 8;
	int empty = 0;

	for (i = 0; i < n; i++)
		if (f[i]->len == 0)
			empty = 1;
	if (!empty && (s = core_schema_intern(f, (uint32_t)n)) != NULL)
		return s;
	if (n > CORE_MAX_FIELDS)
		return NULL;
	while (size < 2 * n)
		size *= 2;
	ss.t = core_xcalloc(size, sizeof(*ss.t));
	ss.mask = size - 1;
	for (i = 0; i < n; i++) {
		const struct core_sym *base;

		if (f[i]->len == 0 && (f[i] = core_dec_pos_name(i)) == NULL)
			break;
		base = f[i];
		for (k = 2; f[i] && !symset_add(&ss, f[i]); k++) {
			core_buf_reset(&b);
			core_buf_add(&b, base->name, base->len);
			core_buf_addf(&b, "_%zu", k);
			f[i] = core_sym_intern(b.p, b.len);
		}
		if (f[i] == NULL)
			break;
	}
	s = i == n ? core_schema_intern(f, (uint32_t)n) : NULL;
	free(ss.t);
	core_buf_release(&b);
	return s;
}
