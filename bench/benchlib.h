/* SPDX-License-Identifier: MIT */
/*
 * benchlib.h: the clock and the way out shared by the C helpers of the
 * benchmarks (latlib.h, proclib.h and their includers).  The includer
 * defines progname first; the functions are static, one copy each.
 */
#ifndef BENCH_BENCHLIB_H
#define BENCH_BENCHLIB_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
	fprintf(stderr, "%s: %s: %s\n", progname, what, strerror(errno));
	exit(3);
}

#endif
