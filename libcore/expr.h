/* SPDX-License-Identifier: MIT */
/* Expressions: SQL-style predicates and computed fields over records. */
#ifndef CORE_EXPR_H
#define CORE_EXPR_H

#include <stdint.h>

#include "libcore/rec.h"
#include "libcore/value.h"

/*
 * The grammar is SQL's expression grammar (so that a later stream-sql
 * uses it unchanged); streamutils(7) has it whole with the function table.
 * An expression is compiled once into a tree and evaluated per record
 * without allocating: strings made by functions live in a scratch arena
 * that is reset at each evaluation.
 *
 * Evaluation never fails and never has undefined behaviour: SQL's
 * three-valued logic for NULL; a missing field is NULL; division by zero,
 * a type mismatch (comparing a number with a string) or a bad cast give
 * NULL and are counted in the diagnostics (core_expr_diag) so the tool can
 * say so once; +, - and * on ints that would overflow give a double.
 */

struct core_expr;

struct core_expr_err {
	unsigned line;     /* 1-based */
	unsigned col;      /* 1-based byte column */
	char msg[160];     /* "expected ')' near 'AND'" */
};

/* Runtime problems seen so far: how many, and the first one described. */
struct core_expr_diag {
	uint64_t n;
	char first[200];
};

/* New, or NULL with *err set.  Free with core_expr_free. */
struct core_expr *core_expr_compile(const char *src,
    struct core_expr_err *err);
void core_expr_free(struct core_expr *e);

/*
 * Evaluates e for r.  *out is borrowed: it may point into r or into e's
 * scratch space, valid until the next evaluation of e.
 */
void core_expr_eval(struct core_expr *e, const struct core_rec *r,
    struct core_value *out);

/* WHERE semantics: 1 when e is TRUE for r; FALSE and NULL give 0. */
int core_expr_test(struct core_expr *e, const struct core_rec *r);

const struct core_expr_diag *core_expr_diag(const struct core_expr *e);

/* The source text e was compiled from. */
const char *core_expr_src(const struct core_expr *e);

/* Names of the functions, NULL-terminated, for docs and completion. */
extern const char *const core_expr_functions[];

#endif
