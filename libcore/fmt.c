/* SPDX-License-Identifier: MIT */
/* Fast formatting of values into reserved output space. */
#include "libcore/fmt.h"

#include <math.h>
#include <stdio.h>
#include <time.h>
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

enum tout { T_RFC3339, T_S, T_MS, T_US, T_NS, T_PATTERN };

static enum tout tout;
static char tpattern[128];

int
core_fmt_time_init(const char *spec)
{
	static const char *const names[] = { "rfc3339", "epoch_s", "epoch_ms",
		"epoch_us", "epoch_ns" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(spec, names[i]) == 0) {
			tout = (enum tout)i;
			return 0;
		}
	if (strchr(spec, '%') && strlen(spec) < sizeof(tpattern)) {
		tout = T_PATTERN;
		strcpy(tpattern, spec);
		return 0;
	}
	return -1;
}

char *
core_fmt_time(char *d, int64_t ns)
{
	return d + core_time_format_rfc3339(ns, d);
}

/* ns / unit with the remainder as a decimal fraction, trailing zeros
 * dropped: exact, and as short as it can be. */
static char *
epoch(char *d, int64_t ns, int64_t unit, int digits)
{
	int64_t q = ns / unit, r = ns % unit;
	char frac[16];
	int n;

	if (r < 0) {
		q--;
		r += unit;
	}
	d = core_fmt_i64(d, q);
	if (r == 0)
		return d;
	n = snprintf(frac, sizeof(frac), "%0*lld", digits, (long long)r);
	while (n > 0 && frac[n - 1] == '0')
		n--;
	*d++ = '.';
	memcpy(d, frac, (size_t)n);
	return d + n;
}

static char *
pattern(char *d, int64_t ns)
{
	char pat[sizeof(tpattern) + 16], *p = pat;
	const char *s;
	int64_t days, sod, sec = ns / 1000000000, f = ns % 1000000000;
	int64_t y;
	unsigned mo, dd;
	struct tm tm;
	size_t n;

	if (f < 0) {
		f += 1000000000;
		sec--;
	}
	/* The fraction codes first, then strftime for the rest. */
	for (s = tpattern; *s && p < pat + sizeof(pat) - 12; s++) {
		int w = 0;

		if (s[0] == '%' && s[1] == 'f')
			w = 6;
		else if (s[0] == '%' && (s[1] == '3' || s[1] == '6' ||
		    s[1] == '9') && s[2] == 'f')
			w = s[1] - '0';
		if (w) {
			int64_t v = f;
			int k;

			for (k = 9; k > w; k--)
				v /= 10;
			p += snprintf(p, 12, "%0*lld", w, (long long)v);
			s += w == 6 && s[1] == 'f' ? 1 : 2;
			continue;
		}
		*p++ = *s;
	}
	*p = '\0';
	days = sec / 86400;
	sod = sec % 86400;
	if (sod < 0) {
		sod += 86400;
		days--;
	}
	core_civil_from_days(days, &y, &mo, &dd);
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = (int)(y - 1900);
	tm.tm_mon = (int)mo - 1;
	tm.tm_mday = (int)dd;
	tm.tm_hour = (int)(sod / 3600);
	tm.tm_min = (int)(sod / 60 % 60);
	tm.tm_sec = (int)(sod % 60);
	tm.tm_wday = (int)(((days + 4) % 7 + 7) % 7);
	tm.tm_yday = (int)(days - core_days_from_civil(y, 1, 1));
	n = strftime(d, CORE_FMT_SCALAR_MAX - 2, pat, &tm);
	return d + n;
}

char *
core_fmt_time_as(char *d, int64_t ns, int *num)
{
	*num = tout != T_RFC3339 && tout != T_PATTERN;
	switch (tout) {
	case T_S: return epoch(d, ns, 1000000000, 9);
	case T_MS: return epoch(d, ns, 1000000, 6);
	case T_US: return epoch(d, ns, 1000, 3);
	case T_NS: return core_fmt_i64(d, ns);
	case T_PATTERN: return pattern(d, ns);
	default: return core_fmt_time(d, ns);
	}
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
		{
			char *start = d++;
			int num;

			d = core_fmt_time_as(d, v->u.i, &num);
			if (num) {
				/* A number: shift it over the quote. */
				memmove(start, start + 1, (size_t)(d - start - 1));
				return d - 1;
			}
			*start = '"';
			*d++ = '"';
			return d;
		}
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
		{
			int num;

			return core_fmt_time_as(d, v->u.i, &num);
		}
	case CORE_STR:
		if (v->len)
			memcpy(d, v->u.s, v->len);
		return d + v->len;
	default:
		return core_fmt_json_compact(d, v->u.s, v->len);
	}
}
