/* SPDX-License-Identifier: MIT */
/* A strict, allocation-free JSON scanner and the JSON string writer. */
#include "libcore/json.h"

#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "libcore/arena.h"

/* Byte classes inside strings: 0 plain ASCII, 1 '"', 2 '\\', 3 control
 * character, 4 first byte of a multi-byte sequence (or invalid). */
static const unsigned char strclass[256] = {
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
	0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
};

/*
 * Skips bytes of class 0 (plain ASCII) from p, 16 at a time where SSE2 is
 * there: a signed compare below 0x20 catches both control characters and
 * bytes >= 0x80.
 */
static inline const unsigned char *
skip_plain(const unsigned char *p, const unsigned char *end)
{
#ifdef __SSE2__
	const __m128i q = _mm_set1_epi8('"'), b = _mm_set1_epi8('\\');
	const __m128i sp = _mm_set1_epi8(0x20);

	while (end - p >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		__m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, q),
		    _mm_cmpeq_epi8(v, b)), _mm_cmplt_epi8(v, sp));
		int bits = _mm_movemask_epi8(m);

		if (bits)
			return p + __builtin_ctz((unsigned)bits);
		p += 16;
	}
#endif
	while (p < end && strclass[*p] == 0)
		p++;
	return p;
}

static int
fail(struct core_json_err *e, const char *base, const char *p,
    const char *msg)
{
	if (e) {
		e->pos = (size_t)(p - base);
		e->msg = msg;
	}
	return -1;
}

const char *
core_json_ws_slow(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/*
 * Length of the valid UTF-8 sequence at p (2..4), or 0 if invalid.
 * Surrogates (ED A0..BF) and overlong forms are invalid.
 */
static size_t
utf8_seq(const unsigned char *p, const unsigned char *end)
{
	unsigned char c = p[0];
	size_t n = (size_t)(end - p);

	if (c >= 0xc2 && c <= 0xdf)
		return n >= 2 && (p[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		unsigned char lo = 0x80, hi = 0xbf;

		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
		return n >= 3 && p[1] >= lo && p[1] <= hi &&
		    (p[2] & 0xc0) == 0x80 ? 3 : 0;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		unsigned char lo = 0x80, hi = 0xbf;

		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
		return n >= 4 && p[1] >= lo && p[1] <= hi &&
		    (p[2] & 0xc0) == 0x80 && (p[3] & 0xc0) == 0x80 ? 4 : 0;
	}
	return 0;
}

int
core_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;
	size_t n;

	while (p < end) {
		if (*p < 0x80) {
			p++;
			continue;
		}
		if ((n = utf8_seq(p, end)) == 0)
			return 0;
		p += n;
	}
	return 1;
}

static int
hex4(const unsigned char *p, unsigned *out)
{
	unsigned v = 0, i, c;

	for (i = 0; i < 4; i++) {
		c = p[i];
		if (c >= '0' && c <= '9')
			c -= '0';
		else if (c >= 'a' && c <= 'f')
			c -= 'a' - 10;
		else if (c >= 'A' && c <= 'F')
			c -= 'A' - 10;
		else
			return -1;
		v = v << 4 | c;
	}
	*out = v;
	return 0;
}

/*
 * Validates the string whose opening quote is at *pp and moves *pp past
 * the closing quote.  Sets *esc when the string has escapes.
 */
static int
scan_string(const char **pp, const char *end, int *esc, const char *base,
    struct core_json_err *e)
{
	const unsigned char *p = (const unsigned char *)*pp + 1;
	const unsigned char *q = (const unsigned char *)end;
	unsigned u, u2;
	size_t n;

	*esc = 0;
	for (;;) {
		p = skip_plain(p, q);
		if (p >= q)
			return fail(e, base, (const char *)p,
			    "unterminated string");
		switch (strclass[*p]) {
		case 1:
			*pp = (const char *)p + 1;
			return 0;
		case 2:
			*esc = 1;
			if (q - p < 2)
				return fail(e, base, (const char *)p,
				    "unterminated string");
			switch (p[1]) {
			case '"': case '\\': case '/': case 'b': case 'f':
			case 'n': case 'r': case 't':
				p += 2;
				break;
			case 'u':
				if (q - p < 6 || hex4(p + 2, &u) < 0)
					return fail(e, base, (const char *)p,
					    "bad \\u escape");
				p += 6;
				if (u >= 0xdc00 && u <= 0xdfff)
					return fail(e, base,
					    (const char *)p - 6,
					    "lone low surrogate escape");
				if (u >= 0xd800 && u <= 0xdbff) {
					if (q - p < 6 || p[0] != '\\' ||
					    p[1] != 'u' || hex4(p + 2, &u2) < 0 ||
					    u2 < 0xdc00 || u2 > 0xdfff)
						return fail(e, base,
						    (const char *)p - 6,
						    "unpaired surrogate escape");
					p += 6;
				}
				break;
			default:
				return fail(e, base, (const char *)p,
				    "bad escape in string");
			}
			break;
		case 3:
			return fail(e, base, (const char *)p,
			    "control character in string");
		default:
			if ((n = utf8_seq(p, q)) == 0)
				return fail(e, base, (const char *)p,
				    "invalid UTF-8 in string");
			p += n;
			break;
		}
	}
}

static char *
put_utf8(char *d, unsigned cp)
{
	if (cp < 0x80) {
		*d++ = (char)cp;
	} else if (cp < 0x800) {
		*d++ = (char)(0xc0 | cp >> 6);
		*d++ = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*d++ = (char)(0xe0 | cp >> 12);
		*d++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*d++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*d++ = (char)(0xf0 | cp >> 18);
		*d++ = (char)(0x80 | ((cp >> 12) & 0x3f));
		*d++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*d++ = (char)(0x80 | (cp & 0x3f));
	}
	return d;
}

/* Decodes the already validated string body s[0..n) into d. */
static size_t
unescape(char *d0, const char *s, size_t n)
{
	const char *end = s + n;
	char *d = d0;
	unsigned u, u2;

	while (s < end) {
		if (*s != '\\') {
			*d++ = *s++;
			continue;
		}
		switch (s[1]) {
		case 'b': *d++ = '\b'; break;
		case 'f': *d++ = '\f'; break;
		case 'n': *d++ = '\n'; break;
		case 'r': *d++ = '\r'; break;
		case 't': *d++ = '\t'; break;
		case 'u':
			hex4((const unsigned char *)s + 2, &u);
			if (u >= 0xd800 && u <= 0xdbff) {
				hex4((const unsigned char *)s + 8, &u2);
				u = 0x10000 + ((u - 0xd800) << 10) +
				    (u2 - 0xdc00);
				s += 6;
			}
			d = put_utf8(d, u);
			s += 6;
			continue;
		default: *d++ = s[1]; break;
		}
		s += 2;
	}
	return (size_t)(d - d0);
}

int
core_json_string(const char **pp, const char *end, const char **s,
    size_t *len, struct core_arena *a, const char *base,
    struct core_json_err *e)
{
	const char *start = *pp + 1;
	size_t n;
	char *d;
	int esc;

	if (scan_string(pp, end, &esc, base, e) < 0)
		return -1;
	n = (size_t)(*pp - 1 - start);
	if (!esc) {
		*s = start;
		*len = n;
		return 0;
	}
	d = core_arena_alloc(a, n + 1);
	*len = unescape(d, start, n);
	d[*len] = '\0';
	*s = d;
	return 0;
}

static int
scan_literal(const char **pp, const char *end, const char *lit, size_t n)
{
	if ((size_t)(end - *pp) < n || memcmp(*pp, lit, n) != 0)
		return -1;
	*pp += n;
	return 0;
}

/* Scans number syntax; sets *integral when there is no fraction or
 * exponent.  Returns the end, or NULL if no number starts at p. */
static const char *
scan_number(const char *p, const char *end, int *integral)
{
	*integral = 1;
	if (p < end && *p == '-')
		p++;
	if (p >= end)
		return NULL;
	if (*p == '0') {
		p++;
	} else if (*p >= '1' && *p <= '9') {
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	} else {
		return NULL;
	}
	if (p < end && *p == '.') {
		*integral = 0;
		p++;
		if (p >= end || *p < '0' || *p > '9')
			return NULL;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		*integral = 0;
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (p >= end || *p < '0' || *p > '9')
			return NULL;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	return p;
}

/* The value of a number already scanned as s[0..n). */
static struct core_value
number_value(const char *s, size_t n, int integral)
{
	const char *p = s, *end = s + n;
	uint64_t u = 0;
	int neg = 0;

	if (!integral)
		return core_v_numtext(s, n);
	if (*p == '-') {
		neg = 1;
		p++;
	}
	if (neg && end - p == 1 && *p == '0')
		return core_v_numtext(s, n);    /* "-0" is not an int */
	if (end - p > 19)
		return core_v_numtext(s, n);
	while (p < end) {
		unsigned dgt = (unsigned)(*p++ - '0');

		if (u > (UINT64_MAX - dgt) / 10)
			return core_v_numtext(s, n);
		u = u * 10 + dgt;
	}
	if (neg) {
		if (u > (uint64_t)INT64_MAX + 1)
			return core_v_numtext(s, n);
		return core_v_int(u == (uint64_t)INT64_MAX + 1 ? INT64_MIN :
		    -(int64_t)u);
	}
	if (u > (uint64_t)INT64_MAX)
		return core_v_numtext(s, n);
	return core_v_int((int64_t)u);
}

/*
 * One pass over the text, the same grammar as scan_number: CSV, TSV and
 * logfmt inference calls this for every field that starts with a digit or
 * '-', so a field that is no number (a date, "web-04") should cost a few
 * bytes of looking, and a decimal should not be read twice.  Integers of up
 * to 18 digits are ints outright; longer ones (and "-0") go to
 * number_value, which checks the int64 range.
 */
int
core_number_scan(const char *s, size_t len, struct core_value *v)
{
	const unsigned char *p = (const unsigned char *)s, *e = p + len, *ip;
	uint64_t u;
	unsigned d;
	int neg;

	if (len == 0)
		return 0;
	neg = *p == '-';
	p += neg;
	if (p == e)
		return 0;
	ip = p;
	u = (unsigned)*p - '0';
	if (u > 9)
		return 0;
	p++;
	if (u != 0) {
		/* u wraps past 19 digits; then only the count is used. */
		while (p != e && (d = (unsigned)*p - '0') <= 9) {
			u = u * 10 + d;
			p++;
		}
	}
	if (p == e) {
		/* Only "-0" has u == 0 and neg (no leading zeros here). */
		if (p - ip <= 18 && !(neg && u == 0)) {
			*v = core_v_int(neg ? -(int64_t)u : (int64_t)u);
			return 1;
		}
		*v = number_value(s, len, 1);
		return 1;
	}
	if (*p == '.') {
		p++;
		if (p == e || (unsigned)*p - '0' > 9)
			return 0;
		do
			p++;
		while (p != e && (unsigned)*p - '0' <= 9);
		if (p == e)
			goto text;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (p != e && (*p == '+' || *p == '-'))
			p++;
		if (p == e || (unsigned)*p - '0' > 9)
			return 0;
		do
			p++;
		while (p != e && (unsigned)*p - '0' <= 9);
	}
	if (p != e)
		return 0;
text:
	/* A fraction or an exponent: number text, as number_value makes. */
	*v = core_v_numtext(s, len);
	return 1;
}

/*
 * Validates the object or array at *pp without recursion: a bit stack
 * remembers, per level, whether it is an object.
 */
static int
skip_container(const char **pp, const char *end, const char *base,
    struct core_json_err *e)
{
	uint64_t stack[(CORE_JSON_MAX_DEPTH + 63) / 64];
	const char *p = *pp;
	int depth = 0, esc, integral;

#define PUSH(isobj) do { \
		if (depth >= CORE_JSON_MAX_DEPTH) \
			return fail(e, base, p, "nesting too deep"); \
		if (isobj) \
			stack[depth / 64] |= 1ULL << (depth % 64); \
		else \
			stack[depth / 64] &= ~(1ULL << (depth % 64)); \
		depth++; \
	} while (0)
#define TOP_IS_OBJ() \
	((stack[(depth - 1) / 64] >> ((depth - 1) % 64)) & 1)

value:
	if (p >= end)
		return fail(e, base, p, "unexpected end of input");
	switch (*p) {
	case '{':
		PUSH(1);
		p = core_json_ws(p + 1, end);
		if (p < end && *p == '}') {
			p++;
			depth--;
			goto next;
		}
		goto key;
	case '[':
		PUSH(0);
		p = core_json_ws(p + 1, end);
		if (p < end && *p == ']') {
			p++;
			depth--;
			goto next;
		}
		goto value;
	case '"':
		if (scan_string(&p, end, &esc, base, e) < 0)
			return -1;
		goto next;
	case 'n':
		if (scan_literal(&p, end, "null", 4) < 0)
			return fail(e, base, p, "bad literal");
		goto next;
	case 't':
		if (scan_literal(&p, end, "true", 4) < 0)
			return fail(e, base, p, "bad literal");
		goto next;
	case 'f':
		if (scan_literal(&p, end, "false", 5) < 0)
			return fail(e, base, p, "bad literal");
		goto next;
	default:
		{
			const char *q = scan_number(p, end, &integral);

			if (q == NULL)
				return fail(e, base, p, *p == ',' || *p == ']'
				    || *p == '}' ? "expected a value" :
				    "unexpected character");
			p = q;
		}
		goto next;
	}
key:
	if (p >= end || *p != '"')
		return fail(e, base, p, "expected a string key");
	if (scan_string(&p, end, &esc, base, e) < 0)
		return -1;
	p = core_json_ws(p, end);
	if (p >= end || *p != ':')
		return fail(e, base, p, "expected ':'");
	p = core_json_ws(p + 1, end);
	goto value;
next:
	if (depth == 0) {
		*pp = p;
		return 0;
	}
	p = core_json_ws(p, end);
	if (p >= end)
		return fail(e, base, p, "unexpected end of input");
	if (TOP_IS_OBJ()) {
		if (*p == ',') {
			p = core_json_ws(p + 1, end);
			goto key;
		}
		if (*p == '}') {
			p++;
			depth--;
			goto next;
		}
		return fail(e, base, p, "expected ',' or '}'");
	}
	if (*p == ',') {
		p = core_json_ws(p + 1, end);
		goto value;
	}
	if (*p == ']') {
		p++;
		depth--;
		goto next;
	}
	return fail(e, base, p, "expected ',' or ']'");
#undef PUSH
#undef TOP_IS_OBJ
}

int
core_json_value(const char **pp, const char *end, struct core_value *v,
    struct core_arena *a, const char *base, struct core_json_err *e)
{
	const char *p = *pp, *q;
	size_t len;
	int integral;

	if (p >= end)
		return fail(e, base, p, "expected a value");
	switch (*p) {
	case '"':
		if (core_json_string(pp, end, &v->u.s, &len, a, base, e) < 0)
			return -1;
		if (len > CORE_MAX_VALUE_LEN)
			return fail(e, base, p, "string too long");
		v->type = CORE_STR;
		v->flags = 0;
		v->len = (uint32_t)len;
		return 0;
	case '{':
	case '[':
		if (skip_container(pp, end, base, e) < 0)
			return -1;
		if ((size_t)(*pp - p) > CORE_MAX_VALUE_LEN)
			return fail(e, base, p, "value too long");
		*v = core_v_json(p, (size_t)(*pp - p));
		return 0;
	case 'n':
		if (scan_literal(pp, end, "null", 4) < 0)
			break;
		*v = core_v_null();
		return 0;
	case 't':
		if (scan_literal(pp, end, "true", 4) < 0)
			break;
		*v = core_v_bool(1);
		return 0;
	case 'f':
		if (scan_literal(pp, end, "false", 5) < 0)
			break;
		*v = core_v_bool(0);
		return 0;
	default:
		/* Short plain integers, the common case, in one pass. */
		{
			const char *r = p;
			uint64_t u = 0;
			int neg = 0;

			if (*r == '-') {
				neg = 1;
				r++;
			}
			if (r < end && *r >= '1' && *r <= '9') {
				const char *d0 = r;

				while (r < end && *r >= '0' && *r <= '9' &&
				    r - d0 < 18)
					u = u * 10 + (uint64_t)(*r++ - '0');
				if (r >= end || (*r != '.' && *r != 'e' &&
				    *r != 'E' && (*r < '0' || *r > '9'))) {
					*v = core_v_int(neg ? -(int64_t)u :
					    (int64_t)u);
					*pp = r;
					return 0;
				}
			}
		}
		q = scan_number(p, end, &integral);
		if (q == NULL)
			return fail(e, base, p, *p == ',' || *p == '}' ||
			    *p == ']' ? "expected a value" :
			    "unexpected character");
		*v = number_value(p, (size_t)(q - p), integral);
		*pp = q;
		return 0;
	}
	return fail(e, base, p, "bad literal");
}

int
core_json_validate(const char *p, size_t len, struct core_json_err *e)
{
	const char *end = p + len, *base = p;
	struct core_value v;

	p = core_json_ws(p, end);
	if (p < end && (*p == '{' || *p == '[')) {
		if (skip_container(&p, end, base, e) < 0)
			return -1;
	} else {
		/* Scalars: validate without decoding. */
		int esc;

		if (p < end && *p == '"') {
			if (scan_string(&p, end, &esc, base, e) < 0)
				return -1;
		} else if (core_json_value(&p, end, &v, NULL, base, e) < 0) {
			return -1;
		}
	}
	p = core_json_ws(p, end);
	if (p != end)
		return fail(e, base, p, "trailing characters after value");
	return 0;
}

/* Output classes: 0 copy, 1 escape as given, 2 \u00XX, 3 UTF-8 lead. */
static const char hexd[] = "0123456789abcdef";

char *
core_json_put_string(char *d, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;
	const unsigned char *run;
	size_t n;

	*d++ = '"';
	while (p < end) {
		run = p;
		p = skip_plain(p, end);
		if (p > run) {
			memcpy(d, run, (size_t)(p - run));
			d += p - run;
		}
		if (p >= end)
			break;
		switch (strclass[*p]) {
		case 1:
			*d++ = '\\';
			*d++ = '"';
			p++;
			break;
		case 2:
			*d++ = '\\';
			*d++ = '\\';
			p++;
			break;
		case 3:
			*d++ = '\\';
			switch (*p) {
			case '\n': *d++ = 'n'; break;
			case '\t': *d++ = 't'; break;
			case '\r': *d++ = 'r'; break;
			case '\b': *d++ = 'b'; break;
			case '\f': *d++ = 'f'; break;
			default:
				*d++ = 'u';
				*d++ = '0';
				*d++ = '0';
				*d++ = hexd[*p >> 4];
				*d++ = hexd[*p & 15];
				break;
			}
			p++;
			break;
		default:
			if ((n = utf8_seq(p, end)) == 0) {
				*d++ = (char)0xef;
				*d++ = (char)0xbf;
				*d++ = (char)0xbd;
				p++;
			} else {
				memcpy(d, p, n);
				d += n;
				p += n;
			}
			break;
		}
	}
	*d++ = '"';
	return d;
}

/* Skips one value at *pp of text already known to be valid. */
static void
skip_valid(const char **pp, const char *end)
{
	struct core_value v;
	int esc;

	if (**pp == '{' || **pp == '[')
		(void)skip_container(pp, end, *pp, NULL);
	else if (**pp == '"')
		(void)scan_string(pp, end, &esc, *pp, NULL);
	else
		(void)core_json_value(pp, end, &v, NULL, *pp, NULL);
}

int
core_json_member(const char *p, size_t len, const char *key, size_t klen,
    struct core_value *v, struct core_arena *a)
{
	const char *end = p + len, *k;
	size_t kl;

	p = core_json_ws(p, end);
	if (p >= end || *p != '{')
		return -1;
	p = core_json_ws(p + 1, end);
	while (p < end && *p == '"') {
		if (core_json_string(&p, end, &k, &kl, a, p, NULL) < 0)
			return -1;
		p = core_json_ws(p, end);
		if (p >= end || *p != ':')
			return -1;
		p = core_json_ws(p + 1, end);
		if (kl == klen && memcmp(k, key, klen) == 0)
			return core_json_value(&p, end, v, a, p, NULL);
		skip_valid(&p, end);
		p = core_json_ws(p, end);
		if (p >= end || *p != ',')
			return -1;
		p = core_json_ws(p + 1, end);
	}
	return -1;
}

int
core_json_element(const char *p, size_t len, int64_t index,
    struct core_value *v, struct core_arena *a)
{
	const char *end = p + len, *start;
	int64_t n = 0, i;

	p = core_json_ws(p, end);
	if (p >= end || *p != '[')
		return -1;
	p = core_json_ws(p + 1, end);
	start = p;
	if (index < 0) {
		/* Count the elements first. */
		while (p < end && *p != ']') {
			skip_valid(&p, end);
			n++;
			p = core_json_ws(p, end);
			if (p < end && *p == ',')
				p = core_json_ws(p + 1, end);
		}
		index += n;
		if (index < 0)
			return -1;
		p = start;
	}
	for (i = 0; p < end && *p != ']'; i++) {
		if (i == index)
			return core_json_value(&p, end, v, a, p, NULL);
		skip_valid(&p, end);
		p = core_json_ws(p, end);
		if (p < end && *p == ',')
			p = core_json_ws(p + 1, end);
	}
	return -1;
}
