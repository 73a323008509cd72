/* SPDX-License-Identifier: MIT */
/* Timestamps: parsing event times from text and numbers, and printing them. */
#include "libcore/timefmt.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/*
 * Decisions shared by every text format:
 *
 * - A leap second "23:59:60" is accepted (with any hour and minute, since a
 *   local offset moves it) and read as ":59.999999999" whatever fraction
 *   follows.  Mapping it to the next second would make 23:59:60.5 sort
 *   after 00:00:00.2 and move the record into the next minute or day;
 *   clamping keeps times monotonic and inside their minute.
 * - Hour 24 ("24:00:00") is refused, as RFC 3339 does.
 * - Fraction digits beyond nine are checked to be digits and truncated;
 *   '.' and ',' (ISO 8601) both introduce a fraction.
 * - Zones: Z, z, +HH:MM, +HHMM, +HH, hours 00..23 and minutes 00..59.
 *   "-00:00" (offset unknown) is read as UTC.
 */

#define NS_PER_S 1000000000LL
#define SEC_PER_DAY 86400

/* Years beyond this cannot be turned into days without overflow. */
#define CIVIL_YEAR_MAX 10000000000000000LL

static const uint32_t pow10_u32[10] = {
	1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000,
	1000000000
};

static inline int
is_digit(char c)
{
	return (unsigned)((unsigned char)c - '0') < 10;
}

/* Returns the value of two digits at p, or -1. */
static inline int
two(const char *p)
{
	unsigned a = (unsigned)((unsigned char)p[0] - '0');
	unsigned b = (unsigned)((unsigned char)p[1] - '0');

	if (a > 9 || b > 9)
		return -1;
	return (int)(a * 10 + b);
}

/* Returns the value of four digits at p, or -1. */
static inline int
four(const char *p)
{
	int hi = two(p), lo = two(p + 2);

	if (hi < 0 || lo < 0)
		return -1;
	return hi * 100 + lo;
}

static inline int
is_leap(int64_t y)
{
	return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static inline int
days_in_month(int64_t y, int m)
{
	static const unsigned char dim[13] = {
		0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	return m == 2 && is_leap(y) ? 29 : dim[m];
}

/*
 * Howard Hinnant's days_from_civil.  Years so large that the result would
 * overflow saturate to INT64_MIN or INT64_MAX, which every caller turns
 * into a range error.
 */
int64_t
core_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era, yoe, doy, doe, mp;

	if (y > CIVIL_YEAR_MAX)
		return INT64_MAX;
	if (y < -CIVIL_YEAR_MAX)
		return INT64_MIN;
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	mp = m > 2 ? (int64_t)m - 3 : (int64_t)m + 9;
	doy = (153 * mp + 2) / 5 + (int64_t)d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/*
 * Howard Hinnant's civil_from_days, with the 400-year era split off before
 * the epoch shift is added so that no int64 input overflows.
 */
void
core_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era, r, doe, yoe, doy, mp;

	era = days / 146097;
	r = days % 146097;
	if (r < 0) {
		r += 146097;
		era--;
	}
	r += 719468;
	era += r / 146097;
	doe = r % 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/*
 * Combines whole seconds and a fraction in [0, 1e9) into nanoseconds.  A
 * negative second count borrows one second first, so that the earliest
 * representable instant (-9223372037 s + 145224192 ns) does not overflow
 * on the way.
 */
static inline int
secs_to_ns(int64_t secs, int64_t frac, int64_t *ns)
{
	int64_t r;

	if (secs < 0 && frac > 0) {
		secs++;
		frac -= NS_PER_S;
	}
	if (__builtin_mul_overflow(secs, NS_PER_S, &r) ||
	    __builtin_add_overflow(r, frac, &r))
		return -1;
	*ns = r;
	return 0;
}

/* Reads fraction digits at p (after the separator); NULL if none. */
static inline const char *
parse_frac(const char *p, const char *e, int64_t *frac)
{
	const char *start = p;
	uint32_t f = 0;
	int n = 0;

	for (; p < e && is_digit(*p); p++) {
		if (n < 9) {
			f = f * 10 + (uint32_t)(*p - '0');
			n++;
		}
	}
	if (p == start)
		return NULL;
	*frac = (int64_t)f * pow10_u32[9 - n];
	return p;
}

/* Reads HH:MM at p; sets the second of the day; returns the end or NULL. */
static inline const char *
parse_hm(const char *p, const char *e, int64_t *sod)
{
	int h, mi;

	if (e - p < 5 || p[2] != ':')
		return NULL;
	h = two(p);
	mi = two(p + 3);
	if (h < 0 || h > 23 || mi < 0 || mi > 59)
		return NULL;
	*sod = h * 3600 + mi * 60;
	return p + 5;
}

/*
 * Reads the [:SS[.frac]] after HH:MM at p; seconds are mandatory unless
 * sec_optional.  Sets the seconds into the minute and the fraction;
 * returns the end or NULL.
 */
static inline const char *
parse_sec(const char *p, const char *e, int sec_optional, int *secp,
    int64_t *frac)
{
	int sec = 0;
	int64_t f = 0;

	if (p < e && *p == ':') {
		if (e - p < 3)
			return NULL;
		sec = two(p + 1);
		if (sec < 0 || sec > 60)
			return NULL;
		p += 3;
		if (p < e && (*p == '.' || *p == ',')) {
			p = parse_frac(p + 1, e, &f);
			if (p == NULL)
				return NULL;
		}
		if (sec == 60) {
			sec = 59;
			f = NS_PER_S - 1;
		}
	} else if (!sec_optional) {
		return NULL;
	}
	*secp = sec;
	*frac = f;
	return p;
}

/*
 * Reads HH:MM[:SS[.frac]] at p; seconds are mandatory unless sec_optional.
 * Sets the second of the day and the fraction; returns the end or NULL.
 */
static inline const char *
parse_hms(const char *p, const char *e, int sec_optional, int64_t *sod,
    int64_t *frac)
{
	int sec;

	p = parse_hm(p, e, sod);
	if (p == NULL)
		return NULL;
	p = parse_sec(p, e, sec_optional, &sec, frac);
	if (p == NULL)
		return NULL;
	*sod += sec;
	return p;
}

/* Reads a zone filling exactly p..e; sets the offset east in seconds. */
static inline int
parse_zone(const char *p, const char *e, int64_t *off)
{
	ptrdiff_t n = e - p;
	int h, mi = 0;

	if (n == 1 && (*p == 'Z' || *p == 'z')) {
		*off = 0;
		return 0;
	}
	if (n < 3 || (*p != '+' && *p != '-'))
		return -1;
	h = two(p + 1);
	if (n == 6 && p[3] == ':')
		mi = two(p + 4);
	else if (n == 5)
		mi = two(p + 3);
	else if (n != 3)
		return -1;
	if (h < 0 || h > 23 || mi < 0 || mi > 59)
		return -1;
	*off = h * 3600 + mi * 60;
	if (*p == '-')
		*off = -*off;
	return 0;
}

/* Returns 1..12 for an English month abbreviation in any case, or 0. */
static inline int
month_from_name(const char *p)
{
#define M3(a, b, c) ((uint32_t)(a) << 16 | (uint32_t)(b) << 8 | (uint32_t)(c))
	/*
	 * Setting bit 0x20 lowercases ASCII letters and maps nothing else
	 * onto a lowercase letter, so the comparison is exact.
	 */
	uint32_t k = M3((unsigned char)p[0], (unsigned char)p[1],
	    (unsigned char)p[2]) | 0x202020;

	switch (k) {
	case M3('j', 'a', 'n'): return 1;
	case M3('f', 'e', 'b'): return 2;
	case M3('m', 'a', 'r'): return 3;
	case M3('a', 'p', 'r'): return 4;
	case M3('m', 'a', 'y'): return 5;
	case M3('j', 'u', 'n'): return 6;
	case M3('j', 'u', 'l'): return 7;
	case M3('a', 'u', 'g'): return 8;
	case M3('s', 'e', 'p'): return 9;
	case M3('o', 'c', 't'): return 10;
	case M3('n', 'o', 'v'): return 11;
	case M3('d', 'e', 'c'): return 12;
	default: return 0;
	}
#undef M3
}

/* Turns a validated civil date and time in a zone into nanoseconds. */
static inline int
civil_to_ns(int64_t y, int mo, int d, int64_t sod, int64_t frac, int64_t off,
    int64_t *ns)
{
	int64_t days = core_days_from_civil(y, (unsigned)mo, (unsigned)d);

	/* Years have at most nine digits here, so this cannot overflow. */
	return secs_to_ns(days * SEC_PER_DAY + sod - off, frac, ns);
}

/*
 * The memo: the 16 bytes "YYYY-MM-DDTHH:MM" of the last stamp read with an
 * unsigned year and a time, and the second that minute starts.  Equal
 * bytes are parsed the same way every time, so a stamp that starts with
 * them needs only its seconds, fraction and zone read: the result is the
 * same sum, days * 86400 + (HH * 3600 + MM * 60) + SS - offset, grouped
 * differently.  Years of four digits keep it far from overflow.
 */
#define MEMO_KEY 16

/* Reads the rest of a stamp whose first MEMO_KEY bytes match the memo. */
static int
rfc3339_tail(const struct core_time_memo *m, const char *s, size_t len,
    int64_t *ns)
{
	const char *p = s + MEMO_KEY, *e = s + len;
	int64_t frac, off = 0;
	int sec, ms;

	/* The usual tail of a log stamp, ":SS.mmmZ", at once. */
	if (len == MEMO_KEY + 8 && p[0] == ':' && p[3] == '.' && p[7] == 'Z' &&
	    (sec = two(p + 1)) >= 0 && sec < 60 && (ms = two(p + 4)) >= 0 &&
	    (unsigned)((unsigned char)p[6] - '0') <= 9)
		return secs_to_ns(m->base + sec, (int64_t)(ms * 10 + (p[6] -
		    '0')) * 1000000, ns);
	p = parse_sec(p, e, 1, &sec, &frac);
	if (p == NULL)
		return -1;
	if (p < e && parse_zone(p, e, &off) < 0)
		return -1;
	return secs_to_ns(m->base + sec - off, frac, ns);
}

/*
 * RFC 3339 and ISO 8601: YYYY-MM-DD[(T|t| )HH:MM[:SS[.frac]][zone]], the
 * year optionally signed with 4 to 9 digits ("+12345", "-0001").  m, when
 * not NULL, is the memo to use and update.
 */
static int
parse_rfc3339(const char *s, size_t len, struct core_time_memo *m,
    int64_t *ns)
{
	const char *p = s, *e = s + len, *hm;
	int64_t y, sod = 0, frac = 0, off = 0, days;
	int mo, d, sec, plain = 0;

	if (len < 10)
		return -1;
	if (m && m->valid && len >= MEMO_KEY &&
	    memcmp(s, m->key, MEMO_KEY) == 0)
		return rfc3339_tail(m, s, len, ns);
	if (*p == '+' || *p == '-') {
		int neg = *p++ == '-', n = 0;

		for (y = 0; p < e && is_digit(*p); p++, n++) {
			if (n == 9)
				return -1;
			y = y * 10 + (*p - '0');
		}
		if (n < 4)
			return -1;
		if (neg)
			y = -y;
	} else {
		y = four(p);
		if (y < 0)
			return -1;
		p += 4;
		plain = 1;
	}
	if (e - p < 6 || p[0] != '-' || p[3] != '-')
		return -1;
	mo = two(p + 1);
	d = two(p + 4);
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
		return -1;
	p += 6;
	days = core_days_from_civil(y, (unsigned)mo, (unsigned)d);
	if (p < e) {
		if (*p != 'T' && *p != 't' && *p != ' ')
			return -1;
		hm = parse_hm(p + 1, e, &sod);
		if (hm == NULL)
			return -1;
		if (m && plain) {
			/* hm == s + MEMO_KEY: a four-digit year. */
			memcpy(m->key, s, MEMO_KEY);
			m->base = days * SEC_PER_DAY + sod;
			m->valid = 1;
			return rfc3339_tail(m, s, len, ns);
		}
		p = parse_sec(hm, e, 1, &sec, &frac);
		if (p == NULL)
			return -1;
		sod += sec;
		if (p < e && parse_zone(p, e, &off) < 0)
			return -1;
	}
	/* Years have at most nine digits here, so this cannot overflow. */
	return secs_to_ns(days * SEC_PER_DAY + sod - off, frac, ns);
}

/*
 * Common Log Format: dd/Mon/yyyy:HH:MM:SS[.frac][ zone], optionally inside
 * the square brackets the log line puts around it.  Without a zone the time
 * is UTC.
 */
static int
parse_clf(const char *s, size_t len, int64_t *ns)
{
	const char *p = s, *e = s + len;
	int64_t y, sod, frac, off = 0;
	int mo, d;

	if (len >= 2 && p[0] == '[' && e[-1] == ']') {
		p++;
		e--;
	}
	if (e - p < 20 || p[2] != '/' || p[6] != '/' || p[11] != ':')
		return -1;
	d = two(p);
	mo = month_from_name(p + 3);
	y = four(p + 7);
	if (y < 0 || mo == 0 || d < 1 || d > days_in_month(y, mo))
		return -1;
	p = parse_hms(p + 12, e, 0, &sod, &frac);
	if (p == NULL)
		return -1;
	if (p < e && (*p != ' ' || parse_zone(p + 1, e, &off) < 0))
		return -1;
	return civil_to_ns(y, mo, d, sod, frac, off, ns);
}

/* Returns the UTC year of a second count. */
static int64_t
year_of(int64_t secs)
{
	int64_t days = secs / SEC_PER_DAY - (secs % SEC_PER_DAY < 0), y;
	unsigned m, d;

	core_civil_from_days(days, &y, &m, &d);
	return y;
}

/*
 * RFC 3164: "Mon dd HH:MM:SS[.frac]" with dd written " 1", "01" or "1".
 * The stamp has no year: tf->ref_year when set (exactly that year), else
 * the current UTC year, or the previous one when that would put the stamp
 * more than 31 days into the future (rsyslog's rule for the year wrap).
 */
static int
parse_syslog(const struct core_timefmt *tf, const char *s, size_t len,
    int64_t *ns)
{
	const char *p = s, *e = s + len;
	int64_t y, sod, frac, now, r;
	struct timespec ts;
	int mo, d;

	if (len < 14 || p[3] != ' ')
		return -1;
	mo = month_from_name(p);
	if (mo == 0)
		return -1;
	p += 4;
	if (p[0] == ' ' && is_digit(p[1])) {
		d = p[1] - '0';
		p += 2;
	} else if (is_digit(p[0]) && is_digit(p[1])) {
		d = two(p);
		p += 2;
	} else if (is_digit(p[0])) {
		d = p[0] - '0';
		p++;
	} else {
		return -1;
	}
	if (d < 1 || d > 31 || p >= e || *p != ' ')
		return -1;
	p = parse_hms(p + 1, e, 0, &sod, &frac);
	if (p != e)
		return -1;
	if (tf->ref_year != 0) {
		y = tf->ref_year;
		if (d > days_in_month(y, mo))
			return -1;
		return civil_to_ns(y, mo, d, sod, frac, 0, ns);
	}
	if (clock_gettime(CLOCK_REALTIME, &ts) < 0)
		return -1;
	now = (int64_t)ts.tv_sec;
	y = year_of(now);
	if (d <= days_in_month(y, mo) &&
	    civil_to_ns(y, mo, d, sod, frac, 0, &r) == 0 &&
	    r / NS_PER_S <= now + 31 * SEC_PER_DAY) {
		*ns = r;
		return 0;
	}
	y--;
	if (d > days_in_month(y, mo))
		return -1;
	return civil_to_ns(y, mo, d, sod, frac, 0, ns);
}

/* The digit at index i of the digit string a[0..na) b[0..nb), else 0. */
static inline unsigned
digit_at(const char *a, ptrdiff_t na, const char *b, ptrdiff_t nb,
    ptrdiff_t i)
{
	if (i < 0 || i >= na + nb)
		return 0;
	return (unsigned)((i < na ? a[i] : b[i - na]) - '0');
}

/*
 * Epoch numbers: [+-]digits[.digits][(e|E)[+-]digits].  unit is the
 * nanoseconds per unit, or 0 to choose it by magnitude.  Digits below a
 * nanosecond are truncated (toward zero), except that with exact set
 * (epoch_ns) a non-zero fraction is refused.  Everything is integer
 * arithmetic on the digits, so "0.1" is exactly 100000000 ns.
 */
static int
parse_epoch(const char *s, size_t len, uint64_t unit, int exact, int64_t *ns)
{
	const char *p = s, *e = s + len, *ip, *fp = NULL;
	ptrdiff_t ni, nf = 0, pt, i, k;
	uint64_t v = 0, f = 0;
	long ex = 0;
	int neg = 0;

	if (p < e && (*p == '+' || *p == '-'))
		neg = *p++ == '-';
	ip = p;
	while (p < e && is_digit(*p))
		p++;
	ni = p - ip;
	if (ni == 0)
		return -1;
	if (p < e && *p == '.') {
		fp = ++p;
		while (p < e && is_digit(*p))
			p++;
		nf = p - fp;
		if (nf == 0)
			return -1;
	}
	if (p < e && (*p == 'e' || *p == 'E')) {
		int eneg = 0;
		const char *ep;

		p++;
		if (p < e && (*p == '+' || *p == '-'))
			eneg = *p++ == '-';
		ep = p;
		for (; p < e && is_digit(*p); p++) {
			ex = ex * 10 + (*p - '0');
			/* No int64 time needs an exponent this large. */
			if (ex > 99)
				return -1;
		}
		if (p == ep)
			return -1;
		if (eneg)
			ex = -ex;
	}
	if (p != e)
		return -1;

	/* The decimal point sits before digit index pt. */
	pt = ni + ex;
	for (i = 0; i < pt; i++) {
		if (__builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, digit_at(ip, ni, fp, nf, i), &v))
			return -1;
	}
	if (unit == 0) {
		if (v < 100000000000ULL)
			unit = NS_PER_S;
		else if (v < 100000000000000ULL)
			unit = 1000000;
		else if (v < 100000000000000000ULL)
			unit = 1000;
		else
			unit = 1;
	}
	/* The first log10(unit) fraction digits give the nanoseconds. */
	for (k = 0; (uint64_t)pow10_u32[k] < unit; k++)
		f = f * 10 + digit_at(ip, ni, fp, nf, pt + k);
	if (exact) {
		for (i = pt + k > 0 ? pt + k : 0; i < ni + nf; i++)
			if (digit_at(ip, ni, fp, nf, i) != 0)
				return -1;
	}
	if (__builtin_mul_overflow(v, unit, &v) ||
	    __builtin_add_overflow(v, f, &v))
		return -1;
	if (neg) {
		if (v > (uint64_t)INT64_MAX + 1)
			return -1;
		*ns = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
	} else {
		if (v > (uint64_t)INT64_MAX)
			return -1;
		*ns = (int64_t)v;
	}
	return 0;
}

/*
 * strptime(3) patterns.  Fields the pattern does not set default to
 * 1970-01-01 00:00:00; %z is honoured through tm_gmtoff, anything else is
 * UTC.  (glibc's %s goes through localtime and so depends on TZ; use the
 * epoch formats for numbers.)
 */
static int
parse_pattern(const struct core_timefmt *tf, const char *s, size_t len,
    int64_t *ns)
{
	char buf[256];
	struct tm tm;
	const char *end;
	int64_t y;

	if (tf->pattern == NULL || len >= sizeof(buf) ||
	    memchr(s, '\0', len) != NULL)
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	memset(&tm, 0, sizeof(tm));
	tm.tm_mday = 1;
	tm.tm_year = 70;
	end = strptime(buf, tf->pattern, &tm);
	if (end == NULL || *end != '\0')
		return -1;
	y = (int64_t)tm.tm_year + 1900;
	if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 ||
	    tm.tm_mday > days_in_month(y, tm.tm_mon + 1) || tm.tm_hour < 0 ||
	    tm.tm_hour > 23 || tm.tm_min < 0 || tm.tm_min > 59 ||
	    tm.tm_sec < 0 || tm.tm_sec > 60)
		return -1;
	if (tm.tm_gmtoff < -SEC_PER_DAY || tm.tm_gmtoff > SEC_PER_DAY)
		return -1;
	if (tm.tm_sec == 60)
		return civil_to_ns(y, tm.tm_mon + 1, tm.tm_mday,
		    tm.tm_hour * 3600 + tm.tm_min * 60 + 59, NS_PER_S - 1,
		    tm.tm_gmtoff, ns);
	return civil_to_ns(y, tm.tm_mon + 1, tm.tm_mday,
	    tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec, 0, tm.tm_gmtoff,
	    ns);
}

/*
 * Detects the format from the shape of the text: an epoch number, an
 * RFC 3339 date (four digits and '-', or a signed extended year), CLF
 * ("dd/Mon/yyyy", maybe bracketed) or syslog (a month name).
 */
static int
parse_auto(const struct core_timefmt *tf, const char *s, size_t len,
    int64_t *ns)
{
	size_t i;

	if (len == 0)
		return -1;
	if (is_digit(s[0])) {
		if (len >= 10 && s[4] == '-')
			return parse_rfc3339(s, len, NULL, ns);
		if (len >= 3 && s[2] == '/')
			return parse_clf(s, len, ns);
		return parse_epoch(s, len, 0, 0, ns);
	}
	if (s[0] == '+' || s[0] == '-') {
		for (i = 1; i < len && is_digit(s[i]); i++)
			continue;
		if (i >= 5 && i < len && s[i] == '-')
			return parse_rfc3339(s, len, NULL, ns);
		return parse_epoch(s, len, 0, 0, ns);
	}
	if (s[0] == '[')
		return parse_clf(s, len, ns);
	if ((s[0] | 0x20) >= 'a' && (s[0] | 0x20) <= 'z')
		return parse_syslog(tf, s, len, ns);
	return -1;
}

int
core_time_parse_memo(const struct core_timefmt *tf, struct core_time_memo *m,
    const char *s, size_t len, int64_t *ns)
{
	switch (tf->kind) {
	case CORE_TF_AUTO:
		/* parse_auto's first test, the one RFC 3339 stamps pass. */
		if (len >= 10 && is_digit(s[0]) && s[4] == '-')
			return parse_rfc3339(s, len, m, ns);
		return parse_auto(tf, s, len, ns);
	case CORE_TF_RFC3339:
		return parse_rfc3339(s, len, m, ns);
	default:
		return core_time_parse(tf, s, len, ns);
	}
}

int
core_time_parse(const struct core_timefmt *tf, const char *s, size_t len,
    int64_t *ns)
{
	switch (tf->kind) {
	case CORE_TF_AUTO:
		return parse_auto(tf, s, len, ns);
	case CORE_TF_EPOCH:
		return parse_epoch(s, len, 0, 0, ns);
	case CORE_TF_EPOCH_S:
		return parse_epoch(s, len, NS_PER_S, 0, ns);
	case CORE_TF_EPOCH_MS:
		return parse_epoch(s, len, 1000000, 0, ns);
	case CORE_TF_EPOCH_US:
		return parse_epoch(s, len, 1000, 0, ns);
	case CORE_TF_EPOCH_NS:
		return parse_epoch(s, len, 1, 1, ns);
	case CORE_TF_RFC3339:
		return parse_rfc3339(s, len, NULL, ns);
	case CORE_TF_CLF:
		return parse_clf(s, len, ns);
	case CORE_TF_SYSLOG:
		return parse_syslog(tf, s, len, ns);
	case CORE_TF_PATTERN:
		return parse_pattern(tf, s, len, ns);
	}
	return -1;
}

/* Nanoseconds per unit of a numeric kind, 0 for by magnitude, -1 if none. */
static int64_t
numeric_unit(const struct core_timefmt *tf)
{
	switch (tf->kind) {
	case CORE_TF_AUTO:
	case CORE_TF_EPOCH:
		return 0;
	case CORE_TF_EPOCH_S:
		return NS_PER_S;
	case CORE_TF_EPOCH_MS:
		return 1000000;
	case CORE_TF_EPOCH_US:
		return 1000;
	case CORE_TF_EPOCH_NS:
		return 1;
	default:
		return -1;
	}
}

static int64_t
unit_by_magnitude(double mag)
{
	if (mag < 1e11)
		return NS_PER_S;
	if (mag < 1e14)
		return 1000000;
	if (mag < 1e17)
		return 1000;
	return 1;
}

int
core_time_from_int(const struct core_timefmt *tf, int64_t v, int64_t *ns)
{
	int64_t unit = numeric_unit(tf), r;

	if (unit < 0)
		return -1;
	if (unit == 0) {
		uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v;

		if (mag < 100000000000ULL)
			unit = NS_PER_S;
		else if (mag < 100000000000000ULL)
			unit = 1000000;
		else if (mag < 100000000000000000ULL)
			unit = 1000;
		else
			unit = 1;
	}
	if (__builtin_mul_overflow(v, unit, &r))
		return -1;
	*ns = r;
	return 0;
}

/*
 * A double carries about 16 significant digits, so 1700000000.123 is
 * really 1700000000.1229999065...; the exact value would give 122999906 ns.
 * Of the nanosecond counts that round to the same double, this takes the
 * one with the most trailing zeros (the shortest decimal), which is what
 * the writer of the number meant.  No libm: the build does not link it.
 */
int
core_time_from_double(const struct core_timefmt *tf, double v, int64_t *ns)
{
	int64_t unit = numeric_unit(tf);
	double mag, fpart, f, half, next;
	uint64_t ip, fr, bits, total, p;

	if (unit < 0 || v != v)
		return -1;
	mag = v < 0 ? -v : v;
	if (!(mag <= 9223372036854775808.0))
		return -1;
	if (unit == 0)
		unit = unit_by_magnitude(mag);
	ip = (uint64_t)mag;
	fpart = mag - (double)ip;
	f = fpart * (double)unit;
	memcpy(&bits, &mag, sizeof(bits));
	bits++;
	memcpy(&next, &bits, sizeof(next));
	half = (next - mag) * (double)unit / 2;
	fr = (uint64_t)(f + 0.5);
	for (p = (uint64_t)unit; p > 1 && half >= 0.5; p /= 10) {
		double c = (double)(uint64_t)(f / (double)p + 0.5) * (double)p;
		double dist = c > f ? c - f : f - c;

		if (dist <= half) {
			fr = (uint64_t)c;
			break;
		}
	}
	if (__builtin_mul_overflow(ip, (uint64_t)unit, &total) ||
	    __builtin_add_overflow(total, fr, &total))
		return -1;
	if (v < 0) {
		if (total > (uint64_t)INT64_MAX + 1)
			return -1;
		*ns = total == (uint64_t)INT64_MAX + 1 ? INT64_MIN :
		    -(int64_t)total;
	} else {
		if (total > (uint64_t)INT64_MAX)
			return -1;
		*ns = (int64_t)total;
	}
	return 0;
}

/* Writes v with at least width digits; returns the end. */
static inline char *
put_u64(char *p, uint64_t v, int width)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0 || n < width);
	while (n > 0)
		*p++ = tmp[--n];
	return p;
}

static inline char *
put2(char *p, unsigned v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
	return p + 2;
}

size_t
core_time_format_rfc3339(int64_t ns, char *buf)
{
	int64_t secs = ns / NS_PER_S, frac = ns % NS_PER_S, days, sod, y;
	unsigned mo, d;
	char *p = buf;

	if (frac < 0) {
		frac += NS_PER_S;
		secs--;
	}
	days = secs / SEC_PER_DAY;
	sod = secs % SEC_PER_DAY;
	if (sod < 0) {
		sod += SEC_PER_DAY;
		days--;
	}
	core_civil_from_days(days, &y, &mo, &d);
	if (y < 0) {
		*p++ = '-';
		p = put_u64(p, -(uint64_t)y, 4);
	} else if (y > 9999) {
		*p++ = '+';
		p = put_u64(p, (uint64_t)y, 4);
	} else {
		p = put_u64(p, (uint64_t)y, 4);
	}
	*p++ = '-';
	p = put2(p, mo);
	*p++ = '-';
	p = put2(p, d);
	*p++ = 'T';
	p = put2(p, (unsigned)(sod / 3600));
	*p++ = ':';
	p = put2(p, (unsigned)(sod / 60 % 60));
	*p++ = ':';
	p = put2(p, (unsigned)(sod % 60));
	if (frac != 0) {
		*p++ = '.';
		if (frac % 1000000 == 0)
			p = put_u64(p, (uint64_t)frac / 1000000, 3);
		else if (frac % 1000 == 0)
			p = put_u64(p, (uint64_t)frac / 1000, 6);
		else
			p = put_u64(p, (uint64_t)frac, 9);
	}
	*p++ = 'Z';
	*p = '\0';
	return (size_t)(p - buf);
}

int
core_timefmt_init(struct core_timefmt *tf, const char *spec)
{
	static const struct {
		const char *name;
		enum core_tfmt kind;
	} names[] = {
		{ "auto", CORE_TF_AUTO },
		{ "epoch", CORE_TF_EPOCH },
		{ "epoch_s", CORE_TF_EPOCH_S },
		{ "epoch_ms", CORE_TF_EPOCH_MS },
		{ "epoch_us", CORE_TF_EPOCH_US },
		{ "epoch_ns", CORE_TF_EPOCH_NS },
		{ "rfc3339", CORE_TF_RFC3339 },
		{ "iso8601", CORE_TF_RFC3339 },
		{ "clf", CORE_TF_CLF },
		{ "syslog", CORE_TF_SYSLOG },
	};
	size_t i;

	tf->kind = CORE_TF_AUTO;
	tf->pattern = NULL;
	tf->ref_year = 0;
	if (spec == NULL)
		return -1;
	if (strchr(spec, '%') != NULL) {
		tf->pattern = strdup(spec);
		if (tf->pattern == NULL)
			return -1;
		tf->kind = CORE_TF_PATTERN;
		return 0;
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(spec, names[i].name) == 0) {
			tf->kind = names[i].kind;
			return 0;
		}
	}
	return -1;
}

void
core_timefmt_release(struct core_timefmt *tf)
{
	free(tf->pattern);
	tf->pattern = NULL;
}
