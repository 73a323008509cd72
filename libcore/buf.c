/* SPDX-License-Identifier: MIT */
/* Growable byte buffers, always NUL-terminated, in the manner of strbuf. */
#include "libcore/buf.h"

#include <stdio.h>
#include <stdlib.h>

#include "libcore/xalloc.h"

void
core_buf_init(struct core_buf *b)
{
	b->p = NULL;
	b->len = b->cap = 0;
}

void
core_buf_release(struct core_buf *b)
{
	free(b->p);
	core_buf_init(b);
}

void
core_buf_reset(struct core_buf *b)
{
	b->len = 0;
	if (b->p)
		b->p[0] = '\0';
}

void
core_buf_grow(struct core_buf *b, size_t n)
{
	if (b->len + n + 1 > b->cap)
		b->p = core_xgrow(b->p, &b->cap, b->len + n + 1, 1);
}

void
core_buf_add(struct core_buf *b, const void *p, size_t n)
{
	core_buf_grow(b, n);
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
core_buf_addc(struct core_buf *b, int c)
{
	core_buf_grow(b, 1);
	b->p[b->len++] = (char)c;
	b->p[b->len] = '\0';
}

void
core_buf_addstr(struct core_buf *b, const char *s)
{
	core_buf_add(b, s, strlen(s));
}

void
core_buf_vaddf(struct core_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	core_buf_grow(b, 64);
	va_copy(cp, ap);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	if ((size_t)n >= b->cap - b->len) {
		core_buf_grow(b, (size_t)n);
		n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	}
	b->len += (size_t)n;
}

void
core_buf_addf(struct core_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	core_buf_vaddf(b, fmt, ap);
	va_end(ap);
}

char *
core_buf_detach(struct core_buf *b, size_t *len)
{
	char *p;

	if (b->p == NULL)
		core_buf_grow(b, 0), b->p[0] = '\0';
	p = b->p;
	if (len)
		*len = b->len;
	core_buf_init(b);
	return p;
}

const char *
core_buf_str(const struct core_buf *b)
{
	return b->p ? b->p : "";
}
