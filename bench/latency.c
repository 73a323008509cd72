/* SPDX-License-Identifier: MIT */
/* latency: appends NDJSON lines to a followed file at a steady rate and
 * measures how long each takes to come out of a pipeline's stdout. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/*
 * How it works.  The pipeline (a shell command that follows FILE) runs in
 * its own process group with its stdout on a pipe to us.  FILE is emptied
 * first.  Probe lines (seq -1) go in every 20 ms until one comes out, so
 * start-up and inotify set-up are not measured.  Then a writer thread
 * appends line i at start + i / RATE (clock_nanosleep on absolute
 * deadlines), each line one write(2) to an O_APPEND descriptor, carrying
 * its sequence number and the CLOCK_MONOTONIC time taken just before the
 * write.  The main thread polls the pipe and stamps each read on arrival;
 * a line's latency is arrival - send time.  At the end the process group
 * gets SIGTERM (SIGKILL after 3 s) and every process in it is reaped: we
 * are a child subreaper, so the pipeline's processes come back to us.
 */

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void
die(const char *what)
{
	fprintf(stderr, "latency: %s: %s\n", what, strerror(errno));
	exit(3);
}

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

static pid_t
start_pipeline(const char *cmd, int *out)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		setpgid(0, 0);
		if (null >= 0)
			dup2(null, 0);
		dup2(p[1], 1);
		signal(SIGPIPE, SIG_DFL);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	setpgid(pid, pid);    /* either side may win the race */
	close(p[1]);
	*out = p[0];
	return pid;
}

/* SIGTERM to the group, SIGKILL after 3 s; reaps everything.  Returns the
 * number of processes that needed SIGKILL. */
static int
stop_pipeline(pid_t pg)
{
	int64_t until = now_ns() + 3000000000LL;
	int killed = 0;

	kill(-pg, SIGTERM);
	for (;;) {
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		if (kill(-pg, 0) < 0 && errno == ESRCH)
			break;
		if (now_ns() > until && !killed) {
			kill(-pg, SIGKILL);
			killed = 1;
		}
		usleep(5000);
	}
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	return killed;
}

static void
usage(void)
{
	fputs("usage: latency [-r RATE] [-t SECONDS] FILE COMMAND\n"
	    "Empties FILE, starts 'sh -c COMMAND' (which must follow FILE and "
	    "write\nits lines to stdout), appends RATE lines/s (default "
	    "10000) for SECONDS\n(default 5) and prints latency percentiles."
	    "\n", stderr);
	exit(2);
}

int
main(int argc, char **argv)
{
	double rate = 10000, secs = 5;
	struct sender s = { 0 };
	static struct reader r;
	const char *file, *cmd;
	pthread_t th;
	pid_t pid;
	int64_t i, t0, quiet, *v, nv = 0, maxlag;
	int c, fd, killed, ok;

	while ((c = getopt(argc, argv, "r:t:")) != -1) {
		switch (c) {
		case 'r':
			rate = atof(optarg);
			break;
		case 't':
			secs = atof(optarg);
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 2 || !(rate > 0) || !(secs > 0))
		usage();
	file = argv[optind];
	cmd = argv[optind + 1];
	signal(SIGPIPE, SIG_IGN);
	prctl(PR_SET_CHILD_SUBREAPER, 1UL, 0, 0, 0);
	prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);

	fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC,
	    0644);
	if (fd < 0)
		die(file);
	s.fd = fd;
	s.n = (int64_t)(rate * secs);
	s.period = (int64_t)(1e9 / rate);
	s.lag = calloc((size_t)s.n, sizeof(*s.lag));
	r.n = s.n;
	r.lat = malloc((size_t)s.n * sizeof(*r.lat));
	if (s.lag == NULL || r.lat == NULL)
		die("malloc");
	for (i = 0; i < s.n; i++)
		r.lat[i] = -1;
	r.last_seq = -1;

	pid = start_pipeline(cmd, &r.fd);

	/* Probe until the pipeline answers. */
	t0 = now_ns();
	while (r.probes == 0 && !r.eof) {
		int64_t t;

		if (now_ns() - t0 > 10000000000LL) {
			fprintf(stderr, "latency: the pipeline gave no output "
			    "in 10 s\n");
			stop_pipeline(pid);
			return 1;
		}
		if (write_line(fd, -1, &t) < 0)
			die(file);
		while (r.probes == 0 && !r.eof && wait_read(&r, 20))
			;
	}
	if (r.eof) {
		fprintf(stderr, "latency: the pipeline ended before the "
		    "test\n");
		stop_pipeline(pid);
		return 1;
	}
	/* Let the probes settle, then go. */
	while (wait_read(&r, 50))
		;

	s.start = now_ns() + 2000000;
	if (pthread_create(&th, NULL, send_main, &s) != 0)
		die("pthread_create");
	quiet = 0;
	while (r.got < s.n && !r.eof) {
		if (wait_read(&r, 100)) {
			quiet = 0;
			continue;
		}
		/* After the last line is sent, wait at most 2 s. */
		if (s.done && (quiet += 100) >= 2000)
			break;
	}
	pthread_join(th, NULL);
	killed = stop_pipeline(pid);
	close(r.fd);
	close(fd);
	if (s.err) {
		errno = s.err;
		die("write");
	}

	v = malloc((size_t)s.n * sizeof(*v));
	if (v == NULL)
		die("malloc");
	for (i = 0; i < s.n; i++)
		if (r.lat[i] >= 0)
			v[nv++] = r.lat[i];
	qsort(v, (size_t)nv, sizeof(*v), cmp_i64);
	maxlag = 0;
	for (i = 0; i < s.n; i++)
		if (s.lag[i] > maxlag)
			maxlag = s.lag[i];
	qsort(s.lag, (size_t)s.n, sizeof(*s.lag), cmp_i64);

	ok = r.got == s.n && r.dup == 0 && !killed;
	printf("rate %.0f lines/s for %.1f s: sent %" PRId64 ", received %"
	    PRId64 ", lost %" PRId64 ", duplicated %" PRId64 ", out of order %"
	    PRId64 "\n", rate, secs, s.n, r.got, s.n - r.got, r.dup,
	    r.disorder);
	printf("latency ms: median %.3f  p90 %.3f  p99 %.3f  max %.3f\n",
	    pct_ms(v, (size_t)nv, 0.5), pct_ms(v, (size_t)nv, 0.9),
	    pct_ms(v, (size_t)nv, 0.99), nv ? (double)v[nv - 1] / 1e6 : 0);
	printf("sender lateness ms (deadline to write): p99 %.3f  max %.3f\n",
	    pct_ms(s.lag, (size_t)s.n, 0.99), (double)maxlag / 1e6);
	printf("pipeline stopped with SIGTERM%s; processes left: 0\n",
	    killed ? " (needed SIGKILL)" : "");
	printf("RESULT rate=%.0f sent=%" PRId64 " received=%" PRId64 " lost=%"
	    PRId64 " median_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f\n",
	    rate, s.n, r.got, s.n - r.got, pct_ms(v, (size_t)nv, 0.5),
	    pct_ms(v, (size_t)nv, 0.9), pct_ms(v, (size_t)nv, 0.99),
	    nv ? (double)v[nv - 1] / 1e6 : 0);
	free(v);
	return ok ? 0 : 1;
}
