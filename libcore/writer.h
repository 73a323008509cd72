/* SPDX-License-Identifier: MIT */
/* Writers: events -> bytes of one output format. */
#ifndef CORE_WRITER_H
#define CORE_WRITER_H

#include <stdint.h>

#include "libcore/event.h"
#include "libcore/out.h"
#include "libcore/rec.h"

struct core_wopts {
	const char *format;      /* see core_writer_formats */
	char **fields;           /* --fields: select and order; NULL: all */
	size_t nfields;
	int no_header;           /* csv/tsv/table: no header line */
	/* table only (see table.c) */
	int live;                /* redraw in place on a terminal */
	const char *bar;         /* a bar column for this field; NULL: none */
	int utf8;                /* UTF-8 bars and marks, else ASCII */
	int rows, cols;          /* live: the screen; 0: ask the terminal */
};

struct core_writer;

struct core_writer_vtab {
	const char *name;
	void (*rec)(struct core_writer *w, const struct core_rec *r);
	void (*wm)(struct core_writer *w, int64_t wm);
	void (*close)(struct core_writer *w, const struct core_window *win);
	void (*barrier)(struct core_writer *w, uint64_t id);
	/* End of the stream: the last call before free. */
	void (*end)(struct core_writer *w);
	/* The input would block: a chance to emit what is held back. */
	void (*idle)(struct core_writer *w);
	void (*free)(struct core_writer *w);
};

/* The base every writer embeds first. */
struct core_writer {
	const struct core_writer_vtab *vt;
	struct core_out *out;      /* borrowed */
	struct core_wopts opts;
	/* --fields projection */
	struct core_fieldref *sel;
	const struct core_schema *sel_schema;
	struct core_value *sel_vals;
	int text;                  /* a text format (not frames) */
};

/*
 * A writer of format o->format onto out (borrowed; it must outlive the
 * writer).  Frames writers start with the stream header.  Returns NULL
 * for an unknown format.  New; free with core_writer_free.
 */
struct core_writer *core_writer_new(struct core_out *out,
    const struct core_wopts *o);
void core_writer_free(struct core_writer *w);

void core_writer_rec(struct core_writer *w, const struct core_rec *r);

static inline void
core_writer_wm(struct core_writer *w, int64_t wm)
{
	if (w->vt->wm)
		w->vt->wm(w, wm);
}

static inline void
core_writer_close(struct core_writer *w, const struct core_window *win)
{
	if (w->vt->close)
		w->vt->close(w, win);
}

static inline void
core_writer_barrier(struct core_writer *w, uint64_t id)
{
	if (w->vt->barrier)
		w->vt->barrier(w, id);
}

static inline void
core_writer_end(struct core_writer *w)
{
	if (w->vt->end)
		w->vt->end(w);
}

static inline void
core_writer_idle(struct core_writer *w)
{
	if (w->vt->idle)
		w->vt->idle(w);
}

/* The NDJSON writer's vtable (the trace writer borrows its rec). */
extern const struct core_writer_vtab core_writer_ndjson_vt;

/* Output format names, NULL-terminated, for --help and completion. */
extern const char *const core_writer_formats[];

/*
 * The default output format of a middle tool (DESIGN §3): the value of
 * STREAMUTILS_FORMAT if set, else "ndjson" when fd is a terminal, else
 * "frames".
 */
const char *core_writer_default_format(int fd);

/* Helpers and constructors for the writer modules. */
void core_writer_base_init(struct core_writer *w,
    const struct core_writer_vtab *vt, struct core_out *out,
    const struct core_wopts *o);
struct core_writer *core_writer_frames_new(struct core_out *out,
    const struct core_wopts *o);
struct core_writer *core_writer_ndjson_new(struct core_out *out,
    const struct core_wopts *o);
struct core_writer *core_writer_csv_new(struct core_out *out,
    const struct core_wopts *o, char delim);
struct core_writer *core_writer_tsv_new(struct core_out *out,
    const struct core_wopts *o);
struct core_writer *core_writer_logfmt_new(struct core_out *out,
    const struct core_wopts *o);
struct core_writer *core_writer_lines_new(struct core_out *out,
    const struct core_wopts *o);
struct core_writer *core_writer_table_new(struct core_out *out,
    const struct core_wopts *o);

/*
 * What a table writer's --bar saw: *rows records, of which *numbers had a
 * number (an int or a finite double) in the bar field.  Both 0 for other
 * writers and without a bar.
 */
void core_writer_table_bar_stats(const struct core_writer *w,
    uint64_t *rows, uint64_t *numbers);

#endif
