/* SPDX-License-Identifier: MIT */
/* stream-agg: aggregate per group and window; emit when a window closes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcore/aggop.h"
#include "libcore/arena.h"
#include "libcore/cli.h"
#include "libcore/dur.h"
#include "libcore/err.h"
#include "libcore/expr.h"
#include "libcore/feed.h"
#include "libcore/kmap.h"
#include "libcore/tool.h"
#include "libcore/wm.h"
#include "libcore/xalloc.h"

enum {
	OPT_GROUP = CORE_OPT_TOOL, OPT_EMIT, OPT_EVERY, OPT_HAVING, OPT_STATS,
	OPT_START, OPT_END
};

static const struct core_opt options[] = {
	{ OPT_GROUP, 'g', "group-by", "FIELDS", "group by these fields "
	  "(comma-separated), within each window", NULL },
	{ OPT_EMIT, 'e', "emit", "final|update", "final: each (window, group) "
	  "once when its window closes (default); update: a new row on every "
	  "change", "final update" },
	{ OPT_EVERY, 0, "every", "DUR", "also emit the current results every "
	  "DUR of wall-clock time (early results)", NULL },
	{ OPT_HAVING, 0, "having", "EXPR", "keep only result rows for which "
	  "EXPR is true (SQL HAVING)", NULL },
	{ OPT_STATS, 0, "stats", NULL, "report the state size (groups, windows, "
	  "bytes) on standard error at exit", NULL },
	{ OPT_START, 0, "start-field", "NAME", "window start field (default "
	  "window_start)", NULL },
	{ OPT_END, 0, "end-field", "NAME", "window end field (default "
	  "window_end)", NULL },
	CORE_OPTS_OUTPUT("frames ndjson csv tsv logfmt lines table trace"),
	CORE_OPTS_COMMON,
	{ 0, 0, NULL, NULL, NULL, NULL }
};

static const struct core_cli cli = {
	"[-g FIELDS] [-e final|update] [--every DUR] [--having EXPR] [options] "
	"ACCUMULATOR ...",
	"Aggregates records per group and window:  count  sum:FIELD  "
	"min:FIELD  max:FIELD\nmean:FIELD  var:FIELD  stddev:FIELD  first:FIELD  "
	"last:FIELD  distinct:FIELD\napprox_distinct:FIELD  pNN:FIELD  "
	"median:FIELD  topN:FIELD  rate[:FIELD]\nhist:FIELD:LOW:HIGH:N, each "
	"renamed with NAME=...; no accumulator: DISTINCT.",
	options, NULL
};

struct agg {
	struct core_tool t;
	struct core_keyspec g;
	struct core_aggop_opts o;
	struct core_aggop *op;
	int64_t every;
	int stats;
	struct core_timer every_timer;
	char **files;
	size_t nfiles, cur;
	struct core_feed *feeds;
	const struct core_sym **want;   /* what the frame decoder decodes */
};

static struct agg A;

static int
on_opt(int id, const char *arg, void *ctx)
{
	struct agg *a = ctx;
	struct core_expr_err err;

	switch (id) {
	case OPT_GROUP:
		if (core_keyspec_init(&a->g, arg) < 0)
			core_usage_error("--group-by: empty field name in '%s'",
			    arg);
		break;
	case OPT_EMIT:
		a->o.update = strcmp(core_arg_word("--emit", arg,
		    (const char *const[]){ "final", "update", NULL }),
		    "update") == 0;
		break;
	case OPT_EVERY:
		a->every = core_arg_dur("--every", arg, 0);
		if (a->every < 1000000)
			core_usage_error("--every: '%s' is less than 1ms", arg);
		break;
	case OPT_HAVING:
		if ((a->o.having = core_expr_compile(arg, &err)) == NULL)
			core_usage_error("--having: expression:%u:%u: %s",
			    err.line, err.col, err.msg);
		break;
	case OPT_STATS:
		a->stats = 1;
		break;
	case OPT_START:
		a->o.start = core_sym_str(arg);
		break;
	case OPT_END:
		a->o.end = core_sym_str(arg);
		break;
	}
	return 0;
}

static void
report_nulls(struct agg *a)
{
	char buf[1024];
	size_t i, k = 0;
	uint64_t total = 0;

	for (i = 0; i < a->o.nacc; i++) {
		uint64_t n = a->o.acc[i].nulls + a->o.acc[i].nonnum;

		if (n == 0)
			continue;
		total += n;
		k += (size_t)snprintf(buf + k, k < sizeof(buf) ?
		    sizeof(buf) - k : 0, "%s%s: %llu", k ? ", " : "",
		    a->o.acc[i].text, (unsigned long long)n);
		if (k >= sizeof(buf))
			k = sizeof(buf) - 1;
	}
	if (total)
		core_warnx("%llu value%s skipped as null, missing or not a "
		    "number (%s)", (unsigned long long)total, total == 1 ? "" :
		    "s", buf);
}

static _Noreturn void
finish(struct agg *a)
{
	struct core_aggop_stats st;

	core_aggop_wm(a->op, CORE_WM_MAX);
	report_nulls(a);
	if (a->o.having && core_expr_diag(a->o.having)->n)
		core_warnx("%s (in --having '%s'; %llu time%s)",
		    core_expr_diag(a->o.having)->first,
		    core_expr_src(a->o.having),
		    (unsigned long long)core_expr_diag(a->o.having)->n,
		    core_expr_diag(a->o.having)->n == 1 ? "" : "s");
	if (a->stats) {
		core_aggop_stats(a->op, &st);
		core_warnx("state: peak %llu groups in %llu windows, about "
		    "%.1f MB", (unsigned long long)st.peak_groups,
		    (unsigned long long)st.peak_windows,
		    (double)st.peak_bytes / 1e6);
	}
	core_tool_exit(&a->t, a->t.sig);
}

static int
on_event(struct core_feed *f, struct core_event *ev, void *ctx)
{
	struct agg *a = ctx;

	switch (ev->kind) {
	case CORE_EV_REC:
		core_aggop_push(a->op, &ev->rec);
		break;
	case CORE_EV_WM:
		core_aggop_wm(a->op, ev->wm);
		break;
	case CORE_EV_CLOSE:
		core_aggop_close(a->op, &ev->win);
		break;
	case CORE_EV_BARRIER:
		core_writer_barrier(a->t.w, ev->barrier);
		break;
	case CORE_EV_BAD:
		core_report_bad(&a->t.rep, f->in.name, ev);
		break;
	default:
		break;
	}
	return 0;
}

static void
on_eof(struct core_feed *f, void *ctx)
{
	struct agg *a = ctx;

	(void)f;
	if (a->cur + 1 < a->nfiles) {
		a->cur++;
		core_feed_start(&a->feeds[a->cur], on_event, on_eof, a);
		return;
	}
	finish(a);
}

static void
every_tick(struct core_loop *l, void *ctx)
{
	struct agg *a = ctx;

	core_aggop_every(a->op);
	core_loop_timer(l, &a->every_timer, core_now_mono() + a->every,
	    every_tick, a);
}

/* The end on a signal, once upstream is quiet (core_tool_stop). */
static void
end_on_signal(void *ctx)
{
	finish(ctx);
}


int
main(int argc, char **argv)
{
	struct agg *a = &A;
	struct core_decopts dec = { .format = "auto" };
	struct core_common com;
	static char *stdin_only[] = { "-", NULL };
	char err[256];
	size_t i, k;
	int first, nopt;

	core_setprogname(argv[0]);
	/* Operands are accumulators; files to read come after "--".  Find
	 * it before getopt, which would swallow it. */
	for (nopt = 1; nopt < argc && strcmp(argv[nopt], "--") != 0; nopt++)
		;
	first = core_cli_parse(&cli, nopt, argv, &com, on_opt, a);
	a->o.acc = core_xcalloc((size_t)argc + 1, sizeof(*a->o.acc));
	for (i = (size_t)first; i < (size_t)nopt; i++) {
		if (core_accspec_parse(&a->o.acc[a->o.nacc], argv[i], err,
		    sizeof(err)) < 0)
			core_usage_error("%s", err);
		a->o.nacc++;
	}
	a->files = nopt + 1 < argc ? argv + nopt + 1 : stdin_only;
	a->nfiles = nopt + 1 < argc ? (size_t)(argc - nopt - 1) : 1;
	if (a->o.nacc == 0 && a->g.n == 0)
		core_usage_error("give accumulators (count, sum:FIELD, ...) or "
		    "-g FIELDS for distinct groups");
	for (i = 0; i < a->o.nacc; i++) {
		for (k = 0; k < a->g.n; k++)
			if (a->o.acc[i].out == a->g.f[k].sym)
				core_usage_error("'%s': the result's name clashes "
				    "with a group field; rename it with NAME=",
				    a->o.acc[i].text);
		for (k = 0; k < i; k++)
			if (a->o.acc[i].out == a->o.acc[k].out)
				core_usage_error("'%s' and '%s' give the same "
				    "field '%s'; rename one with NAME=",
				    a->o.acc[k].text, a->o.acc[i].text,
				    a->o.acc[i].out->name);
	}
	if (a->o.start == NULL)
		a->o.start = core_sym_str("window_start");
	if (a->o.end == NULL)
		a->o.end = core_sym_str("window_end");
	a->o.g = &a->g;
	a->o.track_bytes = a->stats;
	core_tool_init(&a->t, &com, core_writer_default_format(1), NULL);
	a->op = core_aggop_new(&a->o, a->t.w);
	/* Frames: decode only the fields aggregated, grouped on, windowed. */
	a->want = core_xcalloc(core_aggop_nfields(&a->o), sizeof(*a->want));
	dec.want = a->want;
	dec.nwant = core_aggop_fields(&a->o, a->want);
	dec.lazy = 1;
	a->feeds = core_xcalloc(a->nfiles, sizeof(*a->feeds));
	for (i = 0; i < a->nfiles; i++) {
		if (core_feed_open(&a->feeds[i], a->t.loop, a->files[i], &dec,
		    com.max_rec, 0, 0) < 0)
			core_diesys(CORE_EXIT_IO, "cannot open '%s'",
			    a->files[i]);
		core_feed_stamp_arrival(&a->feeds[i]);
	}
	core_tool_stop_on_signals(&a->t, end_on_signal, a);
	if (a->every)
		core_loop_timer(a->t.loop, &a->every_timer, core_now_mono() +
		    a->every, every_tick, a);
	core_feed_start(&a->feeds[0], on_event, on_eof, a);
	core_loop_run(a->t.loop);
	finish(a);
}
