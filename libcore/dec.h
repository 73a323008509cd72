/* SPDX-License-Identifier: MIT */
/* Decoders: bytes of one input in some format -> events. */
#ifndef CORE_DEC_H
#define CORE_DEC_H

#include <stdint.h>

#include "libcore/arena.h"
#include "libcore/event.h"
#include "libcore/input.h"
#include "libcore/rec.h"

struct core_decopts {
	const char *format;   /* see core_dec_formats; "auto" sniffs */
	int no_infer;         /* CSV/TSV/logfmt: every value a string */
	int no_header;        /* CSV/TSV: no header line; fields 1, 2, ... */
	int allow_ragged;     /* CSV/TSV: short rows padded with null, long
	                       * rows get fields named by position */
	uint32_t max_frame;   /* frames: 0 means the default */
	const char *field;    /* lines: the field name ("line") */
	int lazy;             /* frames: decode only want[0..nwant) (see
	                       * core_frame_dec_want); borrowed */
	const struct core_sym *const *want;
	size_t nwant;
};

struct core_dec;

struct core_dec_vtab {
	const char *name;
	/*
	 * The next event.  CORE_EV_NONE: fill the input and call again;
	 * CORE_EV_EOF: the input is done.  Decoders set rec.time to 0: the
	 * tool assigns event time.
	 */
	enum core_ev (*next)(struct core_dec *d, struct core_event *ev);
	void (*free)(struct core_dec *d);
};

/* The base every decoder embeds first. */
struct core_dec {
	const struct core_dec_vtab *vt;
	struct core_input *in;
	struct core_decopts opts;
	struct core_arena arena;   /* reset before each event */
	struct core_dec *fast;     /* auto: the decoder it settled on */
	struct core_recb rb;
	char reason[256];          /* storage for ev->reason */
};

/*
 * A decoder for input in (borrowed; it must outlive the decoder).  Returns
 * NULL for an unknown format name.  New; free with core_dec_free.
 */
struct core_dec *core_dec_new(struct core_input *in,
    const struct core_decopts *o);
void core_dec_free(struct core_dec *d);

static inline enum core_ev
core_dec_next(struct core_dec *d, struct core_event *ev)
{
	if (d->fast)
		d = d->fast;
	return d->vt->next(d, ev);
}

/* The format being decoded: for "auto", the one detected (or "auto"
 * while undecided). */
const char *core_dec_format(const struct core_dec *d);

/* The format names, NULL-terminated, for --help and completion. */
extern const char *const core_dec_formats[];

/* Helpers for decoders. */
void core_dec_base_init(struct core_dec *d, const struct core_dec_vtab *vt,
    struct core_input *in, const struct core_decopts *o);
void core_dec_base_release(struct core_dec *d);
/* Fills ev as CORE_EV_BAD with reason formatted into d->reason. */
enum core_ev core_dec_bad(struct core_dec *d, struct core_event *ev,
    const char *raw, size_t rawlen, uint64_t line, uint64_t col,
    int64_t off, const char *fmt, ...) __attribute__((format(printf, 8, 9)));

/*
 * Finishes ev as a record of text input read at line, byte offset off: no
 * event time yet (the tool assigns it) and no raw frame body.  The caller
 * has set ev->rec.schema and ev->rec.v.
 */
static inline enum core_ev
core_dec_text_rec(struct core_event *ev, uint64_t line, int64_t off)
{
	ev->kind = CORE_EV_REC;
	ev->rec.time = 0;
	ev->rec.raw = NULL;
	ev->rec.lazy = 0;
	ev->rec.rawlen = 0;
	ev->rec.raw_n = 0;
	ev->line = line;
	ev->off = (uint64_t)off;
	return CORE_EV_REC;
}

/*
 * Field names from headers and keys.  core_dec_name: the symbol of bytes
 * p[0..len), invalid UTF-8 replaced by U+FFFD (names travel in frames as
 * UTF-8); NULL when the symbol table is full.  core_dec_pos_name: "1",
 * "2", ... for field i (0-based).  core_dec_distinct_schema: the schema of
 * f[0..n) made distinct in place -- an empty name becomes its position, a
 * repeated one gets "_2", "_3" (the first keeps it), as Miller and pandas
 * do; NULL when a table is full.
 */
const struct core_sym *core_dec_name(struct core_arena *a, const char *p,
    size_t len);
const struct core_sym *core_dec_pos_name(size_t i);
const struct core_schema *core_dec_distinct_schema(const struct core_sym **f,
    size_t n);

/* Constructors of the decoders (each in its own module). */
struct core_dec *core_dec_frames_new(struct core_input *in,
    const struct core_decopts *o);
struct core_dec *core_dec_ndjson_new(struct core_input *in,
    const struct core_decopts *o);
struct core_dec *core_dec_csv_new(struct core_input *in,
    const struct core_decopts *o, char delim);
struct core_dec *core_dec_tsv_new(struct core_input *in,
    const struct core_decopts *o);
struct core_dec *core_dec_logfmt_new(struct core_input *in,
    const struct core_decopts *o);
struct core_dec *core_dec_lines_new(struct core_input *in,
    const struct core_decopts *o);
/* combined: 1; common: 0. */
struct core_dec *core_dec_clf_new(struct core_input *in,
    const struct core_decopts *o, int combined);
/* syslog (RFC 5424, RFC 3164): 0; statsd: 1. */
struct core_dec *core_dec_syslog_new(struct core_input *in,
    const struct core_decopts *o, int statsd);

#endif
