/* SPDX-License-Identifier: MIT */
/* Tests for the frame codec: round trips, and refusal of bad bytes. */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libcore/frame.h"
#include "libcore/out.h"
#include "libcore/rec.h"

/* Encodes with a writer function into memory via a memfd. */
struct mem {
	int fd;
	struct core_out out;
	struct core_frame_enc enc;
};

static void
mem_open(struct mem *m)
{
	m->fd = memfd_create("frames", 0);
	cr_assert_geq(m->fd, 0);
	core_out_init(&m->out, m->fd, "mem");
	core_frame_enc_init(&m->enc, &m->out);
}

static unsigned char *
mem_bytes(struct mem *m, size_t *len)
{
	unsigned char *p;
	off_t n;

	core_out_flush(&m->out);
	n = lseek(m->fd, 0, SEEK_END);
	p = malloc((size_t)n + 1);
	cr_assert_eq(pread(m->fd, p, (size_t)n, 0), n);
	*len = (size_t)n;
	core_frame_enc_release(&m->enc);
	core_out_release(&m->out);
	close(m->fd);
	return p;
}

static struct core_rec
sample(struct core_recb *b)
{
	struct core_rec r;

	core_recb_init(b);
	core_recb_add(b, core_sym_str("n"), core_v_null());
	core_recb_add(b, core_sym_str("b"), core_v_bool(1));
	core_recb_add(b, core_sym_str("i"), core_v_int(-1234567890123LL));
	core_recb_add(b, core_sym_str("d"), core_v_double(-2.5));
	core_recb_add(b, core_sym_str("t"), core_v_numtext("1.50", 4));
	core_recb_add(b, core_sym_str("s"), core_v_str("h\0i", 3));
	core_recb_add(b, core_sym_str("ts"), core_v_time(-5));
	core_recb_add(b, core_sym_str("j"), core_v_json("{\"a\":[1]}", 9));
	core_recb_finish(b, &r, 1700000000123456789LL);
	return r;
}

/* A stream of the header and r's frames; free it. */
static unsigned char *
encode_rec(const struct core_rec *r, size_t *len)
{
	struct mem m;

	mem_open(&m);
	core_frame_put_header(&m.enc);
	core_frame_put_rec(&m.enc, r);
	return mem_bytes(&m, len);
}

/* Decodes every frame of p[0..len); returns how many events of kind k. */
static int
count_kind(const unsigned char *p, size_t len, enum core_ev k,
    struct core_event *last)
{
	struct core_frame_dec d;
	struct core_event ev;
	size_t off = 0, n;
	int c = 0;

	core_frame_dec_init(&d, 0);
	while (off < len) {
		memset(&ev, 0, sizeof(ev));
		n = core_frame_decode(&d, p + off, len - off, 1, &ev);
		cr_assert_gt(n, 0);
		cr_assert_neq(ev.kind, CORE_EV_BAD, "bad: %s", ev.reason);
		if (ev.kind == k) {
			c++;
			if (last)
				*last = ev;
		}
		off += n;
	}
	core_frame_dec_release(&d);
	return c;
}

Test(frame, stream_opens_with_readable_header)
{
	struct mem m;
	unsigned char *p;
	size_t len;

	mem_open(&m);
	core_frame_put_header(&m.enc);
	core_frame_put_end(&m.enc);
	p = mem_bytes(&m, &len);
	cr_expect_eq(memcmp(p, "#streamutils frames v1 ", 23), 0);
	cr_expect_neq(memchr(p, '\n', len), NULL);
	cr_expect_eq(core_frame_sniff(p, len), 1);
	cr_expect_eq(core_frame_sniff("{\"a\":1}", 7), 0);
	cr_expect_eq(core_frame_sniff("#stream", 7), -1);
	free(p);
}

Test(frame, record_round_trips_every_type)
{
	struct core_recb b;
	struct core_rec r = sample(&b), *c;
	struct core_frame_dec d;
	struct core_event ev;
	unsigned char *p;
	size_t len, off = 0, n, i;

	p = encode_rec(&r, &len);
	core_frame_dec_init(&d, 0);
	do {
		n = core_frame_decode(&d, p + off, len - off, 1, &ev);
		cr_assert_gt(n, 0);
		off += n;
	} while (ev.kind == CORE_EV_NONE);
	cr_assert_eq(ev.kind, CORE_EV_REC);
	cr_expect_eq(off, len);
	cr_expect_eq(ev.rec.schema, r.schema);
	cr_expect_eq(ev.rec.time, r.time);
	for (i = 0; i < r.schema->n; i++) {
		cr_expect_eq(ev.rec.v[i].type, r.v[i].type, "field %zu", i);
		cr_expect(core_value_eq(&ev.rec.v[i], &r.v[i]), "field %zu",
		    i);
	}
	cr_expect(ev.rec.v[4].flags & CORE_VF_TEXT);
	cr_expect_eq(ev.rec.v[5].len, 3);
	/* The raw body lets a frame writer copy instead of re-encode. */
	cr_assert_not_null(ev.rec.raw);
	c = core_rec_copy(&ev.rec);
	cr_expect_null(c->raw);
	cr_expect_eq(memcmp(c->v[5].u.s, "h\0i", 3), 0);
	core_rec_free(c);
	core_frame_dec_release(&d);
	core_recb_release(&b);
	free(p);
}

Test(frame, schema_is_declared_once_per_stream)
{
	struct core_recb b;
	struct core_rec r = sample(&b);
	struct mem m;
	unsigned char *p;
	size_t len;
	int i;

	mem_open(&m);
	core_frame_put_header(&m.enc);
	for (i = 0; i < 5; i++)
		core_frame_put_rec(&m.enc, &r);
	p = mem_bytes(&m, &len);
	cr_expect_eq(count_kind(p, len, CORE_EV_REC, NULL), 5);
	{
		/* Count 'S' frames by walking the framing. */
		size_t off = (size_t)((unsigned char *)memchr(p, '\n', len) -
		    p) + 1;
		int s = 0;

		while (off + 5 <= len) {
			uint32_t pl;

			memcpy(&pl, p + off + 1, 4);
			s += p[off] == 'S';
			off += 5 + pl;
		}
		cr_expect_eq(s, 1);
	}
	core_recb_release(&b);
	free(p);
}

Test(frame, raw_copy_is_byte_identical)
{
	struct core_recb b;
	struct core_rec r = sample(&b);
	struct core_event ev;
	struct mem m, m2;
	unsigned char *p, *q;
	size_t len, len2;

	mem_open(&m);
	core_frame_put_header(&m.enc);
	core_frame_put_rec(&m.enc, &r);
	core_frame_put_wm(&m.enc, 42);
	p = mem_bytes(&m, &len);
	cr_assert_eq(count_kind(p, len, CORE_EV_REC, &ev), 1);
	cr_assert_not_null(ev.rec.raw);
	/* ev points into p: re-encode it through the raw path. */
	mem_open(&m2);
	core_frame_put_header(&m2.enc);
	core_frame_put_rec(&m2.enc, &ev.rec);
	core_frame_put_wm(&m2.enc, 42);
	q = mem_bytes(&m2, &len2);
	cr_expect_eq(len, len2);
	cr_expect_eq(memcmp(p, q, len), 0);
	core_recb_release(&b);
	free(p);
	free(q);
}

Test(frame, punctuation_frames_round_trip)
{
	struct core_window w = { -10, 20, 30 };
	struct core_event ev;
	struct mem m;
	unsigned char *p;
	size_t len;

	mem_open(&m);
	core_frame_put_header(&m.enc);
	core_frame_put_wm(&m.enc, INT64_MIN);
	core_frame_put_close(&m.enc, &w);
	core_frame_put_barrier(&m.enc, 7);
	core_frame_put_end(&m.enc);
	p = mem_bytes(&m, &len);
	cr_expect_eq(count_kind(p, len, CORE_EV_WM, &ev), 1);
	cr_expect_eq(ev.wm, INT64_MIN);
	cr_expect_eq(count_kind(p, len, CORE_EV_CLOSE, &ev), 1);
	cr_expect_eq(ev.win.start, -10);
	cr_expect_eq(ev.win.end, 20);
	cr_expect_eq(ev.win.retain, 30);
	cr_expect_eq(count_kind(p, len, CORE_EV_BARRIER, &ev), 1);
	cr_expect_eq(ev.barrier, 7);
	cr_expect_eq(count_kind(p, len, CORE_EV_END, NULL), 1);
	free(p);
}

static struct core_event
decode_one(const void *p, size_t len, int at_eof, size_t *used)
{
	struct core_frame_dec d;
	struct core_event ev;
	const char *hdr = "#streamutils frames v1\n";

	memset(&ev, 0, sizeof(ev));
	core_frame_dec_init(&d, 1024);
	cr_assert_gt(core_frame_decode(&d, (const unsigned char *)hdr,
	    strlen(hdr), 0, &ev), 0);
	static char reason[256];

	*used = core_frame_decode(&d, p, len, at_eof, &ev);
	/* The reason lives in the decoder: keep a copy past its release. */
	if (ev.kind == CORE_EV_BAD) {
		snprintf(reason, sizeof(reason), "%s", ev.reason);
		ev.reason = reason;
	}
	core_frame_dec_release(&d);
	return ev;
}

Test(frame, truncated_frame_needs_more_then_fails_at_eof)
{
	const unsigned char f[] = { 'W', 8, 0, 0, 0, 1, 2, 3 };
	struct core_event ev;
	size_t n;

	ev = decode_one(f, sizeof(f), 0, &n);
	cr_expect_eq(n, 0);
	ev = decode_one(f, sizeof(f), 1, &n);
	cr_expect_eq(ev.kind, CORE_EV_BAD);
	cr_expect(ev.fatal);
	cr_expect_str_eq(ev.reason, "truncated frame (8 of 13 bytes)");
}

Test(frame, oversized_frame_is_refused_before_buffering)
{
	const unsigned char f[] = { 'D', 0, 0, 0, 0x10 };
	struct core_event ev;
	size_t n;

	ev = decode_one(f, sizeof(f), 0, &n);
	cr_expect_eq(ev.kind, CORE_EV_BAD);
	cr_expect(ev.fatal);
	cr_expect_str_eq(ev.reason,
	    "frame of 268435456 bytes exceeds the limit of 1024 bytes");
}

Test(frame, unknown_type_is_skipped_with_an_error)
{
	const unsigned char f[] = { 'Z', 2, 0, 0, 0, 1, 2 };
	struct core_event ev;
	size_t n;

	ev = decode_one(f, sizeof(f), 0, &n);
	cr_expect_eq(ev.kind, CORE_EV_BAD);
	cr_expect(!ev.fatal);
	cr_expect_eq(n, 7);
	cr_expect_str_eq(ev.reason, "unknown frame type 0x5a");
}

Test(frame, data_for_undeclared_schema_is_bad)
{
	const unsigned char f[] = { 'D', 9, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0,
		0 };
	struct core_event ev;
	size_t n;

	ev = decode_one(f, sizeof(f), 0, &n);
	cr_expect_eq(ev.kind, CORE_EV_BAD);
	cr_expect_str_eq(ev.reason, "data frame refers to an undeclared "
	    "schema");
}

Test(frame, bad_utf8_field_name_is_bad)
{
	const unsigned char f[] = { 'S', 5, 0, 0, 0, 0, 1, 2, 0xc3, 0x28 };
	struct core_event ev;
	size_t n;

	ev = decode_one(f, sizeof(f), 0, &n);
	cr_expect_eq(ev.kind, CORE_EV_BAD);
	cr_expect_str_eq(ev.reason, "field name is not valid UTF-8 in schema "
	    "frame");
}

Test(frame, wrong_version_names_both_versions)
{
	struct core_frame_dec d;
	struct core_event ev;
	const char *h = "#streamutils frames v7 whatever\n";

	core_frame_dec_init(&d, 0);
	core_frame_decode(&d, (const unsigned char *)h, strlen(h), 0, &ev);
	cr_expect_eq(ev.kind, CORE_EV_BAD);
	cr_expect(ev.fatal);
	cr_expect_neq(strstr(ev.reason, "version 7"), NULL);
	cr_expect_neq(strstr(ev.reason, "version 1"), NULL);
	core_frame_dec_release(&d);
}

Test(frame, bad_json_value_is_refused)
{
	/* Schema 0 = ["j"]; data: id 0, time, tag JSON len 3 "[1," */
	const unsigned char f[] = {
		'S', 4, 0, 0, 0, 0, 1, 1, 'j',
		'D', 14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 8, 3, '[', '1', ','
	};
	struct core_frame_dec d;
	struct core_event ev;
	const char *h = "#streamutils frames v1\n";
	size_t n;

	core_frame_dec_init(&d, 0);
	core_frame_decode(&d, (const unsigned char *)h, strlen(h), 0, &ev);
	n = core_frame_decode(&d, f, sizeof(f), 0, &ev);
	cr_assert_eq(n, 9);
	cr_expect_eq(ev.kind, CORE_EV_NONE);
	n = core_frame_decode(&d, f + 9, sizeof(f) - 9, 0, &ev);
	cr_expect_eq(n, 19);
	cr_expect_eq(ev.kind, CORE_EV_BAD);
	cr_expect_str_eq(ev.reason, "bad JSON value in data frame");
	core_frame_dec_release(&d);
}

/* Decodes the first record of p[0..len) with a decoder wanting the
 * fields named in want (lazy), into *d (released by the caller). */
static struct core_event
decode_lazy(struct core_frame_dec *d, const unsigned char *p, size_t len,
    const char *const *want, size_t nwant)
{
	const struct core_sym *w[16];
	struct core_event ev;
	size_t off = 0, n, i;

	for (i = 0; i < nwant; i++)
		w[i] = core_sym_str(want[i]);
	core_frame_dec_init(d, 0);
	/* Wanting nothing may come as NULL (stream-window does that). */
	core_frame_dec_want(d, nwant ? w : NULL, nwant);
	do {
		memset(&ev, 0, sizeof(ev));
		n = core_frame_decode(d, p + off, len - off, 1, &ev);
		cr_assert_gt(n, 0);
		off += n;
	} while (ev.kind == CORE_EV_NONE);
	return ev;
}

Test(frame, lazy_decoder_decodes_what_is_wanted_and_the_rest_on_demand)
{
	static const char *const want[] = { "t", "i", "nosuch" };
	struct core_recb b;
	struct core_rec r = sample(&b), *c;
	struct core_frame_dec d;
	struct core_event ev;
	unsigned char *p;
	size_t len, i;

	p = encode_rec(&r, &len);
	ev = decode_lazy(&d, p, len, want, 3);
	cr_assert_eq(ev.kind, CORE_EV_REC, "%s", ev.kind == CORE_EV_BAD ?
	    ev.reason : "");
	cr_expect_eq(ev.rec.time, r.time);
	cr_expect(ev.rec.lazy);
	/* i (2) and t (4) decoded; the others passed over. */
	for (i = 0; i < r.schema->n; i++) {
		if (i == 2 || i == 4)
			cr_expect(core_value_eq(&ev.rec.v[i], &r.v[i]),
			    "field %zu", i);
		else
			cr_expect(ev.rec.v[i].flags & CORE_VF_LAZY,
			    "field %zu", i);
	}
	/* A copy reads them all. */
	c = core_rec_copy(&ev.rec);
	for (i = 0; i < r.schema->n; i++)
		cr_expect(core_value_eq(&c->v[i], &r.v[i]), "field %zu", i);
	core_rec_free(c);
	core_frame_dec_release(&d);

	/* So does asking for a field that was passed over. */
	ev = decode_lazy(&d, p, len, want, 3);
	cr_expect(ev.rec.v[5].flags & CORE_VF_LAZY);
	cr_assert_not_null(core_rec_get(&ev.rec, core_sym_str("s")));
	cr_expect_eq(ev.rec.v[5].type, CORE_STR);
	cr_expect_eq(memcmp(ev.rec.v[5].u.s, "h\0i", 3), 0);
	for (i = 0; i < r.schema->n; i++)
		cr_expect(core_value_eq(&ev.rec.v[i], &r.v[i]), "field %zu", i);
	core_frame_dec_release(&d);

	/* Wanting nothing reads nothing but the time; the raw body is whole
	 * and touching the record decodes it first. */
	ev = decode_lazy(&d, p, len, NULL, 0);
	cr_expect_eq(ev.rec.time, r.time);
	for (i = 0; i < r.schema->n; i++)
		cr_expect(ev.rec.v[i].flags & CORE_VF_LAZY, "field %zu", i);
	cr_assert_not_null(ev.rec.raw);
	core_rec_touch(&ev.rec);
	cr_expect_null(ev.rec.raw);
	cr_expect_eq(ev.rec.lazy, 0);
	for (i = 0; i < r.schema->n; i++)
		cr_expect(core_value_eq(&ev.rec.v[i], &r.v[i]), "field %zu", i);
	core_frame_dec_release(&d);
	core_recb_release(&b);
	free(p);
}

Test(frame, lazy_decoder_passes_on_the_same_bytes)
{
	struct core_recb b;
	struct core_rec r = sample(&b);
	struct core_frame_dec d;
	struct core_event ev;
	struct mem m;
	unsigned char *p, *q;
	size_t len, qlen;

	p = encode_rec(&r, &len);
	ev = decode_lazy(&d, p, len, NULL, 0);
	cr_assert_eq(ev.kind, CORE_EV_REC);
	mem_open(&m);
	core_frame_put_header(&m.enc);
	core_frame_put_rec(&m.enc, &ev.rec);
	q = mem_bytes(&m, &qlen);
	cr_expect_eq(qlen, len);
	cr_expect_eq(memcmp(p, q, len), 0);
	free(q);
	core_frame_dec_release(&d);
	core_recb_release(&b);
	free(p);
}

Test(frame, lazy_decoder_still_refuses_a_broken_frame_it_walks)
{
	static const char *const want[] = { "b" };
	/* Schema 0 = ["a","b"]; data: a = string of length 9 in a frame
	 * that holds 2 bytes of it. */
	const unsigned char f[] = {
		'S', 6, 0, 0, 0, 0, 2, 1, 'a', 1, 'b',
		'D', 13, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 6, 9, 'x', 'y'
	};
	const char *h = "#streamutils frames v1\n";
	unsigned char buf[64];
	struct core_frame_dec d;
	struct core_event ev;

	memcpy(buf, h, strlen(h));
	memcpy(buf + strlen(h), f, sizeof(f));
	ev = decode_lazy(&d, buf, strlen(h) + sizeof(f), want, 1);
	cr_expect_eq(ev.kind, CORE_EV_BAD);
	cr_expect_str_eq(ev.reason, "truncated value in data frame");
	core_frame_dec_release(&d);
}

Test(frame, lazy_decoder_leaves_unread_values_to_be_checked_later,
    .init = cr_redirect_stderr)
{
	static const char *const want[] = { "b" };
	/* Schema 0 = ["a","c","d","b"]; a is number text "1x" (bad), c and
	 * d null, b = int 3. */
	const unsigned char f[] = {
		'S', 10, 0, 0, 0, 0, 4, 1, 'a', 1, 'c', 1, 'd', 1, 'b',
		'D', 17, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 2, '1', 'x',
		0, 0, 3, 6
	};
	const char *h = "#streamutils frames v1\n";
	unsigned char buf[64];
	struct core_frame_dec d;
	struct core_event ev;
	char got[256];
	FILE *err;
	size_t n;

	memcpy(buf, h, strlen(h));
	memcpy(buf + strlen(h), f, sizeof(f));
	/* A full decoder refuses the frame... */
	core_frame_dec_init(&d, 0);
	core_frame_decode(&d, (const unsigned char *)h, strlen(h), 0, &ev);
	cr_assert_eq(core_frame_decode(&d, f, sizeof(f), 1, &ev), 15);
	core_frame_decode(&d, f + 15, sizeof(f) - 15, 1, &ev);
	cr_expect_eq(ev.kind, CORE_EV_BAD);
	cr_expect_str_eq(ev.reason, "bad number text in data frame");
	core_frame_dec_release(&d);
	/* ...a lazy one that reads only b takes it... */
	ev = decode_lazy(&d, buf, strlen(h) + sizeof(f), want, 1);
	cr_assert_eq(ev.kind, CORE_EV_REC);
	cr_expect_eq(ev.rec.v[3].type, CORE_INT);
	cr_expect_eq(ev.rec.v[3].u.i, 3);
	/* ...and reading a later finds it bad: null, and a warning. */
	core_rec_full(&ev.rec);
	cr_expect_eq(ev.rec.v[0].type, CORE_NULL);
	cr_expect_eq(ev.rec.v[0].flags, 0);
	cr_expect_eq(ev.rec.v[1].type, CORE_NULL);
	cr_expect_eq(ev.rec.v[1].flags, 0);
	cr_expect_eq(ev.rec.v[3].u.i, 3);
	core_frame_dec_release(&d);
	fflush(stderr);
	err = cr_get_redirected_stderr();
	n = fread(got, 1, sizeof(got) - 1, err);
	got[n] = 0;
	cr_expect_not_null(strstr(got, "a data frame holds a bad value in a "
	    "field read late; the bad values became null"), "%s", got);
}

Test(frame, records_of_every_string_size_round_trip)
{
	static const size_t sizes[] = { 0, 1, 2, 3, 4, 7, 8, 9, 15, 16, 17,
		31, 32, 33, 4095, 4096, 4097, 3000, 100000 };
	const size_t ns = sizeof(sizes) / sizeof(sizes[0]);
	struct core_frame_dec d;
	struct core_event ev;
	struct core_recb b;
	struct core_rec r;
	struct mem m;
	unsigned char *p;
	/* Each size starts at its own offset: room for the last one. */
	char *big = malloc(100000 + 64);
	size_t len, off = 0, n, i, k, got = 0;

	for (i = 0; i < 100000 + 64; i++)
		big[i] = (char)('a' + i * 7 % 26);
	mem_open(&m);
	core_frame_put_header(&m.enc);
	core_recb_init(&b);
	/* One record per size, then one with two strings over the first
	 * guess of 4 KiB together. */
	for (i = 0; i <= ns; i++) {
		core_recb_reset(&b);
		if (i < ns) {
			core_recb_add(&b, core_sym_str("s"),
			    core_v_str(big + i, sizes[i]));
			core_recb_add(&b, core_sym_str("x"), core_v_null());
		} else {
			core_recb_add(&b, core_sym_str("s"),
			    core_v_str(big, 3000));
			core_recb_add(&b, core_sym_str("x"),
			    core_v_numtext("12345678901234567890", 20));
		}
		core_recb_finish(&b, &r, (int64_t)i);
		core_frame_put_rec(&m.enc, &r);
	}
	p = mem_bytes(&m, &len);
	core_frame_dec_init(&d, 0);
	while (off < len) {
		n = core_frame_decode(&d, p + off, len - off, 1, &ev);
		cr_assert_gt(n, 0);
		off += n;
		if (ev.kind != CORE_EV_REC)
			continue;
		k = (size_t)ev.rec.time;
		cr_assert_lt(got, ns + 1);
		cr_assert_eq(ev.rec.v[0].type, CORE_STR);
		if (k < ns) {
			cr_expect_eq(ev.rec.v[0].len, sizes[k], "size %zu",
			    sizes[k]);
			cr_expect_eq(memcmp(ev.rec.v[0].u.s, big + k,
			    sizes[k]), 0, "size %zu", sizes[k]);
			cr_expect_eq(ev.rec.v[1].type, CORE_NULL);
		} else {
			cr_expect_eq(ev.rec.v[0].len, 3000);
			cr_expect_eq(memcmp(ev.rec.v[0].u.s, big, 3000), 0);
			cr_expect_eq(ev.rec.v[1].len, 20);
			cr_expect_eq(memcmp(ev.rec.v[1].u.s,
			    "12345678901234567890", 20), 0);
		}
		got++;
	}
	cr_expect_eq(got, ns + 1);
	core_frame_dec_release(&d);
	core_recb_release(&b);
	free(big);
	free(p);
}

Test(frame, lazy_decoder_reads_everything_when_it_wants_most)
{
	static const char *const want[] = { "i", "t", "s", "ts", "j" };
	struct core_recb b;
	struct core_rec r = sample(&b);
	struct core_frame_dec d;
	struct core_event ev;
	unsigned char *p;
	size_t len, i;

	p = encode_rec(&r, &len);
	/* 5 of 8: stepping over 3 costs more than it saves. */
	ev = decode_lazy(&d, p, len, want, 5);
	cr_assert_eq(ev.kind, CORE_EV_REC);
	cr_expect_eq(ev.rec.lazy, 0);
	for (i = 0; i < r.schema->n; i++)
		cr_expect(core_value_eq(&ev.rec.v[i], &r.v[i]), "field %zu", i);
	core_frame_dec_release(&d);
	/* 3 of 8: lazy. */
	ev = decode_lazy(&d, p, len, want, 3);
	cr_expect(ev.rec.lazy);
	core_frame_dec_release(&d);
	core_recb_release(&b);
	free(p);
}
