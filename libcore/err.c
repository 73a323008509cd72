/* SPDX-License-Identifier: MIT */
/* Messages and exit statuses for the command-line layer. */
#include "libcore/err.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *core_progname;

#define MAX_HOOKS 16

static struct {
	void (*fn)(void *);
	void *ctx;
} hooks[MAX_HOOKS];
static int nhooks;

void
core_setprogname(const char *argv0)
{
	const char *s = argv0 ? strrchr(argv0, '/') : NULL;

	core_progname = s ? s + 1 : argv0 ? argv0 : "streamutils";
}

void
core_atexit(void (*fn)(void *), void *ctx)
{
	if (nhooks < MAX_HOOKS) {
		hooks[nhooks].fn = fn;
		hooks[nhooks].ctx = ctx;
		nhooks++;
	}
}

void
core_exit(int status)
{
	/* A hook may exit again (a failed flush); each runs at most once. */
	while (nhooks > 0) {
		nhooks--;
		hooks[nhooks].fn(hooks[nhooks].ctx);
	}
	exit(status);
}

void
core_vwarnx(const char *fmt, va_list ap)
{
	char line[4096];
	int n;

	n = snprintf(line, sizeof(line), "%s: ", core_progname);
	if (n < 0)
		return;
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	/* One write, so that messages of tools in a pipeline do not mix. */
	fprintf(stderr, "%s\n", line);
}

void
core_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	core_vwarnx(fmt, ap);
	va_end(ap);
}

void
core_warn(const char *fmt, ...)
{
	char msg[4096];
	int e = errno;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	core_warnx("%s: %s", msg, strerror(e));
}

void
core_die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	core_vwarnx(fmt, ap);
	va_end(ap);
	core_exit(status);
}

void
core_diesys(int status, const char *fmt, ...)
{
	char msg[4096];
	int e = errno;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	core_warnx("%s: %s", msg, strerror(e));
	core_exit(status);
}
