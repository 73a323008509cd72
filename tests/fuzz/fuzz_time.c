/* SPDX-License-Identifier: MIT */
/* Fuzz target: timestamps, durations, sizes and strict integers. */
#include <limits.h>

#include "libcore/dur.h"
#include "libcore/timefmt.h"

#include "fuzz_common.c"

/* Every format name except strptime patterns, and two fixed patterns. */
static const char *const tformats[] = {
	"auto", "epoch", "epoch_s", "epoch_ms", "epoch_us", "epoch_ns",
	"rfc3339", "clf", "syslog", "%Y-%m-%d %H:%M:%S",
	"%d/%b/%Y:%H:%M:%S %z", NULL
};

/* What RFC 3339 output of ns reads back as, in both parsers that take
 * it. */
static void
check_rfc3339_roundtrip(int64_t ns)
{
	struct core_timefmt rfc = { CORE_TF_RFC3339, NULL, 0 };
	struct core_timefmt aut = { CORE_TF_AUTO, NULL, 2024 };
	char buf[CORE_TIME_BUFSZ];
	size_t n = core_time_format_rfc3339(ns, buf);
	int64_t back;

	if (n >= CORE_TIME_BUFSZ || strlen(buf) != n)
		fuzz_fail("core_time_format_rfc3339 wrote %zu bytes", n);
	if (core_time_parse(&rfc, buf, n, &back) < 0 || back != ns)
		fuzz_fail("rfc3339: %lld formats as '%s', which does not read "
		    "back", (long long)ns, buf);
	if (core_time_parse(&aut, buf, n, &back) < 0 || back != ns)
		fuzz_fail("auto: %lld formats as '%s', which does not read "
		    "back", (long long)ns, buf);
}

static void
times(const uint8_t *data, size_t size)
{
	struct core_timefmt tf;
	int64_t ns;
	size_t i;

	for (i = 0; tformats[i]; i++) {
		if (core_timefmt_init(&tf, tformats[i]) < 0)
			fuzz_fail("time format '%s' unknown", tformats[i]);
		tf.ref_year = 2024;     /* not the clock's year: reproducible */
		if (core_time_parse(&tf, (const char *)data, size, &ns) == 0)
			check_rfc3339_roundtrip(ns);
		core_timefmt_release(&tf);
	}
}

/* Numbers read from records, in every numeric kind. */
static void
numbers(int64_t v, double dv)
{
	static const enum core_tfmt kinds[] = { CORE_TF_AUTO, CORE_TF_EPOCH,
		CORE_TF_EPOCH_S, CORE_TF_EPOCH_MS, CORE_TF_EPOCH_US,
		CORE_TF_EPOCH_NS, CORE_TF_RFC3339 };
	struct core_timefmt tf = { CORE_TF_AUTO, NULL, 2024 };
	int64_t ns;
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		tf.kind = kinds[i];
		if (core_time_from_int(&tf, v, &ns) == 0)
			check_rfc3339_roundtrip(ns);
		if (core_time_from_double(&tf, dv, &ns) == 0)
			check_rfc3339_roundtrip(ns);
	}
	check_rfc3339_roundtrip(v);
}

/* parse(format(x)) == x, with the sign allowed. */
static void
check_dur_roundtrip(int64_t x)
{
	char buf[CORE_DUR_BUFSZ];
	const char *err = NULL;
	size_t n = core_dur_format(x, buf);
	int64_t back;

	if (n >= CORE_DUR_BUFSZ || strlen(buf) != n)
		fuzz_fail("core_dur_format wrote %zu bytes", n);
	if (core_dur_parse(buf, 1, &back, &err) < 0 || back != x)
		fuzz_fail("duration %lld formats as '%s', which reads back as "
		    "%s", (long long)x, buf, err ? err : "something else");
	if (x >= 0 && core_dur_parse(buf, 0, &back, &err) < 0)
		fuzz_fail("duration %lld formats as '%s', refused without "
		    "sign", (long long)x, buf);
}

static void
durations(const char *s)
{
	const char *err = NULL;
	int64_t ns;
	int sign;

	for (sign = 0; sign <= 1; sign++) {
		err = NULL;
		if (core_dur_parse(s, sign, &ns, &err) == 0) {
			if (err != NULL)
				fuzz_fail("core_dur_parse: success with error");
			if (!sign && ns < 0)
				fuzz_fail("'%s' negative without a sign", s);
			check_dur_roundtrip(ns);
		} else if (err == NULL) {
			fuzz_fail("core_dur_parse: failure without a reason");
		}
	}
}

/* A reference for core_strtonum: strtoll on what matches ^[+-]?[0-9]+$. */
static int
ref_strtonum(const char *s, long long min, long long max, long long *out)
{
	const char *p = s;
	char *end;
	long long v;

	if (min > max)
		return -1;
	if (*p == '+' || *p == '-')
		p++;
	if (*p < '0' || *p > '9')
		return -1;
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p != '\0')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno == ERANGE || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static void
strtonums(const char *s, long long min, long long max)
{
	long long a = 0, b = 0;
	const char *err = NULL;
	int ra = core_strtonum(s, min, max, &a, &err);
	int rb = ref_strtonum(s, min, max, &b);

	if (ra != rb || (ra == 0 && a != b))
		fuzz_fail("core_strtonum('%s', %lld, %lld) = %d (%lld), "
		    "strtoll says %d (%lld)", s, min, max, ra, a, rb, b);
	if (ra < 0 && err == NULL)
		fuzz_fail("core_strtonum: failure without a reason");
}

static void
sizes(const char *s)
{
	const char *err = NULL, *p;
	uint64_t v;
	char *end;
	unsigned long long ref;

	if (core_size_parse(s, &v, &err) < 0) {
		if (err == NULL)
			fuzz_fail("core_size_parse: failure without a reason");
		return;
	}
	/* Plain digits mean bytes. */
	for (p = s; *p >= '0' && *p <= '9'; p++)
		;
	if (*p == '\0') {
		errno = 0;
		ref = strtoull(s, &end, 10);
		if (errno == 0 && ref != v)
			fuzz_fail("size '%s' read as %llu", s,
			    (unsigned long long)v);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = core_xmalloc(size + 1);
	int64_t v = 0;
	double dv = 0;
	long long lo = LLONG_MIN, hi = LLONG_MAX;

	memcpy(s, data, size);
	s[size] = '\0';      /* the C-string parsers stop at a NUL */
	times(data, size);
	if (size >= 8) {
		memcpy(&v, data, 8);
		memcpy(&dv, data, 8);
	}
	numbers(v, dv);
	check_dur_roundtrip(v);
	durations(s);
	sizes(s);
	strtonums(s, LLONG_MIN, LLONG_MAX);
	strtonums(s, 0, 100);
	if (size >= 16) {
		memcpy(&lo, data + size - 16, 8);
		memcpy(&hi, data + size - 8, 8);
		strtonums(s, lo, hi);
	}
	free(s);
	return 0;
}
