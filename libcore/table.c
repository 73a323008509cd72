/* SPDX-License-Identifier: MIT */
/* The aligned-table writer for people, and the "lines" writer. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "libcore/bar.h"
#include "libcore/buf.h"
#include "libcore/event.h"
#include "libcore/fmt.h"
#include "libcore/term.h"
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
 *
 * With a bar field (--bar), a last column without a header draws each
 * row's value of it as a bar (bar.h), BAR_WIDTH cells for the largest
 * |value| of the block.  A block continues the table before it only if
 * its largest value is not larger than that table's, and is then drawn
 * on that table's scale, so that the bars of one table compare.
 *
 * Live (opts.live): the screen is redrawn in place (ANSI sequences, see
 * live_draw) with the rows of the window that closed last, or, before any
 * window closed, with the last rows that came, as often as the input
 * pauses; lines are cut to the width of the terminal and rows to its
 * height.  The last screen stays, the cursor below it.
 */

#define TABLE_MAX_ROWS 10000
#define TABLE_SEP 2
#define BAR_WIDTH 20       /* cells of a full bar, not live */
#define BAR_MIN 8          /* live: fitted to the terminal, within these */
#define BAR_MAX 40

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
	struct core_buf line;   /* the line being made */
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
	/* --bar */
	struct core_fieldref bar;
	size_t barw;       /* cells of a full bar in this run; 0: no bar */
	double scale;      /* the |value| of a full bar in this run */
	double pmax;       /* the scale of the table printed last */
	uint64_t bar_rows, bar_nums;
	/* Live: rows holds what came since the last window closed; scr the
	 * rows of that window. */
	struct core_rec **scr;
	size_t nscr, scap;
	struct core_window win;
	uint64_t dropped;      /* rows of the open window not kept */
	uint64_t scr_dropped;  /* and of the window on screen */
	uint64_t total;        /* rows so far, before any window closed */
	int windowed;          /* a window closed: show windows */
	int dirty;             /* the screen is not what it should show */
	int drawn;             /* a screen was drawn */
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

/* The number r draws a bar for, or 0 (no bar). */
static double
bar_of(struct wr_table *t, const struct core_rec *r)
{
	double d;

	if (!core_bar_value(core_rec_getref(r, &t->bar), &d))
		return 0;
	return d;
}

/* The largest |value| of the bar field in rows[0..n). */
static double
bar_max(struct wr_table *t, struct core_rec *const *rows, size_t n)
{
	double m = 0, d;
	size_t i;

	if (t->base.opts.bar == NULL)
		return 0;
	for (i = 0; i < n; i++) {
		d = fabs(bar_of(t, rows[i]));
		if (d > m)
			m = d;
	}
	return m;
}

/*
 * Renders rows[0..nr), which share one schema, into cells, and sets the
 * widths of the columns and whether they are numeric.
 */
static void
layout(struct wr_table *t, struct core_rec *const *rows, size_t nr)
{
	const struct core_schema *s = rows[0]->schema;
	size_t nc = s->n, i, j;
	struct cell *c;

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
		}
	}
	for (i = 0; i < nr; i++) {
		const struct core_rec *r = rows[i];

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
}

/* The width of a line of the laid-out run, without its bar. */
static size_t
line_width(const struct wr_table *t, size_t nc)
{
	size_t j, w = 0;

	for (j = 0; j < nc; j++)
		w += t->width[j] + (j ? TABLE_SEP : 0);
	return w;
}

/*
 * Ends the line made up to d, its text up to cend, with the bar of r if
 * there is one (the bar column is last: no blanks after the last text).
 */
static void
put_bar(struct wr_table *t, const struct core_rec *r, char *d, char *cend)
{
	struct core_buf *b = &t->line;

	b->len = (size_t)(d - b->p);
	if (!t->barw || r == NULL || core_bar_add(b, bar_of(t, r), t->scale,
	    t->barw, t->base.opts.utf8) == 0)
		b->len = (size_t)(cend - b->p);
	b->p[b->len] = '\0';
}

/* Makes t->line the header line of schema s (laid out), no newline. */
static void
header_line(struct wr_table *t, const struct core_schema *s)
{
	size_t nc = s->n, j, max = 1;
	char *d, *cend;

	for (j = 0; j < nc; j++)
		max += t->width[j] + TABLE_SEP + 4 * s->f[j]->len;
	core_buf_reset(&t->line);
	core_buf_grow(&t->line, max);
	d = cend = t->line.p;
	for (j = 0; j < nc; j++) {
		core_buf_reset(&t->tmp);
		add_escaped(&t->tmp, s->f[j]->name, s->f[j]->len);
		d = put_cell(d, t->tmp.p, t->tmp.len,
		    text_width(t->tmp.p, t->tmp.len), t->width[j],
		    t->numeric[j] == 1, j + 1 == nc && !t->barw, &cend);
	}
	put_bar(t, NULL, d, cend);
}

/* Makes t->line the line of row i of the laid-out run, no newline. */
static void
row_line(struct wr_table *t, const struct core_rec *r, size_t i)
{
	size_t nc = r->schema->n, j, max = 1;
	struct cell *c;
	char *d, *cend;

	for (j = 0; j < nc; j++)
		max += t->width[j] + TABLE_SEP + t->cells[i * nc + j].len;
	core_buf_reset(&t->line);
	core_buf_grow(&t->line, max);
	d = cend = t->line.p;
	for (j = 0; j < nc; j++) {
		c = &t->cells[i * nc + j];
		d = put_cell(d, t->text.p + c->off, c->len, c->width,
		    t->width[j], c->right || (t->numeric[j] == 1 &&
		    r->v[j].type == CORE_NULL), j + 1 == nc && !t->barw,
		    &cend);
	}
	put_bar(t, r, d, cend);
}

static void
put_line(struct wr_table *t)
{
	core_out_write(t->base.out, t->line.p, t->line.len);
	core_out_putc(t->base.out, '\n');
}

/* Prints rows[from..to), which share one schema, as a table; bmax is the
 * largest bar value of the block. */
static void
print_run(struct wr_table *t, size_t from, size_t to, double bmax)
{
	const struct core_schema *s = t->rows[from]->schema;
	size_t nc = s->n, nr = to - from, i, j;
	int same;

	layout(t, t->rows + from, nr);
	/* Rows of the shape printed last continue that table, as long as
	 * they fit its columns and its bars; otherwise a new header starts
	 * a new one. */
	same = s == t->pschema && (!t->base.opts.bar || bmax <= t->pmax);
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
		t->pmax = bmax;
	}
	t->barw = t->base.opts.bar ? BAR_WIDTH : 0;
	t->scale = t->pmax;
	/* The header: names escaped like values. */
	if (!same && !t->base.opts.no_header && nc > 0) {
		header_line(t, s);
		put_line(t);
	}
	for (i = 0; i < nr; i++) {
		row_line(t, t->rows[from + i], i);
		put_line(t);
	}
}

static void
free_rows(struct core_rec **rows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		core_rec_free(rows[i]);
}

static void
table_flush(struct wr_table *t)
{
	size_t i, from = 0;
	double bmax = bar_max(t, t->rows, t->n);

	for (i = 1; i <= t->n; i++) {
		if (i == t->n || t->rows[i]->schema != t->rows[from]->schema) {
			print_run(t, from, i, bmax);
			from = i;
		}
	}
	free_rows(t->rows, t->n);
	t->n = 0;
}

/* ---- live ---------------------------------------------------------------- */

/*
 * Writes t->line as one line of the screen, cut to cols code points (and
 * the blanks before the cut): the line is erased first, not after, since
 * at the last column a terminal waits to wrap, and an erase there would
 * take the last character.
 */
static void
screen_line(struct wr_table *t, int cols)
{
	size_t i, w = 0, len = t->line.len;

	for (i = 0; i < len; i++)
		if (((unsigned char)t->line.p[i] & 0xc0) != 0x80 &&
		    w++ == (size_t)cols)
			break;
	while (i < len && i > 0 && t->line.p[i - 1] == ' ')
		i--;
	core_out_puts(t->base.out, CORE_CSI_EL);
	core_out_write(t->base.out, t->line.p, i);
	core_out_putc(t->base.out, '\n');
}

/* Appends a time as text output writes it, or -inf/+inf. */
static void
add_time(struct wr_table *t, int64_t ns)
{
	struct core_value v = core_v_time(ns);
	char *d;

	if (ns == CORE_WM_MIN || ns == CORE_WM_MAX) {
		core_buf_addstr(&t->line, ns == CORE_WM_MIN ? "-inf" : "+inf");
		return;
	}
	core_buf_grow(&t->line, core_fmt_json_value_max(&v));
	d = core_fmt_text_value(t->line.p + t->line.len, &v);
	t->line.len = (size_t)(d - t->line.p);
	t->line.p[t->line.len] = '\0';
}

/* Lines a run of rows takes on screen before its first row: the empty
 * line between runs and the header. */
static size_t
run_lines(const struct wr_table *t, size_t i)
{
	return (i > 0) + !t->base.opts.no_header;
}

/*
 * Draws the screen: a title line, then rows[0..n) (tail: the last of
 * them) as tables, as many as fit above the bottom line, where the cursor
 * stays.  hidden rows were not kept (they count as not shown).
 */
static void
live_draw(struct wr_table *t, struct core_rec **rows, size_t n,
    uint64_t hidden, int tail)
{
	struct core_out *o = t->base.out;
	const char *dots = t->base.opts.utf8 ? "\xe2\x80\xa6" : "...";
	int nrows = t->base.opts.rows, cols = t->base.opts.cols;
	size_t budget, used = 0, from, to, i, k, run;
	uint64_t all = n + hidden;
	char clock[16];
	time_t now = time(NULL);
	struct tm tm;
	double bmax;

	if (nrows <= 0 || cols <= 0) {
		int r, c;

		core_term_size(o->fd, &r, &c);
		nrows = nrows > 0 ? nrows : r;
		cols = cols > 0 ? cols : c;
	}
	if (!t->drawn) {
		/* The first time: what the screen shows goes up into the
		 * scrollback, as the terminal scrolls it away. */
		core_out_puts(o, "\033[999;1H");
		for (k = 0; k < (size_t)nrows; k++)
			core_out_putc(o, '\n');
		t->drawn = 1;
	}
	core_out_puts(o, CORE_CSI_HOME);
	/* Lines for the table: all but the title and the bottom line. */
	budget = nrows > 2 ? (size_t)nrows - 2 : 0;
	/* Rows that fit, with their headers, and a line to say how many
	 * more there are (under the rows; tail: earlier ones, above). */
	if (!tail) {
		for (i = 0; i < n; i++) {
			k = 1 + (i == 0 || rows[i]->schema != rows[i - 1]->schema
			    ? run_lines(t, i) : 0);
			if (used + k + (i + 1 < all) > budget)
				break;
			used += k;
		}
		from = 0;
		to = i;
	} else {
		for (i = n; i > 0; i--) {
			/* Row i - 1 before the rows taken: a run of its own
			 * puts an empty line before the run that was first. */
			if (i == n)
				k = 1 + run_lines(t, 0);
			else if (rows[i - 1]->schema == rows[i]->schema)
				k = 1;
			else
				k = 1 + run_lines(t, 1);
			if (used + k + (i - 1 + hidden > 0) > budget)
				break;
			used += k;
		}
		from = i;
		to = n;
	}
	/* The title. */
	core_buf_reset(&t->line);
	if (t->windowed && !tail) {
		size_t s0, e0, tpos;

		core_buf_addstr(&t->line, "window [");
		s0 = t->line.len;
		add_time(t, t->win.start);
		core_buf_addstr(&t->line, ", ");
		e0 = t->line.len;
		add_time(t, t->win.end);
		/* The end without the date both have: [...T09:16:00Z, 09:16:10Z) */
		for (tpos = 0; e0 + tpos < t->line.len &&
		    t->line.p[s0 + tpos] == t->line.p[e0 + tpos] &&
		    t->line.p[s0 + tpos] != 'T'; tpos++)
			;
		if (e0 + tpos < t->line.len && t->line.p[e0 + tpos] == 'T' &&
		    t->line.p[s0 + tpos] == 'T') {
			memmove(t->line.p + e0, t->line.p + e0 + tpos + 1,
			    t->line.len - (e0 + tpos + 1));
			t->line.len -= tpos + 1;
			t->line.p[t->line.len] = '\0';
		}
		core_buf_addstr(&t->line, ")  ");
	}
	core_buf_addf(&t->line, "%llu row%s", (unsigned long long)all,
	    all == 1 ? "" : "s");
	localtime_r(&now, &tm);
	strftime(clock, sizeof(clock), "%H:%M:%S", &tm);
	core_buf_addf(&t->line, "  updated %s", clock);
	screen_line(t, cols);
	if (tail && all - (to - from) > 0 && budget > 0) {
		core_buf_reset(&t->line);
		core_buf_addf(&t->line, "%s %llu earlier row%s", dots,
		    (unsigned long long)(all - (to - from)),
		    all - (to - from) == 1 ? "" : "s");
		screen_line(t, cols);
	}
	/* The scale is the window's largest value; tail: the screen's. */
	bmax = tail ? bar_max(t, rows + from, to - from) : bar_max(t, rows, n);
	for (run = from; run < to; run = i) {
		const struct core_schema *s = rows[run]->schema;

		for (i = run + 1; i < to && rows[i]->schema == s; i++)
			;
		layout(t, rows + run, i - run);
		t->barw = 0;
		t->scale = bmax;
		if (t->base.opts.bar) {
			size_t w = line_width(t, s->n) + TABLE_SEP;

			t->barw = (size_t)cols > w ? (size_t)cols - w : 0;
			if (t->barw > BAR_MAX)
				t->barw = BAR_MAX;
			if (t->barw < BAR_MIN)
				t->barw = BAR_MIN;
		}
		if (run > from) {
			core_buf_reset(&t->line);
			screen_line(t, cols);
		}
		if (!t->base.opts.no_header && s->n > 0) {
			header_line(t, s);
			screen_line(t, cols);
		}
		for (k = run; k < i; k++) {
			row_line(t, rows[k], k - run);
			screen_line(t, cols);
		}
	}
	if (!tail && all > to - from && budget > 0) {
		core_buf_reset(&t->line);
		core_buf_addf(&t->line, "%s %llu more row%s", dots,
		    (unsigned long long)(all - (to - from)),
		    all - (to - from) == 1 ? "" : "s");
		screen_line(t, cols);
	}
	core_out_puts(o, CORE_CSI_ED);
	t->dirty = 0;
}

static void
live_rec(struct wr_table *t, const struct core_rec *r)
{
	if (t->n == TABLE_MAX_ROWS) {
		if (t->windowed) {
			/* Rows past a screenful are counted, not kept. */
			t->dropped++;
			return;
		}
		/* Before any window: the latest rows are what is shown. */
		free_rows(t->rows, TABLE_MAX_ROWS / 2);
		memmove(t->rows, t->rows + TABLE_MAX_ROWS / 2,
		    (t->n - TABLE_MAX_ROWS / 2) * sizeof(*t->rows));
		t->n -= TABLE_MAX_ROWS / 2;
	}
	if (t->n == t->cap)
		t->rows = core_xgrow(t->rows, &t->cap, t->n + 1,
		    sizeof(*t->rows));
	t->rows[t->n++] = core_rec_copy(r);
	if (!t->windowed) {
		t->total++;
		t->dirty = 1;
	}
}

/* A window closed: the rows since the one before are its rows. */
static void
live_close(struct wr_table *t, const struct core_window *win)
{
	struct core_rec **p = t->scr;
	size_t cap = t->scap;

	free_rows(t->scr, t->nscr);
	t->scr = t->rows;
	t->scap = t->cap;
	t->nscr = t->n;
	t->rows = p;
	t->cap = cap;
	t->n = 0;
	t->scr_dropped = t->dropped;
	t->dropped = 0;
	t->win = *win;
	t->windowed = 1;
	t->dirty = 1;
}

static void
live_idle(struct wr_table *t)
{
	if (!t->dirty)
		return;
	if (t->windowed)
		live_draw(t, t->scr, t->nscr, t->scr_dropped, 0);
	else
		live_draw(t, t->rows, t->n, t->total - t->n, 1);
}

static void
live_end(struct wr_table *t)
{
	if (t->windowed && t->n > 0) {
		/* Rows after the last window closed: shown as they are. */
		t->windowed = 0;
		live_draw(t, t->rows, t->n, t->dropped, 1);
		return;
	}
	live_idle(t);
}

/* ---- the writer ---------------------------------------------------------- */

static void
table_rec(struct core_writer *w, const struct core_rec *r)
{
	struct wr_table *t = (struct wr_table *)w;

	if (w->opts.bar) {
		double d;

		t->bar_rows++;
		t->bar_nums += core_bar_value(core_rec_getref(r, &t->bar), &d);
	}
	if (w->opts.live) {
		live_rec(t, r);
		return;
	}
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
	/* Not live, nothing to do: rows go out when the input would block
	 * (a live pipeline shows each window as it closes) or at the end,
	 * and continue one table while their columns fit. */
	if (w->opts.live)
		live_close((struct wr_table *)w, win);
}

static void
table_end(struct core_writer *w)
{
	if (w->opts.live)
		live_end((struct wr_table *)w);
	else
		table_flush((struct wr_table *)w);
}

static void
table_idle(struct core_writer *w)
{
	if (w->opts.live)
		live_idle((struct wr_table *)w);
	else
		table_flush((struct wr_table *)w);
}

static void
table_free(struct core_writer *w)
{
	struct wr_table *t = (struct wr_table *)w;

	free_rows(t->rows, t->n);
	free_rows(t->scr, t->nscr);
	free(t->rows);
	free(t->scr);
	free(t->cells);
	free(t->width);
	free(t->pwidth);
	free(t->pnumeric);
	free(t->numeric);
	core_buf_release(&t->text);
	core_buf_release(&t->tmp);
	core_buf_release(&t->line);
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
	core_buf_init(&t->line);
	if (o->bar)
		core_fieldref_init(&t->bar, o->bar);
	return &t->base;
}

void
core_writer_table_bar_stats(const struct core_writer *w, uint64_t *rows,
    uint64_t *numbers)
{
	const struct wr_table *t = (const struct wr_table *)w;

	*rows = *numbers = 0;
	if (w == NULL || w->vt != &table_vt)
		return;
	*rows = t->bar_rows;
	*numbers = t->bar_nums;
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
