/* SPDX-License-Identifier: MIT */
/* Timestamps: parsing event times from text and numbers, and printing them. */
#ifndef CORE_TIMEFMT_H
#define CORE_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

/*
 * Timestamps are int64 nanoseconds since the Unix epoch, UTC.  Times written
 * without a zone (ISO 8601 without offset, syslog RFC 3164, strptime
 * patterns without %z) are taken as UTC, so that results never depend on the
 * machine's TZ.
 */

enum core_tfmt {
	CORE_TF_AUTO,     /* any of the below, detected per value */
	CORE_TF_EPOCH,    /* a number; unit detected by magnitude */
	CORE_TF_EPOCH_S,  /* seconds, fraction allowed */
	CORE_TF_EPOCH_MS, /* milliseconds, fraction allowed */
	CORE_TF_EPOCH_US, /* microseconds, fraction allowed */
	CORE_TF_EPOCH_NS, /* nanoseconds, integer */
	CORE_TF_RFC3339,  /* RFC 3339 and the ISO 8601 forms listed below */
	CORE_TF_CLF,      /* 10/Oct/2000:13:55:36 -0700 */
	CORE_TF_SYSLOG,   /* RFC 3164 "Oct 11 22:14:15" (RFC 5424 is RFC 3339) */
	CORE_TF_PATTERN   /* a strptime(3) pattern */
};

struct core_timefmt {
	enum core_tfmt kind;
	char *pattern;    /* CORE_TF_PATTERN: owned strptime pattern */
	int ref_year;     /* year for RFC 3164 stamps; 0: the current UTC year */
};

/*
 * Reads a format name: "auto", "epoch", "epoch_s", "epoch_ms", "epoch_us",
 * "epoch_ns", "rfc3339" (also "iso8601"), "clf", "syslog", or a strptime
 * pattern (anything containing '%').  Returns 0, or -1 for an unknown name.
 * The caller releases tf with core_timefmt_release.
 */
int core_timefmt_init(struct core_timefmt *tf, const char *spec);
void core_timefmt_release(struct core_timefmt *tf);

/*
 * Parses the text s[0..len) (not NUL-terminated) as a time in format tf.
 * Epoch magnitudes in auto/epoch mode: |v| < 1e11 seconds, < 1e14
 * milliseconds, < 1e17 microseconds, otherwise nanoseconds.  Accepted
 * RFC 3339 / ISO 8601 forms: YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS[.frac]] with
 * 'T', 't' or ' ' between date and time, zone Z, z, +HH:MM, +HHMM, +HH or
 * none (UTC).  Up to 9 fraction digits are kept, more are truncated.
 * Returns 0 and sets *ns, or -1 when the text is not a time of that format
 * or out of the int64 range.
 */
int core_time_parse(const struct core_timefmt *tf, const char *s, size_t len,
    int64_t *ns);

/*
 * What core_time_parse_memo remembers between calls: the date, hour and
 * minute ("2024-03-01T00:00") of the last RFC 3339 stamp with a four-digit
 * year, and the second that minute begins.  Stamps read one after another
 * mostly share it.  Caller-owned and zeroed before first use; it holds no
 * pointers.
 */
struct core_time_memo {
	char key[16];
	int64_t base;     /* seconds since the epoch at key's minute, UTC */
	int valid;
};

/*
 * core_time_parse, the same result for every input, with RFC 3339 stamps
 * (formats auto and rfc3339) read faster when they begin with the bytes
 * memo m remembers; m is updated.
 */
int core_time_parse_memo(const struct core_timefmt *tf,
    struct core_time_memo *m, const char *s, size_t len, int64_t *ns);

/*
 * Converts a number read from a record (an int64 or a double) into a time,
 * by magnitude in CORE_TF_AUTO/CORE_TF_EPOCH or in the unit given.  Returns
 * 0, or -1 when out of range, NaN, or tf is not an epoch kind or auto.
 */
int core_time_from_int(const struct core_timefmt *tf, int64_t v, int64_t *ns);
int core_time_from_double(const struct core_timefmt *tf, double v,
    int64_t *ns);

/*
 * Writes ns as RFC 3339 in UTC with as many fraction digits as needed in
 * groups of three: "2000-10-10T20:55:36Z", "...36.5Z" is written
 * "...36.500Z", "...36.000001Z", "...36.000000001Z".  Years outside
 * 0000..9999 are written with a sign and more digits ("+12345-...",
 * "-0001-..."), which the parser reads back.  buf must hold
 * CORE_TIME_BUFSZ bytes; returns the length (NUL-terminated).
 */
#define CORE_TIME_BUFSZ 48
size_t core_time_format_rfc3339(int64_t ns, char *buf);

/*
 * Days since 1970-01-01 of a proleptic Gregorian date (month 1..12), and
 * the inverse.  Exposed for window alignment and tests.
 */
int64_t core_days_from_civil(int64_t y, unsigned m, unsigned d);
void core_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d);

#endif
