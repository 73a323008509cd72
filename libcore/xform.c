/* SPDX-License-Identifier: MIT */
/* Record transforms: --where, --set, --keep, --drop, --rename, in order. */
#include "libcore/xform.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcore/cli.h"
#include "libcore/xalloc.h"

enum kind { WHERE, SET, KEEP, DROP, RENAME };

/* Per input schema: the output schema and where each field comes from. */
struct shape {
	const struct core_schema *in;
	const struct core_schema *out;
	int *from;        /* out index -> in index */
	size_t cap;
};

struct step {
	enum kind kind;
	struct core_expr *expr;
	const struct core_sym *name;          /* SET */
	const struct core_sym **syms;         /* KEEP, DROP, RENAME old */
	const struct core_sym **to;           /* RENAME new */
	size_t n;
	struct shape memo;
	uint64_t reported;                    /* diag count already told */
};

struct core_xform {
	struct step *steps;
	size_t n, cap;
	/* working record: two buffers, swapped by reshaping steps */
	struct core_value *vals[2];
	size_t capv[2];
	int cur;
};

struct core_xform *
core_xform_new(void)
{
	return core_xcalloc(1, sizeof(struct core_xform));
}

void
core_xform_free(struct core_xform *x)
{
	size_t i;

	if (x == NULL)
		return;
	for (i = 0; i < x->n; i++) {
		core_expr_free(x->steps[i].expr);
		free(x->steps[i].syms);
		free(x->steps[i].to);
		free(x->steps[i].memo.from);
	}
	free(x->steps);
	free(x->vals[0]);
	free(x->vals[1]);
	free(x);
}

size_t
core_xform_len(const struct core_xform *x)
{
	return x->n;
}

static struct step *
add(struct core_xform *x, enum kind k)
{
	struct step *s;

	x->steps = core_xgrow(x->steps, &x->cap, x->n + 1, sizeof(*x->steps));
	s = &x->steps[x->n++];
	memset(s, 0, sizeof(*s));
	s->kind = k;
	return s;
}

static int
arg_error(struct core_expr_err *err, const char *fmt, const char *arg)
{
	err->line = 0;
	err->col = 0;
	snprintf(err->msg, sizeof(err->msg), fmt, arg);
	return -1;
}

int
core_xform_where(struct core_xform *x, const char *expr,
    struct core_expr_err *err)
{
	struct core_expr *e = core_expr_compile(expr, err);

	if (e == NULL)
		return -1;
	add(x, WHERE)->expr = e;
	return 0;
}

int
core_xform_set(struct core_xform *x, const char *assign,
    struct core_expr_err *err)
{
	const char *eq = strchr(assign, '=');
	struct core_expr *e;
	struct step *s;
	size_t nl;

	if (eq == NULL || eq == assign)
		return arg_error(err, "'%s' is not NAME=EXPRESSION", assign);
	while (*assign == ' ')
		assign++;
	nl = (size_t)(eq - assign);
	while (nl && assign[nl - 1] == ' ')
		nl--;
	if (nl == 0)
		return arg_error(err, "'%s' is not NAME=EXPRESSION", assign);
	if ((e = core_expr_compile(eq + 1, err)) == NULL)
		return -1;
	s = add(x, SET);
	s->expr = e;
	s->name = core_sym_intern(assign, nl);
	return 0;
}

static int
list_step(struct core_xform *x, enum kind k, const char *list,
    struct core_expr_err *err)
{
	size_t n, i;
	char **v = core_split_list(list, &n);
	struct step *s;

	for (i = 0; i < n; i++)
		if (v[i][0] == '\0') {
			core_free_list(v);
			return arg_error(err, "empty field name in '%s'", list);
		}
	s = add(x, k);
	s->syms = core_xcalloc(n, sizeof(*s->syms));
	s->n = n;
	for (i = 0; i < n; i++)
		s->syms[i] = core_sym_str(v[i]);
	core_free_list(v);
	return 0;
}

int
core_xform_keep(struct core_xform *x, const char *list,
    struct core_expr_err *err)
{
	return list_step(x, KEEP, list, err);
}

int
core_xform_drop(struct core_xform *x, const char *list,
    struct core_expr_err *err)
{
	return list_step(x, DROP, list, err);
}

int
core_xform_rename(struct core_xform *x, const char *pairs,
    struct core_expr_err *err)
{
	size_t n, i;
	char **v = core_split_list(pairs, &n);
	struct step *s;

	for (i = 0; i < n; i++) {
		char *eq = strchr(v[i], '=');

		if (eq == NULL || eq == v[i] || eq[1] == '\0') {
			arg_error(err, "'%s' is not OLD=NEW", v[i]);
			core_free_list(v);
			return -1;
		}
	}
	s = add(x, RENAME);
	s->syms = core_xcalloc(n, sizeof(*s->syms));
	s->to = core_xcalloc(n, sizeof(*s->to));
	s->n = n;
	for (i = 0; i < n; i++) {
		char *eq = strchr(v[i], '=');

		s->syms[i] = core_sym_intern(v[i], (size_t)(eq - v[i]));
		s->to[i] = core_sym_str(eq + 1);
	}
	core_free_list(v);
	return 0;
}

/* Computes how step s reshapes schema in (KEEP, DROP, RENAME). */
static void
reshape(struct step *s, const struct core_schema *in)
{
	const struct core_sym **f = core_xcalloc(in->n + 1, sizeof(*f));
	size_t n = 0, i, k;
	int j;

	s->memo.from = core_xgrow(s->memo.from, &s->memo.cap, in->n + 1,
	    sizeof(*s->memo.from));
	switch (s->kind) {
	case KEEP:
		/* The listed fields, in the listed order, where present. */
		for (k = 0; k < s->n; k++) {
			if ((j = core_schema_find(in, s->syms[k])) < 0)
				continue;
			for (i = 0; i < n; i++)
				if (f[i] == s->syms[k])
					break;
			if (i < n)
				continue;
			s->memo.from[n] = j;
			f[n++] = s->syms[k];
		}
		break;
	case DROP:
		for (i = 0; i < in->n; i++) {
			for (k = 0; k < s->n; k++)
				if (in->f[i] == s->syms[k])
					break;
			if (k < s->n)
				continue;
			s->memo.from[n] = (int)i;
			f[n++] = in->f[i];
		}
		break;
	default:
		/* RENAME: a field renamed onto an existing name replaces
		 * that field, keeping the renamed field's place. */
		for (i = 0; i < in->n; i++) {
			const struct core_sym *name = in->f[i];
			int dropped = 0;

			for (k = 0; k < s->n; k++) {
				if (name == s->syms[k]) {
					name = s->to[k];
					break;
				}
			}
			if (k == s->n) {
				/* Not renamed: is it the target of one that
				 * is present? */
				for (k = 0; k < s->n; k++)
					if (in->f[i] == s->to[k] &&
					    core_schema_find(in, s->syms[k]) >= 0)
						dropped = 1;
			}
			if (dropped)
				continue;
			for (j = 0; j < (int)n; j++)
				if (f[j] == name)
					break;
			if (j < (int)n)
				continue;    /* two renamed onto one name */
			s->memo.from[n] = (int)i;
			f[n++] = name;
		}
		break;
	}
	s->memo.in = in;
	s->memo.out = core_schema_intern(f, (uint32_t)n);
	free(f);
}

static struct core_value *
buf(struct core_xform *x, int which, size_t n)
{
	if (n > x->capv[which])
		x->vals[which] = core_xgrow(x->vals[which], &x->capv[which], n,
		    sizeof(struct core_value));
	return x->vals[which];
}

int
core_xform_apply(struct core_xform *x, const struct core_rec *in,
    struct core_rec *out)
{
	struct core_value v, *nv;
	size_t i, k;
	int j;

	*out = *in;
	for (i = 0; i < x->n; i++) {
		struct step *s = &x->steps[i];

		switch (s->kind) {
		case WHERE:
			if (!core_expr_test(s->expr, out))
				return 0;
			break;
		case SET:
			core_expr_eval(s->expr, out, &v);
			j = core_schema_find(out->schema, s->name);
			if (j >= 0 && out->v != x->vals[x->cur] &&
			    out->v != x->vals[!x->cur]) {
				/* Still the input's values: copy first. */
				nv = buf(x, x->cur, out->schema->n);
				memcpy(nv, out->v, out->schema->n * sizeof(*nv));
				out->v = nv;
			}
			if (j >= 0) {
				out->v[j] = v;
			} else {
				const struct core_schema *ns =
				    core_schema_append(out->schema, s->name);
				int w = out->v == x->vals[x->cur] ? !x->cur :
				    x->cur;

				if (ns == NULL)
					return 0;
				nv = buf(x, w, ns->n);
				memcpy(nv, out->v, out->schema->n * sizeof(*nv));
				nv[ns->n - 1] = v;
				out->v = nv;
				out->schema = ns;
				x->cur = w;
			}
			core_rec_touch(out);
			break;
		default:
			if (s->memo.in != out->schema)
				reshape(s, out->schema);
			if (s->memo.out == NULL)
				return 0;
			{
				int w = out->v == x->vals[x->cur] ? !x->cur :
				    x->cur;

				nv = buf(x, w, s->memo.out->n + 1);
				for (k = 0; k < s->memo.out->n; k++)
					nv[k] = out->v[s->memo.from[k]];
				out->v = nv;
				out->schema = s->memo.out;
				x->cur = w;
			}
			core_rec_touch(out);
			break;
		}
	}
	return 1;
}

void
core_xform_diags(struct core_xform *x,
    void (*fn)(const char *src, const struct core_expr_diag *d, void *ctx),
    void *ctx)
{
	size_t i;

	for (i = 0; i < x->n; i++) {
		const struct core_expr_diag *d;

		if (x->steps[i].expr == NULL)
			continue;
		d = core_expr_diag(x->steps[i].expr);
		if (d->n > x->steps[i].reported) {
			fn(core_expr_src(x->steps[i].expr), d, ctx);
			x->steps[i].reported = d->n;
		}
	}
}
