/* SPDX-License-Identifier: MIT */
/* Records as Prometheus metrics: the latest value per series, as text. */
#ifndef CORE_PROM_H
#define CORE_PROM_H

#include <stddef.h>
#include <stdint.h>

#include "libcore/rec.h"

struct core_buf;

/*
 * A table of gauges fed with records, written in the Prometheus text
 * exposition format (version 0.0.4).  In each record:
 *
 *   - string fields, and the fields named with core_prom_label whatever
 *     their type, are labels (a null one is left out, as Prometheus does
 *     with an empty value);
 *   - int, double and bool fields are gauges (bools 0 or 1), named
 *     prefix + the field name made a valid metric name;
 *   - times, nested JSON, nulls and the fields named with
 *     core_prom_ignore are left out.
 *
 * The series of a gauge is its name and the record's labels; the latest
 * record wins.  Series whose last update is older, in event time, than
 * the table's clock minus ttl are dropped (ttl 0: kept forever).  The
 * clock is the largest event time of a record or finite watermark seen,
 * so the same input gives the same table, run after run.
 */
struct core_prom;

/* New; prefix is copied and must be "" or a valid metric name. */
struct core_prom *core_prom_new(const char *prefix, int64_t ttl);
void core_prom_free(struct core_prom *p);

/* Field name is a label whatever the type of its values. */
void core_prom_label(struct core_prom *p, const char *name);
/* Field name is never exposed (window_start, window_end). */
void core_prom_ignore(struct core_prom *p, const char *name);

/* Takes the record's gauges (r is borrowed for the call only). */
void core_prom_rec(struct core_prom *p, const struct core_rec *r);
/* A watermark: moves the clock (finite ones) and is exposed. */
void core_prom_wm(struct core_prom *p, int64_t wm);
/* Bad input records so far (counted by the caller), for the exposition. */
void core_prom_set_bad(struct core_prom *p, uint64_t n);

/* Drops the series the ttl says are stale; returns how many. */
size_t core_prom_expire(struct core_prom *p);
/* Series held now. */
size_t core_prom_len(const struct core_prom *p);

/*
 * Expires stale series, then appends the exposition to b: the record
 * gauges sorted by name, then by label text, each family with its # HELP
 * and # TYPE lines; then the table's own metrics (streamutils_sink_*).
 */
void core_prom_render(struct core_prom *p, struct core_buf *b);

/*
 * Appends p[0..len) made a valid metric name ([a-zA-Z_:][a-zA-Z0-9_:]*,
 * with label: a label name, [a-zA-Z_][a-zA-Z0-9_]*): every other byte
 * becomes '_', ':' too (Prometheus keeps colons for recording rules),
 * and a leading digit gets a '_' before it.  A label name that would
 * start with "__" (kept for Prometheus' own labels) starts with one '_'.
 * first says whether the name starts the result (a prefix comes before
 * a metric name).
 */
void core_prom_name(struct core_buf *b, const char *p, size_t len, int first,
    int label);
/* Whether s is "" or a valid metric name: the check for a prefix. */
int core_prom_prefix_ok(const char *s);
/* Appends a label value escaped: \\, \" and \n; invalid UTF-8 bytes
 * become U+FFFD. */
void core_prom_escape(struct core_buf *b, const char *p, size_t len);
/* Appends a sample value: NaN, +Inf, -Inf, or the shortest exact number. */
void core_prom_double(struct core_buf *b, double d);

#endif
