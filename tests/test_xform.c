/* SPDX-License-Identifier: MIT */
/* Tests for record transforms: steps in order, reshaping, raw bytes. */
#include <criterion/criterion.h>
#include <string.h>

#include "libcore/buf.h"
#include "libcore/xform.h"

static struct core_recb rb;
static struct core_rec rec;

static void
setup(void)
{
	core_recb_init(&rb);
	core_recb_add(&rb, core_sym_str("a"), core_v_int(1));
	core_recb_add(&rb, core_sym_str("b"), core_v_int(2000000));
	core_recb_add(&rb, core_sym_str("c"), core_v_str("x", 1));
	core_recb_finish(&rb, &rec, 5);
	rec.raw = (const unsigned char *)"raw";
	rec.rawlen = 3;
}

static void
teardown(void)
{
	core_recb_release(&rb);
}

TestSuite(xform, .init = setup, .fini = teardown);

static const char *
show(const struct core_rec *r)
{
	static struct core_buf b;
	size_t i;

	core_buf_reset(&b);
	for (i = 0; i < r->schema->n; i++) {
		core_buf_addf(&b, "%s%s=", i ? " " : "", r->schema->f[i]->name);
		core_value_json(&b, &r->v[i]);
	}
	return core_buf_str(&b);
}

Test(xform, steps_apply_in_order)
{
	struct core_xform *x = core_xform_new();
	struct core_expr_err err;
	struct core_rec out;

	cr_assert_eq(core_xform_set(x, "mb=b / 1e6", &err), 0);
	cr_assert_eq(core_xform_where(x, "mb > 1", &err), 0);
	cr_assert_eq(core_xform_set(x, "a = a + 10", &err), 0);
	cr_assert_eq(core_xform_rename(x, "c=name", &err), 0);
	cr_assert_eq(core_xform_drop(x, "b", &err), 0);
	cr_assert_eq(core_xform_apply(x, &rec, &out), 1);
	cr_expect_str_eq(show(&out), "a=11 name=\"x\" mb=2.0");
	cr_expect_null(out.raw);
	cr_expect_eq(out.time, 5);
	/* The input record is untouched. */
	cr_expect_str_eq(show(&rec), "a=1 b=2000000 c=\"x\"");
	core_xform_free(x);
}

Test(xform, where_only_keeps_raw_bytes)
{
	struct core_xform *x = core_xform_new();
	struct core_expr_err err;
	struct core_rec out;

	cr_assert_eq(core_xform_where(x, "a = 1", &err), 0);
	cr_assert_eq(core_xform_apply(x, &rec, &out), 1);
	cr_expect_eq(out.raw, rec.raw);
	core_xform_free(x);
	x = core_xform_new();
	cr_assert_eq(core_xform_where(x, "a = 2", &err), 0);
	cr_expect_eq(core_xform_apply(x, &rec, &out), 0);
	core_xform_free(x);
}

Test(xform, keep_uses_the_listed_order_and_skips_missing)
{
	struct core_xform *x = core_xform_new();
	struct core_expr_err err;
	struct core_rec out;

	cr_assert_eq(core_xform_keep(x, "c,zz,a", &err), 0);
	cr_assert_eq(core_xform_apply(x, &rec, &out), 1);
	cr_expect_str_eq(show(&out), "c=\"x\" a=1");
	core_xform_free(x);
}

Test(xform, rename_onto_an_existing_name_replaces_it)
{
	struct core_xform *x = core_xform_new();
	struct core_expr_err err;
	struct core_rec out;

	cr_assert_eq(core_xform_rename(x, "c=a", &err), 0);
	cr_assert_eq(core_xform_apply(x, &rec, &out), 1);
	cr_expect_str_eq(show(&out), "b=2000000 a=\"x\"");
	core_xform_free(x);
}

Test(xform, set_replaces_in_place_and_many_records_reuse_buffers)
{
	struct core_xform *x = core_xform_new();
	struct core_expr_err err;
	struct core_rec out;
	int i;

	cr_assert_eq(core_xform_set(x, "b=b+1", &err), 0);
	cr_assert_eq(core_xform_set(x, "d=c || c", &err), 0);
	for (i = 0; i < 1000; i++)
		cr_assert_eq(core_xform_apply(x, &rec, &out), 1);
	cr_expect_str_eq(show(&out), "a=1 b=2000001 c=\"x\" d=\"xx\"");
	core_xform_free(x);
}

Test(xform, bad_arguments_are_refused)
{
	struct core_xform *x = core_xform_new();
	struct core_expr_err err;

	cr_expect_eq(core_xform_set(x, "noequals", &err), -1);
	cr_expect_str_eq(err.msg, "'noequals' is not NAME=EXPRESSION");
	cr_expect_eq(core_xform_rename(x, "a", &err), -1);
	cr_expect_str_eq(err.msg, "'a' is not OLD=NEW");
	cr_expect_eq(core_xform_keep(x, "a,,b", &err), -1);
	cr_expect_eq(core_xform_where(x, "a >", &err), -1);
	cr_expect_eq(err.col, 4);
	cr_expect_eq(core_xform_len(x), 0);
	core_xform_free(x);
}
