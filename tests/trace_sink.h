/* SPDX-License-Identifier: MIT */
/* For the operator tests: an output that renders every event as trace
 * text in memory (stream-sink -o trace), read back with sink_text. */
#ifndef TESTS_TRACE_SINK_H
#define TESTS_TRACE_SINK_H

#include <criterion/criterion.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libcore/out.h"
#include "libcore/writer.h"

struct sink {
	int fd;
	struct core_out out;
	struct core_writer *w;
	char *text;
};

static inline void
sink_open(struct sink *k)
{
	struct core_wopts o = { .format = "trace" };

	k->fd = memfd_create("trace", 0);
	core_out_init(&k->out, k->fd, "mem");
	k->w = core_writer_new(&k->out, &o);
	k->text = NULL;
}

/* Everything written so far; good until the next call. */
static inline const char *
sink_text(struct sink *k)
{
	off_t n;

	core_out_flush(&k->out);
	n = lseek(k->fd, 0, SEEK_END);
	free(k->text);
	k->text = calloc(1, (size_t)n + 1);
	cr_assert_eq(pread(k->fd, k->text, (size_t)n, 0), n);
	return k->text;
}

static inline void
sink_close(struct sink *k)
{
	core_writer_free(k->w);
	core_out_release(&k->out);
	close(k->fd);
	free(k->text);
}

#endif
