/* SPDX-License-Identifier: MIT */
/* The binary frame codec spoken between stream-* tools (stream-frame(5)). */
#include "libcore/frame.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcore/err.h"
#include "libcore/json.h"
#include "libcore/out.h"
#include "libcore/xalloc.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "frame.c assumes a little-endian host (see put_u64)"
#endif

/* ---- little-endian and LEB128 helpers -------------------------------- */

static inline unsigned char *
put_u32(unsigned char *d, uint32_t v)
{
	d[0] = (unsigned char)v;
	d[1] = (unsigned char)(v >> 8);
	d[2] = (unsigned char)(v >> 16);
	d[3] = (unsigned char)(v >> 24);
	return d + 4;
}

static inline unsigned char *
put_u64(unsigned char *d, uint64_t v)
{
	memcpy(d, &v, 8);    /* little-endian hosts only; checked in init */
	return d + 8;
}

static inline uint32_t
get_u32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static inline uint64_t
get_u64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static inline unsigned char *
put_var(unsigned char *d, uint64_t v)
{
	while (v >= 0x80) {
		*d++ = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	*d++ = (unsigned char)v;
	return d;
}

/* Reads a LEB128 number of at most 10 bytes; NULL if malformed. */
static const unsigned char *
get_var_slow(const unsigned char *p, const unsigned char *end, uint64_t *v)
{
	uint64_t r = 0;
	unsigned shift = 0;

	while (p < end) {
		unsigned char c = *p++;

		if (shift == 63 && c > 1)
			return NULL;
		r |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80)) {
			*v = r;
			return p;
		}
		shift += 7;
		if (shift > 63)
			return NULL;
	}
	return NULL;
}

static inline const unsigned char *
get_var(const unsigned char *p, const unsigned char *end, uint64_t *v)
{
	/* Most lengths and small ints fit one byte. */
	if (p < end && *p < 0x80) {
		*v = *p;
		return p + 1;
	}
	return get_var_slow(p, end, v);
}

/* JSON number syntax, checked without building a value. */
static inline __attribute__((always_inline)) int
is_number(const unsigned char *p, size_t n)
{
	const unsigned char *end = p + n;

	if (p < end && *p == '-')
		p++;
	if (p >= end)
		return 0;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	else
		return 0;
	if (p < end && *p == '.') {
		if (++p >= end || *p < '0' || *p > '9')
			return 0;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (p >= end || *p < '0' || *p > '9')
			return 0;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	return p == end;
}

static inline uint64_t
zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static inline int64_t
unzigzag(uint64_t v)
{
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

/* ---- encoder ---------------------------------------------------------- */

void
core_frame_enc_init(struct core_frame_enc *e, struct core_out *out)
{
	e->out = out;
	e->wire = NULL;
	e->capwire = 0;
	e->next_wire = 0;
}

void
core_frame_enc_release(struct core_frame_enc *e)
{
	free(e->wire);
	e->wire = NULL;
	e->capwire = 0;
}

void
core_frame_put_header(struct core_frame_enc *e)
{
	char line[CORE_FRAME_HEADER_MAX];
	int n = snprintf(line, sizeof(line), "%s%d%s", CORE_FRAME_MAGIC,
	    CORE_FRAME_VERSION, CORE_FRAME_HINT);

	core_out_write(e->out, line, (size_t)n);
}

/* Starts a frame of at most max payload bytes; returns where the payload
 * goes.  end_frame patches the length. */
static inline unsigned char *
begin_frame(struct core_frame_enc *e, int type, size_t max)
{
	unsigned char *d = (unsigned char *)core_out_reserve(e->out, max + 5);

	d[0] = (unsigned char)type;
	return d + 5;
}

static inline void
end_frame(struct core_frame_enc *e, unsigned char *payload, unsigned char *end)
{
	put_u32(payload - 4, (uint32_t)(end - payload));
	core_out_commit(e->out, (char *)end);
}

static uint32_t
declare(struct core_frame_enc *e, const struct core_schema *s)
{
	unsigned char *d, *p;
	size_t max = 20, i;
	uint32_t w;

	if (s->id >= e->capwire) {
		size_t old = e->capwire;

		e->wire = core_xgrow(e->wire, &e->capwire, s->id + 1,
		    sizeof(*e->wire));
		memset(e->wire + old, 0, (e->capwire - old) * sizeof(*e->wire));
	}
	if (e->wire[s->id])
		return e->wire[s->id] - 1;
	/* Past the id bound, reuse ids from 0: a redeclaration replaces the
	 * old meaning on both sides. */
	if (e->next_wire >= CORE_FRAME_MAX_SCHEMA_ID) {
		memset(e->wire, 0, e->capwire * sizeof(*e->wire));
		e->next_wire = 0;
	}
	w = e->next_wire++;
	e->wire[s->id] = w + 1;
	for (i = 0; i < s->n; i++)
		max += 10 + s->f[i]->len;
	d = begin_frame(e, CORE_FR_SCHEMA, max);
	p = put_var(d, w);
	p = put_var(p, s->n);
	for (i = 0; i < s->n; i++) {
		p = put_var(p, s->f[i]->len);
		memcpy(p, s->f[i]->name, s->f[i]->len);
		p += s->f[i]->len;
	}
	end_frame(e, d, p);
	return w;
}

/* memcpy for the short strings of most records, inline: overlapping
 * loads and stores of the first and last bytes, none outside either. */
static inline void
copy_bytes(unsigned char *d, const void *src, size_t n)
{
	const unsigned char *s = src;
	uint64_t a, b;
	uint32_t x, y;

	if (n >= 8 && n <= 16) {
		memcpy(&a, s, 8);
		memcpy(&b, s + n - 8, 8);
		memcpy(d, &a, 8);
		memcpy(d + n - 8, &b, 8);
	} else if (n >= 4 && n < 8) {
		memcpy(&x, s, 4);
		memcpy(&y, s + n - 4, 4);
		memcpy(d, &x, 4);
		memcpy(d + n - 4, &y, 4);
	} else if (n > 16 && n <= 32) {
		uint64_t c, e;

		memcpy(&a, s, 8);
		memcpy(&b, s + 8, 8);
		memcpy(&c, s + n - 16, 8);
		memcpy(&e, s + n - 8, 8);
		memcpy(d, &a, 8);
		memcpy(d + 8, &b, 8);
		memcpy(d + n - 16, &c, 8);
		memcpy(d + n - 8, &e, 8);
	} else if (n < 4) {
		if (n > 0) {
			d[0] = s[0];
			d[n / 2] = s[n / 2];
			d[n - 1] = s[n - 1];
		}
	} else {
		memcpy(d, s, n);
	}
}

/*
 * Encodes values v[from..n) at p; returns the end, or NULL (nothing
 * counted as written) when their bytes would pass budget.
 */
static inline __attribute__((always_inline)) unsigned char *
put_values(unsigned char *p, const struct core_value *vals, size_t from,
    size_t n, size_t budget)
{
	size_t i;

	for (i = from; i < n; i++) {
		const struct core_value *v = &vals[i];

		switch (v->type) {
		case CORE_NULL:
			*p++ = CORE_TAG_NULL;
			break;
		case CORE_BOOL:
			*p++ = v->u.i ? CORE_TAG_TRUE : CORE_TAG_FALSE;
			break;
		case CORE_INT:
			*p++ = CORE_TAG_INT;
			p = put_var(p, zigzag(v->u.i));
			break;
		case CORE_DOUBLE:
			if (v->flags & CORE_VF_TEXT) {
				const uint32_t len = v->len;
				const char *str = v->u.s;

				if (len > budget)
					return NULL;
				budget -= len;
				*p++ = CORE_TAG_NUMTEXT;
				p = put_var(p, len);
				copy_bytes(p, str, len);
				p += len;
			} else {
				*p++ = CORE_TAG_DOUBLE;
				memcpy(p, &v->u.d, 8);
				p += 8;
			}
			break;
		case CORE_TIME:
			*p++ = CORE_TAG_TIME;
			p = put_u64(p, (uint64_t)v->u.i);
			break;
		case CORE_STR:
		case CORE_JSON: {
			/* Locals: the byte stores below may alias *v. */
			const uint32_t len = v->len;
			const char *str = v->u.s;

			if (len > budget)
				return NULL;
			budget -= len;
			*p++ = v->type == CORE_STR ? CORE_TAG_STR :
			    CORE_TAG_JSON;
			p = put_var(p, len);
			copy_bytes(p, str, len);
			p += len;
			break;
		}
		}
	}
	return p;
}

/* The bytes a frame writer may take without first adding up the lengths
 * of a record's strings: most records are much smaller. */
#define PUT_REC_BUDGET ((size_t)4 << 10)

void
core_frame_put_rec(struct core_frame_enc *e, const struct core_rec *r)
{
	const struct core_schema *s = r->schema;
	uint32_t w = (s->id < e->capwire && e->wire[s->id]) ?
	    e->wire[s->id] - 1 : declare(e, s);
	size_t max, i, from = r->raw ? r->raw_n : 0, strs = 0, budget;
	unsigned char *d, *p, *q;

	max = 5 + 8 + 11 * (size_t)s->n + (r->raw ? r->rawlen : 0);
	budget = PUT_REC_BUDGET;
	for (;;) {
		d = begin_frame(e, CORE_FR_DATA, max + budget);
		p = put_var(d, w);
		if (r->raw) {
			/* The decoded body as it came, then any appended
			 * values. */
			memcpy(p, r->raw, r->rawlen);
			p += r->rawlen;
		} else {
			p = put_u64(p, (uint64_t)r->time);
		}
		if ((q = put_values(p, r->v, from, s->n, budget)) != NULL)
			break;
		/* Over the guess: add up the strings and reserve that. */
		for (i = from; i < s->n; i++)
			if (r->v[i].type >= CORE_DOUBLE &&
			    r->v[i].type != CORE_TIME)
				strs += r->v[i].len;
		budget = strs;
	}
	end_frame(e, d, q);
}

void
core_frame_put_wm(struct core_frame_enc *e, int64_t wm)
{
	unsigned char *d = begin_frame(e, CORE_FR_WM, 8);

	end_frame(e, d, put_u64(d, (uint64_t)wm));
}

void
core_frame_put_close(struct core_frame_enc *e, const struct core_window *w)
{
	unsigned char *d = begin_frame(e, CORE_FR_CLOSE, 24);
	unsigned char *p = put_u64(d, (uint64_t)w->start);

	p = put_u64(p, (uint64_t)w->end);
	end_frame(e, d, put_u64(p, (uint64_t)w->retain));
}

void
core_frame_put_barrier(struct core_frame_enc *e, uint64_t id)
{
	unsigned char *d = begin_frame(e, CORE_FR_BARRIER, 8);

	end_frame(e, d, put_u64(d, id));
}

void
core_frame_put_end(struct core_frame_enc *e)
{
	unsigned char *d = begin_frame(e, CORE_FR_END, 0);

	end_frame(e, d, d);
}

/* ---- decoder ---------------------------------------------------------- */

void
core_frame_dec_init(struct core_frame_dec *d, uint32_t max_frame)
{
	memset(d, 0, sizeof(*d));
	d->max_frame = max_frame ? max_frame : CORE_FRAME_MAX_DEFAULT;
}

static void
drop_wants(struct core_frame_dec *d)
{
	size_t i;

	for (i = 0; i < d->capwant; i++) {
		free(d->wantmap[i].idx);
		d->wantmap[i].idx = NULL;
		d->wantmap[i].nidx = 0;
	}
}

/* Works out what a lazy decoder reads of schema s, declared as wire id. */
static void
set_want(struct core_frame_dec *d, size_t id, const struct core_schema *s)
{
	struct core_frame_want *w;
	size_t i, j;

	if (id >= d->capwant) {
		size_t old = d->capwant;

		d->wantmap = core_xgrow(d->wantmap, &d->capwant, id + 1,
		    sizeof(*d->wantmap));
		memset(d->wantmap + old, 0, (d->capwant - old) *
		    sizeof(*d->wantmap));
	}
	w = &d->wantmap[id];
	free(w->idx);
	w->idx = core_xcalloc(s->n ? s->n : 1, sizeof(*w->idx));
	w->nidx = 0;
	for (i = 0; i < s->n; i++)
		for (j = 0; j < d->nwant; j++)
			if (s->f[i] == d->want[j]) {
				w->idx[w->nidx++] = (uint32_t)i;
				break;
			}
	/* Stepping over a value costs about half of decoding it: when most
	 * are read anyway, reading them all is cheaper (and checks all). */
	w->all = 2 * (size_t)w->nidx >= s->n && s->n > 0;
}

void
core_frame_dec_want(struct core_frame_dec *d,
    const struct core_sym *const *want, size_t n)
{
	size_t i;

	free(d->want);
	d->want = core_xcalloc(n ? n : 1, sizeof(*d->want));
	if (n)
		memcpy(d->want, want, n * sizeof(*want));
	d->nwant = n;
	d->lazy = 1;
	for (i = 0; i < d->capmap; i++)
		if (d->map[i])
			set_want(d, i, d->map[i]);
}

void
core_frame_dec_release(struct core_frame_dec *d)
{
	drop_wants(d);
	free(d->wantmap);
	free(d->want);
	free(d->map);
	free(d->vals);
	memset(d, 0, sizeof(*d));
}

int
core_frame_sniff(const void *p, size_t len)
{
	size_t n = len < CORE_FRAME_MAGIC_LEN ? len : CORE_FRAME_MAGIC_LEN;

	if (memcmp(p, CORE_FRAME_MAGIC, n) != 0)
		return 0;
	return len < CORE_FRAME_MAGIC_LEN ? -1 : 1;
}

static size_t
bad(struct core_frame_dec *d, struct core_event *ev, size_t off, int fatal,
    size_t consumed, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static size_t
bad(struct core_frame_dec *d, struct core_event *ev, size_t off, int fatal,
    size_t consumed, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d->reason, sizeof(d->reason), fmt, ap);
	va_end(ap);
	ev->kind = CORE_EV_BAD;
	ev->reason = d->reason;
	ev->raw = NULL;
	ev->rawlen = 0;
	ev->line = 0;
	ev->col = 0;
	ev->off = off;
	ev->fatal = fatal;
	return consumed;
}

static size_t
decode_header(struct core_frame_dec *d, const unsigned char *p, size_t len,
    int at_eof, struct core_event *ev)
{
	const unsigned char *nl;
	size_t i, n = len < CORE_FRAME_HEADER_MAX ? len : CORE_FRAME_HEADER_MAX;
	unsigned long ver = 0;

	if (d->seen_end && core_frame_sniff(p, len) == 0)
		return bad(d, ev, 0, 1, len, "data after the end-of-stream "
		    "frame");
	if (len < CORE_FRAME_MAGIC_LEN ||
	    (nl = memchr(p, '\n', n)) == NULL) {
		if (!at_eof && len < CORE_FRAME_HEADER_MAX)
			return 0;
		if (len >= CORE_FRAME_MAGIC_LEN && core_frame_sniff(p, len) &&
		    !at_eof)
			return bad(d, ev, 0, 1, len,
			    "frame stream header longer than %d bytes",
			    CORE_FRAME_HEADER_MAX);
		return bad(d, ev, 0, 1, len ? len : 1,
		    "truncated frame stream header");
	}
	if (core_frame_sniff(p, len) != 1)
		return bad(d, ev, 0, 1, len, d->seen_end ? "data after the "
		    "end-of-stream frame" : "not a frame stream");
	for (i = CORE_FRAME_MAGIC_LEN; p + i < nl && p[i] >= '0' &&
	    p[i] <= '9' && ver < 100000; i++)
		ver = ver * 10 + (p[i] - '0');
	if (i == CORE_FRAME_MAGIC_LEN)
		return bad(d, ev, i, 1, len, "frame stream header has no "
		    "version");
	if (ver != CORE_FRAME_VERSION)
		return bad(d, ev, 0, 1, len, "frame stream version %lu, but "
		    "this tool reads version %d: use tools of the same "
		    "release on both ends", ver, CORE_FRAME_VERSION);
	d->header_seen = 1;
	ev->kind = CORE_EV_NONE;
	return (size_t)(nl - p) + 1;
}

static size_t
decode_schema(struct core_frame_dec *d, const unsigned char *p,
    const unsigned char *end, size_t total, struct core_event *ev)
{
	const struct core_sym **f = NULL;
	const struct core_schema *s;
	const unsigned char *q = p;
	uint64_t id, n, len, i;
	size_t capf = 0;

	if ((q = get_var(q, end, &id)) == NULL || id >= CORE_FRAME_MAX_SCHEMA_ID)
		return bad(d, ev, 5, 0, total, "bad schema id in schema frame");
	if ((q = get_var(q, end, &n)) == NULL || n > CORE_MAX_FIELDS ||
	    n > (uint64_t)(end - q))
		return bad(d, ev, 5, 0, total, "bad field count in schema "
		    "frame");
	f = core_xgrow(NULL, &capf, n ? n : 1, sizeof(*f));
	for (i = 0; i < n; i++) {
		size_t at = (size_t)(q - p) + 5;

		if ((q = get_var(q, end, &len)) == NULL ||
		    len > (uint64_t)(end - q)) {
			free(f);
			return bad(d, ev, at, 0, total, "truncated field name "
			    "in schema frame");
		}
		if (!core_utf8_valid((const char *)q, len)) {
			free(f);
			return bad(d, ev, at, 0, total, "field name is not "
			    "valid UTF-8 in schema frame");
		}
		if ((f[i] = core_sym_intern((const char *)q, len)) == NULL) {
			free(f);
			return bad(d, ev, at, 1, total, "too many distinct "
			    "field names");
		}
		q += len;
	}
	if (q != end) {
		free(f);
		return bad(d, ev, (size_t)(q - p) + 5, 0, total,
		    "trailing bytes in schema frame");
	}
	s = core_schema_intern(f, (uint32_t)n);
	if (s == NULL) {
		int full = core_schema_count() >= CORE_MAX_SCHEMAS;

		free(f);
		return bad(d, ev, 5, full, total, full ? "too many distinct "
		    "field sets" : "duplicate field names in schema frame");
	}
	free(f);
	if (id >= d->capmap) {
		size_t old = d->capmap;

		d->map = core_xgrow(d->map, &d->capmap, id + 1, sizeof(*d->map));
		memset(d->map + old, 0, (d->capmap - old) * sizeof(*d->map));
	}
	d->map[id] = s;
	if (d->lazy)
		set_want(d, id, s);
	ev->kind = CORE_EV_NONE;
	return total;
}

/* Why value decoding stopped; the offset is where q was left. */
enum vals_err {
	VE_OK, VE_FEWER, VE_TRUNC, VE_BADINT, VE_BADNUM, VE_BADJSON, VE_BADTAG
};

/* Decodes and checks one value at q (q < end); returns the byte after
 * it, or NULL with *err set and *qp at the fault. */
static inline __attribute__((always_inline)) const unsigned char *
decode_one(const unsigned char *q, const unsigned char *end,
    struct core_value *v, enum vals_err *err, const unsigned char **qp)
{
	struct core_json_err je;
	unsigned tag = *q++;
	uint64_t u, len;

	if (tag == CORE_TAG_STR || tag == CORE_TAG_NUMTEXT ||
	    tag == CORE_TAG_JSON) {
		if (q < end && *q < 0x80)
			len = *q++;
		else if ((q = get_var_slow(q, end, &len)) == NULL)
			goto truncated;
		if (len > (uint64_t)(end - q))
			goto truncated;
		v->type = tag == CORE_TAG_STR ? CORE_STR : tag ==
		    CORE_TAG_JSON ? CORE_JSON : CORE_DOUBLE;
		v->flags = 0;
		v->len = (uint32_t)len;
		v->u.s = (const char *)q;
		if (tag == CORE_TAG_NUMTEXT) {
			v->flags = CORE_VF_TEXT;
			if (!is_number(q, len)) {
				*err = VE_BADNUM;
				*qp = q;
				return NULL;
			}
		} else if (tag == CORE_TAG_JSON &&
		    (len == 0 || (*q != '{' && *q != '[') ||
		    core_json_validate(v->u.s, len, &je) < 0)) {
			*err = VE_BADJSON;
			*qp = q;
			return NULL;
		}
		return q + len;
	}
	v->flags = 0;
	v->len = 0;
	switch (tag) {
	case CORE_TAG_INT:
		if ((q = get_var(q, end, &u)) == NULL) {
			*err = VE_BADINT;
			*qp = end;
			return NULL;
		}
		v->type = CORE_INT;
		v->u.i = unzigzag(u);
		return q;
	case CORE_TAG_NULL:
		v->type = CORE_NULL;
		return q;
	case CORE_TAG_FALSE:
	case CORE_TAG_TRUE:
		v->type = CORE_BOOL;
		v->u.i = tag == CORE_TAG_TRUE;
		return q;
	case CORE_TAG_DOUBLE:
	case CORE_TAG_TIME:
		if (end - q < 8)
			goto truncated;
		v->type = tag == CORE_TAG_TIME ? CORE_TIME : CORE_DOUBLE;
		memcpy(&v->u, q, 8);
		return q + 8;
	default:
		*err = VE_BADTAG;
		*qp = q - 1;
		return NULL;
	}
truncated:
	*err = VE_TRUNC;
	*qp = end;
	return NULL;
}

/*
 * Steps over one value at q (q < end) without decoding or checking more
 * than its length; returns the byte after it, NULL if it runs past end or
 * has an unknown tag.
 */
static inline const unsigned char *
skip_one(const unsigned char *q, const unsigned char *end)
{
	unsigned tag = *q;
	uint64_t len;

	if (tag == CORE_TAG_STR || tag == CORE_TAG_NUMTEXT ||
	    tag == CORE_TAG_JSON) {
		if (end - q > 1 && q[1] < 0x80)
			len = q[1], q += 2;
		else if ((q = get_var_slow(q + 1, end, &len)) == NULL)
			return NULL;
		return len > (uint64_t)(end - q) ? NULL : q + len;
	}
	if (tag <= CORE_TAG_TRUE)
		return q + 1;
	if (tag == CORE_TAG_TIME || tag == CORE_TAG_DOUBLE)
		return end - q < 9 ? NULL : q + 9;
	if (tag != CORE_TAG_INT)
		return NULL;
	for (q++; q < end; q++)
		if (!(*q & 0x80))
			return q + 1;
	return NULL;
}

/* Decodes and checks values v[0..n) from *qp; *at is the value it
 * stopped at. */
static inline __attribute__((always_inline)) enum vals_err
decode_all(uint32_t n, const unsigned char **qp, const unsigned char *end,
    struct core_value *vals, uint32_t *at)
{
	const unsigned char *q = *qp;
	enum vals_err err = VE_OK;
	uint32_t i;

	/* The hot loop of every tool. */
	for (i = 0; i < n; i++) {
		if (q >= end) {
			err = VE_FEWER;
			break;
		}
		if ((q = decode_one(q, end, &vals[i], &err, qp)) == NULL) {
			*at = i;
			return err;
		}
	}
	*qp = q;
	*at = i;
	return err;
}

/*
 * A lazy decoder's values: those of w->idx decoded and checked, the ones
 * between stepped over, those after the last one read not walked; all
 * not decoded marked CORE_VF_LAZY (null until core_rec_full).
 */
static enum vals_err
decode_some(const struct core_schema *s, const struct core_frame_want *w,
    const unsigned char **qp, const unsigned char *end,
    struct core_value *vals)
{
	const unsigned char *q = *qp;
	const uint32_t *idx = w->idx;
	uint32_t i = 0, k, n = s->n, nidx = w->nidx;
	enum vals_err err = VE_OK;

	/* Locals throughout: the byte-sized stores below may alias any
	 * memory, so nothing is re-read through a pointer after them. */
	for (k = 0; k < nidx; k++) {
		uint32_t t = idx[k];

		for (; i < t; i++) {
			if (q >= end || (q = skip_one(q, end)) == NULL)
				goto skipfail;
			vals[i].type = CORE_NULL;
			vals[i].flags = CORE_VF_LAZY;
		}
		if (q >= end) {
			*qp = q;
			return VE_FEWER;
		}
		if ((q = decode_one(q, end, &vals[t], &err, qp)) == NULL)
			return err;
		i = t + 1;
	}
	for (; i < n; i++) {
		vals[i].type = CORE_NULL;
		vals[i].flags = CORE_VF_LAZY;
	}
	*qp = q;
	return VE_OK;
skipfail:
	/* Decode them all to say what is wrong, and where. */
	return decode_all(s->n, qp, end, vals, &k);
}

static size_t
decode_data(struct core_frame_dec *d, const unsigned char *p,
    const unsigned char *end, size_t total, struct core_event *ev)
{
	const struct core_schema *s;
	const unsigned char *q = p, *body;
	const struct core_frame_want *w = NULL;
	enum vals_err err;
	uint64_t id;
	uint32_t at;

	if ((q = get_var(q, end, &id)) == NULL || id >= d->capmap ||
	    (s = d->map[id]) == NULL)
		return bad(d, ev, 5, 0, total, "data frame refers to an "
		    "undeclared schema");
	if (end - q < 8)
		return bad(d, ev, 5, 0, total, "truncated data frame");
	body = q;
	ev->rec.time = (int64_t)get_u64(q);
	q += 8;
	if (s->n > d->capvals)
		d->vals = core_xgrow(d->vals, &d->capvals, s->n,
		    sizeof(*d->vals));
	if (d->lazy && !d->wantmap[id].all) {
		w = &d->wantmap[id];
		err = decode_some(s, w, &q, end, d->vals);
	} else {
		err = decode_all(s->n, &q, end, d->vals, &at);
	}
	switch (err) {
	case VE_OK:
		break;
	case VE_FEWER:
		return bad(d, ev, (size_t)(q - p) + 5, 0, total, "data frame "
		    "has fewer values than its schema");
	case VE_TRUNC:
		return bad(d, ev, total, 0, total, "truncated value in data "
		    "frame");
	case VE_BADINT:
		return bad(d, ev, total, 0, total, "bad integer in data frame");
	case VE_BADNUM:
		return bad(d, ev, (size_t)(q - p) + 5, 0, total, "bad number "
		    "text in data frame");
	case VE_BADJSON:
		return bad(d, ev, (size_t)(q - p) + 5, 0, total, "bad JSON "
		    "value in data frame");
	case VE_BADTAG:
		return bad(d, ev, (size_t)(q - p) + 5, 0, total, "unknown "
		    "value tag %u in data frame", *q);
	}
	/* Values passed on unread are checked by whoever reads them. */
	if ((w == NULL || (w->nidx && w->idx[w->nidx - 1] == s->n - 1)) &&
	    q != end)
		return bad(d, ev, (size_t)(q - p) + 5, 0, total, "data frame "
		    "has more values than its schema");
	ev->kind = CORE_EV_REC;
	ev->rec.schema = s;
	ev->rec.v = d->vals;
	ev->rec.raw = body;
	ev->rec.rawlen = (uint32_t)(end - body);
	ev->rec.raw_n = s->n;
	ev->rec.lazy = w != NULL;
	return total;
}

void
core_rec_full(const struct core_rec *r)
{
	static int warned;
	const unsigned char *q, *end;
	enum vals_err err;
	uint32_t i, at;

	if (!r->lazy || r->raw == NULL)
		return;
	((struct core_rec *)r)->lazy = 0;
	q = r->raw + 8;
	end = r->raw + r->rawlen;
	err = decode_all(r->raw_n, &q, end, r->v, &at);
	if (err == VE_OK && q == end)
		return;
	/* A value this tool passed over when it decoded the frame is bad:
	 * the record was taken, so the values from there on that were not
	 * read become null. */
	for (i = at; i < r->raw_n; i++)
		if (i == at || (r->v[i].flags & CORE_VF_LAZY))
			r->v[i] = core_v_null();
	if (!warned++)
		core_warnx("a data frame holds a bad value in a field read "
		    "late; the bad values became null");
}

size_t
core_frame_decode(struct core_frame_dec *d, const unsigned char *p,
    size_t len, int at_eof, struct core_event *ev)
{
	const unsigned char *pl, *end;
	uint32_t plen;
	size_t total;

	if (!d->header_seen)
		return decode_header(d, p, len, at_eof, ev);
	if (len < 5) {
		if (!at_eof)
			return 0;
		return bad(d, ev, 0, 1, len, "truncated frame header "
		    "(%zu of 5 bytes)", len);
	}
	plen = get_u32(p + 1);
	if (plen > d->max_frame)
		return bad(d, ev, 0, 1, len, "frame of %u bytes exceeds the "
		    "limit of %u bytes", plen, d->max_frame);
	total = 5 + (size_t)plen;
	if (len < total) {
		if (!at_eof)
			return 0;
		return bad(d, ev, 0, 1, len, "truncated frame (%zu of %zu "
		    "bytes)", len, total);
	}
	pl = p + 5;
	end = pl + plen;
	switch (p[0]) {
	case CORE_FR_SCHEMA:
		return decode_schema(d, pl, end, total, ev);
	case CORE_FR_DATA:
		return decode_data(d, pl, end, total, ev);
	case CORE_FR_WM:
		if (plen != 8)
			return bad(d, ev, 0, 0, total, "bad watermark frame");
		ev->kind = CORE_EV_WM;
		ev->wm = (int64_t)get_u64(pl);
		return total;
	case CORE_FR_CLOSE:
		if (plen != 24)
			return bad(d, ev, 0, 0, total, "bad window-close "
			    "frame");
		ev->kind = CORE_EV_CLOSE;
		ev->win.start = (int64_t)get_u64(pl);
		ev->win.end = (int64_t)get_u64(pl + 8);
		ev->win.retain = (int64_t)get_u64(pl + 16);
		if (ev->win.end < ev->win.start)
			return bad(d, ev, 0, 0, total, "window-close frame "
			    "ends before it starts");
		return total;
	case CORE_FR_BARRIER:
		if (plen != 8)
			return bad(d, ev, 0, 0, total, "bad barrier frame");
		ev->kind = CORE_EV_BARRIER;
		ev->barrier = get_u64(pl);
		return total;
	case CORE_FR_END:
		if (plen != 0)
			return bad(d, ev, 0, 0, total, "bad end-of-stream "
			    "frame");
		/* Another stream may follow (cat a.frames b.frames): it
		 * starts with its own header and declares its own schemas. */
		d->header_seen = 0;
		d->seen_end = 1;
		if (d->map)
			memset(d->map, 0, d->capmap * sizeof(*d->map));
		drop_wants(d);
		ev->kind = CORE_EV_END;
		return total;
	default:
		return bad(d, ev, 0, 0, total, "unknown frame type 0x%02x",
		    p[0]);
	}
}
