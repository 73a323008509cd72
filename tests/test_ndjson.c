/* SPDX-License-Identifier: MIT */
/* Tests for the NDJSON decoder and writer, and decoder sniffing. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libcore/dec.h"
#include "libcore/writer.h"

struct run {
	struct core_input in;
	struct core_dec *dec;
};

static void
run_open_n(struct run *r, const char *fmt, const char *data, size_t n)
{
	struct core_decopts o = { .format = fmt };

	core_input_open_mem(&r->in, data, n, "t.ndjson", 0);
	r->dec = core_dec_new(&r->in, &o);
	cr_assert_not_null(r->dec);
}

static void
run_open(struct run *r, const char *fmt, const char *data)
{
	run_open_n(r, fmt, data, strlen(data));
}

static enum core_ev
run_next(struct run *r, struct core_event *ev)
{
	enum core_ev k;

	while ((k = core_dec_next(r->dec, ev)) == CORE_EV_NONE)
		core_input_fill(&r->in);
	return k;
}

static void
run_close(struct run *r)
{
	core_dec_free(r->dec);
	core_input_close(&r->in);
}

/* Writes every record of data through writer format wf; returns text. */
static char *
through_n(const char *fmt, const char *data, size_t len, const char *wf,
    size_t *outlen)
{
	struct core_wopts wo = { .format = wf };
	struct core_writer *w;
	struct core_event ev;
	struct core_out out;
	struct run r;
	char *buf;
	off_t n;
	int fd = memfd_create("out", 0);

	core_out_init(&out, fd, "mem");
	w = core_writer_new(&out, &wo);
	run_open_n(&r, fmt, data, len);
	while (run_next(&r, &ev) != CORE_EV_EOF)
		if (ev.kind == CORE_EV_REC)
			core_writer_rec(w, &ev.rec);
	core_writer_end(w);
	core_writer_free(w);
	core_out_flush(&out);
	n = lseek(fd, 0, SEEK_END);
	buf = calloc(1, (size_t)n + 1);
	cr_assert_eq(pread(fd, buf, (size_t)n, 0), n);
	core_out_release(&out);
	close(fd);
	run_close(&r);
	if (outlen)
		*outlen = (size_t)n;
	return buf;
}

static char *
through(const char *fmt, const char *data, const char *wf)
{
	return through_n(fmt, data, strlen(data), wf, NULL);
}

Test(ndjson, reads_typed_fields_in_order)
{
	struct core_event ev;
	struct run r;

	run_open(&r, "ndjson", "{\"s\":\"42\",\"i\":42,\"d\":4.20,"
	    "\"b\":false,\"n\":null,\"o\":{\"x\":[1]}}\n");
	cr_assert_eq(run_next(&r, &ev), CORE_EV_REC);
	cr_assert_eq(ev.rec.schema->n, 6);
	cr_expect_str_eq(ev.rec.schema->f[0]->name, "s");
	cr_expect_eq(ev.rec.v[0].type, CORE_STR);
	cr_expect_eq(ev.rec.v[1].type, CORE_INT);
	cr_expect_eq(ev.rec.v[2].type, CORE_DOUBLE);
	cr_expect_eq(ev.rec.v[3].type, CORE_BOOL);
	cr_expect_eq(ev.rec.v[4].type, CORE_NULL);
	cr_expect_eq(ev.rec.v[5].type, CORE_JSON);
	cr_expect_eq(ev.line, 1);
	cr_expect_eq(run_next(&r, &ev), CORE_EV_EOF);
	run_close(&r);
}

Test(ndjson, bad_lines_are_reported_and_neighbours_kept)
{
	struct core_event ev;
	struct run r;

	run_open(&r, "ndjson", "{\"a\":1}\n{\"a\" 2}\n[1]\n\n  \n{\"a\":3}");
	cr_assert_eq(run_next(&r, &ev), CORE_EV_REC);
	cr_assert_eq(run_next(&r, &ev), CORE_EV_BAD);
	cr_expect_eq(ev.line, 2);
	cr_expect_eq(ev.off, 8);
	cr_expect_str_eq(ev.reason, "bad JSON at column 6: expected ':'");
	cr_expect_eq(ev.rawlen, 7);
	cr_assert_eq(run_next(&r, &ev), CORE_EV_BAD);
	cr_expect_eq(ev.line, 3);
	cr_expect_str_eq(ev.reason, "bad JSON at column 1: expected a JSON "
	    "object");
	cr_assert_eq(run_next(&r, &ev), CORE_EV_REC);
	cr_expect_eq(ev.line, 6);
	cr_expect_eq(ev.rec.v[0].u.i, 3);
	cr_expect_eq(run_next(&r, &ev), CORE_EV_EOF);
	run_close(&r);
}

Test(ndjson, bom_only_at_start)
{
	struct core_event ev;
	struct run r;

	run_open(&r, "ndjson", "\xef\xbb\xbf{\"a\":1}\n\xef\xbb\xbf{\"a\":2}\n");
	cr_expect_eq(run_next(&r, &ev), CORE_EV_REC);
	cr_expect_eq(run_next(&r, &ev), CORE_EV_BAD);
	run_close(&r);
}

Test(ndjson, writer_output_equals_compact_input)
{
	const char *in = "{\"a\":1,\"b\":\"x\\ny\",\"c\":[1,{\"d\":2}],"
	    "\"e\":1.50,\"f\":true,\"g\":null,\"h\":1e400}\n"
	    "{}\n{\"\\u00e9\":\"\\u0000\"}\n";
	char *out = through("ndjson", in, "ndjson");

	cr_expect_str_eq(out, "{\"a\":1,\"b\":\"x\\ny\",\"c\":[1,{\"d\":2}],"
	    "\"e\":1.50,\"f\":true,\"g\":null,\"h\":1e400}\n"
	    "{}\n{\"\xc3\xa9\":\"\\u0000\"}\n");
	free(out);
}

Test(ndjson, auto_detects_ndjson_and_refuses_other_text)
{
	struct core_event ev;
	struct run r;

	run_open(&r, "auto", "  \n{\"a\":1}\n");
	cr_expect_eq(run_next(&r, &ev), CORE_EV_REC);
	cr_expect_str_eq(core_dec_format(r.dec), "ndjson");
	run_close(&r);
	run_open(&r, "auto", "a,b,c\n1,2,3\n");
	cr_assert_eq(run_next(&r, &ev), CORE_EV_BAD);
	cr_expect(ev.fatal);
	cr_expect_neq(strstr(ev.reason, "stream-source -f"), NULL);
	run_close(&r);
}

Test(ndjson, frames_round_trip_through_auto)
{
	const char *in = "{\"a\":1,\"s\":\"x\"}\n{\"b\":[true]}\n";
	size_t n;
	char *frames = through_n("ndjson", in, strlen(in), "frames", &n);
	char *back = through_n("auto", frames, n, "ndjson", NULL);

	cr_expect_str_eq(back, in);
	free(frames);
	free(back);
}

Test(ndjson, fields_option_selects_and_orders)
{
	struct core_wopts wo = { .format = "ndjson" };
	const char *in = "{\"a\":1,\"b\":2,\"c\":3}\n";
	char *fields[] = { "c", "zz", "a", NULL };
	struct core_writer *w;
	struct core_event ev;
	struct core_out out;
	struct run r;
	char buf[128] = "";
	int fd = memfd_create("out", 0);

	wo.fields = fields;
	wo.nfields = 3;
	core_out_init(&out, fd, "mem");
	w = core_writer_new(&out, &wo);
	run_open(&r, "ndjson", in);
	cr_assert_eq(run_next(&r, &ev), CORE_EV_REC);
	core_writer_rec(w, &ev.rec);
	core_writer_free(w);
	core_out_flush(&out);
	cr_assert_gt(pread(fd, buf, sizeof(buf) - 1, 0), 0);
	cr_expect_str_eq(buf, "{\"c\":3,\"zz\":null,\"a\":1}\n");
	core_out_release(&out);
	close(fd);
	run_close(&r);
}
