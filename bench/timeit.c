/* SPDX-License-Identifier: MIT */
/* timeit: runs a shell command several times and prints its best wall
 * time, its median, and the CPU time of the best run. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/*
 * Output, one line: "BEST MEDIAN CPU STATUS FAILED" with times in seconds,
 * where CPU is the user + system time of every process of the best run
 * (wait4 counts the shell and the pipeline members it waited for), STATUS
 * the worst exit status seen and FAILED the number of runs that did not
 * exit 0.  Best and median are over the runs that exited 0 (a run that
 * failed at once must not look fast); all runs when none did.  The
 * command's stderr goes to LOG (-e), so that a terminal does not change
 * what the tools do.
 */

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
tv_s(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static int
cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int
main(int argc, char **argv)
{
	int runs = 3, c, i, n, worst = 0, failed = 0, errfd = -1, *sts;
	double *wall, *cpus, *w, best_cpu = 0, best = 1e300;
	const char *cmd;

	while ((c = getopt(argc, argv, "r:e:")) != -1) {
		switch (c) {
		case 'r':
			runs = atoi(optarg);
			break;
		case 'e':
			errfd = open(optarg, O_WRONLY | O_CREAT | O_APPEND,
			    0644);
			if (errfd < 0) {
				fprintf(stderr, "timeit: %s: %s\n", optarg,
				    strerror(errno));
				return 3;
			}
			break;
		default:
			goto usage;
		}
	}
	if (argc - optind != 1 || runs < 1)
		goto usage;
	cmd = argv[optind];
	wall = calloc((size_t)runs, sizeof(*wall));
	cpus = calloc((size_t)runs, sizeof(*cpus));
	w = calloc((size_t)runs, sizeof(*w));
	sts = calloc((size_t)runs, sizeof(*sts));
	if (wall == NULL || cpus == NULL || w == NULL || sts == NULL)
		return 3;
	for (i = 0; i < runs; i++) {
		struct rusage ru;
		double t0 = now_s();
		int st;
		pid_t pid = fork();

		if (pid < 0) {
			perror("timeit: fork");
			return 3;
		}
		if (pid == 0) {
			if (errfd >= 0)
				dup2(errfd, 2);
			execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
			_exit(127);
		}
		if (wait4(pid, &st, 0, &ru) < 0) {
			perror("timeit: wait4");
			return 3;
		}
		wall[i] = now_s() - t0;
		cpus[i] = tv_s(ru.ru_utime) + tv_s(ru.ru_stime);
		sts[i] = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		if (sts[i] > worst)
			worst = sts[i];
		if (sts[i] != 0)
			failed++;
	}
	/* Only runs that exited 0 compete, unless none did. */
	for (i = n = 0; i < runs; i++) {
		if (sts[i] != 0 && failed < runs)
			continue;
		w[n++] = wall[i];
		if (wall[i] < best) {
			best = wall[i];
			best_cpu = cpus[i];
		}
	}
	qsort(w, (size_t)n, sizeof(*w), cmp_d);
	printf("%.4f %.4f %.4f %d %d\n", best, w[n / 2], best_cpu, worst,
	    failed);
	return 0;
usage:
	fputs("usage: timeit [-r RUNS] [-e STDERR_LOG] COMMAND\n", stderr);
	return 2;
}
