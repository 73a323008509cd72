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

/* ---- helpers ------------------------------------------------------------ */

static void
dump_value(struct core_buf *b, const struct core_value *v)
{
	size_t i;

	switch (v->type) {
	case CORE_NULL:
		core_buf_addstr(b, "null");
		return;
	case CORE_BOOL:
		core_buf_addstr(b, v->u.i ? "bool:true" : "bool:false");
		return;
	case CORE_INT:
		core_buf_addf(b, "int:%lld", (long long)v->u.i);
		return;
	case CORE_DOUBLE:
		core_buf_addf(b, "num:%.*s", (int)v->len, v->u.s);
		return;
	default:
		core_buf_addstr(b, "str:\"");
		for (i = 0; i < v->len; i++) {
			unsigned char c = (unsigned char)v->u.s[i];

			if (c == '\n')
				core_buf_addstr(b, "\\n");
			else if (c == '\r')
				core_buf_addstr(b, "\\r");
			else if (c == '\t')
				core_buf_addstr(b, "\\t");
			else if (c == '"' || c == '\\')
				core_buf_addf(b, "\\%c", c);
			else
				core_buf_addc(b, c);
		}
		core_buf_addc(b, '"');
	}
}

static void
dump_event(struct core_buf *b, const struct core_event *ev)
{
	size_t i;

	if (ev->kind == CORE_EV_BAD) {
		core_buf_addf(b, "%llu:%llu: BAD %s\n",
		    (unsigned long long)ev->line, (unsigned long long)ev->col,
		    ev->reason);
		return;
	}
	cr_assert_eq(ev->kind, CORE_EV_REC);
	cr_assert_eq(ev->rec.time, 0);
	core_buf_addf(b, "%llu:", (unsigned long long)ev->line);
	for (i = 0; i < ev->rec.schema->n; i++) {
		core_buf_addf(b, " %s=", ev->rec.schema->f[i]->name);
		dump_value(b, &ev->rec.v[i]);
	}
	core_buf_addc(b, '\n');
}

static void
drain(struct core_dec *d, struct core_buf *b)
{
	struct core_event ev;
	enum core_ev k;

	while ((k = core_dec_next(d, &ev)) != CORE_EV_NONE &&
	    k != CORE_EV_EOF)
		dump_event(b, &ev);
}

/* The events of data, one per line; step as in test_csv.c. */
static char *
decode(const char *data, const struct core_decopts *o, size_t step)
{
	struct core_buf b = CORE_BUF_INIT;
	struct core_input in;
	struct core_dec *d;
	struct core_event ev;
	size_t len = strlen(data), at = 0, n;
	char path[64];
	int pfd[2];

	core_buf_addstr(&b, "");
	if (step == 0) {
		core_input_open_mem(&in, data, len, "t.logfmt", 0);
		d = core_dec_logfmt_new(&in, o);
		drain(d, &b);
	} else {
		cr_assert_eq(pipe(pfd), 0);
		snprintf(path, sizeof(path), "/proc/self/fd/%d", pfd[0]);
		cr_assert_eq(core_input_open(&in, path, 0, 0, 0), 0);
		close(pfd[0]);
		d = core_dec_logfmt_new(&in, o);
		while (at < len) {
			n = len - at < step ? len - at : step;
			cr_assert_eq(write(pfd[1], data + at, n), (ssize_t)n);
			at += n;
			cr_assert_eq(core_input_fill(&in), (ssize_t)n);
			drain(d, &b);
		}
		close(pfd[1]);
		while (!in.eof) {
			cr_assert(core_input_fill(&in) >= 0);
			drain(d, &b);
		}
	}
	cr_assert_eq(core_dec_next(d, &ev), CORE_EV_EOF);
	core_dec_free(d);
	core_input_close(&in);
	return b.p;
}

static void
expect(const char *data, const struct core_decopts *o, const char *want)
{
	static const size_t steps[] = { 0, 1, 5 };
	size_t i;

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		char *got = decode(data, o, steps[i]);

		cr_assert_str_eq(got, want, "step %zu\ngot:\n%swant:\n%s",
		    steps[i], got, want);
		free(got);
	}
}

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
	expect("a=1 b=\"x y\" c flag=true d= e=\"\" f=1.50 g=08123\n", &defopts,
	    "1: a=int:1 b=str:\"x y\" c=bool:true flag=bool:true d=null"
	    " e=str:\"\" f=num:1.50 g=str:\"08123\"\n");
}

Test(logfmt, quoted_values_are_always_strings)
{
	expect("n=\"42\" t=\"true\" u=42\n", &defopts,
	    "1: n=str:\"42\" t=str:\"true\" u=int:42\n");
}

Test(logfmt, quoted_escapes_are_decoded_and_bare_backslashes_kept)
{
	expect("m=\"say \\\"hi\\\" \\\\ \\n\\tx\\q\" u=C:\\path v=a\"b\n",
	    &defopts,
	    "1: m=str:\"say \\\"hi\\\" \\\\ \\n\\tx\\\\q\" u=str:\"C:\\\\path\""
	    " v=str:\"a\\\"b\"\n");
}

Test(logfmt, no_infer_makes_every_value_a_string)
{
	struct core_decopts o = { .format = "logfmt", .no_infer = 1 };

	expect("a=1 d= c b=\"q\"\n", &o,
	    "1: a=str:\"1\" d=str:\"\" c=str:\"true\" b=str:\"q\"\n");
}

Test(logfmt, blank_lines_skipped_and_spacing_is_free)
{
	expect("\n   \n\ta=1   b=2\t\r\n\nlevel=info msg=ok\n", &defopts,
	    "3: a=int:1 b=int:2\n"
	    "5: level=str:\"info\" msg=str:\"ok\"\n");
}

Test(logfmt, garbage_is_bad_with_its_column_and_reading_goes_on)
{
	expect("a=\"unterminated\n=x\na=\"x\"y\na\"b=1\nok=1\nk=\"a\\\"\n",
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
	expect("a=1 b=2 a=3\n", &defopts, "1: a=int:3 b=int:2\n");
}

Test(logfmt, records_change_shape_from_line_to_line)
{
	expect("a=1 b=2\nb=3 a=4\na=5\n", &defopts,
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
	char *back = decode(text, &defopts, 0);

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
	expect("k\xc3=1 ok=2\n", &defopts,
	    "1: k\xef\xbf\xbd=int:1 ok=int:2\n");
}
