/* SPDX-License-Identifier: MIT */
/* Buffered output to a file descriptor, written in large batches. */
#include "libcore/out.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libcore/input.h"

#include "libcore/xalloc.h"

void
core_out_init(struct core_out *o, int fd, const char *name)
{
	struct stat st;

	if (fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode))
		core_pipe_grow(fd);
	o->fd = fd;
	o->err = 0;
	o->cap = CORE_OUT_BUFSZ;
	o->buf = core_xmalloc(o->cap);
	o->len = 0;
	o->total = 0;
	o->hold = 0;
	o->name = core_xstrdup(name ? name : "<stdout>");
}

void
core_out_release(struct core_out *o)
{
	if (o->buf == NULL)
		return;
	core_out_flush(o);
	free(o->buf);
	free(o->name);
	o->buf = NULL;
	o->name = NULL;
	o->len = o->cap = 0;
}

int
core_out_flush(struct core_out *o)
{
	size_t done = 0;
	ssize_t n;

	if (o->hold)
		return 0;
	while (done < o->len && o->err == 0) {
		n = write(o->fd, o->buf + done, o->len - done);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			o->err = errno;
			break;
		}
		done += (size_t)n;
	}
	o->total += done;
	o->len = 0;
	return o->err ? -1 : 0;
}

char *
core_out_reserve_slow(struct core_out *o, size_t n)
{
	core_out_flush(o);
	if (o->hold && o->cap - o->len < n) {
		o->cap = o->len + n > o->cap * 2 ? o->len + n : o->cap * 2;
		o->buf = core_xrealloc(o->buf, o->cap);
	} else if (n > o->cap) {
		o->cap = n + CORE_OUT_BUFSZ;
		o->buf = core_xrealloc(o->buf, o->cap);
	}
	return o->buf + o->len;
}
