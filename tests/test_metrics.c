/* SPDX-License-Identifier: MIT */
/* Tests for --metrics: its endpoints, and the HTTP server on loopback. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "libcore/buf.h"
#include "libcore/metrics.h"
#include "libcore/promhttp.h"

static void
parses(const char *arg, const char *host, const char *port)
{
	struct core_endpoint ep;
	char err[256] = "";

	cr_assert_eq(core_metrics_endpoint(&ep, arg, err, sizeof(err)), 0,
	    "%s: %s", arg, err);
	cr_expect_eq(ep.kind, CORE_EP_TCP);
	cr_expect_str_eq(ep.host, host, "%s", arg);
	cr_expect_str_eq(ep.port, port, "%s", arg);
	core_endpoint_release(&ep);
}

static void
refuses(const char *arg, const char *msg)
{
	struct core_endpoint ep;
	char err[256] = "";

	cr_assert_eq(core_metrics_endpoint(&ep, arg, err, sizeof(err)), -1,
	    "%s", arg);
	cr_expect_str_eq(err, msg);
}

Test(metrics, endpoints)
{
	parses("127.0.0.1:9464", "127.0.0.1", "9464");
	parses("tcp://127.0.0.1:0", "127.0.0.1", "0");
	parses("[::1]:9464", "::1", "9464");
	parses("localhost:65535", "localhost", "65535");
	refuses("localhost", "'localhost': expected HOST:PORT (e.g. "
	    "127.0.0.1:9464)");
	refuses(":9464", "':9464': expected HOST:PORT (e.g. 127.0.0.1:9464)");
	refuses("unix:/run/m.sock", "'unix:/run/m.sock': give HOST:PORT or "
	    "tcp://HOST:PORT (HTTP is served over TCP)");
	refuses("http://h:1", "'http://h:1': give HOST:PORT or "
	    "tcp://HOST:PORT (HTTP is served over TCP)");
	refuses("h:65536", "'h:65536': the port must be a number from 0 to "
	    "65535");
	refuses("h:http", "'h:http': the port must be a number from 0 to "
	    "65535");
	refuses("h:-1", "'h:-1': the port must be a number from 0 to 65535");
}

/* Sends req to the server at ep and returns what it answered (new). */
static char *
ask(const struct core_endpoint *ep, const char *req)
{
	struct timeval tv = { 5, 0 };
	struct core_buf b = CORE_BUF_INIT;
	char err[256], chunk[4096];
	ssize_t n;
	int fd = core_sock_connect(ep, err, sizeof(err));

	cr_assert_geq(fd, 0, "%s", err);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	cr_assert_eq(write(fd, req, strlen(req)), (ssize_t)strlen(req));
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		core_buf_add(&b, chunk, (size_t)n);
	close(fd);
	core_buf_addstr(&b, "");
	return core_buf_detach(&b, NULL);
}

Test(metrics, server_answers_from_the_last_text_published)
{
	struct core_endpoint ep;
	struct core_promhttp *h;
	struct core_buf b = CORE_BUF_INIT;
	char err[256], bound[200], *got;
	int lfd;

	cr_assert_eq(core_metrics_endpoint(&ep, "127.0.0.1:0", err,
	    sizeof(err)), 0);
	lfd = core_sock_listen(&ep, bound, sizeof(bound), err, sizeof(err));
	cr_assert_geq(lfd, 0, "%s", err);
	core_endpoint_release(&ep);
	cr_assert_eq(core_endpoint_parse(&ep, bound, err, sizeof(err)), 0);
	h = core_promhttp_start(lfd, err, sizeof(err));
	cr_assert_not_null(h, "%s", err);

	got = ask(&ep, "GET /metrics HTTP/1.0\r\n\r\n");
	cr_expect(strncmp(got, "HTTP/1.0 200 OK\r\n", 17) == 0 ||
	    strncmp(got, "HTTP/1.1 200 OK\r\n", 17) == 0, "%s", got);
	cr_expect(strstr(got, "\r\nContent-Length: 0\r\n"), "%s", got);
	free(got);

	core_buf_addstr(&b, "a 1\n");
	core_promhttp_publish(h, &b);
	cr_expect_eq(b.len, 0, "the old (empty) text comes back");
	got = ask(&ep, "GET /metrics HTTP/1.0\r\n\r\n");
	cr_expect(strstr(got, "\r\nContent-Type: text/plain; version=0.0.4; "
	    "charset=utf-8\r\n"), "%s", got);
	cr_expect(strstr(got, "\r\n\r\na 1\n"), "%s", got);
	free(got);

	core_buf_reset(&b);
	core_buf_addstr(&b, "b 2\n");
	core_promhttp_publish(h, &b);
	cr_expect_str_eq(core_buf_str(&b), "a 1\n");
	got = ask(&ep, "HEAD /metrics HTTP/1.0\r\n\r\n");
	cr_expect(strstr(got, "\r\nContent-Length: 4\r\n"), "%s", got);
	cr_expect(strstr(got, "b 2") == NULL, "HEAD has no body: %s", got);
	free(got);

	got = ask(&ep, "GET / HTTP/1.0\r\n\r\n");
	cr_expect(strncmp(got + 9, "404", 3) == 0, "%s", got);
	free(got);
	got = ask(&ep, "DELETE /metrics HTTP/1.0\r\n\r\n");
	cr_expect(strncmp(got + 9, "405", 3) == 0, "%s", got);
	cr_expect(strstr(got, "\r\nAllow: GET, HEAD\r\n"), "%s", got);
	free(got);

	core_promhttp_free(h);
	core_buf_release(&b);
	core_endpoint_release(&ep);
}
