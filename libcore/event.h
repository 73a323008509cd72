/* SPDX-License-Identifier: MIT */
/* What decoders hand out: records, time progress, punctuation, bad input. */
#ifndef CORE_EVENT_H
#define CORE_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "libcore/rec.h"

/* The watermark after the last input: every window closes. */
#define CORE_WM_MAX INT64_MAX
/* No watermark yet. */
#define CORE_WM_MIN INT64_MIN

/*
 * A window [start, end) in event time, nanoseconds.  In a window-close
 * punctuation, retain is the watermark until which a downstream operator
 * keeps the window's state because updates may still come (stream-window
 * --late update); CORE_WM_MIN means the result is final.
 */
struct core_window {
	int64_t start;
	int64_t end;
	int64_t retain;
};

enum core_ev {
	CORE_EV_NONE,     /* nothing buffered: read more input */
	CORE_EV_REC,      /* rec */
	CORE_EV_WM,       /* watermark wm: later records have time >= wm */
	CORE_EV_CLOSE,    /* window win is closed: its results are complete */
	CORE_EV_BARRIER,  /* checkpoint barrier (reserved) */
	CORE_EV_END,      /* end-of-stream frame */
	CORE_EV_BAD,      /* malformed input: see the bad fields */
	CORE_EV_EOF       /* the input is exhausted */
};

/*
 * One item from a decoder.  Everything it points to is borrowed and valid
 * until the decoder's next call.
 */
struct core_event {
	enum core_ev kind;
	struct core_rec rec;
	int64_t wm;
	struct core_window win;
	uint64_t barrier;
	/* CORE_EV_BAD */
	const char *reason;   /* "bad JSON: expected ':'", no place */
	const char *raw;      /* the offending input, possibly truncated */
	size_t rawlen;
	uint64_t line;        /* 1-based line, 0 when lines do not apply */
	uint64_t col;         /* 1-based byte column, 0 when unknown */
	uint64_t off;         /* byte offset of the item in its input */
	int fatal;            /* the input cannot be read any further */
};

#endif
