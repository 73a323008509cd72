/* SPDX-License-Identifier: MIT */
/* Tests that the CSV reader's one-pass path for plain lines gives the
 * events libcsv gives for the same rows, at every line length. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libcore/buf.h"
#include "libcore/dec.h"
#include "tests/dec_dump.h"
#include "tests/rng.h"

/* Words that infer to every type, and random bytes around them. */
static const char *const words[] = {
	"0", "-0", "007", "1.0", "1e5", "-2.5", "200", "18399", "2.332",
	"9223372036854775808", "-9223372036854775808", "true", "false", "tru",
	"web-04", "GET", "/blog/2628", " 1", "1 ", "NaN", "+1", "-",
	"2024-03-01T00:00:00.005Z",
};

static void
add_field(struct core_buf *plain, struct core_buf *quoted, uint64_t *seed)
{
	static const char alpha[] = "ab 1.-0e9tx\t;|";
	const char *w;
	char f[80];
	size_t len, j;

	switch (rnd(seed) % 4) {
	case 0:
		len = 0;
		break;
	case 1:
		w = words[rnd(seed) % (sizeof(words) / sizeof(words[0]))];
		len = strlen(w);
		memcpy(f, w, len);
		break;
	default:
		len = (size_t)(rnd(seed) % (rnd(seed) % 4 == 0 ? 70 : 9));
		for (j = 0; j < len; j++)
			f[j] = alpha[rnd(seed) % (sizeof(alpha) - 1)];
		break;
	}
	core_buf_add(plain, f, len);
	/* Quoted, the same field goes through libcsv; empty stays null. */
	if (len)
		core_buf_addf(quoted, "\"%.*s\"", (int)len, f);
}

/*
 * Rows of 1 to 12 fields under a header of nh, so that most rows are as
 * wide as the header and some are not; lines from 0 to several hundred
 * bytes, so that every position of a delimiter in a 16- and 64-byte
 * block comes up; some end in CRLF.  Read plain and with every non-empty
 * field quoted, which sends them through libcsv: the same events.
 */
static void
compare(const struct core_decopts *o, size_t nh, uint64_t seed)
{
	struct core_buf plain = CORE_BUF_INIT, quoted = CORE_BUF_INIT;
	size_t row, i, nf;
	char *a, *b;

	for (i = 0; i < nh; i++) {
		core_buf_addf(&plain, "%sh%zu", i ? "," : "", i);
		core_buf_addf(&quoted, "%sh%zu", i ? "," : "", i);
	}
	core_buf_addc(&plain, '\n');
	core_buf_addc(&quoted, '\n');
	for (row = 0; row < 3000; row++) {
		nf = rnd(&seed) % 5 == 0 ? 1 + rnd(&seed) % 12 : nh;
		for (i = 0; i < nf; i++) {
			if (i) {
				core_buf_addc(&plain, ',');
				core_buf_addc(&quoted, ',');
			}
			add_field(&plain, &quoted, &seed);
		}
		if (rnd(&seed) % 4 == 0) {
			core_buf_addc(&plain, '\r');
			core_buf_addc(&quoted, '\r');
		}
		core_buf_addc(&plain, '\n');
		core_buf_addc(&quoted, '\n');
	}
	a = dec_dump(plain.p, plain.len, o, 0);
	b = dec_dump(quoted.p, quoted.len, o, 0);
	cr_assert(strlen(a) > 10000);
	cr_assert_str_eq(a, b, "header width %zu", nh);
	free(a);
	free(b);
	/* In pieces through a pipe, lines split across reads. */
	a = dec_dump(plain.p, plain.len, o, 61);
	b = dec_dump(quoted.p, quoted.len, o, 0);
	cr_assert_str_eq(a, b, "header width %zu, in pieces", nh);
	free(a);
	free(b);
	core_buf_release(&plain);
	core_buf_release(&quoted);
}

Test(csv, plain_rows_of_any_length_read_as_libcsv_reads_them)
{
	struct core_decopts o = { .format = "csv" };
	size_t nh;

	for (nh = 1; nh <= 9; nh++)
		compare(&o, nh, nh);
}

Test(csv, plain_rows_read_as_libcsv_reads_them_without_inference)
{
	struct core_decopts o = { .format = "csv", .no_infer = 1 };

	compare(&o, 3, 11);
	compare(&o, 7, 12);
}

Test(csv, plain_rows_read_as_libcsv_reads_them_when_ragged)
{
	struct core_decopts o = { .format = "csv", .allow_ragged = 1 };

	compare(&o, 2, 21);
	compare(&o, 7, 22);
}

Test(csv, plain_rows_read_as_libcsv_reads_them_without_header)
{
	struct core_decopts o = { .format = "csv", .no_header = 1 };

	compare(&o, 4, 31);
}

/*
 * A quote or a '\r' anywhere in a line, at every position, sends it to
 * libcsv: the result must not depend on how far the fast path got.
 */
Test(csv, quote_or_cr_anywhere_in_a_long_line_reads_as_before)
{
	struct core_decopts o = { .format = "csv" };
	struct core_buf in = CORE_BUF_INIT, want = CORE_BUF_INIT;
	size_t at, i;
	char *got;

	for (at = 0; at < 100; at++) {
		core_buf_reset(&in);
		core_buf_addstr(&in, "a,b,c\n");
		for (i = 0; i < 100; i++)
			core_buf_addc(&in, i == 30 || i == 70 ? ',' : 'x');
		in.p[6 + at] = at % 2 ? '"' : '\r';
		core_buf_addc(&in, '\n');
		core_buf_addstr(&in, "1,2,3\n");
		got = dec_dump(in.p, in.len, &o, 0);
		/* The same line alone after the header, read in pieces of
		 * one byte, must agree, and the last row is always there. */
		core_buf_reset(&want);
		core_buf_addstr(&want, got);
		free(got);
		got = dec_dump(in.p, in.len, &o, 1);
		cr_assert_str_eq(got, want.p, "special byte at %zu", at);
		cr_assert(strstr(got, "int:3") != NULL, "at %zu: %s", at, got);
		free(got);
	}
	core_buf_release(&in);
	core_buf_release(&want);
}

Test(csv, plain_row_after_byte_order_mark_and_crlf_header)
{
	struct core_decopts o = { .format = "csv" };

	dec_expect("\xef\xbb\xbft,n,s\r\n"
	    "2024-03-01T00:00:00.005Z,-0,web-04\n"
	    ",,x\n"
	    "1,2\n",
	    &o,
	    "2: t=str:\"2024-03-01T00:00:00.005Z\" n=num:-0 s=str:\"web-04\"\n"
	    "3: t=null n=null s=str:\"x\"\n"
	    "4:0: BAD ragged row (expected 3 fields, got 2)\n");
}
