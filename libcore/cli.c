/* SPDX-License-Identifier: MIT */
/* Option tables: parsing, --help and the completion spec from one table. */
#include "libcore/cli.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcore/buf.h"
#include "libcore/dur.h"
#include "libcore/err.h"
#include "libcore/fmt.h"
#include "libcore/xalloc.h"

void
core_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	core_vwarnx(fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try '%s --help' for more information.\n",
	    core_progname);
	exit(CORE_EXIT_USAGE);
}

/* Prints lead padded to column 30, then text wrapped at column 79. */
static void
wrap(const char *lead, const char *text)
{
	const char *p = text, *sp, *brk;
	int col = 30;

	printf("%-30s", lead);
	while (*p) {
		brk = NULL;
		for (sp = p; *sp && (sp - p) <= 79 - col; sp++)
			if (*sp == ' ')
				brk = sp;
		if (*sp == '\0' || brk == NULL)
			brk = sp[0] ? strchr(p, ' ') : sp;
		if (brk == NULL)
			brk = p + strlen(p);
		printf("%.*s", (int)(brk - p), p);
		p = *brk ? brk + 1 : brk;
		if (*p)
			printf("\n%30s", "");
	}
	putchar('\n');
}

static void
help(const struct core_cli *c)
{
	const struct core_opt *o;
	struct core_buf b = CORE_BUF_INIT;

	printf("usage: %s %s\n%s\n\noptions:\n", core_progname, c->synopsis,
	    c->summary);
	for (o = c->opts; o->id; o++) {
		if (o->help == NULL)
			continue;
		core_buf_reset(&b);
		core_buf_addstr(&b, "  ");
		if (o->shortopt)
			core_buf_addf(&b, "-%c, ", o->shortopt);
		else
			core_buf_addstr(&b, "    ");
		core_buf_addf(&b, "--%s", o->longopt);
		if (o->arg)
			core_buf_addf(&b, o->arg[0] == '[' ? "%s" : " %s",
			    o->arg);
		if (b.len >= 30) {
			printf("%s\n", core_buf_str(&b));
			core_buf_reset(&b);
		}
		wrap(core_buf_str(&b), o->help);
	}
	printf("\nSee %s(1) for details and examples.\n", core_progname);
	core_buf_release(&b);
}

/* One line per option: short, long, argument, completion, help; tabs
 * between.  Operands come last as a line starting with "operands". */
static void
spec(const struct core_cli *c)
{
	const struct core_opt *o;

	char sh[3];

	for (o = c->opts; o->id; o++) {
		sh[0] = o->shortopt ? '-' : '\0';
		sh[1] = o->shortopt;
		sh[2] = '\0';
		printf("%s\t--%s\t%s\t%s\t%s\n", sh, o->longopt,
		    o->arg ? o->arg : "", o->complete ? o->complete : "",
		    o->help ? o->help : "");
	}
	printf("operands\t\t\t%s\t\n", c->operands ? c->operands : "");
}

int
core_cli_parse(const struct core_cli *c, int argc, char **argv,
    struct core_common *com, int (*fn)(int id, const char *arg, void *ctx),
    void *ctx)
{
	/* Static, so that they stay reachable when a usage error exits. */
	static struct core_buf sopt = CORE_BUF_INIT;
	static struct option *lo;
	const struct core_opt *o;
	size_t n = 0, i;
	int ch, idx;

	for (o = c->opts; o->id; o++)
		n++;
	lo = core_xcalloc(n + 1, sizeof(*lo));
	core_buf_addc(&sopt, ':');    /* report missing arguments as ':' */
	for (i = 0, o = c->opts; o->id; o++, i++) {
		lo[i].name = o->longopt;
		lo[i].has_arg = o->arg == NULL ? no_argument :
		    o->arg[0] == '[' ? optional_argument : required_argument;
		lo[i].flag = NULL;
		lo[i].val = 0x100 + (int)i;
		if (o->shortopt) {
			core_buf_addc(&sopt, o->shortopt);
			if (o->arg)
				core_buf_addstr(&sopt, o->arg[0] == '[' ?
				    "::" : ":");
		}
	}
	memset(com, 0, sizeof(*com));
	opterr = 0;
	while ((ch = getopt_long(argc, argv, core_buf_str(&sopt), lo, &idx))
	    != -1) {
		if (ch == '?') {
			if (optopt && optopt < 0x100)
				core_usage_error("unknown option '-%c'", optopt);
			core_usage_error("unknown option '%s'",
			    argv[optind - 1]);
		}
		if (ch == ':') {
			if (optopt && optopt < 0x100)
				core_usage_error("option '-%c' needs an argument",
				    optopt);
			core_usage_error("option '%s' needs an argument",
			    argv[optind - 1]);
		}
		if (ch >= 0x100) {
			o = &c->opts[ch - 0x100];
		} else {
			for (o = c->opts; o->id && o->shortopt != ch; o++)
				;
		}
		switch (o->id) {
		case CORE_OPT_HELP:
			help(c);
			exit(0);
		case CORE_OPT_VERSION:
			printf("%s (streamutils) %s\n", core_progname,
			    STREAMUTILS_VERSION);
			exit(0);
		case CORE_OPT_SPEC:
			spec(c);
			exit(0);
		case CORE_OPT_OUTFMT:
			com->outfmt = optarg;
			break;
		case CORE_OPT_STRICT:
			com->strict = 1;
			break;
		case CORE_OPT_ERRORS:
			com->errors = optarg;
			break;
		case CORE_OPT_MAXREC:
			com->max_rec = core_arg_size("--max-record", optarg);
			if (com->max_rec < 64 || com->max_rec > (1u << 30))
				core_usage_error("--max-record: '%s' is out of "
				    "range (64 to 1G)", optarg);
			break;
		case CORE_OPT_QUIET:
			com->quiet = 1;
			break;
		case CORE_OPT_TIMEFMT:
			if (core_fmt_time_init(optarg) < 0)
				core_usage_error("--time-format: unknown format "
				    "'%s' (rfc3339, epoch_s, epoch_ms, epoch_us, "
				    "epoch_ns, or a strftime pattern with %%)",
				    optarg);
			com->time_format = optarg;
			break;
		default:
			if (fn(o->id, optarg, ctx) < 0)
				exit(CORE_EXIT_USAGE);
			break;
		}
	}
	free(lo);
	lo = NULL;
	core_buf_release(&sopt);
	return optind;
}

int64_t
core_arg_dur(const char *opt, const char *arg, int allow_sign)
{
	const char *err;
	int64_t ns;

	if (core_dur_parse(arg, allow_sign, &ns, &err) < 0)
		core_usage_error("%s: '%s' is not a duration (%s; write e.g. "
		    "250ms, 10s, 5m, 1h, 1d)", opt, arg, err);
	return ns;
}

long long
core_arg_num(const char *opt, const char *arg, long long min,
    long long max)
{
	const char *err;
	long long v;

	if (core_strtonum(arg, min, max, &v, &err) < 0)
		core_usage_error("%s: '%s' is %s (%lld to %lld)", opt, arg, err,
		    min, max);
	return v;
}

uint64_t
core_arg_size(const char *opt, const char *arg)
{
	const char *err;
	uint64_t v;

	if (core_size_parse(arg, &v, &err) < 0)
		core_usage_error("%s: '%s' is not a size (%s; write e.g. 4096, "
		    "64K, 16M, 1G)", opt, arg, err);
	return v;
}

const char *
core_arg_word(const char *opt, const char *arg, const char *const *words)
{
	struct core_buf b = CORE_BUF_INIT;
	size_t i;

	for (i = 0; words[i]; i++)
		if (strcmp(arg, words[i]) == 0)
			return words[i];
	for (i = 0; words[i]; i++)
		core_buf_addf(&b, "%s%s", i ? ", " : "", words[i]);
	core_usage_error("%s: unknown value '%s' (choose from %s)", opt, arg,
	    core_buf_str(&b));
}

char **
core_split_list(const char *s, size_t *n)
{
	size_t cap = 0, cnt = 0;
	char **v = NULL;
	const char *p = s, *q;

	for (;;) {
		q = strchr(p, ',');
		if (q == NULL)
			q = p + strlen(p);
		v = core_xgrow(v, &cap, cnt + 2, sizeof(*v));
		v[cnt++] = core_xmemdup(p, (size_t)(q - p));
		if (*q == '\0')
			break;
		p = q + 1;
	}
	v[cnt] = NULL;
	if (n)
		*n = cnt;
	return v;
}

void
core_free_list(char **v)
{
	size_t i;

	for (i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}
