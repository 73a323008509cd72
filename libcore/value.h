/* SPDX-License-Identifier: MIT */
/* Typed values: what a record's fields hold. */
#ifndef CORE_VALUE_H
#define CORE_VALUE_H

#include <stddef.h>
#include <stdint.h>

struct core_buf;

enum core_type {
	CORE_NULL,
	CORE_BOOL,
	CORE_INT,     /* int64 */
	CORE_DOUBLE,  /* IEEE double, or a number kept as its spelling */
	CORE_STR,     /* bytes, usually UTF-8 */
	CORE_TIME,    /* int64 nanoseconds since the epoch, UTC */
	CORE_JSON     /* a nested object or array, as valid JSON text */
};

/* CORE_DOUBLE only: the number is u.s[0..len), valid JSON number syntax,
 * kept as read so that "1.50" or 1e400 print back unchanged. */
#define CORE_VF_TEXT 1
/* Not decoded yet (a lazy frame decoder passed over it): reads as null
 * until core_rec_full decodes the record's values. */
#define CORE_VF_LAZY 2

/*
 * A value borrows its bytes (strings, JSON, number text): they live in the
 * input buffer, a frame, or an arena, and stay valid as long as the record
 * that holds the value (see rec.h).  Values are 16 bytes and copied freely.
 */
struct core_value {
	uint8_t type;
	uint8_t flags;
	uint32_t len;
	union {
		int64_t i;     /* CORE_BOOL (0/1), CORE_INT, CORE_TIME */
		double d;      /* CORE_DOUBLE without CORE_VF_TEXT */
		const char *s; /* CORE_STR, CORE_JSON, CORE_DOUBLE text */
	} u;
};

static inline struct core_value
core_v_null(void)
{
	struct core_value v = { .type = CORE_NULL };
	return v;
}

static inline struct core_value
core_v_bool(int b)
{
	struct core_value v = { .type = CORE_BOOL, .u.i = b != 0 };
	return v;
}

static inline struct core_value
core_v_int(int64_t i)
{
	struct core_value v = { .type = CORE_INT, .u.i = i };
	return v;
}

static inline struct core_value
core_v_double(double d)
{
	struct core_value v = { .type = CORE_DOUBLE, .u.d = d };
	return v;
}

static inline struct core_value
core_v_time(int64_t ns)
{
	struct core_value v = { .type = CORE_TIME, .u.i = ns };
	return v;
}

static inline struct core_value
core_v_str(const char *s, size_t len)
{
	struct core_value v = { .type = CORE_STR, .len = (uint32_t)len,
		.u.s = s };
	return v;
}

static inline struct core_value
core_v_json(const char *s, size_t len)
{
	struct core_value v = { .type = CORE_JSON, .len = (uint32_t)len,
		.u.s = s };
	return v;
}

/* p[0..len) must be valid JSON number syntax. */
static inline struct core_value
core_v_numtext(const char *s, size_t len)
{
	struct core_value v = { .type = CORE_DOUBLE, .flags = CORE_VF_TEXT,
		.len = (uint32_t)len, .u.s = s };
	return v;
}

/* Longest string or JSON value a record may hold (frames bound it too). */
#define CORE_MAX_VALUE_LEN (256u << 20)

/* The type's name as written in messages and man pages ("int", ...). */
const char *core_type_name(enum core_type t);

/*
 * Numeric reading: ints, doubles (parsing number text) and times (as ns)
 * give 0 and *d; everything else -1.  Bools and strings are not numbers.
 */
int core_value_number(const struct core_value *v, double *d);
/* A double value's number (parsing CORE_VF_TEXT text). */
double core_value_double(const struct core_value *v);

/*
 * If s[0..len) is JSON number syntax: returns 1 and sets *v to an int when
 * it is a canonical integer in range, else to number text.  Returns 0 when
 * it is not a JSON number.
 */
int core_number_scan(const char *s, size_t len, struct core_value *v);

/*
 * Classifies text the way CSV, TSV and logfmt inference does: canonical
 * integers in the int64 range become CORE_INT, other JSON-syntax numbers
 * CORE_DOUBLE with their spelling kept, "true"/"false" CORE_BOOL, anything
 * else CORE_STR.  Every inferred value prints back as the same text.
 * The result borrows s.  Inline: readers call it for every field, and
 * most fields are decided by their first byte.  core_value_infer_to
 * stores the same value at *v, which spares a reader building the value
 * in registers on one path and storing it on another.
 */
static inline __attribute__((always_inline)) void
core_value_infer_to(struct core_value *v, const char *s, size_t len)
{
	unsigned char c;

	if (len == 0) {
		*v = core_v_str(s, 0);
		return;
	}
	c = (unsigned char)s[0];
	/* A number also ends with a digit: "2024-03-01T00:00Z" is not
	 * scanned at all. */
	if (((unsigned)(c - '0') < 10 || c == '-') &&
	    (unsigned)((unsigned char)s[len - 1] - '0') < 10) {
		if (core_number_scan(s, len, v))
			return;
	} else if (c == 't') {
		if (len == 4 && s[1] == 'r' && s[2] == 'u' && s[3] == 'e') {
			*v = core_v_bool(1);
			return;
		}
	} else if (c == 'f') {
		if (len == 5 && s[1] == 'a' && s[2] == 'l' && s[3] == 's' &&
		    s[4] == 'e') {
			*v = core_v_bool(0);
			return;
		}
	}
	*v = core_v_str(s, len);
}

static inline struct core_value
core_value_infer(const char *s, size_t len)
{
	struct core_value v;

	core_value_infer_to(&v, s, len);
	return v;
}

/*
 * Writes a double the shortest way that reads back exactly, always with a
 * '.' or an exponent so that it reads back as a double ("3.0", "1e+100").
 * NaN and infinities write "NaN", "Infinity", "-Infinity" (not JSON: JSON
 * writers check first).  buf must hold CORE_DBL_BUFSZ bytes; returns the
 * length.
 */
#define CORE_DBL_BUFSZ 32
size_t core_double_format(double d, char *buf);

/*
 * Total order used for sorting and grouping: null < bool < numbers (int,
 * double and time compared by value) < string < JSON; strings and JSON by
 * bytes.  NaN sorts after every other number.  Returns <0, 0, >0.
 */
int core_value_cmp(const struct core_value *a, const struct core_value *b);
/* Equality consistent with core_value_cmp and core_value_hash. */
int core_value_eq(const struct core_value *a, const struct core_value *b);
uint64_t core_value_hash(const struct core_value *v);

/* Appends the value as JSON (strings quoted and escaped). */
void core_value_json(struct core_buf *b, const struct core_value *v);
/* Appends the value as plain text: strings raw, null empty, times
 * RFC 3339, JSON compact text. */
void core_value_text(struct core_buf *b, const struct core_value *v);

#endif
