/* SPDX-License-Identifier: MIT */
/* Tests for the TSV reader and writer. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libcore/buf.h"
#include "libcore/dec.h"
#include "libcore/input.h"
#include "libcore/out.h"
#include "libcore/writer.h"
#include "tests/dec_dump.h"

/* ---- helpers ------------------------------------------------------------ */

static const struct core_decopts defopts = { .format = "tsv" };

/* Writes recs with the TSV writer; returns the text. */
static char *
write_recs(const struct core_rec *recs, size_t n,
    const struct core_wopts *wo)
{
	struct core_out out;
	struct core_writer *w;
	int fd = memfd_create("out", 0);
	char *buf;
	off_t len;
	size_t i;

	cr_assert(fd >= 0);
	core_out_init(&out, fd, "mem");
	w = core_writer_tsv_new(&out, wo);
	for (i = 0; i < n; i++)
		core_writer_rec(w, &recs[i]);
	core_writer_end(w);
	core_writer_free(w);
	cr_assert_eq(core_out_flush(&out), 0);
	core_out_release(&out);
	len = lseek(fd, 0, SEEK_END);
	buf = calloc(1, (size_t)len + 1);
	cr_assert_eq(pread(fd, buf, (size_t)len, 0), len);
	close(fd);
	return buf;
}

/* ---- reader ------------------------------------------------------------- */

Test(tsv, header_names_fields_and_values_are_inferred)
{
	dec_expect("a\tb\tc\td\te\n1\t1.50\ttrue\t08123\thello world\n", &defopts,
	    "2: a=int:1 b=num:1.50 c=bool:true d=str:\"08123\""
	    " e=str:\"hello world\"\n");
}

Test(tsv, escapes_are_decoded_and_unknown_ones_kept)
{
	dec_expect("a\tb\nx\\ty\tl1\\nl2\\r\\\\z\\q\\\n", &defopts,
	    "2: a=str:\"x\\ty\" b=str:\"l1\\nl2\\r\\\\z\\\\q\\\\\"\n");
}

Test(tsv, header_names_are_unescaped_and_made_distinct)
{
	dec_expect("a\\tb\t\ta\ta\n1\t2\t3\t4\n", &defopts,
	    "2: a\tb=int:1 2=int:2 a=int:3 a_2=int:4\n");
}

Test(tsv, crlf_is_stripped_and_blank_lines_skipped_but_counted)
{
	dec_expect("a\tb\r\n\r\n1\tx\r\n\n2\ty\n", &defopts,
	    "3: a=int:1 b=str:\"x\"\n"
	    "5: a=int:2 b=str:\"y\"\n");
}

Test(tsv, empty_field_is_null_or_empty_string_without_inference)
{
	struct core_decopts o = { .format = "tsv", .no_infer = 1 };

	dec_expect("a\tb\tc\n\t7\t\n", &defopts, "2: a=null b=int:7 c=null\n");
	dec_expect("a\tb\tc\n\t7\t\n", &o,
	    "2: a=str:\"\" b=str:\"7\" c=str:\"\"\n");
}

Test(tsv, ragged_rows_are_bad_unless_allowed)
{
	struct core_decopts o = { .format = "tsv", .allow_ragged = 1 };

	dec_expect("a\tb\tc\n1\t2\n1\t2\t3\t4\n", &defopts,
	    "2:0: BAD ragged row (expected 3 fields, got 2)\n"
	    "3:0: BAD ragged row (expected 3 fields, got 4)\n");
	dec_expect("a\tb\tc\n1\t2\n1\t2\t3\t4\n", &o,
	    "2: a=int:1 b=int:2 c=null\n"
	    "3: a=int:1 b=int:2 c=int:3 4=int:4\n");
}

Test(tsv, no_header_names_by_position_and_bom_is_skipped)
{
	struct core_decopts o = { .format = "tsv", .no_header = 1 };

	dec_expect("\xef\xbb\xbfx\t1\ny\t2\n", &o,
	    "1: 1=str:\"x\" 2=int:1\n"
	    "2: 1=str:\"y\" 2=int:2\n");
	dec_expect("\xef\xbb\xbf" "a\tb\n1\t2\n", &defopts,
	    "2: a=int:1 b=int:2\n");
}

Test(tsv, header_only_and_empty_inputs_give_no_records)
{
	dec_expect("a\tb\n", &defopts, "");
	dec_expect("a\tb", &defopts, "");
	dec_expect("", &defopts, "");
}

Test(tsv, last_line_without_newline_is_read)
{
	dec_expect("a\tb\n1\t2", &defopts, "2: a=int:1 b=int:2\n");
}

Test(tsv, overlong_line_is_bad)
{
	char data[400];
	struct core_input in;
	struct core_dec *d;
	struct core_event ev;

	memset(data, 'x', sizeof(data));
	memcpy(data, "a\tb\n", 4);
	memcpy(data + 350, "\n1\t2\n", 5);
	core_input_open_mem(&in, data, 355, "t.tsv", 100);
	d = core_dec_tsv_new(&in, &defopts);
	cr_assert_eq(core_dec_next(d, &ev), CORE_EV_BAD);
	cr_assert_eq(ev.line, 2);
	cr_assert_str_eq(ev.reason, "line longer than 100 bytes");
	cr_assert_eq(core_dec_next(d, &ev), CORE_EV_REC);
	cr_assert_eq(ev.line, 3);
	cr_assert_eq(core_dec_next(d, &ev), CORE_EV_EOF);
	core_dec_free(d);
	core_input_close(&in);
}

Test(tsv, fields_without_backslash_are_not_copied)
{
	struct core_input in;
	struct core_dec *d;
	struct core_event ev;

	core_input_open_mem(&in, "a\tb\nplain\tes\\tc\n", 16, "t.tsv", 0);
	d = core_dec_tsv_new(&in, &defopts);
	cr_assert_eq(core_dec_next(d, &ev), CORE_EV_REC);
	cr_assert_eq(ev.rec.v[0].u.s, in.buf + 4);
	cr_assert_neq(ev.rec.v[1].u.s, in.buf + 10);
	cr_assert_eq(ev.rec.v[1].len, 4);
	cr_assert_eq(memcmp(ev.rec.v[1].u.s, "es\tc", 4), 0);
	core_dec_free(d);
	core_input_close(&in);
}

/* ---- writer ------------------------------------------------------------- */

Test(tsv, writer_escapes_and_every_string_round_trips)
{
	static const char *const strs[] = {
		"tab\there", "nl\nx", "cr\r", "back\\slash", "\\t literal",
		"plain", " spaced ", "\"quoted\"", "\\", "a\\\\b"
	};
	const size_t ns = sizeof(strs) / sizeof(strs[0]);
	const struct core_sym *names[2] = { core_sym_str("k\tey"),
		core_sym_str("v") };
	const struct core_schema *s = core_schema_intern(names, 2);
	struct core_decopts o = { .format = "tsv", .no_infer = 1 };
	struct core_rec recs[16];
	struct core_value vals[16][2];
	struct core_input in;
	struct core_dec *d;
	struct core_event ev;
	const char *want = "k\\tey\tv\n0\ttab\\there\n1\tnl\\nx\n"
	    "2\tcr\\r\n3\tback\\\\slash\n4\t\\\\t literal\n";
	char *text;
	size_t i;

	for (i = 0; i < ns; i++) {
		vals[i][0] = core_v_int((int64_t)i);
		vals[i][1] = core_v_str(strs[i], strlen(strs[i]));
		memset(&recs[i], 0, sizeof(recs[i]));
		recs[i].schema = s;
		recs[i].v = vals[i];
	}
	text = write_recs(recs, ns, &(struct core_wopts){ .format = "tsv" });
	cr_assert_eq(strncmp(text, want, strlen(want)), 0, "got:\n%s", text);
	core_input_open_mem(&in, text, strlen(text), "t.tsv", 0);
	d = core_dec_tsv_new(&in, &o);
	for (i = 0; i < ns; i++) {
		cr_assert_eq(core_dec_next(d, &ev), CORE_EV_REC);
		cr_assert_eq(ev.rec.schema, s);
		cr_assert_eq(ev.rec.v[1].len, strlen(strs[i]));
		cr_assert_eq(memcmp(ev.rec.v[1].u.s, strs[i], strlen(strs[i])),
		    0, "string %zu", i);
	}
	cr_assert_eq(core_dec_next(d, &ev), CORE_EV_EOF);
	core_dec_free(d);
	core_input_close(&in);
	free(text);
}

Test(tsv, writer_writes_types_as_text_and_null_as_empty)
{
	const struct core_sym *names[6] = { core_sym_str("n"),
		core_sym_str("i"), core_sym_str("d"), core_sym_str("b"),
		core_sym_str("e"), core_sym_str("j") };
	struct core_value v[6] = { core_v_null(), core_v_int(-3),
		core_v_numtext("1.50", 4), core_v_bool(0), core_v_str("", 0),
		core_v_json("{\"a\":\t1}", 8) };
	struct core_rec r = { .schema = core_schema_intern(names, 6),
		.v = v };
	char *text = write_recs(&r, 1, &(struct core_wopts){ .format = "tsv" });

	cr_assert_str_eq(text, "n\ti\td\tb\te\tj\n\t-3\t1.50\tfalse\t\t"
	    "{\"a\":\\t1}\n");
	free(text);
}

Test(tsv, writer_starts_a_new_header_on_schema_change)
{
	const struct core_sym *a[1] = { core_sym_str("a") };
	const struct core_sym *b[1] = { core_sym_str("b") };
	struct core_value v[1] = { core_v_int(1) };
	struct core_rec recs[3] = {
		{ .schema = core_schema_intern(a, 1), .v = v },
		{ .schema = core_schema_intern(b, 1), .v = v },
		{ .schema = core_schema_intern(b, 1), .v = v },
	};
	char *text = write_recs(recs, 3,
	    &(struct core_wopts){ .format = "tsv" });
	char *bare = write_recs(recs, 3,
	    &(struct core_wopts){ .format = "tsv", .no_header = 1 });

	cr_assert_str_eq(text, "a\n1\n\nb\n1\n1\n");
	cr_assert_str_eq(bare, "1\n1\n1\n");
	free(text);
	free(bare);
}

Test(tsv, header_names_that_are_not_utf8_get_replacement_characters)
{
	dec_expect("\x80x\ty\n1\t2\n", &defopts,
	    "2: \xef\xbf\xbdx=int:1 y=int:2\n");
}
