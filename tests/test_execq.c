/* SPDX-License-Identifier: MIT */
/* Tests for the --exec queue: rate limit, environment, concurrency, queue
 * and backpressure, failures, stdin, timeouts. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libcore/cli.h"
#include "libcore/execq.h"
#include "libcore/xalloc.h"

#define S 1000000000LL

/* ---- rate limit ---------------------------------------------------------- */

Test(execq, ratelim_parses_n_per_dur)
{
	struct core_ratelim r;
	const char *err;

	cr_assert_eq(core_ratelim_parse(&r, "10/1m", &err), 0);
	cr_expect_eq(r.n, 10);
	cr_expect_eq(r.per, 60 * S);
	cr_expect_eq(r.step, 6 * S);
	cr_assert_eq(core_ratelim_parse(&r, "5/s", &err), 0);
	cr_expect_eq(r.per, S);
	cr_assert_eq(core_ratelim_parse(&r, "1/1h30m", &err), 0);
	cr_expect_eq(r.per, 5400 * S);
}

Test(execq, ratelim_refuses_junk)
{
	static const char *bad[] = { "0/1s", "-1/1s", "abc", "10", "10/",
		"/1s", "10/0s", "10/x", "10/5", "1.5/1s", "2/1ns", "10/1m/2",
		"", NULL };
	struct core_ratelim r;
	const char *err;
	size_t i;

	for (i = 0; bad[i]; i++) {
		err = NULL;
		cr_expect_eq(core_ratelim_parse(&r, bad[i], &err), -1,
		    "'%s' accepted", bad[i]);
		cr_expect_not_null(err, "'%s': no reason", bad[i]);
	}
}

Test(execq, ratelim_burst_then_one_per_step)
{
	struct core_ratelim r;
	const char *err;
	int i, n = 0;

	cr_assert_eq(core_ratelim_parse(&r, "10/1m", &err), 0);
	for (i = 0; i < 25; i++)
		n += core_ratelim_take(&r, 100 * S);
	cr_expect_eq(n, 10, "a burst of %d, not 10", n);
	cr_expect_eq(core_ratelim_take(&r, 105 * S), 0, "before 6 s");
	cr_expect_eq(core_ratelim_take(&r, 106 * S), 1, "after 6 s");
	cr_expect_eq(core_ratelim_take(&r, 106 * S), 0);
	/* A long quiet time fills the bucket, and no more than full. */
	for (i = n = 0; i < 25; i++)
		n += core_ratelim_take(&r, 10000 * S);
	cr_expect_eq(n, 10);
}

/* An independent model: a bucket of real-valued tokens. */
Test(execq, ratelim_matches_a_token_bucket)
{
	struct core_ratelim r;
	const char *err;
	double tokens = 7, rate = 7.0 / 3.5;    /* per second */
	int64_t t = 0, last = 0;
	uint64_t seed = 42;
	int i, got = 0, want = 0;

	cr_assert_eq(core_ratelim_parse(&r, "7/3500ms", &err), 0);
	for (i = 0; i < 20000; i++) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		t += (int64_t)(seed >> 33) % (S / 2);    /* up to 0.5 s */
		tokens += (double)(t - last) / S * rate;
		if (tokens > 7)
			tokens = 7;
		last = t;
		if (tokens >= 1 - 1e-6) {
			tokens -= 1;
			want++;
		}
		got += core_ratelim_take(&r, t);
	}
	cr_expect(abs(got - want) <= 1, "GCRA let %d through, the bucket %d",
	    got, want);
	cr_expect(want > 1000);
}

/* ---- environment --------------------------------------------------------- */

Test(execq, bare_names)
{
	cr_expect(core_exec_bare_name("host", 4));
	cr_expect(core_exec_bare_name("_count2", 7));
	cr_expect(core_exec_bare_name("Path", 4));
	cr_expect_not(core_exec_bare_name("PATH", 4));
	cr_expect_not(core_exec_bare_name("LD_PRELOAD", 10));
	cr_expect_not(core_exec_bare_name("IFS", 3));
	cr_expect_not(core_exec_bare_name("_", 1));
	cr_expect_not(core_exec_bare_name("2x", 2));
	cr_expect_not(core_exec_bare_name("a-b", 3));
	cr_expect_not(core_exec_bare_name("a.b", 3));
	cr_expect_not(core_exec_bare_name("", 0));
	cr_expect_not(core_exec_bare_name("http_proxy", 10));
	cr_expect_not(core_exec_bare_name("no_proxy", 8));
}

static void
expect_env_name(const char *name, const char *want)
{
	struct core_buf b = CORE_BUF_INIT;

	core_exec_env_name(&b, name, strlen(name));
	cr_expect_str_eq(core_buf_str(&b), want);
	core_buf_release(&b);
}

Test(execq, prefixed_names)
{
	expect_env_name("host", "STREAM_HOST");
	expect_env_name("a-b.c", "STREAM_A_B_C");
	expect_env_name("req time", "STREAM_REQ_TIME");
	expect_env_name("h\xc3\xa9", "STREAM_H__");
	expect_env_name("x9", "STREAM_X9");
}

/* A record from names and values. */
static struct core_rec
mkrec(const char **names, struct core_value *v, size_t n)
{
	const struct core_sym *syms[16];
	struct core_rec r;
	size_t i;

	for (i = 0; i < n; i++)
		syms[i] = core_sym_str(names[i]);
	memset(&r, 0, sizeof(r));
	r.schema = core_schema_intern(syms, (uint32_t)n);
	r.v = v;
	cr_assert_not_null(r.schema);
	return r;
}

static const char *
envget(char **env, const char *name)
{
	size_t i, n = strlen(name);
	const char *found = NULL;
	int count = 0;

	for (i = 0; env[i]; i++) {
		if (strncmp(env[i], name, n) == 0 && env[i][n] == '=') {
			found = env[i] + n + 1;
			count++;
		}
	}
	cr_expect_leq(count, 1, "%s set %d times", name, count);
	return found;
}

Test(execq, env_of_a_record)
{
	const char *names[] = { "host", "count", "n", "PATH", "LD_PRELOAD",
		"a-b", "a_b", "t", "o", "d" };
	struct core_value v[10];
	char *base[] = { "PATH=/bin", "STREAM_HOST=old", "d=inherited",
		"KEEP=1", NULL };
	struct core_rec r;
	char **env;

	v[0] = core_v_str("web-1", 5);
	v[1] = core_v_int(3);
	v[2] = core_v_null();
	v[3] = core_v_str("/evil", 5);
	v[4] = core_v_str("x.so", 4);
	v[5] = core_v_int(1);
	v[6] = core_v_int(2);
	v[7] = core_v_time(1767225600250000000LL);
	v[8] = core_v_json("{\"x\":[1,2]}", 11);
	v[9] = core_v_str("new", 3);
	r = mkrec(names, v, 10);
	env = core_exec_env(&r, base);
	cr_expect_str_eq(envget(env, "host"), "web-1");
	cr_expect_str_eq(envget(env, "STREAM_HOST"), "web-1");
	cr_expect_str_eq(envget(env, "count"), "3");
	cr_expect_str_eq(envget(env, "STREAM_COUNT"), "3");
	cr_expect_str_eq(envget(env, "n"), "");
	cr_expect_str_eq(envget(env, "STREAM_N"), "");
	/* The record cannot change how the command runs. */
	cr_expect_str_eq(envget(env, "PATH"), "/bin");
	cr_expect_str_eq(envget(env, "STREAM_PATH"), "/evil");
	cr_expect_null(envget(env, "LD_PRELOAD"));
	cr_expect_str_eq(envget(env, "STREAM_LD_PRELOAD"), "x.so");
	/* Two fields, one prefixed name: the first. */
	cr_expect_str_eq(envget(env, "STREAM_A_B"), "1");
	cr_expect_str_eq(envget(env, "STREAM_T"), "2026-01-01T00:00:00.250Z");
	cr_expect_str_eq(envget(env, "STREAM_O"), "{\"x\":[1,2]}");
	/* A name the environment has is left to it. */
	cr_expect_str_eq(envget(env, "d"), "inherited");
	cr_expect_str_eq(envget(env, "STREAM_D"), "new");
	cr_expect_str_eq(envget(env, "KEEP"), "1");
	core_free_list(env);
}

Test(execq, env_leaves_out_huge_values)
{
	const char *names[] = { "big", "small" };
	struct core_value v[2];
	struct core_rec r;
	char *big = core_xmalloc(CORE_EXEC_ENV_VALUE_MAX + 1), **env;
	char *base[] = { NULL };

	memset(big, 'x', CORE_EXEC_ENV_VALUE_MAX + 1);
	v[0] = core_v_str(big, CORE_EXEC_ENV_VALUE_MAX + 1);
	v[1] = core_v_str("s", 1);
	r = mkrec(names, v, 2);
	env = core_exec_env(&r, base);
	cr_expect_null(envget(env, "big"));
	cr_expect_null(envget(env, "STREAM_BIG"));
	cr_expect_str_eq(envget(env, "small"), "s");
	core_free_list(env);
	free(big);
}

Test(execq, json_line)
{
	const char *names[] = { "a", "s", "t", "q\"" };
	struct core_value v[4];
	struct core_buf b = CORE_BUF_INIT;
	struct core_rec r;

	v[0] = core_v_int(1);
	v[1] = core_v_str("x\ny", 3);
	v[2] = core_v_time(0);
	v[3] = core_v_null();
	r = mkrec(names, v, 4);
	core_exec_json(&b, &r);
	cr_expect_str_eq(core_buf_str(&b), "{\"a\":1,\"s\":\"x\\ny\","
	    "\"t\":\"1970-01-01T00:00:00Z\",\"q\\\"\":null}\n");
	core_buf_release(&b);
}

/* ---- the queue ------------------------------------------------------------ */

struct run {
	struct core_loop *l;
	struct core_execq *q;
	int ndone, nfailed, rooms;
	int status[64];
	int timed_out[64];
	char where[64][32];
	size_t maxrun;
};

static void
on_done(const struct core_execq_result *res, void *ctx)
{
	struct run *u = ctx;

	if (u->ndone < 64) {
		u->status[u->ndone] = res->err ? -1 : res->status;
		u->timed_out[u->ndone] = res->timed_out;
		snprintf(u->where[u->ndone], sizeof(u->where[0]), "%s",
		    res->where);
	}
	u->ndone++;
}

static void
stop_loop(struct core_loop *l, void *ctx)
{
	(void)ctx;
	core_loop_stop(l);
}

static void
setup_run(struct run *u, const char *cmd, unsigned procs, size_t queue,
    struct core_ratelim *rate, int64_t timeout)
{
	struct core_execq_opts o;
	char dir[] = "/tmp/test_execq.XXXXXX";

	memset(u, 0, sizeof(*u));
	cr_assert_not_null(mkdtemp(dir));
	cr_assert_eq(chdir(dir), 0);
	memset(&o, 0, sizeof(o));
	o.cmd = cmd;
	o.max_procs = procs;
	o.max_queue = queue;
	o.rate = rate;
	o.timeout = timeout;
	u->l = core_loop_new();
	u->q = core_execq_new(u->l, &o, on_done, u);
}

static void
drain(struct run *u)
{
	core_execq_on_drained(u->q, stop_loop, u);
	core_loop_run(u->l);
	cr_assert_eq(core_execq_running(u->q), 0);
	cr_assert_eq(core_execq_waiting(u->q), 0);
}

static void
teardown_run(struct run *u)
{
	core_execq_free(u->q);
	core_loop_free(u->l);
	(void)!system("rm -rf \"$PWD\"");
}

static enum core_execq_push
push_n(struct run *u, int64_t n)
{
	const char *names[] = { "n" };
	struct core_value v[1];
	struct core_rec r;
	char where[32];
	enum core_execq_push p;

	v[0] = core_v_int(n);
	r = mkrec(names, v, 1);
	snprintf(where, sizeof(where), "record %lld", (long long)n);
	p = core_execq_push(u->q, &r, where);
	if (core_execq_running(u->q) > u->maxrun)
		u->maxrun = core_execq_running(u->q);
	return p;
}

Test(execq, runs_each_record_with_its_json_on_stdin, .timeout = 20)
{
	struct run u;
	char path[32], buf[64];
	FILE *f;
	int i;

	setup_run(&u, "cat > out.$n", 2, 10, NULL, 0);
	for (i = 1; i <= 5; i++)
		cr_expect_neq(push_n(&u, i), CORE_EXECQ_FULL);
	drain(&u);
	cr_expect_eq(u.ndone, 5);
	cr_expect_eq(core_execq_stats(u.q)->started, 5);
	cr_expect_eq(core_execq_stats(u.q)->failed, 0);
	for (i = 1; i <= 5; i++) {
		snprintf(path, sizeof(path), "out.%d", i);
		f = fopen(path, "r");
		cr_assert_not_null(f, "%s missing", path);
		cr_expect_not_null(fgets(buf, sizeof(buf), f));
		fclose(f);
		snprintf(path, sizeof(path), "{\"n\":%d}\n", i);
		cr_expect_str_eq(buf, path);
	}
	teardown_run(&u);
}

Test(execq, concurrency_bound_and_queue, .timeout = 20)
{
	struct run u;
	int i;

	setup_run(&u, "sleep 0.1", 3, 100, NULL, 0);
	for (i = 0; i < 3; i++)
		cr_expect_eq(push_n(&u, i), CORE_EXECQ_RUN);
	for (; i < 10; i++)
		cr_expect_eq(push_n(&u, i), CORE_EXECQ_QUEUED);
	cr_expect_eq(core_execq_running(u.q), 3);
	cr_expect_eq(core_execq_waiting(u.q), 7);
	drain(&u);
	cr_expect_eq(u.maxrun, 3);
	cr_expect_eq(u.ndone, 10);
	/* Waiting records start in order: record k (k >= 3) waits for k - 2
	 * to end, so it ends no sooner than k - 2 others.  (Which of the
	 * running ones ends first is up to the scheduler.) */
	for (i = 0; i < 10; i++) {
		int k;

		cr_assert_eq(sscanf(u.where[i], "record %d", &k), 1);
		if (k >= 3)
			cr_expect_geq(i, k - 2, "record %d ended %dth", k,
			    i + 1);
	}
	teardown_run(&u);
}

static void
on_room(struct core_loop *l, void *ctx)
{
	struct run *u = ctx;

	(void)l;
	u->rooms++;
}

Test(execq, full_queue_refuses_and_tells_when_room_comes, .timeout = 20)
{
	struct core_ratelim rate;
	const char *err;
	struct run u;

	cr_assert_eq(core_ratelim_parse(&rate, "3/1h", &err), 0);
	setup_run(&u, "sleep 0.1", 1, 2, &rate, 0);
	core_execq_on_room(u.q, on_room, &u);
	cr_expect_eq(push_n(&u, 1), CORE_EXECQ_RUN);
	cr_expect_eq(push_n(&u, 2), CORE_EXECQ_QUEUED);
	cr_expect_eq(push_n(&u, 3), CORE_EXECQ_QUEUED);
	/* Full: nothing done, no token taken. */
	cr_expect_eq(push_n(&u, 4), CORE_EXECQ_FULL);
	cr_expect_eq(push_n(&u, 4), CORE_EXECQ_FULL);
	cr_expect_eq(core_execq_stats(u.q)->pushed, 3);
	cr_expect_eq(core_execq_stats(u.q)->limited, 0);
	drain(&u);
	cr_expect_eq(u.rooms, 1);
	/* The bucket is empty now: 3 of 3 taken. */
	cr_expect_eq(push_n(&u, 4), CORE_EXECQ_LIMITED);
	cr_expect_eq(core_execq_stats(u.q)->limited, 1);
	cr_expect_eq(u.ndone, 3);
	teardown_run(&u);
}

Test(execq, rate_limit_counts_what_it_does_not_run, .timeout = 20)
{
	struct core_ratelim rate;
	const char *err;
	struct run u;
	int i, run = 0, limited = 0;

	cr_assert_eq(core_ratelim_parse(&rate, "2/1h", &err), 0);
	setup_run(&u, "true", 4, 10, &rate, 0);
	for (i = 0; i < 7; i++) {
		enum core_execq_push p = push_n(&u, i);

		run += p == CORE_EXECQ_RUN;
		limited += p == CORE_EXECQ_LIMITED;
	}
	drain(&u);
	cr_expect_eq(run, 2);
	cr_expect_eq(limited, 5);
	cr_expect_eq(core_execq_stats(u.q)->limited, 5);
	cr_expect_eq(core_execq_stats(u.q)->started, 2);
	cr_expect_eq(u.ndone, 2);
	teardown_run(&u);
}

Test(execq, failures_are_counted_not_fatal, .timeout = 20)
{
	struct run u;
	int i, exit1 = 0, exit3 = 0, sig = 0, ok = 0;

	setup_run(&u, "case $n in 1) exit 1;; 3) exit 3;; 4) kill -9 $$;; "
	    "esac; exit 0", 2, 10, NULL, 0);
	for (i = 0; i < 6; i++)
		push_n(&u, i);
	drain(&u);
	cr_assert_eq(u.ndone, 6);
	for (i = 0; i < 6; i++) {
		int st = u.status[i];

		if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL)
			sig++;
		else if (WIFEXITED(st) && WEXITSTATUS(st) == 1)
			exit1++;
		else if (WIFEXITED(st) && WEXITSTATUS(st) == 3)
			exit3++;
		else if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
			ok++;
	}
	cr_expect_eq(exit1, 1);
	cr_expect_eq(exit3, 1);
	cr_expect_eq(sig, 1);
	cr_expect_eq(ok, 3);
	cr_expect_eq(core_execq_stats(u.q)->failed, 3);
	teardown_run(&u);
}

Test(execq, command_that_ignores_stdin_does_not_block, .timeout = 20)
{
	const char *names[] = { "big" };
	struct core_value v[1];
	struct core_rec r;
	struct run u;
	size_t len = 4u << 20;
	char *big = core_xmalloc(len);
	int i;

	memset(big, 'x', len);
	v[0] = core_v_str(big, len);
	r = mkrec(names, v, 1);
	setup_run(&u, "sleep 0.05", 2, 10, NULL, 0);
	for (i = 0; i < 4; i++)
		cr_expect_neq(core_execq_push(u.q, &r, "big"), CORE_EXECQ_FULL);
	drain(&u);
	cr_expect_eq(u.ndone, 4);
	cr_expect_eq(core_execq_stats(u.q)->failed, 0);
	free(big);
	teardown_run(&u);
}

Test(execq, timeout_stops_the_command_and_its_children, .timeout = 20)
{
	struct run u;

	setup_run(&u, "sleep 30; exit 0", 1, 10, NULL, S / 10);
	push_n(&u, 1);
	drain(&u);
	cr_assert_eq(u.ndone, 1);
	cr_expect(u.timed_out[0]);
	cr_expect(WIFSIGNALED(u.status[0]) && WTERMSIG(u.status[0]) ==
	    SIGTERM);
	cr_expect_eq(core_execq_stats(u.q)->failed, 1);
	teardown_run(&u);
}

Test(execq, stop_drops_the_waiting_and_signals_the_running, .timeout = 20)
{
	struct run u;
	int i;

	setup_run(&u, "sleep 30", 2, 10, NULL, 0);
	for (i = 0; i < 5; i++)
		push_n(&u, i);
	core_execq_stop(u.q, SIGTERM);
	cr_expect_eq(core_execq_waiting(u.q), 0);
	cr_expect_eq(push_n(&u, 9), CORE_EXECQ_DROPPED);
	drain(&u);
	cr_expect_eq(u.ndone, 2);
	cr_expect_eq(core_execq_stats(u.q)->dropped, 4);
	/* Stopped on purpose: not failures. */
	cr_expect_eq(core_execq_stats(u.q)->failed, 0);
	teardown_run(&u);
}

Test(execq, cannot_start_is_a_failure_with_errno, .timeout = 20)
{
	struct run u;

	/* An exec failure of the command itself: sh says 127. */
	setup_run(&u, "/nonexistent/cmd 2>/dev/null", 1, 10, NULL, 0);
	push_n(&u, 1);
	drain(&u);
	cr_assert_eq(u.ndone, 1);
	cr_expect(WIFEXITED(u.status[0]) && WEXITSTATUS(u.status[0]) == 127);
	cr_expect_eq(core_execq_stats(u.q)->failed, 1);
	teardown_run(&u);
}

static void
on_sig(struct core_loop *l, void *ctx)
{
	(void)l;
	(*(int *)ctx)++;
}

/* A child ending wakes the loop through the signal pipe, but it is not a
 * signal for the tool: SIGINT handling must not see it. */
Test(execq, child_exit_is_not_a_signal, .timeout = 20)
{
	struct run u;
	int sigs = 0;

	setup_run(&u, "true", 2, 10, NULL, 0);
	core_loop_signals(u.l, on_sig, &sigs);
	/* The signal first, the children's ends after it. */
	raise(SIGTERM);
	push_n(&u, 1);
	push_n(&u, 2);
	drain(&u);
	cr_expect_eq(u.ndone, 2);
	cr_expect_eq(sigs, 1);
	cr_expect_eq(core_loop_signal_last(u.l), SIGTERM);
	teardown_run(&u);
}
