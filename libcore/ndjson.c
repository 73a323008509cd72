/* SPDX-License-Identifier: MIT */
/* NDJSON: one JSON object per line, read and written. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libcore/dec.h"
#include "libcore/fmt.h"
#include "libcore/json.h"
#include "libcore/writer.h"
#include "libcore/xalloc.h"

/* ---- reader ------------------------------------------------------------- */

struct dec_ndjson {
	struct core_dec base;
};

static enum core_ev
json_bad(struct core_dec *d, struct core_event *ev, const char *p,
    size_t len, uint64_t line, int64_t off, const struct core_json_err *e)
{
	return core_dec_bad(d, ev, p, len, line, e->pos + 1, off,
	    "bad JSON at column %zu: %s", e->pos + 1, e->msg);
}

/* memcmp for short keys without the call. */
static inline int
same_bytes(const char *a, const char *b, size_t n)
{
	uint64_t x, y;

	while (n >= 8) {
		memcpy(&x, a, 8);
		memcpy(&y, b, 8);
		if (x != y)
			return 0;
		a += 8;
		b += 8;
		n -= 8;
	}
	while (n--)
		if (*a++ != *b++)
			return 0;
	return 1;
}

/* Whether a name is printable ASCII without quote or backslash, so that
 * its JSON spelling is the name itself between quotes. */
static int
plain_name(const struct core_sym *s)
{
	static const struct core_sym *yes[64], *no[64];
	size_t i, slot = s->id & 63;

	if (yes[slot] == s)
		return 1;
	if (no[slot] == s)
		return 0;
	for (i = 0; i < s->len; i++) {
		unsigned char c = (unsigned char)s->name[i];

		if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
			no[slot] = s;
			return 0;
		}
	}
	yes[slot] = s;
	return 1;
}

static enum core_ev
ndjson_next(struct core_dec *d, struct core_event *ev)
{
	struct core_recb *rb = &d->rb;
	const struct core_schema *last;
	struct core_json_err e;
	const char *p, *q, *end, *k;
	const struct core_sym *sym;
	struct core_value v;
	size_t len, klen, i;
	uint64_t line;
	int64_t off;
	int r;

	core_arena_reset(&d->arena);
next_line:
	r = core_input_line(d->in, &p, &len, &line, &off);
	if (r == 0)
		return ev->kind = d->in->eof ? CORE_EV_EOF : CORE_EV_NONE;
	if (r == 2)
		return core_dec_bad(d, ev, p, len, line, 0, off,
		    "line longer than %zu bytes", d->in->max_rec);
	end = p + len;
	q = p;
	/* A byte order mark is allowed at the very start of the input. */
	if (off == 0 && len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		q += 3;
	q = core_json_ws(q, end);
	if (q == end)
		goto next_line;    /* blank lines are skipped (NDJSON) */
	if (*q != '{') {
		e.pos = (size_t)(q - p);
		e.msg = "expected a JSON object";
		return json_bad(d, ev, p, len, line, off, &e);
	}
	core_recb_reset(rb);
	last = rb->last;
	q = core_json_ws(q + 1, end);
	i = 0;
	if (q < end && *q == '}') {
		q++;
		goto done;
	}
	for (;;) {
		if (q >= end || *q != '"') {
			e.pos = (size_t)(q - p);
			e.msg = "expected a string key";
			return json_bad(d, ev, p, len, line, off, &e);
		}
		/* The keys usually repeat the last record's, in order: if
		 * the bytes are the expected name and its closing quote, the
		 * name had no escape (plain names have none) and is the
		 * same symbol.  Otherwise scan and intern it. */
		if (last && i < last->n && (size_t)(end - q) >
		    last->f[i]->len + 1 && q[last->f[i]->len + 1] == '"' &&
		    plain_name(last->f[i]) &&
		    same_bytes(q + 1, last->f[i]->name, last->f[i]->len)) {
			sym = last->f[i];
			q += last->f[i]->len + 2;
		} else {
			if (core_json_string(&q, end, &k, &klen, &d->arena, p,
			    &e) < 0)
				return json_bad(d, ev, p, len, line, off, &e);
			if ((sym = core_sym_intern(k, klen)) == NULL)
				return core_dec_bad(d, ev, p, len, line, 0, off,
				    "too many distinct field names");
		}
		q = core_json_ws(q, end);
		if (q >= end || *q != ':') {
			e.pos = (size_t)(q - p);
			e.msg = "expected ':'";
			return json_bad(d, ev, p, len, line, off, &e);
		}
		q = core_json_ws(q + 1, end);
		if (core_json_value(&q, end, &v, &d->arena, p, &e) < 0)
			return json_bad(d, ev, p, len, line, off, &e);
		if (core_recb_add(rb, sym, v) < 0)
			return core_dec_bad(d, ev, p, len, line, 0, off,
			    "more than %d fields", CORE_MAX_FIELDS);
		i++;
		q = core_json_ws(q, end);
		if (q < end && *q == ',') {
			q = core_json_ws(q + 1, end);
			continue;
		}
		if (q < end && *q == '}') {
			q++;
			break;
		}
		e.pos = (size_t)(q - p);
		e.msg = "expected ',' or '}'";
		return json_bad(d, ev, p, len, line, off, &e);
	}
done:
	q = core_json_ws(q, end);
	if (q != end) {
		e.pos = (size_t)(q - p);
		e.msg = "trailing characters after the object";
		return json_bad(d, ev, p, len, line, off, &e);
	}
	if (core_recb_finish(rb, &ev->rec, 0) < 0)
		return core_dec_bad(d, ev, p, len, line, 0, off,
		    "too many distinct field sets");
	ev->kind = CORE_EV_REC;
	ev->line = line;
	ev->off = (uint64_t)off;
	return CORE_EV_REC;
}

static void
ndjson_free(struct core_dec *d)
{
	core_dec_base_release(d);
	free(d);
}

static const struct core_dec_vtab ndjson_vt = { "ndjson", ndjson_next,
	ndjson_free };

struct core_dec *
core_dec_ndjson_new(struct core_input *in, const struct core_decopts *o)
{
	struct dec_ndjson *n = core_xcalloc(1, sizeof(*n));

	core_dec_base_init(&n->base, &ndjson_vt, in, o);
	return &n->base;
}

/* ---- writer ------------------------------------------------------------- */

/* The keys of a schema rendered once: "{\"a\":" then ",\"b\":" ... */
struct keys {
	uint32_t n;
	uint32_t *off;    /* n + 1 offsets into text */
	char *text;
};

static struct keys *
keys_of(const struct core_schema *s)
{
	struct keys *k = s->cache[CORE_SCACHE_NDJSON];
	size_t i, len = 0;
	char *d;

	if (k)
		return k;
	for (i = 0; i < s->n; i++)
		len += core_json_string_max(s->f[i]->len) + 2;
	k = core_xmalloc(sizeof(*k));
	k->n = s->n;
	k->off = core_xmalloc((s->n + 1) * sizeof(*k->off));
	k->text = core_xmalloc(len + 1);
	d = k->text;
	for (i = 0; i < s->n; i++) {
		k->off[i] = (uint32_t)(d - k->text);
		*d++ = i ? ',' : '{';
		d = core_json_put_string(d, s->f[i]->name, s->f[i]->len);
		*d++ = ':';
	}
	k->off[s->n] = (uint32_t)(d - k->text);
	((struct core_schema *)s)->cache[CORE_SCACHE_NDJSON] = k;
	return k;
}

static void
ndjson_rec(struct core_writer *w, const struct core_rec *r)
{
	struct keys *k = keys_of(r->schema);
	size_t max = k->off[k->n] + 3, i;
	char *d;

	for (i = 0; i < k->n; i++)
		max += core_fmt_json_value_max(&r->v[i]);
	d = core_out_reserve(w->out, max);
	if (k->n == 0)
		*d++ = '{';
	for (i = 0; i < k->n; i++) {
		size_t kl = k->off[i + 1] - k->off[i];

		memcpy(d, k->text + k->off[i], kl);
		d = core_fmt_json_value(d + kl, &r->v[i]);
	}
	*d++ = '}';
	*d++ = '\n';
	core_out_commit(w->out, d);
}

static void
ndjson_wfree(struct core_writer *w)
{
	free(w);
}

const struct core_writer_vtab core_writer_ndjson_vt = {
	"ndjson", ndjson_rec, NULL, NULL, NULL, NULL, NULL, ndjson_wfree
};

struct core_writer *
core_writer_ndjson_new(struct core_out *out, const struct core_wopts *o)
{
	struct core_writer *w = core_xcalloc(1, sizeof(*w));

	core_writer_base_init(w, &core_writer_ndjson_vt, out, o);
	return w;
}
