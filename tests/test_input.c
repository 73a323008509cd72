/* SPDX-License-Identifier: MIT */
/* Tests for buffered input: lines, limits, files, following. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libcore/input.h"

static int
next_line(struct core_input *in, char *buf, size_t cap, uint64_t *ln)
{
	const char *p;
	size_t len;
	int64_t off;
	int r;

	for (;;) {
		r = core_input_line(in, &p, &len, ln, &off);
		if (r)
			break;
		if (in->eof)
			return 0;
		if (core_input_fill(in) < 0)
			return -1;
	}
	snprintf(buf, cap, "%.*s", (int)len, p);
	return r;
}

Test(input, splits_lines_and_numbers_them)
{
	struct core_input in;
	char buf[64];
	uint64_t ln;

	core_input_open_mem(&in, "a\nbb\r\n\nlast", 11, "m", 0);
	cr_assert_eq(next_line(&in, buf, sizeof(buf), &ln), 1);
	cr_expect_str_eq(buf, "a");
	cr_expect_eq(ln, 1);
	cr_assert_eq(next_line(&in, buf, sizeof(buf), &ln), 1);
	cr_expect_str_eq(buf, "bb\r");
	cr_assert_eq(next_line(&in, buf, sizeof(buf), &ln), 1);
	cr_expect_str_eq(buf, "");
	cr_expect_eq(ln, 3);
	cr_assert_eq(next_line(&in, buf, sizeof(buf), &ln), 1);
	cr_expect_str_eq(buf, "last");
	cr_expect_eq(ln, 4);
	cr_expect_eq(next_line(&in, buf, sizeof(buf), &ln), 0);
	core_input_close(&in);
}

Test(input, overlong_line_is_reported_and_skipped)
{
	struct core_input in;
	char data[300], buf[256];
	uint64_t ln;

	memset(data, 'x', 200);
	memcpy(data + 200, "\nok\n", 4);
	core_input_open_mem(&in, data, 204, "m", 64);
	cr_assert_eq(next_line(&in, buf, sizeof(buf), &ln), 2);
	cr_expect_eq(strlen(buf), 64);
	cr_expect_eq(ln, 1);
	cr_assert_eq(next_line(&in, buf, sizeof(buf), &ln), 1);
	cr_expect_str_eq(buf, "ok");
	cr_expect_eq(ln, 2);
	core_input_close(&in);
}

Test(input, reads_a_big_file_in_chunks)
{
	char path[] = "/tmp/streamutils-input-XXXXXX", buf[64];
	struct core_input in;
	FILE *f;
	uint64_t ln;
	int fd = mkstemp(path), i, n = 0;

	f = fdopen(fd, "w");
	for (i = 0; i < 100000; i++)
		fprintf(f, "line %d\n", i);
	fclose(f);
	cr_assert_eq(core_input_open(&in, path, 0, 0, 0), 0);
	cr_expect(in.isreg);
	while (next_line(&in, buf, sizeof(buf), &ln) == 1) {
		char want[32];

		snprintf(want, sizeof(want), "line %d", n);
		cr_assert_str_eq(buf, want);
		n++;
	}
	cr_expect_eq(n, 100000);
	cr_expect_eq(ln, 100000);
	core_input_close(&in);
	unlink(path);
}

Test(input, missing_file_fails_unless_following)
{
	struct core_input in;

	cr_expect_eq(core_input_open(&in, "/nonexistent/x", 0, 0, 0), -1);
	cr_assert_eq(core_input_open(&in, "/tmp/streamutils-none-yet", 0, 1,
	    0), 0);
	cr_expect_eq(in.fd, -1);
	core_input_close(&in);
}

static void
append(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644);

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, s, strlen(s)), (ssize_t)strlen(s));
	close(fd);
}

/* Reads until a complete line is there, or gives up after a while. */
static int
follow_line(struct core_input *in, char *buf, size_t cap)
{
	const char *p;
	size_t len;
	uint64_t ln;
	int64_t off;
	int tries;

	for (tries = 0; tries < 200; tries++) {
		if (core_input_line(in, &p, &len, &ln, &off)) {
			snprintf(buf, cap, "%.*s", (int)len, p);
			return 1;
		}
		if (core_input_fill(in) == 0)
			usleep(5000);
	}
	return 0;
}

Test(input, follow_survives_truncation_and_rotation)
{
	char dir[] = "/tmp/streamutils-follow-XXXXXX", path[256], old[256];
	char buf[64];
	struct core_input in;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/log", dir);
	snprintf(old, sizeof(old), "%s/log.1", dir);
	append(path, "one\n");
	cr_assert_eq(core_input_open(&in, path, 0, 1, 0), 0);
	cr_assert(follow_line(&in, buf, sizeof(buf)));
	cr_expect_str_eq(buf, "one");
	append(path, "two\n");
	cr_assert(follow_line(&in, buf, sizeof(buf)));
	cr_expect_str_eq(buf, "two");
	/* Truncate and write less than before. */
	cr_assert_eq(truncate(path, 0), 0);
	append(path, "3\n");
	cr_assert(follow_line(&in, buf, sizeof(buf)));
	cr_expect_str_eq(buf, "3");
	cr_expect_eq(in.lineno, 2);
	/* Rotate: rename, write a last line to the old file, new file. */
	cr_assert_eq(rename(path, old), 0);
	append(old, "last-of-old\n");
	append(path, "first-of-new\n");
	cr_assert(follow_line(&in, buf, sizeof(buf)));
	cr_expect_str_eq(buf, "last-of-old");
	cr_assert(follow_line(&in, buf, sizeof(buf)));
	cr_expect_str_eq(buf, "first-of-new");
	cr_expect_eq(in.lineno, 2);
	core_input_close(&in);
	unlink(path);
	unlink(old);
	rmdir(dir);
}

Test(input, follow_waits_for_missing_file)
{
	char dir[] = "/tmp/streamutils-follow-XXXXXX", path[256], buf[64];
	struct core_input in;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/later", dir);
	cr_assert_eq(core_input_open(&in, path, 0, 1, 0), 0);
	cr_expect_eq(core_input_fill(&in), 0);
	cr_expect(!in.eof);
	append(path, "hello\n");
	cr_assert(follow_line(&in, buf, sizeof(buf)));
	cr_expect_str_eq(buf, "hello");
	core_input_close(&in);
	unlink(path);
	rmdir(dir);
}

Test(input, from_end_skips_existing_content)
{
	char path[] = "/tmp/streamutils-input-XXXXXX", buf[64];
	struct core_input in;
	int fd = mkstemp(path);

	cr_assert_eq(write(fd, "old\n", 4), 4);
	close(fd);
	cr_assert_eq(core_input_open(&in, path, 0, 1, 1), 0);
	append(path, "new\n");
	cr_assert(follow_line(&in, buf, sizeof(buf)));
	cr_expect_str_eq(buf, "new");
	core_input_close(&in);
	unlink(path);
}
