/* SPDX-License-Identifier: MIT */
/* Records as Prometheus metrics: the latest value per series, as text. */
#include "libcore/prom.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "libcore/buf.h"
#include "libcore/event.h"
#include "libcore/json.h"
#include "libcore/kmap.h"
#include "libcore/xalloc.h"

/* A series: the kmap's keys are its metric name and its label text. */
struct series {
	const struct core_sym *field;   /* the field it came from (# HELP) */
	int64_t time;                   /* event time of the last update */
	int isint;
	int64_t i;
	double d;
};

/* A label of the record at hand: offsets into the scratch buffer. */
struct label {
	size_t name, nlen, val, vlen;
	size_t idx;                     /* the field's place in the record */
	const char *base;
};

struct core_prom {
	char *prefix;
	int64_t ttl;
	struct core_kmap *m;
	const struct core_sym **labels, **ignore;
	size_t nlabels, caplabels, nignore, capignore;
	/* Names made valid, by symbol id (NULL: not made yet). */
	char **mname, **lname;
	size_t capmname, caplname;
	int64_t clock;
	int have_clock;
	int64_t wm;
	int have_wm;
	uint64_t nrec, bad, expired;
	struct core_buf scratch;        /* the labels' names and values */
	struct core_buf text;           /* the record's label text */
	struct core_buf tmp;
	struct label *lab;
	size_t caplab;
};

static int
is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

void
core_prom_name(struct core_buf *b, const char *p, size_t len, int first,
    int label)
{
	size_t start = b->len, i, j;

	if (first && len == 0) {
		core_buf_addc(b, '_');
		return;
	}
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];

		if (i == 0 && first && is_digit(c))
			core_buf_addc(b, '_');
		core_buf_addc(b, is_alpha(c) || is_digit(c) ? c : '_');
	}
	if (!label || !first || b->len - start < 2 || b->p[start] != '_' ||
	    b->p[start + 1] != '_')
		return;
	/* "__x" is Prometheus' own: one '_' is left. */
	for (j = start + 1; j < b->len && b->p[j] == '_'; j++)
		;
	memmove(b->p + start + 1, b->p + j, b->len - j);
	b->len -= j - start - 1;
	b->p[b->len] = '\0';
}

int
core_prom_prefix_ok(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (!is_alpha(s[i]) && s[i] != ':' && (i == 0 ||
		    !is_digit(s[i])))
			return 0;
	return 1;
}

/* The length of the UTF-8 sequence at p[0..n), or 0 when it is not one. */
static size_t
utf8_len(const char *p, size_t n)
{
	unsigned char c = (unsigned char)p[0];
	size_t want = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 :
	    c >= 0xf0 && c <= 0xf4 ? 4 : 0;

	return want && want <= n && core_utf8_valid(p, want) ? want : 0;
}

void
core_prom_escape(struct core_buf *b, const char *p, size_t len)
{
	int valid = core_utf8_valid(p, len);
	size_t i, n;

	for (i = 0; i < len; i++) {
		if (p[i] == '\\')
			core_buf_add(b, "\\\\", 2);
		else if (p[i] == '"')
			core_buf_add(b, "\\\"", 2);
		else if (p[i] == '\n')
			core_buf_add(b, "\\n", 2);
		else if (valid || (unsigned char)p[i] < 0x80)
			core_buf_addc(b, p[i]);
		else if ((n = utf8_len(p + i, len - i)) > 0) {
			core_buf_add(b, p + i, n);
			i += n - 1;
		} else {
			/* The format is UTF-8: a bad byte would fail the
			 * whole scrape. */
			core_buf_add(b, "\xef\xbf\xbd", 3);
		}
	}
}

/* # HELP text escapes only \\ and \n. */
static void
help_escape(struct core_buf *b, const char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (p[i] == '\\')
			core_buf_add(b, "\\\\", 2);
		else if (p[i] == '\n')
			core_buf_add(b, "\\n", 2);
		else
			core_buf_addc(b, p[i]);
	}
}

void
core_prom_double(struct core_buf *b, double d)
{
	char num[CORE_DBL_BUFSZ];

	if (isnan(d))
		core_buf_addstr(b, "NaN");
	else if (isinf(d))
		core_buf_addstr(b, d > 0 ? "+Inf" : "-Inf");
	else
		core_buf_add(b, num, core_double_format(d, num));
}

struct core_prom *
core_prom_new(const char *prefix, int64_t ttl)
{
	struct core_prom *p = core_xcalloc(1, sizeof(*p));

	p->prefix = core_xstrdup(prefix);
	p->ttl = ttl;
	p->m = core_kmap_new(2, sizeof(struct series));
	core_buf_init(&p->scratch);
	core_buf_init(&p->text);
	core_buf_init(&p->tmp);
	return p;
}

void
core_prom_free(struct core_prom *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->capmname; i++)
		free(p->mname[i]);
	for (i = 0; i < p->caplname; i++)
		free(p->lname[i]);
	free(p->mname);
	free(p->lname);
	free(p->labels);
	free(p->ignore);
	free(p->lab);
	core_kmap_free(p->m, NULL);
	core_buf_release(&p->scratch);
	core_buf_release(&p->text);
	core_buf_release(&p->tmp);
	free(p->prefix);
	free(p);
}

static void
sym_add(const struct core_sym ***v, size_t *n, size_t *cap, const char *name)
{
	const struct core_sym *s = core_sym_str(name);

	if (s == NULL)
		return;    /* the symbol table is full: no record has it */
	*v = core_xgrow(*v, cap, *n + 1, sizeof(**v));
	(*v)[(*n)++] = s;
}

void
core_prom_label(struct core_prom *p, const char *name)
{
	sym_add(&p->labels, &p->nlabels, &p->caplabels, name);
}

void
core_prom_ignore(struct core_prom *p, const char *name)
{
	sym_add(&p->ignore, &p->nignore, &p->capignore, name);
}

static int
sym_in(const struct core_sym *const *v, size_t n, const struct core_sym *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i] == s)
			return 1;
	return 0;
}

/* The valid name for field s, made once: a metric name, or a label's. */
static const char *
name_of(struct core_prom *p, const struct core_sym *s, int label)
{
	char ***cache = label ? &p->lname : &p->mname;
	size_t *cap = label ? &p->caplname : &p->capmname;

	if (s->id >= *cap) {
		size_t old = *cap;

		*cache = core_xgrow(*cache, cap, (size_t)s->id + 1,
		    sizeof(**cache));
		memset(*cache + old, 0, (*cap - old) * sizeof(**cache));
	}
	if ((*cache)[s->id] == NULL) {
		struct core_buf b = CORE_BUF_INIT;

		if (!label)
			core_buf_addstr(&b, p->prefix);
		core_prom_name(&b, s->name, s->len, label || p->prefix[0] ==
		    '\0', label);
		(*cache)[s->id] = core_buf_detach(&b, NULL);
	}
	return (*cache)[s->id];
}

static void
tick(struct core_prom *p, int64_t t)
{
	if (!p->have_clock || t > p->clock)
		p->clock = t;
	p->have_clock = 1;
}

static int
label_cmp(const void *a, const void *b)
{
	const struct label *x = a, *y = b;
	size_t n = x->nlen < y->nlen ? x->nlen : y->nlen;
	int c = memcmp(x->base + x->name, y->base + y->name, n);

	if (c)
		return c;
	if (x->nlen != y->nlen)
		return x->nlen < y->nlen ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Whether field s, holding v, is a label (a null one never is). */
static int
is_label(struct core_prom *p, const struct core_sym *s,
    const struct core_value *v)
{
	if (v->type == CORE_NULL || sym_in(p->ignore, p->nignore, s))
		return 0;
	return v->type == CORE_STR || sym_in(p->labels, p->nlabels, s);
}

/* r's label text into p->text: name="value" pairs sorted by name, the
 * first field of a name winning. */
static void
label_text(struct core_prom *p, const struct core_rec *r)
{
	size_t i, n = 0, nf = r->schema->n;

	core_buf_reset(&p->scratch);
	core_buf_reset(&p->text);
	for (i = 0; i < nf; i++) {
		const struct core_sym *s = r->schema->f[i];
		const struct core_value *v = &r->v[i];
		const char *name;
		struct label *l;

		if (!is_label(p, s, v))
			continue;
		name = name_of(p, s, 1);
		p->lab = core_xgrow(p->lab, &p->caplab, n + 1, sizeof(*p->lab));
		l = &p->lab[n++];
		l->idx = i;
		l->name = p->scratch.len;
		l->nlen = strlen(name);
		core_buf_add(&p->scratch, name, l->nlen);
		l->val = p->scratch.len;
		if (v->type == CORE_STR) {
			core_prom_escape(&p->scratch, v->u.s, v->len);
		} else {
			core_buf_reset(&p->tmp);
			core_value_text(&p->tmp, v);
			core_prom_escape(&p->scratch, p->tmp.p, p->tmp.len);
		}
		l->vlen = p->scratch.len - l->val;
	}
	for (i = 0; i < n; i++)
		p->lab[i].base = p->scratch.p;
	core_sort(p->lab, n, sizeof(*p->lab), label_cmp);
	for (i = 0; i < n; i++) {
		const struct label *l = &p->lab[i];

		if (i > 0 && l->nlen == l[-1].nlen && memcmp(l->base + l->name,
		    l[-1].base + l[-1].name, l->nlen) == 0)
			continue;
		if (p->text.len)
			core_buf_addc(&p->text, ',');
		core_buf_add(&p->text, l->base + l->name, l->nlen);
		core_buf_add(&p->text, "=\"", 2);
		core_buf_add(&p->text, l->base + l->val, l->vlen);
		core_buf_addc(&p->text, '"');
	}
}

void
core_prom_rec(struct core_prom *p, const struct core_rec *r)
{
	size_t i, nf = r->schema->n;
	int labelled = 0;

	p->nrec++;
	tick(p, r->time);
	for (i = 0; i < nf; i++) {
		const struct core_sym *s = r->schema->f[i];
		const struct core_value *v = &r->v[i];
		struct core_value keys[2];
		struct series *se;
		const char *name;
		int created;

		if (v->type != CORE_INT && v->type != CORE_DOUBLE &&
		    v->type != CORE_BOOL)
			continue;
		if (sym_in(p->ignore, p->nignore, s) ||
		    sym_in(p->labels, p->nlabels, s))
			continue;
		if (!labelled) {
			label_text(p, r);
			labelled = 1;
		}
		name = name_of(p, s, 0);
		keys[0] = core_v_str(name, strlen(name));
		keys[1] = core_v_str(p->text.len ? p->text.p : "",
		    p->text.len);
		se = core_kmap_get(p->m, core_key_hash(keys, 2), keys,
		    &created);
		if (created)
			se->field = s;
		se->time = r->time;
		se->isint = v->type != CORE_DOUBLE;
		if (se->isint)
			se->i = v->u.i;
		else
			se->d = core_value_double(v);
	}
}

void
core_prom_wm(struct core_prom *p, int64_t wm)
{
	p->wm = wm;
	p->have_wm = 1;
	if (wm != CORE_WM_MAX && wm != CORE_WM_MIN)
		tick(p, wm);
}

void
core_prom_set_bad(struct core_prom *p, uint64_t n)
{
	p->bad = n;
}

size_t
core_prom_len(const struct core_prom *p)
{
	return core_kmap_len(p->m);
}

size_t
core_prom_expire(struct core_prom *p)
{
	void **all;
	size_t i, n, gone = 0;
	int64_t limit;

	if (p->ttl <= 0 || !p->have_clock)
		return 0;
	/* Older than clock - ttl, without overflow. */
	if (p->clock < INT64_MIN + p->ttl)
		return 0;
	limit = p->clock - p->ttl;
	all = core_kmap_all(p->m, &n);
	for (i = 0; i < n; i++) {
		struct series *se = all[i];

		if (se->time < limit) {
			core_kmap_del(p->m, se);
			gone++;
		}
	}
	free(all);
	p->expired += gone;
	return gone;
}

/* For sorting: the map whose keys the entries are. */
static const struct core_kmap *sort_map;

static int
key_cmp(const struct core_value *a, const struct core_value *b)
{
	size_t n = a->len < b->len ? a->len : b->len;
	int c = n ? memcmp(a->u.s, b->u.s, n) : 0;

	if (c)
		return c;
	return a->len < b->len ? -1 : a->len > b->len;
}

static int
series_cmp(const void *a, const void *b)
{
	const struct core_value *x = core_kmap_keys(sort_map,
	    *(void *const *)a);
	const struct core_value *y = core_kmap_keys(sort_map,
	    *(void *const *)b);
	int c = key_cmp(&x[0], &y[0]);

	return c ? c : key_cmp(&x[1], &y[1]);
}

static void
family(struct core_buf *b, const char *name, const char *type,
    const char *help)
{
	core_buf_addf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name,
	    type);
}

static void
self_u64(struct core_buf *b, const char *name, const char *type,
    const char *help, uint64_t v)
{
	family(b, name, type, help);
	core_buf_addf(b, "%s %" PRIu64 "\n", name, v);
}

static void
self_time(struct core_buf *b, const char *name, const char *help, int64_t t)
{
	family(b, name, "gauge", help);
	core_buf_addf(b, "%s ", name);
	if (t == CORE_WM_MAX)
		core_prom_double(b, INFINITY);
	else if (t == CORE_WM_MIN)
		core_prom_double(b, -INFINITY);
	else
		core_prom_double(b, (double)t / 1e9);
	core_buf_addc(b, '\n');
}

void
core_prom_render(struct core_prom *p, struct core_buf *b)
{
	void **all;
	size_t i, n;
	const struct core_value *prev = NULL;

	core_prom_expire(p);
	all = core_kmap_all(p->m, &n);
	sort_map = p->m;
	core_sort(all, n, sizeof(*all), series_cmp);
	for (i = 0; i < n; i++) {
		const struct series *se = all[i];
		const struct core_value *k = core_kmap_keys(p->m, se);

		if (prev == NULL || key_cmp(&prev[0], &k[0]) != 0) {
			/* Keys are not NUL-terminated. */
			int nl = (int)k[0].len;

			core_buf_addf(b, "# HELP %.*s Field ", nl, k[0].u.s);
			help_escape(b, se->field->name, se->field->len);
			core_buf_addf(b, " of the records, the latest value "
			    "per label set.\n# TYPE %.*s gauge\n", nl,
			    k[0].u.s);
		}
		prev = k;
		core_buf_add(b, k[0].u.s, k[0].len);
		if (k[1].len) {
			core_buf_addc(b, '{');
			core_buf_add(b, k[1].u.s, k[1].len);
			core_buf_addc(b, '}');
		}
		core_buf_addc(b, ' ');
		if (se->isint)
			core_buf_addf(b, "%" PRId64, se->i);
		else
			core_prom_double(b, se->d);
		core_buf_addc(b, '\n');
	}
	free(all);
	self_u64(b, "streamutils_sink_bad_records_total", "counter",
	    "Bad input records skipped.", p->bad);
	if (p->have_clock)
		self_time(b, "streamutils_sink_event_time_seconds", "The latest "
		    "event time of a record or watermark, Unix time.", p->clock);
	self_u64(b, "streamutils_sink_records_total", "counter",
	    "Records read.", p->nrec);
	self_u64(b, "streamutils_sink_series", "gauge",
	    "Series of record fields exposed.", (uint64_t)n);
	self_u64(b, "streamutils_sink_series_expired_total", "counter",
	    "Series dropped for not being updated within the ttl.",
	    p->expired);
	if (p->have_wm)
		self_time(b, "streamutils_sink_watermark_seconds", "The latest "
		    "watermark, Unix time (+Inf: the input ended).", p->wm);
}
