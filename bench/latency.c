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

static const char *const progname = "latency";

#include "latlib.h"
#include "proclib.h"

static pid_t
start_pipeline(const char *cmd, int *out)
{
	int p[2], null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	pid_t pid;

	if (null < 0)
		die("/dev/null");
	if (pipe2(p, O_CLOEXEC) < 0)
		die("pipe");
	pid = spawn(cmd, null, p[1], 2);
	close(null);
	close(p[1]);
	*out = p[0];
	return pid;
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
	signal(SIGINT, on_signal);    /* the pipeline goes too */
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
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
			stop_group(pid);
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
		stop_group(pid);
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
	killed = stop_group(pid);
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
