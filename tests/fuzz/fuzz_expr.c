/* SPDX-License-Identifier: MIT */
/* Fuzz target: the expression language -- lexer, parser, evaluation.
 *
 * The input is an expression's source.  It must compile or fail with a
 * position inside the source and a message; a compiled expression is
 * evaluated against records of every value type (and a record missing
 * every field), twice each, and the two answers must be equal (no state
 * leaks between evaluations); WHERE semantics must agree with the value
 * (true exactly when the value is the bool true). */
#include "libcore/buf.h"
#include "libcore/expr.h"

#include "fuzz_common.c"

static struct core_recb rbs[3];
static struct core_rec recs[3];

static const char json_text[] = "{\"a\":[1,\"x\",null],\"b\":{\"c\":2.5}}";

/* Records with the names a dictionary would guess: i d s t b n j. */
static void
make_records(void)
{
	static int done;
	size_t k;

	if (done)
		return;
	done = 1;
	for (k = 0; k < 3; k++)
		core_recb_init(&rbs[k]);
	core_recb_add(&rbs[0], core_sym_str("i"), core_v_int(-7));
	core_recb_add(&rbs[0], core_sym_str("d"), core_v_numtext("2.5e3", 5));
	core_recb_add(&rbs[0], core_sym_str("s"), core_v_str("Hello, W\xc3\xb6rld",
	    14));
	core_recb_add(&rbs[0], core_sym_str("t"),
	    core_v_time(1700000000123456789LL));
	core_recb_add(&rbs[0], core_sym_str("b"), core_v_bool(1));
	core_recb_add(&rbs[0], core_sym_str("n"), core_v_null());
	core_recb_add(&rbs[0], core_sym_str("j"), core_v_json(json_text,
	    sizeof(json_text) - 1));
	core_recb_finish(&rbs[0], &recs[0], 1700000000000000000LL);
	/* Extremes. */
	core_recb_add(&rbs[1], core_sym_str("i"), core_v_int(INT64_MIN));
	core_recb_add(&rbs[1], core_sym_str("d"), core_v_double(-0.0));
	core_recb_add(&rbs[1], core_sym_str("s"), core_v_str("", 0));
	core_recb_add(&rbs[1], core_sym_str("t"), core_v_time(INT64_MAX));
	core_recb_add(&rbs[1], core_sym_str("b"), core_v_bool(0));
	core_recb_add(&rbs[1], core_sym_str("n"), core_v_int(INT64_MAX));
	core_recb_add(&rbs[1], core_sym_str("j"), core_v_json("[]", 2));
	core_recb_finish(&rbs[1], &recs[1], INT64_MIN);
	/* Nothing at all. */
	core_recb_finish(&rbs[2], &recs[2], 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct core_buf a = CORE_BUF_INIT, b = CORE_BUF_INIT;
	struct core_expr_err err;
	struct core_expr *e;
	char *src;
	size_t k, lines = 1, i;

	if (size > 4096)
		return 0;
	make_records();
	/* The language reads C strings: a NUL ends the source. */
	src = core_xmemdup(data, size);
	for (i = 0; src[i]; i++)
		lines += src[i] == '\n';
	memset(&err, 0, sizeof(err));
	e = core_expr_compile(src, &err);
	if (e == NULL) {
		if (err.msg[0] == '\0')
			fuzz_fail("compile failed without a message");
		if (err.line < 1 || err.line > lines || err.col < 1 ||
		    err.col > strlen(src) + 1)
			fuzz_fail("error position %u:%u outside a source of %zu "
			    "bytes, %zu lines: %s", err.line, err.col,
			    strlen(src), lines, err.msg);
		if (strlen(err.msg) >= sizeof(err.msg))
			fuzz_fail("unterminated message");
		free(src);
		return 0;
	}
	if (strcmp(core_expr_src(e), src) != 0)
		fuzz_fail("core_expr_src differs from the source");
	for (k = 0; k < 3; k++) {
		struct core_value v;
		int t;

		core_buf_reset(&a);
		core_buf_reset(&b);
		core_expr_eval(e, &recs[k], &v);
		core_value_json(&a, &v);
		core_expr_eval(e, &recs[k], &v);
		core_value_json(&b, &v);
		if (a.len != b.len || memcmp(a.p, b.p, a.len) != 0)
			fuzz_fail("record %zu: '%s' evaluated twice gave %s, then "
			    "%s", k, src, core_buf_str(&a), core_buf_str(&b));
		t = core_expr_test(e, &recs[k]);
		if (t != (v.type == CORE_BOOL && v.u.i != 0))
			fuzz_fail("record %zu: '%s' is %s but WHERE says %d", k,
			    src, core_buf_str(&b), t);
	}
	if (core_expr_diag(e)->n &&
	    core_expr_diag(e)->first[0] == '\0')
		fuzz_fail("a diagnostic without a description");
	core_expr_free(e);
	core_buf_release(&a);
	core_buf_release(&b);
	free(src);
	return 0;
}
