/* SPDX-License-Identifier: MIT */
/* Fast formatting of values into reserved output space. */
#ifndef CORE_FMT_H
#define CORE_FMT_H

#include <stddef.h>
#include <stdint.h>

#include "libcore/value.h"

/*
 * Each core_fmt_* writes at d and returns the end; the caller reserved
 * room first.  Scalars (ints, doubles, times with quotes, literals) need
 * at most CORE_FMT_SCALAR_MAX bytes.
 */
#define CORE_FMT_SCALAR_MAX 256

/*
 * How text writers show times (--time-format): "rfc3339" (the default,
 * "2026-01-01T00:00:00.250Z"), "epoch_s", "epoch_ms", "epoch_us",
 * "epoch_ns" (numbers, with a fraction only when needed, so nothing is
 * lost), or a strftime(3) pattern in UTC where %3f, %6f, %9f (and %f, 6)
 * are the fraction of the second.  Process-wide: one tool, one output.
 * Returns 0, or -1 for an unknown name (a pattern must contain '%').
 */
int core_fmt_time_init(const char *spec);

char *core_fmt_i64(char *d, int64_t v);
/* Shortest exact form (core_double_format); NaN and infinities as null. */
char *core_fmt_double_json(char *d, double v);
/* Shortest exact form; NaN, Infinity, -Infinity as words. */
char *core_fmt_double_text(char *d, double v);
/* A time as --time-format says, no quotes; *num set when it is a
 * number (JSON writes it bare). */
char *core_fmt_time_as(char *d, int64_t ns, int *num);
/* RFC 3339, no quotes. */
char *core_fmt_time(char *d, int64_t ns);
/* JSON text copied; whitespace outside strings dropped when the text has
 * line breaks, so that NDJSON stays one record per line. */
char *core_fmt_json_compact(char *d, const char *s, size_t len);

/* Room needed by core_fmt_json_value / core_fmt_text_value. */
size_t core_fmt_json_value_max(const struct core_value *v);
/* The value as JSON. */
char *core_fmt_json_value(char *d, const struct core_value *v);
/* The value as plain text: strings and JSON raw, null empty, bools
 * true/false, times RFC 3339.  Needs core_fmt_json_value_max bytes. */
char *core_fmt_text_value(char *d, const struct core_value *v);

#endif
