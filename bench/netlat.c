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

static const char *const progname = "netlat";

#include "latlib.h"
#include "proclib.h"

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
