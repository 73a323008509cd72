/* SPDX-License-Identifier: MIT */
/* Tests for interned symbols, schemas and record building. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "libcore/arena.h"
#include "libcore/rec.h"
#include "libcore/sym.h"

Test(sym, equal_names_are_one_symbol)
{
	const struct core_sym *a = core_sym_intern("host", 4);
	const struct core_sym *b = core_sym_str("host");
	const struct core_sym *c = core_sym_intern("a\0b", 3);

	cr_expect_eq(a, b);
	cr_expect_neq(a, c);
	cr_expect_eq(c->len, 3);
	cr_expect_eq(core_sym_find("a\0b", 3), c);
	cr_expect_null(core_sym_find("never-interned-xyz", 18));
}

Test(sym, many_symbols_survive_table_growth)
{
	const struct core_sym *s[5000];
	char name[32];
	int i;

	for (i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "field%d", i);
		s[i] = core_sym_str(name);
	}
	for (i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "field%d", i);
		cr_assert_eq(core_sym_str(name), s[i]);
		cr_assert_str_eq(s[i]->name, name);
	}
}

Test(sym, schemas_intern_by_order)
{
	const struct core_sym *f[2] = { core_sym_str("a"), core_sym_str("b") };
	const struct core_sym *g[2] = { f[1], f[0] };
	const struct core_sym *dup[2] = { f[0], f[0] };
	const struct core_schema *s1 = core_schema_intern(f, 2);
	const struct core_schema *s2 = core_schema_intern(f, 2);
	const struct core_schema *s3 = core_schema_intern(g, 2);

	cr_expect_eq(s1, s2);
	cr_expect_neq(s1, s3);
	cr_expect_null(core_schema_intern(dup, 2));
	cr_expect_eq(core_schema_find(s3, f[0]), 1);
	cr_expect_eq(core_schema_find(s3, core_sym_str("zz")), -1);
	cr_expect_eq(core_schema_append(s1, core_sym_str("c"))->n, 3);
	cr_expect_eq(core_schema_append(s1, core_sym_str("c")),
	    core_schema_append(s1, core_sym_str("c")));
	cr_expect_null(core_schema_append(s1, f[0]));
}

Test(sym, fieldref_follows_schema_changes)
{
	const struct core_sym *f[2] = { core_sym_str("x"), core_sym_str("y") };
	const struct core_sym *g[1] = { f[1] };
	struct core_fieldref r;

	core_fieldref_init(&r, "y");
	cr_expect_eq(core_fieldref_index(&r, core_schema_intern(f, 2)), 1);
	cr_expect_eq(core_fieldref_index(&r, core_schema_intern(g, 1)), 0);
	cr_expect_eq(core_fieldref_index(&r, core_schema_empty()), -1);
}

Test(rec, builder_replaces_duplicate_names_in_place)
{
	struct core_recb b;
	struct core_rec r;

	core_recb_init(&b);
	core_recb_add(&b, core_sym_str("a"), core_v_int(1));
	core_recb_add(&b, core_sym_str("b"), core_v_int(2));
	core_recb_add(&b, core_sym_str("a"), core_v_int(3));
	cr_assert_eq(core_recb_finish(&b, &r, 0), 0);
	cr_expect_eq(r.schema->n, 2);
	cr_expect_eq(r.v[0].u.i, 3);
	cr_expect_eq(r.v[1].u.i, 2);
	/* The next record takes the fast path on the same names. */
	core_recb_reset(&b);
	core_recb_add(&b, core_sym_str("a"), core_v_int(4));
	core_recb_add(&b, core_sym_str("b"), core_v_int(5));
	core_recb_add(&b, core_sym_str("b"), core_v_int(6));
	cr_assert_eq(core_recb_finish(&b, &r, 0), 0);
	cr_expect_eq(r.schema->n, 2);
	cr_expect_eq(r.v[1].u.i, 6);
	core_recb_release(&b);
}

Test(rec, copies_own_their_bytes)
{
	struct core_recb b;
	struct core_rec r, in_arena, *c;
	struct core_arena a;
	char s[] = "mutable";

	core_recb_init(&b);
	core_arena_init(&a);
	core_recb_add(&b, core_sym_str("s"), core_v_str(s, 7));
	core_recb_add(&b, core_sym_str("n"), core_v_numtext("2.50", 4));
	core_recb_finish(&b, &r, 99);
	c = core_rec_copy(&r);
	core_rec_copy_to(&in_arena, &r, &a);
	memcpy(s, "changed", 7);
	cr_expect_eq(memcmp(c->v[0].u.s, "mutable", 7), 0);
	cr_expect_eq(memcmp(in_arena.v[0].u.s, "mutable", 7), 0);
	cr_expect_eq(c->time, 99);
	cr_expect_eq(memcmp(c->v[1].u.s, "2.50", 4), 0);
	core_rec_free(c);
	core_arena_release(&a);
	core_recb_release(&b);
}

Test(rec, get_by_symbol)
{
	struct core_recb b;
	struct core_rec r;
	const struct core_value *v;

	core_recb_init(&b);
	core_recb_add(&b, core_sym_str("k"), core_v_str("v", 1));
	core_recb_finish(&b, &r, 0);
	v = core_rec_get(&r, core_sym_str("k"));
	cr_assert_not_null(v);
	cr_expect_eq(v->type, CORE_STR);
	cr_expect_null(core_rec_get(&r, core_sym_str("missing")));
	core_recb_release(&b);
}
