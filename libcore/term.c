/* SPDX-License-Identifier: MIT */
/* What a tool needs to know of a terminal: whether, how big, which text. */
#include "libcore/term.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <unistd.h>

int
core_term_capable(int fd)
{
	const char *t = getenv("TERM");

	return isatty(fd) && t && *t && strcmp(t, "dumb") != 0;
}

/* A positive number of at most 4 digits from the environment, else def. */
static int
env_int(const char *name, int def)
{
	const char *s = getenv(name);
	int n = 0;

	if (s == NULL || *s == '\0' || strlen(s) > 4)
		return def;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return def;
		n = n * 10 + (*s - '0');
	}
	return n > 0 ? n : def;
}

void
core_term_size(int fd, int *rows, int *cols)
{
	struct winsize ws;

	if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    ws.ws_col > 0) {
		*rows = ws.ws_row;
		*cols = ws.ws_col;
		return;
	}
	*rows = env_int("LINES", 24);
	*cols = env_int("COLUMNS", 80);
}

int
core_term_utf8(void)
{
	static const char *const vars[] = { "LC_ALL", "LC_CTYPE", "LANG" };
	const char *s = NULL, *dot;
	size_t i;

	for (i = 0; i < 3 && (s == NULL || *s == '\0'); i++)
		s = getenv(vars[i]);
	if (s == NULL || (dot = strchr(s, '.')) == NULL)
		return 0;
	dot++;
	return strncasecmp(dot, "utf-8", 5) == 0 ||
	    strncasecmp(dot, "utf8", 4) == 0;
}
