/* SPDX-License-Identifier: MIT */
/* nettime: times a record stream through a listening stream-source (or
 * through a plain pipeline), counting the records that come out. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/*
 * How it works.  With -L, LISTENER (a shell command, e.g. 'exec
 * stream-source --listen tcp://127.0.0.1:0') runs in its own process group
 * with its stdout on a pipe to us and its stderr in a temporary file, read
 * until the line "...: listening on ENDPOINT" gives the endpoint (port 0
 * becomes the port it got).  The clock starts; -p K copies of PRODUCER
 * (each in its own process group, with NET_URL=ENDPOINT, NET_HOST and
 * NET_PORT for tcp://, NET_I=00..K-1 and NET_K=K in the environment) send
 * the data.  We read the listener's stdout and count its data frames
 * (stream-frame(5): a header line, then type, 4-byte little-endian length,
 * payload); the clock stops at the N-th record.  The producers are reaped,
 * the listener gets SIGTERM and is read to its end (so that any record
 * beyond N is counted too), then the process groups are reaped.
 *
 * Without -L, COMMAND is one pipeline whose stdout is counted the same way
 * (clock from its start to its N-th record, then read to its end): the
 * same work through a pipe.
 *
 * Output, one line, as bench/timeit.c's with three more fields:
 *   BEST MEDIAN CPU STATUS FAILED RECORDS_MIN RECORDS_MAX RSS_KB LCPU
 * seconds to the N-th record (best and median of the runs that succeeded),
 * CPU = user + system seconds of every process of the best run (producers,
 * listener, and this counter), STATUS the worst status seen (1 when a run
 * did not count exactly N records), FAILED the runs that failed, the least
 * and most records counted in a run, the listener's peak resident set
 * (the largest over the runs) and its CPU seconds in the best run (both 0
 * without -L).
 */

static const char *const progname = "nettime";

#include "proclib.h"

static double
tv_s(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static double
ru_s(const struct rusage *ru)
{
	return tv_s(ru->ru_utime) + tv_s(ru->ru_stime);
}

/* Counts the data frames of a frame stream fed in pieces. */
struct counter {
	int state;          /* 0: header line, 1: frame head, 2: payload */
	unsigned char head[5];
	int nhead;
	uint64_t left;      /* payload bytes still to skip */
	int type;
	int64_t records;
	int64_t bytes;
	int bad;
};

static void
count(struct counter *c, const unsigned char *p, size_t n)
{
	c->bytes += (int64_t)n;
	while (n > 0) {
		if (c->state == 0) {
			const unsigned char *nl = memchr(p, '\n', n);

			if (nl == NULL)
				return;
			n -= (size_t)(nl + 1 - p);
			p = nl + 1;
			c->state = 1;
			c->nhead = 0;
		} else if (c->state == 1) {
			if (c->nhead == 0 && *p == '#') {
				c->state = 0;    /* a new stream's header */
				continue;
			}
			c->head[c->nhead++] = *p++;
			n--;
			if (c->nhead < 5)
				continue;
			c->type = c->head[0];
			c->left = (uint64_t)c->head[1] |
			    (uint64_t)c->head[2] << 8 |
			    (uint64_t)c->head[3] << 16 |
			    (uint64_t)c->head[4] << 24;
			if (c->type < 'A' || c->type > 'Z')
				c->bad = 1;
			c->nhead = 0;
			c->state = 2;
			if (c->left == 0) {
				if (c->type == 'D')
					c->records++;
				c->state = 1;
			}
		} else {
			size_t k = c->left < n ? (size_t)c->left : n;

			c->left -= k;
			p += k;
			n -= k;
			if (c->left == 0) {
				if (c->type == 'D')
					c->records++;
				c->state = 1;
			}
		}
	}
}

struct opts {
	const char *listener;   /* NULL: cmd is the whole pipeline */
	const char *cmd;
	int producers;
	int64_t n;
	int errfd;              /* the commands' stderr (a log or /dev/null) */
	int teefd;              /* -o: the listener's output, first run */
	double wait_s;          /* -w: after the producers, wait this long */
	double limit_s;         /* -T: a run ends after this long */
};

struct result {
	double wall, cpu, lcpu;
	int status;
	int64_t records;
	long rss_kb;
};

/* Reads what is there on fd into c (and the tee); 0 at EOF, 1 if
 * something was read, -1 on timeout. */
static int
read_some(int fd, struct counter *c, int ms, int tee)
{
	static unsigned char buf[1 << 17];
	struct pollfd pfd = { fd, POLLIN, 0 };
	ssize_t k;
	int r = poll(&pfd, 1, ms);

	if (r < 0 && errno != EINTR)
		die("poll");
	if (r <= 0)
		return -1;
	k = read(fd, buf, sizeof(buf));
	if (k < 0) {
		if (errno == EINTR || errno == EAGAIN)
			return -1;
		die("read");
	}
	if (k == 0)
		return 0;
	count(c, buf, (size_t)k);
	if (tee >= 0 && write(tee, buf, (size_t)k) != k)
		die("write -o");
	return 1;
}

static void
set_endpoint_env(const char *url)
{
	char host[256];
	const char *c;

	setenv("NET_URL", url, 1);
	if (strncmp(url, "tcp://", 6) == 0 &&
	    (c = strrchr(url + 6, ':')) != NULL &&
	    (size_t)(c - (url + 6)) < sizeof(host)) {
		memcpy(host, url + 6, (size_t)(c - (url + 6)));
		host[c - (url + 6)] = '\0';
		setenv("NET_HOST", host, 1);
		setenv("NET_PORT", c + 1, 1);
	}
}

/* Waits for pid until the deadline; SIGKILL to its group then.  Returns 0
 * when it ended by itself. */
static int
wait_until(pid_t pid, struct rusage *ru, int64_t deadline)
{
	int st;

	for (;;) {
		pid_t k = wait4(pid, &st, WNOHANG, ru);

		if (k == pid)
			return 0;
		if (k < 0 && errno != EINTR)
			return -1;
		if (now_ns() > deadline) {
			kill(-pid, SIGKILL);
			wait4(pid, &st, 0, ru);
			return -1;
		}
		usleep(2000);
	}
}

/* Reaps the processes of pids[0..n) that have ended (pids[i] becomes
 * -pid), adding their CPU time; returns how many. */
static int
reap(pid_t *pids, int n, double *cpu, int *status)
{
	struct rusage ru;
	int i, st, k = 0;

	for (i = 0; i < n; i++) {
		if (pids[i] <= 0 ||
		    wait4(pids[i], &st, WNOHANG, &ru) != pids[i])
			continue;
		pids[i] = -pids[i];
		*cpu += ru_s(&ru);
		st = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		if (st > *status)
			*status = st;
		k++;
	}
	return k;
}

static void
run_once(const struct opts *o, int tee, struct result *res)
{
	struct counter c = { 0 };
	struct rusage ru, self0, self1;
	int p[2], null, tmpfd = -1, i, st, left, nproc, eof = 0;
	pid_t lpid = -1, pids[256];
	int64_t t0, t1 = 0, quiet_since = 0, end;
	double cpu = 0;
	char tmpl[] = "/tmp/nettime.XXXXXX", ebuf[4096];

	memset(res, 0, sizeof(*res));
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null < 0)
		die("/dev/null");
	if (pipe2(p, O_CLOEXEC) < 0)
		die("pipe");
	ngroups = 0;
	getrusage(RUSAGE_SELF, &self0);
	if (o->listener != NULL) {
		char *url;

		tmpfd = mkostemp(tmpl, O_CLOEXEC);
		if (tmpfd < 0)
			die("mkstemp");
		unlink(tmpl);
		lpid = spawn(o->listener, null, p[1], tmpfd);
		close(p[1]);
		end = now_ns() + 30000000000LL;
		while ((url = find_endpoint(tmpfd, ebuf, sizeof(ebuf))) ==
		    NULL) {
			if (now_ns() > end || waitpid(lpid, &st, WNOHANG) ==
			    lpid) {
				fprintf(stderr, "nettime: the listener said "
				    "no \"listening on\" line\n");
				copy_err(tmpfd, o->errfd);
				stop_group(lpid);
				res->status = 3;
				return;
			}
			if (read_some(p[0], &c, 1, -1) == 0)
				eof = 1;
		}
		set_endpoint_env(url);
	}
	t0 = now_ns();
	end = t0 + (int64_t)(o->limit_s * 1e9);
	if (o->listener != NULL) {
		char k[16], ix[16];

		snprintf(k, sizeof(k), "%d", o->producers);
		setenv("NET_K", k, 1);
		for (i = 0; i < o->producers; i++) {
			snprintf(ix, sizeof(ix), "%02d", i);
			setenv("NET_I", ix, 1);
			pids[i] = spawn(o->cmd, null, null, o->errfd);
		}
		left = o->producers;
	} else {
		pids[0] = spawn(o->cmd, null, p[1], o->errfd);
		close(p[1]);
		left = 1;
	}

	/* Count until the N-th record and every producer has ended (the
	 * pipeline: until its output ends and it has exited). */
	nproc = o->listener != NULL ? o->producers : 1;
	for (;;) {
		int r = eof ? (usleep(2000), -1) :
		    read_some(p[0], &c, 20, tee);
		int64_t t = now_ns();
		int k;

		if (r == 0) {
			eof = 1;
			if (o->listener != NULL)
				break;    /* the listener died */
		}
		if (r > 0)
			quiet_since = t;
		if (t1 == 0 && c.records >= o->n)
			t1 = t;
		k = reap(pids, nproc, &cpu, &res->status);
		left -= k;
		if (k > 0 && left == 0 && quiet_since < t)
			quiet_since = t;
		if (o->listener == NULL && eof && left == 0)
			break;
		if (o->listener != NULL && left == 0 && (t1 != 0 ||
		    t - quiet_since > (int64_t)(o->wait_s * 1e9)))
			break;    /* done, or records lost: no more come */
		if (t > end) {
			fprintf(stderr, "nettime: run stopped after %.0f s\n",
			    o->limit_s);
			break;
		}
	}
	if (o->listener != NULL) {
		/* Whatever was sent beyond N comes out before the end. */
		kill(-lpid, SIGTERM);
		while (!eof && now_ns() < end + 5000000000LL)
			if (read_some(p[0], &c, 100, tee) == 0)
				eof = 1;
		if (wait_until(lpid, &ru, now_ns() + 3000000000LL) == 0) {
			cpu += ru_s(&ru);
			res->lcpu = ru_s(&ru);
			res->rss_kb = ru.ru_maxrss;
		}
		stop_group(lpid);
	}
	for (i = 0; i < nproc; i++) {
		if (pids[i] <= 0)
			continue;
		stop_group(pids[i]);
		if (wait4(pids[i], &st, 0, &ru) == pids[i])
			cpu += ru_s(&ru);
		res->status = res->status > 124 ? res->status : 124;
	}
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	close(p[0]);
	close(null);
	if (tmpfd >= 0) {
		copy_err(tmpfd, o->errfd);
		close(tmpfd);
	}
	getrusage(RUSAGE_SELF, &self1);
	cpu += ru_s(&self1) - ru_s(&self0);
	res->cpu = cpu;
	res->records = c.records;
	res->wall = (double)((t1 ? t1 : now_ns()) - t0) / 1e9;
	if (c.records != o->n || c.bad) {
		char m[160];
		int len = snprintf(m, sizeof(m), "nettime: counted %lld "
		    "records, expected %lld%s\n", (long long)c.records,
		    (long long)o->n, c.bad ? " (and bytes that are not "
		    "frames)" : "");

		if (write(o->errfd, m, (size_t)len) < 0)
			(void)0;
		fputs(m, stderr);
		if (res->status == 0)
			res->status = 1;
	}
}

static int
cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void
usage(void)
{
	fputs("usage: nettime -n RECORDS [-r RUNS] [-e LOG] [-o FILE] "
	    "[-w SECS] [-T SECS]\n"
	    "               [-L LISTENER [-p K]] COMMAND\n"
	    "With -L, starts LISTENER, reads its 'listening on ENDPOINT' "
	    "line, runs K copies\nof COMMAND (NET_URL=ENDPOINT, NET_I=00..) "
	    "and times until LISTENER has written\nRECORDS data frames; "
	    "without, times COMMAND's stdout the same way.\nPrints: BEST "
	    "MEDIAN CPU STATUS FAILED RECORDS_MIN RECORDS_MAX RSS_KB LCPU\n",
	    stderr);
	exit(2);
}

int
main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct result *res;
	double *w, best = 1e300, best_cpu = 0, best_lcpu = 0;
	int runs = 3, c, i, nw = 0, worst = 0, failed = 0;
	int64_t rmin = INT64_MAX, rmax = 0;
	long rss = 0;

	o.producers = 1;
	o.errfd = -1;
	o.teefd = -1;
	o.wait_s = 5;
	o.limit_s = 300;
	while ((c = getopt(argc, argv, "n:r:e:o:w:T:L:p:")) != -1) {
		switch (c) {
		case 'n':
			o.n = atoll(optarg);
			break;
		case 'r':
			runs = atoi(optarg);
			break;
		case 'e':
			o.errfd = open(optarg, O_WRONLY | O_CREAT | O_APPEND |
			    O_CLOEXEC, 0644);
			if (o.errfd < 0)
				die(optarg);
			break;
		case 'o':
			o.teefd = open(optarg, O_WRONLY | O_CREAT | O_TRUNC |
			    O_CLOEXEC, 0644);
			if (o.teefd < 0)
				die(optarg);
			break;
		case 'w':
			o.wait_s = atof(optarg);
			break;
		case 'T':
			o.limit_s = atof(optarg);
			break;
		case 'L':
			o.listener = optarg;
			break;
		case 'p':
			o.producers = atoi(optarg);
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 1 || o.n < 1 || runs < 1 || o.producers < 1 ||
	    o.producers > 200 || !(o.wait_s > 0) || !(o.limit_s > 0))
		usage();
	o.cmd = argv[optind];
	if (o.errfd < 0 && (o.errfd = open("/dev/null", O_WRONLY |
	    O_CLOEXEC)) < 0)
		die("/dev/null");
	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	prctl(PR_SET_CHILD_SUBREAPER, 1UL, 0, 0, 0);

	res = calloc((size_t)runs, sizeof(*res));
	w = calloc((size_t)runs, sizeof(*w));
	if (res == NULL || w == NULL)
		die("calloc");
	for (i = 0; i < runs; i++) {
		run_once(&o, i == 0 ? o.teefd : -1, &res[i]);
		if (res[i].status > worst)
			worst = res[i].status;
		if (res[i].status != 0)
			failed++;
		if (res[i].records < rmin)
			rmin = res[i].records;
		if (res[i].records > rmax)
			rmax = res[i].records;
		if (res[i].rss_kb > rss)
			rss = res[i].rss_kb;
	}
	/* Only runs that succeeded compete, unless none did. */
	for (i = 0; i < runs; i++) {
		if (res[i].status != 0 && failed < runs)
			continue;
		w[nw++] = res[i].wall;
		if (res[i].wall < best) {
			best = res[i].wall;
			best_cpu = res[i].cpu;
			best_lcpu = res[i].lcpu;
		}
	}
	qsort(w, (size_t)nw, sizeof(*w), cmp_d);
	printf("%.4f %.4f %.4f %d %d %lld %lld %ld %.4f\n", best, w[nw / 2],
	    best_cpu, worst, failed, (long long)rmin, (long long)rmax, rss,
	    best_lcpu);
	return 0;
}
