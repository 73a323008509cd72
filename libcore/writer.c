/* SPDX-License-Identifier: MIT */
/* Writers: the format registry, --fields projection, the frames writer. */
#include "libcore/writer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libcore/fmt.h"
#include "libcore/frame.h"
#include "libcore/xalloc.h"

const char *const core_writer_formats[] = {
	"frames", "ndjson", "csv", "tsv", "logfmt", "lines", "table", "trace",
	NULL
};

const char *
core_writer_default_format(int fd)
{
	const char *e = getenv("STREAMUTILS_FORMAT");

	if (e && *e)
		return e;
	return isatty(fd) ? "ndjson" : "frames";
}

void
core_writer_base_init(struct core_writer *w,
    const struct core_writer_vtab *vt, struct core_out *out,
    const struct core_wopts *o)
{
	size_t i;

	w->vt = vt;
	w->out = out;
	w->opts = *o;
	w->text = 1;
	w->sel = NULL;
	w->sel_schema = NULL;
	w->sel_vals = NULL;
	if (o->fields && o->nfields) {
		const struct core_sym **syms;

		w->sel = core_xcalloc(o->nfields, sizeof(*w->sel));
		syms = core_xcalloc(o->nfields, sizeof(*syms));
		for (i = 0; i < o->nfields; i++) {
			core_fieldref_init(&w->sel[i], o->fields[i]);
			syms[i] = w->sel[i].sym;
		}
		/* The tools check the list first (distinct, non-empty);
		 * a repeated name is kept once here all the same. */
		w->sel_schema = core_schema_intern(syms, (uint32_t)o->nfields);
		free(syms);
		w->sel_vals = core_xcalloc(o->nfields, sizeof(*w->sel_vals));
	}
}

void
core_writer_rec(struct core_writer *w, const struct core_rec *r)
{
	struct core_rec p;
	size_t i;

	/* Frames pass a lazily decoded record on as its raw bytes; text
	 * needs every value. */
	if (r->lazy && (w->text || w->sel))
		core_rec_full(r);
	if (w->sel == NULL) {
		w->vt->rec(w, r);
		return;
	}
	/* --fields: the listed fields in order, null where missing. */
	for (i = 0; i < w->opts.nfields; i++) {
		int k = core_fieldref_index(&w->sel[i], r->schema);

		w->sel_vals[i] = k < 0 ? core_v_null() : r->v[k];
	}
	p.schema = w->sel_schema;
	p.time = r->time;
	p.v = w->sel_vals;
	p.raw = NULL;
	p.rawlen = 0;
	p.raw_n = 0;
	p.lazy = 0;
	w->vt->rec(w, &p);
}

void
core_writer_free(struct core_writer *w)
{
	if (w == NULL)
		return;
	free(w->sel);
	free(w->sel_vals);
	w->vt->free(w);
}

static const struct core_writer_vtab trace_vt;

/* ---- frames ------------------------------------------------------------- */

/* The stream header goes out with the first frame, so that a tool that
 * fails before writing anything leaves its output empty. */
struct wr_frames {
	struct core_writer base;
	struct core_frame_enc enc;
	int started;
	int inf;           /* the +inf watermark went out */
};

static struct core_frame_enc *
enc_of(struct core_writer *w)
{
	struct wr_frames *f = (struct wr_frames *)w;

	if (!f->started) {
		f->started = 1;
		core_frame_put_header(&f->enc);
	}
	return &f->enc;
}

static void
frames_rec(struct core_writer *w, const struct core_rec *r)
{
	core_frame_put_rec(enc_of(w), r);
}

static void
frames_wm(struct core_writer *w, int64_t wm)
{
	if (wm == CORE_WM_MAX)
		((struct wr_frames *)w)->inf = 1;
	core_frame_put_wm(enc_of(w), wm);
}

static void
frames_close(struct core_writer *w, const struct core_window *win)
{
	core_frame_put_close(enc_of(w), win);
}

static void
frames_barrier(struct core_writer *w, uint64_t id)
{
	core_frame_put_barrier(enc_of(w), id);
}

/* The end of a stream: every window closes (+inf), then the end frame. */
static void
frames_end(struct core_writer *w)
{
	if (!((struct wr_frames *)w)->inf)
		frames_wm(w, CORE_WM_MAX);
	core_frame_put_end(enc_of(w));
}

static void
frames_free(struct core_writer *w)
{
	core_frame_enc_release(&((struct wr_frames *)w)->enc);
	free(w);
}

static const struct core_writer_vtab frames_vt = {
	"frames", frames_rec, frames_wm, frames_close, frames_barrier,
	frames_end, NULL, frames_free
};

struct core_writer *
core_writer_frames_new(struct core_out *out, const struct core_wopts *o)
{
	struct wr_frames *f = core_xcalloc(1, sizeof(*f));

	core_writer_base_init(&f->base, &frames_vt, out, o);
	f->base.text = 0;
	core_frame_enc_init(&f->enc, out);
	return &f->base;
}

/* ---- trace: every event, for people debugging a pipeline ---------------- */

struct wr_trace {
	struct core_writer base;
	int inf;           /* the +inf watermark went out */
};

static void
trace_time(struct core_writer *w, const char *what, int64_t t)
{
	char *d = core_out_reserve(w->out, CORE_FMT_SCALAR_MAX + 32);

	memcpy(d, what, strlen(what));
	d += strlen(what);
	if (t == CORE_WM_MAX) {
		memcpy(d, "+inf", 4);
		d += 4;
	} else if (t == CORE_WM_MIN) {
		memcpy(d, "-inf", 4);
		d += 4;
	} else {
		d = core_fmt_time(d, t);    /* trace is always RFC 3339 */
	}
	core_out_commit(w->out, d);
}

static void
trace_rec(struct core_writer *w, const struct core_rec *r)
{
	trace_time(w, "record ", r->time);
	core_out_putc(w->out, ' ');
	w->vt = &core_writer_ndjson_vt;
	w->vt->rec(w, r);
	w->vt = &trace_vt;
}

static void
trace_wm(struct core_writer *w, int64_t wm)
{
	if (wm == CORE_WM_MAX)
		((struct wr_trace *)w)->inf = 1;
	trace_time(w, "watermark ", wm);
	core_out_putc(w->out, '\n');
}

static void
trace_close(struct core_writer *w, const struct core_window *win)
{
	trace_time(w, "close [", win->start);
	trace_time(w, ", ", win->end);
	core_out_puts(w->out, ")\n");
}

static void
trace_barrier(struct core_writer *w, uint64_t id)
{
	char buf[48];

	snprintf(buf, sizeof(buf), "barrier %llu\n", (unsigned long long)id);
	core_out_puts(w->out, buf);
}

/* As in frames: the end of a stream is +inf, then the end. */
static void
trace_end(struct core_writer *w)
{
	if (!((struct wr_trace *)w)->inf)
		trace_wm(w, CORE_WM_MAX);
	core_out_puts(w->out, "end\n");
}

static void
trace_free(struct core_writer *w)
{
	free(w);
}

static const struct core_writer_vtab trace_vt = {
	"trace", trace_rec, trace_wm, trace_close, trace_barrier, trace_end,
	NULL, trace_free
};

static struct core_writer *
trace_new(struct core_out *out, const struct core_wopts *o)
{
	struct wr_trace *t = core_xcalloc(1, sizeof(*t));

	core_writer_base_init(&t->base, &trace_vt, out, o);
	return &t->base;
}

struct core_writer *
core_writer_new(struct core_out *out, const struct core_wopts *o)
{
	const char *f = o->format ? o->format : "ndjson";

	if (strcmp(f, "frames") == 0)
		return core_writer_frames_new(out, o);
	if (strcmp(f, "ndjson") == 0 || strcmp(f, "jsonl") == 0)
		return core_writer_ndjson_new(out, o);
	if (strcmp(f, "csv") == 0)
		return core_writer_csv_new(out, o, ',');
	if (strcmp(f, "tsv") == 0)
		return core_writer_tsv_new(out, o);
	if (strcmp(f, "logfmt") == 0)
		return core_writer_logfmt_new(out, o);
	if (strcmp(f, "lines") == 0)
		return core_writer_lines_new(out, o);
	if (strcmp(f, "table") == 0)
		return core_writer_table_new(out, o);
	if (strcmp(f, "trace") == 0)
		return trace_new(out, o);
	return NULL;
}
