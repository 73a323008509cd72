/* SPDX-License-Identifier: MIT */
/* netlat: sends NDJSON lines at a steady rate into a producer pipeline and
 * measures how long each takes to come out of a listening pipeline on the
 * other side of a socket (or out of the producer pipeline itself). */
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
 * How it works (bench/latency.c's method, with a socket in the path).
 * With -L, LISTENER (e.g. 'stream-source --listen tcp://127.0.0.1:0 |
 * stream-sink -o ndjson') runs in its own process group with its stdout on
 * a pipe to us and its stderr in a temporary file, read until the line
 * "...: listening on ENDPOINT" gives the endpoint (port 0 becomes the port
 * it got).  PRODUCER (e.g. 'stream-source -f ndjson -t t_ns:epoch_ns |
 * stream-sink --connect "$NET_URL"') then runs in a process group of its
 * own, NET_URL=ENDPOINT in its environment, its stdin a pipe from us.
 * Without -L, PRODUCER is the whole pipeline: stdin from us, stdout to us.
 *
 * Probe lines (seq -1) go in every 20 ms until one comes out, so start-up
 * and the connection are not measured.  Then a writer thread sends line i
 * at start + i / RATE (clock_nanosleep on absolute deadlines), each line
 * one write(2) to the pipe, carrying its sequence number and the
 * CLOCK_MONOTONIC time taken just before the write.  The main thread
 * polls the output and stamps each read on arrival; a line's latency is
 * arrival - send time.  At the end our end of the producer's stdin is
 * closed, both process groups get SIGTERM (SIGKILL after 3 s) and every
 * process in them is reaped: we are a child subreaper.
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
	fprintf(stderr, "netlat: %s: %s\n", what, strerror(errno));
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

/* The process groups we started, for the signal handler. */
static volatile pid_t groups[2];

static void
on_signal(int sig)
{
	int i;

	for (i = 0; i < 2; i++)
		if (groups[i] > 0)
			kill(-groups[i], SIGKILL);
	_exit(128 + sig);
}

static pid_t
spawn(const char *cmd, int in, int out, int err)
{
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		setpgid(0, 0);
		dup2(in, 0);
		dup2(out, 1);
		dup2(err, 2);
		signal(SIGPIPE, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	setpgid(pid, pid);    /* either side may win the race */
	return pid;
}

/* SIGTERM to the group, SIGKILL after 3 s; reaps everything.  Returns 1
 * when SIGKILL was needed. */
static int
stop_group(pid_t pg)
{
	int64_t until = now_ns() + 3000000000LL;
	int killed = 0;

	if (pg <= 0)
		return 0;
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
		usleep(2000);
	}
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	return killed;
}

/* The endpoint in "...listening on ENDPOINT\n" of the file; NULL while
 * there is none. */
static char *
find_endpoint(int fd, char *buf, size_t cap)
{
	ssize_t k = pread(fd, buf, cap - 1, 0);
	char *p, *e;

	if (k <= 0)
		return NULL;
	buf[k] = '\0';
	p = strstr(buf, "listening on ");
	if (p == NULL)
		return NULL;
	p += strlen("listening on ");
	e = strchr(p, '\n');
	if (e == NULL)
		return NULL;
	*e = '\0';
	return p;
}

/* Copies the listener's stderr but the "listening on" line to fd. */
static void
copy_err(int from, int to)
{
	char buf[8192], line[1024];
	size_t nl = 0;
	off_t off = 0;
	ssize_t k, i;

	while ((k = pread(from, buf, sizeof(buf), off)) > 0) {
		off += k;
		for (i = 0; i < k; i++) {
			if (nl < sizeof(line) - 1)
				line[nl++] = buf[i];
			if (buf[i] != '\n')
				continue;
			line[nl] = '\0';
			if (strstr(line, "listening on ") == NULL &&
			    write(to, line, nl) < 0)
				return;
			nl = 0;
		}
	}
}

static void
usage(void)
{
	fputs("usage: netlat [-r RATE] [-t SECONDS] [-L LISTENER] PRODUCER\n"
	    "Sends RATE NDJSON lines/s (default 1000) for SECONDS (default "
	    "5) into 'sh -c\nPRODUCER' and times each until it comes out of "
	    "'sh -c LISTENER' (which says\n'listening on ENDPOINT' on stderr; "
	    "PRODUCER gets NET_URL=ENDPOINT), or out of\nPRODUCER without -L."
	    "\n", stderr);
	exit(2);
}

int
main(int argc, char **argv)
{
	double rate = 1000, secs = 5;
	struct sender s = { 0 };
	static struct reader r;
	const char *listener = NULL, *producer;
	pthread_t th;
	pid_t lpid = -1, ppid;
	int64_t i, t0, quiet, *v, nv = 0, maxlag;
	int c, in[2], out[2], null, tmpfd = -1, killed, ok;
	char tmpl[] = "/tmp/netlat.XXXXXX", ebuf[4096];

	while ((c = getopt(argc, argv, "r:t:L:")) != -1) {
		switch (c) {
		case 'r':
			rate = atof(optarg);
			break;
		case 't':
			secs = atof(optarg);
			break;
		case 'L':
			listener = optarg;
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 1 || !(rate > 0) || !(secs > 0))
		usage();
	producer = argv[optind];
	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	prctl(PR_SET_CHILD_SUBREAPER, 1UL, 0, 0, 0);
	prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);

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

	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null < 0 || pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0)
		die("pipe");
	r.fd = out[0];
	s.fd = in[1];
	if (listener != NULL) {
		char *url = NULL;

		tmpfd = mkostemp(tmpl, O_CLOEXEC);
		if (tmpfd < 0)
			die("mkstemp");
		unlink(tmpl);
		lpid = spawn(listener, null, out[1], tmpfd);
		groups[0] = lpid;
		t0 = now_ns();
		while (now_ns() - t0 < 30000000000LL &&
		    waitpid(lpid, NULL, WNOHANG) == 0 &&
		    (url = find_endpoint(tmpfd, ebuf, sizeof(ebuf))) == NULL)
			usleep(1000);
		if (url == NULL) {
			fprintf(stderr, "netlat: the listener said no "
			    "\"listening on\" line\n");
			copy_err(tmpfd, 2);
			stop_group(lpid);
			return 1;
		}
		setenv("NET_URL", url, 1);
		ppid = spawn(producer, in[0], null, 2);
	} else {
		ppid = spawn(producer, in[0], out[1], 2);
	}
	groups[1] = ppid;
	close(in[0]);
	close(out[1]);

	/* Probe until the pipeline answers. */
	t0 = now_ns();
	while (r.probes == 0 && !r.eof) {
		int64_t t;

		if (now_ns() - t0 > 10000000000LL) {
			fprintf(stderr, "netlat: the pipeline gave no output "
			    "in 10 s\n");
			goto fail;
		}
		if (write_line(s.fd, -1, &t) < 0) {
			fprintf(stderr, "netlat: the producer ended before "
			    "the test\n");
			goto fail;
		}
		while (r.probes == 0 && !r.eof && wait_read(&r, 20))
			;
	}
	if (r.eof) {
		fprintf(stderr, "netlat: the pipeline ended before the "
		    "test\n");
		goto fail;
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
	close(s.fd);
	killed = stop_group(ppid);
	killed |= stop_group(lpid);
	close(r.fd);
	if (tmpfd >= 0)
		copy_err(tmpfd, 2);
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
	printf("%sstopped with SIGTERM%s; processes left: 0\n",
	    listener ? "producer and listener " : "pipeline ",
	    killed ? " (needed SIGKILL)" : "");
	printf("RESULT rate=%.0f sent=%" PRId64 " received=%" PRId64 " lost=%"
	    PRId64 " median_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f "
	    "lag_p99_ms=%.3f\n", rate, s.n, r.got, s.n - r.got,
	    pct_ms(v, (size_t)nv, 0.5), pct_ms(v, (size_t)nv, 0.9),
	    pct_ms(v, (size_t)nv, 0.99), nv ? (double)v[nv - 1] / 1e6 : 0,
	    pct_ms(s.lag, (size_t)s.n, 0.99));
	free(v);
	return ok ? 0 : 1;
fail:
	close(s.fd);
	stop_group(ppid);
	stop_group(lpid);
	if (tmpfd >= 0)
		copy_err(tmpfd, 2);
	return 1;
}
