/* SPDX-License-Identifier: MIT */
/* Tests for the bulk/live scheduling policy (libcore/sched.h). */
#include <criterion/criterion.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "libcore/sched.h"

Test(sched, a_big_read_makes_live_bulk)
{
	cr_assert_eq(core_sched_after_read(CORE_SCHED_LIVE, 1),
	    CORE_SCHED_LIVE);
	cr_assert_eq(core_sched_after_read(CORE_SCHED_LIVE,
	    CORE_SCHED_BULK - 1), CORE_SCHED_LIVE);
	cr_assert_eq(core_sched_after_read(CORE_SCHED_LIVE, CORE_SCHED_BULK),
	    CORE_SCHED_BULK_MODE);
	cr_assert_eq(core_sched_after_read(CORE_SCHED_BULK_MODE, 1),
	    CORE_SCHED_BULK_MODE, "a short read in a backlog stays bulk");
	cr_assert_eq(core_sched_after_read(CORE_SCHED_OFF, (size_t)1 << 30),
	    CORE_SCHED_OFF);
}

Test(sched, a_quiet_input_makes_bulk_live)
{
	cr_assert_eq(core_sched_after_sleep(CORE_SCHED_BULK_MODE,
	    CORE_SCHED_QUIET_NS - 1), CORE_SCHED_BULK_MODE);
	cr_assert_eq(core_sched_after_sleep(CORE_SCHED_BULK_MODE,
	    CORE_SCHED_QUIET_NS), CORE_SCHED_LIVE);
	cr_assert_eq(core_sched_after_sleep(CORE_SCHED_LIVE, INT64_MAX),
	    CORE_SCHED_LIVE);
	cr_assert_eq(core_sched_after_sleep(CORE_SCHED_OFF, INT64_MAX),
	    CORE_SCHED_OFF);
}

/* Whether this process may switch between SCHED_OTHER and SCHED_BATCH
 * at all (a seccomp filter may refuse); the probe leaves SCHED_OTHER. */
static int
can_switch(void)
{
	struct sched_param sp;

	memset(&sp, 0, sizeof(sp));
	if (sched_getscheduler(0) != SCHED_OTHER)
		return 0;
	if (sched_setscheduler(0, SCHED_BATCH, &sp) != 0)
		return 0;
	return sched_setscheduler(0, SCHED_OTHER, &sp) == 0;
}

/* Criterion runs each test in a process of its own: fresh state. */
Test(sched, the_process_policy_follows_the_mode)
{
	if (!can_switch())
		cr_skip_test("this system does not let a process use "
		    "SCHED_BATCH");
	cr_assert_eq(core_sched_mode(), CORE_SCHED_LIVE);
	core_sched_read(4096);
	cr_assert_eq(sched_getscheduler(0), SCHED_OTHER);
	core_sched_read(CORE_SCHED_BULK);
	cr_assert_eq(core_sched_mode(), CORE_SCHED_BULK_MODE);
	cr_assert_eq(sched_getscheduler(0), SCHED_BATCH);
	core_sched_slept(1000);
	cr_assert_eq(sched_getscheduler(0), SCHED_BATCH);
	core_sched_slept(CORE_SCHED_QUIET_NS);
	cr_assert_eq(core_sched_mode(), CORE_SCHED_LIVE);
	cr_assert_eq(sched_getscheduler(0), SCHED_OTHER);
}

Test(sched, streamutils_sched_normal_turns_it_off)
{
	cr_assert_eq(setenv("STREAMUTILS_SCHED", "normal", 1), 0);
	cr_assert_eq(core_sched_mode(), CORE_SCHED_OFF);
	core_sched_read((size_t)1 << 20);
	cr_assert_eq(core_sched_mode(), CORE_SCHED_OFF);
	cr_assert_neq(sched_getscheduler(0), SCHED_BATCH);
}

Test(sched, a_policy_given_by_chrt_is_kept)
{
	struct sched_param sp;

	if (!can_switch())
		cr_skip_test("this system does not let a process use "
		    "SCHED_BATCH");
	memset(&sp, 0, sizeof(sp));
	cr_assert_eq(sched_setscheduler(0, SCHED_IDLE, &sp), 0);
	cr_assert_eq(core_sched_mode(), CORE_SCHED_OFF);
	core_sched_read((size_t)1 << 20);
	core_sched_slept(CORE_SCHED_QUIET_NS);
	cr_assert_eq(sched_getscheduler(0), SCHED_IDLE);
}
