/* SPDX-License-Identifier: MIT */
/*
 * latlib.h: what bench/latency.c and bench/netlat.c share: a writer thread
 * that sends NDJSON lines {"seq":N,"t_ns":T} at a steady rate, a reader
 * that stamps each line on arrival, and percentiles.  Included once by
 * each (static functions); the includer defines progname first.
 */
#ifndef BENCH_LATLIB_H
#define BENCH_LATLIB_H

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "benchlib.h"

struct sender {
	int fd;
	int64_t n;
	int64_t period;     /* ns between lines */
	int64_t start;
	int64_t *lag;       /* per line: send time - deadline */
	volatile int done;
	int err;
};

static size_t
format_line(char *b, size_t cap, int64_t seq, int64_t t)
{
	static const char *const paths[] = { "/", "/api/v1/health",
		"/static/js/app.js", "/api/v1/cart", "/search" };
	int n = snprintf(b, cap, "{\"seq\":%" PRId64 ",\"t_ns\":%" PRId64
	    ",\"host\":\"web-%02d\",\"method\":\"GET\",\"path\":\"%s\","
	    "\"status\":200,\"bytes\":%d}\n", seq, t,
	    (int)(seq < 0 ? 0 : seq % 20 + 1),
	    paths[seq < 0 ? 0 : seq % 5], (int)(seq < 0 ? 0 : seq % 9973));

	return (size_t)n;
}

static int
write_line(int fd, int64_t seq, int64_t *sent)
{
	char b[256];
	size_t len;
	ssize_t w;

	*sent = now_ns();
	len = format_line(b, sizeof(b), seq, *sent);
	w = write(fd, b, len);
	return w == (ssize_t)len ? 0 : -1;
}

static void *
send_main(void *arg)
{
	struct sender *s = arg;
	int64_t i, t;

	prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
	for (i = 0; i < s->n; i++) {
		int64_t due = s->start + i * s->period;
		struct timespec ts = { (time_t)(due / 1000000000),
			(long)(due % 1000000000) };

		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts,
		    NULL) == EINTR)
			;
		if (write_line(s->fd, i, &t) < 0) {
			s->err = errno ? errno : EIO;
			break;
		}
		s->lag[i] = t - due;
	}
	s->done = 1;
	return NULL;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted v[0..n). */
static double
pct_ms(const int64_t *v, size_t n, double p)
{
	size_t k;

	if (n == 0)
		return 0;
	k = (size_t)(p * (double)n + 0.999999);
	if (k < 1)
		k = 1;
	if (k > n)
		k = n;
	return (double)v[k - 1] / 1e6;
}

/* Finds "key": and reads the integer after it. */
static int
field(const char *p, const char *end, const char *key, int64_t *v)
{
	size_t kl = strlen(key);
	const char *q = memmem(p, (size_t)(end - p), key, kl);
	char *e;

	if (q == NULL)
		return -1;
	*v = strtoll(q + kl, &e, 10);
	return e == q + kl ? -1 : 0;
}

struct reader {
	int fd;
	char buf[1 << 16];
	size_t len;
	int eof;
	int64_t n;
	int64_t *lat;       /* per seq; -1: not seen */
	int64_t got, dup, disorder, probes, junk;
	int64_t last_seq;
};

/* Reads what is there; returns the bytes read (0 at EOF). */
static ssize_t
read_some(struct reader *r)
{
	ssize_t k;
	int64_t t;
	char *p, *nl, *end;

	if (r->len == sizeof(r->buf))
		r->len = 0;    /* a line this long is not ours: drop it */
	k = read(r->fd, r->buf + r->len, sizeof(r->buf) - r->len);
	if (k < 0) {
		if (errno == EINTR || errno == EAGAIN)
			return -1;
		die("read");
	}
	t = now_ns();
	if (k == 0) {
		r->eof = 1;
		return 0;
	}
	r->len += (size_t)k;
	p = r->buf;
	end = r->buf + r->len;
	while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		int64_t seq, sent;

		if (field(p, nl, "\"seq\":", &seq) < 0 ||
		    field(p, nl, "\"t_ns\":", &sent) < 0) {
			r->junk++;
		} else if (seq < 0) {
			r->probes++;
		} else if (seq >= r->n) {
			r->junk++;
		} else if (r->lat[seq] >= 0) {
			r->dup++;
		} else {
			r->lat[seq] = t - sent;
			r->got++;
			if (seq < r->last_seq)
				r->disorder++;
			r->last_seq = seq;
		}
		p = nl + 1;
	}
	r->len = (size_t)(end - p);
	memmove(r->buf, p, r->len);
	return k;
}

/* Waits up to ms for the pipe; reads once if readable.  Returns 1 when
 * something was read, 0 on timeout. */
static int
wait_read(struct reader *r, int ms)
{
	struct pollfd pfd = { r->fd, POLLIN, 0 };
	int k = poll(&pfd, 1, ms);

	if (k < 0 && errno != EINTR)
		die("poll");
	if (k > 0) {
		read_some(r);
		return 1;
	}
	return 0;
}

#endif
