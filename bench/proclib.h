/* SPDX-License-Identifier: MIT */
/*
 * proclib.h: shell commands in process groups of their own for the
 * benchmarks that run pipelines (bench/latency.c, netlat.c, nettime.c):
 * start, stop, SIGKILL on our own signal, and the "listening on ENDPOINT"
 * line of a listener's standard error.  The includer defines progname first; the
 * listener helpers are marked unused for the includers without one.
 */
#ifndef BENCH_PROCLIB_H
#define BENCH_PROCLIB_H

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "benchlib.h"

/* The process groups we started, for the signal handler and the end. */
static volatile pid_t groups[256];
static volatile int ngroups;

static void
on_signal(int sig)
{
	int i;

	for (i = 0; i < ngroups; i++)
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
	if (ngroups < (int)(sizeof(groups) / sizeof(groups[0])))
		groups[ngroups++] = pid;
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

/* The endpoint in "...listening on ENDPOINT\n" of the file, from offset
 * 0; NULL while there is none. */
__attribute__((unused)) static char *
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

/* Copies the lines of the listener's stderr but the "listening on" one to
 * the log. */
__attribute__((unused)) static void
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

#endif
