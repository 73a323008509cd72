/* SPDX-License-Identifier: MIT */
/* Buffered input from stdin or a file, line splitting, and tail -F. */
#ifndef CORE_INPUT_H
#define CORE_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define CORE_INPUT_BUFSZ (1024 * 1024)
#define CORE_PIPE_SIZE (1024 * 1024)

/* Asks the kernel for a CORE_PIPE_SIZE pipe buffer on fd, if a pipe. */
void core_pipe_grow(int fd);
#define CORE_MAX_RECORD_DEFAULT (64u << 20)

/*
 * Bytes are read in large chunks into buf; the decoders consume them from
 * buf[pos..len).  A fill may move or replace buf, so whatever a decoder
 * handed out from the buffer is invalid after core_input_fill.
 *
 * Following (tail -F): at the end of the file the input waits instead of
 * ending; it notices truncation (starts again from the top) and rotation
 * (the path names a new file: the old one is read to its end, then the new
 * one from its start), and waits for a missing file to appear.  notify_fd
 * is an inotify descriptor to poll for readability (-1 if unavailable:
 * then poll on a short timer).
 */
struct core_input {
	int fd;
	char *path;        /* NULL for stdin; owned */
	char *name;        /* for messages; owned */
	char *buf;
	size_t cap;
	size_t len;
	size_t pos;
	int64_t base;      /* offset in the file of buf[0] */
	uint64_t lineno;   /* line number of the line starting at pos */
	size_t max_rec;
	int eof;           /* no more bytes will ever come */
	int skipping;      /* discarding the rest of an overlong line */
	int isreg;
	int dgram;         /* a datagram socket: each read ends a line */
	uint64_t size;     /* size at open, for progress; 0 if unknown */
	uint64_t nread;    /* bytes read so far, all files */
	/* following */
	int follow;
	int notify_fd;
	int wd_file;
	int wd_dir;
	dev_t dev;
	ino_t ino;
	size_t reset_at;   /* != SIZE_MAX: a new file starts at buf[reset_at] */
	const char *notice;  /* static text for the CLI to print, or NULL */
};

/*
 * Opens path ("-" is stdin).  follow: tail -F semantics; from_end: start
 * at the current end of the file (following only).  Returns 0, or -1 with
 * errno set (a missing file is not an error when following).
 */
int core_input_open(struct core_input *in, const char *path, size_t max_rec,
    int follow, int from_end);
void core_input_close(struct core_input *in);
/* An input over fd (a socket, a pipe), which it owns and closes; name is
 * for messages. */
void core_input_open_fd(struct core_input *in, int fd, const char *name,
    size_t max_rec);

/*
 * An input over bytes in memory (tests, fuzzing): a copy of p[0..len),
 * already at its end (eof set), named name.
 */
void core_input_open_mem(struct core_input *in, const void *p, size_t len,
    const char *name, size_t max_rec);

/*
 * Reads once.  Returns the bytes added (>0); 0 when nothing more is there
 * now (in->eof tells whether anything ever will); -1 on a read error
 * (errno).  While following, also handles truncation and rotation.
 */
ssize_t core_input_fill(struct core_input *in);

/* Empties the inotify queue after notify_fd polled readable. */
void core_input_drain_notify(struct core_input *in);

/*
 * The next line, without its '\n' (a '\r' before it stays: decoders
 * decide).  Returns 1 for a line; 2 for a line longer than max_rec (p, len
 * give its first max_rec bytes; the rest is skipped); 0 when no complete
 * line is buffered.  At end of input an unterminated last line is a line.
 * *lineno and *off locate the line.
 */
int core_input_line(struct core_input *in, const char **p, size_t *len,
    uint64_t *lineno, int64_t *off);

/* The buffered bytes not yet consumed. */
static inline const char *
core_input_peek(const struct core_input *in, size_t *len)
{
	*len = in->len - in->pos;
	return in->buf + in->pos;
}

static inline void
core_input_consume(struct core_input *in, size_t n)
{
	in->pos += n;
}

/* The offset in the file of the next unconsumed byte. */
static inline int64_t
core_input_offset(const struct core_input *in)
{
	return in->base + (int64_t)in->pos;
}

#endif
