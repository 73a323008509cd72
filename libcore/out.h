/* SPDX-License-Identifier: MIT */
/* Buffered output to a file descriptor, written in large batches. */
#ifndef CORE_OUT_H
#define CORE_OUT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/*
 * Bytes collect in buf and go out when it is full or on core_out_flush
 * (the event loop flushes when input would block: DESIGN §6).  A write
 * error sticks in err (an errno value) and later writes are dropped;
 * EPIPE means the reader went away.
 */
struct core_out {
	int fd;
	int err;
	char *buf;
	size_t len;
	size_t cap;
	uint64_t total;    /* bytes handed to write(2) so far */
	char *name;        /* owned; for messages */
	int hold;          /* nothing is written: buf grows (a sink waiting
	                    * for its connection); the owner bounds it */
};

#define CORE_OUT_BUFSZ (256 * 1024)

void core_out_init(struct core_out *o, int fd, const char *name);
/* Flushes, then frees the buffer; does not close fd. */
void core_out_release(struct core_out *o);
/* Writes everything buffered; returns 0 or -1 (o->err set). */
int core_out_flush(struct core_out *o);

/* Slow path of core_out_reserve. */
char *core_out_reserve_slow(struct core_out *o, size_t n);

/*
 * Returns a pointer to at least n free bytes at the end of the buffer,
 * flushing or growing as needed.  Write there, then core_out_commit with
 * the end of what was written.
 */
static inline char *
core_out_reserve(struct core_out *o, size_t n)
{
	if (o->cap - o->len >= n)
		return o->buf + o->len;
	return core_out_reserve_slow(o, n);
}

static inline void
core_out_commit(struct core_out *o, const char *end)
{
	o->len = (size_t)(end - o->buf);
}

static inline void
core_out_write(struct core_out *o, const void *p, size_t n)
{
	char *d = core_out_reserve(o, n);

	memcpy(d, p, n);
	o->len += n;
}

static inline void
core_out_putc(struct core_out *o, int c)
{
	char *d = core_out_reserve(o, 1);

	*d = (char)c;
	o->len++;
}

static inline void
core_out_puts(struct core_out *o, const char *s)
{
	core_out_write(o, s, strlen(s));
}

/* Bytes buffered and not yet written. */
static inline size_t
core_out_pending(const struct core_out *o)
{
	return o->len;
}

#endif
