/* SPDX-License-Identifier: MIT */
/* Shared by the decoder tests: events of a decoder as text, one per line,
 * fed all at once or through a pipe step bytes at a time. */
#ifndef TESTS_DEC_DUMP_H
#define TESTS_DEC_DUMP_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libcore/buf.h"
#include "libcore/dec.h"
#include "libcore/input.h"

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
	case CORE_TIME:
		core_buf_addf(b, "time:%lld", (long long)v->u.i);
		return;
	case CORE_DOUBLE:
		if (v->flags & CORE_VF_TEXT)
			core_buf_addf(b, "num:%.*s", (int)v->len, v->u.s);
		else
			core_buf_addf(b, "dbl:%g", v->u.d);
		return;
	default:
		core_buf_addstr(b, v->type == CORE_STR ? "str:\"" : "json:\"");
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

/*
 * The events of data as decoded by o's format, one per line.  step 0: the
 * input is in memory; otherwise it comes through a pipe step bytes at a
 * time, which finds decoders that lose their place between reads.
 */
static char *
dec_dump(const char *data, size_t len, const struct core_decopts *o,
    size_t step)
{
	struct core_buf b = CORE_BUF_INIT;
	struct core_input in;
	struct core_dec *d;
	struct core_event ev;
	size_t at = 0, n;
	char path[64];
	int pfd[2];

	core_buf_addstr(&b, "");
	if (step == 0) {
		/* Exactly len bytes: the sanitizers catch reads past them. */
		core_input_open_mem(&in, data, len, "input", 0);
		d = core_dec_new(&in, o);
		cr_assert_not_null(d);
		drain(d, &b);
	} else {
		cr_assert_eq(pipe(pfd), 0);
		snprintf(path, sizeof(path), "/proc/self/fd/%d", pfd[0]);
		cr_assert_eq(core_input_open(&in, path, 0, 0, 0), 0);
		close(pfd[0]);
		d = core_dec_new(&in, o);
		cr_assert_not_null(d);
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
		drain(d, &b);
	}
	cr_assert_eq(core_dec_next(d, &ev), CORE_EV_EOF, "EOF is not sticky");
	core_dec_free(d);
	core_input_close(&in);
	return b.p;
}

/* dec_dump at steps 0, 1, 3 and 7 must all give want. */
static void
dec_expect(const char *data, const struct core_decopts *o, const char *want)
{
	static const size_t steps[] = { 0, 1, 3, 7 };
	size_t i;

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		char *got = dec_dump(data, strlen(data), o, steps[i]);

		cr_assert_str_eq(got, want, "input:\n%s\nstep %zu\ngot:\n%s"
		    "want:\n%s", data, steps[i], got, want);
		free(got);
	}
}

#endif
