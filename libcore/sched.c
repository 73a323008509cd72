/* SPDX-License-Identifier: MIT */
/* Bulk or live: SCHED_BATCH while input comes as a backlog (sched.h). */
#include "libcore/sched.h"

#include <sched.h>
#include <stdlib.h>
#include <string.h>

static int inited;
static enum core_sched_mode mode;

static void
init(void)
{
	const char *e = getenv("STREAMUTILS_SCHED");

	inited = 1;
	mode = CORE_SCHED_OFF;
	if (e != NULL && *e != '\0' && strcmp(e, "auto") != 0)
		return;    /* "normal", or anything not understood */
#ifdef SCHED_BATCH
	if (sched_getscheduler(0) == SCHED_OTHER)
		mode = CORE_SCHED_LIVE;
#endif
}

static void
set(enum core_sched_mode m)
{
#ifdef SCHED_BATCH
	struct sched_param sp;

	memset(&sp, 0, sizeof(sp));
	/* Failure (a seccomp filter, say) leaves the policy as it was;
	 * stop trying then. */
	if (sched_setscheduler(0, m == CORE_SCHED_BULK_MODE ? SCHED_BATCH :
	    SCHED_OTHER, &sp) != 0) {
		mode = CORE_SCHED_OFF;
		return;
	}
#endif
	mode = m;
}

void
core_sched_read(size_t n)
{
	enum core_sched_mode m = core_sched_after_read(core_sched_mode(), n);

	if (m != mode)
		set(m);
}

void
core_sched_slept(int64_t ns)
{
	enum core_sched_mode m = core_sched_after_sleep(core_sched_mode(), ns);

	if (m != mode)
		set(m);
}

enum core_sched_mode
core_sched_mode(void)
{
	if (!inited)
		init();
	return mode;
}
