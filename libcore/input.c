/* SPDX-License-Identifier: MIT */
/* Buffered input from stdin or a file, line splitting, and tail -F. */
#include "libcore/input.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libcore/xalloc.h"

void
core_pipe_grow(int fd)
{
	/* A bigger pipe means fewer wake-ups between the tools of a
	 * pipeline; the kernel caps it (fs.pipe-max-size), failure is fine. */
	(void)fcntl(fd, F_SETPIPE_SZ, CORE_PIPE_SIZE);
}

static void
watch(struct core_input *in)
{
	char *dir, *slash;

	if (in->notify_fd < 0)
		return;
	if (in->wd_file >= 0)
		inotify_rm_watch(in->notify_fd, in->wd_file);
	in->wd_file = -1;
	if (in->fd >= 0)
		in->wd_file = inotify_add_watch(in->notify_fd, in->path,
		    IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_MOVE_SELF |
		    IN_DELETE_SELF);
	if (in->wd_dir < 0) {
		dir = core_xstrdup(in->path);
		slash = strrchr(dir, '/');
		if (slash == NULL)
			strcpy(dir, ".");
		else if (slash == dir)
			dir[1] = '\0';
		else
			*slash = '\0';
		in->wd_dir = inotify_add_watch(in->notify_fd, dir,
		    IN_CREATE | IN_MOVED_TO | IN_ATTRIB);
		free(dir);
	}
}

static int
open_file(struct core_input *in, int from_end)
{
	struct stat st;
	int fd = open(in->path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		errno = EISDIR;
		return -1;
	}
	in->fd = fd;
	in->isreg = S_ISREG(st.st_mode);
	in->size = in->isreg ? (uint64_t)st.st_size : 0;
	in->dev = st.st_dev;
	in->ino = st.st_ino;
	if (from_end && in->isreg) {
		off_t end = lseek(fd, 0, SEEK_END);

		if (end > 0)
			in->base = (int64_t)end - (int64_t)in->len;
	}
	if (in->isreg)
		posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	return 0;
}

/* The empty state every input starts from. */
static void
input_init(struct core_input *in, int fd, size_t max_rec, size_t cap)
{
	memset(in, 0, sizeof(*in));
	in->fd = fd;
	in->notify_fd = -1;
	in->wd_file = in->wd_dir = -1;
	in->lineno = 1;
	in->reset_at = SIZE_MAX;
	in->max_rec = max_rec ? max_rec : CORE_MAX_RECORD_DEFAULT;
	in->cap = cap;
}

int
core_input_open(struct core_input *in, const char *path, size_t max_rec,
    int follow, int from_end)
{
	input_init(in, -1, max_rec, CORE_INPUT_BUFSZ);
	if (strcmp(path, "-") == 0) {
		struct stat st;

		in->fd = 0;
		in->name = core_xstrdup("<stdin>");
		if (fstat(0, &st) == 0 && S_ISREG(st.st_mode)) {
			in->isreg = 1;
			in->size = (uint64_t)st.st_size;
		}
		if (S_ISFIFO(st.st_mode))
			core_pipe_grow(0);
	} else {
		in->path = core_xstrdup(path);
		in->name = core_xstrdup(path);
		in->follow = follow;
		if (open_file(in, from_end) < 0 &&
		    !(follow && errno == ENOENT)) {
			int e = errno;

			free(in->path);
			free(in->name);
			memset(in, 0, sizeof(*in));
			in->fd = -1;
			errno = e;
			return -1;
		}
		if (follow) {
			in->notify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
			watch(in);
		}
	}
	in->buf = core_xmalloc(in->cap);
	return 0;
}

void
core_input_open_fd(struct core_input *in, int fd, const char *name,
    size_t max_rec)
{
	input_init(in, fd, max_rec, CORE_INPUT_BUFSZ);
	in->name = core_xstrdup(name);
	in->path = core_xstrdup(name);    /* owned: closed with the input */
	in->buf = core_xmalloc(in->cap);
}

void
core_input_open_mem(struct core_input *in, const void *p, size_t len,
    const char *name, size_t max_rec)
{
	input_init(in, -1, max_rec, len ? len : 1);
	in->buf = core_xmalloc(in->cap);
	if (len)
		memcpy(in->buf, p, len);
	in->len = len;
	in->eof = 1;
	in->isreg = 1;
	in->size = len;
	in->name = core_xstrdup(name ? name : "<memory>");
}

void
core_input_close(struct core_input *in)
{
	if (in->fd > 0 || (in->fd == 0 && in->path))
		close(in->fd);
	if (in->notify_fd >= 0)
		close(in->notify_fd);
	free(in->buf);
	free(in->path);
	free(in->name);
	memset(in, 0, sizeof(*in));
	in->fd = -1;
	in->notify_fd = -1;
}

void
core_input_drain_notify(struct core_input *in)
{
	char ev[4096] __attribute__((aligned(__alignof__(struct inotify_event))));

	if (in->notify_fd < 0)
		return;
	while (read(in->notify_fd, ev, sizeof(ev)) > 0)
		;
}

/* Moves unconsumed bytes to the front and makes room to read. */
static void
compact(struct core_input *in)
{
	size_t keep = in->len - in->pos;

	if (in->pos > 0) {
		if (keep)
			memmove(in->buf, in->buf + in->pos, keep);
		in->base += (int64_t)in->pos;
		if (in->reset_at != SIZE_MAX)
			in->reset_at -= in->pos;
		in->pos = 0;
		in->len = keep;
	}
	if (in->dgram && in->cap - in->len < 65536 + 1) {
		/* Room for the largest datagram, or it would be cut. */
		in->cap = in->len + 65536 + 1 > in->cap * 2 ? in->len + 65536 +
		    1 : in->cap * 2;
		in->buf = core_xrealloc(in->buf, in->cap);
	}
	if (in->len == in->cap) {
		/* One record fills the buffer: grow, up to the record limit
		 * (past it, the line reader reports an overlong line). */
		size_t ncap = in->cap * 2;

		if (ncap > in->max_rec + CORE_INPUT_BUFSZ)
			ncap = in->max_rec + CORE_INPUT_BUFSZ;
		if (ncap > in->cap) {
			in->buf = core_xrealloc(in->buf, ncap);
			in->cap = ncap;
		}
	}
}

/*
 * The current file ended for good (rotated away) or restarts (truncated):
 * an unterminated last line is ended here, and line numbers and offsets
 * restart with what follows.
 */
static void
restart(struct core_input *in)
{
	compact(in);
	if (in->len > 0 && in->buf[in->len - 1] != '\n') {
		if (in->len == in->cap) {
			in->buf = core_xrealloc(in->buf, in->cap + 1);
			in->cap++;
		}
		in->buf[in->len++] = '\n';
	}
	in->reset_at = in->len;
}

static ssize_t
follow_check(struct core_input *in)
{
	struct stat st, cur;

	if (in->fd < 0) {
		if (open_file(in, 0) < 0)
			return 0;
		in->notice = "file appeared; following it";
		watch(in);
		return 1;
	}
	if (fstat(in->fd, &cur) == 0 && S_ISREG(cur.st_mode) &&
	    (int64_t)cur.st_size < in->base + (int64_t)in->len &&
	    in->reset_at == SIZE_MAX) {
		restart(in);
		lseek(in->fd, 0, SEEK_SET);
		in->notice = "file truncated; reading it from the start";
		return 1;
	}
	if (stat(in->path, &st) == 0 &&
	    (st.st_ino != in->ino || st.st_dev != in->dev)) {
		/* Rotated: the old file was read to its end just now. */
		restart(in);
		close(in->fd);
		in->fd = -1;
		if (open_file(in, 0) < 0)
			return 0;
		in->notice = "file replaced; following the new file";
		watch(in);
		return 1;
	}
	return 0;
}

ssize_t
core_input_fill(struct core_input *in)
{
	ssize_t n;

	if (in->eof)
		return 0;
	compact(in);
	if (in->fd < 0 && (follow_check(in) <= 0 || in->fd < 0))
		return 0;
	for (;;) {
		n = read(in->fd, in->buf + in->len, in->cap - in->len -
		    (in->dgram ? 1 : 0));
		if (n == 0 && in->dgram)
			continue;    /* an empty datagram */
		if (n > 0) {
			in->len += (size_t)n;
			in->nread += (uint64_t)n;
			if (in->dgram && in->buf[in->len - 1] != '\n') {
				in->buf[in->len++] = '\n';
				n++;
			}
			return n;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		if (n < 0)
			return -1;
		if (!in->follow) {
			in->eof = 1;
			return 0;
		}
		/* Following: at the end for now.  After a truncation or
		 * rotation, read again at once. */
		if (follow_check(in) <= 0 || in->fd < 0)
			return 0;
	}
}

int
core_input_line(struct core_input *in, const char **p, size_t *len,
    uint64_t *lineno, int64_t *off)
{
	const char *s, *nl;
	size_t avail;

	for (;;) {
		if (in->reset_at != SIZE_MAX && in->pos >= in->reset_at) {
			in->base = -(int64_t)in->reset_at;
			in->lineno = 1;
			in->reset_at = SIZE_MAX;
		}
		s = in->buf + in->pos;
		avail = in->len - in->pos;
		if (avail == 0)
			return 0;
		nl = memchr(s, '\n', avail);
		if (in->skipping) {
			/* The rest of an overlong line: drop up to '\n'. */
			if (nl == NULL) {
				in->pos = in->len;
				if (in->eof)
					in->skipping = 0;
				return 0;
			}
			in->pos += (size_t)(nl - s) + 1;
			in->skipping = 0;
			in->lineno++;
			continue;
		}
		*lineno = in->lineno;
		*off = in->base + (int64_t)in->pos;
		if (nl && (size_t)(nl - s) <= in->max_rec) {
			*p = s;
			*len = (size_t)(nl - s);
			in->pos += *len + 1;
			in->lineno++;
			return 1;
		}
		if (avail > in->max_rec || (nl && (size_t)(nl - s) >
		    in->max_rec)) {
			*p = s;
			*len = in->max_rec;
			if (nl) {
				in->pos += (size_t)(nl - s) + 1;
				in->lineno++;
			} else {
				in->pos = in->len;
				in->skipping = !in->eof;
				if (in->eof)
					in->lineno++;
			}
			return 2;
		}
		if (in->eof) {
			*p = s;
			*len = avail;
			in->pos = in->len;
			in->lineno++;
			return 1;
		}
		return 0;
	}
}
