/* SPDX-License-Identifier: MIT */
/* Strict parsers for numbers, durations and sizes given on command lines. */
#ifndef CORE_DUR_H
#define CORE_DUR_H

#include <stddef.h>
#include <stdint.h>

#define CORE_NS_PER_US 1000LL
#define CORE_NS_PER_MS 1000000LL
#define CORE_NS_PER_S 1000000000LL

/*
 * Parses a whole decimal integer in [min, max], like OpenBSD strtonum(3):
 * no leading blanks, no trailing junk, no empty string.  Returns 0 and sets
 * *out, or -1 with *errstr set to a static phrase ("invalid", "too small",
 * "too large").
 */
int core_strtonum(const char *s, long long min, long long max, long long *out,
    const char **errstr);

/*
 * Parses a duration such as "250ms", "10s", "5m", "1h", "1d", "1h30m",
 * "1.5s", "100us", "100ns" or "0" into nanoseconds.  Units: ns, us (also
 * "µs"), ms, s, m, h, d, w.  A bare number other than 0 is refused (the unit
 * is mandatory).  A leading '+' or '-' is accepted only when allow_sign is
 * non-zero.  Overflow of int64 nanoseconds is an error.  Returns 0 or -1
 * with *errstr set to a static phrase.
 */
int core_dur_parse(const char *s, int allow_sign, int64_t *ns,
    const char **errstr);

/*
 * Formats a duration the way core_dur_parse reads it, shortest first:
 * 90000000000 -> "1m30s", 250000000 -> "250ms", 0 -> "0s".  buf must hold
 * CORE_DUR_BUFSZ bytes; returns the length written (NUL-terminated).
 */
#define CORE_DUR_BUFSZ 64
size_t core_dur_format(int64_t ns, char *buf);

/*
 * Parses a byte size: "4096", "64K", "16M", "1G", "2T" (binary multiples,
 * an optional trailing "B" or "iB" accepted: "16MiB", "16MB").  Returns 0 or
 * -1 with *errstr set.
 */
int core_size_parse(const char *s, uint64_t *bytes, const char **errstr);

#endif
