/* SPDX-License-Identifier: MIT */
/* Bad and late input: warnings, counts, dead letters, --strict. */
#ifndef CORE_REPORT_H
#define CORE_REPORT_H

#include <stdint.h>

#include "libcore/event.h"
#include "libcore/out.h"

/*
 * Every input record is emitted, filtered on purpose, or counted here
 * (DESIGN §7).  Warnings name the place ("PROG: FILE:LINE: REASON", or
 * "PROG: FILE: byte N: REASON" where lines do not apply) and are rate
 * limited: the first CORE_REPORT_BURST, then at most one a second.  The
 * summary at exit gives the counts by kind.  This is CLI-layer code: it
 * prints, and with --strict it exits.
 */
#define CORE_REPORT_BURST 10
#define CORE_REPORT_KINDS 16

struct core_report {
	int strict;
	int quiet;
	struct core_out *errors;   /* --errors FILE, or NULL */
	uint64_t bad;
	uint64_t warned;
	uint64_t suppressed;
	int64_t last_warn;
	struct {
		char kind[48];
		uint64_t n;
		int bad;       /* malformed input, not a record dropped on purpose */
	} kinds[CORE_REPORT_KINDS];
	int nkinds;
	char first[512];           /* where the first bad record was */
};

/* Opens errors_path (appending) if not NULL; dies with status 3 if it
 * cannot.  Registers the summary to run at exit. */
void core_report_init(struct core_report *r, int strict, int quiet,
    const char *errors_path);

/*
 * A bad input item ev (CORE_EV_BAD) from input src.  Prints a warning
 * (or, with --strict or ev->fatal, the error and exits 1), counts it by
 * kind (the reason up to its first ':' or " at "), and writes a dead
 * letter to --errors.
 */
void core_report_bad(struct core_report *r, const char *src,
    const struct core_event *ev);

/* Counts n items of a kind that are dropped on purpose but must be
 * reported ("late"), without a warning per item. */
void core_report_count(struct core_report *r, const char *kind, uint64_t n);

/* The summary line, if anything was counted; flushes --errors. */
void core_report_finish(struct core_report *r);

/*
 * A warning about one item that is not bad input (a command that failed),
 * under the same limit as core_report_bad's (the first CORE_REPORT_BURST,
 * then one a second) and silenced by --quiet.
 */
void core_report_warnx(struct core_report *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
