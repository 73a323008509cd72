/* SPDX-License-Identifier: MIT */
/* Tests for the syslog (RFC 5424, RFC 3164) and statsd readers. */
#include <time.h>

#include "libcore/timefmt.h"
#include "tests/dec_dump.h"

static const struct core_decopts syslog_opts = { .format = "syslog" };
static const struct core_decopts statsd_opts = { .format = "statsd" };

static char *
dec_dump_str(const char *s, const struct core_decopts *o, size_t step)
{
	return dec_dump(s, strlen(s), o, step);
}

#define NOPRI "pri=null facility=null severity=null"
#define T5424 "time:1065910455003000000"
#define TFILE "time:1795860000123456000"

/* ---- RFC 5424 ------------------------------------------------------------ */

Test(syslog, rfc5424_example_with_structured_data)
{
	dec_expect("<165>1 2003-10-11T22:14:15.003Z mymachine.example.com "
	    "evntslog - ID47 [exampleSDID@32473 iut=\"3\" "
	    "eventSource=\"Application\"][examplePriority@32473 "
	    "class=\"high\"] An application event\n", &syslog_opts,
	    "1: pri=int:165 facility=str:\"local4\" severity=str:\"notice\" "
	    "version=int:1 time=" T5424 " host=str:\"mymachine.example.com\" "
	    "app=str:\"evntslog\" procid=null msgid=str:\"ID47\" "
	    "sd=json:\"{\\\"exampleSDID@32473\\\":{\\\"iut\\\":\\\"3\\\","
	    "\\\"eventSource\\\":\\\"Application\\\"},"
	    "\\\"examplePriority@32473\\\":{\\\"class\\\":\\\"high\\\"}}\" "
	    "msg=str:\"An application event\"\n");
}

Test(syslog, rfc5424_nil_values_bom_and_escapes)
{
	dec_expect("<0>1 - - - - - -\n"
	    "<191>12 2026-11-28T10:00:00.123456Z h a 77 m "
	    "[x a=\"q\\\"b\\]c\\\\d\\n\"] \xef\xbb\xbfhi\r\n",
	    &syslog_opts,
	    "1: pri=int:0 facility=str:\"kern\" severity=str:\"emerg\" "
	    "version=int:1 time=null host=null app=null procid=null "
	    "msgid=null sd=null msg=null\n"
	    "2: pri=int:191 facility=str:\"local7\" severity=str:\"debug\" "
	    "version=int:12 time=" TFILE " host=str:\"h\" app=str:\"a\" "
	    "procid=str:\"77\" msgid=str:\"m\" "
	    "sd=json:\"{\\\"x\\\":{\\\"a\\\":\\\"q\\\\\\\"b]c\\\\\\\\d\\\\\\\\n\\\"}}\" "
	    "msg=str:\"hi\"\n");
}

Test(syslog, rfc6587_octet_count_is_skipped)
{
	dec_expect("29 <13>1 - host app - - - msg\n", &syslog_opts,
	    "1: pri=int:13 facility=str:\"user\" severity=str:\"notice\" "
	    "version=int:1 time=null host=str:\"host\" app=str:\"app\" "
	    "procid=null msgid=null sd=null msg=str:\"msg\"\n");
}

Test(syslog, bad_lines_name_the_column)
{
	dec_expect("<192>1 - - - - - -\n"
	    "<1x>foo\n"
	    "<01>1 - - - - - -\n"
	    "<13>1 yesterday h a - - -\n"
	    "<13>1 - h a - -\n"
	    "<13>1 - h a - - [x\n"
	    "<13>1 - h a - - [x a=b]\n"
	    "<13>1 - h a - - [x a=\"b]\n"
	    "<13>1 - h a - - [x a=\"b\"]msg\n"
	    "<13>1 - h  a - - -\n",
	    &syslog_opts,
	    "1:2: BAD not a syslog line: bad PRI (expected <0> to <191>) at "
	    "column 2\n"
	    "2:2: BAD not a syslog line: bad PRI (expected <0> to <191>) at "
	    "column 2\n"
	    "3:2: BAD not a syslog line: bad PRI (expected <0> to <191>) at "
	    "column 2\n"
	    "4:7: BAD not a syslog line: bad timestamp at column 7\n"
	    "5:16: BAD not a syslog line: expected structured data at "
	    "column 16\n"
	    "6:19: BAD not a syslog line: expected ']' at column 19\n"
	    "7:22: BAD not a syslog line: expected PARAM=\"VALUE\" at "
	    "column 22\n"
	    "8:25: BAD not a syslog line: unterminated PARAM-VALUE at "
	    "column 25\n"
	    "9:26: BAD not a syslog line: expected a space before the "
	    "message at column 26\n"
	    "10:11: BAD not a syslog line: expected an app name at "
	    "column 11\n");
}

/* ---- RFC 3164 and files -------------------------------------------------- */

Test(syslog, rfc3164_with_and_without_host)
{
	char *got = dec_dump_str("<34>Oct 11 22:14:15 mymachine su: 'su root' "
	    "failed\n"
	    "<13>Nov  8 12:00:00 myapp[123]: hello\n"
	    "<13>Nov 8 12:00:00 host app[9] not a tag\n", &syslog_opts, 0);

	/* No year in the stamps: check the rest of each line. */
	cr_assert(strstr(got, "1: pri=int:34 facility=str:\"auth\" "
	    "severity=str:\"crit\" version=null time=time:") == got, "%s", got);
	cr_assert(strstr(got, " host=str:\"mymachine\" app=str:\"su\" "
	    "procid=null msgid=null sd=null msg=str:\"'su root' failed\"\n"),
	    "%s", got);
	cr_assert(strstr(got, " host=null app=str:\"myapp\" "
	    "procid=str:\"123\" msgid=null sd=null msg=str:\"hello\"\n"),
	    "%s", got);
	cr_assert(strstr(got, " host=str:\"host\" app=null procid=null "
	    "msgid=null sd=null msg=str:\"app[9] not a tag\"\n"), "%s", got);
	cr_assert_null(strstr(got, "BAD"), "%s", got);
	free(got);
}

Test(syslog, rsyslog_file_lines_and_plain_text)
{
	dec_expect("2026-11-28T10:00:00.123456+00:00 host cron[5]: job\n"
	    "just text\n"
	    "\n"
	    "<7>\n",
	    &syslog_opts,
	    "1: " NOPRI " version=null time=" TFILE " host=str:\"host\" "
	    "app=str:\"cron\" procid=str:\"5\" msgid=null sd=null "
	    "msg=str:\"job\"\n"
	    "2: " NOPRI " version=null time=null host=null app=null "
	    "procid=null msgid=null sd=null msg=str:\"just text\"\n"
	    "4: pri=int:7 facility=str:\"kern\" severity=str:\"debug\" "
	    "version=null time=null host=null app=null procid=null "
	    "msgid=null sd=null msg=null\n");
}

Test(syslog, rfc3164_stamp_year_is_this_year_or_last)
{
	struct core_timefmt tf;
	int64_t ns, now = (int64_t)time(NULL) * 1000000000LL;
	char *got = dec_dump_str("Jan  1 00:00:00 h a: x\nDec 31 23:59:59 h a: "
	    "y\n", &syslog_opts, 0);
	const char *t = got;
	int n = 0;

	cr_assert_eq(core_timefmt_init(&tf, "syslog"), 0);
	cr_assert_eq(core_time_parse(&tf, "Jan  1 00:00:00", 15, &ns), 0);
	/* Every stamp is at most about a month ahead of now. */
	while ((t = strstr(t, "time=time:")) != NULL) {
		long long v = atoll(t + 10);

		cr_assert_leq(v, now + 32LL * 86400 * 1000000000LL);
		cr_assert_geq(v, now - 366LL * 86400 * 1000000000LL);
		t += 10;
		n++;
	}
	cr_assert_eq(n, 2, "%s", got);
	cr_assert_neq(ns, 0);
	core_timefmt_release(&tf);
	free(got);
}

/* ---- statsd -------------------------------------------------------------- */

Test(statsd, types_rates_tags_and_deltas)
{
	dec_expect("gorets:1|c\n"
	    "glork:320|ms|@0.1\n"
	    "gaugor:+3|g|#env:prod,web,env:dev\n"
	    "gaugor:-2.5|g\n"
	    "gaugor:7|g\n"
	    "uniques:765|s\n"
	    "h:1e3|h|c:abc|T1656581400\n"
	    "d:-1|d\n",
	    &statsd_opts,
	    "1: name=str:\"gorets\" value=int:1 type=str:\"c\" rate=null "
	    "tags=null delta=bool:false extra=null\n"
	    "2: name=str:\"glork\" value=int:320 type=str:\"ms\" "
	    "rate=num:0.1 tags=null delta=bool:false extra=null\n"
	    "3: name=str:\"gaugor\" value=int:3 type=str:\"g\" rate=null "
	    "tags=json:\"{\\\"env\\\":\\\"dev\\\",\\\"web\\\":null}\" "
	    "delta=bool:true extra=null\n"
	    "4: name=str:\"gaugor\" value=num:-2.5 type=str:\"g\" rate=null "
	    "tags=null delta=bool:true extra=null\n"
	    "5: name=str:\"gaugor\" value=int:7 type=str:\"g\" rate=null "
	    "tags=null delta=bool:false extra=null\n"
	    "6: name=str:\"uniques\" value=str:\"765\" type=str:\"s\" "
	    "rate=null tags=null delta=bool:false extra=null\n"
	    "7: name=str:\"h\" value=num:1e3 type=str:\"h\" rate=null "
	    "tags=null delta=bool:false extra=str:\"c:abc|T1656581400\"\n"
	    "8: name=str:\"d\" value=int:-1 type=str:\"d\" rate=null "
	    "tags=null delta=bool:false extra=null\n");
}

Test(statsd, bad_lines_name_the_column)
{
	dec_expect("bad\n"
	    ":1|c\n"
	    "x:1\n"
	    "x:abc|c\n"
	    "x:1|zz\n"
	    "x:1|c|@fast\n"
	    "x:+-1|g\n"
	    "x:|c\n",
	    &statsd_opts,
	    "1:4: BAD not a statsd line: expected name:value|type at "
	    "column 4\n"
	    "2:1: BAD not a statsd line: expected name:value|type at "
	    "column 1\n"
	    "3:4: BAD not a statsd line: expected '|type' at column 4\n"
	    "4:3: BAD not a statsd line: value is not a number at column 3\n"
	    "5:5: BAD not a statsd line: expected a type (c, g, ms, h, s, d) "
	    "at column 5\n"
	    "6:8: BAD not a statsd line: bad sample rate at column 8\n"
	    "7:3: BAD not a statsd line: value is not a number at column 3\n"
	    "8:3: BAD not a statsd line: value is not a number at column 3\n");
}
