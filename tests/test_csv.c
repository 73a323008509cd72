/* SPDX-License-Identifier: MIT */
/* Tests for the CSV reader (libcsv) and writer. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libcore/buf.h"
#include "libcore/dec.h"
#include "libcore/input.h"
#include "libcore/out.h"
#include "libcore/writer.h"
#include "tests/dec_dump.h"
#include "tests/rng.h"

/* ---- helpers ------------------------------------------------------------ */

static const struct core_decopts defopts = { .format = "csv" };

/* Writes records decoded from csv with the CSV writer; returns the text. */
static char *
rewrite(const char *csv, const struct core_decopts *dopts,
    const struct core_wopts *wopts)
{
	struct core_input in;
	struct core_out out;
	struct core_writer *w;
	struct core_dec *d;
	struct core_event ev;
	char path[] = "/tmp/test_csv_XXXXXX", opath[] = "/tmp/test_csvo_XXXXXX";
	char *text;
	enum core_ev k;
	int fd, ofd;
	long n;
	FILE *f;

	fd = mkstemp(path);
	cr_assert(fd >= 0);
	cr_assert_eq(write(fd, csv, strlen(csv)), (ssize_t)strlen(csv));
	close(fd);
	cr_assert_eq(core_input_open(&in, path, 0, 0, 0), 0);
	unlink(path);
	ofd = mkstemp(opath);
	cr_assert(ofd >= 0);
	core_out_init(&out, ofd, "out");
	w = core_writer_csv_new(&out, wopts, ',');
	d = core_dec_csv_new(&in, dopts, ',');
	for (;;) {
		k = core_dec_next(d, &ev);
		if (k == CORE_EV_EOF)
			break;
		if (k == CORE_EV_NONE)
			cr_assert(core_input_fill(&in) >= 0);
		else if (k == CORE_EV_REC)
			core_writer_rec(w, &ev.rec);
		else
			cr_assert_fail("unexpected event %d: %s", k, ev.reason);
	}
	core_writer_end(w);
	core_writer_free(w);
	core_dec_free(d);
	core_input_close(&in);
	cr_assert_eq(core_out_flush(&out), 0);
	core_out_release(&out);
	f = fdopen(ofd, "r");
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	text = calloc(1, (size_t)n + 1);
	cr_assert_eq(fread(text, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	unlink(opath);
	return text;
}

/* ---- reader ------------------------------------------------------------- */

Test(csv, header_names_fields_and_values_are_inferred)
{
	dec_expect("a,b,c,d,e,f\n1,2.50,true,x,08123,-7\n", &defopts,
	    "2: a=int:1 b=num:2.50 c=bool:true d=str:\"x\" e=str:\"08123\""
	    " f=int:-7\n");
}

Test(csv, quoted_fields_keep_commas_and_doubled_quotes)
{
	dec_expect("name,says\n\"Smith, J\",\"he said \"\"hi\"\"\"\n", &defopts,
	    "2: name=str:\"Smith, J\" says=str:\"he said \\\"hi\\\"\"\n");
}

Test(csv, quoted_numbers_are_inferred_like_unquoted)
{
	dec_expect("a,b\n\"42\",\"1e3\"\n", &defopts,
	    "2: a=int:42 b=num:1e3\n");
}

Test(csv, unquoted_empty_is_null_and_quoted_empty_is_string)
{
	dec_expect("a,b,c\n,\"\",\n", &defopts,
	    "2: a=null b=str:\"\" c=null\n");
}

Test(csv, no_infer_gives_strings_and_empty_strings)
{
	struct core_decopts o = { .format = "csv", .no_infer = 1 };

	dec_expect("a,b,c,d\n1,,\"\",true\n", &o,
	    "2: a=str:\"1\" b=str:\"\" c=str:\"\" d=str:\"true\"\n");
}

Test(csv, spaces_around_fields_are_kept)
{
	dec_expect("a,b\n a , 1\n", &defopts,
	    "2: a=str:\" a \" b=str:\" 1\"\n");
}

Test(csv, embedded_line_breaks_count_toward_later_line_numbers)
{
	dec_expect("id,text\n1,\"two\nlines\"\n2,\"three\r\nmore\nlines\"\n3,x\n",
	    &defopts,
	    "2: id=int:1 text=str:\"two\\nlines\"\n"
	    "4: id=int:2 text=str:\"three\\r\\nmore\\nlines\"\n"
	    "7: id=int:3 text=str:\"x\"\n");
}

Test(csv, crlf_ends_rows_without_leaking_cr_or_empty_rows)
{
	dec_expect("a,b\r\n1,\r\n\"x\",\"y\"\r\n2,z\r\n", &defopts,
	    "2: a=int:1 b=null\n"
	    "3: a=str:\"x\" b=str:\"y\"\n"
	    "4: a=int:2 b=str:\"z\"\n");
}

Test(csv, blank_lines_are_skipped_but_counted)
{
	dec_expect("\na,b\n\n1,2\n\r\n\n3,4\n", &defopts,
	    "4: a=int:1 b=int:2\n"
	    "7: a=int:3 b=int:4\n");
}

Test(csv, last_row_without_line_end_is_read)
{
	dec_expect("a,b\n1,2\n3,\"q\"", &defopts,
	    "2: a=int:1 b=int:2\n"
	    "3: a=int:3 b=str:\"q\"\n");
}

Test(csv, short_and_long_rows_are_bad_with_counts)
{
	dec_expect("a,b,c\n1,2\n1,2,3\n1,2,3,4\n\"x\ny\",2,3\n", &defopts,
	    "2:0: BAD ragged row (expected 3 fields, got 2)\n"
	    "3: a=int:1 b=int:2 c=int:3\n"
	    "4:0: BAD ragged row (expected 3 fields, got 4)\n"
	    "5: a=str:\"x\\ny\" b=int:2 c=int:3\n");
}

Test(csv, ragged_rows_allowed_are_padded_and_named_by_position)
{
	struct core_decopts o = { .format = "csv", .allow_ragged = 1 };

	dec_expect("a,b,4\n1\n1,2,3,4,5\n", &o,
	    "2: a=int:1 b=null 4=null\n"
	    "3: a=int:1 b=int:2 4=int:3 4_2=int:4 5=int:5\n");
}

Test(csv, bad_quoting_is_reported_and_reading_resumes_next_line)
{
	dec_expect("a,b\n1,x\"y\n2,\"ok\"z\n3,\"fine\"\n4,\"a\nb\"c\n5,e\n",
	    &defopts,
	    "2:4: BAD bad CSV quoting at column 4\n"
	    "3:7: BAD bad CSV quoting at column 7\n"
	    "4: a=int:3 b=str:\"fine\"\n"
	    "5:0: BAD bad CSV quoting at line 6, column 3\n"
	    "7: a=int:5 b=str:\"e\"\n");
}

Test(csv, space_after_closing_quote_is_bad_quoting)
{
	dec_expect("a,b\n\"x\" ,1\n2,3\n", &defopts,
	    "2:4: BAD bad CSV quoting at column 4\n"
	    "3: a=int:2 b=int:3\n");
}

Test(csv, unclosed_quote_at_end_is_bad_and_later_lines_are_read_again)
{
	dec_expect("a,b\n1,\"open\n2,x\n3,y\n", &defopts,
	    "2:0: BAD bad CSV quoting: quoted field not closed at the end "
	    "of the input\n"
	    "3: a=int:2 b=str:\"x\"\n"
	    "4: a=int:3 b=str:\"y\"\n");
	dec_expect("a,b\n1,\"open", &defopts,
	    "2:0: BAD bad CSV quoting: quoted field not closed at the end "
	    "of the input\n");
}

Test(csv, bad_record_carries_raw_bytes_and_offset)
{
	const char *data = "a,b\n1,2\n\"p\nq\"x,1\n";
	struct core_input in;
	struct core_event ev;
	struct core_dec *d;
	char path[] = "/tmp/test_csv_XXXXXX";
	int fd = mkstemp(path);

	cr_assert(fd >= 0);
	cr_assert_eq(write(fd, data, strlen(data)), (ssize_t)strlen(data));
	close(fd);
	cr_assert_eq(core_input_open(&in, path, 0, 0, 0), 0);
	unlink(path);
	cr_assert_eq(core_input_fill(&in), (ssize_t)strlen(data));
	d = core_dec_csv_new(&in, &defopts, ',');
	cr_assert_eq(core_dec_next(d, &ev), CORE_EV_REC);
	cr_assert_eq(ev.line, 2);
	cr_assert_eq(ev.off, 4);
	cr_assert_eq(core_dec_next(d, &ev), CORE_EV_BAD);
	cr_assert_eq(ev.line, 3);
	cr_assert_eq(ev.off, 8);
	cr_assert_eq(ev.rawlen, 9);
	cr_assert_eq(memcmp(ev.raw, "\"p\nq\"x,1\n", 9), 0);
	core_dec_free(d);
	core_input_close(&in);
}

Test(csv, byte_order_mark_at_start_is_skipped)
{
	dec_expect("\xef\xbb\xbf" "a,b\n1,2\n", &defopts,
	    "2: a=int:1 b=int:2\n");
	dec_expect("\xef\xbb\xbf" "\"a\",b\n1,2\n", &defopts,
	    "2: a=int:1 b=int:2\n");
}

Test(csv, no_header_names_fields_by_position)
{
	struct core_decopts o = { .format = "csv", .no_header = 1 };

	dec_expect("x,1\ny,2\nz\n", &o,
	    "1: 1=str:\"x\" 2=int:1\n"
	    "2: 1=str:\"y\" 2=int:2\n"
	    "3:0: BAD ragged row (expected 2 fields, got 1)\n");
}

Test(csv, header_only_and_empty_inputs_give_no_records)
{
	dec_expect("a,b,c\n", &defopts, "");
	dec_expect("a,b,c", &defopts, "");
	dec_expect("", &defopts, "");
	dec_expect("\n\n", &defopts, "");
}

Test(csv, duplicate_and_empty_header_names_are_made_distinct)
{
	dec_expect("a,,a,a,a_2\n1,2,3,4,5\n", &defopts,
	    "2: a=int:1 2=int:2 a_2=int:3 a_3=int:4 a_2_2=int:5\n");
}

Test(csv, overlong_line_is_bad_and_reading_continues)
{
	char *big = malloc(300 * 1024 + 64), *got;
	struct core_input in;
	struct core_dec *d;
	struct core_buf b = CORE_BUF_INIT;
	char path[] = "/tmp/test_csv_XXXXXX";
	size_t n = 0;
	int fd;

	n += (size_t)sprintf(big, "a,b\n1,");
	memset(big + n, 'x', 300 * 1024);
	n += 300 * 1024;
	n += (size_t)sprintf(big + n, "\n2,y\n");
	fd = mkstemp(path);
	cr_assert(fd >= 0);
	cr_assert_eq(write(fd, big, n), (ssize_t)n);
	close(fd);
	cr_assert_eq(core_input_open(&in, path, 1000, 0, 0), 0);
	unlink(path);
	d = core_dec_csv_new(&in, &defopts, ',');
	core_buf_addstr(&b, "");
	while (!in.eof) {
		cr_assert(core_input_fill(&in) >= 0);
		drain(d, &b);
	}
	drain(d, &b);
	got = b.p;
	cr_assert_str_eq(got, "2:0: BAD line longer than 1000 bytes\n"
	    "3: a=int:2 b=str:\"y\"\n");
	free(got);
	free(big);
	core_dec_free(d);
	core_input_close(&in);
}

/* ---- writer ------------------------------------------------------------- */

Test(csv, writer_quotes_only_what_needs_quotes)
{
	struct core_wopts wo = { .format = "csv" };
	char *got = rewrite("a,b,c,d,e,f\n"
	    "plain,\"x,y\",\"say \"\"hi\"\"\",\" pad \",\"\",\n"
	    "1.50,-0.0,08123,\"l1\nl2\",\"cr\rx\",true\n", &defopts, &wo);

	cr_assert_str_eq(got, "a,b,c,d,e,f\n"
	    "plain,\"x,y\",\"say \"\"hi\"\"\",\" pad \",\"\",\n"
	    "1.50,-0.0,08123,\"l1\nl2\",\"cr\rx\",true\n");
	free(got);
}

Test(csv, writer_round_trips_tricky_strings_as_strings)
{
	struct core_decopts o = { .format = "csv", .no_infer = 1 };
	struct core_wopts wo = { .format = "csv" };
	const char *src = "\" h,1 \",\"h\"\"2\"\n"
	    "\"\",\"\"\"\"\n"
	    "\"a\r\nb\",\"\t\"\n"
	    "\" \",\",\"\n";
	char *once = rewrite(src, &o, &wo);
	char *twice = rewrite(once, &o, &wo);

	cr_assert_str_eq(once, src);
	cr_assert_str_eq(twice, src);
	free(once);
	free(twice);
}

Test(csv, writer_starts_a_new_header_block_on_schema_change)
{
	struct core_out out;
	struct core_writer *w;
	struct core_wopts wo = { .format = "csv" };
	const struct core_sym *ab[2] = { core_sym_str("a"),
		core_sym_str("b") };
	const struct core_sym *c1[1] = { core_sym_str("c d") };
	struct core_value v1[2] = { core_v_int(1), core_v_str("x", 1) };
	struct core_value v2[1] = { core_v_json("{\"k\":[1,2]}", 11) };
	struct core_rec r1 = { .schema = core_schema_intern(ab, 2),
		.v = v1 };
	struct core_rec r2 = { .schema = core_schema_intern(c1, 1),
		.v = v2 };
	char buf[256];
	int pfd[2];
	ssize_t n;

	cr_assert_eq(pipe(pfd), 0);
	core_out_init(&out, pfd[1], "pipe");
	w = core_writer_csv_new(&out, &wo, ',');
	core_writer_rec(w, &r1);
	core_writer_rec(w, &r1);
	core_writer_rec(w, &r2);
	core_writer_rec(w, &r1);
	core_writer_free(w);
	cr_assert_eq(core_out_flush(&out), 0);
	core_out_release(&out);
	close(pfd[1]);
	n = read(pfd[0], buf, sizeof(buf) - 1);
	cr_assert(n > 0);
	buf[n] = '\0';
	close(pfd[0]);
	cr_assert_str_eq(buf, "a,b\n1,x\n1,x\n\nc d\n\"{\"\"k\"\":[1,2]}\"\n"
	    "\na,b\n1,x\n");
}

Test(csv, writer_without_header_writes_rows_only)
{
	struct core_wopts wo = { .format = "csv", .no_header = 1 };
	char *got = rewrite("a,b\n1,\"\"\n2,\n", &defopts, &wo);

	cr_assert_str_eq(got, "1,\"\"\n2,\n");
	free(got);
}

Test(csv, lone_cr_ends_rows_within_one_line)
{
	dec_expect("a,b\r1,2\r\"x\",y\r\n3,4\n", &defopts,
	    "1: a=int:1 b=int:2\n"
	    "1: a=str:\"x\" b=str:\"y\"\n"
	    "2: a=int:3 b=int:4\n");
}

/*
 * Lines without quotes are split by the reader's own fast path; quoting
 * every non-empty field sends the same rows through libcsv.  Both must
 * give the same events.
 */
Test(csv, plain_lines_read_the_same_as_quoted_lines)
{
	static const char alpha[] = "ab 1.-0e9tx";
	struct core_buf plain = CORE_BUF_INIT, quoted = CORE_BUF_INIT;
	uint64_t seed = 42;
	char *a, *b;
	int row, i, j, nf, len;

	core_buf_addstr(&plain, "h1,h2,h3\n");
	core_buf_addstr(&quoted, "h1,h2,h3\n");
	for (row = 0; row < 500; row++) {
		nf = 2 + (int)(rnd(&seed) % 3);
		for (i = 0; i < nf; i++) {
			char f[8];

			len = (int)(rnd(&seed) % 5);
			for (j = 0; j < len; j++)
				f[j] = alpha[rnd(&seed) % (sizeof(alpha) - 1)];
			if (i) {
				core_buf_addc(&plain, ',');
				core_buf_addc(&quoted, ',');
			}
			core_buf_add(&plain, f, (size_t)len);
			if (len)
				core_buf_addf(&quoted, "\"%.*s\"", len, f);
		}
		if (rnd(&seed) % 4 == 0) {
			core_buf_addc(&plain, '\r');
			core_buf_addc(&quoted, '\r');
		}
		core_buf_addc(&plain, '\n');
		core_buf_addc(&quoted, '\n');
	}
	a = dec_dump(plain.p, plain.len, &defopts, 0);
	b = dec_dump(quoted.p, quoted.len, &defopts, 0);
	cr_assert(strlen(a) > 1000);
	cr_assert_str_eq(a, b);
	free(a);
	free(b);
	core_buf_release(&plain);
	core_buf_release(&quoted);
}

/* Whatever the bytes, reading them in pieces gives the same events. */
Test(csv, random_input_reads_the_same_in_any_pieces)
{
	static const char alpha[] = "a1,,\"\"\n\r ";
	uint64_t seed = 7;
	char data[64];
	int iter, i, len;

	for (iter = 0; iter < 300; iter++) {
		char *a, *b, *c;

		len = (int)(rnd(&seed) % 48);
		for (i = 0; i < len; i++)
			data[i] = alpha[rnd(&seed) % (sizeof(alpha) - 1)];
		data[len] = '\0';
		a = dec_dump(data, (size_t)len, &defopts, 0);
		b = dec_dump(data, (size_t)len, &defopts, 1);
		c = dec_dump(data, (size_t)len, &defopts, 4);
		cr_assert_str_eq(a, b, "input \"%s\"", data);
		cr_assert_str_eq(a, c, "input \"%s\"", data);
		free(a);
		free(b);
		free(c);
	}
}

Test(csv, quoted_field_past_the_record_limit_is_bad_and_bounded)
{
	const char *data = "a,b\n1,\"0123456789\n0123456789\n0123456789\n"
	    "0123456789\n0123456789\n0123456789\n2,x\n";
	struct core_buf b = CORE_BUF_INIT;
	struct core_input in;
	struct core_dec *d;

	core_input_open_mem(&in, data, strlen(data), "t.csv", 40);
	d = core_dec_csv_new(&in, &defopts, ',');
	core_buf_addstr(&b, "");
	drain(d, &b);
	cr_assert_str_eq(b.p, "2:0: BAD CSV record longer than 40 bytes\n"
	    "6:0: BAD ragged row (expected 2 fields, got 1)\n"
	    "7:0: BAD ragged row (expected 2 fields, got 1)\n"
	    "8: a=int:2 b=str:\"x\"\n");
	core_buf_release(&b);
	core_dec_free(d);
	core_input_close(&in);
}

Test(csv, header_names_that_are_not_utf8_get_replacement_characters)
{
	dec_expect("ok,b\xff" "ad\n1,2\n", &defopts,
	    "2: ok=int:1 b\xef\xbf\xbd" "ad=int:2\n");
}
