/* SPDX-License-Identifier: MIT */
/* Tests for the Prometheus table: names, escaping, order, latest value,
 * NaN and infinities, the ttl, and the table's own metrics. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "libcore/buf.h"
#include "libcore/event.h"
#include "libcore/prom.h"

#define S 1000000000LL

/* A field of a test record. */
struct f {
	const char *name;
	struct core_value v;
};

#define STR(n, str) { n, { .type = CORE_STR, .len = sizeof(str) - 1, \
	.u.s = str } }
#define INT(n, x) { n, { .type = CORE_INT, .u.i = x } }
#define DBL(n, x) { n, { .type = CORE_DOUBLE, .u.d = x } }
#define END { NULL, { .type = CORE_NULL } }

static void
push(struct core_prom *p, int64_t t, const struct f *fs)
{
	struct core_recb b;
	struct core_rec r;

	core_recb_init(&b);
	for (; fs->name; fs++)
		cr_assert_eq(core_recb_add(&b, core_sym_str(fs->name), fs->v),
		    0);
	cr_assert_eq(core_recb_finish(&b, &r, t), 0);
	core_prom_rec(p, &r);
	core_recb_release(&b);
}

/* The exposition up to the table's own metrics. */
static char *
render(struct core_prom *p)
{
	struct core_buf b = CORE_BUF_INIT;
	char *s, *own;

	core_prom_render(p, &b);
	s = core_buf_detach(&b, NULL);
	cr_assert_not_null(s);
	own = strstr(s, "# HELP streamutils_sink_");
	cr_assert_not_null(own, "no own metrics in:\n%s", s);
	*own = '\0';
	return s;
}

static void
renders(struct core_prom *p, const char *want)
{
	char *got = render(p);

	cr_expect_str_eq(got, want);
	free(got);
}

static void
name_is(const char *in, int first, int label, const char *want)
{
	struct core_buf b = CORE_BUF_INIT;

	core_prom_name(&b, in, strlen(in), first, label);
	cr_expect_str_eq(core_buf_str(&b), want, "'%s' (first %d label %d)",
	    in, first, label);
	core_buf_release(&b);
}

Test(prom, names_are_made_valid)
{
	name_is("count", 1, 0, "count");
	name_is("p99_request_time", 1, 0, "p99_request_time");
	name_is("p99:request time", 1, 0, "p99_request_time");
	name_is("99th", 1, 0, "_99th");
	name_is("99th", 0, 0, "99th");
	name_is("", 1, 0, "_");
	name_is("caf\xc3\xa9", 1, 0, "caf__");
	name_is("a.b-c", 1, 1, "a_b_c");
	name_is("__name__", 1, 1, "_name__");
	name_is("@@x", 1, 1, "_x");
	name_is("___", 1, 1, "_");
	name_is("__x", 1, 0, "__x");
	cr_expect(core_prom_prefix_ok(""));
	cr_expect(core_prom_prefix_ok("stream_"));
	cr_expect(core_prom_prefix_ok("app:web_"));
	cr_expect(!core_prom_prefix_ok("1x_"));
	cr_expect(!core_prom_prefix_ok("a-b"));
}

Test(prom, label_values_are_escaped)
{
	struct core_prom *p = core_prom_new("", 0);
	static const struct f r[] = { STR("path", "a\\b\"c\nd"), INT("n", 1),
		END };

	push(p, 1, r);
	renders(p, "# HELP n Field n of the records, the latest value per "
	    "label set.\n# TYPE n gauge\nn{path=\"a\\\\b\\\"c\\nd\"} 1\n");
	core_prom_free(p);
}

Test(prom, invalid_utf8_in_values_becomes_replacement_characters)
{
	struct core_buf b = CORE_BUF_INIT;

	core_prom_escape(&b, "caf\xc3\xa9 \xff\xc3\"", 9);
	cr_expect_str_eq(core_buf_str(&b), "caf\xc3\xa9 \xef\xbf\xbd\xef\xbf\xbd"
	    "\\\"");
	core_buf_reset(&b);
	core_prom_escape(&b, "\xe2\x82", 2);
	cr_expect_str_eq(core_buf_str(&b), "\xef\xbf\xbd\xef\xbf\xbd");
	core_buf_release(&b);
}

Test(prom, strings_are_labels_numbers_gauges_the_rest_left_out)
{
	struct core_prom *p = core_prom_new("stream_", 0);
	struct f r[] = { STR("window_start", "2024-01-01T00:00:00Z"),
		{ "t", { .type = CORE_TIME, .u.i = 5 } },
		STR("host", "web1"),
		{ "ok", { .type = CORE_BOOL, .u.i = 1 } },
		{ "top", { .type = CORE_JSON, .len = 2, .u.s = "[]" } },
		{ "gone", { .type = CORE_NULL } },
		{ "mean", { .type = CORE_DOUBLE, .flags = CORE_VF_TEXT,
		    .len = 4, .u.s = "1.50" } },
		INT("status", 200), END };

	core_prom_ignore(p, "window_start");
	core_prom_label(p, "status");
	push(p, 1, r);
	renders(p, "# HELP stream_mean Field mean of the records, the latest "
	    "value per label set.\n# TYPE stream_mean gauge\n"
	    "stream_mean{host=\"web1\",status=\"200\"} 1.5\n"
	    "# HELP stream_ok Field ok of the records, the latest value per "
	    "label set.\n# TYPE stream_ok gauge\n"
	    "stream_ok{host=\"web1\",status=\"200\"} 1\n");
	cr_expect_eq(core_prom_len(p), 2);
	core_prom_free(p);
}

Test(prom, sorted_by_metric_then_labels_latest_wins)
{
	struct core_prom *p = core_prom_new("s_", 0);
	static const struct f a[] = { STR("k", "b"), INT("n", 1),
		DBL("m", 0.25), END };
	static const struct f b[] = { STR("k", "a"), INT("n", 2), END };
	static const struct f c[] = { STR("k", "b"), INT("n", 3), END };
	static const struct f d[] = { INT("n", 4), STR("z", "1"),
		STR("k", "a"), END };
	static const struct f e[] = { INT("n_total", 9), END };

	push(p, 1, a);
	push(p, 2, b);
	push(p, 3, c);
	push(p, 4, d);
	push(p, 5, e);
	renders(p, "# HELP s_m Field m of the records, the latest value per "
	    "label set.\n# TYPE s_m gauge\ns_m{k=\"b\"} 0.25\n"
	    "# HELP s_n Field n of the records, the latest value per label "
	    "set.\n# TYPE s_n gauge\n"
	    "s_n{k=\"a\"} 2\ns_n{k=\"a\",z=\"1\"} 4\ns_n{k=\"b\"} 3\n"
	    "# HELP s_n_total Field n_total of the records, the latest value "
	    "per label set.\n# TYPE s_n_total gauge\ns_n_total 9\n");
	core_prom_free(p);
}

Test(prom, a_label_name_twice_the_first_field_wins)
{
	struct core_prom *p = core_prom_new("", 0);
	static const struct f r[] = { STR("a-b", "1"), STR("a_b", "2"),
		INT("n", 7), END };

	push(p, 1, r);
	renders(p, "# HELP n Field n of the records, the latest value per "
	    "label set.\n# TYPE n gauge\nn{a_b=\"1\"} 7\n");
	core_prom_free(p);
}

Test(prom, nan_and_infinities_as_prometheus_writes_them)
{
	struct core_prom *p = core_prom_new("", 0);
	struct f r[] = { DBL("a", NAN), DBL("b", INFINITY),
		DBL("c", -INFINITY), DBL("d", -0.5), DBL("e", 1e100),
		{ "f", { .type = CORE_DOUBLE, .flags = CORE_VF_TEXT, .len = 5,
		    .u.s = "1e400" } }, INT("g", INT64_MIN), END };
	char *got, *line;
	struct core_buf b = CORE_BUF_INIT;

	push(p, 1, r);
	got = render(p);
	for (line = strtok(got, "\n"); line; line = strtok(NULL, "\n"))
		if (line[0] != '#')
			core_buf_addf(&b, "%s\n", line);
	cr_expect_str_eq(core_buf_str(&b), "a NaN\nb +Inf\nc -Inf\nd -0.5\n"
	    "e 1e+100\nf +Inf\ng -9223372036854775808\n");
	free(got);
	core_buf_release(&b);
	core_prom_free(p);
}

Test(prom, ttl_drops_series_not_updated_in_event_time)
{
	struct core_prom *p = core_prom_new("", 30 * S);
	static const struct f a[] = { STR("k", "a"), INT("n", 1), END };
	static const struct f b[] = { STR("k", "b"), INT("n", 2), END };

	push(p, 10 * S, a);
	push(p, 20 * S, b);
	core_prom_wm(p, 40 * S);
	cr_expect_eq(core_prom_expire(p), 0, "a is 30 s old: kept");
	core_prom_wm(p, 40 * S + 1);
	renders(p, "# HELP n Field n of the records, the latest value per "
	    "label set.\n# TYPE n gauge\nn{k=\"b\"} 2\n");
	/* Updated again: back. */
	push(p, 41 * S, a);
	cr_expect_eq(core_prom_len(p), 2);
	/* The end of input (+inf) does not expire anything. */
	core_prom_wm(p, CORE_WM_MAX);
	cr_expect_eq(core_prom_expire(p), 0);
	core_prom_free(p);
}

Test(prom, no_ttl_keeps_every_series)
{
	struct core_prom *p = core_prom_new("", 0);
	static const struct f a[] = { STR("k", "a"), INT("n", 1), END };

	push(p, 0, a);
	core_prom_wm(p, 1000 * S);
	cr_expect_eq(core_prom_expire(p), 0);
	cr_expect_eq(core_prom_len(p), 1);
	core_prom_free(p);
}

Test(prom, own_metrics)
{
	struct core_prom *p = core_prom_new("", 10 * S);
	static const struct f a[] = { STR("k", "a"), INT("n", 1), END };
	struct core_buf b = CORE_BUF_INIT;
	const char *own;

	core_prom_render(p, &b);
	cr_expect_str_eq(core_buf_str(&b),
	    "# HELP streamutils_sink_bad_records_total Bad input records "
	    "skipped.\n# TYPE streamutils_sink_bad_records_total counter\n"
	    "streamutils_sink_bad_records_total 0\n"
	    "# HELP streamutils_sink_records_total Records read.\n"
	    "# TYPE streamutils_sink_records_total counter\n"
	    "streamutils_sink_records_total 0\n"
	    "# HELP streamutils_sink_series Series of record fields exposed.\n"
	    "# TYPE streamutils_sink_series gauge\n"
	    "streamutils_sink_series 0\n"
	    "# HELP streamutils_sink_series_expired_total Series dropped for "
	    "not being updated within the ttl.\n"
	    "# TYPE streamutils_sink_series_expired_total counter\n"
	    "streamutils_sink_series_expired_total 0\n");
	push(p, 1 * S, a);
	push(p, 2 * S + 500000000, a);
	core_prom_wm(p, 20 * S);
	core_prom_set_bad(p, 3);
	core_buf_reset(&b);
	core_prom_render(p, &b);
	own = strstr(core_buf_str(&b), "# HELP streamutils_sink_bad");
	cr_assert_not_null(own);
	cr_expect(strstr(own, "\nstreamutils_sink_bad_records_total 3\n"));
	cr_expect(strstr(own, "\nstreamutils_sink_event_time_seconds 20.0\n"));
	cr_expect(strstr(own, "\nstreamutils_sink_records_total 2\n"));
	cr_expect(strstr(own, "\nstreamutils_sink_series 0\n"));
	cr_expect(strstr(own, "\nstreamutils_sink_series_expired_total 1\n"));
	cr_expect(strstr(own, "\nstreamutils_sink_watermark_seconds 20.0\n"));
	core_prom_wm(p, CORE_WM_MAX);
	core_buf_reset(&b);
	core_prom_render(p, &b);
	cr_expect(strstr(core_buf_str(&b),
	    "\nstreamutils_sink_watermark_seconds +Inf\n"));
	cr_expect(strstr(core_buf_str(&b),
	    "\nstreamutils_sink_event_time_seconds 20.0\n"));
	core_buf_release(&b);
	core_prom_free(p);
}
