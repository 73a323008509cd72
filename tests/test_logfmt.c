/* SPDX-License-Identifier: MIT */
/* Tests for the logfmt reader and writer. */
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

static const struct core_decopts defopts = { .format = "logfmt" };

/* Writes recs with the logfmt writer; returns the text. */
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
	w = core_writer_logfmt_new(&out, wo);
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

static struct core_rec
mkrec(const char *const *names, struct core_value *v, size_t n)
{
	const struct core_sym *syms[16];
	struct core_rec r = { .schema = NULL, .v = v };
	size_t i;

	for (i = 0; i < n; i++)
		syms[i] = core_sym_str(names[i]);
	r.schema = core_schema_intern(syms, (uint32_t)n);
	return r;
}

/* ---- reader ------------------------------------------------------------- */

Test(logfmt, pairs_bare_keys_and_empty_values)
{
	dec_expect("a=1 b=\"x y\" c flag=true d= e=\"\" f=1.50 g=08123\n", &defopts,
	    "1: a=int:1 b=str:\"x y\" c=bool:true flag=bool:true d=null"
	    " e=str:\"\" f=num:1.50 g=str:\"08123\"\n");
}

Test(logfmt, quoted_values_are_always_strings)
{
	dec_expect("n=\"42\" t=\"true\" u=42\n", &defopts,
	    "1: n=str:\"42\" t=str:\"true\" u=int:42\n");
}

Test(logfmt, quoted_escapes_are_decoded_and_bare_backslashes_kept)
{
	dec_expect("m=\"say \\\"hi\\\" \\\\ \\n\\tx\\q\" u=C:\\path v=a\"b\n",
	    &defopts,
	    "1: m=str:\"say \\\"hi\\\" \\\\ \\n\\tx\\\\q\" u=str:\"C:\\\\path\""
	    " v=str:\"a\\\"b\"\n");
}

Test(logfmt, no_infer_makes_every_value_a_string)
{
	struct core_decopts o = { .format = "logfmt", .no_infer = 1 };

	dec_expect("a=1 d= c b=\"q\"\n", &o,
	    "1: a=str:\"1\" d=str:\"\" c=str:\"true\" b=str:\"q\"\n");
}

Test(logfmt, blank_lines_skipped_and_spacing_is_free)
{
	dec_expect("\n   \n\ta=1   b=2\t\r\n\nlevel=info msg=ok\n", &defopts,
	    "3: a=int:1 b=int:2\n"
	    "5: level=str:\"info\" msg=str:\"ok\"\n");
}

Test(logfmt, garbage_is_bad_with_its_column_and_reading_goes_on)
{
	dec_expect("a=\"unterminated\n=x\na=\"x\"y\na\"b=1\nok=1\nk=\"a\\\"\n",
	    &defopts,
	    "1:3: BAD bad logfmt at column 3: unterminated quoted value\n"
	    "2:1: BAD bad logfmt at column 1: '=' without a key\n"
	    "3:6: BAD bad logfmt at column 6: expected a space after the "
	    "quoted value\n"
	    "4:2: BAD bad logfmt at column 2: unexpected '\"' in a key\n"
	    "5: ok=int:1\n"
	    "6:3: BAD bad logfmt at column 3: unterminated quoted value\n");
}

Test(logfmt, repeated_key_keeps_its_place_and_last_value)
{
	dec_expect("a=1 b=2 a=3\n", &defopts, "1: a=int:3 b=int:2\n");
}

Test(logfmt, records_change_shape_from_line_to_line)
{
	dec_expect("a=1 b=2\nb=3 a=4\na=5\n", &defopts,
	    "1: a=int:1 b=int:2\n"
	    "2: b=int:3 a=int:4\n"
	    "3: a=int:5\n");
}

/* ---- writer ------------------------------------------------------------- */

Test(logfmt, writer_quotes_only_what_needs_quotes)
{
	static const char *const names[] = { "s", "sp", "e", "eq", "q", "nl",
		"bs", "n", "t", "f", "i", "d", "num", "j" };
	struct core_value v[14] = {
		core_v_str("plain", 5), core_v_str("x y", 3),
		core_v_str("", 0), core_v_str("a=b", 3),
		core_v_str("say \"hi\"", 8), core_v_str("l1\nl2\t\\", 7),
		core_v_str("C:\\x", 4), core_v_null(), core_v_bool(1),
		core_v_bool(0), core_v_int(-12), core_v_numtext("1.50", 4),
		core_v_str("42", 2), core_v_json("{\"a\":1}", 7)
	};
	struct core_rec r = mkrec(names, v, 14);
	char *text = write_recs(&r, 1,
	    &(struct core_wopts){ .format = "logfmt" });

	cr_assert_str_eq(text, "s=plain sp=\"x y\" e=\"\" eq=\"a=b\" "
	    "q=\"say \\\"hi\\\"\" nl=\"l1\\nl2\\t\\\\\" bs=C:\\x n= t=true "
	    "f=false i=-12 d=1.50 num=42 j=\"{\\\"a\\\":1}\"\n");
	free(text);
}

Test(logfmt, writer_output_reads_back_the_same)
{
	static const char *const names[] = { "a", "b", "c", "d", "e", "f" };
	struct core_value v[6] = {
		core_v_str("x y=z", 5), core_v_str("", 0),
		core_v_str("\"\\\n\r\t", 5), core_v_null(), core_v_bool(1),
		core_v_str("\x01 ctl", 5)
	};
	struct core_rec r = mkrec(names, v, 6);
	char *text = write_recs(&r, 1,
	    &(struct core_wopts){ .format = "logfmt" });
	char *back = dec_dump(text, strlen(text), &defopts, 0);

	cr_assert_str_eq(back, "1: a=str:\"x y=z\" b=str:\"\" "
	    "c=str:\"\\\"\\\\\\n\\r\\t\" d=null e=bool:true "
	    "f=str:\"\x01 ctl\"\n", "text: %s", text);
	free(back);
	free(text);
}

Test(logfmt, writer_replaces_bytes_a_key_cannot_hold)
{
	static const char *const names[] = { "a b", "x=y", "", "q\"" };
	struct core_value v[4] = { core_v_int(1), core_v_int(2),
		core_v_int(3), core_v_int(4) };
	struct core_rec r = mkrec(names, v, 4);
	char *text = write_recs(&r, 1,
	    &(struct core_wopts){ .format = "logfmt" });

	cr_assert_str_eq(text, "a_b=1 x_y=2 _=3 q_=4\n");
	free(text);
}

Test(logfmt, keys_that_are_not_utf8_get_replacement_characters)
{
	dec_expect("k\xc3=1 ok=2\n", &defopts,
	    "1: k\xef\xbf\xbd=int:1 ok=int:2\n");
}
