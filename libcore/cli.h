/* SPDX-License-Identifier: MIT */
/* Option tables: parsing, --help and the completion spec from one table. */
#ifndef CORE_CLI_H
#define CORE_CLI_H

#include <stddef.h>
#include <stdint.h>

/*
 * Each command has one static table of options.  The getopt string, the
 * --help text and the completion spec (--completion-spec, read by the
 * bash and zsh completion scripts) all come from it, so they cannot drift.
 */
struct core_opt {
	int id;                 /* handed to the callback; 0 ends a table */
	char shortopt;          /* 0: long only */
	const char *longopt;
	const char *arg;        /* NULL: no argument; "[X]": optional */
	const char *help;
	const char *complete;   /* "@file", "@dir", "@cmd" or words; NULL */
};

struct core_cli {
	const char *synopsis;   /* "[options] [FILE ...]" */
	const char *summary;    /* one sentence */
	const struct core_opt *opts;
	const char *operands;   /* completion of operands: "@file" or NULL */
};

/* Ids of the options every tool shares (CORE_OPTS_COMMON). */
enum {
	CORE_OPT_HELP = 0x10000,
	CORE_OPT_VERSION,
	CORE_OPT_SPEC,
	CORE_OPT_OUTFMT,
	CORE_OPT_STRICT,
	CORE_OPT_ERRORS,
	CORE_OPT_MAXREC,
	CORE_OPT_QUIET,
	CORE_OPT_TIMEFMT,
	CORE_OPT_TOOL           /* first id free for a tool's own options */
};

#define CORE_OPTS_OUTPUT(formats) \
	{ CORE_OPT_OUTFMT, 'o', "output-format", "FORMAT", \
	  "output format: " formats, formats }

#define CORE_OPTS_COMMON \
	{ CORE_OPT_STRICT, 0, "strict", NULL, \
	  "stop at the first bad record (exit status 1)", NULL }, \
	{ CORE_OPT_ERRORS, 0, "errors", "FILE", \
	  "append each bad record and its reason to FILE (NDJSON)", \
	  "@file" }, \
	{ CORE_OPT_MAXREC, 0, "max-record", "SIZE", \
	  "longest line or frame accepted (default 64M)", NULL }, \
	{ CORE_OPT_TIMEFMT, 0, "time-format", "FMT", \
	  "times in text output: rfc3339 (default), epoch_s, epoch_ms, " \
	  "epoch_us, epoch_ns, or a strftime pattern (UTC; %3f %6f %9f " \
	  "for fractions)", "rfc3339 epoch_s epoch_ms epoch_us epoch_ns" }, \
	{ CORE_OPT_QUIET, 'q', "quiet", NULL, \
	  "no warnings for single bad records (the summary stays)", NULL }, \
	{ CORE_OPT_HELP, 'h', "help", NULL, "show this help and exit", NULL }, \
	{ CORE_OPT_VERSION, 0, "version", NULL, "show the version and exit", \
	  NULL }, \
	{ CORE_OPT_SPEC, 0, "completion-spec", NULL, \
	  "print the option table for shell completion and exit", NULL }

/* What the common options set. */
struct core_common {
	const char *outfmt;     /* NULL: the tool's default */
	int strict;
	const char *errors;
	uint64_t max_rec;
	int quiet;
	const char *time_format;
};

#define STREAMUTILS_VERSION "0.1.0"

/*
 * Parses argv with table c.  Common options are handled here into *com;
 * --help, --version and --completion-spec print and exit 0; usage errors
 * print a message and exit 2.  Each other option calls fn(id, arg, ctx),
 * which returns 0, or -1 after printing a usage message (exit 2).
 * Returns the index of the first operand.
 */
int core_cli_parse(const struct core_cli *c, int argc, char **argv,
    struct core_common *com, int (*fn)(int id, const char *arg, void *ctx),
    void *ctx);

/* "PROG: MSG" plus a hint to --help on stderr, then exit 2. */
_Noreturn void core_usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* Strict option-argument parsers: exit 2 with a message naming opt. */
int64_t core_arg_dur(const char *opt, const char *arg, int allow_sign);
long long core_arg_num(const char *opt, const char *arg, long long min,
    long long max);
uint64_t core_arg_size(const char *opt, const char *arg);
/* Checks arg against a NULL-terminated list of words. */
const char *core_arg_word(const char *opt, const char *arg,
    const char *const *words);

/* Splits "a,b,c" into a new NULL-terminated vector; *n gets the count. */
char **core_split_list(const char *s, size_t *n);
void core_free_list(char **v);

#endif
