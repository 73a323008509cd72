/* SPDX-License-Identifier: MIT */
/* Bulk or live: the scheduling policy follows how input arrives. */
#ifndef CORE_SCHED_H
#define CORE_SCHED_H

#include <stddef.h>
#include <stdint.h>

/*
 * Several tools of one pipeline share a few cores.  When a pipe read
 * wakes a tool, Linux lets it preempt the task that woke it, usually
 * the tool upstream, which in a bulk replay is the slowest stage and
 * should keep its core.  SCHED_BATCH (sched(7)) asks the kernel not to
 * preempt on wake-up; a task keeps its share of CPU and its nice value.
 *
 * So a tool switches itself to SCHED_BATCH while its input comes as a
 * backlog (a read returns at least CORE_SCHED_BULK bytes) and back to
 * SCHED_OTHER when its input goes quiet (the loop slept for
 * CORE_SCHED_QUIET_NS or more), where waking at once is what keeps
 * results sub-millisecond.  Live input at ordinary rates never fills
 * such reads, so it never leaves SCHED_OTHER.
 *
 * Only a tool that starts under SCHED_OTHER changes its policy; one
 * started under chrt(1) keeps what it was given.  STREAMUTILS_SCHED=normal
 * turns it off; STREAMUTILS_SCHED=auto (the default) is the above.
 */
#define CORE_SCHED_BULK ((size_t)64 << 10)
#define CORE_SCHED_QUIET_NS (10LL * 1000 * 1000)

enum core_sched_mode {
	CORE_SCHED_OFF,      /* not ours to change, or turned off */
	CORE_SCHED_LIVE,     /* SCHED_OTHER */
	CORE_SCHED_BULK_MODE /* SCHED_BATCH */
};

/* The mode after a read of n bytes (n > 0), from mode m. */
static inline enum core_sched_mode
core_sched_after_read(enum core_sched_mode m, size_t n)
{
	return m == CORE_SCHED_LIVE && n >= CORE_SCHED_BULK ?
	    CORE_SCHED_BULK_MODE : m;
}

/* The mode after the event loop slept ns nanoseconds, from mode m. */
static inline enum core_sched_mode
core_sched_after_sleep(enum core_sched_mode m, int64_t ns)
{
	return m == CORE_SCHED_BULK_MODE && ns >= CORE_SCHED_QUIET_NS ?
	    CORE_SCHED_LIVE : m;
}

/* The process's mode, applying the policy on each change. */
void core_sched_read(size_t n);
void core_sched_slept(int64_t ns);
/* The current mode (tests, --stats). */
enum core_sched_mode core_sched_mode(void);

#endif
