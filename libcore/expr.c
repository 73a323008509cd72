/* SPDX-License-Identifier: MIT */
/* Expressions: SQL-style predicates and computed fields over records. */
#include "libcore/expr.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <ctype.h>
#include <math.h>
#include <pcre2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "libcore/arena.h"
#include "libcore/buf.h"
#include "libcore/dur.h"
#include "libcore/fmt.h"
#include "libcore/json.h"
#include "libcore/loop.h"
#include "libcore/timefmt.h"
#include "libcore/xalloc.h"

/* ---- tokens --------------------------------------------------------------- */

enum tok {
	T_END, T_IDENT, T_QIDENT, T_STRING, T_INT, T_FLOAT, T_DUR,
	T_LP, T_RP, T_COMMA, T_LB, T_RB, T_DOT,
	T_PLUS, T_MINUS, T_STAR, T_SLASH, T_DSLASH, T_PCT, T_CONCAT,
	T_EQ, T_NE, T_LT, T_LE, T_GT, T_GE,
	T_MATCH, T_NMATCH, T_IMATCH, T_NIMATCH, T_CAST,
	/* keywords */
	T_AND, T_OR, T_NOT, T_IS, T_NULL, T_TRUE, T_FALSE, T_IN, T_BETWEEN,
	T_LIKE, T_ILIKE, T_CASE, T_WHEN, T_THEN, T_ELSE, T_ENDKW, T_CASTKW,
	T_AS, T_INTERVAL, T_TIMESTAMP, T_BAD
};

static const struct {
	const char *word;
	enum tok t;
} keywords[] = {
	{ "and", T_AND }, { "or", T_OR }, { "not", T_NOT }, { "is", T_IS },
	{ "null", T_NULL }, { "true", T_TRUE }, { "false", T_FALSE },
	{ "in", T_IN }, { "between", T_BETWEEN }, { "like", T_LIKE },
	{ "ilike", T_ILIKE }, { "case", T_CASE }, { "when", T_WHEN },
	{ "then", T_THEN }, { "else", T_ELSE }, { "end", T_ENDKW },
	{ "cast", T_CASTKW }, { "as", T_AS }, { "interval", T_INTERVAL },
	{ "timestamp", T_TIMESTAMP },
};

struct lexer {
	const char *src;
	const char *p;
	enum tok t;
	const char *ts;     /* token start */
	size_t tlen;
	struct core_buf str;  /* decoded string / identifier */
	int64_t ival;
	double dval;
	struct core_expr_err *err;
	int failed;
};

/* ---- nodes ---------------------------------------------------------------- */

enum op {
	OP_LIT, OP_FIELD, OP_NEG, OP_NOT, OP_AND, OP_OR,
	OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_IDIV, OP_MOD, OP_CONCAT,
	OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE,
	OP_ISNULL, OP_NOTNULL, OP_IN, OP_NOTIN, OP_BETWEEN, OP_NOTBETWEEN,
	OP_LIKE, OP_NOTLIKE, OP_ILIKE, OP_NOTILIKE,
	OP_MATCH, OP_NMATCH, OP_IMATCH, OP_NIMATCH,
	OP_CASE, OP_CALL, OP_CAST
};

enum cast {
	CAST_INT, CAST_DOUBLE, CAST_STRING, CAST_BOOL, CAST_TIME, CAST_JSON
};

struct pathseg {
	char *key;        /* NULL: an index */
	size_t klen;
	int64_t index;
};

struct node;
typedef void (*fn_eval)(struct core_expr *e, struct node *n,
    struct core_value *a, struct core_value *out);

struct fninfo {
	const char *name;
	int min, max;
	fn_eval f;
};

struct node {
	enum op op;
	unsigned col;
	struct node *a, *b, *c;
	struct node **args;
	size_t nargs;
	struct core_value lit;
	char *litbuf;                 /* owned bytes of lit */
	/* fields */
	struct core_fieldref full;    /* the whole dotted name */
	struct core_fieldref base;    /* the first segment */
	struct pathseg *path;
	size_t npath;
	char *name;
	/* LIKE and regular expressions on a constant pattern */
	pcre2_code *re;
	pcre2_match_data *md;
	/* CASE: args are WHEN/THEN pairs; c is ELSE; a is the operand */
	const struct fninfo *fn;
	enum cast cast;
	struct core_value *argv;      /* scratch for call arguments */
};

struct core_expr {
	char *src;
	struct node *root;
	struct node **all;            /* every node, for freeing */
	size_t nall, capall;
	struct core_arena scratch;
	const struct core_rec *rec;
	struct core_expr_diag diag;
	/* dynamic regex cache */
	char *dyn_pat;
	size_t dyn_len;
	int dyn_flags;
	pcre2_code *dyn_re;
	pcre2_match_data *dyn_md;
};

static void diag(struct core_expr *e, struct node *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
diag(struct core_expr *e, struct node *n, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (e->diag.n++ > 0)
		return;
	k = snprintf(e->diag.first, sizeof(e->diag.first), "expression:1:%u: ",
	    n->col);
	va_start(ap, fmt);
	vsnprintf(e->diag.first + k, sizeof(e->diag.first) - (size_t)k, fmt,
	    ap);
	va_end(ap);
}

/* ---- lexer ---------------------------------------------------------------- */

static void
lex_fail(struct lexer *lx, const char *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
lex_fail(struct lexer *lx, const char *at, const char *fmt, ...)
{
	va_list ap;
	const char *q;
	unsigned line = 1;

	if (lx->failed)
		return;
	lx->failed = 1;
	for (q = lx->src; q < at; q++)
		if (*q == '\n')
			line++;
	for (q = at; q > lx->src && q[-1] != '\n'; q--)
		;
	lx->err->line = line;
	lx->err->col = (unsigned)(at - q) + 1;
	va_start(ap, fmt);
	vsnprintf(lx->err->msg, sizeof(lx->err->msg), fmt, ap);
	va_end(ap);
}

/* "near 'AND'" or "at the end" for messages about the current token. */
static const char *
near(struct lexer *lx, char *buf, size_t n)
{
	if (lx->t == T_END)
		snprintf(buf, n, "at the end");
	else
		snprintf(buf, n, "near '%.*s'", (int)(lx->tlen > 24 ? 24 :
		    lx->tlen), lx->ts);
	return buf;
}

static int
is_ident_start(int c)
{
	return isalpha(c) || c == '_' || c == '$' || (c & 0x80);
}

static int
is_ident(int c)
{
	return isalnum(c) || c == '_' || c == '$' || (c & 0x80);
}

static void
next(struct lexer *lx)
{
	const char *p = lx->p;
	size_t i;

	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	if (p[0] == '-' && p[1] == '-') {    /* SQL comment to line end */
		while (*p && *p != '\n')
			p++;
		lx->p = p;
		next(lx);
		return;
	}
	lx->ts = p;
	core_buf_reset(&lx->str);
	if (*p == '\0') {
		lx->t = T_END;
		lx->tlen = 0;
		lx->p = p;
		return;
	}
	if (is_ident_start((unsigned char)*p)) {
		while (is_ident((unsigned char)*p))
			p++;
		core_buf_add(&lx->str, lx->ts, (size_t)(p - lx->ts));
		lx->t = T_IDENT;
		for (i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++) {
			if (strlen(keywords[i].word) == lx->str.len &&
			    strncasecmp(keywords[i].word, lx->str.p,
			    lx->str.len) == 0) {
				lx->t = keywords[i].t;
				break;
			}
		}
		goto done;
	}
	if (isdigit((unsigned char)*p) || (*p == '.' &&
	    isdigit((unsigned char)p[1]))) {
		const char *s = p;
		int isfloat = 0;

		while (isdigit((unsigned char)*p))
			p++;
		if (*p == '.' && isdigit((unsigned char)p[1])) {
			isfloat = 1;
			p++;
			while (isdigit((unsigned char)*p))
				p++;
		}
		if ((*p == 'e' || *p == 'E') && (isdigit((unsigned char)p[1]) ||
		    ((p[1] == '+' || p[1] == '-') &&
		    isdigit((unsigned char)p[2])))) {
			isfloat = 1;
			p += 2;
			while (isdigit((unsigned char)*p))
				p++;
		}
		if (isalpha((unsigned char)*p)) {
			/* A duration: 250ms, 5m, 1h30m, 1.5s. */
			const char *err;
			int64_t ns;

			while (isalnum((unsigned char)*p) || *p == '.' ||
			    (*p & 0x80))
				p++;
			core_buf_add(&lx->str, s, (size_t)(p - s));
			if (core_dur_parse(lx->str.p, 0, &ns, &err) < 0) {
				lex_fail(lx, s, "bad number or duration '%s' "
				    "(%s)", lx->str.p, err);
				lx->t = T_BAD;
				goto done;
			}
			lx->t = T_DUR;
			lx->ival = ns;
			goto done;
		}
		core_buf_add(&lx->str, s, (size_t)(p - s));
		if (!isfloat) {
			const char *err;
			long long v;

			if (core_strtonum(lx->str.p, 0, INT64_MAX, &v, &err) ==
			    0) {
				lx->t = T_INT;
				lx->ival = v;
				goto done;
			}
		}
		lx->t = T_FLOAT;
		lx->dval = strtod(lx->str.p, NULL);
		goto done;
	}
	if (*p == '\'' || *p == '"') {
		char q = *p++;

		for (;;) {
			if (*p == '\0') {
				lex_fail(lx, lx->ts, q == '\'' ?
				    "unterminated string" :
				    "unterminated quoted name");
				lx->t = T_BAD;
				goto done;
			}
			if (*p == q) {
				if (p[1] == q) {    /* doubled quote */
					core_buf_addc(&lx->str, q);
					p += 2;
					continue;
				}
				p++;
				break;
			}
			core_buf_addc(&lx->str, *p++);
		}
		lx->t = q == '\'' ? T_STRING : T_QIDENT;
		goto done;
	}
	switch (*p) {
	case '(': lx->t = T_LP; p++; break;
	case ')': lx->t = T_RP; p++; break;
	case ',': lx->t = T_COMMA; p++; break;
	case '[': lx->t = T_LB; p++; break;
	case ']': lx->t = T_RB; p++; break;
	case '.': lx->t = T_DOT; p++; break;
	case '+': lx->t = T_PLUS; p++; break;
	case '-': lx->t = T_MINUS; p++; break;
	case '*': lx->t = T_STAR; p++; break;
	case '%': lx->t = T_PCT; p++; break;
	case '/':
		lx->t = p[1] == '/' ? T_DSLASH : T_SLASH;
		p += p[1] == '/' ? 2 : 1;
		break;
	case '|':
		if (p[1] == '|') {
			lx->t = T_CONCAT;
			p += 2;
			break;
		}
		goto bad;
	case '=':
		lx->t = T_EQ;
		p += p[1] == '=' ? 2 : 1;
		break;
	case '!':
		if (p[1] == '=') {
			lx->t = T_NE;
			p += 2;
		} else if (p[1] == '~' && p[2] == '*') {
			lx->t = T_NIMATCH;
			p += 3;
		} else if (p[1] == '~') {
			lx->t = T_NMATCH;
			p += 2;
		} else {
			goto bad;
		}
		break;
	case '<':
		if (p[1] == '=') {
			lx->t = T_LE;
			p += 2;
		} else if (p[1] == '>') {
			lx->t = T_NE;
			p += 2;
		} else {
			lx->t = T_LT;
			p++;
		}
		break;
	case '>':
		lx->t = p[1] == '=' ? T_GE : T_GT;
		p += p[1] == '=' ? 2 : 1;
		break;
	case '~':
		lx->t = p[1] == '*' ? T_IMATCH : T_MATCH;
		p += p[1] == '*' ? 2 : 1;
		break;
	case ':':
		if (p[1] == ':') {
			lx->t = T_CAST;
			p += 2;
			break;
		}
		goto bad;
	default:
	bad:
		lex_fail(lx, p, "unexpected character '%c'",
		    isprint((unsigned char)*p) ? *p : '?');
		lx->t = T_BAD;
		p++;
		break;
	}
done:
	lx->p = p;
	lx->tlen = (size_t)(p - lx->ts);
}

/* ---- interval literals ---------------------------------------------------- */

/* SQL's unit words and the duration units they stand for. */
static const struct {
	const char *word;
	const char *unit;
} unit_words[] = {
	{ "nanosecond", "ns" }, { "microsecond", "us" },
	{ "millisecond", "ms" }, { "second", "s" }, { "sec", "s" },
	{ "minute", "m" }, { "min", "m" }, { "hour", "h" }, { "day", "d" },
	{ "week", "w" },
};

/* The unit for word (singular or plural, any case), or NULL. */
static const char *
unit_word(const char *w, size_t n)
{
	size_t i, k;

	for (i = 0; i < sizeof(unit_words) / sizeof(unit_words[0]); i++) {
		k = strlen(unit_words[i].word);
		if ((n == k || (n == k + 1 && (w[k] == 's' || w[k] == 'S'))) &&
		    strncasecmp(w, unit_words[i].word, k) == 0)
			return unit_words[i].unit;
	}
	return NULL;
}

/*
 * An interval literal: a duration ("90s", "1h30m", "-5m"), or SQL's words
 * with spaces ("1 second", "2 hours 30 minutes", "5 MINUTE"), largest
 * unit first.
 */
static int
sql_interval(const char *s, int64_t *ns, const char **err)
{
	struct core_buf b = CORE_BUF_INIT;
	const char *p = s;
	int rc;

	while (*p) {
		if (*p == ' ' || *p == '\t') {
			p++;
		} else if (isalpha((unsigned char)*p)) {
			const char *w = p, *u;

			while (isalpha((unsigned char)*p))
				p++;
			u = unit_word(w, (size_t)(p - w));
			if (u)
				core_buf_addstr(&b, u);
			else
				core_buf_add(&b, w, (size_t)(p - w));
		} else {
			core_buf_add(&b, p, 1);
			p++;
		}
	}
	rc = core_dur_parse(core_buf_str(&b), 1, ns, err);
	core_buf_release(&b);
	return rc;
}

/* ---- parser --------------------------------------------------------------- */

struct parser {
	struct lexer lx;
	struct core_expr *e;
	int depth;
};

#define MAX_DEPTH 200

static struct node *
mk(struct parser *ps, enum op op, const char *at)
{
	struct core_expr *e = ps->e;
	struct node *n = core_xcalloc(1, sizeof(*n));
	const char *q;

	n->op = op;
	for (q = at; q > ps->lx.src && q[-1] != '\n'; q--)
		;
	n->col = (unsigned)(at - q) + 1;
	e->all = core_xgrow(e->all, &e->capall, e->nall + 1, sizeof(*e->all));
	e->all[e->nall++] = n;
	return n;
}

static void
fail_here(struct parser *ps, const char *what)
{
	char nb[64];

	lex_fail(&ps->lx, ps->lx.ts, "%s %s", what, near(&ps->lx, nb,
	    sizeof(nb)));
}

static int
expect(struct parser *ps, enum tok t, const char *what)
{
	if (ps->lx.t != t) {
		char msg[64];

		snprintf(msg, sizeof(msg), "expected %s", what);
		fail_here(ps, msg);
		return -1;
	}
	next(&ps->lx);
	return 0;
}

static struct node *parse_expr(struct parser *ps, int prec);

static const struct fninfo *find_fn(const char *name, size_t len);

static char *
dup_lit(struct node *n, const char *p, size_t len)
{
	n->litbuf = core_xmemdup(p, len);
	return n->litbuf;
}

static struct node *
parse_field(struct parser *ps, const char *at)
{
	struct node *n = mk(ps, OP_FIELD, at);
	struct core_buf full = CORE_BUF_INIT;
	size_t cap = 0;
	int quoted = ps->lx.t == T_QIDENT;

	n->name = core_xmemdup(ps->lx.str.p, ps->lx.str.len);
	core_buf_add(&full, ps->lx.str.p, ps->lx.str.len);
	core_fieldref_init(&n->base, n->name);
	next(&ps->lx);
	for (;;) {
		struct pathseg seg = { NULL, 0, 0 };

		if (ps->lx.t == T_DOT) {
			next(&ps->lx);
			if (ps->lx.t != T_IDENT && ps->lx.t != T_QIDENT) {
				fail_here(ps, "expected a field name after '.'");
				break;
			}
			seg.key = core_xmemdup(ps->lx.str.p, ps->lx.str.len);
			seg.klen = ps->lx.str.len;
			core_buf_addc(&full, '.');
			core_buf_add(&full, ps->lx.str.p, ps->lx.str.len);
			next(&ps->lx);
		} else if (ps->lx.t == T_LB) {
			int neg = 0;

			next(&ps->lx);
			if (ps->lx.t == T_MINUS) {
				neg = 1;
				next(&ps->lx);
			}
			if (ps->lx.t == T_INT) {
				seg.index = neg ? -ps->lx.ival : ps->lx.ival;
			} else if (ps->lx.t == T_STRING && !neg) {
				seg.key = core_xmemdup(ps->lx.str.p,
				    ps->lx.str.len);
				seg.klen = ps->lx.str.len;
			} else {
				fail_here(ps, "expected an index or a quoted key");
				break;
			}
			next(&ps->lx);
			if (expect(ps, T_RB, "']'") < 0) {
				free(seg.key);
				break;
			}
			quoted = 1;    /* "a[0]" is never a field name */
		} else {
			break;
		}
		n->path = core_xgrow(n->path, &cap, n->npath + 1,
		    sizeof(*n->path));
		n->path[n->npath++] = seg;
	}
	/* "a.b" may be a field named "a.b" (CSV headers) or member b of a
	 * JSON field a: the whole name wins when the record has it. */
	core_fieldref_init(&n->full, core_buf_str(&full));
	if (quoted || n->npath == 0)
		n->full.sym = NULL;
	core_buf_release(&full);
	return n;
}

static struct node *
parse_call(struct parser *ps, const char *at, const char *name, size_t len)
{
	struct node *n = mk(ps, OP_CALL, at);
	size_t cap = 0;

	n->fn = find_fn(name, len);
	if (n->fn == NULL) {
		lex_fail(&ps->lx, at, "unknown function '%.*s'", (int)len, name);
		return n;
	}
	next(&ps->lx);    /* ( */
	if (ps->lx.t != T_RP) {
		for (;;) {
			struct node *a = parse_expr(ps, 0);

			if (a == NULL)
				return n;
			n->args = core_xgrow(n->args, &cap, n->nargs + 1,
			    sizeof(*n->args));
			n->args[n->nargs++] = a;
			if (ps->lx.t != T_COMMA)
				break;
			next(&ps->lx);
		}
	}
	if (expect(ps, T_RP, "')'") < 0)
		return n;
	if ((int)n->nargs < n->fn->min || (int)n->nargs > n->fn->max) {
		if (n->fn->min == n->fn->max)
			lex_fail(&ps->lx, at, "%s() takes %d argument%s, not %zu",
			    n->fn->name, n->fn->min, n->fn->min == 1 ? "" :
			    "s", n->nargs);
		else
			lex_fail(&ps->lx, at, "%s() takes %d to %d arguments, "
			    "not %zu", n->fn->name, n->fn->min, n->fn->max,
			    n->nargs);
	}
	n->argv = core_xcalloc(n->nargs + 1, sizeof(*n->argv));
	return n;
}

static int
cast_type(struct parser *ps, enum cast *c)
{
	static const struct {
		const char *name;
		enum cast c;
	} types[] = {
		{ "int", CAST_INT }, { "integer", CAST_INT },
		{ "bigint", CAST_INT }, { "double", CAST_DOUBLE },
		{ "float", CAST_DOUBLE }, { "real", CAST_DOUBLE },
		{ "numeric", CAST_DOUBLE }, { "string", CAST_STRING },
		{ "text", CAST_STRING }, { "varchar", CAST_STRING },
		{ "bool", CAST_BOOL }, { "boolean", CAST_BOOL },
		{ "time", CAST_TIME }, { "json", CAST_JSON },
	};
	size_t i;

	if (ps->lx.t == T_TIMESTAMP) {
		*c = CAST_TIME;
		next(&ps->lx);
		return 0;
	}
	if (ps->lx.t == T_IDENT) {
		for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
			if (strcasecmp(types[i].name, ps->lx.str.p) == 0) {
				*c = types[i].c;
				next(&ps->lx);
				return 0;
			}
		}
	}
	fail_here(ps, "expected a type (int, double, string, bool, "
	    "timestamp, json)");
	return -1;
}

static struct node *
parse_case(struct parser *ps, const char *at)
{
	struct node *n = mk(ps, OP_CASE, at);
	size_t cap = 0;

	next(&ps->lx);
	if (ps->lx.t != T_WHEN)
		n->a = parse_expr(ps, 0);    /* CASE x WHEN v ... */
	while (ps->lx.t == T_WHEN) {
		struct node *w, *t;

		next(&ps->lx);
		if ((w = parse_expr(ps, 0)) == NULL)
			return n;
		if (expect(ps, T_THEN, "THEN") < 0)
			return n;
		if ((t = parse_expr(ps, 0)) == NULL)
			return n;
		n->args = core_xgrow(n->args, &cap, n->nargs + 2,
		    sizeof(*n->args));
		n->args[n->nargs++] = w;
		n->args[n->nargs++] = t;
	}
	if (n->nargs == 0) {
		fail_here(ps, "expected WHEN");
		return n;
	}
	if (ps->lx.t == T_ELSE) {
		next(&ps->lx);
		n->c = parse_expr(ps, 0);
	}
	expect(ps, T_ENDKW, "END");
	return n;
}

static struct node *
parse_primary(struct parser *ps)
{
	const char *at = ps->lx.ts;
	struct node *n;
	enum cast c;

	switch (ps->lx.t) {
	case T_INT:
		n = mk(ps, OP_LIT, at);
		n->lit = core_v_int(ps->lx.ival);
		next(&ps->lx);
		return n;
	case T_FLOAT:
		n = mk(ps, OP_LIT, at);
		n->lit = core_v_double(ps->lx.dval);
		next(&ps->lx);
		return n;
	case T_DUR:
		n = mk(ps, OP_LIT, at);
		n->lit = core_v_int(ps->lx.ival);
		next(&ps->lx);
		return n;
	case T_STRING:
		n = mk(ps, OP_LIT, at);
		n->lit = core_v_str(dup_lit(n, ps->lx.str.p, ps->lx.str.len),
		    ps->lx.str.len);
		next(&ps->lx);
		return n;
	case T_TRUE:
	case T_FALSE:
		n = mk(ps, OP_LIT, at);
		n->lit = core_v_bool(ps->lx.t == T_TRUE);
		next(&ps->lx);
		return n;
	case T_NULL:
		n = mk(ps, OP_LIT, at);
		n->lit = core_v_null();
		next(&ps->lx);
		return n;
	case T_INTERVAL:
	case T_TIMESTAMP:
		{
			enum tok kind = ps->lx.t;
			struct core_timefmt tf;
			const char *err;
			int64_t ns;

			next(&ps->lx);
			if (ps->lx.t != T_STRING) {
				fail_here(ps, "expected a quoted literal");
				return NULL;
			}
			n = mk(ps, OP_LIT, at);
			if (kind == T_INTERVAL) {
				char *lit = core_xstrdup(ps->lx.str.p);
				const char *lat = ps->lx.ts;

				next(&ps->lx);
				if (ps->lx.t == T_IDENT && unit_word(ps->lx.str.p,
				    ps->lx.str.len)) {
					/* INTERVAL '5' MINUTE */
					size_t m = strlen(lit);

					lit = core_xrealloc(lit, m +
					    ps->lx.str.len + 2);
					lit[m] = ' ';
					memcpy(lit + m + 1, ps->lx.str.p,
					    ps->lx.str.len + 1);
					next(&ps->lx);
				}
				if (sql_interval(lit, &ns, &err) < 0) {
					lex_fail(&ps->lx, lat, "bad interval "
					    "'%s' (%s)", lit, err);
					free(lit);
					return NULL;
				}
				free(lit);
				n->lit = core_v_int(ns);
				return n;
			} else {
				core_timefmt_init(&tf, "auto");
				if (core_time_parse(&tf, ps->lx.str.p,
				    ps->lx.str.len, &ns) < 0) {
					lex_fail(&ps->lx, ps->lx.ts, "bad timestamp "
					    "'%s'", ps->lx.str.p);
					core_timefmt_release(&tf);
					return NULL;
				}
				core_timefmt_release(&tf);
				n->lit = core_v_time(ns);
			}
			next(&ps->lx);
			return n;
		}
	case T_IDENT:
		{
			const char *p = ps->lx.p;

			while (*p == ' ' || *p == '\t')
				p++;
			if (*p == '(') {
				char name[64];
				size_t len = ps->lx.str.len < 63 ?
				    ps->lx.str.len : 63;

				memcpy(name, ps->lx.str.p, len);
				name[len] = '\0';
				next(&ps->lx);
				return parse_call(ps, at, name, len);
			}
		}
		return parse_field(ps, at);
	case T_QIDENT:
		return parse_field(ps, at);
	case T_LP:
		next(&ps->lx);
		n = parse_expr(ps, 0);
		if (n && expect(ps, T_RP, "')'") < 0)
			return NULL;
		return n;
	case T_CASE:
		return parse_case(ps, at);
	case T_CASTKW:
		next(&ps->lx);
		if (expect(ps, T_LP, "'(' after CAST") < 0)
			return NULL;
		n = mk(ps, OP_CAST, at);
		if ((n->a = parse_expr(ps, 0)) == NULL)
			return NULL;
		if (expect(ps, T_AS, "AS") < 0 || cast_type(ps, &c) < 0)
			return NULL;
		n->cast = c;
		if (expect(ps, T_RP, "')'") < 0)
			return NULL;
		return n;
	case T_BAD:
		return NULL;
	default:
		fail_here(ps, "expected a value");
		return NULL;
	}
}

/* Binding powers, loosest first. */
enum {
	P_OR = 1, P_AND, P_NOT, P_IS, P_CMP, P_LIKE, P_CONCAT, P_ADD, P_MUL,
	P_UNARY, P_CAST
};

static int
infix_prec(enum tok t)
{
	switch (t) {
	case T_OR: return P_OR;
	case T_AND: return P_AND;
	case T_IS: return P_IS;
	case T_EQ: case T_NE: case T_LT: case T_LE: case T_GT: case T_GE:
		return P_CMP;
	case T_LIKE: case T_ILIKE: case T_IN: case T_BETWEEN: case T_NOT:
	case T_MATCH: case T_NMATCH: case T_IMATCH: case T_NIMATCH:
		return P_LIKE;
	case T_CONCAT: return P_CONCAT;
	case T_PLUS: case T_MINUS: return P_ADD;
	case T_STAR: case T_SLASH: case T_DSLASH: case T_PCT: return P_MUL;
	case T_CAST: return P_CAST;
	default: return 0;
	}
}

static struct node *
parse_unary(struct parser *ps)
{
	const char *at = ps->lx.ts;
	struct node *n;

	if (ps->lx.t == T_NOT) {
		next(&ps->lx);
		n = mk(ps, OP_NOT, at);
		n->a = parse_expr(ps, P_NOT);
		return n->a ? n : NULL;
	}
	if (ps->lx.t == T_MINUS || ps->lx.t == T_PLUS) {
		int neg = ps->lx.t == T_MINUS;

		next(&ps->lx);
		if (neg && ps->lx.t == T_FLOAT &&
		    strcmp(ps->lx.str.p, "9223372036854775808") == 0) {
			/* The one int whose magnitude is not an int. */
			n = mk(ps, OP_LIT, at);
			n->lit = core_v_int(INT64_MIN);
			next(&ps->lx);
			return n;
		}
		n = parse_expr(ps, P_UNARY);
		if (n == NULL || !neg)
			return n;
		/* Fold negative literals so -9223372036854775808 works. */
		if (n->op == OP_LIT && n->lit.type == CORE_INT) {
			if (n->lit.u.i == INT64_MIN) {
				n->lit = core_v_double(9223372036854775808.0);
			} else {
				n->lit.u.i = -n->lit.u.i;
				return n;
			}
		}
		if (n->op == OP_LIT && n->lit.type == CORE_DOUBLE) {
			n->lit.u.d = -n->lit.u.d;
			return n;
		}
		{
			struct node *m = mk(ps, OP_NEG, at);

			m->a = n;
			return m;
		}
	}
	return parse_primary(ps);
}

static struct node *
binary(struct parser *ps, enum op op, const char *at, struct node *l,
    int prec)
{
	struct node *n = mk(ps, op, at);

	n->a = l;
	n->b = parse_expr(ps, prec + 1);
	return n->b ? n : NULL;
}

static int
compile_like(struct parser *ps, struct node *n, int icase);
static int
compile_regex(struct parser *ps, struct node *n, int icase);

static struct node *
parse_expr(struct parser *ps, int min)
{
	struct node *l, *n;
	const char *at;
	int prec, negate;
	enum tok t;

	if (++ps->depth > MAX_DEPTH) {
		lex_fail(&ps->lx, ps->lx.ts, "expression nested too deeply");
		return NULL;
	}
	l = parse_unary(ps);
	while (l && !ps->lx.failed) {
		t = ps->lx.t;
		prec = infix_prec(t);
		if (prec == 0 || prec < min)
			break;
		at = ps->lx.ts;
		negate = 0;
		if (t == T_NOT) {
			/* NOT IN, NOT BETWEEN, NOT LIKE, NOT ILIKE */
			next(&ps->lx);
			t = ps->lx.t;
			if (t != T_IN && t != T_BETWEEN && t != T_LIKE &&
			    t != T_ILIKE) {
				fail_here(ps, "expected IN, BETWEEN or LIKE after "
				    "NOT");
				l = NULL;
				break;
			}
			negate = 1;
		}
		next(&ps->lx);
		switch (t) {
		case T_OR: l = binary(ps, OP_OR, at, l, prec); break;
		case T_AND: l = binary(ps, OP_AND, at, l, prec); break;
		case T_PLUS: l = binary(ps, OP_ADD, at, l, prec); break;
		case T_MINUS: l = binary(ps, OP_SUB, at, l, prec); break;
		case T_STAR: l = binary(ps, OP_MUL, at, l, prec); break;
		case T_SLASH: l = binary(ps, OP_DIV, at, l, prec); break;
		case T_DSLASH: l = binary(ps, OP_IDIV, at, l, prec); break;
		case T_PCT: l = binary(ps, OP_MOD, at, l, prec); break;
		case T_CONCAT: l = binary(ps, OP_CONCAT, at, l, prec); break;
		case T_EQ: case T_NE: case T_LT: case T_LE: case T_GT:
		case T_GE:
			l = binary(ps, t == T_EQ ? OP_EQ : t == T_NE ? OP_NE :
			    t == T_LT ? OP_LT : t == T_LE ? OP_LE : t == T_GT ?
			    OP_GT : OP_GE, at, l, prec);
			if (l && infix_prec(ps->lx.t) == P_CMP) {
				fail_here(ps, "comparisons do not chain (use "
				    "AND)");
				l = NULL;
			}
			break;
		case T_IS:
			n = mk(ps, OP_ISNULL, at);
			if (ps->lx.t == T_NOT) {
				n->op = OP_NOTNULL;
				next(&ps->lx);
			}
			if (expect(ps, T_NULL, "NULL after IS") < 0) {
				l = NULL;
				break;
			}
			n->a = l;
			l = n;
			break;
		case T_IN:
			{
				size_t cap = 0;

				n = mk(ps, negate ? OP_NOTIN : OP_IN, at);
				n->a = l;
				l = NULL;
				if (expect(ps, T_LP, "'(' after IN") < 0)
					break;
				for (;;) {
					struct node *v = parse_expr(ps, 0);

					if (v == NULL)
						break;
					n->args = core_xgrow(n->args, &cap,
					    n->nargs + 1, sizeof(*n->args));
					n->args[n->nargs++] = v;
					if (ps->lx.t != T_COMMA)
						break;
					next(&ps->lx);
				}
				if (!ps->lx.failed && expect(ps, T_RP, "')'")
				    == 0)
					l = n;
			}
			break;
		case T_BETWEEN:
			n = mk(ps, negate ? OP_NOTBETWEEN : OP_BETWEEN, at);
			n->a = l;
			l = NULL;
			if ((n->b = parse_expr(ps, P_LIKE + 1)) == NULL)
				break;
			if (expect(ps, T_AND, "AND in BETWEEN") < 0)
				break;
			if ((n->c = parse_expr(ps, P_LIKE + 1)) == NULL)
				break;
			l = n;
			break;
		case T_LIKE:
		case T_ILIKE:
			n = mk(ps, t == T_LIKE ? (negate ? OP_NOTLIKE : OP_LIKE) :
			    (negate ? OP_NOTILIKE : OP_ILIKE), at);
			n->a = l;
			n->b = parse_expr(ps, prec + 1);
			l = n->b && compile_like(ps, n, t == T_ILIKE) == 0 ? n :
			    NULL;
			break;
		case T_MATCH: case T_NMATCH: case T_IMATCH: case T_NIMATCH:
			n = mk(ps, t == T_MATCH ? OP_MATCH : t == T_NMATCH ?
			    OP_NMATCH : t == T_IMATCH ? OP_IMATCH : OP_NIMATCH,
			    at);
			n->a = l;
			n->b = parse_expr(ps, prec + 1);
			l = n->b && compile_regex(ps, n, t == T_IMATCH ||
			    t == T_NIMATCH) == 0 ? n : NULL;
			break;
		case T_CAST:
			n = mk(ps, OP_CAST, at);
			n->a = l;
			l = cast_type(ps, &n->cast) == 0 ? n : NULL;
			break;
		default:
			l = NULL;
			break;
		}
	}
	ps->depth--;
	return ps->lx.failed ? NULL : l;
}

/* ---- LIKE and regular expressions ----------------------------------------- */

/*
 * LIKE patterns become anchored PCRE2 patterns: % is .*, _ is one
 * character (a code point, with PCRE2_UTF when the pattern is UTF-8),
 * a backslash escapes the next character; the rest is literal.
 */
static void
like_to_regex(struct core_buf *b, const char *p, size_t n)
{
	size_t i;

	core_buf_addstr(b, "\\A(?s:");
	for (i = 0; i < n; i++) {
		char c = p[i];

		if (c == '\\' && i + 1 < n) {
			c = p[++i];
		} else if (c == '%') {
			core_buf_addstr(b, ".*");
			continue;
		} else if (c == '_') {
			core_buf_addc(b, '.');
			continue;
		}
		if (isalnum((unsigned char)c) || (c & 0x80)) {
			core_buf_addc(b, c);
		} else {
			core_buf_addc(b, '\\');
			core_buf_addc(b, c);
		}
	}
	core_buf_addstr(b, ")\\z");
}

static pcre2_code *
re_compile(const char *p, size_t n, int icase, char *err, size_t errn,
    size_t *erroff)
{
	uint32_t opt = PCRE2_NEVER_BACKSLASH_C;
	int code;
	PCRE2_SIZE off;
	pcre2_code *re;

	if (core_utf8_valid(p, n))
		opt |= PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
	if (icase)
		opt |= PCRE2_CASELESS;
	re = pcre2_compile((PCRE2_SPTR)p, n, opt, &code, &off, NULL);
	if (re == NULL) {
		pcre2_get_error_message(code, (PCRE2_UCHAR *)err, errn);
		*erroff = off;
		return NULL;
	}
	(void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	return re;
}

static int
compile_like(struct parser *ps, struct node *n, int icase)
{
	struct core_buf b = CORE_BUF_INIT;
	char err[128];
	size_t off;

	if (n->b->op != OP_LIT)
		return 0;    /* compiled at run time */
	if (n->b->lit.type != CORE_STR) {
		lex_fail(&ps->lx, ps->lx.src + n->b->col - 1, "LIKE needs a "
		    "string pattern");
		return -1;
	}
	like_to_regex(&b, n->b->lit.u.s, n->b->lit.len);
	n->re = re_compile(b.p, b.len, icase, err, sizeof(err), &off);
	core_buf_release(&b);
	if (n->re == NULL) {
		lex_fail(&ps->lx, ps->lx.src + n->b->col - 1, "bad LIKE "
		    "pattern: %s", err);
		return -1;
	}
	n->md = pcre2_match_data_create_from_pattern(n->re, NULL);
	return 0;
}

static int
compile_regex(struct parser *ps, struct node *n, int icase)
{
	char err[128];
	size_t off;

	if (n->b->op != OP_LIT)
		return 0;
	if (n->b->lit.type != CORE_STR) {
		lex_fail(&ps->lx, ps->lx.src + n->b->col - 1, "~ needs a "
		    "string pattern");
		return -1;
	}
	n->re = re_compile(n->b->lit.u.s, n->b->lit.len, icase, err,
	    sizeof(err), &off);
	if (n->re == NULL) {
		lex_fail(&ps->lx, ps->lx.src + n->b->col - 1 + 1 + off,
		    "bad regular expression: %s", err);
		return -1;
	}
	n->md = pcre2_match_data_create_from_pattern(n->re, NULL);
	return 0;
}

/* ---- evaluation helpers --------------------------------------------------- */

static void ev(struct core_expr *e, struct node *n, struct core_value *out);
static void fn_if(struct core_expr *e, struct node *n, struct core_value *a,
    struct core_value *out);
static void fn_coalesce(struct core_expr *e, struct node *n,
    struct core_value *a, struct core_value *out);

static inline int
is_num(const struct core_value *v)
{
	return v->type == CORE_INT || v->type == CORE_DOUBLE;
}

static char *
scratch(struct core_expr *e, size_t n)
{
	return core_arena_alloc(&e->scratch, n ? n : 1);
}

/* The text form of a value, for string functions. */
static const char *
as_text(struct core_expr *e, const struct core_value *v, size_t *len)
{
	char *d, *end;

	if (v->type == CORE_STR || v->type == CORE_JSON) {
		*len = v->len;
		return v->u.s;
	}
	if (v->type == CORE_TIME) {
		/* RFC 3339 whatever --time-format says: that shapes output,
		 * not what expressions compute. */
		d = scratch(e, CORE_FMT_SCALAR_MAX);
		end = core_fmt_time(d, v->u.i);
		*len = (size_t)(end - d);
		return d;
	}
	d = scratch(e, core_fmt_json_value_max(v));
	end = core_fmt_text_value(d, v);
	*len = (size_t)(end - d);
	return d;
}

static void
field_value(struct core_expr *e, struct node *n, struct core_value *out)
{
	const struct core_rec *r = e->rec;
	const struct core_value *v;
	size_t i;

	if (n->full.sym && (v = core_rec_getref(r, &n->full)) != NULL) {
		*out = *v;
		return;
	}
	if ((v = core_rec_getref(r, &n->base)) == NULL) {
		*out = core_v_null();
		return;
	}
	*out = *v;
	for (i = 0; i < n->npath; i++) {
		struct pathseg *s = &n->path[i];
		struct core_value nv;
		int rc;

		if (out->type != CORE_JSON) {
			*out = core_v_null();
			return;
		}
		if (s->key)
			rc = core_json_member(out->u.s, out->len, s->key,
			    s->klen, &nv, &e->scratch);
		else
			rc = core_json_element(out->u.s, out->len, s->index,
			    &nv, &e->scratch);
		if (rc < 0) {
			*out = core_v_null();
			return;
		}
		*out = nv;
	}
}

/* Numeric reading for arithmetic: 0 ok, -1 NULL, -2 not a number. */
static int
num(const struct core_value *v, int *isint, int64_t *i, double *d)
{
	switch (v->type) {
	case CORE_NULL:
		return -1;
	case CORE_INT:
	case CORE_TIME:
		*isint = 1;
		*i = v->u.i;
		*d = (double)v->u.i;
		return 0;
	case CORE_DOUBLE:
		*isint = 0;
		*d = core_value_double(v);
		return 0;
	default:
		return -2;
	}
}

static void
arith(struct core_expr *e, struct node *n, struct core_value *out)
{
	struct core_value a, b;
	int ai = 0, bi = 0, ra, rb;
	int64_t x = 0, y = 0, r;
	double dx = 0, dy = 0;
	int tres;

	ev(e, n->a, &a);
	ev(e, n->b, &b);
	ra = num(&a, &ai, &x, &dx);
	rb = num(&b, &bi, &y, &dy);
	if (ra == -1 || rb == -1) {
		*out = core_v_null();
		return;
	}
	if (ra == -2 || rb == -2) {
		diag(e, n, "arithmetic on %s and %s gives NULL",
		    core_type_name(a.type), core_type_name(b.type));
		*out = core_v_null();
		return;
	}
	/* time + duration and time - duration stay times; time - time is a
	 * duration in nanoseconds. */
	tres = (a.type == CORE_TIME) != (b.type == CORE_TIME) &&
	    (n->op == OP_ADD || (n->op == OP_SUB && a.type == CORE_TIME));
	if (ai && bi) {
		switch (n->op) {
		case OP_ADD:
			if (__builtin_add_overflow(x, y, &r))
				goto dbl;
			break;
		case OP_SUB:
			if (__builtin_sub_overflow(x, y, &r))
				goto dbl;
			break;
		case OP_MUL:
			if (__builtin_mul_overflow(x, y, &r))
				goto dbl;
			break;
		case OP_DIV:
			if (y == 0)
				goto divzero;
			if (y == -1 && x == INT64_MIN)
				goto dbl;
			if (x % y == 0) {
				r = x / y;
				break;
			}
			goto dbl;
		case OP_IDIV:
			if (y == 0)
				goto divzero;
			if (y == -1 && x == INT64_MIN)
				goto dbl;
			r = x / y;
			if ((x % y != 0) && ((x < 0) != (y < 0)))
				r--;    /* floor */
			break;
		default:    /* OP_MOD */
			if (y == 0)
				goto divzero;
			r = y == -1 ? 0 : x % y;
			break;
		}
		*out = tres ? core_v_time(r) : core_v_int(r);
		return;
	}
dbl:
	switch (n->op) {
	case OP_ADD: dx = dx + dy; break;
	case OP_SUB: dx = dx - dy; break;
	case OP_MUL: dx = dx * dy; break;
	case OP_DIV:
		if (dy == 0)
			goto divzero;
		dx = dx / dy;
		break;
	case OP_IDIV:
		if (dy == 0)
			goto divzero;
		dx = floor(dx / dy);
		break;
	default:
		if (dy == 0)
			goto divzero;
		dx = fmod(dx, dy);
		break;
	}
	if (tres && dx >= -9.2e18 && dx <= 9.2e18) {
		*out = core_v_time((int64_t)dx);
		return;
	}
	*out = core_v_double(dx);
	return;
divzero:
	diag(e, n, "division by zero gives NULL");
	*out = core_v_null();
}

#define NUMERIC 100    /* the group of ints, doubles and times */

/*
 * Comparison with SQL semantics: NULL if either side is NULL; numbers and
 * times compare by value; a time and a string compare after parsing the
 * string as a time; other mixes are a type mismatch (NULL).  Returns
 * <0/0/>0, or 2 for NULL.
 */
static int
compare(struct core_expr *e, struct node *n, const struct core_value *a,
    const struct core_value *b)
{
	struct core_value ta, tb;
	int ga, gb;

	/* The common cases first: ints, and strings, with each other. */
	if (a->type == b->type) {
		if (a->type == CORE_INT || a->type == CORE_TIME)
			return a->u.i < b->u.i ? -1 : a->u.i > b->u.i;
		if (a->type == CORE_STR) {
			size_t m = a->len < b->len ? a->len : b->len;
			int c = memcmp(a->u.s, b->u.s, m);

			return c ? (c < 0 ? -1 : 1) : a->len < b->len ? -1 :
			    a->len > b->len;
		}
	}
	if (a->type == CORE_NULL || b->type == CORE_NULL)
		return 2;
	if ((a->type == CORE_TIME && b->type == CORE_STR) ||
	    (b->type == CORE_TIME && a->type == CORE_STR)) {
		static struct core_timefmt autotf;
		const struct core_value *s = a->type == CORE_STR ? a : b;
		int64_t ns;

		if (autotf.kind != CORE_TF_AUTO)
			core_timefmt_init(&autotf, "auto");
		if (core_time_parse(&autotf, s->u.s, s->len, &ns) < 0) {
			diag(e, n, "'%.*s' is not a time; comparison gives "
			    "NULL", (int)(s->len > 40 ? 40 : s->len), s->u.s);
			return 2;
		}
		if (a->type == CORE_STR) {
			ta = core_v_time(ns);
			a = &ta;
		} else {
			tb = core_v_time(ns);
			b = &tb;
		}
	}
	ga = (a->type == CORE_INT || a->type == CORE_DOUBLE ||
	    a->type == CORE_TIME) ? NUMERIC : a->type;
	gb = (b->type == CORE_INT || b->type == CORE_DOUBLE ||
	    b->type == CORE_TIME) ? NUMERIC : b->type;
	if (ga != gb) {
		diag(e, n, "comparing %s with %s gives NULL",
		    core_type_name(a->type), core_type_name(b->type));
		return 2;
	}
	if (ga == NUMERIC) {
		double x, y;

		/* NaN equals nothing, itself included. */
		if (a->type == CORE_DOUBLE || b->type == CORE_DOUBLE) {
			core_value_number(a, &x);
			core_value_number(b, &y);
			if (isnan(x) || isnan(y))
				return n->op == OP_NE ? 1 : 3;
		}
	}
	return core_value_cmp(a, b);
}

#undef NUMERIC

static void
set_bool_or_null(struct core_value *out, int r)
{
	*out = r < 0 ? core_v_null() : core_v_bool(r);
}

static int
truth(struct core_expr *e, struct node *n, const struct core_value *v)
{
	if (v->type == CORE_BOOL)
		return (int)v->u.i;
	if (v->type != CORE_NULL)
		diag(e, n, "%s used as a condition gives NULL",
		    core_type_name(v->type));
	return -1;
}

static int
regex_match(struct core_expr *e, struct node *n, const struct core_value *s,
    const struct core_value *pat, int like, int icase)
{
	pcre2_code *re = n->re;
	pcre2_match_data *md = n->md;
	int rc;

	if (re == NULL) {
		/* A pattern computed per record: cache the last one. */
		struct core_buf b = CORE_BUF_INIT;
		char err[128];
		size_t off;

		if (pat->type != CORE_STR) {
			diag(e, n, "pattern is %s, not a string",
			    core_type_name(pat->type));
			return -1;
		}
		if (e->dyn_re == NULL || e->dyn_len != pat->len ||
		    e->dyn_flags != (like << 1 | icase) ||
		    memcmp(e->dyn_pat, pat->u.s, pat->len) != 0) {
			if (e->dyn_re) {
				pcre2_match_data_free(e->dyn_md);
				pcre2_code_free(e->dyn_re);
				e->dyn_re = NULL;
			}
			free(e->dyn_pat);
			e->dyn_pat = core_xmemdup(pat->u.s, pat->len);
			e->dyn_len = pat->len;
			e->dyn_flags = like << 1 | icase;
			if (like)
				like_to_regex(&b, pat->u.s, pat->len);
			else
				core_buf_add(&b, pat->u.s, pat->len);
			e->dyn_re = re_compile(b.p, b.len, icase, err,
			    sizeof(err), &off);
			core_buf_release(&b);
			if (e->dyn_re == NULL) {
				diag(e, n, "bad pattern: %s", err);
				return -1;
			}
			e->dyn_md = pcre2_match_data_create_from_pattern(
			    e->dyn_re, NULL);
		}
		re = e->dyn_re;
		md = e->dyn_md;
	}
	if (s->type != CORE_STR) {
		size_t len;
		const char *t;

		if (s->type == CORE_NULL)
			return -1;
		t = as_text(e, s, &len);
		rc = pcre2_match(re, (PCRE2_SPTR)t, len, 0, 0, md, NULL);
	} else {
		rc = pcre2_match(re, (PCRE2_SPTR)s->u.s, s->len, 0, 0, md,
		    NULL);
	}
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	if (rc < 0) {
		diag(e, n, "regular expression failed on this value (error "
		    "%d)", rc);
		return -1;
	}
	return 1;
}

static void
do_cast(struct core_expr *e, struct node *n, const struct core_value *v,
    struct core_value *out)
{
	struct core_timefmt tf;
	size_t len;
	const char *t;
	double d;
	int64_t ns;

	if (v->type == CORE_NULL) {
		*out = *v;
		return;
	}
	switch (n->cast) {
	case CAST_INT:
		if (v->type == CORE_INT) {
			*out = *v;
			return;
		}
		if (v->type == CORE_BOOL || v->type == CORE_TIME) {
			*out = core_v_int(v->u.i);
			return;
		}
		if (v->type == CORE_DOUBLE) {
			d = core_value_double(v);
			goto from_double;
		}
		if (v->type == CORE_STR) {
			struct core_value nv;
			const char *s = v->u.s;
			size_t l = v->len;

			while (l && isspace((unsigned char)*s))
				s++, l--;
			while (l && isspace((unsigned char)s[l - 1]))
				l--;
			if (core_number_scan(s, l, &nv)) {
				if (nv.type == CORE_INT) {
					*out = nv;
					return;
				}
				d = core_value_double(&nv);
				goto from_double;
			}
		}
		break;
	from_double:
		/* Rounded half away from zero, as PostgreSQL does. */
		d = round(d);
		if (d >= -9223372036854775808.0 && d < 9223372036854775808.0) {
			*out = core_v_int((int64_t)d);
			return;
		}
		break;
	case CAST_DOUBLE:
		if (core_value_number(v, &d) == 0) {
			*out = core_v_double(d);
			return;
		}
		if (v->type == CORE_STR) {
			struct core_value nv;

			if (core_number_scan(v->u.s, v->len, &nv)) {
				core_value_number(&nv, &d);
				*out = core_v_double(d);
				return;
			}
		}
		break;
	case CAST_STRING:
		t = as_text(e, v, &len);
		*out = core_v_str(t, len);
		return;
	case CAST_BOOL:
		if (v->type == CORE_BOOL) {
			*out = *v;
			return;
		}
		if (v->type == CORE_INT) {
			*out = core_v_bool(v->u.i != 0);
			return;
		}
		if (v->type == CORE_STR) {
			static const char *const yes[] = { "true", "t", "yes",
				"y", "1", "on" };
			static const char *const no[] = { "false", "f", "no",
				"n", "0", "off" };
			size_t i;

			for (i = 0; i < 6; i++) {
				if (v->len == strlen(yes[i]) &&
				    strncasecmp(v->u.s, yes[i], v->len) == 0) {
					*out = core_v_bool(1);
					return;
				}
				if (v->len == strlen(no[i]) &&
				    strncasecmp(v->u.s, no[i], v->len) == 0) {
					*out = core_v_bool(0);
					return;
				}
			}
		}
		break;
	case CAST_TIME:
		if (v->type == CORE_TIME) {
			*out = *v;
			return;
		}
		core_timefmt_init(&tf, "auto");
		if ((v->type == CORE_INT && core_time_from_int(&tf, v->u.i,
		    &ns) == 0) || (v->type == CORE_DOUBLE && (v->flags &
		    CORE_VF_TEXT ? core_time_parse(&tf, v->u.s, v->len, &ns) :
		    core_time_from_double(&tf, v->u.d, &ns)) == 0) ||
		    (v->type == CORE_STR && core_time_parse(&tf, v->u.s,
		    v->len, &ns) == 0)) {
			*out = core_v_time(ns);
			return;
		}
		break;
	case CAST_JSON:
		if (v->type == CORE_JSON) {
			*out = *v;
			return;
		}
		if (v->type == CORE_STR) {
			struct core_json_err je;
			const char *p = v->u.s;

			while (p < v->u.s + v->len && isspace((unsigned char)*p))
				p++;
			if (p < v->u.s + v->len && (*p == '{' || *p == '[') &&
			    core_json_validate(v->u.s, v->len, &je) == 0) {
				*out = core_v_json(v->u.s, v->len);
				return;
			}
		}
		break;
	}
	{
		static const char *const names[] = { "int", "double", "string",
			"bool", "timestamp", "json" };

		t = as_text(e, v, &len);
		diag(e, n, "cannot cast %s '%.*s' to %s; gives NULL",
		    core_type_name(v->type), (int)(len > 40 ? 40 : len), t,
		    names[n->cast]);
	}
	*out = core_v_null();
}

static void
ev(struct core_expr *e, struct node *n, struct core_value *out)
{
	struct core_value a, b, c;
	size_t i;
	int r, x;

	switch (n->op) {
	case OP_LIT:
		*out = n->lit;
		return;
	case OP_FIELD:
		field_value(e, n, out);
		return;
	case OP_NEG:
		ev(e, n->a, &a);
		if (a.type == CORE_INT) {
			if (a.u.i == INT64_MIN)
				*out = core_v_double(9223372036854775808.0);
			else
				*out = core_v_int(-a.u.i);
		} else if (a.type == CORE_DOUBLE) {
			*out = core_v_double(-core_value_double(&a));
		} else {
			if (a.type != CORE_NULL)
				diag(e, n, "minus on %s gives NULL",
				    core_type_name(a.type));
			*out = core_v_null();
		}
		return;
	case OP_NOT:
		ev(e, n->a, &a);
		r = truth(e, n, &a);
		set_bool_or_null(out, r < 0 ? -1 : !r);
		return;
	case OP_AND:
		ev(e, n->a, &a);
		r = truth(e, n, &a);
		if (r == 0) {
			*out = core_v_bool(0);
			return;
		}
		ev(e, n->b, &b);
		x = truth(e, n, &b);
		if (x == 0)
			*out = core_v_bool(0);
		else
			set_bool_or_null(out, r < 0 || x < 0 ? -1 : 1);
		return;
	case OP_OR:
		ev(e, n->a, &a);
		r = truth(e, n, &a);
		if (r == 1) {
			*out = core_v_bool(1);
			return;
		}
		ev(e, n->b, &b);
		x = truth(e, n, &b);
		if (x == 1)
			*out = core_v_bool(1);
		else
			set_bool_or_null(out, r < 0 || x < 0 ? -1 : 0);
		return;
	case OP_ADD: case OP_SUB: case OP_MUL: case OP_DIV: case OP_IDIV:
	case OP_MOD:
		arith(e, n, out);
		return;
	case OP_CONCAT:
		{
			const char *s, *t;
			size_t ls, lt;
			char *d;

			ev(e, n->a, &a);
			ev(e, n->b, &b);
			if (a.type == CORE_NULL || b.type == CORE_NULL) {
				*out = core_v_null();
				return;
			}
			s = as_text(e, &a, &ls);
			t = as_text(e, &b, &lt);
			d = scratch(e, ls + lt);
			memcpy(d, s, ls);
			memcpy(d + ls, t, lt);
			*out = core_v_str(d, ls + lt);
			return;
		}
	case OP_EQ: case OP_NE: case OP_LT: case OP_LE: case OP_GT:
	case OP_GE:
		ev(e, n->a, &a);
		ev(e, n->b, &b);
		r = compare(e, n, &a, &b);
		if (r == 2) {
			*out = core_v_null();
			return;
		}
		if (r == 3) {    /* NaN involved: only <> is true */
			*out = core_v_bool(0);
			return;
		}
		switch (n->op) {
		case OP_EQ: x = r == 0; break;
		case OP_NE: x = r != 0; break;
		case OP_LT: x = r < 0; break;
		case OP_LE: x = r <= 0; break;
		case OP_GT: x = r > 0; break;
		default: x = r >= 0; break;
		}
		*out = core_v_bool(x);
		return;
	case OP_ISNULL:
	case OP_NOTNULL:
		ev(e, n->a, &a);
		*out = core_v_bool((a.type == CORE_NULL) == (n->op ==
		    OP_ISNULL));
		return;
	case OP_IN:
	case OP_NOTIN:
		{
			int seen_null = 0;

			ev(e, n->a, &a);
			if (a.type == CORE_NULL) {
				*out = core_v_null();
				return;
			}
			for (i = 0; i < n->nargs; i++) {
				ev(e, n->args[i], &b);
				r = compare(e, n, &a, &b);
				if (r == 0) {
					*out = core_v_bool(n->op == OP_IN);
					return;
				}
				if (r == 2)
					seen_null = 1;
			}
			set_bool_or_null(out, seen_null ? -1 : n->op == OP_NOTIN);
			return;
		}
	case OP_BETWEEN:
	case OP_NOTBETWEEN:
		{
			int lo, hi;

			ev(e, n->a, &a);
			ev(e, n->b, &b);
			ev(e, n->c, &c);
			lo = compare(e, n, &a, &b);
			hi = compare(e, n, &a, &c);
			/* a >= b AND a <= c, in three-valued logic */
			r = lo == 2 ? -1 : lo == 3 ? 0 : lo >= 0;
			x = hi == 2 ? -1 : hi == 3 ? 0 : hi <= 0;
			if (r == 0 || x == 0)
				r = 0;
			else if (r < 0 || x < 0)
				r = -1;
			else
				r = 1;
			if (n->op == OP_NOTBETWEEN && r >= 0)
				r = !r;
			set_bool_or_null(out, r);
			return;
		}
	case OP_LIKE: case OP_NOTLIKE: case OP_ILIKE: case OP_NOTILIKE:
	case OP_MATCH: case OP_NMATCH: case OP_IMATCH: case OP_NIMATCH:
		{
			int like = n->op <= OP_NOTILIKE;
			int icase = n->op == OP_ILIKE || n->op == OP_NOTILIKE ||
			    n->op == OP_IMATCH || n->op == OP_NIMATCH;
			int neg = n->op == OP_NOTLIKE || n->op == OP_NOTILIKE ||
			    n->op == OP_NMATCH || n->op == OP_NIMATCH;

			ev(e, n->a, &a);
			if (n->re == NULL)
				ev(e, n->b, &b);
			else
				b = n->b->lit;
			if (a.type == CORE_NULL || b.type == CORE_NULL) {
				*out = core_v_null();
				return;
			}
			r = regex_match(e, n, &a, &b, like, icase);
			set_bool_or_null(out, r < 0 ? -1 : neg ? !r : r);
			return;
		}
	case OP_CASE:
		if (n->a)
			ev(e, n->a, &a);
		for (i = 0; i + 1 < n->nargs; i += 2) {
			ev(e, n->args[i], &b);
			if (n->a)
				r = compare(e, n, &a, &b) == 0;
			else
				r = truth(e, n, &b) == 1;
			if (r) {
				ev(e, n->args[i + 1], out);
				return;
			}
		}
		if (n->c)
			ev(e, n->c, out);
		else
			*out = core_v_null();
		return;
	case OP_CALL:
		/* if() and coalesce() evaluate only what they need, so that
		 * if(n = 0, 0, 1 / n) is not a division by zero. */
		if (n->fn->f == fn_if) {
			ev(e, n->args[0], &a);
			ev(e, n->args[truth(e, n, &a) == 1 ? 1 : 2], out);
			return;
		}
		if (n->fn->f == fn_coalesce) {
			for (i = 0; i < n->nargs; i++) {
				ev(e, n->args[i], out);
				if (out->type != CORE_NULL)
					return;
			}
			return;
		}
		for (i = 0; i < n->nargs; i++)
			ev(e, n->args[i], &n->argv[i]);
		n->fn->f(e, n, n->argv, out);
		return;
	case OP_CAST:
		ev(e, n->a, &a);
		do_cast(e, n, &a, out);
		return;
	}
	*out = core_v_null();
}

/* ---- functions ------------------------------------------------------------ */

static int
any_null(struct node *n, struct core_value *a)
{
	size_t i;

	for (i = 0; i < n->nargs; i++)
		if (a[i].type == CORE_NULL)
			return 1;
	return 0;
}

static void
fn_lower_upper(struct core_expr *e, struct node *n, struct core_value *a,
    struct core_value *out, int up)
{
	size_t len, i;
	const char *s;
	char *d;

	if (any_null(n, a)) {
		*out = core_v_null();
		return;
	}
	s = as_text(e, &a[0], &len);
	d = scratch(e, len);
	for (i = 0; i < len; i++)
		d[i] = (char)(up ? toupper((unsigned char)s[i]) :
		    tolower((unsigned char)s[i]));
	*out = core_v_str(d, len);
}

static void
fn_lower(struct core_expr *e, struct node *n, struct core_value *a,
    struct core_value *out)
{
	fn_lower_upper(e, n, a, out, 0);
}

static void
fn_upper(struct core_expr *e, struct node *n, struct core_value *a,
    struct core_value *out)
{
	fn_lower_upper(e, n, a, out, 1);
}

/* Length and positions count code points for UTF-8 strings. */
static size_t
cp_count(const char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xc0) != 0x80;
	return n;
}

static size_t
cp_offset(const char *s, size_t len, size_t k)
{
	size_t i;

	for (i = 0; i < len && k; ) {
		i++;
		while (i < len && ((unsigned char)s[i] & 0xc0) == 0x80)
			i++;
		k--;
	}
	return i;
}

static void
fn_length(struct core_expr *e, struct node *n, struct core_value *a,
    struct core_value *out)
{
	size_t len;
	const char *s;

	if (any_null(n, a)) {
		*out = core_v_null();
		return;
	}
	s = as_text(e, &a[0], &len);
	*out = core_v_int((int64_t)cp_count(s, len));
}

static int
int_arg(struct core_expr *e, struct node *n, struct core_value *v,
    int64_t *out)
{
	double d;

	if (v->type == CORE_INT) {
		*out = v->u.i;
		return 0;
	}
	if (v->type == CORE_DOUBLE) {
		d = core_value_double(v);
		if (d >= -9.2e18 && d <= 9.2e18) {
			*out = (int64_t)d;
			return 0;
		}
	}
	diag(e, n, "%s() wants an integer, got %s", n->fn->name,
	    core_type_name(v->type));
	return -1;
}

static void
fn_substr(struct core_expr *e, struct node *n, struct core_value *a,
    struct core_value *out)
{
	int64_t start, cnt = INT64_MAX;
	size_t len, from, to, ncp;
	const char *s;

	if (any_null(n, a) || int_arg(e, n, &a[1], &start) < 0 ||
	    (n->nargs > 2 && int_arg(e, n, &a[2], &cnt) < 0)) {
		*out = core_v_null();
		return;
	}
	s = as_text(e, &a[0], &len);
	ncp = cp_count(s, len);
	/* SQL: 1-based; a start before 1 eats into the count. */
	if (start < 1) {
		if (cnt != INT64_MAX)
			cnt = cnt + start - 1 < 0 ? 0 : cnt + start - 1;
		start = 1;
	}
	if (cnt < 0) {
		diag(e, n, "substr() with a negative length gives NULL");
		*out = core_v_null();
		return;
	}
	if ((uint64_t)start > ncp) {
		*out = core_v_str("", 0);
		return;
	}
	from = cp_offset(s, len, (size_t)start - 1);
	to = (uint64_t)cnt >= ncp ? len : cp_offset(s, len, (size_t)start - 1
	    + (size_t)cnt);
	if (to < from)
		to = len;
	*out = core_v_str(s + from, to - from);
}

static void
fn_split_part(struct core_expr *e, struct node *n, struct core_value *a,
    struct core_value *out)
{
	size_t len, dl, i, start = 0;
	const char *s, *d;
	int64_t k, idx = 1;

	if (any_null(n, a) || int_arg(e, n, &a[2], &k) < 0) {
		*out = core_v_null();
		return;
	}
	s = as_text(e, &a[0], &len);
	d = as_text(e, &a[1], &dl);
	if (k < 1 || dl == 0) {
		diag(e, n, "split_part() needs a delimiter and a part >= 1");
		*out = core_v_null();
		return;
	}
	for (i = 0; i + dl <= len; ) {
		if (memcmp(s + i, d, dl) == 0) {
			if (idx == k) {
				*out = core_v_str(s + start, i - start);
				return;
			}
			idx++;
			i += dl;
			start = i;
		} else {
			i++;
		}
	}
	*out = idx == k ? core_v_str(s + start, len - start) :
	    core_v_str("", 0);
}

static void
fn_concat(struct core_expr *e, struct node *n, struct core_value *a,
    struct core_value *out)
{
	size_t total = 0, i, l;
	const char *t;
	char *d, *p;

	/* concat() skips NULLs, as in PostgreSQL. */
	for (i = 0; i < n->nargs; i++)
		if (a[i].type != CORE_NULL) {
			t = as_text(e, &a[i], &l);
			a[i] = core_v_str(t, l);
			total += l;
		}
	d = p = scratch(e, total);
	for (i = 0; i < n->nargs; i++)
		if (a[i].type != CORE_NULL) {
			memcpy(p, a[i].u.s, a[i].len);
			p += a[i].len;
		}
	*out = core_v_str(d, total);
}

static void
trim_impl(struct core_expr *e, struct node *n, struct core_value *a,
    struct core_value *out, int left, int right)
{
	size_t len, cl = 1;
	const char *s, *chars = " ";

	if (any_null(n, a)) {
		*out = core_v_null();
		return;
	}
	s = as_text(e, &a[0], &len);
	if (n->nargs > 1)
		chars = as_text(e, &a[1], &cl);
	while (left && len && memchr(chars, *s, cl)) {
		s++;
		len--;
	}
	while (right && len && memchr(chars, s[len - 1], cl))
		len--;
	*out = core_v_str(s, len);
}

static void
fn_trim(struct core_expr *e, struct node *n, struct core_value *a,
    struct core_value *out)
{
	trim_impl(e, n, a, out, 1, 1);
}

static void
fn_ltrim(struct core_expr *e, struct node *n, struct core_value *a,
    struct core_value *out)
{
	trim_impl(e, n, a, out, 1, 0);
}

static void
fn_rtrim(struct core_expr *e, struct node *n, struct core_value *a,
    struct core_value *out)
{
	trim_impl(e, n, a, out, 0, 1);
}

static void
fn_replace(struct core_expr *e, struct node *n, struct core_value *a,
    struct core_value *out)
{
	const char *s, *f, *t;
	size_t ls, lf, lt, i, cnt = 0;
	char *d, *p;

	if (any_null(n, a)) {
		*out = core_v_null();
		return;
	}
	s = as_text(e, &a[0], &ls);
	f = as_text(e, &a[1], &lf);
	t = as_text(e, &a[2], &lt);
	if (lf == 0) {
		*out = core_v_str(s, ls);
		return;
	}
	for (i = 0; i + lf <= ls; )
		if (memcmp(s + i, f, lf) == 0) {
			cnt++;
			i += lf;
		} else {
			i++;
		}
	d = p = scratch(e, ls + cnt * lt);
	for (i = 0; i < ls; ) {
		if (i + lf <= ls && memcmp(s + i, f, lf) == 0) {
			memcpy(p, t, lt);
			p += lt;
			i += lf;
		} else {
			*p++ = s[i++];
		}
	}
	*out = core_v_str(d, (size_t)(p - d));
}

static int
dbl_arg(struct core_expr *e, struct node *n, struct core_value *v,
    double *d)
{
	if (v->type == CORE_INT || v->type == CORE_DOUBLE) {
		core_value_number(v, d);
		return 0;
	}
	diag(e, n, "%s() wants a number, got %s", n->fn->name,
	    core_type_name(v->type));
	return -1;
}

static void
fn_abs(struct core_expr *e, struct node *n, struct core_value *a,
    struct core_value *out)
{
	double d;

	if (any_null(n, a)) {
		*out = core_v_null();
		return;
	}
	if (a[0].type == CORE_INT) {
		*out = a[0].u.i == INT64_MIN ?
		    core_v_double(9223372036854775808.0) :
		    core_v_int(a[0].u.i < 0 ? -a[0].u.i : a[0].u.i);
		return;
	}
	if (dbl_arg(e, n, &a[0], &d) < 0) {
		*out = core_v_null();
		return;
	}
	*out = core_v_double(fabs(d));
}

static void
rounding(struct core_expr *e, struct node *n, struct core_value *a,
    struct core_value *out, double (*f)(double))
{
	double d, scale = 1;
	int64_t digits = 0;

	if (any_null(n, a)) {
		*out = core_v_null();
		return;
	}
	if (a[0].type == CORE_INT && n->nargs == 1) {
		*out = a[0];
		return;
	}
	if (dbl_arg(e, n, &a[0], &d) < 0 || (n->nargs > 1 &&
	    int_arg(e, n, &a[1], &digits) < 0)) {
		*out = core_v_null();
		return;
	}
	if (digits > 15)
		digits = 15;
	if (digits < -15)
		digits = -15;
	scale = pow(10, (double)digits);
	d = f(d * scale) / scale;
	/* round(x) and friends give ints, as users expect to group by them */
	if (n->nargs == 1 && d >= -9.2e18 && d <= 9.2e18)
		*out = core_v_int((int64_t)d);
	else
		*out = core_v_double(d);
}

static void
fn_round(struct core_expr *e, struct node *n, struct core_value *a,
    struct core_value *out)
{
	rounding(e, n, a, out, round);
}

static void
fn_floor(struct core_expr *e, struct node *n, struct core_value *a,
    struct core_value *out)
{
	rounding(e, n, a, out, floor);
}

static void
fn_ceil(struct core_expr *e, struct node *n, struct core_value *a,
    struct core_value *out)
{
	rounding(e, n, a, out, ceil);
}

static void
math1(struct core_expr *e, struct node *n, struct core_value *a,
    struct core_value *out, double (*f)(double), int positive)
{
	double d;

	if (any_null(n, a) || dbl_arg(e, n, &a[0], &d) < 0) {
		*out = core_v_null();
		return;
	}
	if ((positive == 1 && d <= 0) || (positive == 2 && d < 0)) {
		diag(e, n, "%s() of %g gives NULL", n->fn->name, d);
		*out = core_v_null();
		return;
	}
	*out = core_v_double(f(d));
}

static void
fn_ln(struct core_expr *e, struct node *n, struct core_value *a,
    struct core_value *out)
{
	math1(e, n, a, out, log, 1);
}

static void
fn_log10(struct core_expr *e, struct node *n, struct core_value *a,
    struct core_value *out)
{
	math1(e, n, a, out, log10, 1);
}

static void
fn_exp(struct core_expr *e, struct node *n, struct core_value *a,
    struct core_value *out)
{
	math1(e, n, a, out, exp, 0);
}

static void
fn_sqrt(struct core_expr *e, struct node *n, struct core_value *a,
    struct core_value *out)
{
	math1(e, n, a, out, sqrt, 2);
}

static void
fn_pow(struct core_expr *e, struct node *n, struct core_value *a,
    struct core_value *out)
{
	double x, y, r;

	if (any_null(n, a) || dbl_arg(e, n, &a[0], &x) < 0 ||
	    dbl_arg(e, n, &a[1], &y) < 0) {
		*out = core_v_null();
		return;
	}
	r = pow(x, y);
	if (isnan(r) && !isnan(x) && !isnan(y)) {
		diag(e, n, "pow(%g, %g) gives NULL", x, y);
		*out = core_v_null();
		return;
	}
	*out = core_v_double(r);
}

static void
fn_coalesce(struct core_expr *e, struct node *n, struct core_value *a,
    struct core_value *out)
{
	size_t i;

	(void)e;
	for (i = 0; i < n->nargs; i++)
		if (a[i].type != CORE_NULL) {
			*out = a[i];
			return;
		}
	*out = core_v_null();
}

static void
fn_nullif(struct core_expr *e, struct node *n, struct core_value *a,
    struct core_value *out)
{
	(void)e;
	(void)n;
	if (a[0].type != CORE_NULL && a[1].type != CORE_NULL &&
	    core_value_cmp(&a[0], &a[1]) == 0)
		*out = core_v_null();
	else
		*out = a[0];
}

static void
fn_now(struct core_expr *e, struct node *n, struct core_value *a,
    struct core_value *out)
{
	(void)e;
	(void)n;
	(void)a;
	*out = core_v_time(core_now_real());
}

static void
fn_event_time(struct core_expr *e, struct node *n, struct core_value *a,
    struct core_value *out)
{
	(void)n;
	(void)a;
	*out = core_v_time(e->rec->time);
}

static int
time_arg(struct core_expr *e, struct node *n, struct core_value *v,
    int64_t *ns)
{
	struct core_timefmt tf;
	int r = -1;

	if (v->type == CORE_TIME) {
		*ns = v->u.i;
		return 0;
	}
	core_timefmt_init(&tf, "auto");
	if (v->type == CORE_STR)
		r = core_time_parse(&tf, v->u.s, v->len, ns);
	else if (v->type == CORE_INT)
		r = core_time_from_int(&tf, v->u.i, ns);
	if (r < 0)
		diag(e, n, "%s() wants a time, got %s", n->fn->name,
		    core_type_name(v->type));
	return r;
}

/* Splits ns into a UTC calendar date and time of day. */
static void
civil(int64_t ns, int64_t *y, unsigned *mo, unsigned *d, int64_t *days,
    int64_t *sod, int64_t *frac)
{
	int64_t s = ns / 1000000000, f = ns % 1000000000;

	if (f < 0) {
		f += 1000000000;
		s--;
	}
	*days = s / 86400;
	*sod = s % 86400;
	if (*sod < 0) {
		*sod += 86400;
		(*days)--;
	}
	*frac = f;
	core_civil_from_days(*days, y, mo, d);
}

static void
fn_date_trunc(struct core_expr *e, struct node *n, struct core_value *a,
    struct core_value *out)
{
	int64_t ns, y, days, sod, frac, r;
	unsigned mo, d;
	size_t ul;
	const char *u;

	if (any_null(n, a) || time_arg(e, n, &a[1], &ns) < 0) {
		*out = core_v_null();
		return;
	}
	u = as_text(e, &a[0], &ul);
	civil(ns, &y, &mo, &d, &days, &sod, &frac);
#define UNIT(s) (ul == strlen(s) && strncasecmp(u, s, ul) == 0)
	if (UNIT("second"))
		r = (days * 86400 + sod) * 1000000000;
	else if (UNIT("minute"))
		r = (days * 86400 + sod / 60 * 60) * 1000000000;
	else if (UNIT("hour"))
		r = (days * 86400 + sod / 3600 * 3600) * 1000000000;
	else if (UNIT("day"))
		r = days * 86400 * 1000000000;
	else if (UNIT("week"))    /* ISO weeks start on Monday */
		r = (days - ((days + 3) % 7 + 7) % 7) * 86400 * 1000000000;
	else if (UNIT("month"))
		r = core_days_from_civil(y, mo, 1) * 86400 * 1000000000;
	else if (UNIT("year"))
		r = core_days_from_civil(y, 1, 1) * 86400 * 1000000000;
	else {
		diag(e, n, "date_trunc() unit '%.*s' is not second, minute, "
		    "hour, day, week, month or year", (int)ul, u);
		*out = core_v_null();
		return;
	}
#undef UNIT
	*out = core_v_time(r);
}

static void
time_part(struct core_expr *e, struct node *n, struct core_value *a,
    struct core_value *out, int part)
{
	int64_t ns, y, days, sod, frac;
	unsigned mo, d;

	if (any_null(n, a) || time_arg(e, n, &a[0], &ns) < 0) {
		*out = core_v_null();
		return;
	}
	civil(ns, &y, &mo, &d, &days, &sod, &frac);
	switch (part) {
	case 0: *out = core_v_int(y); break;
	case 1: *out = core_v_int(mo); break;
	case 2: *out = core_v_int(d); break;
	case 3: *out = core_v_int(sod / 3600); break;
	case 4: *out = core_v_int(sod / 60 % 60); break;
	case 5: *out = core_v_int(sod % 60); break;
	default: *out = core_v_int(((days + 3) % 7 + 7) % 7 + 1); break;
	}
}

#define PART(name, k) \
static void \
fn_##name(struct core_expr *e, struct node *n, struct core_value *a, \
    struct core_value *out) \
{ \
	time_part(e, n, a, out, k); \
}
PART(year, 0)
PART(month, 1)
PART(day, 2)
PART(hour, 3)
PART(minute, 4)
PART(second, 5)
PART(dow, 6)
#undef PART

static void
fn_strftime(struct core_expr *e, struct node *n, struct core_value *a,
    struct core_value *out)
{
	int64_t ns, y, days, sod, frac;
	unsigned mo, d;
	struct tm tm;
	char fmt[256], *buf;
	size_t fl, len;
	const char *f;

	if (any_null(n, a) || time_arg(e, n, &a[0], &ns) < 0) {
		*out = core_v_null();
		return;
	}
	f = as_text(e, &a[1], &fl);
	if (fl >= sizeof(fmt) || fl == 0) {
		diag(e, n, "strftime() format is empty or too long");
		*out = core_v_null();
		return;
	}
	memcpy(fmt, f, fl);
	fmt[fl] = '\0';
	civil(ns, &y, &mo, &d, &days, &sod, &frac);
	memset(&tm, 0, sizeof(tm));
	if (y < -1000000 || y > 1000000) {
		*out = core_v_null();
		return;
	}
	tm.tm_year = (int)(y - 1900);
	tm.tm_mon = (int)mo - 1;
	tm.tm_mday = (int)d;
	tm.tm_hour = (int)(sod / 3600);
	tm.tm_min = (int)(sod / 60 % 60);
	tm.tm_sec = (int)(sod % 60);
	tm.tm_wday = (int)(((days + 4) % 7 + 7) % 7);
	tm.tm_yday = (int)(days - core_days_from_civil(y, 1, 1));
	buf = scratch(e, 512);
	len = strftime(buf, 512, fmt, &tm);
	*out = core_v_str(buf, len);
}

static void
fn_parse_time(struct core_expr *e, struct node *n, struct core_value *a,
    struct core_value *out)
{
	struct core_timefmt tf;
	char spec[256];
	size_t len;
	const char *s;
	int64_t ns;

	if (any_null(n, a)) {
		*out = core_v_null();
		return;
	}
	if (n->nargs > 1) {
		s = as_text(e, &a[1], &len);
		if (len >= sizeof(spec))
			len = sizeof(spec) - 1;
		memcpy(spec, s, len);
		spec[len] = '\0';
	} else {
		strcpy(spec, "auto");
	}
	if (core_timefmt_init(&tf, spec) < 0) {
		diag(e, n, "parse_time() format '%s' is unknown", spec);
		*out = core_v_null();
		return;
	}
	s = as_text(e, &a[0], &len);
	if (core_time_parse(&tf, s, len, &ns) == 0)
		*out = core_v_time(ns);
	else {
		diag(e, n, "parse_time() cannot read '%.*s'",
		    (int)(len > 40 ? 40 : len), s);
		*out = core_v_null();
	}
	core_timefmt_release(&tf);
}

static void
fn_typeof(struct core_expr *e, struct node *n, struct core_value *a,
    struct core_value *out)
{
	const char *t = core_type_name(a[0].type);

	(void)e;
	(void)n;
	*out = core_v_str(t, strlen(t));
}

static void
fn_if(struct core_expr *e, struct node *n, struct core_value *a,
    struct core_value *out)
{
	*out = truth(e, n, &a[0]) == 1 ? a[1] : a[2];
}

static const struct fninfo functions[] = {
	{ "abs", 1, 1, fn_abs },
	{ "ceil", 1, 2, fn_ceil },
	{ "ceiling", 1, 2, fn_ceil },
	{ "coalesce", 1, 64, fn_coalesce },
	{ "concat", 1, 64, fn_concat },
	{ "date_trunc", 2, 2, fn_date_trunc },
	{ "day", 1, 1, fn_day },
	{ "dow", 1, 1, fn_dow },
	{ "event_time", 0, 0, fn_event_time },
	{ "exp", 1, 1, fn_exp },
	{ "floor", 1, 2, fn_floor },
	{ "hour", 1, 1, fn_hour },
	{ "if", 3, 3, fn_if },
	{ "length", 1, 1, fn_length },
	{ "ln", 1, 1, fn_ln },
	{ "log10", 1, 1, fn_log10 },
	{ "lower", 1, 1, fn_lower },
	{ "ltrim", 1, 2, fn_ltrim },
	{ "minute", 1, 1, fn_minute },
	{ "month", 1, 1, fn_month },
	{ "now", 0, 0, fn_now },
	{ "nullif", 2, 2, fn_nullif },
	{ "parse_time", 1, 2, fn_parse_time },
	{ "pow", 2, 2, fn_pow },
	{ "power", 2, 2, fn_pow },
	{ "replace", 3, 3, fn_replace },
	{ "round", 1, 2, fn_round },
	{ "rtrim", 1, 2, fn_rtrim },
	{ "second", 1, 1, fn_second },
	{ "split_part", 3, 3, fn_split_part },
	{ "sqrt", 1, 1, fn_sqrt },
	{ "strftime", 2, 2, fn_strftime },
	{ "substr", 2, 3, fn_substr },
	{ "substring", 2, 3, fn_substr },
	{ "trim", 1, 2, fn_trim },
	{ "typeof", 1, 1, fn_typeof },
	{ "upper", 1, 1, fn_upper },
	{ "year", 1, 1, fn_year },
};

const char *const core_expr_functions[] = {
	"abs", "ceil", "ceiling", "coalesce", "concat", "date_trunc", "day",
	"dow", "event_time", "exp", "floor", "hour", "if", "length", "ln",
	"log10", "lower", "ltrim", "minute", "month", "now", "nullif",
	"parse_time", "pow", "power", "replace", "round", "rtrim", "second",
	"split_part", "sqrt", "strftime", "substr", "substring", "trim",
	"typeof", "upper", "year", NULL
};

static const struct fninfo *
find_fn(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(functions) / sizeof(functions[0]); i++)
		if (strlen(functions[i].name) == len &&
		    strncasecmp(functions[i].name, name, len) == 0)
			return &functions[i];
	return NULL;
}

/* ---- the public face ------------------------------------------------------ */

struct core_expr *
core_expr_compile(const char *src, struct core_expr_err *err)
{
	struct core_expr *e = core_xcalloc(1, sizeof(*e));
	struct parser ps;

	memset(&ps, 0, sizeof(ps));
	memset(err, 0, sizeof(*err));
	e->src = core_xstrdup(src);
	core_arena_init(&e->scratch);
	ps.e = e;
	ps.lx.src = e->src;
	ps.lx.p = e->src;
	ps.lx.err = err;
	next(&ps.lx);
	if (!ps.lx.failed) {
		e->root = parse_expr(&ps, 0);
		if (!ps.lx.failed && ps.lx.t != T_END) {
			char nb[64];

			lex_fail(&ps.lx, ps.lx.ts, "unexpected %s",
			    near(&ps.lx, nb, sizeof(nb)) + 5);
		}
		if (!ps.lx.failed && e->root == NULL)
			fail_here(&ps, "expected an expression");
	}
	core_buf_release(&ps.lx.str);
	if (ps.lx.failed) {
		core_expr_free(e);
		return NULL;
	}
	return e;
}

void
core_expr_free(struct core_expr *e)
{
	size_t i, k;

	if (e == NULL)
		return;
	for (i = 0; i < e->nall; i++) {
		struct node *n = e->all[i];

		free(n->litbuf);
		free(n->name);
		for (k = 0; k < n->npath; k++)
			free(n->path[k].key);
		free(n->path);
		free(n->args);
		free(n->argv);
		if (n->md)
			pcre2_match_data_free(n->md);
		if (n->re)
			pcre2_code_free(n->re);
		free(n);
	}
	if (e->dyn_re) {
		pcre2_match_data_free(e->dyn_md);
		pcre2_code_free(e->dyn_re);
	}
	free(e->dyn_pat);
	free(e->all);
	core_arena_release(&e->scratch);
	free(e->src);
	free(e);
}

void
core_expr_eval(struct core_expr *e, const struct core_rec *r,
    struct core_value *out)
{
	core_arena_reset(&e->scratch);
	e->rec = r;
	ev(e, e->root, out);
}

int
core_expr_test(struct core_expr *e, const struct core_rec *r)
{
	struct core_value v;

	core_expr_eval(e, r, &v);
	if (v.type == CORE_BOOL)
		return (int)v.u.i;
	if (v.type != CORE_NULL)
		diag(e, e->root, "a condition must be true or false, not %s",
		    core_type_name(v.type));
	return 0;
}

const struct core_expr_diag *
core_expr_diag(const struct core_expr *e)
{
	return &e->diag;
}

const char *
core_expr_src(const struct core_expr *e)
{
	return e->src;
}
