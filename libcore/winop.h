/* SPDX-License-Identifier: MIT */
/* The window operator: tumbling, hopping, session and count windows,
 * closed by the watermark, with late-record policies. */
#ifndef CORE_WINOP_H
#define CORE_WINOP_H

#include <stddef.h>
#include <stdint.h>

#include "libcore/kmap.h"
#include "libcore/rec.h"
#include "libcore/window.h"
#include "libcore/writer.h"

enum core_win_kind { CORE_WIN_GRID, CORE_WIN_SESSION, CORE_WIN_COUNT,
	CORE_WIN_FIELD };

struct core_evtime;
enum core_late { CORE_LATE_DROP, CORE_LATE_UPDATE, CORE_LATE_WRITE };

struct core_winop_opts {
	enum core_win_kind kind;
	int64_t size, slide, offset;   /* grid: tumbling when slide == size */
	int64_t gap;                   /* session */
	int64_t count;                 /* count */
	struct core_keyspec *by;       /* session, count, field; NULL: one key */
	struct core_evtime *from;      /* field: start; NULL: the event time */
	struct core_evtime *until;     /* field: end */
	int64_t lateness;              /* a window closes at end + lateness */
	enum core_late late;
	int64_t horizon;               /* CORE_LATE_UPDATE: updates until */
	struct core_writer *late_w;    /* CORE_LATE_WRITE: where late go */
	const struct core_sym *start, *end;   /* the window fields */
};

/*
 * Field windows: a record with the until field (and the from field, or
 * its event time) opens the window [from, until) for its key, merging with
 * an open one it overlaps; records of the key without that field join the
 * window that holds their time, waiting (until the watermark passes them)
 * for one to open if none has.
 *
 * Records pushed in come out on out with the window fields appended (for
 * session, count and field windows, once the window is complete); window-close
 * punctuation follows each window's records when the watermark passes
 * its end plus the allowed lateness (grid windows: empty ones too).  The
 * watermark goes on held back to just before the earliest open window's
 * end.  A watermark of CORE_WM_MAX is the end of input: everything
 * closes.  Borrowed: out (and o->by, o->late_w) must outlive the
 * operator.  New, or NULL with *why set for a bad window spec.
 */
struct core_winop *core_winop_new(const struct core_winop_opts *o,
    struct core_writer *out, const char **why);
void core_winop_free(struct core_winop *w);
void core_winop_push(struct core_winop *w, const struct core_rec *r);
void core_winop_wm(struct core_winop *w, int64_t wm);
/* Late records dropped, and written to the late writer, so far. */
uint64_t core_winop_late(const struct core_winop *w);
uint64_t core_winop_late_written(const struct core_winop *w);
/* Records held back in open session, count and field windows. */
size_t core_winop_held(const struct core_winop *w);
/*
 * Field windows: records that no window took (their time passed with no
 * window of their key around it), and windows whose end was not after
 * their start (bad records).
 */
uint64_t core_winop_outside(const struct core_winop *w);
uint64_t core_winop_badbounds(const struct core_winop *w);

#endif
