/* SPDX-License-Identifier: MIT */
/* The aligned-table writer for people, and the "lines" writer. */
#include <stdlib.h>
#include <string.h>

#include "libcore/buf.h"
#include "libcore/fmt.h"
#include "libcore/writer.h"
#include "libcore/xalloc.h"

/* ---- table -------------------------------------------------------------- */

/*
 * Rows are held back and printed as aligned blocks:
 *
 *	host     status  ms
 *	web-07      200  12.5
 *	web-1       404  -
 *
 * A block goes out when the input would block (idle), a window closes,
 * the stream ends, or TABLE_MAX_ROWS rows are waiting; so a live pipeline
 * prints each window's result as one table, and a file prints tables of
 * up to TABLE_MAX_ROWS rows.  Every block starts with its header line and
 * blocks are separated by an empty line; a change of schema inside a
 * block also starts a new header after an empty line.  With no_header
 * there are no header lines (the blocks are still aligned and separated).
 *
 * Columns are separated by two spaces.  Numbers (ints and doubles) are
 * right-aligned, everything else left-aligned; a column's header is
 * right-aligned when all its non-null values are numbers.  Null is shown
 * as "-", the empty string as nothing.  Control characters in values are
 * escaped (\n, \r, \t, \xHH) so that a row stays on one line; other bytes
 * are shown as they are.  Width is counted in UTF-8 code points, which is
 * right for most text but not for wide (CJK, emoji) or combining
 * characters.  The last column is not padded, so lines have no trailing
 * blanks.
 */

#define TABLE_MAX_ROWS 10000
#define TABLE_SEP 2

struct cell {
	size_t off;        /* into wr_table.text */
	size_t len;
	size_t width;
	int right;
};

struct wr_table {
	struct core_writer base;
	struct core_rec **rows;
	size_t n, cap;
	int blocks;        /* blocks printed so far */
	struct core_buf text;   /* the rendered cells of a run */
	struct core_buf tmp;
	struct cell *cells;
	size_t ccap;
	size_t *width;
	int *numeric;      /* per column: 1 all numbers, 0 no values, -1 not */
	size_t wcap;
	/* What the last header was printed for, so that later rows of the
	 * same shape continue one table instead of starting another. */
	const struct core_schema *pschema;
	size_t *pwidth;
	int *pnumeric;
	size_t pcap;
};

/* Code points in s[0..len): bytes that are not UTF-8 continuations. */
static size_t
text_width(const char *s, size_t len)
{
	size_t i, w = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			w++;
	return w;
}

/* Appends s to b with control characters escaped. */
static void
add_escaped(struct core_buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, start = 0;
	char e[4];

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c != 0x7f)
			continue;
		core_buf_add(b, s + start, i - start);
		start = i + 1;
		e[0] = '\\';
		if (c == '\n' || c == '\r' || c == '\t') {
			e[1] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
			core_buf_add(b, e, 2);
		} else {
			e[1] = 'x';
			e[2] = hex[c >> 4];
			e[3] = hex[c & 15];
			core_buf_add(b, e, 4);
		}
	}
	core_buf_add(b, s + start, len - start);
}

static void
render(struct wr_table *t, struct cell *c, const struct core_value *v)
{
	size_t at = t->text.len;

	c->off = at;
	c->right = v->type == CORE_INT || v->type == CORE_DOUBLE;
	if (v->type == CORE_NULL) {
		core_buf_addc(&t->text, '-');
	} else if (v->type == CORE_STR) {
		add_escaped(&t->text, v->u.s, v->len);
	} else {
		core_buf_reset(&t->tmp);
		core_buf_grow(&t->tmp, core_fmt_json_value_max(v));
		t->tmp.len = (size_t)(core_fmt_text_value(t->tmp.p, v) -
		    t->tmp.p);
		add_escaped(&t->text, t->tmp.p, t->tmp.len);
	}
	c->len = t->text.len - at;
	c->width = text_width(t->text.p + at, c->len);
}

/*
 * Writes one cell padded to colw, and the separator unless last.  *cend is
 * moved past the cell's text when it has any, so that a line can drop the
 * blanks after its last text.
 */
static char *
put_cell(char *d, const char *s, size_t len, size_t width, size_t colw,
    int right, int last, char **cend)
{
	size_t pad = colw > width ? colw - width : 0;

	if (right) {
		memset(d, ' ', pad);
		d += pad;
	}
	memcpy(d, s, len);
	d += len;
	if (len)
		*cend = d;
	if (!right && !last) {
		memset(d, ' ', pad);
		d += pad;
	}
	if (!last) {
		memset(d, ' ', TABLE_SEP);
		d += TABLE_SEP;
	}
	return d;
}

/* Prints rows[from..to), which share one schema, as a table. */
static void
print_run(struct wr_table *t, size_t from, size_t to)
{
	const struct core_schema *s = t->rows[from]->schema;
	size_t nc = s->n, nr = to - from, i, j, linemax = 1, hdrlen = 0;
	struct cell *c;
	char *d;
	int same;

	if (nc > t->wcap) {
		size_t cap = t->wcap;

		t->width = core_xgrow(t->width, &cap, nc, sizeof(*t->width));
		t->numeric = core_xgrow(t->numeric, &t->wcap, nc,
		    sizeof(*t->numeric));
	}
	if (nc * nr > t->ccap)
		t->cells = core_xgrow(t->cells, &t->ccap, nc * nr,
		    sizeof(*t->cells));
	core_buf_reset(&t->text);
	for (j = 0; j < nc; j++) {
		t->width[j] = 0;
		t->numeric[j] = 0;
		if (!t->base.opts.no_header) {
			core_buf_reset(&t->tmp);
			add_escaped(&t->tmp, s->f[j]->name, s->f[j]->len);
			t->width[j] = text_width(t->tmp.p, t->tmp.len);
			hdrlen += t->tmp.len;
		}
	}
	for (i = 0; i < nr; i++) {
		const struct core_rec *r = t->rows[from + i];

		for (j = 0; j < nc; j++) {
			c = &t->cells[i * nc + j];
			render(t, c, &r->v[j]);
			if (c->width > t->width[j])
				t->width[j] = c->width;
			if (r->v[j].type == CORE_NULL)
				continue;
			if (!c->right)
				t->numeric[j] = -1;
			else if (t->numeric[j] == 0)
				t->numeric[j] = 1;
		}
	}
	/* Rows of the shape printed last continue that table, as long as
	 * they fit its columns; otherwise a new header starts a new one. */
	same = s == t->pschema;
	for (j = 0; same && j < nc; j++) {
		if (t->width[j] < t->pwidth[j])
			t->width[j] = t->pwidth[j];
		if (t->numeric[j] == 0)
			t->numeric[j] = t->pnumeric[j];
		else if (t->pnumeric[j] != 0 && t->pnumeric[j] != t->numeric[j])
			t->numeric[j] = -1;
		if (t->width[j] != t->pwidth[j] ||
		    t->numeric[j] != t->pnumeric[j])
			same = 0;
	}
	if (!same) {
		if (t->blocks++)
			core_out_putc(t->base.out, '\n');
		if (nc > t->pcap) {
			size_t cap = t->pcap;

			t->pwidth = core_xgrow(t->pwidth, &cap, nc,
			    sizeof(*t->pwidth));
			t->pnumeric = core_xgrow(t->pnumeric, &t->pcap, nc,
			    sizeof(*t->pnumeric));
		}
		if (nc) {
			memcpy(t->pwidth, t->width, nc * sizeof(*t->width));
			memcpy(t->pnumeric, t->numeric, nc *
			    sizeof(*t->pnumeric));
		}
		t->pschema = s;
	}
	for (j = 0; j < nc; j++)
		linemax += t->width[j] + TABLE_SEP;
	/* The header: names escaped like values. */
	if (!same && !t->base.opts.no_header && nc > 0) {
		char *cend;

		d = cend = core_out_reserve(t->base.out, linemax + hdrlen);
		for (j = 0; j < nc; j++) {
			core_buf_reset(&t->tmp);
			add_escaped(&t->tmp, s->f[j]->name, s->f[j]->len);
			d = put_cell(d, t->tmp.p, t->tmp.len,
			    text_width(t->tmp.p, t->tmp.len), t->width[j],
			    t->numeric[j] == 1, j + 1 == nc, &cend);
		}
		d = cend;
		*d++ = '\n';
		core_out_commit(t->base.out, d);
	}
	for (i = 0; i < nr; i++) {
		size_t max = linemax;
		char *cend;

		for (j = 0; j < nc; j++)
			max += t->cells[i * nc + j].len;
		d = cend = core_out_reserve(t->base.out, max);
		for (j = 0; j < nc; j++) {
			c = &t->cells[i * nc + j];
			d = put_cell(d, t->text.p + c->off, c->len, c->width,
			    t->width[j], c->right || (t->numeric[j] == 1 &&
			    t->rows[from + i]->v[j].type == CORE_NULL),
			    j + 1 == nc, &cend);
		}
		d = cend;
		*d++ = '\n';
		core_out_commit(t->base.out, d);
	}
}

static void
table_flush(struct wr_table *t)
{
	size_t i, from = 0;

	for (i = 1; i <= t->n; i++) {
		if (i == t->n || t->rows[i]->schema != t->rows[from]->schema) {
			print_run(t, from, i);
			from = i;
		}
	}
	for (i = 0; i < t->n; i++)
		core_rec_free(t->rows[i]);
	t->n = 0;
}

static void
table_rec(struct core_writer *w, const struct core_rec *r)
{
	struct wr_table *t = (struct wr_table *)w;

	if (t->n == t->cap)
		t->rows = core_xgrow(t->rows, &t->cap, t->n + 1,
		    sizeof(*t->rows));
	t->rows[t->n++] = core_rec_copy(r);
	if (t->n >= TABLE_MAX_ROWS)
		table_flush(t);
}

static void
table_close(struct core_writer *w, const struct core_window *win)
{
	/* Nothing to do: rows go out when the input would block (a live
	 * pipeline shows each window as it closes) or at the end, and
	 * continue one table while their columns fit. */
	(void)w;
	(void)win;
}

static void
table_end(struct core_writer *w)
{
	table_flush((struct wr_table *)w);
}

static void
table_idle(struct core_writer *w)
{
	table_flush((struct wr_table *)w);
}

static void
table_free(struct core_writer *w)
{
	struct wr_table *t = (struct wr_table *)w;
	size_t i;

	for (i = 0; i < t->n; i++)
		core_rec_free(t->rows[i]);
	free(t->rows);
	free(t->cells);
	free(t->width);
	free(t->pwidth);
	free(t->pnumeric);
	free(t->numeric);
	core_buf_release(&t->text);
	core_buf_release(&t->tmp);
	free(t);
}

static const struct core_writer_vtab table_vt = {
	"table", table_rec, NULL, table_close, NULL, table_end, table_idle,
	table_free
};

struct core_writer *
core_writer_table_new(struct core_out *out, const struct core_wopts *o)
{
	struct wr_table *t = core_xcalloc(1, sizeof(*t));

	core_writer_base_init(&t->base, &table_vt, out, o);
	core_buf_init(&t->text);
	core_buf_init(&t->tmp);
	return &t->base;
}

/* ---- lines -------------------------------------------------------------- */

/*
 * The inverse of the "lines" reader: each record's field "line", or its
 * first field when it has none, as plain text and a newline (null is an
 * empty line).  Nothing is escaped: a value with line breaks writes
 * several lines, as the text it came from had.
 */

struct wr_lines {
	struct core_writer base;
	struct core_fieldref line;
};

static void
lines_rec(struct core_writer *w, const struct core_rec *r)
{
	struct wr_lines *l = (struct wr_lines *)w;
	int i = core_fieldref_index(&l->line, r->schema);
	const struct core_value *v;
	char *d;

	if (i < 0 && r->schema->n == 0) {
		core_out_putc(w->out, '\n');
		return;
	}
	v = &r->v[i < 0 ? 0 : i];
	d = core_out_reserve(w->out, core_fmt_json_value_max(v) + 1);
	d = core_fmt_text_value(d, v);
	*d++ = '\n';
	core_out_commit(w->out, d);
}

static void
lines_free(struct core_writer *w)
{
	free(w);
}

static const struct core_writer_vtab lines_vt = {
	"lines", lines_rec, NULL, NULL, NULL, NULL, NULL, lines_free
};

struct core_writer *
core_writer_lines_new(struct core_out *out, const struct core_wopts *o)
{
	struct wr_lines *l = core_xcalloc(1, sizeof(*l));

	core_writer_base_init(&l->base, &lines_vt, out, o);
	core_fieldref_init(&l->line, "line");
	return &l->base;
}
