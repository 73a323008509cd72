/* SPDX-License-Identifier: MIT */
/* Event time taken from a record field (--time FIELD[:FORMAT]). */
#ifndef CORE_EVTIME_H
#define CORE_EVTIME_H

#include <stdint.h>

#include "libcore/rec.h"
#include "libcore/timefmt.h"

struct core_evtime {
	struct core_fieldref field;
	struct core_timefmt fmt;
	char *name;          /* owned */
	struct core_time_memo memo;   /* speeds up parsing string times */
};

/*
 * Reads "FIELD" or "FIELD:FORMAT" (FORMAT as core_timefmt_init takes it).
 * A name containing ':' works when what follows the first ':' is not a
 * format; but a lowercase word there that is no format ("ts:rfc333") is
 * taken for a misspelt one: -1, nothing to release.  A trailing ':'
 * ends the name ("a:b:" is field "a:b", format detected).  Returns 0.
 */
int core_evtime_init(struct core_evtime *et, const char *spec);
void core_evtime_release(struct core_evtime *et);

/*
 * The event time of r: times as they are, numbers as epoch values,
 * strings parsed.  Returns 0, or -1 with *why set to a static phrase
 * ("missing time field", "unrecognised time", ...).
 */
int core_evtime_get(struct core_evtime *et, const struct core_rec *r,
    int64_t *ns, const char **why);

#endif
