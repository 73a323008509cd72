/* SPDX-License-Identifier: MIT */
/* stream-join: enrich a stream from a table, or join two streams (or two
 * parts of one) -- regular, interval or windowed, inner or outer. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "libcore/buf.h"
#include "libcore/cli.h"
#include "libcore/dur.h"
#include "libcore/err.h"
#include "libcore/evtime.h"
#include "libcore/feed.h"
#include "libcore/joinop.h"
#include "libcore/lookup.h"
#include "libcore/tool.h"
#include "libcore/xalloc.h"
#include "libcore/xform.h"

enum {
	OPT_TABLE = CORE_OPT_TOOL, OPT_ON, OPT_TYPE, OPT_PREFIX, OPT_RIGHT,
	OPT_LWHERE, OPT_RWHERE, OPT_WITHIN, OPT_WINDOWED, OPT_TTL,
	OPT_MAXBUF, OPT_STATS, OPT_NOINFER, OPT_START, OPT_END, OPT_EMIT
};

static const struct core_opt options[] = {
	{ OPT_TABLE, 'T', "table", "FILE", "enrich each record from the table "
	  "in FILE (CSV, TSV, NDJSON or frames), reloaded when it changes and "
	  "on SIGHUP", "@file" },
	{ OPT_ON, 'k', "on", "KEYS", "join keys: FIELD or LEFT=RIGHT, "
	  "comma-separated", NULL },
	{ OPT_TYPE, 't', "type", "inner|left|right|full", "which unmatched "
	  "records come out too, with the other side null (default inner)",
	  "inner left right full" },
	{ OPT_PREFIX, 0, "prefix", "STR", "put STR before right field names "
	  "that clash with left ones (default right_)", NULL },
	{ OPT_RIGHT, 'R', "right", "SOURCE", "the right stream: a file, FIFO or "
	  "/dev/fd/N (frames or NDJSON); the left is the input", "@file" },
	{ OPT_LWHERE, 0, "left-where", "EXPR", "one stream, two sides: "
	  "records for which EXPR is true are left", NULL },
	{ OPT_RWHERE, 0, "right-where", "EXPR", "records for which EXPR is "
	  "true are right", NULL },
	{ OPT_WITHIN, 'W', "within", "LO,HI", "interval join: the right time "
	  "is within [left + LO, left + HI]; a bound is a duration (-5m, +1m, "
	  "0) or a left field with a time, plus an optional duration "
	  "(expires, expires+1m)", NULL },
	{ OPT_WINDOWED, 0, "windowed", NULL, "windowed join: both sides carry "
	  "the same windows (stream-window); match within a window", NULL },
	{ OPT_EMIT, 0, "emit", "match|close", "windowed join: each result as "
	  "soon as its pair is complete (default), or all of a window's when "
	  "it closes", "match close" },
	{ OPT_TTL, 0, "ttl", "DUR", "regular join: keep each record DUR of "
	  "event time, then forget it (unmatched ones of an outer side come "
	  "out then)", NULL },
	{ OPT_MAXBUF, 0, "max-buffer", "N", "at most N records held, both "
	  "sides (default 10000000); more is an error, never a silent drop",
	  NULL },
	{ OPT_STATS, 0, "stats", NULL, "report held records and table size "
	  "on standard error", NULL },
	{ OPT_NOINFER, 'S', "no-infer", NULL, "table from CSV or TSV: keep "
	  "every value a string", NULL },
	{ OPT_START, 0, "start-field", "NAME", "window start field (default "
	  "window_start)", NULL },
	{ OPT_END, 0, "end-field", "NAME", "window end field (default "
	  "window_end)", NULL },
	CORE_OPTS_OUTPUT("frames ndjson csv tsv logfmt lines table trace"),
	CORE_OPTS_COMMON,
	{ 0, 0, NULL, NULL, NULL, NULL }
};

static const struct core_cli cli = {
	"(-T FILE | -R SOURCE | --left-where EXPR --right-where EXPR) -k KEYS "
	"[-t TYPE] [-W LO,HI | --windowed | --ttl DUR] [options] [FILE]",
	"Joins records on keys: a stream with a table, or two streams in "
	"event time.",
	options, "@file"
};

struct join {
	struct core_tool t;
	struct core_keyspec lkey, rkey;
	const char *table_path;
	const char *right_path;
	struct core_xform *lw, *rw;
	struct core_joinop_opts o;
	struct core_evtime lof, hif;
	int has_within;
	int64_t one_wm;            /* one stream, two sides: its watermark */
	uint64_t one_late;
	int emit_set;
	int stats;
	int no_infer;
	uint64_t max_buffer;
	/* table mode */
	struct core_lookup *table;
	struct stat table_st;
	struct core_timer reload_timer;
	struct core_value *kv, *kt;
	struct core_buf kb;
	struct core_join_shaper shaper;
	/* stream mode */
	struct core_joinop *op;
	struct core_feed feeds[2];
	int nfeeds, live;
};

static struct join J;

static const char *
type_words[] = { "inner", "left", "right", "full", NULL };
static const char *
emit_words[] = { "match", "close", NULL };

static void
parse_on(struct join *j, const char *arg)
{
	struct core_buf l = CORE_BUF_INIT, r = CORE_BUF_INIT;
	size_t n, i;
	char **v = core_split_list(arg, &n);

	for (i = 0; i < n; i++) {
		char *eq = strchr(v[i], '=');

		if (v[i][0] == '\0' || (eq && (eq == v[i] || eq[1] == '\0')))
			core_usage_error("--on: '%s' is not FIELD or LEFT=RIGHT",
			    v[i]);
		core_buf_addf(&l, "%s%.*s", i ? "," : "", eq ? (int)(eq - v[i]) :
		    (int)strlen(v[i]), v[i]);
		core_buf_addf(&r, "%s%s", i ? "," : "", eq ? eq + 1 : v[i]);
	}
	core_keyspec_init(&j->lkey, core_buf_str(&l));
	core_keyspec_init(&j->rkey, core_buf_str(&r));
	core_free_list(v);
	core_buf_release(&l);
	core_buf_release(&r);
}

/* A bound: a signed duration, or FIELD[+DUR|-DUR]. */
static void
parse_bound(const char *s, struct core_join_bound *b, struct core_evtime *et)
{
	const char *err;
	const char *pm;
	char *name;
	int64_t ns;

	if (core_dur_parse(s, 1, &ns, &err) == 0) {
		b->off = ns;
		return;
	}
	pm = strpbrk(s, "+-");
	name = core_xmemdup(s, pm ? (size_t)(pm - s) : strlen(s));
	if (pm)
		b->off = core_arg_dur("--within", pm, 1);
	if (name[0] == '\0' || core_evtime_init(et, name) < 0)
		core_usage_error("--within: '%s' is neither a duration nor "
		    "FIELD[+DUR]", s);
	b->field = et;
	free(name);
}

static int
on_opt(int id, const char *arg, void *ctx)
{
	struct join *j = ctx;
	struct core_expr_err err;

	switch (id) {
	case OPT_TABLE:
		j->table_path = arg;
		break;
	case OPT_ON:
		parse_on(j, arg);
		break;
	case OPT_TYPE:
		{
			const char *w = core_arg_word("--type", arg, type_words);

			j->o.outer = w[0] == 'l' ? CORE_JOIN_LEFT : w[0] == 'r' ?
			    CORE_JOIN_RIGHT : w[0] == 'f' ? CORE_JOIN_LEFT |
			    CORE_JOIN_RIGHT : 0;
		}
		break;
	case OPT_PREFIX:
		j->o.prefix = arg;
		break;
	case OPT_EMIT:
		j->o.emit_close = core_arg_word("--emit", arg,
		    emit_words)[0] == 'c';
		j->emit_set = 1;
		break;
	case OPT_RIGHT:
		j->right_path = arg;
		break;
	case OPT_LWHERE:
	case OPT_RWHERE:
		{
			struct core_xform **x = id == OPT_LWHERE ? &j->lw : &j->rw;

			*x = core_xform_new();
			if (core_xform_where(*x, arg, &err) < 0)
				core_usage_error("%s: expression:%u:%u: %s",
				    id == OPT_LWHERE ? "--left-where" :
				    "--right-where", err.line, err.col, err.msg);
		}
		break;
	case OPT_WITHIN:
		{
			const char *comma = strchr(arg, ',');
			char *lo;

			if (comma == NULL)
				core_usage_error("--within: '%s' is not LO,HI "
				    "(e.g. -5m,+1m or 0,expires)", arg);
			lo = core_xmemdup(arg, (size_t)(comma - arg));
			parse_bound(lo, &j->o.lo, &j->lof);
			parse_bound(comma + 1, &j->o.hi, &j->hif);
			if (!j->o.lo.field && !j->o.hi.field &&
			    j->o.lo.off > j->o.hi.off)
				core_usage_error("--within: LO (%s) is after HI "
				    "(%s): nothing could match", lo, comma + 1);
			free(lo);
			j->has_within = 1;
		}
		break;
	case OPT_WINDOWED:
		j->o.kind = CORE_JOIN_WINDOW;
		break;
	case OPT_TTL:
		j->o.ttl = core_arg_dur("--ttl", arg, 0);
		break;
	case OPT_MAXBUF:
		j->max_buffer = (uint64_t)core_arg_num("--max-buffer", arg, 1,
		    1000000000);
		break;
	case OPT_STATS:
		j->stats = 1;
		break;
	case OPT_NOINFER:
		j->no_infer = 1;
		break;
	case OPT_START:
		j->o.start = core_sym_str(arg);
		break;
	case OPT_END:
		j->o.end = core_sym_str(arg);
		break;
	}
	return 0;
}

/* ---- stream with a table ---------------------------------------------------- */

static void
load_table(struct join *j, int first)
{
	struct core_lookup *t;
	struct stat st;
	char err[512];

	if (stat(j->table_path, &st) < 0) {
		if (first)
			core_diesys(CORE_EXIT_IO, "cannot open '%s'",
			    j->table_path);
		return;
	}
	t = core_lookup_load(j->table_path, &j->rkey, j->no_infer, err,
	    sizeof(err));
	if (t == NULL) {
		if (first)
			core_die(CORE_EXIT_DATA, "%s", err);
		core_warnx("%s: new version rejected (%s); still using the "
		    "previous one", j->table_path, err);
		j->table_st = st;    /* not again until it changes again */
		return;
	}
	core_lookup_free(j->table);
	j->table = t;
	j->table_st = st;
	if (j->stats || !first)
		core_warnx("%s: %zu row%s, %.1f MB (%zu bytes a row)%s",
		    j->table_path, core_lookup_rows(t), core_lookup_rows(t) ==
		    1 ? "" : "s", (double)core_lookup_bytes(t) / 1e6,
		    core_lookup_rows(t) ?
		    core_lookup_bytes(t) / core_lookup_rows(t) : 0,
		    first ? "" : ", reloaded");
}

static int
table_changed(struct join *j)
{
	struct stat st;

	if (stat(j->table_path, &st) < 0)
		return 0;    /* mid-rename: wait for the new one */
	return st.st_ino != j->table_st.st_ino ||
	    st.st_size != j->table_st.st_size ||
	    st.st_mtim.tv_sec != j->table_st.st_mtim.tv_sec ||
	    st.st_mtim.tv_nsec != j->table_st.st_mtim.tv_nsec;
}

static void
reload_tick(struct core_loop *l, void *ctx)
{
	struct join *j = ctx;

	if (table_changed(j))
		load_table(j, 0);
	core_loop_timer(l, &j->reload_timer, core_now_mono() + 200000000,
	    reload_tick, j);
}

/* Writes r joined with table row t (NULL: the table's fields null). */
static void
enrich(struct join *j, const struct core_rec *r, const struct core_rec *t)
{
	struct core_rec o;

	if (core_join_row(&j->shaper, NULL, r, core_lookup_schema(j->table), t,
	    &o) < 0)
		return;
	o.time = r->time;
	core_writer_rec(j->t.w, &o);
}

static void
table_rec(struct join *j, const struct core_rec *r)
{
	struct core_rec *const *rows = NULL;
	size_t n = 0, i;

	core_key_vals(&j->lkey, r, j->kv);
	if (core_key_text(j->kv, j->lkey.n, j->kt, &j->kb) == 0)
		rows = core_lookup_get(j->table, j->kt, &n);
	for (i = 0; i < n; i++)
		enrich(j, r, rows[i]);
	if (n == 0 && (j->o.outer & CORE_JOIN_LEFT))
		enrich(j, r, NULL);
}

/* ---- events ---------------------------------------------------------------------- */

static void
side_rec(struct join *j, int side, const struct core_rec *r)
{
	/* A late record (behind its side's watermark) is counted in
	 * the summary, as stream-window counts its late ones. */
	if (core_joinop_push(j->op, side, r) < 0)
		core_die(CORE_EXIT_DATA, "more than %llu records held "
		    "(--max-buffer): one input is far ahead of the other in "
		    "event time, or the state has no bound (give --ttl or "
		    "--within)", (unsigned long long)j->max_buffer);
}

static int
on_event(struct core_feed *f, struct core_event *ev, void *ctx)
{
	struct join *j = ctx;
	int side = f == &j->feeds[1];
	struct core_rec out;

	switch (ev->kind) {
	case CORE_EV_REC:
		if (j->table) {
			table_rec(j, &ev->rec);
		} else if (j->lw || j->rw) {
			/* One stream, two sides; a late record is counted
			 * once, whichever sides it is on. */
			if (ev->rec.time < j->one_wm) {
				j->one_late++;
				break;
			}
			if (j->lw && core_xform_apply(j->lw, &ev->rec, &out))
				side_rec(j, 0, &ev->rec);
			if (j->rw && core_xform_apply(j->rw, &ev->rec, &out))
				side_rec(j, 1, &ev->rec);
		} else {
			side_rec(j, side, &ev->rec);
		}
		break;
	case CORE_EV_WM:
		if (j->table) {
			core_writer_wm(j->t.w, ev->wm);
		} else if (j->lw || j->rw) {
			if (ev->wm > j->one_wm)
				j->one_wm = ev->wm;
			core_joinop_wm(j->op, 0, ev->wm);
			core_joinop_wm(j->op, 1, ev->wm);
		} else {
			core_joinop_wm(j->op, side, ev->wm);
		}
		break;
	case CORE_EV_CLOSE:
		if (j->table)
			core_writer_close(j->t.w, &ev->win);
		else
			core_joinop_close(j->op, &ev->win);
		break;
	case CORE_EV_BARRIER:
		core_writer_barrier(j->t.w, ev->barrier);
		break;
	case CORE_EV_BAD:
		core_report_bad(&j->t.rep, f->in.name, ev);
		break;
	default:
		break;
	}
	return 0;
}

static _Noreturn void
finish(struct join *j)
{
	if (j->op) {
		core_joinop_wm(j->op, 0, CORE_WM_MAX);
		core_joinop_wm(j->op, 1, CORE_WM_MAX);
		core_report_count(&j->t.rep, "late", j->one_late +
		    core_joinop_late(j->op, 0) + core_joinop_late(j->op, 1));
		core_report_count(&j->t.rep, "without window fields",
		    core_joinop_unwindowed(j->op));
		if (j->stats)
			core_warnx("state: peak %zu records held",
			    core_joinop_peak(j->op));
	} else {
		core_writer_wm(j->t.w, CORE_WM_MAX);
	}
	core_tool_exit(&j->t, j->t.sig);
}

static void
on_eof(struct core_feed *f, void *ctx)
{
	struct join *j = ctx;

	/* That side has ended: its watermark is +inf. */
	if (j->op && !j->lw && !j->rw)
		core_joinop_wm(j->op, f == &j->feeds[1], CORE_WM_MAX);
	if (--j->live == 0)
		finish(j);
}

/* The end on a signal, once upstream is quiet (core_tool_stop). */
static void
end_on_signal(void *ctx)
{
	finish(ctx);
}

static void
on_signal(struct core_loop *l, void *ctx)
{
	struct join *j = ctx;

	if (core_loop_signal_last(l) == SIGHUP && j->table) {
		load_table(j, 0);    /* SIGHUP: reload the table */
		return;
	}
	core_tool_stop(&j->t, end_on_signal, j);
}

int
main(int argc, char **argv)
{
	struct join *j = &J;
	struct core_decopts dec = { .format = "auto" };
	struct core_common com;
	const char *left = "-";
	int first, i;

	core_setprogname(argv[0]);
	j->o.prefix = "right_";
	j->max_buffer = 10000000;
	j->one_wm = CORE_WM_MIN;
	first = core_cli_parse(&cli, argc, argv, &com, on_opt, j);
	if (argc - first > 1)
		core_usage_error("one input (the left); the right comes with "
		    "--right or --table");
	if (argc > first)
		left = argv[first];
	if (j->lkey.n == 0)
		core_usage_error("say what to join on: --on KEYS");
	if (!!j->table_path + !!j->right_path + !!(j->lw || j->rw) != 1)
		core_usage_error("give one of --table, --right, or "
		    "--left-where with --right-where");
	if ((j->lw == NULL) != (j->rw == NULL))
		core_usage_error("--left-where and --right-where go together");
	if (j->has_within && j->o.kind == CORE_JOIN_WINDOW)
		core_usage_error("--within and --windowed do not go together");
	if (j->has_within)
		j->o.kind = CORE_JOIN_INTERVAL;
	if (j->emit_set && j->o.kind != CORE_JOIN_WINDOW)
		core_usage_error("--emit goes with --windowed");
	if (j->table_path && (j->has_within || j->o.kind != CORE_JOIN_REGULAR
	    || j->o.ttl))
		core_usage_error("--table joins each record on arrival: no "
		    "--within, --windowed or --ttl");
	if (j->table_path && (j->o.outer & CORE_JOIN_RIGHT))
		core_usage_error("--table takes --type inner or left");
	if (j->o.ttl && (j->o.kind == CORE_JOIN_WINDOW ||
	    (j->o.kind == CORE_JOIN_INTERVAL && !j->o.lo.field)))
		core_usage_error("--ttl bounds a regular join, or an interval "
		    "join whose LO is a field; here state is bounded already");
	if (j->o.kind == CORE_JOIN_INTERVAL && j->o.lo.field && !j->o.ttl)
		core_usage_error("--within with a field for LO needs --ttl to "
		    "bound the right side's state");
	if (j->o.start == NULL)
		j->o.start = core_sym_str("window_start");
	if (j->o.end == NULL)
		j->o.end = core_sym_str("window_end");
	core_tool_init(&j->t, &com, core_writer_default_format(1), NULL);
	j->kv = core_xcalloc(j->lkey.n + 1, sizeof(*j->kv));
	j->kt = core_xcalloc(j->lkey.n + 1, sizeof(*j->kt));
	core_buf_init(&j->kb);
	if (j->table_path) {
		core_join_shaper_init(&j->shaper, &j->lkey, &j->rkey,
		    j->o.prefix);
		load_table(j, 1);
		core_loop_timer(j->t.loop, &j->reload_timer, core_now_mono() +
		    200000000, reload_tick, j);
	} else {
		j->o.lkey = &j->lkey;
		j->o.rkey = &j->rkey;
		j->o.max_buffer = (size_t)j->max_buffer;
		j->o.one_input = j->lw != NULL;
		j->op = core_joinop_new(&j->o, j->t.w);
	}
	j->nfeeds = j->right_path ? 2 : 1;
	for (i = 0; i < j->nfeeds; i++) {
		const char *path = i ? j->right_path : left;

		if (core_feed_open(&j->feeds[i], j->t.loop, path, &dec,
		    com.max_rec, 0, 0) < 0)
			core_diesys(CORE_EXIT_IO, "cannot open '%s'", path);
		core_feed_stamp_arrival(&j->feeds[i]);
	}
	j->live = j->nfeeds;
	core_loop_signals(j->t.loop, on_signal, j);
	/* Both inputs are read as they come, so a tee into both never
	 * blocks: what cannot be matched yet waits, up to --max-buffer. */
	for (i = 0; i < j->nfeeds; i++)
		core_feed_start(&j->feeds[i], on_event, on_eof, j);
	core_loop_run(j->t.loop);
	finish(j);
}
