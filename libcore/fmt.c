/* SPDX-License-Identifier: MIT */
/* Fast formatting of values into reserved output space. */
#include "libcore/fmt.h"

#include <math.h>
#include <string.h>

#include "libcore/json.h"
#include "libcore/timefmt.h"

static const char digits2[] =
	"00010203040506070809101112131415161718192021222324252627282930313233"
	"34353637383940414243444546474849505152535455565758596061626364656667"
	"6869707172737475767778798081828384858687888990919293949596979899";

char *
core_fmt_i64(char *d, int64_t v)
{
	char tmp[24], *t = tmp + sizeof(tmp);
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	size_t n;

	while (u >= 100) {
		unsigned r = (unsigned)(u % 100);

		u /= 100;
		t -= 2;
		memcpy(t, digits2 + r * 2, 2);
	}
	if (u >= 10) {
		t -= 2;
		memcpy(t, digits2 + u * 2, 2);
	} else {
		*--t = (char)('0' + u);
	}
	if (v < 0)
		*--t = '-';
	n = (size_t)(tmp + sizeof(tmp) - t);
	memcpy(d, t, n);
	return d + n;
}

char *
core_fmt_double_json(char *d, double v)
{
	if (!isfinite(v)) {
		memcpy(d, "null", 4);
		return d + 4;
	}
	return d + core_double_format(v, d);
}

char *
core_fmt_double_text(char *d, double v)
{
	return d + core_double_format(v, d);
}

char *
core_fmt_time(char *d, int64_t ns)
{
	return d + core_time_format_rfc3339(ns, d);
}

char *
core_fmt_json_compact(char *d, const char *s, size_t len)
{
	const char *end = s + len;
	int in_str = 0;

	if (memchr(s, '\n', len) == NULL && memchr(s, '\r', len) == NULL) {
		memcpy(d, s, len);
		return d + len;
	}
	for (; s < end; s++) {
		char c = *s;

		if (in_str) {
			*d++ = c;
			if (c == '\\' && s + 1 < end)
				*d++ = *++s;
			else if (c == '"')
				in_str = 0;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
			continue;
		if (c == '"')
			in_str = 1;
		*d++ = c;
	}
	return d;
}

size_t
core_fmt_json_value_max(const struct core_value *v)
{
	switch (v->type) {
	case CORE_STR:
		return core_json_string_max(v->len);
	case CORE_JSON:
	case CORE_DOUBLE:
		return v->len + CORE_FMT_SCALAR_MAX;
	default:
		return CORE_FMT_SCALAR_MAX;
	}
}

char *
core_fmt_json_value(char *d, const struct core_value *v)
{
	switch (v->type) {
	case CORE_NULL:
		memcpy(d, "null", 4);
		return d + 4;
	case CORE_BOOL:
		if (v->u.i) {
			memcpy(d, "true", 4);
			return d + 4;
		}
		memcpy(d, "false", 5);
		return d + 5;
	case CORE_INT:
		return core_fmt_i64(d, v->u.i);
	case CORE_DOUBLE:
		if (v->flags & CORE_VF_TEXT) {
			memcpy(d, v->u.s, v->len);
			return d + v->len;
		}
		return core_fmt_double_json(d, v->u.d);
	case CORE_TIME:
		*d++ = '"';
		d = core_fmt_time(d, v->u.i);
		*d++ = '"';
		return d;
	case CORE_STR:
		return core_json_put_string(d, v->u.s, v->len);
	default:
		return core_fmt_json_compact(d, v->u.s, v->len);
	}
}

char *
core_fmt_text_value(char *d, const struct core_value *v)
{
	switch (v->type) {
	case CORE_NULL:
		return d;
	case CORE_BOOL:
	case CORE_INT:
		return core_fmt_json_value(d, v);
	case CORE_DOUBLE:
		if (v->flags & CORE_VF_TEXT) {
			memcpy(d, v->u.s, v->len);
			return d + v->len;
		}
		return core_fmt_double_text(d, v->u.d);
	case CORE_TIME:
		return core_fmt_time(d, v->u.i);
	case CORE_STR:
		if (v->len)
			memcpy(d, v->u.s, v->len);
		return d + v->len;
	default:
		return core_fmt_json_compact(d, v->u.s, v->len);
	}
}
