/* SPDX-License-Identifier: MIT */
/* Fuzz target: every writer, fed what the "auto" decoder reads (NDJSON,
 * or frames, whose values can be of any type). */
#include "libcore/fmt.h"
#include "libcore/writer.h"

#include "fuzz_common.c"

/*
 * Byte 0: bit 0 no_header; bit 1 --fields "a,b,a_"; bit 2 punctuation
 * (watermark, window close, barrier) between records; bits 3-4 as
 * max_rec in fuzz_common.c.  Byte 1 unused (kept for the layout of the
 * other decoder targets).  The rest is the input.
 *
 * Properties: every writer survives every record; the NDJSON output is
 * one valid JSON object per line (core_json_validate) that the NDJSON
 * decoder reads back as one record per record written, equal to it when
 * the input was NDJSON; the frames output decodes back to the same
 * records and punctuation.
 */

struct recs {
	struct core_rec **r;
	size_t n, cap;
	int ndjson;            /* "auto" found NDJSON, not frames */
	int punct;
};

static void
keep(void *ctx, const struct core_event *ev)
{
	struct recs *rs = ctx;

	if (ev->kind != CORE_EV_REC)
		return;
	if (rs->n == rs->cap)
		rs->r = core_xgrow(rs->r, &rs->cap, rs->n + 1, sizeof(*rs->r));
	rs->r[rs->n++] = core_rec_copy(&ev->rec);
}

static void
write_all(struct core_writer *w, const struct recs *rs,
    struct fuzz_trace *t)
{
	struct core_event ev;
	size_t i;
	int inf = 0;

	for (i = 0; i < rs->n; i++) {
		core_writer_rec(w, rs->r[i]);
		if (t) {
			memset(&ev, 0, sizeof(ev));
			ev.kind = CORE_EV_REC;
			ev.rec = *rs->r[i];
			tr_event(t, &ev, 0);
		}
		if (rs->punct) {
			struct core_window win = { .start = rs->r[i]->time,
				.end = INT64_MAX, .retain = CORE_WM_MIN };

			core_writer_wm(w, rs->r[i]->time);
			inf |= rs->r[i]->time == CORE_WM_MAX;
			core_writer_close(w, &win);
			core_writer_barrier(w, i);
			if (t) {
				ev.kind = CORE_EV_WM;
				ev.wm = rs->r[i]->time;
				tr_event(t, &ev, 0);
				ev.kind = CORE_EV_CLOSE;
				ev.win = win;
				tr_event(t, &ev, 0);
				ev.kind = CORE_EV_BARRIER;
				ev.barrier = i;
				tr_event(t, &ev, 0);
			}
		}
	}
	core_writer_idle(w);
	core_writer_end(w);
	if (t) {
		/* The frames writer ends a stream by closing every window (a
		 * +inf watermark, unless one went out) and an end frame. */
		memset(&ev, 0, sizeof(ev));
		if (!inf) {
			ev.kind = CORE_EV_WM;
			ev.wm = CORE_WM_MAX;
			tr_event(t, &ev, 0);
		}
		ev.kind = CORE_EV_END;
		tr_event(t, &ev, 0);
	}
}

/* Same record, field by field, after NDJSON out and in: JSON values
 * may have lost whitespace (core_fmt_json_compact). */
static void
same_after_ndjson(const struct core_rec *a, const struct core_rec *b)
{
	uint32_t i;

	if (a->schema != b->schema)
		fuzz_fail("NDJSON round trip changed the field names");
	for (i = 0; i < a->schema->n; i++) {
		const struct core_value *x = &a->v[i], *y = &b->v[i];
		char *c;
		size_t n;
		int eq;

		if (x->type != y->type || x->flags != y->flags)
			fuzz_fail("NDJSON round trip changed the type of '%s'",
			    a->schema->f[i]->name);
		if (x->type != CORE_JSON) {
			if (!core_value_eq(x, y) ||
			    ((x->flags & CORE_VF_TEXT) && (x->len != y->len ||
			    memcmp(x->u.s, y->u.s, x->len) != 0)))
				fuzz_fail("NDJSON round trip changed '%s'",
				    a->schema->f[i]->name);
			continue;
		}
		c = core_xmalloc(x->len);
		n = (size_t)(core_fmt_json_compact(c, x->u.s, x->len) - c);
		eq = n == y->len && memcmp(c, y->u.s, n) == 0;
		free(c);
		if (!eq)
			fuzz_fail("NDJSON round trip changed JSON '%s'",
			    a->schema->f[i]->name);
	}
}

struct readback {
	const struct recs *rs;
	size_t i;
	int compare;
};

static void
on_ndjson(void *ctx, const struct core_event *ev)
{
	struct readback *rb = ctx;

	if (ev->kind != CORE_EV_REC)
		fuzz_fail("NDJSON output reads back with an error: %s",
		    ev->kind == CORE_EV_BAD ? ev->reason : "?");
	if (rb->i >= rb->rs->n)
		fuzz_fail("NDJSON output reads back as more records");
	if (rb->compare)
		same_after_ndjson(rb->rs->r[rb->i], &ev->rec);
	rb->i++;
}

/* compare: the records were not projected and came from NDJSON. */
static void
check_ndjson(const struct recs *rs, const unsigned char *p, size_t len,
    int compare)
{
	const char *s = (const char *)p, *end = s + len, *nl;
	struct core_json_err e;
	struct fuzz_decode fd;
	struct readback rb = { rs, 0, compare };
	size_t lines = 0;

	while (s < end) {
		nl = memchr(s, '\n', (size_t)(end - s));
		if (nl == NULL)
			fuzz_fail("NDJSON output does not end with a newline");
		if (core_json_validate(s, (size_t)(nl - s), &e) < 0)
			fuzz_fail("NDJSON output line %zu is not JSON: %s at "
			    "column %zu", lines + 1, e.msg, e.pos + 1);
		if (*s != '{')
			fuzz_fail("NDJSON output line %zu is not an object",
			    lines + 1);
		lines++;
		s = nl + 1;
	}
	if (lines != rs->n)
		fuzz_fail("%zu records written as %zu NDJSON lines", rs->n,
		    lines);
	memset(&fd, 0, sizeof(fd));
	fd.o.format = "ndjson";
	fd.utf8 = 1;
	fd.fn = on_ndjson;
	fd.ctx = &rb;
	fuzz_decode(&fd, p, len);
	if (rb.i != rs->n)
		fuzz_fail("%zu records written, %zu read back", rs->n, rb.i);
}

static void
check_frames(const unsigned char *p, size_t len, const struct fuzz_trace *want)
{
	struct fuzz_decode fd;
	struct fuzz_trace got = { 0 };

	memset(&fd, 0, sizeof(fd));
	fd.o.format = "frames";
	fd.trace = &got;
	fuzz_decode(&fd, p, len);
	if (got.nbad)
		fuzz_fail("frames output reads back with errors");
	tr_compare(want, &got, "frames writer round trip");
	tr_release(&got);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t max_recs[4] = { 0, 16, 64, 300 };
	static char *fields[] = { "a", "b", "a_" };
	struct recs rs = { 0 };
	struct fuzz_decode fd;
	size_t i, len;

	if (size < 2)
		return 0;
	memset(&fd, 0, sizeof(fd));
	fd.o.format = "auto";
	fd.max_rec = max_recs[(data[0] >> 3) & 3];
	fd.fn = keep;
	fd.ctx = &rs;
	fuzz_decode(&fd, data + 2, size - 2);
	rs.punct = (data[0] >> 2) & 1;
	/* What "auto" found: frames by their magic, else NDJSON. */
	rs.ndjson = core_frame_sniff(data + 2, size - 2) != 1;

	for (i = 0; core_writer_formats[i]; i++) {
		struct core_wopts wo = { 0 };
		struct core_writer *w;
		struct fuzz_trace want = { 0 };
		unsigned char *p;
		int frames = strcmp(core_writer_formats[i], "frames") == 0;
		int ndjson = strcmp(core_writer_formats[i], "ndjson") == 0;

		wo.format = core_writer_formats[i];
		wo.no_header = data[0] & 1;
		if (data[0] & 2) {
			wo.fields = fields;
			wo.nfields = 3;
		}
		w = core_writer_new(fuzz_out(), &wo);
		if (w == NULL)
			fuzz_fail("no writer for listed format %s", wo.format);
		write_all(w, &rs, frames && !wo.fields ? &want : NULL);
		core_writer_free(w);
		p = fuzz_out_take(&len);
		if (ndjson)
			check_ndjson(&rs, p, len, rs.ndjson && !wo.fields);
		if (frames && !wo.fields)
			check_frames(p, len, &want);
		free(p);
		tr_release(&want);
	}
	for (i = 0; i < rs.n; i++)
		core_rec_free(rs.r[i]);
	free(rs.r);
	return 0;
}
