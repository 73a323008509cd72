/* SPDX-License-Identifier: MIT */
/* CSV (RFC 4180): read with libcsv, written by hand. */
#include <csv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <string.h>

#include "libcore/buf.h"
#include "libcore/dec.h"
#include "libcore/fmt.h"
#include "libcore/json.h"
#include "libcore/writer.h"
#include "libcore/xalloc.h"

/* ---- reader ------------------------------------------------------------- */

/*
 * How the reader uses libcsv.
 *
 * Lines are fed to csv_parse one at a time, with their '\n'.  That keeps
 * line numbers and byte offsets exact without libcsv telling positions: a
 * record starts on the line that was fed while the parser stood between
 * rows, and a quoted field with line breaks simply keeps the parser inside
 * a row over several lines.  CSV_REPALL_NL makes libcsv report every
 * terminator, so a blank line or the '\n' of a CRLF comes back as a row of
 * no fields, which is skipped; the '\r' of a CRLF ends the row and never
 * reaches a field.  A lone '\r' (old Mac files) also ends a row, but lines
 * are counted by '\n' only.
 *
 * Strict mode rejects a quote inside an unquoted field and anything but a
 * delimiter or a line end after a closing quote.  Then the record is bad
 * ("bad CSV quoting"), the rest of that line is dropped, the parser starts
 * afresh and reading goes on with the next line.  A quoted field still
 * open at the end of the input is bad too; the lines after the record's
 * first line are then read again as new records, so one stray quote costs
 * one line, not the rest of the file.
 *
 * libcsv trims spaces and tabs around fields by default; a space function
 * that accepts nothing turns that off, so " a " keeps its spaces.
 *
 * A record may span at most max_rec bytes of lines; past that it is bad
 * and reading goes on with the next line.  Lines with no quote (most
 * machine-written CSV) are split without libcsv, the same way (see
 * feed_plain).
 *
 * The first row is the header (with no_header, fields are named 1, 2, ...
 * after the first row's width).  Header names are made distinct: an empty
 * name becomes its position, a repeated one gets _2, _3, ...; bytes that
 * are not UTF-8 become U+FFFD, since names travel in frames as UTF-8.
 * A row of another width is bad ("ragged row (expected 3 fields, got 2)") unless
 * allow_ragged pads it with nulls or names its extra fields by position.
 * An unquoted empty field is null, a quoted one the empty string; other
 * fields are inferred (core_value_infer) unless no_infer.  A record's line
 * and byte offset are those of the line it starts on.
 *
 * libcsv hands out each field from its own buffer, reused for the next
 * field, so fields are copied into the decoder's arena.  Completed records
 * queue up (a line may end several rows when rows end with a lone '\r')
 * and next() returns them one at a time; the arena is reset only when the
 * queue is empty.
 */

#define CSV_OPTS (CSV_STRICT | CSV_STRICT_FINI | CSV_EMPTY_IS_NULL | \
	CSV_REPALL_NL)
/* The state between rows: csv_parser.pstate is public; libcsv.c names this
 * value ROW_NOT_BEGUN. */
#define LIBCSV_ROW_NOT_BEGUN 0
#define BOM "\xef\xbb\xbf"

struct field {
	const char *p;     /* NULL: an unquoted empty field */
	size_t len;
};

enum { Q_REC, Q_BAD };

struct qent {
	int kind;
	const struct core_schema *schema;
	struct core_value *v;
	uint64_t line;
	uint64_t col;
	int64_t off;
	const char *raw;   /* Q_BAD */
	size_t rawlen;
	const char *reason;
};

struct dec_csv {
	struct core_dec base;
	struct csv_parser p;
	char delim;
	/* The header: names of the first nh fields. */
	const struct core_schema *hdr;
	const struct core_schema *wide;   /* the last schema of a long row */
	/* The row being parsed. */
	struct field *f;
	size_t nf, fcap;
	int toowide;
	uint64_t row_line;
	int64_t row_off;
	int cont;          /* the line being fed continues a row */
	const char *lp;    /* the line being fed */
	size_t llen;
	/* The lines of a row that spans lines, then lines to read again. */
	struct core_buf pend;
	struct core_buf replay;
	size_t rpos;
	uint64_t rline;
	int64_t roff;
	struct core_buf keep;
	/* Events ready to hand out. */
	struct qent *q;
	size_t qn, qhead, qcap;
	int done;
};

/* The header's names followed by positions for the fields past it. */
static const struct core_schema *
widen(struct dec_csv *c, size_t n)
{
	const struct core_sym **f;
	const struct core_schema *s;
	size_t i;

	if (c->wide && c->wide->n == n)
		return c->wide;
	f = core_xmalloc(n * sizeof(*f));
	memcpy(f, c->hdr->f, c->hdr->n * sizeof(*f));
	for (i = c->hdr->n; i < n; i++)
		if ((f[i] = core_dec_pos_name(i)) == NULL)
			break;
	s = i == n ? core_dec_distinct_schema(f, n) : NULL;
	free(f);
	if (s)
		c->wide = s;
	return s;
}

static struct qent *
qpush(struct dec_csv *c)
{
	struct qent *e;

	if (c->qn == c->qcap)
		c->q = core_xgrow(c->q, &c->qcap, c->qn + 1, sizeof(*c->q));
	e = &c->q[c->qn++];
	memset(e, 0, sizeof(*e));
	return e;
}

static void push_bad(struct dec_csv *c, uint64_t line, uint64_t col,
    int64_t off, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Queues a bad record; its raw bytes are the row's lines read so far. */
static void
push_bad(struct dec_csv *c, uint64_t line, uint64_t col, int64_t off,
    const char *fmt, ...)
{
	struct qent *e = qpush(c);
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	e->kind = Q_BAD;
	e->line = line;
	e->col = col;
	e->off = off;
	if (c->cont) {
		e->raw = c->pend.p;
		e->rawlen = c->pend.len;
	} else {
		e->raw = c->lp;
		e->rawlen = c->llen;
	}
	e->reason = core_arena_dup(&c->base.arena, msg, strlen(msg));
}

static int
no_space(unsigned char ch)
{
	(void)ch;
	return 0;
}

static void
parser_reset(struct dec_csv *c)
{
	csv_free(&c->p);
	csv_init(&c->p, CSV_OPTS);
	csv_set_delim(&c->p, (unsigned char)c->delim);
	csv_set_space_func(&c->p, no_space);
	csv_set_realloc_func(&c->p, core_xrealloc);
	csv_set_free_func(&c->p, free);
	csv_set_blk_size(&c->p, 4096);
	c->nf = 0;
	c->toowide = 0;
}

static void
header(struct dec_csv *c)
{
	const struct core_sym **f;
	size_t i;

	f = core_xmalloc((c->nf ? c->nf : 1) * sizeof(*f));
	for (i = 0; i < c->nf; i++) {
		if (c->base.opts.no_header)
			f[i] = core_dec_pos_name(i);
		else
			f[i] = core_dec_name(&c->base.arena,
			    c->f[i].p ? c->f[i].p : "", c->f[i].len);
		if (f[i] == NULL)
			break;
	}
	if (i == c->nf)
		c->hdr = core_dec_distinct_schema(f, c->nf);
	free(f);
	if (c->hdr == NULL)
		push_bad(c, c->row_line, 0, c->row_off,
		    "too many distinct field names");
}

static struct core_value
field_value(const struct dec_csv *c, const struct field *f)
{
	if (f->p == NULL)
		return c->base.opts.no_infer ? core_v_str("", 0) :
		    core_v_null();
	if (c->base.opts.no_infer || f->len == 0)
		return core_v_str(f->p, f->len);
	return core_value_infer(f->p, f->len);
}

/* A row is complete: the header, a record, or a bad record. */
static void
row(struct dec_csv *c)
{
	const struct core_schema *s;
	struct core_value *v;
	struct qent *e;
	size_t n, i, nh;

	if (c->toowide) {
		push_bad(c, c->row_line, 0, c->row_off, "more than %d fields",
		    CORE_MAX_FIELDS);
		return;
	}
	if (c->hdr == NULL) {
		header(c);
		if (!c->base.opts.no_header || c->hdr == NULL)
			return;
	}
	nh = c->hdr->n;
	if (c->nf != nh && !c->base.opts.allow_ragged) {
		push_bad(c, c->row_line, 0, c->row_off,
		    "ragged row (expected %zu fields, got %zu)", nh, c->nf);
		return;
	}
	n = c->nf > nh ? c->nf : nh;
	s = n > nh ? widen(c, n) : c->hdr;
	if (s == NULL) {
		push_bad(c, c->row_line, 0, c->row_off,
		    "too many distinct field names");
		return;
	}
	v = core_arena_alloc(&c->base.arena, n * sizeof(*v));
	for (i = 0; i < c->nf; i++)
		v[i] = field_value(c, &c->f[i]);
	for (; i < n; i++)
		v[i] = core_v_null();
	e = qpush(c);
	e->kind = Q_REC;
	e->schema = s;
	e->v = v;
	e->line = c->row_line;
	e->off = c->row_off;
}

/* libcsv's field callback. */
static void
on_field(void *s, size_t len, void *data)
{
	struct dec_csv *c = data;
	struct field *f;
	char *m;

	if (c->nf >= CORE_MAX_FIELDS) {
		c->toowide = 1;
		return;
	}
	if (c->nf == c->fcap)
		c->f = core_xgrow(c->f, &c->fcap, c->nf + 1, sizeof(*c->f));
	f = &c->f[c->nf++];
	f->len = len;
	if (s == NULL) {
		f->p = NULL;
	} else if (len == 0) {
		f->p = "";
	} else {
		m = core_arena_alloc(&c->base.arena, len);
		memcpy(m, s, len);
		f->p = m;
	}
}

/* libcsv's row callback: ch is the terminator, -1 at the end. */
static void
on_row(int ch, void *data)
{
	struct dec_csv *c = data;

	(void)ch;
	if (c->nf == 0 && !c->toowide)
		return;    /* a blank line, or the LF of a CRLF */
	row(c);
	c->nf = 0;
	c->toowide = 0;
}

/*
 * Resets the arena between batches.  A row still being parsed (a quoted
 * field spanning lines not all buffered yet) keeps its fields: they move.
 */
static void
arena_reset(struct dec_csv *c)
{
	size_t i, at = 0;
	char *m;

	if (c->nf == 0) {
		core_arena_reset(&c->base.arena);
		return;
	}
	core_buf_reset(&c->keep);
	for (i = 0; i < c->nf; i++)
		if (c->f[i].len)
			core_buf_add(&c->keep, c->f[i].p, c->f[i].len);
	core_arena_reset(&c->base.arena);
	m = core_arena_alloc(&c->base.arena, c->keep.len + 1);
	if (c->keep.len)
		memcpy(m, c->keep.p, c->keep.len);
	for (i = 0; i < c->nf; i++) {
		if (c->f[i].len) {
			c->f[i].p = m + at;
			at += c->f[i].len;
		}
	}
}

/*
 * The fast path: a line that starts a row and holds no quote and no '\r'
 * before its end is split here, zero-copy, exactly as libcsv would split
 * it with our options (fields end at the delimiter, spaces are data, an
 * empty field is an unquoted empty one; a test checks both paths agree).
 * libcsv's byte-at-a-time state machine, calling the space function for
 * every byte, runs at about 5M rows/s on 62-byte rows before any record is
 * built; this path makes the reader as a whole about 2.5 times faster.
 * Returns 0 when the line needs libcsv.
 */
/* The first delimiter, quote or '\r' at or after p (or end), 16 bytes at
 * a time where SSE2 is there. */
static inline const char *
next_special(const char *p, const char *end, char delim)
{
#ifdef __SSE2__
	const __m128i d = _mm_set1_epi8(delim), qt = _mm_set1_epi8('"');
	const __m128i cr = _mm_set1_epi8('\r');

	while (end - p >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		int bits = _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(
		    _mm_cmpeq_epi8(v, d), _mm_cmpeq_epi8(v, qt)),
		    _mm_cmpeq_epi8(v, cr)));

		if (bits)
			return p + __builtin_ctz((unsigned)bits);
		p += 16;
	}
#endif
	while (p < end && *p != delim && *p != '"' && *p != '\r')
		p++;
	return p;
}

/* A field of a plain line, q..e, stored at *v as field_value makes it. */
static inline void
plain_value(struct core_value *v, int no_infer, const char *q, const char *e)
{
	size_t len = (size_t)(e - q);

	if (len == 0)
		*v = no_infer ? core_v_str("", 0) : core_v_null();
	else if (no_infer)
		*v = core_v_str(q, len);
	else
		core_value_infer_to(v, q, len);
}

/*
 * Bit i of *dm is set when p[i] is the delimiter, of *sm when it is a
 * quote or a '\r', for i < n <= 64.  ls..end is the line (p >= ls,
 * p + n <= end): a short last block is read as the line's last 16 bytes,
 * whose bits for bytes already seen come out the same, so nothing outside
 * the line is read.  Lines shorter than 16 bytes go byte by byte.
 */
static inline void
plain_masks(const char *p, size_t n, const char *ls, const char *end,
    char delim, uint64_t *dm, uint64_t *sm)
{
	uint64_t d = 0, s = 0;
	size_t k = 0;

#ifdef __SSE2__
	if (end - ls >= 16) {
		const __m128i vd = _mm_set1_epi8(delim);
		const __m128i vq = _mm_set1_epi8('"');
		const __m128i vr = _mm_set1_epi8('\r');
		__m128i x;
		uint64_t md, ms;
		ptrdiff_t o;

		for (; k + 16 <= n; k += 16) {
			x = _mm_loadu_si128((const __m128i *)(const void *)
			    (p + k));
			d |= (uint64_t)(unsigned)_mm_movemask_epi8(
			    _mm_cmpeq_epi8(x, vd)) << k;
			s |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_or_si128(
			    _mm_cmpeq_epi8(x, vq), _mm_cmpeq_epi8(x, vr))) << k;
		}
		if (k < n) {
			o = (ptrdiff_t)n - 16;
			x = _mm_loadu_si128((const __m128i *)(const void *)
			    (p + o));
			md = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, vd));
			ms = (unsigned)_mm_movemask_epi8(_mm_or_si128(
			    _mm_cmpeq_epi8(x, vq), _mm_cmpeq_epi8(x, vr)));
			if (o >= 0) {
				d |= md << o;
				s |= ms << o;
			} else {
				d |= md >> -o;
				s |= ms >> -o;
			}
		}
		*dm = d;
		*sm = s;
		return;
	}
#else
	(void)ls;
	(void)end;
#endif
	for (; k < n; k++) {
		d |= (uint64_t)(p[k] == delim) << k;
		s |= (uint64_t)(p[k] == '"' || p[k] == '\r') << k;
	}
	*dm = d;
	*sm = s;
}

/*
 * The common case of the fast path, once the header is known: a plain
 * line of exactly the header's width becomes a queued record in one pass,
 * each value inferred as its delimiter comes up, without the field list.
 * The line is looked at 64 bytes at a time: one bit per delimiter, one
 * per quote or '\r'.  Returns 0, having done nothing that shows, when the
 * line has a quote or a '\r' or another width: the general path then
 * takes it from the start.
 */
static int
plain_row(struct dec_csv *c, const char *q, const char *end)
{
	const size_t nh = c->hdr->n;
	const int no_infer = c->base.opts.no_infer;
	const char delim = c->delim;
	const char *ls = q, *b, *e;
	struct core_value *v;
	struct qent *qe;
	uint64_t dm, sm;
	size_t i = 0, n;

	v = core_arena_alloc(&c->base.arena, nh * sizeof(*v));
	for (b = ls; b < end; b += n) {
		n = (size_t)(end - b) < 64 ? (size_t)(end - b) : 64;
		plain_masks(b, n, ls, end, delim, &dm, &sm);
		if (sm)
			return 0;
		for (; dm; dm &= dm - 1) {
			e = b + __builtin_ctzll(dm);
			if (i == nh)
				return 0;
			plain_value(&v[i++], no_infer, q, e);
			q = e + 1;
		}
	}
	if (i + 1 != nh)
		return 0;
	plain_value(&v[i], no_infer, q, end);
	qe = qpush(c);
	qe->kind = Q_REC;
	qe->schema = c->hdr;
	qe->v = v;
	qe->line = c->row_line;
	qe->off = c->row_off;
	return 1;
}

static int
feed_plain(struct dec_csv *c, const char *p, size_t len, uint64_t line,
    int64_t off)
{
	const char *q, *e, *end;
	const char delim = c->delim;
	size_t n = len;
	struct field *f;

	if (c->p.pstate != LIBCSV_ROW_NOT_BEGUN)
		return 0;
	if (n && p[n - 1] == '\r')
		n--;
	q = p;
	end = p + n;
	if (off == 0 && n >= 3 && memcmp(p, BOM, 3) == 0)
		q += 3;
	if (q == end) {
		c->row_line = line;
		return 1;    /* a blank line */
	}
	if (c->hdr != NULL) {
		c->row_line = line;
		c->row_off = off;
		if (plain_row(c, q, end)) {
			c->cont = 0;
			c->lp = p;
			c->llen = len;
			c->nf = 0;
			c->toowide = 0;
			return 1;
		}
	}
	/* One pass: split at delimiters, give up at a quote or a '\r'. */
	c->nf = 0;
	for (e = q;; e++) {
		e = next_special(e, end, delim);
		if (e < end && *e != delim) {
			c->nf = 0;    /* a quote or a '\r': libcsv's job */
			return 0;
		}
		if (c->nf >= CORE_MAX_FIELDS) {
			c->toowide = 1;
		} else {
			if (c->nf == c->fcap)
				c->f = core_xgrow(c->f, &c->fcap, c->nf + 1,
				    sizeof(*c->f));
			f = &c->f[c->nf++];
			f->p = e == q ? NULL : q;
			f->len = (size_t)(e - q);
		}
		if (e == end)
			break;
		q = e + 1;
	}
	c->cont = 0;
	c->row_line = line;
	c->row_off = off;
	c->lp = p;
	c->llen = len;
	row(c);
	c->nf = 0;
	c->toowide = 0;
	return 1;
}

/* Feeds one line; p[len] is its '\n' when term. */
static void
feed(struct dec_csv *c, const char *p, size_t len, int term, uint64_t line,
    int64_t off)
{
	size_t skip = 0, want, n;

	if (feed_plain(c, p, len, line, off))
		return;
	c->cont = c->p.pstate != LIBCSV_ROW_NOT_BEGUN;
	if (!c->cont) {
		c->row_line = line;
		c->row_off = off;
		core_buf_reset(&c->pend);
		/* A byte order mark is allowed at the very start. */
		if (off == 0 && len >= 3 && memcmp(p, BOM, 3) == 0)
			skip = 3;
	} else {
		core_buf_add(&c->pend, p, len + (size_t)term);
	}
	c->lp = p;
	c->llen = len;
	want = len + (size_t)term - skip;
	n = csv_parse(&c->p, p + skip, want, on_field, on_row, c);
	if (n < want) {
		size_t col = skip + n + 1;

		if (csv_error(&c->p) != CSV_EPARSE)
			push_bad(c, c->row_line, 0, c->row_off, "CSV: %s",
			    csv_strerror(csv_error(&c->p)));
		else if (line == c->row_line)
			push_bad(c, c->row_line, col, c->row_off,
			    "bad CSV quoting at column %zu", col);
		else
			push_bad(c, c->row_line, 0, c->row_off,
			    "bad CSV quoting at line %llu, column %zu",
			    (unsigned long long)line, col);
		parser_reset(c);
		return;
	}
	if (c->p.pstate == LIBCSV_ROW_NOT_BEGUN)
		return;
	if (!c->cont)
		core_buf_add(&c->pend, p, len + (size_t)term);
	if (c->pend.len > c->base.in->max_rec) {
		c->cont = 1;
		push_bad(c, c->row_line, 0, c->row_off,
		    "CSV record longer than %zu bytes", c->base.in->max_rec);
		parser_reset(c);
	}
}

/* The end of the input: the last row may lack its line end. */
static void
finish(struct dec_csv *c)
{
	struct core_buf t;
	const char *nl;
	size_t first;

	c->cont = 1;
	if (csv_fini(&c->p, on_field, on_row, c) == 0) {
		c->done = 1;
		return;
	}
	/* A quoted field never closed: the record is bad from its first
	 * line, and the lines after that one are read again. */
	nl = c->pend.len ? memchr(c->pend.p, '\n', c->pend.len) : NULL;
	first = nl ? (size_t)(nl - c->pend.p) : c->pend.len;
	c->cont = 0;
	c->lp = c->pend.p;
	c->llen = first;
	push_bad(c, c->row_line, 0, c->row_off,
	    "bad CSV quoting: quoted field not closed at the end of the input");
	parser_reset(c);
	if (nl) {
		t = c->replay;
		c->replay = c->pend;
		c->pend = t;
		c->rpos = first + 1;
		c->rline = c->row_line + 1;
		c->roff = c->row_off + (int64_t)first + 1;
	}
	core_buf_reset(&c->pend);
}

static enum core_ev
pop(struct dec_csv *c, struct core_event *ev)
{
	struct qent *e = &c->q[c->qhead++];

	if (e->kind == Q_BAD)
		return core_dec_bad(&c->base, ev, e->raw, e->rawlen, e->line,
		    e->col, e->off, "%s", e->reason);
	ev->rec.schema = e->schema;
	ev->rec.v = e->v;
	return core_dec_text_rec(ev, e->line, e->off);
}

static enum core_ev
csv_next(struct core_dec *d, struct core_event *ev)
{
	struct dec_csv *c = (struct dec_csv *)d;
	const char *p;
	size_t len;
	uint64_t line;
	int64_t off;
	int r, term;

	for (;;) {
		if (c->qhead < c->qn)
			return pop(c, ev);
		c->qhead = c->qn = 0;
		arena_reset(c);
		if (c->rpos < c->replay.len) {
			const char *nl;

			p = c->replay.p + c->rpos;
			len = c->replay.len - c->rpos;
			nl = memchr(p, '\n', len);
			term = nl != NULL;
			if (nl)
				len = (size_t)(nl - p);
			line = c->rline++;
			off = c->roff;
			c->roff += (int64_t)(len + (size_t)term);
			c->rpos += len + (size_t)term;
			feed(c, p, len, term, line, off);
			continue;
		}
		r = core_input_line(d->in, &p, &len, &line, &off);
		if (r == 0) {
			if (!d->in->eof)
				return ev->kind = CORE_EV_NONE;
			if (c->done)
				return ev->kind = CORE_EV_EOF;
			finish(c);
			continue;
		}
		if (r == 2) {
			if (c->p.pstate != LIBCSV_ROW_NOT_BEGUN)
				line = c->row_line;
			parser_reset(c);
			core_buf_reset(&c->pend);
			return core_dec_bad(d, ev, p, len, line, 0, off,
			    "line longer than %zu bytes", d->in->max_rec);
		}
		term = d->in->buf + d->in->pos > p + len;
		feed(c, p, len, term, line, off);
	}
}

static void
csv_dfree(struct core_dec *d)
{
	struct dec_csv *c = (struct dec_csv *)d;

	csv_free(&c->p);
	free(c->f);
	free(c->q);
	core_buf_release(&c->pend);
	core_buf_release(&c->replay);
	core_buf_release(&c->keep);
	core_dec_base_release(d);
	free(c);
}

static const struct core_dec_vtab csv_vt = { "csv", csv_next, csv_dfree };

struct core_dec *
core_dec_csv_new(struct core_input *in, const struct core_decopts *o,
    char delim)
{
	struct dec_csv *c = core_xcalloc(1, sizeof(*c));

	core_dec_base_init(&c->base, &csv_vt, in, o);
	c->delim = delim;
	csv_init(&c->p, CSV_OPTS);
	parser_reset(c);
	core_buf_init(&c->pend);
	core_buf_init(&c->replay);
	core_buf_init(&c->keep);
	return &c->base;
}

/* ---- writer ------------------------------------------------------------- */

/*
 * A field is quoted when it holds the delimiter, '"', '\r' or '\n', starts
 * or ends with a space or tab (many readers trim them), or is an empty
 * string: "" is the empty string, nothing at all is null.  Inside quotes
 * '"' is doubled.  Lines end with "\n".
 *
 * Schema change: when a record's field names differ from the previous
 * record's, an empty line and a new header line come first (Miller's
 * csvlite behaviour), so every block reads back as CSV on its own.  With
 * no_header, rows simply follow each other.
 */

struct wr_csv {
	struct core_writer base;
	char delim;
	unsigned char special[256];
	const struct core_schema *last;
	int started;
	struct core_buf tmp;
};

/* A schema's header line, rendered once per schema (CORE_SCACHE_CSV). */
struct csv_head {
	size_t len;
	char text[];
};

static int
csv_needs_quotes(const struct wr_csv *w, const char *s, size_t len)
{
	size_t i;

	if (len == 0 || s[0] == ' ' || s[0] == '\t' || s[len - 1] == ' ' ||
	    s[len - 1] == '\t')
		return 1;
	/* A leading U+FEFF would be taken for a byte order mark. */
	if (len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		return 1;
	for (i = 0; i < len; i++)
		if (w->special[(unsigned char)s[i]])
			return 1;
	return 0;
}

/* Writes s as a field; needs 2 * len + 2 bytes. */
static char *
csv_put(const struct wr_csv *w, char *d, const char *s, size_t len)
{
	size_t i;

	if (!csv_needs_quotes(w, s, len)) {
		memcpy(d, s, len);
		return d + len;
	}
	*d++ = '"';
	for (i = 0; i < len; i++) {
		if (s[i] == '"')
			*d++ = '"';
		*d++ = s[i];
	}
	*d++ = '"';
	return d;
}

static void
csv_header(struct wr_csv *w, const struct core_schema *s)
{
	struct csv_head *h = w->delim == ',' ? s->cache[CORE_SCACHE_CSV] : NULL;
	size_t len = 1, i;
	char *d, *start;

	if (h) {
		core_out_write(w->base.out, h->text, h->len);
		return;
	}
	for (i = 0; i < s->n; i++)
		len += 2 * (size_t)s->f[i]->len + 3;
	if (w->delim == ',') {
		h = core_xmalloc(sizeof(*h) + len);
		start = h->text;
	} else {
		core_buf_reset(&w->tmp);
		core_buf_grow(&w->tmp, len);
		start = w->tmp.p;
	}
	d = start;
	for (i = 0; i < s->n; i++) {
		if (i)
			*d++ = w->delim;
		d = csv_put(w, d, s->f[i]->name, s->f[i]->len);
	}
	*d++ = '\n';
	if (h) {
		h->len = (size_t)(d - start);
		((struct core_schema *)s)->cache[CORE_SCACHE_CSV] = h;
	}
	core_out_write(w->base.out, start, (size_t)(d - start));
}

static void
csv_rec(struct core_writer *wr, const struct core_rec *r)
{
	struct wr_csv *w = (struct wr_csv *)wr;
	const struct core_schema *s = r->schema;
	size_t max = s->n + 1, i;
	char *d;

	if (s != w->last) {
		if (!w->base.opts.no_header) {
			if (w->started)
				core_out_putc(w->base.out, '\n');
			csv_header(w, s);
		}
		w->last = s;
	}
	w->started = 1;
	for (i = 0; i < s->n; i++) {
		const struct core_value *v = &r->v[i];

		if (v->type == CORE_STR || v->type == CORE_JSON)
			max += 2 * (size_t)v->len + 2;
		else
			max += core_fmt_json_value_max(v);
	}
	d = core_out_reserve(w->base.out, max);
	for (i = 0; i < s->n; i++) {
		const struct core_value *v = &r->v[i];

		if (i)
			*d++ = w->delim;
		if (v->type == CORE_STR) {
			d = csv_put(w, d, v->u.s, v->len);
		} else if (v->type == CORE_JSON) {
			/* Compact text is never longer than the JSON. */
			core_buf_reset(&w->tmp);
			core_buf_grow(&w->tmp, v->len);
			w->tmp.len = (size_t)(core_fmt_text_value(w->tmp.p, v) -
			    w->tmp.p);
			d = csv_put(w, d, w->tmp.p, w->tmp.len);
		} else {
			/* Numbers, bools and times never need quotes. */
			d = core_fmt_text_value(d, v);
		}
	}
	*d++ = '\n';
	core_out_commit(w->base.out, d);
}

static void
csv_wfree(struct core_writer *wr)
{
	struct wr_csv *w = (struct wr_csv *)wr;

	core_buf_release(&w->tmp);
	free(w);
}

static const struct core_writer_vtab csv_wvt = {
	"csv", csv_rec, NULL, NULL, NULL, NULL, NULL, csv_wfree
};

struct core_writer *
core_writer_csv_new(struct core_out *out, const struct core_wopts *o,
    char delim)
{
	struct wr_csv *w = core_xcalloc(1, sizeof(*w));

	core_writer_base_init(&w->base, &csv_wvt, out, o);
	w->delim = delim;
	w->special[(unsigned char)delim] = 1;
	w->special['"'] = 1;
	w->special['\r'] = 1;
	w->special['\n'] = 1;
	core_buf_init(&w->tmp);
	return &w->base;
}
