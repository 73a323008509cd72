/* SPDX-License-Identifier: MIT */
/* Record transforms: --where, --set, --keep, --drop, --rename, in order. */
#ifndef CORE_XFORM_H
#define CORE_XFORM_H

#include <stdint.h>

#include "libcore/expr.h"
#include "libcore/rec.h"

/*
 * A list of steps applied to each record in the order they were given on
 * the command line, so that "--set mb=bytes/1e6 --where 'mb > 1'" filters
 * on the computed field.  A record that only passed filters keeps its raw
 * frame bytes (the frames writer copies them).
 */
struct core_xform;

struct core_xform *core_xform_new(void);
void core_xform_free(struct core_xform *x);

/*
 * Adding steps.  Return 0, or -1 with *err set (the expression's error,
 * or a message about the argument in err->msg with line 0).
 */
int core_xform_where(struct core_xform *x, const char *expr,
    struct core_expr_err *err);
/* "NAME=EXPR" */
int core_xform_set(struct core_xform *x, const char *assign,
    struct core_expr_err *err);
/* "a,b,c" */
int core_xform_keep(struct core_xform *x, const char *list,
    struct core_expr_err *err);
int core_xform_drop(struct core_xform *x, const char *list,
    struct core_expr_err *err);
/* "old=new[,old=new...]" */
int core_xform_rename(struct core_xform *x, const char *pairs,
    struct core_expr_err *err);

/* Number of steps. */
size_t core_xform_len(const struct core_xform *x);

/*
 * Applies the steps to in.  Returns 0 when a WHERE dropped the record,
 * else 1 with *out set: out borrows from in, from the expressions and
 * from x, valid until the next call.
 */
int core_xform_apply(struct core_xform *x, const struct core_rec *in,
    struct core_rec *out);

/*
 * Calls fn for each expression with runtime problems not reported yet
 * (its first message and count), for the CLI to warn once.
 */
void core_xform_diags(struct core_xform *x,
    void (*fn)(const char *src, const struct core_expr_diag *d, void *ctx),
    void *ctx);

#endif
