/* SPDX-License-Identifier: MIT */
/* Tests for the common and combined access log readers. */
#include "tests/dec_dump.h"

/* ---- helpers ------------------------------------------------------------ */

static const struct core_decopts combined_opts = { .format = "combined" };
static const struct core_decopts common_opts = { .format = "common" };

static void
expect(const char *data, int combined, const char *want)
{
	dec_expect(data, combined ? &combined_opts : &common_opts, want);
}

#define T2000 "time:971211336000000000"
#define T0800 "time:1795852800000000000"

/* ---- common ------------------------------------------------------------- */

Test(clf, common_line_gives_typed_fields)
{
	expect("127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "
	    "\"GET /apache_pb.gif HTTP/1.0\" 200 2326\n", 0,
	    "1: host=str:\"127.0.0.1\" ident=null user=str:\"frank\" "
	    "time=" T2000 " request=str:\"GET /apache_pb.gif HTTP/1.0\" "
	    "method=str:\"GET\" path=str:\"/apache_pb.gif\" "
	    "protocol=str:\"HTTP/1.0\" status=int:200 bytes=int:2326\n");
}

Test(clf, common_reader_keeps_combined_tail_as_extra)
{
	expect("10.0.0.1 - - [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.1\" "
	    "304 - \"-\" \"curl/8.0\"\n", 0,
	    "1: host=str:\"10.0.0.1\" ident=null user=null time=" T2000
	    " request=str:\"GET / HTTP/1.1\" method=str:\"GET\" "
	    "path=str:\"/\" protocol=str:\"HTTP/1.1\" status=int:304 "
	    "bytes=int:0 extra=str:\"\\\"-\\\" \\\"curl/8.0\\\"\"\n");
}

/* ---- combined ----------------------------------------------------------- */

Test(clf, combined_nginx_line_gives_typed_fields)
{
	expect("203.0.113.9 - - [28/Nov/2026:08:00:00 +0000] "
	    "\"POST /api/users?id=1&x=%20 HTTP/1.1\" 201 512 "
	    "\"https://example.com/a?b=c\" "
	    "\"Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101\"\r\n", 1,
	    "1: host=str:\"203.0.113.9\" ident=null user=null time=" T0800
	    " request=str:\"POST /api/users?id=1&x=%20 HTTP/1.1\" "
	    "method=str:\"POST\" path=str:\"/api/users?id=1&x=%20\" "
	    "protocol=str:\"HTTP/1.1\" status=int:201 bytes=int:512 "
	    "referer=str:\"https://example.com/a?b=c\" "
	    "agent=str:\"Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101\"\n");
}

Test(clf, dashes_are_null_and_dash_bytes_are_zero)
{
	expect("::1 - - [28/Nov/2026:08:00:00 +0000] \"HEAD / HTTP/1.1\" "
	    "204 - \"-\" \"-\"\n", 1,
	    "1: host=str:\"::1\" ident=null user=null time=" T0800
	    " request=str:\"HEAD / HTTP/1.1\" method=str:\"HEAD\" "
	    "path=str:\"/\" protocol=str:\"HTTP/1.1\" status=int:204 "
	    "bytes=int:0 referer=null agent=null\n");
}

Test(clf, escaped_quotes_and_backslashes_are_decoded_others_kept)
{
	expect("1.2.3.4 - - [28/Nov/2026:08:00:00 +0000] "
	    "\"GET /q?s=\\\"x\\\" HTTP/1.1\" 200 1 \"-\" "
	    "\"agent \\\\ \\x22quoted\\x22\"\n", 1,
	    "1: host=str:\"1.2.3.4\" ident=null user=null time=" T0800
	    " request=str:\"GET /q?s=\\\"x\\\" HTTP/1.1\" method=str:\"GET\" "
	    "path=str:\"/q?s=\\\"x\\\"\" protocol=str:\"HTTP/1.1\" "
	    "status=int:200 bytes=int:1 referer=null "
	    "agent=str:\"agent \\\\ \\\\x22quoted\\\\x22\"\n");
}

Test(clf, malformed_requests_still_give_records)
{
	expect("1.1.1.1 - - [28/Nov/2026:08:00:00 +0000] \"-\" 400 0 \"-\" "
	    "\"-\"\n"
	    "1.1.1.1 - - [28/Nov/2026:08:00:00 +0000] "
	    "\"\\x16\\x03\\x01\\x00\\xA5\" 400 157 \"-\" \"-\"\n"
	    "1.1.1.1 - - [28/Nov/2026:08:00:00 +0000] \"GET /a b HTTP/1.1\" "
	    "400 0 \"-\" \"-\"\n"
	    "1.1.1.1 - - [28/Nov/2026:08:00:00 +0000] \"GET /\" 200 0 \"-\" "
	    "\"-\"\n", 1,
	    "1: host=str:\"1.1.1.1\" ident=null user=null time=" T0800
	    " request=str:\"-\" method=null path=null protocol=null "
	    "status=int:400 bytes=int:0 referer=null agent=null\n"
	    "2: host=str:\"1.1.1.1\" ident=null user=null time=" T0800
	    " request=str:\"\\\\x16\\\\x03\\\\x01\\\\x00\\\\xA5\" method=null "
	    "path=null protocol=null status=int:400 bytes=int:157 "
	    "referer=null agent=null\n"
	    "3: host=str:\"1.1.1.1\" ident=null user=null time=" T0800
	    " request=str:\"GET /a b HTTP/1.1\" method=null path=null "
	    "protocol=null status=int:400 bytes=int:0 referer=null "
	    "agent=null\n"
	    "4: host=str:\"1.1.1.1\" ident=null user=null time=" T0800
	    " request=str:\"GET /\" method=null path=null protocol=null "
	    "status=int:200 bytes=int:0 referer=null agent=null\n");
}

Test(clf, trailing_pairs_become_typed_fields)
{
	expect("1.1.1.1 - - [28/Nov/2026:08:00:00 +0000] \"GET / HTTP/1.1\" "
	    "200 5 \"-\" \"ua\" rt=0.123 up=\"10.0.0.1:80\" n=3 cache=\n", 1,
	    "1: host=str:\"1.1.1.1\" ident=null user=null time=" T0800
	    " request=str:\"GET / HTTP/1.1\" method=str:\"GET\" "
	    "path=str:\"/\" protocol=str:\"HTTP/1.1\" status=int:200 "
	    "bytes=int:5 referer=null agent=str:\"ua\" rt=num:0.123 "
	    "up=str:\"10.0.0.1:80\" n=int:3 cache=null\n");
}

Test(clf, trailing_text_that_is_not_pairs_is_kept_as_extra)
{
	expect("1.1.1.1 - - [28/Nov/2026:08:00:00 +0000] \"GET / HTTP/1.1\" "
	    "200 5 \"-\" \"ua\" \"203.0.113.7\" 0.005  \n", 1,
	    "1: host=str:\"1.1.1.1\" ident=null user=null time=" T0800
	    " request=str:\"GET / HTTP/1.1\" method=str:\"GET\" "
	    "path=str:\"/\" protocol=str:\"HTTP/1.1\" status=int:200 "
	    "bytes=int:5 referer=null agent=str:\"ua\" "
	    "extra=str:\"\\\"203.0.113.7\\\" 0.005  \"\n");
}

Test(clf, time_zone_applies_and_repeated_stamps_reuse_the_last)
{
	expect("a - - [28/Nov/2026:08:00:00 +0130] \"-\" 200 1 \"-\" \"-\"\n"
	    "b - - [28/Nov/2026:08:00:00 +0130] \"-\" 200 1 \"-\" \"-\"\n"
	    "c - - [28/Nov/2026:08:00:01 +0000] \"-\" 200 1 \"-\" \"-\"\n"
	    "d - - [28/Nov/2026:08:00:00 +0130] \"-\" 200 1 \"-\" \"-\"\n", 1,
	    "1: host=str:\"a\" ident=null user=null "
	    "time=time:1795847400000000000 request=str:\"-\" method=null "
	    "path=null protocol=null status=int:200 bytes=int:1 referer=null "
	    "agent=null\n"
	    "2: host=str:\"b\" ident=null user=null "
	    "time=time:1795847400000000000 request=str:\"-\" method=null "
	    "path=null protocol=null status=int:200 bytes=int:1 referer=null "
	    "agent=null\n"
	    "3: host=str:\"c\" ident=null user=null "
	    "time=time:1795852801000000000 request=str:\"-\" method=null "
	    "path=null protocol=null status=int:200 bytes=int:1 referer=null "
	    "agent=null\n"
	    "4: host=str:\"d\" ident=null user=null "
	    "time=time:1795847400000000000 request=str:\"-\" method=null "
	    "path=null protocol=null status=int:200 bytes=int:1 referer=null "
	    "agent=null\n");
}

Test(clf, lines_that_do_not_match_are_bad_with_the_column)
{
	expect("hello\n"
	    "\n"
	    "h i u 10/Oct/2000:13:55:36 -0700 \"GET / HTTP/1.0\" 200 1\n"
	    "h i u [10/Oct/2000:13:55:36 -0700 \"GET / HTTP/1.0\" 200 1\n"
	    "h i u [32/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.0\" 200 1\n"
	    "h i u [10/Oct/2000:13:55:36 -0700] GET / HTTP/1.0 200 1\n"
	    "h i u [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.0 200 1\n"
	    "h i u [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.0\" 2x0 1\n"
	    "h i u [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.0\" 200 1x\n"
	    "h i u [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.0\" 200\n"
	    "h i u [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.0\" 200 1\n"
	    "h i u [10/Oct/2000:13:55:36 -0700] \"-\" 200 1 \"-\" ua\n"
	    "h i u [10/Oct/2000:13:55:36 -0700] \"-\" 200 1 \"-\" \"ua\"x\n"
	    "ok - - [10/Oct/2000:13:55:36 -0700] \"-\" 200 1 \"-\" \"-\"", 1,
	    "1:6: BAD not a combined log line: expected an ident at column 6\n"
	    "3:7: BAD not a combined log line: expected '[' at column 7\n"
	    "4:7: BAD not a combined log line: expected ']' at column 7\n"
	    "5:8: BAD not a combined log line: bad time at column 8\n"
	    "6:36: BAD not a combined log line: expected a quoted request at "
	    "column 36\n"
	    "7:57: BAD not a combined log line: unterminated request at "
	    "column 57\n"
	    "8:53: BAD not a combined log line: expected a 3-digit status at "
	    "column 53\n"
	    "9:58: BAD not a combined log line: expected a space after the "
	    "byte count at column 58\n"
	    "10:56: BAD not a combined log line: expected a space after the "
	    "status at column 56\n"
	    "11:58: BAD not a combined log line: expected a quoted referer at "
	    "column 58\n"
	    "12:50: BAD not a combined log line: expected a quoted user agent "
	    "at column 50\n"
	    "13:54: BAD not a combined log line: expected a space after the "
	    "user agent at column 54\n"
	    "14: host=str:\"ok\" ident=null user=null time=" T2000
	    " request=str:\"-\" method=null path=null protocol=null "
	    "status=int:200 bytes=int:1 referer=null agent=null\n");
}

Test(clf, line_ending_after_a_field_is_bad_without_reading_past_it)
{
	expect("h i u", 1,
	    "1:6: BAD not a combined log line: expected '[' at column 6\n");
	expect("h i", 1,
	    "1:4: BAD not a combined log line: expected a user at column 4\n");
	expect("h i u [10/Oct/2000:13:55:36 -0700]", 1,
	    "1:35: BAD not a combined log line: expected a quoted request at "
	    "column 35\n");
	expect("h i u [10/Oct/2000:13:55:36 -0700] \"-\" 200", 0,
	    "1:43: BAD not a common log line: expected a space after the "
	    "status at column 43\n");
}

Test(clf, trailing_pair_keys_that_are_not_utf8_get_replacement_characters)
{
	expect("h - - [10/Oct/2000:13:55:36 -0700] \"-\" 200 1 k\xff=v\n", 0,
	    "1: host=str:\"h\" ident=null user=null time=" T2000
	    " request=str:\"-\" method=null path=null protocol=null "
	    "status=int:200 bytes=int:1 k\xef\xbf\xbd=str:\"v\"\n");
}

Test(clf, bad_line_names_the_common_format_and_carries_raw_bytes)
{
	struct core_decopts o = { .format = "common" };
	struct core_input in;
	struct core_dec *d;
	struct core_event ev;

	core_input_open_mem(&in, "a\nb b b [x] \"-\" 200 1\n", 22, "log", 0);
	d = core_dec_clf_new(&in, &o, 0);
	cr_assert_eq(core_dec_next(d, &ev), CORE_EV_BAD);
	cr_assert_str_eq(ev.reason,
	    "not a common log line: expected an ident at column 2");
	cr_assert_eq(ev.rawlen, 1);
	cr_assert_eq(ev.raw[0], 'a');
	cr_assert_eq(core_dec_next(d, &ev), CORE_EV_BAD);
	cr_assert_str_eq(ev.reason, "not a common log line: bad time at "
	    "column 8");
	cr_assert_eq(ev.line, 2);
	cr_assert_eq(ev.off, 2);
	cr_assert_eq(ev.rawlen, 19);
	cr_assert_eq(core_dec_next(d, &ev), CORE_EV_EOF);
	core_dec_free(d);
	core_input_close(&in);
}
