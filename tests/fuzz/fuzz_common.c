/* SPDX-License-Identifier: MIT */
/* What the fuzz targets share; each target includes this file (it is not a
 * target itself, and run.sh skips it). */

/*
 * Every target checks properties, not only "no crash":
 *
 * - each event a decoder hands out is well formed (fuzz_check_event): a
 *   record's values have valid types and their bytes can be read, number
 *   text is number syntax, nested JSON is valid JSON; a bad-input event
 *   has a reason and an offset inside the input;
 * - a decoder ends: after the end of the input it never asks for more
 *   twice in a row (feed.c's pump would spin), and it hands out a bounded
 *   number of events per input byte;
 * - decoding the bytes at once and through a pipe in small chunks gives
 *   the same events, positions included (fuzz_decoder_target);
 * - every record and punctuation re-encodes as frames and decodes back to
 *   the same values (fuzz_rt_*), the path of every pipeline; CSV, TSV and
 *   lines also write and read back their own format
 *   (fuzz_text_roundtrip).
 *
 * A failed property prints what differs and aborts, which libFuzzer
 * reports as a crash with the input saved.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libcore/dec.h"
#include "libcore/event.h"
#include "libcore/frame.h"
#include "libcore/input.h"
#include "libcore/json.h"
#include "libcore/out.h"
#include "libcore/rec.h"
#include "libcore/sym.h"
#include "libcore/value.h"
#include "libcore/writer.h"
#include "libcore/xalloc.h"

#define FUZZ_UNUSED __attribute__((unused))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_fail(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn, unused));

static void
fuzz_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("fuzz property failed: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

/* Reads every byte of p[0..n), so that ASan sees a bad pointer. */
static FUZZ_UNUSED void
fuzz_touch(const void *p, size_t n)
{
	const volatile unsigned char *q = p;
	unsigned char x = 0;
	size_t i;

	if (n && p == NULL)
		fuzz_fail("NULL pointer with length %zu", n);
	for (i = 0; i < n; i++)
		x ^= q[i];
	(void)x;
}

/* ---- traces: events serialised for comparison ------------------------- */

struct fuzz_trace {
	unsigned char *p;
	size_t len, cap;
	size_t nrec, nbad;
};

static FUZZ_UNUSED void
tr_add(struct fuzz_trace *t, const void *p, size_t n)
{
	if (t->len + n > t->cap)
		t->p = core_xgrow(t->p, &t->cap, t->len + n, 1);
	if (n)
		memcpy(t->p + t->len, p, n);
	t->len += n;
}

static FUZZ_UNUSED void
tr_u64(struct fuzz_trace *t, uint64_t v)
{
	tr_add(t, &v, sizeof(v));
}

static FUZZ_UNUSED void
tr_release(struct fuzz_trace *t)
{
	free(t->p);
	memset(t, 0, sizeof(*t));
}

static FUZZ_UNUSED void
tr_value(struct fuzz_trace *t, const struct core_value *v)
{
	unsigned char h[2] = { v->type, v->flags & CORE_VF_TEXT };

	tr_add(t, h, 2);
	switch (v->type) {
	case CORE_NULL:
		break;
	case CORE_BOOL:
	case CORE_INT:
	case CORE_TIME:
		tr_u64(t, (uint64_t)v->u.i);
		break;
	case CORE_DOUBLE:
		if (!(v->flags & CORE_VF_TEXT)) {
			/* The bits, so that NaN equals itself. */
			tr_add(t, &v->u.d, sizeof(v->u.d));
			break;
		}
		/* fall through */
	default:
		tr_u64(t, v->len);
		tr_add(t, v->u.s, v->len);
		break;
	}
}

/* A record's schema (names), time and values. */
static FUZZ_UNUSED void
tr_rec(struct fuzz_trace *t, const struct core_rec *r)
{
	uint32_t i;

	tr_u64(t, r->schema->n);
	for (i = 0; i < r->schema->n; i++) {
		tr_u64(t, r->schema->f[i]->len);
		tr_add(t, r->schema->f[i]->name, r->schema->f[i]->len);
	}
	tr_u64(t, (uint64_t)r->time);
	for (i = 0; i < r->schema->n; i++)
		tr_value(t, &r->v[i]);
}

/* One event; with_pos adds where it was (line, offset). */
static FUZZ_UNUSED void
tr_event(struct fuzz_trace *t, const struct core_event *ev, int with_pos)
{
	tr_u64(t, ev->kind);
	switch (ev->kind) {
	case CORE_EV_REC:
		t->nrec++;
		tr_rec(t, &ev->rec);
		if (with_pos) {
			tr_u64(t, ev->line);
			tr_u64(t, ev->off);
		}
		break;
	case CORE_EV_WM:
		tr_u64(t, (uint64_t)ev->wm);
		break;
	case CORE_EV_CLOSE:
		tr_u64(t, (uint64_t)ev->win.start);
		tr_u64(t, (uint64_t)ev->win.end);
		tr_u64(t, (uint64_t)ev->win.retain);
		break;
	case CORE_EV_BARRIER:
		tr_u64(t, ev->barrier);
		break;
	case CORE_EV_BAD:
		t->nbad++;
		if (with_pos) {
			tr_u64(t, ev->line);
			tr_u64(t, ev->off);
			tr_u64(t, (uint64_t)ev->fatal);
		}
		break;
	default:
		break;
	}
}

/* Explains where two traces part, then aborts. */
static FUZZ_UNUSED void
tr_compare(const struct fuzz_trace *a, const struct fuzz_trace *b,
    const char *what)
{
	size_t i, n = a->len < b->len ? a->len : b->len;

	if (a->len == b->len && (n == 0 || memcmp(a->p, b->p, n) == 0))
		return;
	for (i = 0; i < n && a->p[i] == b->p[i]; i++)
		;
	fuzz_fail("%s: traces differ at byte %zu (lengths %zu and %zu; "
	    "records %zu and %zu; bad %zu and %zu)", what, i, a->len, b->len,
	    a->nrec, b->nrec, a->nbad, b->nbad);
}

/* ---- event checks ------------------------------------------------------- */

static FUZZ_UNUSED void
fuzz_check_value(const struct core_value *v, int utf8)
{
	struct core_value nv;
	struct core_json_err je;

	switch (v->type) {
	case CORE_NULL:
	case CORE_INT:
	case CORE_TIME:
		break;
	case CORE_BOOL:
		if (v->u.i != 0 && v->u.i != 1)
			fuzz_fail("bool value %lld", (long long)v->u.i);
		break;
	case CORE_DOUBLE:
		if (!(v->flags & CORE_VF_TEXT))
			break;
		fuzz_touch(v->u.s, v->len);
		if (!core_number_scan(v->u.s, v->len, &nv))
			fuzz_fail("number text is not a JSON number: '%.*s'",
			    (int)v->len, v->u.s);
		break;
	case CORE_STR:
		fuzz_touch(v->u.s, v->len);
		if (utf8 && !core_utf8_valid(v->u.s, v->len))
			fuzz_fail("string value is not valid UTF-8");
		break;
	case CORE_JSON:
		fuzz_touch(v->u.s, v->len);
		if (v->len == 0 || (v->u.s[0] != '{' && v->u.s[0] != '['))
			fuzz_fail("JSON value is not an object or array");
		if (core_json_validate(v->u.s, v->len, &je) < 0)
			fuzz_fail("JSON value is not valid JSON: %s at %zu",
			    je.msg, je.pos);
		break;
	default:
		fuzz_fail("value of unknown type %u", v->type);
	}
}

static FUZZ_UNUSED void
fuzz_check_rec(const struct core_rec *r, int utf8)
{
	uint32_t i;

	if (r->schema == NULL)
		fuzz_fail("record without a schema");
	if (r->schema->n > CORE_MAX_FIELDS)
		fuzz_fail("record with %u fields", r->schema->n);
	if (r->schema->n && r->v == NULL)
		fuzz_fail("record without values");
	for (i = 0; i < r->schema->n; i++) {
		const struct core_sym *s = r->schema->f[i];

		fuzz_touch(s->name, s->len + 1);
		if (utf8 && !core_utf8_valid(s->name, s->len))
			fuzz_fail("field name is not valid UTF-8");
		fuzz_check_value(&r->v[i], utf8);
	}
	if (r->raw)
		fuzz_touch(r->raw, r->rawlen);
}

/*
 * insize: the input's length; utf8: the format promises UTF-8 strings and
 * names (NDJSON).
 */
static FUZZ_UNUSED void
fuzz_check_event(const struct core_event *ev, size_t insize, int utf8)
{
	switch (ev->kind) {
	case CORE_EV_REC:
		fuzz_check_rec(&ev->rec, utf8);
		break;
	case CORE_EV_BAD:
		if (ev->reason == NULL || ev->reason[0] == '\0')
			fuzz_fail("bad-input event without a reason");
		fuzz_touch(ev->reason, strlen(ev->reason));
		fuzz_touch(ev->raw, ev->rawlen);
		if (ev->off > insize)
			fuzz_fail("bad-input offset %llu past the input's "
			    "%zu bytes (%s)", (unsigned long long)ev->off,
			    insize, ev->reason);
		break;
	case CORE_EV_WM:
	case CORE_EV_CLOSE:
	case CORE_EV_BARRIER:
	case CORE_EV_END:
		break;
	default:
		fuzz_fail("event of unknown kind %d", (int)ev->kind);
	}
}

/* ---- driving a decoder -------------------------------------------------- */

/* What a decoder's consumer does with each event (borrowed until the
 * decoder's next call). */
typedef void (*fuzz_event_fn)(void *ctx, const struct core_event *ev);

struct fuzz_decode {
	struct core_decopts o;
	size_t max_rec;      /* 0: the default */
	size_t chunk;        /* 0: all bytes in memory; else pipe chunks */
	int utf8;            /* see fuzz_check_event; NDJSON only */
	int with_pos;        /* trace positions */
	struct fuzz_trace *trace;   /* NULL: no trace */
	fuzz_event_fn fn;    /* NULL: none */
	void *ctx;
};

/*
 * The read end of a pipe as a core_input, read the way a tool reads stdin
 * (not a regular file: no size, a read returns what is there).  A memory
 * input of no bytes is turned into it rather than opening /proc/self/fd/N
 * with core_input_open: its buffer starts at one byte and grows as
 * compact() doubles it, where core_input_open's 256 KiB buffer costs an
 * mmap and munmap per run under ASan (100 runs/s instead of thousands).
 */
static void
open_pipe_input(struct core_input *in, int rfd, size_t max_rec)
{
	core_input_open_mem(in, NULL, 0, "fuzz", max_rec);
	in->fd = rfd;
	in->eof = 0;
	in->isreg = 0;
	in->size = 0;
}

/*
 * Decodes data[0..size) to the end, checking every event.  Returns the
 * number of events.  In chunk mode the bytes go through a pipe: up to
 * chunk bytes are written each time the decoder asks for more
 * (CORE_EV_NONE), and the input reads what it has room for (its buffer
 * starts at one byte), so the decoder sees input cut at many places.
 */
static FUZZ_UNUSED size_t
fuzz_decode(const struct fuzz_decode *fd, const uint8_t *data, size_t size)
{
	struct core_input in;
	struct core_dec *d;
	struct core_event ev;
	enum core_ev k;
	size_t events = 0, limit = 4 * size + 64, sent = 0;
	int nones_at_eof = 0, pfd[2] = { -1, -1 }, utf8, fatal = 0;

	if (fd->chunk == 0) {
		core_input_open_mem(&in, data, size, "fuzz", fd->max_rec);
	} else {
		if (pipe2(pfd, O_CLOEXEC) < 0)
			fuzz_fail("pipe: %s", strerror(errno));
		/* A full pipe must not block the writer, who is the reader
		 * too: what does not fit is written at the next request. */
		if (fcntl(pfd[1], F_SETFL, O_NONBLOCK) < 0)
			fuzz_fail("fcntl: %s", strerror(errno));
		open_pipe_input(&in, pfd[0], fd->max_rec);
	}
	d = core_dec_new(&in, &fd->o);
	if (d == NULL)
		fuzz_fail("no decoder for format %s", fd->o.format);
	for (;;) {
		memset(&ev, 0, sizeof(ev));
		k = core_dec_next(d, &ev);
		if (k != ev.kind)
			fuzz_fail("decoder returned %d but set kind %d", (int)k,
			    (int)ev.kind);
		if (k == CORE_EV_EOF)
			break;
		if (k == CORE_EV_NONE) {
			ssize_t n;

			if (in.eof && ++nones_at_eof > 1)
				fuzz_fail("decoder %s asks for input after "
				    "the end twice in a row (a tool would "
				    "spin)",
				    core_dec_format(d));
			if (pfd[1] >= 0) {
				size_t c = size - sent < fd->chunk ?
				    size - sent : fd->chunk;
				ssize_t w = 0;

				if (c == 0) {
					close(pfd[1]);
					pfd[1] = -1;
				} else if ((w = write(pfd[1], data + sent,
				    c)) < 0 && errno != EAGAIN) {
					fuzz_fail("write to pipe: %s",
					    strerror(errno));
				}
				if (w > 0)
					sent += (size_t)w;
			}
			n = core_input_fill(&in);
			if (n < 0)
				fuzz_fail("read: %s", strerror(errno));
			continue;
		}
		nones_at_eof = 0;
		if (ev.kind == CORE_EV_BAD && ev.fatal)
			fatal = 1;
		/* "auto" may find frames, whose strings are bytes. */
		utf8 = fd->utf8 && strcmp(core_dec_format(d), "ndjson") == 0;
		fuzz_check_event(&ev, size, utf8);
		if (fd->trace)
			tr_event(fd->trace, &ev, fd->with_pos);
		if (fd->fn)
			fd->fn(fd->ctx, &ev);
		if (++events > limit)
			fuzz_fail("decoder %s handed out more than %zu events "
			    "for %zu bytes", core_dec_format(d), limit, size);
	}
	/* After a fatal error a decoder may stop reading. */
	if (fd->chunk && !fatal && (pfd[1] >= 0 || sent < size))
		fuzz_fail("decoder %s ended before the input did (%zu of %zu "
		    "bytes sent)", core_dec_format(d), sent, size);
	if (pfd[1] >= 0)
		close(pfd[1]);
	core_dec_free(d);
	core_input_close(&in);
	return events;
}

/* ---- frames round trip --------------------------------------------------- */

/*
 * Events are re-encoded as they come into a frame stream on a memfd, and
 * traced; at the end the stream is decoded again with the raw frame API
 * and must give the same trace.
 */
struct fuzz_rt {
	struct core_frame_enc enc;
	struct fuzz_trace want;
	uint64_t n;
	/* Copies of the records, when keep is set (fuzz_text_roundtrip). */
	int keep;
	struct core_rec **recs;
	size_t nrecs, caprecs;
};

/*
 * One output for every run, never released: core_out_init's 256 KiB
 * buffer would cost an mmap per run under ASan.  It stays reachable, so
 * LeakSanitizer does not count it.
 */
static struct core_out fuzz_out_;
static int fuzz_out_fd = -1;

/* The shared output, writing to a memfd (see fuzz_out_take). */
static FUZZ_UNUSED struct core_out *
fuzz_out(void)
{
	if (fuzz_out_fd < 0) {
		fuzz_out_fd = memfd_create("fuzz", MFD_CLOEXEC);
		if (fuzz_out_fd < 0)
			fuzz_fail("memfd_create: %s", strerror(errno));
		core_out_init(&fuzz_out_, fuzz_out_fd, "memfd");
	}
	return &fuzz_out_;
}

/*
 * Flushes the shared output and returns what it got since the last call:
 * new, with a NUL after it; the output is empty again.
 */
static FUZZ_UNUSED unsigned char *
fuzz_out_take(size_t *len)
{
	struct core_out *o = fuzz_out();
	off_t end;
	unsigned char *p;

	if (core_out_flush(o) < 0)
		fuzz_fail("output: %s", strerror(o->err));
	end = lseek(fuzz_out_fd, 0, SEEK_CUR);
	if (end < 0)
		fuzz_fail("lseek: %s", strerror(errno));
	p = core_xmalloc((size_t)end + 1);
	if (end && pread(fuzz_out_fd, p, (size_t)end, 0) != end)
		fuzz_fail("pread: %s", strerror(errno));
	p[end] = '\0';
	*len = (size_t)end;
	if (ftruncate(fuzz_out_fd, 0) < 0 ||
	    lseek(fuzz_out_fd, 0, SEEK_SET) < 0)
		fuzz_fail("ftruncate: %s", strerror(errno));
	return p;
}

static FUZZ_UNUSED void
fuzz_rt_begin(struct fuzz_rt *rt)
{
	memset(rt, 0, sizeof(*rt));
	core_frame_enc_init(&rt->enc, fuzz_out());
	core_frame_put_header(&rt->enc);
}

/* Re-encodes one event; records alternately from their raw frame body
 * (when they have one) and value by value. */
static FUZZ_UNUSED void
fuzz_rt_add(struct fuzz_rt *rt, const struct core_event *ev)
{
	struct core_rec r;

	switch (ev->kind) {
	case CORE_EV_REC:
		if (rt->keep) {
			if (rt->nrecs == rt->caprecs)
				rt->recs = core_xgrow(rt->recs, &rt->caprecs,
				    rt->nrecs + 1, sizeof(*rt->recs));
			rt->recs[rt->nrecs++] = core_rec_copy(&ev->rec);
		}
		r = ev->rec;
		if (rt->n++ & 1)
			core_rec_touch(&r);
		core_frame_put_rec(&rt->enc, &r);
		break;
	case CORE_EV_WM:
		core_frame_put_wm(&rt->enc, ev->wm);
		break;
	case CORE_EV_CLOSE:
		core_frame_put_close(&rt->enc, &ev->win);
		break;
	case CORE_EV_BARRIER:
		core_frame_put_barrier(&rt->enc, ev->barrier);
		break;
	case CORE_EV_END:
		/* After the end a new stream may follow, with its own header
		 * and schemas (cat a.frames b.frames). */
		core_frame_put_end(&rt->enc);
		core_frame_enc_release(&rt->enc);
		core_frame_enc_init(&rt->enc, fuzz_out());
		core_frame_put_header(&rt->enc);
		break;
	default:
		return;
	}
	tr_event(&rt->want, ev, 0);
}

static FUZZ_UNUSED void
fuzz_rt_event(void *ctx, const struct core_event *ev)
{
	fuzz_rt_add(ctx, ev);
}

/* Decodes the stream written and compares; releases everything but the
 * copies of the records (fuzz_rt_free_recs). */
static FUZZ_UNUSED void
fuzz_rt_end(struct fuzz_rt *rt)
{
	struct core_frame_dec dec;
	struct core_event ev;
	struct fuzz_trace got = { 0 };
	unsigned char *p;
	size_t len, pos = 0, n;

	core_frame_enc_release(&rt->enc);
	p = fuzz_out_take(&len);
	core_frame_dec_init(&dec, 0);
	while (pos < len) {
		memset(&ev, 0, sizeof(ev));
		n = core_frame_decode(&dec, p + pos, len - pos, 1, &ev);
		if (n == 0 || n > len - pos)
			fuzz_fail("frame decoder consumed %zu of %zu bytes at "
			    "eof", n, len - pos);
		if (ev.kind == CORE_EV_BAD)
			fuzz_fail("re-encoded frames do not decode: %s at "
			    "offset %zu", ev.reason, pos + (size_t)ev.off);
		pos += n;
		if (ev.kind == CORE_EV_NONE)
			continue;
		fuzz_check_event(&ev, len, 0);
		tr_event(&got, &ev, 0);
	}
	tr_compare(&rt->want, &got, "frames round trip");
	core_frame_dec_release(&dec);
	tr_release(&got);
	tr_release(&rt->want);
	free(p);
}

static FUZZ_UNUSED void
fuzz_rt_free_recs(struct fuzz_rt *rt)
{
	size_t i;

	for (i = 0; i < rt->nrecs; i++)
		core_rec_free(rt->recs[i]);
	free(rt->recs);
	rt->recs = NULL;
	rt->nrecs = rt->caprecs = 0;
}

/*
 * Writes records r[0..n) with the writer of format wformat and reads the
 * output back with the decoder options o: the same records must come
 * back.  Only for formats that promise it (CSV and TSV: every string is
 * written so that it reads back; lines: the writer is "the inverse of
 * the lines reader"), and only where they do: one schema
 * (a schema change starts a new header block, which a reader takes for
 * data) and no ragged rows (their padding null is written as an empty
 * field, which TSV and no_infer CSV read back as "").  Two losses are by
 * design and skipped: TSV has no quoting, so a first field that starts
 * with U+FEFF reads back as a byte order mark; and the lines reader
 * takes one '\r' before '\n' as part of a CRLF line end.
 */
static int
fuzz_bom_at(const char *p, size_t len)
{
	return len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0;
}

/* The TSV output would start with U+FEFF: the first name or value. */
static int
fuzz_tsv_bom(const struct core_rec *r)
{
	const struct core_sym *f;

	if (r->schema->n == 0)
		return 0;
	f = r->schema->f[0];
	if (fuzz_bom_at(f->name, f->len))
		return 1;
	return r->v[0].type == CORE_STR && fuzz_bom_at(r->v[0].u.s,
	    r->v[0].len);
}

/* A string value that ends with '\r' (the lines reader's CRLF). */
static int
fuzz_ends_cr(const struct core_rec *r)
{
	size_t i;

	for (i = 0; i < r->schema->n; i++)
		if (r->v[i].type == CORE_STR && r->v[i].len &&
		    r->v[i].u.s[r->v[i].len - 1] == '\r')
			return 1;
	return 0;
}

static FUZZ_UNUSED void
fuzz_text_roundtrip(const char *wformat, const struct core_decopts *o,
    struct core_rec *const *r, size_t n)
{
	struct core_wopts wo = { 0 };
	struct core_writer *w;
	struct fuzz_decode fd;
	struct fuzz_trace want = { 0 }, got = { 0 };
	struct core_event ev;
	unsigned char *p;
	size_t len, i;
	char what[64];

	if (n == 0 || o->allow_ragged)
		return;
	for (i = 1; i < n; i++)
		if (r[i]->schema != r[0]->schema)
			return;
	if (strcmp(wformat, "tsv") == 0 && fuzz_tsv_bom(r[0]))
		return;
	for (i = 0; strcmp(wformat, "lines") == 0 && i < n; i++)
		if (fuzz_ends_cr(r[i]))
			return;
	wo.format = wformat;
	wo.no_header = o->no_header;
	w = core_writer_new(fuzz_out(), &wo);
	if (w == NULL)
		fuzz_fail("no writer for %s", wformat);
	memset(&ev, 0, sizeof(ev));
	ev.kind = CORE_EV_REC;
	for (i = 0; i < n; i++) {
		core_writer_rec(w, r[i]);
		ev.rec = *r[i];
		tr_event(&want, &ev, 0);
	}
	core_writer_end(w);
	core_writer_free(w);
	p = fuzz_out_take(&len);
	memset(&fd, 0, sizeof(fd));
	fd.o = *o;
	fd.trace = &got;
	fuzz_decode(&fd, p, len);
	snprintf(what, sizeof(what), "%s written and read back", wformat);
	tr_compare(&want, &got, what);
	tr_release(&want);
	tr_release(&got);
	free(p);
}

/* ---- the usual body of a decoder target ---------------------------------- */

/*
 * The first two input bytes choose options; the rest is the input.
 *   byte 0: bit 0 no_infer, bit 1 no_header, bit 2 allow_ragged,
 *           bits 3-4 max_rec (default, 16, 64, 300), bits 5-7 format
 *           (index into formats, modulo their number);
 *   byte 1: 0 decode at once only; else also through a pipe in chunks of
 *           byte 1 bytes (1..255), and compare.
 * Each run also re-encodes what it decoded as frames and decodes it back,
 * and when writer names a format, writes it in that format and reads it
 * back (fuzz_text_roundtrip).
 */
static FUZZ_UNUSED void
fuzz_decoder_target(const char *const *formats, int utf8, uint32_t max_frame,
    const char *writer, const uint8_t *data, size_t size)
{
	static const size_t max_recs[4] = { 0, 16, 64, 300 };
	struct fuzz_decode fd;
	struct fuzz_trace whole = { 0 }, chunked = { 0 };
	struct fuzz_rt rt;
	size_t nformats = 0;

	if (size < 2)
		return;
	while (formats[nformats])
		nformats++;
	memset(&fd, 0, sizeof(fd));
	fd.o.format = formats[(data[0] >> 5) % nformats];
	fd.o.no_infer = data[0] & 1;
	fd.o.no_header = (data[0] >> 1) & 1;
	fd.o.allow_ragged = (data[0] >> 2) & 1;
	fd.o.max_frame = max_frame;
	fd.max_rec = max_recs[(data[0] >> 3) & 3];
	fd.utf8 = utf8;
	fd.with_pos = 1;
	fd.trace = &whole;
	fuzz_rt_begin(&rt);
	rt.keep = writer != NULL;
	fd.fn = fuzz_rt_event;
	fd.ctx = &rt;
	fuzz_decode(&fd, data + 2, size - 2);
	fuzz_rt_end(&rt);
	if (writer)
		fuzz_text_roundtrip(writer, &fd.o, rt.recs, rt.nrecs);
	fuzz_rt_free_recs(&rt);
	if (data[1]) {
		fd.chunk = data[1];
		fd.trace = &chunked;
		fd.fn = NULL;
		fuzz_decode(&fd, data + 2, size - 2);
		tr_compare(&whole, &chunked, "at once vs. in chunks");
	}
	tr_release(&whole);
	tr_release(&chunked);
}
