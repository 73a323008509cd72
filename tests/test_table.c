/* SPDX-License-Identifier: MIT */
/* Tests for the aligned-table writer and the lines writer. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libcore/buf.h"
#include "libcore/out.h"
#include "libcore/writer.h"

/* A writer on a memory file; text() reads back what was flushed. */
struct sink {
	struct core_out out;
	struct core_writer *w;
	int fd;
};

static void
sink_open_with(struct sink *k, const struct core_wopts *wo)
{
	k->fd = memfd_create("out", 0);
	cr_assert(k->fd >= 0);
	core_out_init(&k->out, k->fd, "mem");
	k->w = core_writer_new(&k->out, wo);
	cr_assert_not_null(k->w);
}

static void
sink_open(struct sink *k, const char *format, int no_header)
{
	struct core_wopts wo = { .format = format, .no_header = no_header };

	sink_open_with(k, &wo);
}

/* Everything written so far (flushing the out buffer); new string. */
static char *
sink_text(struct sink *k)
{
	off_t n;
	char *buf;

	cr_assert_eq(core_out_flush(&k->out), 0);
	n = lseek(k->fd, 0, SEEK_END);
	buf = calloc(1, (size_t)n + 1);
	cr_assert_eq(pread(k->fd, buf, (size_t)n, 0), n);
	return buf;
}

static void
sink_close(struct sink *k)
{
	core_writer_free(k->w);
	core_out_release(&k->out);
	close(k->fd);
}

static const struct core_schema *
schema(const char *const *names, size_t n)
{
	const struct core_sym *syms[16];
	size_t i;

	for (i = 0; i < n; i++)
		syms[i] = core_sym_str(names[i]);
	return core_schema_intern(syms, (uint32_t)n);
}

static void
put(struct sink *k, const struct core_schema *s, struct core_value *v)
{
	struct core_rec r = { .schema = s, .v = v };

	core_writer_rec(k->w, &r);
}

static const char *const hdr4[] = { "host", "status", "ms", "note" };

/* ---- table -------------------------------------------------------------- */

Test(table, block_is_aligned_numbers_right_strings_left)
{
	const struct core_schema *s = schema(hdr4, 4);
	struct core_value r1[4] = { core_v_str("web-07", 6), core_v_int(200),
		core_v_numtext("12.5", 4), core_v_str("ok", 2) };
	struct core_value r2[4] = { core_v_str("web-1", 5), core_v_int(404),
		core_v_null(), core_v_str("line\nbreak\t\x01", 12) };
	struct core_value r3[4] = { core_v_str("\xc3\xbc-host", 7),
		core_v_int(5), core_v_double(1.25), core_v_str("", 0) };
	struct sink k;
	char *got;

	sink_open(&k, "table", 0);
	put(&k, s, r1);
	put(&k, s, r2);
	put(&k, s, r3);
	core_writer_end(k.w);
	got = sink_text(&k);
	cr_assert_str_eq(got,
	    "host    status    ms  note\n"
	    "web-07     200  12.5  ok\n"
	    "web-1      404     -  line\\nbreak\\t\\x01\n"
	    "\xc3\xbc-host       5  1.25\n");
	free(got);
	sink_close(&k);
}

Test(table, mixed_column_keeps_header_left_and_aligns_each_cell)
{
	static const char *const names[] = { "v", "b", "t" };
	const struct core_schema *s = schema(names, 3);
	struct core_value r1[3] = { core_v_int(7), core_v_bool(1),
		core_v_time(0) };
	struct core_value r2[3] = { core_v_str("seven", 5), core_v_null(),
		core_v_null() };
	struct sink k;
	char *got;

	sink_open(&k, "table", 0);
	put(&k, s, r1);
	put(&k, s, r2);
	core_writer_end(k.w);
	got = sink_text(&k);
	cr_assert_str_eq(got,
	    "v      b     t\n"
	    "    7  true  1970-01-01T00:00:00Z\n"
	    "seven  -     -\n");
	free(got);
	sink_close(&k);
}

Test(table, rows_are_held_until_idle_and_each_block_repeats_the_header)
{
	static const char *const names[] = { "k", "n" };
	const struct core_schema *s = schema(names, 2);
	struct core_value a[2] = { core_v_str("a", 1), core_v_int(1) };
	struct core_value b[2] = { core_v_str("bbb", 3), core_v_int(100) };
	struct core_window win = { .start = 0, .end = 10 };
	struct sink k;
	char *got;

	sink_open(&k, "table", 0);
	put(&k, s, a);
	cr_assert_eq(core_out_pending(&k.out), 0, "a row went out early");
	core_writer_idle(k.w);
	got = sink_text(&k);
	cr_assert_str_eq(got, "k  n\na  1\n");
	free(got);
	put(&k, s, b);
	put(&k, s, a);
	core_writer_wm(k.w, 5);
	cr_assert_eq(core_out_pending(&k.out), 0, "a watermark flushed rows");
	core_writer_close(k.w, &win);
	core_writer_idle(k.w);    /* nothing held: prints nothing */
	core_writer_end(k.w);
	got = sink_text(&k);
	cr_assert_str_eq(got, "k  n\na  1\n"
	    "\n"
	    "k      n\n"
	    "bbb  100\n"
	    "a      1\n");
	free(got);
	sink_close(&k);
}

Test(table, schema_change_inside_a_block_starts_a_new_header)
{
	static const char *const n1[] = { "a" };
	static const char *const n2[] = { "a", "b" };
	struct core_value v1[1] = { core_v_int(1) };
	struct core_value v2[2] = { core_v_int(22), core_v_str("x", 1) };
	struct sink k;
	char *got;

	sink_open(&k, "table", 0);
	put(&k, schema(n1, 1), v1);
	put(&k, schema(n2, 2), v2);
	put(&k, schema(n2, 2), v2);
	core_writer_end(k.w);
	got = sink_text(&k);
	cr_assert_str_eq(got, "a\n1\n\n a  b\n22  x\n22  x\n");
	free(got);
	sink_close(&k);
}

Test(table, ten_thousand_rows_make_a_block_without_waiting)
{
	static const char *const names[] = { "i" };
	const struct core_schema *s = schema(names, 1);
	struct core_value v[1];
	struct sink k;
	char *got, *p;
	size_t lines = 0;
	int i;

	sink_open(&k, "table", 0);
	for (i = 0; i < 10001; i++) {
		v[0] = core_v_int(i);
		put(&k, s, v);
		if (i == 9998)
			cr_assert_eq(core_out_pending(&k.out), 0);
	}
	got = sink_text(&k);
	for (p = got; *p; p++)
		lines += *p == '\n';
	cr_assert_eq(lines, 10001, "header and 10000 rows, got %zu lines",
	    lines);
	cr_assert_eq(strncmp(got, "   i\n   0\n   1\n", 15), 0);
	free(got);
	core_writer_end(k.w);
	got = sink_text(&k);
	cr_assert(strstr(got, "\n\n    i\n10000\n") != NULL);
	free(got);
	sink_close(&k);
}

Test(table, no_header_prints_aligned_rows_only)
{
	static const char *const names[] = { "name", "n" };
	const struct core_schema *s = schema(names, 2);
	struct core_value a[2] = { core_v_str("a", 1), core_v_int(1) };
	struct core_value b[2] = { core_v_str("bb", 2), core_v_int(10) };
	struct sink k;
	char *got;

	sink_open(&k, "table", 1);
	put(&k, s, a);
	put(&k, s, b);
	core_writer_end(k.w);
	got = sink_text(&k);
	cr_assert_str_eq(got, "a    1\nbb  10\n");
	free(got);
	sink_close(&k);
}

Test(table, held_rows_are_copies)
{
	static const char *const names[] = { "s" };
	const struct core_schema *s = schema(names, 1);
	char buf[8] = "before";
	struct core_value v[1] = { core_v_str(buf, 6) };
	struct sink k;
	char *got;

	sink_open(&k, "table", 0);
	put(&k, s, v);
	memcpy(buf, "after!", 6);
	core_writer_end(k.w);
	got = sink_text(&k);
	cr_assert_str_eq(got, "s\nbefore\n");
	free(got);
	sink_close(&k);
}

/* ---- lines -------------------------------------------------------------- */

Test(table, lines_writer_writes_the_line_field_or_the_first)
{
	static const char *const withline[] = { "n", "line" };
	static const char *const without[] = { "msg", "n" };
	struct core_value a[2] = { core_v_int(1), core_v_str("hello", 5) };
	struct core_value b[2] = { core_v_str("first", 5), core_v_int(2) };
	struct core_value c[2] = { core_v_int(3), core_v_null() };
	struct core_value d[2] = { core_v_numtext("1.50", 4), core_v_int(4) };
	struct sink k;
	char *got;

	sink_open(&k, "lines", 0);
	put(&k, schema(withline, 2), a);
	put(&k, schema(without, 2), b);
	put(&k, schema(withline, 2), c);
	put(&k, schema(without, 2), d);
	put(&k, core_schema_empty(), NULL);
	core_writer_end(k.w);
	got = sink_text(&k);
	cr_assert_str_eq(got, "hello\nfirst\n\n1.50\n\n");
	free(got);
	sink_close(&k);
}

Test(table, later_rows_that_fit_continue_the_same_table)
{
	static const char *const names[] = { "key", "n" };
	const struct core_schema *s = schema(names, 2);
	struct core_value a[2] = { core_v_str("a", 1), core_v_int(1) };
	struct core_value b[2] = { core_v_str("bb", 2), core_v_int(2) };
	struct core_value c[2] = { core_v_str("cccc", 4), core_v_int(3) };
	struct sink k;
	char *got;

	sink_open(&k, "table", 0);
	put(&k, s, a);
	core_writer_idle(k.w);
	put(&k, s, b);
	core_writer_idle(k.w);    /* fits: no new header */
	put(&k, s, c);
	core_writer_end(k.w);     /* wider: a new table */
	got = sink_text(&k);
	cr_expect_str_eq(got, "key  n\n"
	    "a    1\n"
	    "bb   2\n"
	    "\n"
	    "key   n\n"
	    "cccc  3\n");
	free(got);
	sink_close(&k);
}

/* ---- bars ---------------------------------------------------------------- */

#define FULL "\xe2\x96\x88"
#define FULL4 FULL FULL FULL FULL
#define FULL20 FULL4 FULL4 FULL4 FULL4 FULL4

static const char *const kn[] = { "k", "n" };

static void
put_kn(struct sink *k, const char *key, struct core_value n)
{
	struct core_value v[2] = { core_v_str(key, strlen(key)), n };

	put(k, schema(kn, 2), v);
}

Test(table, bar_column_is_scaled_to_the_largest_value)
{
	struct core_wopts wo = { .format = "table", .bar = "n" };
	struct sink k;
	char *got;

	sink_open_with(&k, &wo);
	put_kn(&k, "a", core_v_int(5));
	put_kn(&k, "bb", core_v_int(10));
	put_kn(&k, "c", core_v_null());
	put_kn(&k, "d", core_v_numtext("-2.5", 4));
	put_kn(&k, "e", core_v_int(0));
	core_writer_end(k.w);
	got = sink_text(&k);
	cr_assert_str_eq(got,
	    "k      n\n"
	    "a      5  ##########\n"
	    "bb    10  ####################\n"
	    "c      -\n"
	    "d   -2.5  -#####\n"
	    "e      0\n");
	free(got);
	sink_close(&k);
}

Test(table, bar_column_in_utf8_uses_eighths)
{
	struct core_wopts wo = { .format = "table", .bar = "n", .utf8 = 1 };
	struct sink k;
	char *got;

	sink_open_with(&k, &wo);
	put_kn(&k, "a", core_v_int(7));      /* 7/160 of 20 cells: 7/8 */
	put_kn(&k, "b", core_v_int(160));
	put_kn(&k, "c", core_v_int(100));    /* 12.5 cells */
	core_writer_end(k.w);
	got = sink_text(&k);
	cr_assert_str_eq(got,
	    "k    n\n"
	    "a    7  \xe2\x96\x89\n"
	    "b  160  " FULL20 "\n"
	    "c  100  " FULL4 FULL4 FULL4 "\xe2\x96\x8c\n");
	free(got);
	sink_close(&k);
}

Test(table, a_block_with_a_larger_value_starts_a_new_table)
{
	struct core_wopts wo = { .format = "table", .bar = "n" };
	struct sink k;
	char *got;

	sink_open_with(&k, &wo);
	put_kn(&k, "a", core_v_int(10));
	core_writer_idle(k.w);
	put_kn(&k, "b", core_v_int(5));      /* on the scale of 10 */
	core_writer_idle(k.w);
	put_kn(&k, "c", core_v_int(20));     /* a new scale, a new header */
	core_writer_end(k.w);
	got = sink_text(&k);
	cr_assert_str_eq(got,
	    "k   n\n"
	    "a  10  ####################\n"
	    "b   5  ##########\n"
	    "\n"
	    "k   n\n"
	    "c  20  ####################\n");
	free(got);
	sink_close(&k);
}

Test(table, bar_stats_count_rows_and_numbers)
{
	struct core_wopts wo = { .format = "table", .bar = "n" };
	struct sink k;
	uint64_t rows, nums;

	sink_open_with(&k, &wo);
	put_kn(&k, "a", core_v_int(1));
	put_kn(&k, "b", core_v_str("1", 1));
	put_kn(&k, "c", core_v_double(NAN));
	core_writer_table_bar_stats(k.w, &rows, &nums);
	cr_expect_eq(rows, 3);
	cr_expect_eq(nums, 1);
	sink_close(&k);
	sink_open(&k, "csv", 0);
	core_writer_table_bar_stats(k.w, &rows, &nums);
	cr_expect_eq(rows + nums, 0);
	sink_close(&k);
}

/* ---- live ---------------------------------------------------------------- */

#define SEC 1000000000LL

/* Replaces each "updated HH:MM:SS" of s with "updated T". */
static char *
masked(char *s)
{
	char *p = s, *q;

	while ((p = strstr(p, "updated ")) != NULL) {
		p += 8;
		q = p;
		while (*q == ':' || (*q >= '0' && *q <= '9'))
			q++;
		*p = 'T';
		memmove(p + 1, q, strlen(q) + 1);
	}
	return s;
}

static void
live_open(struct sink *k, int rows, int cols, const char *bar, int utf8)
{
	struct core_wopts wo = { .format = "table", .live = 1, .rows = rows,
		.cols = cols, .bar = bar, .utf8 = utf8 };

	sink_open_with(k, &wo);
}

static void
close_window(struct sink *k, int64_t start, int64_t end)
{
	struct core_window win = { .start = start, .end = end,
		.retain = INT64_MIN };

	core_writer_close(k->w, &win);
}

#define CLEAR "\033[999;1H\n\n\n\n\n\n\n\n"
#define EL "\033[K"

Test(table, live_redraws_in_place_as_each_window_closes)
{
	struct sink k;
	char *got;

	live_open(&k, 8, 80, NULL, 0);
	put_kn(&k, "a", core_v_int(1));
	put_kn(&k, "bb", core_v_int(22));
	close_window(&k, 0, 10 * SEC);
	cr_expect_eq(core_out_pending(&k.out), 0, "drawn before idle");
	core_writer_idle(k.w);
	put_kn(&k, "c", core_v_int(3));
	close_window(&k, 10 * SEC, 20 * SEC);
	core_writer_idle(k.w);
	core_writer_idle(k.w);     /* nothing new: no redraw */
	core_writer_end(k.w);
	got = masked(sink_text(&k));
	cr_assert_str_eq(got,
	    CLEAR
	    "\033[H"
	    EL "window [1970-01-01T00:00:00Z, 00:00:10Z)  2 rows  "
	    "updated T\n"
	    EL "k    n\n"
	    EL "a    1\n"
	    EL "bb  22\n"
	    "\033[J"
	    "\033[H"
	    EL "window [1970-01-01T00:00:10Z, 00:00:20Z)  1 row  "
	    "updated T\n"
	    EL "k  n\n"
	    EL "c  3\n"
	    "\033[J");
	free(got);
	sink_close(&k);
}

Test(table, live_cuts_rows_to_the_height_and_says_how_many_more)
{
	struct sink k;
	char *got;
	char key[2] = "a";
	int i;

	/* 8 lines: the title, the header, 4 rows, "more", the cursor's. */
	live_open(&k, 8, 80, NULL, 1);
	for (i = 0; i < 9; i++) {
		key[0] = (char)('a' + i);
		put_kn(&k, key, core_v_int(i));
	}
	close_window(&k, 0, 10 * SEC);
	core_writer_end(k.w);
	got = masked(sink_text(&k));
	cr_assert_str_eq(got,
	    CLEAR
	    "\033[H"
	    EL "window [1970-01-01T00:00:00Z, 00:00:10Z)  9 rows  "
	    "updated T\n"
	    EL "k  n\n"
	    EL "a  0\n"
	    EL "b  1\n"
	    EL "c  2\n"
	    EL "d  3\n"
	    EL "\xe2\x80\xa6 5 more rows\n"
	    "\033[J");
	free(got);
	sink_close(&k);
}

Test(table, live_cuts_lines_to_the_width_and_fits_the_bar)
{
	struct sink k;
	char *got;

	live_open(&k, 8, 16, "n", 0);
	put_kn(&k, "a", core_v_int(1));
	put_kn(&k, "a-long-key", core_v_int(-4));
	close_window(&k, 0, 10 * SEC);
	core_writer_end(k.w);
	got = masked(sink_text(&k));
	/* The bar gets BAR_MIN (8) cells, cut with the line at 16. */
	cr_assert_str_eq(got,
	    CLEAR
	    "\033[H"
	    EL "window [1970-01-\n"
	    EL "k            n\n"
	    EL "a            1\n"
	    EL "a-long-key  -4\n"
	    "\033[J");
	free(got);
	sink_close(&k);
}

Test(table, live_bar_fills_the_width_left)
{
	struct sink k;
	char *got, *line;

	live_open(&k, 6, 30, "n", 1);
	put_kn(&k, "a", core_v_int(2));
	put_kn(&k, "b", core_v_int(4));
	close_window(&k, 0, 10 * SEC);
	core_writer_end(k.w);
	got = masked(sink_text(&k));
	/* "b  4  " and 24 cells of bar: the terminal's 30 columns; a is
	 * half of it. */
	line = strstr(got, EL "b  4  " FULL20 FULL4 "\n");
	cr_expect_not_null(line, "%s", got);
	line = strstr(got, EL "a  2  " FULL4 FULL4 FULL4 "\n");
	cr_expect_not_null(line, "%s", got);
	free(got);
	sink_close(&k);
}

Test(table, live_without_windows_shows_the_latest_rows)
{
	struct sink k;
	char *got;
	char key[2] = "a";
	int i;

	live_open(&k, 6, 40, NULL, 0);
	put_kn(&k, "a", core_v_int(0));
	core_writer_idle(k.w);
	for (i = 1; i < 7; i++) {
		key[0] = (char)('a' + i);
		put_kn(&k, key, core_v_int(i));
	}
	core_writer_idle(k.w);
	core_writer_end(k.w);
	got = masked(sink_text(&k));
	cr_assert_str_eq(got,
	    "\033[999;1H\n\n\n\n\n\n"
	    "\033[H"
	    EL "1 row  updated T\n"
	    EL "k  n\n"
	    EL "a  0\n"
	    "\033[J"
	    "\033[H"
	    EL "7 rows  updated T\n"
	    EL "... 5 earlier rows\n"
	    EL "k  n\n"
	    EL "f  5\n"
	    EL "g  6\n"
	    "\033[J");
	free(got);
	sink_close(&k);
}

Test(table, live_empty_window_and_a_change_of_fields)
{
	static const char *const other[] = { "x" };
	struct core_value v[1] = { core_v_str("yes", 3) };
	struct sink k;
	char *got;

	live_open(&k, 10, 80, NULL, 0);
	close_window(&k, 0, 10 * SEC);
	core_writer_idle(k.w);
	put_kn(&k, "a", core_v_int(1));
	put(&k, schema(other, 1), v);
	close_window(&k, 10 * SEC, 20 * SEC);
	core_writer_end(k.w);
	got = masked(sink_text(&k));
	cr_assert_str_eq(got,
	    "\033[999;1H\n\n\n\n\n\n\n\n\n\n"
	    "\033[H"
	    EL "window [1970-01-01T00:00:00Z, 00:00:10Z)  0 rows  "
	    "updated T\n"
	    "\033[J"
	    "\033[H"
	    EL "window [1970-01-01T00:00:10Z, 00:00:20Z)  2 rows  "
	    "updated T\n"
	    EL "k  n\n"
	    EL "a  1\n"
	    EL "\n"
	    EL "x\n"
	    EL "yes\n"
	    "\033[J");
	free(got);
	sink_close(&k);
}

Test(table, live_rows_after_the_last_window_are_shown_at_the_end)
{
	struct sink k;
	char *got, *last;

	live_open(&k, 10, 80, NULL, 0);
	put_kn(&k, "a", core_v_int(1));
	close_window(&k, 0, 10 * SEC);
	core_writer_idle(k.w);
	put_kn(&k, "late", core_v_int(2));
	core_writer_idle(k.w);     /* held: its window has not closed */
	got = sink_text(&k);
	cr_expect_null(strstr(got, "late"));
	free(got);
	core_writer_end(k.w);
	got = masked(sink_text(&k));
	last = strrchr(got, '\033');
	cr_assert_not_null(last);
	last = strstr(got, "\033[H" EL "1 row  updated T\n" EL "k     n\n"
	    EL "late  2\n\033[J");
	cr_expect_not_null(last, "%s", got);
	free(got);
	sink_close(&k);
}
