/* SPDX-License-Identifier: MIT */
/* Allocation that never returns NULL: out of memory aborts the tool. */
#include "libcore/xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libcore/err.h"

static void
oom(void)
{
	static const char tail[] = ": out of memory\n";
	const char *p = core_progname ? core_progname : "streamutils";

	/* No stdio here: it may need memory itself. */
	(void)!write(2, p, strlen(p));
	(void)!write(2, tail, sizeof(tail) - 1);
	_exit(3);
}

void *
core_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		oom();
	return p;
}

void *
core_xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (p == NULL)
		oom();
	return p;
}

void *
core_xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		oom();
	return p;
}

void *
core_xgrow(void *p, size_t *cap, size_t need, size_t sz)
{
	size_t c = *cap;

	if (need <= c)
		return p;
	if (c < 8)
		c = 8;
	while (c < need) {
		if (c > SIZE_MAX / 2)
			oom();
		c *= 2;
	}
	if (c > SIZE_MAX / sz)
		oom();
	*cap = c;
	return core_xrealloc(p, c * sz);
}

char *
core_xstrdup(const char *s)
{
	return core_xmemdup(s, strlen(s));
}

char *
core_xmemdup(const void *p, size_t n)
{
	char *q = core_xmalloc(n + 1);

	if (n)
		memcpy(q, p, n);
	q[n] = '\0';
	return q;
}
