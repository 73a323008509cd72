/* SPDX-License-Identifier: MIT */
/* Running a command for each record: bounded concurrency, a bounded queue,
 * a rate limit (stream-sink --exec). */
#include "libcore/execq.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libcore/cli.h"
#include "libcore/dur.h"
#include "libcore/fmt.h"
#include "libcore/json.h"
#include "libcore/xalloc.h"

extern char **environ;

/* ---- rate limit ---------------------------------------------------------- */

int
core_ratelim_parse(struct core_ratelim *r, const char *s, const char **err)
{
	const char *slash = strchr(s, '/');
	char num[32], dur[64];
	long long n;
	int64_t per;

	memset(r, 0, sizeof(*r));
	if (slash == NULL || (size_t)(slash - s) >= sizeof(num) ||
	    strlen(slash + 1) + 2 > sizeof(dur)) {
		*err = "not N/DUR";
		return -1;
	}
	memcpy(num, s, (size_t)(slash - s));
	num[slash - s] = '\0';
	if (core_strtonum(num, 1, 1000000000, &n, err) < 0) {
		*err = "N must be a whole number from 1";
		return -1;
	}
	/* "10/s" is "10/1s". */
	snprintf(dur, sizeof(dur), "%s%s", slash[1] >= 'a' && slash[1] <= 'z' ?
	    "1" : "", slash + 1);
	if (core_dur_parse(dur, 0, &per, err) < 0)
		return -1;
	if (per <= 0) {
		*err = "DUR must be more than 0";
		return -1;
	}
	if (per / n == 0) {
		*err = "more than one a nanosecond";
		return -1;
	}
	r->n = (uint64_t)n;
	r->per = per;
	r->step = per / n;
	return 0;
}

int
core_ratelim_take(struct core_ratelim *r, int64_t now)
{
	if (!r->started || r->tat < now) {
		r->started = 1;
		r->tat = now;
	}
	/* The bucket holds n tokens: tat may run ahead of now by at most
	 * per - step before the next token is refused. */
	if (r->tat - now > r->per - r->step)
		return 0;
	r->tat += r->step;
	return 1;
}

/* ---- the environment of a command ---------------------------------------- */

int
core_exec_bare_name(const char *name, size_t len)
{
	size_t i;
	int lower = 0;

	if (len == 0 || (name[0] >= '0' && name[0] <= '9'))
		return 0;
	for (i = 0; i < len; i++) {
		char c = name[i];

		if (c >= 'a' && c <= 'z')
			lower = 1;
		else if (!(c == '_' || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9')))
			return 0;
	}
	/* All upper case is the system's (PATH, IFS, LD_PRELOAD, BASH_ENV):
	 * a record must not change how the command runs.  Proxies are the
	 * lower-case exception curl and wget obey. */
	if (!lower)
		return 0;
	if (len >= 6 && strncasecmp(name + len - 6, "_proxy", 6) == 0)
		return 0;
	return 1;
}

void
core_exec_env_name(struct core_buf *b, const char *name, size_t len)
{
	size_t i;

	core_buf_addstr(b, "STREAM_");
	for (i = 0; i < len; i++) {
		char c = name[i];

		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		else if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
			c = '_';
		core_buf_addc(b, c);
	}
}

struct envvar {
	char *s;           /* "NAME=value", new */
	size_t namelen;
	size_t idx;        /* field order, so the first of equals wins */
};

static int
envvar_cmp(const void *a, const void *b)
{
	const struct envvar *x = a, *y = b;
	size_t n = x->namelen < y->namelen ? x->namelen : y->namelen;
	int c = memcmp(x->s, y->s, n);

	if (c)
		return c;
	if (x->namelen != y->namelen)
		return x->namelen < y->namelen ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Whether base entry e ("NAME=...") is named by one of v[0..n) (sorted). */
static int
overridden(const char *e, const struct envvar *v, size_t n)
{
	const char *eq = strchr(e, '=');
	struct envvar key;

	if (eq == NULL || n == 0)
		return 0;
	key.s = (char *)e;
	key.namelen = (size_t)(eq - e);
	key.idx = 0;
	/* Compare by name only. */
	{
		size_t lo = 0, hi = n;

		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			size_t m = v[mid].namelen < key.namelen ?
			    v[mid].namelen : key.namelen;
			int c = memcmp(v[mid].s, key.s, m);

			if (c == 0 && v[mid].namelen != key.namelen)
				c = v[mid].namelen < key.namelen ? -1 : 1;
			if (c == 0)
				return 1;
			if (c < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
	}
	return 0;
}

static int
base_has(char *const *base, const char *name, size_t len)
{
	size_t i;

	for (i = 0; base && base[i]; i++)
		if (strncmp(base[i], name, len) == 0 && base[i][len] == '=')
			return 1;
	return 0;
}

char **
core_exec_env(const struct core_rec *r, char *const *base)
{
	struct envvar *v = NULL;
	size_t nv = 0, capv = 0, i, j, total = 0, nbase = 0, k;
	struct core_buf val = CORE_BUF_INIT, b = CORE_BUF_INIT;
	char **env;

	for (i = 0; i < r->schema->n; i++) {
		const struct core_sym *s = r->schema->f[i];
		int form;

		if (s->len == 0)
			continue;
		core_buf_reset(&val);
		if (r->v[i].type != CORE_NULL)
			core_value_text(&val, &r->v[i]);
		if (val.len > CORE_EXEC_ENV_VALUE_MAX)
			continue;
		for (form = 0; form < 2; form++) {
			core_buf_reset(&b);
			if (form == 0) {
				core_exec_env_name(&b, s->name, s->len);
			} else {
				if (!core_exec_bare_name(s->name, s->len) ||
				    base_has(base, s->name, s->len))
					continue;
				core_buf_add(&b, s->name, s->len);
			}
			if (total + b.len + val.len + 2 > CORE_EXEC_ENV_TOTAL)
				continue;
			v = core_xgrow(v, &capv, nv + 1, sizeof(*v));
			v[nv].namelen = b.len;
			v[nv].idx = nv;
			core_buf_addc(&b, '=');
			/* A NUL in the value ends it: the environment is C
			 * strings. */
			if (val.len)
				core_buf_add(&b, val.p, strlen(val.p));
			total += b.len + 1;
			v[nv].s = core_buf_detach(&b, NULL);
			if (v[nv].s == NULL)
				v[nv].s = core_xstrdup("");
			nv++;
		}
	}
	core_buf_release(&val);
	core_buf_release(&b);
	core_sort(v, nv, sizeof(*v), envvar_cmp);
	/* Of equal names, the first field's. */
	for (i = j = 0; i < nv; i++) {
		if (j > 0 && v[j - 1].namelen == v[i].namelen &&
		    memcmp(v[j - 1].s, v[i].s, v[i].namelen) == 0) {
			free(v[i].s);
			continue;
		}
		v[j++] = v[i];
	}
	nv = j;
	for (i = 0; base && base[i]; i++)
		nbase++;
	env = core_xcalloc(nbase + nv + 1, sizeof(*env));
	k = 0;
	for (i = 0; i < nbase; i++)
		if (!overridden(base[i], v, nv))
			env[k++] = core_xstrdup(base[i]);
	for (i = 0; i < nv; i++)
		env[k++] = v[i].s;
	env[k] = NULL;
	free(v);
	return env;
}

void
core_exec_json(struct core_buf *b, const struct core_rec *r)
{
	size_t i, max = 3;
	char *d;

	for (i = 0; i < r->schema->n; i++)
		max += core_json_string_max(r->schema->f[i]->len) + 2 +
		    core_fmt_json_value_max(&r->v[i]);
	core_buf_grow(b, max);
	d = b->p + b->len;
	*d++ = '{';
	for (i = 0; i < r->schema->n; i++) {
		if (i)
			*d++ = ',';
		d = core_json_put_string(d, r->schema->f[i]->name,
		    r->schema->f[i]->len);
		*d++ = ':';
		d = core_fmt_json_value(d, &r->v[i]);
	}
	*d++ = '}';
	*d++ = '\n';
	*d = '\0';
	b->len = (size_t)(d - b->p);
}

/* ---- the queue ------------------------------------------------------------ */

struct job {
	pid_t pid;             /* 0 while waiting */
	int fd;                /* the write end of its stdin; -1: closed */
	char *in;              /* the NDJSON line */
	size_t inlen, inoff;
	char **env;
	char *where;
	struct core_execq *q;
	struct core_timer timer;   /* --timeout: TERM, then KILL */
	int timed_out;
	int killed;            /* SIGKILL sent */
	struct job *next;
};

struct core_execq {
	struct core_loop *loop;
	struct core_execq_opts o;
	core_execq_done_fn done;
	void *ctx;
	struct job *run;       /* running, any order */
	size_t nrun;
	struct job *head, **tail;   /* waiting, oldest first */
	size_t nwait;
	int stopped;
	int full;              /* a push was refused: say when room comes */
	core_fn room_fn;
	void *room_ctx;
	core_fn drained_fn;
	void *drained_ctx;
	struct core_timer drained_timer;
	struct core_execq_stats st;
};

static void
job_free(struct job *j)
{
	if (j == NULL)
		return;
	free(j->in);
	core_free_list(j->env);
	free(j->where);
	free(j);
}

static void
close_stdin(struct core_execq *q, struct job *j)
{
	if (j->fd < 0)
		return;
	core_loop_fd_del(q->loop, j->fd);
	close(j->fd);
	j->fd = -1;
}

/* Writes what the child's stdin takes now; closes it when all is there,
 * or when the child does not want it (EPIPE: it exited or closed it). */
static void
feed_stdin(struct core_execq *q, struct job *j)
{
	while (j->fd >= 0 && j->inoff < j->inlen) {
		ssize_t n = write(j->fd, j->in + j->inoff, j->inlen - j->inoff);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return;
			close_stdin(q, j);    /* EPIPE and the like */
			return;
		}
		j->inoff += (size_t)n;
	}
	close_stdin(q, j);
}

static void
on_writable(struct core_loop *l, int fd, int revents, void *ctx)
{
	struct job *j = ctx;

	(void)l;
	(void)fd;
	if (revents & (POLLERR | POLLNVAL)) {
		close_stdin(j->q, j);
		return;
	}
	feed_stdin(j->q, j);
}

static void
on_timeout(struct core_loop *l, void *ctx)
{
	struct job *j = ctx;

	if (j->pid <= 0)
		return;
	if (!j->timed_out) {
		j->timed_out = 1;
		kill(-j->pid, SIGTERM);
		core_loop_timer(l, &j->timer, core_now_mono() +
		    CORE_EXECQ_KILL_AFTER, on_timeout, j);
		return;
	}
	j->killed = 1;
	kill(-j->pid, SIGKILL);
}

static void finish(struct core_execq *q, struct job *j, int err, int status);

/* Starts job j; it is counted as running either way (finish undoes). */
static void
start(struct core_execq *q, struct job *j)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, def;
	char *argv[4];
	int p[2], e;

	j->next = q->run;
	q->run = j;
	q->nrun++;
	q->st.started++;
	if (pipe2(p, O_CLOEXEC) < 0) {
		finish(q, j, errno, 0);
		return;
	}
	argv[0] = "sh";
	argv[1] = "-c";
	argv[2] = (char *)q->o.cmd;
	argv[3] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[0], 0);
	posix_spawnattr_init(&at);
	/* The child gets default signals (we ignore SIGPIPE and catch
	 * others) and an empty mask. */
	sigemptyset(&none);
	sigemptyset(&def);
	sigaddset(&def, SIGPIPE);
	sigaddset(&def, SIGINT);
	sigaddset(&def, SIGTERM);
	sigaddset(&def, SIGHUP);
	sigaddset(&def, SIGCHLD);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &def);
	/* Its own process group, so that a signal (a timeout, the sink's
	 * SIGTERM passed on) reaches what the shell started too. */
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK |
	    POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
	e = posix_spawn(&j->pid, "/bin/sh", &fa, &at, argv, j->env);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	close(p[0]);
	if (e != 0) {
		close(p[1]);
		j->pid = 0;
		finish(q, j, e, 0);
		return;
	}
	j->fd = p[1];
	(void)fcntl(j->fd, F_SETFL, fcntl(j->fd, F_GETFL) | O_NONBLOCK);
	feed_stdin(q, j);
	if (j->fd >= 0)
		core_loop_fd(q->loop, j->fd, POLLOUT, on_writable, j);
	if (q->o.timeout > 0)
		core_loop_timer(q->loop, &j->timer, core_now_mono() +
		    q->o.timeout, on_timeout, j);
}

static void
drained_tick(struct core_loop *l, void *ctx)
{
	struct core_execq *q = ctx;
	core_fn fn = q->drained_fn;

	(void)l;
	if (fn == NULL || q->nrun || q->nwait)
		return;
	q->drained_fn = NULL;
	fn(q->loop, q->drained_ctx);
}

/* Starts waiting jobs while there are slots; says when room comes and
 * when all is done. */
static void
pump(struct core_execq *q)
{
	while (q->head && q->nrun < q->o.max_procs && !q->stopped) {
		struct job *j = q->head;

		q->head = j->next;
		if (q->head == NULL)
			q->tail = &q->head;
		q->nwait--;
		start(q, j);
	}
	if (q->full && q->nwait < q->o.max_queue) {
		q->full = 0;
		if (q->room_fn)
			q->room_fn(q->loop, q->room_ctx);
	}
	if (q->drained_fn && q->nrun == 0 && q->nwait == 0)
		core_loop_timer(q->loop, &q->drained_timer, 1, drained_tick, q);
}

static void
finish(struct core_execq *q, struct job *j, int err, int status)
{
	struct core_execq_result res;
	struct job **pp;

	for (pp = &q->run; *pp && *pp != j; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = j->next;
	q->nrun--;
	close_stdin(q, j);
	core_loop_timer_cancel(q->loop, &j->timer);
	res.where = j->where;
	res.err = err;
	res.status = status;
	res.timed_out = j->timed_out;
	res.stopped = q->stopped;
	/* A command the stop signal ended did not fail: it was stopped. */
	if (err || (!WIFEXITED(status) && !q->stopped) ||
	    (WIFEXITED(status) && WEXITSTATUS(status) != 0))
		q->st.failed++;
	if (q->done)
		q->done(&res, q->ctx);
	job_free(j);
}

static void
reap(struct core_loop *l, void *ctx)
{
	struct core_execq *q = ctx;
	struct job *j, *next;
	int status, any = 0;

	(void)l;
	for (j = q->run; j; j = next) {
		pid_t r;

		next = j->next;
		do
			r = waitpid(j->pid, &status, WNOHANG);
		while (r < 0 && errno == EINTR);
		if (r == j->pid || (r < 0 && errno == ECHILD)) {
			/* ECHILD: reaped by someone else; unknown, call it
			 * killed. */
			if (r < 0)
				status = SIGKILL;
			finish(q, j, 0, status);
			any = 1;
		}
	}
	if (any)
		pump(q);
}

struct core_execq *
core_execq_new(struct core_loop *l, const struct core_execq_opts *o,
    core_execq_done_fn done, void *ctx)
{
	struct core_execq *q = core_xcalloc(1, sizeof(*q));

	q->loop = l;
	q->o = *o;
	if (q->o.max_procs == 0)
		q->o.max_procs = 1;
	if (q->o.max_queue == 0)
		q->o.max_queue = 1;
	q->done = done;
	q->ctx = ctx;
	q->tail = &q->head;
	core_loop_children(l, reap, q);
	return q;
}

void
core_execq_free(struct core_execq *q)
{
	struct job *j;

	if (q == NULL)
		return;
	while ((j = q->run) != NULL) {
		q->run = j->next;
		close_stdin(q, j);
		core_loop_timer_cancel(q->loop, &j->timer);
		job_free(j);
	}
	while ((j = q->head) != NULL) {
		q->head = j->next;
		job_free(j);
	}
	core_loop_timer_cancel(q->loop, &q->drained_timer);
	free(q);
}

enum core_execq_push
core_execq_push(struct core_execq *q, const struct core_rec *r,
    const char *where)
{
	struct core_buf b = CORE_BUF_INIT;
	struct job *j;

	if (q->stopped) {
		q->st.dropped++;
		return CORE_EXECQ_DROPPED;
	}
	if (q->nrun >= q->o.max_procs && q->nwait >= q->o.max_queue) {
		q->full = 1;
		return CORE_EXECQ_FULL;
	}
	q->st.pushed++;
	if (q->o.rate && !core_ratelim_take(q->o.rate, core_now_mono())) {
		q->st.limited++;
		return CORE_EXECQ_LIMITED;
	}
	j = core_xcalloc(1, sizeof(*j));
	j->q = q;
	j->fd = -1;
	core_exec_json(&b, r);
	j->in = core_buf_detach(&b, &j->inlen);
	j->env = core_exec_env(r, environ);
	j->where = core_xstrdup(where ? where : "");
	if (q->nrun < q->o.max_procs) {
		start(q, j);
		pump(q);
		return CORE_EXECQ_RUN;
	}
	*q->tail = j;
	q->tail = &j->next;
	q->nwait++;
	return CORE_EXECQ_QUEUED;
}

void
core_execq_on_room(struct core_execq *q, core_fn fn, void *ctx)
{
	q->room_fn = fn;
	q->room_ctx = ctx;
}

void
core_execq_on_drained(struct core_execq *q, core_fn fn, void *ctx)
{
	q->drained_fn = fn;
	q->drained_ctx = ctx;
	if (fn && q->nrun == 0 && q->nwait == 0)
		core_loop_timer(q->loop, &q->drained_timer, 1, drained_tick, q);
}

void
core_execq_stop(struct core_execq *q, int sig)
{
	struct job *j;

	q->stopped = 1;
	while ((j = q->head) != NULL) {
		q->head = j->next;
		q->nwait--;
		q->st.dropped++;
		job_free(j);
	}
	q->tail = &q->head;
	for (j = q->run; j; j = j->next)
		if (sig && j->pid > 0)
			kill(-j->pid, sig);
	pump(q);
}

void
core_execq_kill(struct core_execq *q)
{
	struct job *j;
	int status;

	core_execq_stop(q, 0);
	while ((j = q->run) != NULL) {
		j->killed = 1;
		kill(-j->pid, SIGKILL);
		while (waitpid(j->pid, &status, 0) < 0)
			if (errno != EINTR) {
				status = SIGKILL;
				break;
			}
		finish(q, j, 0, status);
	}
}

size_t
core_execq_running(const struct core_execq *q)
{
	return q->nrun;
}

size_t
core_execq_waiting(const struct core_execq *q)
{
	return q->nwait;
}

const struct core_execq_stats *
core_execq_stats(const struct core_execq *q)
{
	return &q->st;
}
