/* SPDX-License-Identifier: MIT */
/* Running a command for each record: bounded concurrency, a bounded queue,
 * a rate limit (stream-sink --exec). */
#ifndef CORE_EXECQ_H
#define CORE_EXECQ_H

#include <stddef.h>
#include <stdint.h>

#include "libcore/buf.h"
#include "libcore/loop.h"
#include "libcore/rec.h"

/* ---- rate limit ---------------------------------------------------------- */

/*
 * A token bucket of n tokens refilled at n per `per` nanoseconds (GCRA:
 * the same thing kept as one time).  A burst of up to n passes at once,
 * then one every per/n.  Plain data: tests give the clock.
 */
struct core_ratelim {
	uint64_t n;
	int64_t per;
	int64_t step;      /* per / n: the cost of one token */
	int64_t tat;       /* when the bucket is full again */
	int started;
};

/*
 * Parses "N/DUR" ("10/1m", "1/5s"; "N/s", "N/m" read as N/1s, N/1m) into
 * *r, a full bucket.  Returns 0, or -1 with *err set to a static phrase.
 */
int core_ratelim_parse(struct core_ratelim *r, const char *s,
    const char **err);
/* Takes a token at monotonic time now: 1 if there was one, 0 if not. */
int core_ratelim_take(struct core_ratelim *r, int64_t now);

/* ---- the environment of a command ---------------------------------------- */

/* Values longer than this stay out of the environment (stdin has them),
 * and so do fields past CORE_EXEC_ENV_TOTAL bytes in all. */
#define CORE_EXEC_ENV_VALUE_MAX (64u << 10)
#define CORE_EXEC_ENV_TOTAL (1u << 20)

/* Whether field name[0..len) is also set as it is: a shell identifier
 * with a lowercase letter, not a *_proxy variable. */
int core_exec_bare_name(const char *name, size_t len);
/* Appends the prefixed name of a field: "STREAM_" and the name in upper
 * case, every byte that is not a letter or digit made '_'. */
void core_exec_env_name(struct core_buf *b, const char *name, size_t len);

/*
 * The environment of the command for record r: base (NULL-terminated,
 * borrowed: environ) plus, for each field (null as the empty string,
 * times as the text writers write them, nested JSON as JSON text),
 * STREAM_NAME, overriding base, and NAME where core_exec_bare_name says
 * so and base has no NAME.  Of fields with the same STREAM_ name the
 * first wins.  New: free with core_free_list (every string is a copy).
 */
char **core_exec_env(const struct core_rec *r, char *const *base);

/* Appends r as one NDJSON line (with the '\n'). */
void core_exec_json(struct core_buf *b, const struct core_rec *r);

/* ---- the queue ------------------------------------------------------------ */

struct core_execq_opts {
	const char *cmd;        /* run as /bin/sh -c CMD */
	unsigned max_procs;     /* commands at a time, >= 1 */
	size_t max_queue;       /* records waiting for a slot, >= 1 */
	struct core_ratelim *rate;   /* borrowed; NULL: no limit */
	int64_t timeout;        /* ns; 0: none.  Then SIGTERM, and SIGKILL
	                         * CORE_EXECQ_KILL_AFTER later */
};

#define CORE_EXECQ_KILL_AFTER (2 * 1000000000LL)

/* How a command ended, for the done callback. */
struct core_execq_result {
	const char *where;      /* borrowed: as given to core_execq_push */
	int err;                /* errno: the command could not be started */
	int status;             /* the wait status (err == 0) */
	int timed_out;          /* killed after the timeout */
	int stopped;            /* ended after core_execq_stop */
};

/* What happened so far. */
struct core_execq_stats {
	uint64_t pushed;        /* records handed in (not FULL) */
	uint64_t started;       /* commands started */
	uint64_t failed;        /* not started, non-zero exit, killed */
	uint64_t limited;       /* not run: over the rate limit */
	uint64_t dropped;       /* not run: came or waited after stop */
};

enum core_execq_push {
	CORE_EXECQ_RUN,         /* started now */
	CORE_EXECQ_QUEUED,      /* waits for a slot */
	CORE_EXECQ_LIMITED,     /* over the rate limit: not run, counted */
	CORE_EXECQ_FULL,        /* queue full: nothing done, push it later */
	CORE_EXECQ_DROPPED      /* stopped: not run, counted */
};

struct core_execq;

/* Called when a command ends (or could not start). */
typedef void (*core_execq_done_fn)(const struct core_execq_result *res,
    void *ctx);

/*
 * A queue running o->cmd in loop l, which it catches SIGCHLD in.  Each
 * command is a process group of its own; signals go to the group.  o is
 * copied (cmd and rate are borrowed).  New; free with core_execq_free,
 * which leaves running commands alone.
 */
struct core_execq *core_execq_new(struct core_loop *l,
    const struct core_execq_opts *o, core_execq_done_fn done, void *ctx);
void core_execq_free(struct core_execq *q);

/*
 * Hands in record r (borrowed; rendered at once), with where ("FILE:
 * record N", copied) for the done callback.  Rate limit first, then a
 * free slot, else the queue; CORE_EXECQ_FULL when the queue is full (the
 * rate limit untouched): try again after the room callback.
 */
enum core_execq_push core_execq_push(struct core_execq *q,
    const struct core_rec *r, const char *where);

/* fn runs once when a full queue gets room again. */
void core_execq_on_room(struct core_execq *q, core_fn fn, void *ctx);
/* fn runs once when nothing runs and nothing waits (maybe at once, from
 * the loop's next round). */
void core_execq_on_drained(struct core_execq *q, core_fn fn, void *ctx);

/*
 * Stops: waiting records are dropped (counted), later pushes too, and
 * sig, if not 0, goes to every running command's process group.
 */
void core_execq_stop(struct core_execq *q, int sig);
/* SIGKILLs what still runs and waits for it: for the end of the end. */
void core_execq_kill(struct core_execq *q);

size_t core_execq_running(const struct core_execq *q);
size_t core_execq_waiting(const struct core_execq *q);
const struct core_execq_stats *core_execq_stats(const struct core_execq *q);

#endif
