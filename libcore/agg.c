/* SPDX-License-Identifier: MIT */
/* Accumulators: count, sum, min, max, mean, var, stddev, first, last,
 * distinct, approx_distinct, percentiles, top-N, rate, histogram. */
#include "libcore/agg.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcore/arena.h"
#include "libcore/buf.h"
#include "libcore/fmt.h"
#include "libcore/json.h"
#include "libcore/kmap.h"
#include "libcore/sketch.h"
#include "libcore/xalloc.h"

/* ---- parsing ----------------------------------------------------------------- */

static const struct {
	const char *name;
	enum core_acc_kind kind;
	int field;    /* 0 none, 1 required, 2 optional */
} kinds[] = {
	{ "count", CORE_ACC_COUNT, 2 },
	{ "sum", CORE_ACC_SUM, 1 },
	{ "min", CORE_ACC_MIN, 1 },
	{ "max", CORE_ACC_MAX, 1 },
	{ "mean", CORE_ACC_MEAN, 1 },
	{ "avg", CORE_ACC_MEAN, 1 },
	{ "var", CORE_ACC_VAR, 1 },
	{ "stddev", CORE_ACC_STDDEV, 1 },
	{ "first", CORE_ACC_FIRST, 1 },
	{ "last", CORE_ACC_LAST, 1 },
	{ "distinct", CORE_ACC_DISTINCT, 1 },
	{ "approx_distinct", CORE_ACC_APPROX_DISTINCT, 1 },
	{ "median", CORE_ACC_PCT, 1 },
	{ "rate", CORE_ACC_RATE, 2 },
	{ "hist", CORE_ACC_HIST, 1 },
	{ "histogram", CORE_ACC_HIST, 1 },
};

static int
perr(char *err, size_t n, const char *fmt, const char *arg)
{
	snprintf(err, n, fmt, arg);
	return -1;
}

static int
parse_num(const char *s, double *d)
{
	char *end;

	*d = strtod(s, &end);
	return end != s && *end == '\0' && isfinite(*d) ? 0 : -1;
}

int
core_accspec_parse(struct core_accspec *a, const char *word, char *err,
    size_t n)
{
	char *w = core_xstrdup(word), *name = NULL, *kind = w, *field = NULL;
	char *params = NULL, *eq, *colon, outname[256];
	size_t i;
	int fieldrule = -1;

	memset(a, 0, sizeof(*a));
	a->text = core_xstrdup(word);
	eq = strchr(w, '=');
	if (eq) {
		*eq = '\0';
		name = w;
		kind = eq + 1;
		if (*name == '\0') {
			free(w);
			return perr(err, n, "'%s': empty name before '='", word);
		}
	}
	if ((colon = strchr(kind, ':')) != NULL) {
		*colon = '\0';
		field = colon + 1;
		if ((colon = strchr(field, ':')) != NULL) {
			*colon = '\0';
			params = colon + 1;
		}
		if (*field == '\0') {
			free(w);
			return perr(err, n, "'%s': empty field name", word);
		}
	}
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (strcmp(kind, kinds[i].name) == 0) {
			a->kind = kinds[i].kind;
			fieldrule = kinds[i].field;
			break;
		}
	}
	if (fieldrule < 0 && kind[0] == 'p' && kind[1] >= '0' &&
	    kind[1] <= '9') {
		double p;

		if (parse_num(kind + 1, &p) < 0 || p < 0 || p > 100) {
			free(w);
			return perr(err, n, "'%s': a percentile is p0 to p100 "
			    "(p50, p99, p99.9)", word);
		}
		a->kind = CORE_ACC_PCT;
		a->q = p / 100;
		fieldrule = 1;
	} else if (fieldrule < 0 && strncmp(kind, "top", 3) == 0 &&
	    kind[3] >= '1' && kind[3] <= '9') {
		char *end;
		long t = strtol(kind + 3, &end, 10);

		if (*end || t < 1 || t > 10000) {
			free(w);
			return perr(err, n, "'%s': topN takes N from 1 to 10000",
			    word);
		}
		a->kind = CORE_ACC_TOP;
		a->topn = (size_t)t;
		fieldrule = 1;
	} else if (fieldrule >= 0 && a->kind == CORE_ACC_PCT) {
		a->q = 0.5;    /* median */
	}
	if (fieldrule < 0) {
		free(w);
		return perr(err, n, "'%s': unknown accumulator (count, sum, min, "
		    "max, mean, var, stddev, first, last, distinct, "
		    "approx_distinct, pNN, median, topN, rate, hist); files "
		    "to read go after --", word);
	}
	if (fieldrule == 1 && field == NULL) {
		free(w);
		return perr(err, n, "'%s' needs a field: KIND:FIELD", word);
	}
	if (a->kind == CORE_ACC_HIST) {
		double lo, hi, nb;
		char *p1, *p2;

		if (params == NULL || (p1 = strchr(params, ':')) == NULL ||
		    (p2 = strchr(p1 + 1, ':')) == NULL) {
			free(w);
			return perr(err, n, "'%s': write hist:FIELD:LOW:HIGH:N",
			    word);
		}
		*p1 = *p2 = '\0';
		if (parse_num(params, &lo) < 0 || parse_num(p1 + 1, &hi) < 0 ||
		    parse_num(p2 + 1, &nb) < 0 || !(hi > lo) || nb < 1 ||
		    nb > 10000 || nb != floor(nb)) {
			free(w);
			return perr(err, n, "'%s': need LOW < HIGH and 1 <= N <= "
			    "10000", word);
		}
		a->lo = lo;
		a->hi = hi;
		a->nb = (size_t)nb;
	} else if (params) {
		free(w);
		return perr(err, n, "'%s': too many ':' parts", word);
	}
	if (field) {
		a->has_field = 1;
		core_fieldref_init(&a->field, field);
	}
	if (name) {
		snprintf(outname, sizeof(outname), "%s", name);
	} else {
		/* count, sum_bytes, p99_latency_ms, p99_9_x, top5_path */
		char k[64];

		snprintf(k, sizeof(k), "%s", kind);
		for (i = 0; k[i]; i++)
			if (k[i] == '.')
				k[i] = '_';
		if (a->kind == CORE_ACC_HIST)
			snprintf(k, sizeof(k), "hist");
		if (a->kind == CORE_ACC_MEAN)
			snprintf(k, sizeof(k), "mean");
		if (field)
			snprintf(outname, sizeof(outname), "%s_%s", k, field);
		else
			snprintf(outname, sizeof(outname), "%s", k);
	}
	a->out = core_sym_str(outname);
	free(w);
	return 0;
}

void
core_accspec_release(struct core_accspec *a)
{
	free(a->text);
	a->text = NULL;
}

/* ---- states --------------------------------------------------------------------- */

/* An owned copy of a value (min, max, first, last). */
struct held {
	struct core_value v;
	char *bytes;
	int64_t time;
	int set;
};

struct st_sum {
	int64_t i;
	double d, c;       /* Neumaier: sum and compensation */
	uint64_t n;
	int dbl;           /* a double came, or the int sum overflowed */
};

struct st_welford {
	uint64_t n;
	double mean, m2;
};

struct st_pct {
	double *v;
	size_t n, cap;
	struct core_ddsketch *dd;
};

struct st_top {
	struct core_kmap *counts;   /* value -> uint64 count */
	uint64_t n;
};

struct st_rate {
	uint64_t n;
	double sum;
	int64_t tmin, tmax;
};

struct st_hist {
	uint64_t *c;       /* nb buckets, then below, above */
};

size_t
core_acc_size(const struct core_accspec *a)
{
	size_t s;

	switch (a->kind) {
	case CORE_ACC_COUNT: s = sizeof(uint64_t); break;
	case CORE_ACC_SUM:
	case CORE_ACC_MEAN: s = sizeof(struct st_sum); break;
	case CORE_ACC_MIN: case CORE_ACC_MAX: case CORE_ACC_FIRST:
	case CORE_ACC_LAST: s = sizeof(struct held); break;
	case CORE_ACC_VAR: case CORE_ACC_STDDEV:
		s = sizeof(struct st_welford);
		break;
	case CORE_ACC_DISTINCT: s = sizeof(struct core_kmap *); break;
	case CORE_ACC_APPROX_DISTINCT: s = sizeof(struct core_hll); break;
	case CORE_ACC_PCT: s = sizeof(struct st_pct); break;
	case CORE_ACC_TOP: s = sizeof(struct st_top); break;
	case CORE_ACC_RATE: s = sizeof(struct st_rate); break;
	default: s = sizeof(struct st_hist); break;
	}
	return (s + 7) & ~(size_t)7;    /* states need 8-byte alignment */
}

void
core_acc_init(const struct core_accspec *a, void *st)
{
	memset(st, 0, core_acc_size(a));
	if (a->kind == CORE_ACC_RATE) {
		((struct st_rate *)st)->tmin = INT64_MAX;
		((struct st_rate *)st)->tmax = INT64_MIN;
	}
}

static int
value_has_bytes(const struct core_value *v)
{
	return v->type == CORE_STR || v->type == CORE_JSON ||
	    (v->type == CORE_DOUBLE && (v->flags & CORE_VF_TEXT));
}

static void
hold(struct held *h, const struct core_value *v, int64_t t)
{
	free(h->bytes);
	h->bytes = NULL;
	h->v = *v;
	if (value_has_bytes(v)) {
		h->bytes = core_xmemdup(v->u.s, v->len);
		h->v.u.s = h->bytes;
	}
	h->time = t;
	h->set = 1;
}

/* Neumaier's compensated sum: exact enough that the order of input
 * within a window does not change the printed result. */
static void
kahan(struct st_sum *s, double x)
{
	double t = s->d + x;

	if (fabs(s->d) >= fabs(x))
		s->c += (s->d - t) + x;
	else
		s->c += (x - t) + s->d;
	s->d = t;
}

static __attribute__((noinline)) void
sum_add(struct st_sum *s, const struct core_value *v)
{
	int64_t r;

	s->n++;
	if (v->type == CORE_INT && !s->dbl) {
		if (!__builtin_add_overflow(s->i, v->u.i, &r)) {
			s->i = r;
			return;
		}
		/* Overflow: continue in doubles from the exact int sum. */
		s->dbl = 1;
		s->d = (double)s->i;
		s->c = 0;
		s->i = 0;
		kahan(s, (double)v->u.i);
		return;
	}
	if (!s->dbl) {
		s->dbl = 1;
		s->d = (double)s->i;
		s->c = 0;
		s->i = 0;
	}
	kahan(s, v->type == CORE_INT ? (double)v->u.i : core_value_double(v));
}

static double
sum_value(const struct st_sum *s)
{
	return s->dbl ? s->d + s->c : (double)s->i;
}

static int
num_of(struct core_accspec *a, const struct core_value *v, double *d)
{
	if (v->type == CORE_INT || v->type == CORE_DOUBLE) {
		core_value_number(v, d);
		return 0;
	}
	a->nonnum++;
	return -1;
}

/* The kinds core_acc_add does not do itself: out of line, so that its
 * stack frame is not paid for by count and sum. */
static __attribute__((noinline)) void
acc_add(struct core_accspec *a, void *st, const struct core_value *v,
    const struct core_rec *r)
{
	double d;

	switch (a->kind) {
	case CORE_ACC_COUNT:
	case CORE_ACC_SUM:
	case CORE_ACC_MEAN:
		break;    /* in core_acc_add */
	case CORE_ACC_MIN:
	case CORE_ACC_MAX:
		{
			struct held *h = st;
			int c;

			if (v->type == CORE_DOUBLE &&
			    isnan(core_value_double(v))) {
				a->nonnum++;    /* NaN has no place in an order */
				break;
			}
			c = h->set ? core_value_cmp(v, &h->v) : 0;
			if (!h->set || (a->kind == CORE_ACC_MIN ? c < 0 : c > 0))
				hold(h, v, r->time);
		}
		break;
	case CORE_ACC_FIRST:
		{
			struct held *h = st;

			/* Earliest event time; the first seen on a tie. */
			if (!h->set || r->time < h->time)
				hold(h, v, r->time);
		}
		break;
	case CORE_ACC_LAST:
		{
			struct held *h = st;

			/* Latest event time; the last seen on a tie. */
			if (!h->set || r->time >= h->time)
				hold(h, v, r->time);
		}
		break;
	case CORE_ACC_VAR:
	case CORE_ACC_STDDEV:
		{
			struct st_welford *w = st;
			double delta;

			if (num_of(a, v, &d) < 0)
				break;
			w->n++;
			delta = d - w->mean;
			w->mean += delta / (double)w->n;
			w->m2 += delta * (d - w->mean);
		}
		break;
	case CORE_ACC_DISTINCT:
		{
			struct core_kmap **m = st;
			int created;

			if (*m == NULL)
				*m = core_kmap_new(1, 0);
			core_kmap_get(*m, core_value_hash(v), v, &created);
		}
		break;
	case CORE_ACC_APPROX_DISTINCT:
		core_hll_add(st, core_value_hash(v));
		break;
	case CORE_ACC_PCT:
		{
			struct st_pct *p = st;
			size_t i;

			if (num_of(a, v, &d) < 0)
				break;
			if (!isfinite(d)) {
				a->nonnum++;
				break;
			}
			if (p->dd) {
				core_dd_add(p->dd, d);
				break;
			}
			if (p->n < CORE_PCT_EXACT) {
				p->v = core_xgrow(p->v, &p->cap, p->n + 1,
				    sizeof(*p->v));
				p->v[p->n++] = d;
				break;
			}
			p->dd = core_xmalloc(sizeof(*p->dd));
			core_dd_init(p->dd);
			for (i = 0; i < p->n; i++)
				core_dd_add(p->dd, p->v[i]);
			core_dd_add(p->dd, d);
			free(p->v);
			p->v = NULL;
			p->n = p->cap = 0;
		}
		break;
	case CORE_ACC_TOP:
		{
			struct st_top *t = st;
			size_t cap = a->topn * 10 > CORE_TOP_CAP ? a->topn * 10 :
			    CORE_TOP_CAP;
			uint64_t *c, h = core_value_hash(v);
			int created;

			if (t->counts == NULL)
				t->counts = core_kmap_new(1, sizeof(uint64_t));
			t->n++;
			c = core_kmap_find(t->counts, h, v);
			if (c) {
				(*c)++;
				break;
			}
			if (core_kmap_len(t->counts) >= cap) {
				/* Misra-Gries: the new value and every counter
				 * lose one; counters at zero make room.  Each
				 * pass takes cap + 1 from the total, so the work
				 * stays linear in the stream. */
				size_t n, i;
				void **all = core_kmap_all(t->counts, &n);

				for (i = 0; i < n; i++)
					if (--*(uint64_t *)all[i] == 0)
						core_kmap_del(t->counts, all[i]);
				free(all);
				break;
			}
			c = core_kmap_get(t->counts, h, v, &created);
			*c = 1;
		}
		break;
	case CORE_ACC_RATE:
		{
			struct st_rate *s = st;

			if (v) {
				if (num_of(a, v, &d) < 0)
					break;
				s->sum += d;
			}
			s->n++;
			if (r->time < s->tmin)
				s->tmin = r->time;
			if (r->time > s->tmax)
				s->tmax = r->time;
		}
		break;
	case CORE_ACC_HIST:
		{
			struct st_hist *h = st;
			size_t b;

			if (num_of(a, v, &d) < 0)
				break;
			if (isnan(d)) {
				a->nonnum++;
				break;
			}
			if (h->c == NULL)
				h->c = core_xcalloc(a->nb + 2, sizeof(*h->c));
			if (d < a->lo)
				b = a->nb;
			else if (d >= a->hi)
				b = a->nb + 1;
			else {
				b = (size_t)((d - a->lo) / (a->hi - a->lo) *
				    (double)a->nb);
				if (b >= a->nb)
					b = a->nb - 1;
			}
			h->c[b]++;
		}
		break;
	}
}

void
core_acc_add(struct core_accspec *a, void *st, const struct core_rec *r)
{
	const struct core_value *v = NULL;

	if (a->has_field) {
		v = core_rec_getref(r, &a->field);
		if (v == NULL || v->type == CORE_NULL) {
			a->nulls++;
			return;
		}
	}
	switch (a->kind) {
	case CORE_ACC_COUNT:
		(*(uint64_t *)st)++;
		break;
	case CORE_ACC_SUM:
	case CORE_ACC_MEAN:
		if (v->type != CORE_INT && v->type != CORE_DOUBLE)
			a->nonnum++;
		else
			sum_add(st, v);
		break;
	default:
		acc_add(a, st, v, r);
		break;
	}
}

static int
dbl_cmp(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return a < b ? -1 : a > b;
}

struct topent {
	const struct core_value *v;
	uint64_t n;
};

static int
top_cmp(const void *x, const void *y)
{
	const struct topent *a = x, *b = y;

	if (a->n != b->n)
		return a->n > b->n ? -1 : 1;
	return core_value_cmp(a->v, b->v);
}

static struct core_value
json_of(struct core_buf *b, struct core_arena *ar)
{
	char *p = core_arena_dup(ar, b->p, b->len);

	return core_v_json(p, b->len);
}

static struct core_value
number(double d)
{
	return isfinite(d) ? core_v_double(d) : core_v_null();
}

void
core_acc_result(const struct core_accspec *a, void *st, int64_t wstart,
    int64_t wend, struct core_value *out, struct core_arena *ar)
{
	struct core_buf b = CORE_BUF_INIT;
	size_t i;

	switch (a->kind) {
	case CORE_ACC_COUNT:
		*out = core_v_int((int64_t)*(uint64_t *)st);
		break;
	case CORE_ACC_SUM:
		{
			struct st_sum *s = st;

			if (s->n == 0)
				*out = core_v_null();
			else if (!s->dbl)
				*out = core_v_int(s->i);
			else
				*out = number(sum_value(s));
		}
		break;
	case CORE_ACC_MEAN:
		{
			struct st_sum *s = st;

			*out = s->n ? number(sum_value(s) / (double)s->n) :
			    core_v_null();
		}
		break;
	case CORE_ACC_MIN: case CORE_ACC_MAX: case CORE_ACC_FIRST:
	case CORE_ACC_LAST:
		{
			struct held *h = st;

			*out = h->set ? h->v : core_v_null();
		}
		break;
	case CORE_ACC_VAR:
	case CORE_ACC_STDDEV:
		{
			struct st_welford *w = st;
			double var;

			/* The sample variance (n - 1), as SQL var_samp. */
			if (w->n < 2) {
				*out = core_v_null();
				break;
			}
			var = w->m2 / (double)(w->n - 1);
			*out = number(a->kind == CORE_ACC_VAR ? var : sqrt(var));
		}
		break;
	case CORE_ACC_DISTINCT:
		{
			struct core_kmap **m = st;

			*out = core_v_int(*m ? (int64_t)core_kmap_len(*m) : 0);
		}
		break;
	case CORE_ACC_APPROX_DISTINCT:
		*out = core_v_int((int64_t)core_hll_count(st));
		break;
	case CORE_ACC_PCT:
		{
			struct st_pct *p = st;
			size_t k;

			if (p->dd) {
				*out = number(core_dd_quantile(p->dd, a->q));
				break;
			}
			if (p->n == 0) {
				*out = core_v_null();
				break;
			}
			/* Rank floor(q * n), clamped (Miller's definition). */
			core_sort(p->v, p->n, sizeof(*p->v), dbl_cmp);
			k = (size_t)(a->q * (double)p->n);
			if (k >= p->n)
				k = p->n - 1;
			*out = core_v_double(p->v[k]);
		}
		break;
	case CORE_ACC_TOP:
		{
			struct st_top *t = st;
			struct topent *e;
			size_t n = 0;
			void **all;

			if (t->counts == NULL) {
				*out = core_v_json("[]", 2);
				break;
			}
			all = core_kmap_all(t->counts, &n);
			e = core_xcalloc(n + 1, sizeof(*e));
			for (i = 0; i < n; i++) {
				e[i].v = core_kmap_keys(t->counts, all[i]);
				e[i].n = *(uint64_t *)all[i];
			}
			core_sort(e, n, sizeof(*e), top_cmp);
			core_buf_addc(&b, '[');
			for (i = 0; i < n && i < a->topn; i++) {
				core_buf_addstr(&b, i ? ",{\"value\":" :
				    "{\"value\":");
				core_value_json(&b, e[i].v);
				core_buf_addf(&b, ",\"count\":%llu}",
				    (unsigned long long)e[i].n);
			}
			core_buf_addc(&b, ']');
			*out = json_of(&b, ar);
			free(e);
			free(all);
		}
		break;
	case CORE_ACC_RATE:
		{
			struct st_rate *s = st;
			double secs, x;

			if (wend > wstart && wend != INT64_MAX)
				secs = (double)(wend - wstart) / 1e9;
			else if (s->n && s->tmax > s->tmin)
				secs = (double)(s->tmax - s->tmin) / 1e9;
			else {
				*out = core_v_null();
				break;
			}
			x = a->has_field ? s->sum : (double)s->n;
			*out = number(x / secs);
		}
		break;
	case CORE_ACC_HIST:
		{
			struct st_hist *h = st;
			char num[CORE_DBL_BUFSZ];

			core_buf_addstr(&b, "{\"bounds\":[");
			for (i = 0; i <= a->nb; i++) {
				double e = a->lo + (a->hi - a->lo) * (double)i /
				    (double)a->nb;

				core_double_format(e, num);
				core_buf_addf(&b, "%s%s", i ? "," : "", num);
			}
			core_buf_addstr(&b, "],\"counts\":[");
			for (i = 0; i < a->nb; i++)
				core_buf_addf(&b, "%s%llu", i ? "," : "",
				    (unsigned long long)(h->c ? h->c[i] : 0));
			core_buf_addf(&b, "],\"below\":%llu,\"above\":%llu}",
			    (unsigned long long)(h->c ? h->c[a->nb] : 0),
			    (unsigned long long)(h->c ? h->c[a->nb + 1] : 0));
			*out = json_of(&b, ar);
		}
		break;
	}
	core_buf_release(&b);
}

void
core_acc_release(const struct core_accspec *a, void *st)
{
	switch (a->kind) {
	case CORE_ACC_MIN: case CORE_ACC_MAX: case CORE_ACC_FIRST:
	case CORE_ACC_LAST:
		free(((struct held *)st)->bytes);
		break;
	case CORE_ACC_DISTINCT:
		core_kmap_free(*(struct core_kmap **)st, NULL);
		break;
	case CORE_ACC_APPROX_DISTINCT:
		core_hll_release(st);
		break;
	case CORE_ACC_PCT:
		{
			struct st_pct *p = st;

			free(p->v);
			if (p->dd) {
				core_dd_release(p->dd);
				free(p->dd);
			}
		}
		break;
	case CORE_ACC_TOP:
		core_kmap_free(((struct st_top *)st)->counts, NULL);
		break;
	case CORE_ACC_HIST:
		free(((struct st_hist *)st)->c);
		break;
	default:
		break;
	}
	memset(st, 0, core_acc_size(a));
}

size_t
core_acc_heap(const struct core_accspec *a, const void *st)
{
	switch (a->kind) {
	case CORE_ACC_MIN: case CORE_ACC_MAX: case CORE_ACC_FIRST:
	case CORE_ACC_LAST:
		return ((const struct held *)st)->bytes ?
		    ((const struct held *)st)->v.len : 0;
	case CORE_ACC_DISTINCT:
		return *(struct core_kmap *const *)st ?
		    core_kmap_bytes(*(struct core_kmap *const *)st) : 0;
	case CORE_ACC_APPROX_DISTINCT:
		return core_hll_bytes(st);
	case CORE_ACC_PCT:
		{
			const struct st_pct *p = st;

			return p->cap * sizeof(double) + (p->dd ?
			    core_dd_bytes(p->dd) : 0);
		}
	case CORE_ACC_TOP:
		return ((const struct st_top *)st)->counts ?
		    core_kmap_bytes(((const struct st_top *)st)->counts) : 0;
	case CORE_ACC_HIST:
		return ((const struct st_hist *)st)->c ? (a->nb + 2) *
		    sizeof(uint64_t) : 0;
	default:
		return 0;
	}
}
