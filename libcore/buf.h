/* SPDX-License-Identifier: MIT */
/* Growable byte buffers, always NUL-terminated, in the manner of strbuf. */
#ifndef CORE_BUF_H
#define CORE_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

/*
 * Invariant: p[len] == '\0' once anything was added; p may be NULL while
 * cap == 0.  The buffer owns p.
 */
struct core_buf {
	char *p;
	size_t len;
	size_t cap;
};

#define CORE_BUF_INIT { NULL, 0, 0 }

void core_buf_init(struct core_buf *b);
void core_buf_release(struct core_buf *b);
/* Empties the buffer, keeping its capacity. */
void core_buf_reset(struct core_buf *b);
/* Makes room for n more bytes (plus the NUL). */
void core_buf_grow(struct core_buf *b, size_t n);
void core_buf_add(struct core_buf *b, const void *p, size_t n);
void core_buf_addc(struct core_buf *b, int c);
void core_buf_addstr(struct core_buf *b, const char *s);
void core_buf_addf(struct core_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void core_buf_vaddf(struct core_buf *b, const char *fmt, va_list ap);
/* Hands the string over: new, owned by the caller; b is left empty. */
char *core_buf_detach(struct core_buf *b, size_t *len);
/* A string for messages: NUL-terminated, empty string when nothing added. */
const char *core_buf_str(const struct core_buf *b);

#endif
