/* SPDX-License-Identifier: MIT */
/* Tests for endpoints: parsing, and real sockets on loopback. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "libcore/sock.h"

static void
parses(const char *s, enum core_ep_kind kind, const char *host,
    const char *port, const char *path)
{
	struct core_endpoint ep;
	char err[256] = "";

	cr_assert_eq(core_endpoint_parse(&ep, s, err, sizeof(err)), 0,
	    "%s: %s", s, err);
	cr_expect_eq(ep.kind, kind, "%s", s);
	if (host)
		cr_expect_str_eq(ep.host, host, "%s", s);
	if (port)
		cr_expect_str_eq(ep.port, port, "%s", s);
	if (path)
		cr_expect_str_eq(ep.path, path, "%s", s);
	cr_expect_str_eq(ep.text, s);
	core_endpoint_release(&ep);
}

static void
refuses(const char *s, const char *msg)
{
	struct core_endpoint ep;
	char err[256] = "";

	cr_assert_eq(core_endpoint_parse(&ep, s, err, sizeof(err)), -1, "%s",
	    s);
	cr_expect_str_eq(err, msg);
}

Test(sock, endpoints_parse)
{
	parses("tcp://127.0.0.1:9000", CORE_EP_TCP, "127.0.0.1", "9000", NULL);
	parses("tcp://[::1]:9000", CORE_EP_TCP, "::1", "9000", NULL);
	parses("tcp://localhost:http", CORE_EP_TCP, "localhost", "http", NULL);
	parses("udp://127.0.0.1:0", CORE_EP_UDP, "127.0.0.1", "0", NULL);
	parses("unix:/run/a.sock", CORE_EP_UNIX, NULL, NULL, "/run/a.sock");
	parses("unix:///run/a.sock", CORE_EP_UNIX, NULL, NULL, "/run/a.sock");
	parses("unix:rel.sock", CORE_EP_UNIX, NULL, NULL, "rel.sock");
	cr_expect(core_endpoint_is("tcp://x:1"));
	cr_expect(core_endpoint_is("unix:x"));
	cr_expect(!core_endpoint_is("file.ndjson"));
	cr_expect(!core_endpoint_is("http://x:1"));
}

Test(sock, bad_endpoints_say_why)
{
	char longpath[200];

	refuses("tcp://127.0.0.1", "'tcp://127.0.0.1': expected HOST:PORT");
	refuses("tcp://:9000", "'tcp://:9000': expected HOST:PORT (e.g. "
	    "tcp://127.0.0.1:9000)");
	refuses("tcp://h:", "'tcp://h:': expected HOST:PORT (e.g. "
	    "tcp://127.0.0.1:9000)");
	refuses("tcp://[::1]9000", "'tcp://[::1]9000': expected "
	    "[ADDRESS]:PORT");
	refuses("unix:", "'unix:': no path after unix:");
	refuses("http://h:1", "'http://h:1' is not an endpoint "
	    "(tcp://HOST:PORT, udp://HOST:PORT or unix:PATH)");
	memset(longpath, 'a', sizeof(longpath));
	memcpy(longpath, "unix:", 5);
	longpath[sizeof(longpath) - 1] = '\0';
	{
		struct core_endpoint ep;
		char err[256];

		cr_expect_eq(core_endpoint_parse(&ep, longpath, err,
		    sizeof(err)), -1);
		cr_expect_not_null(strstr(err, "longer than a unix socket "
		    "allows"), "%s", err);
	}
}

/* Listens on a free port, connects, accepts, and passes bytes. */
static void
round_trip(const char *spec, const char *bound_prefix)
{
	struct core_endpoint ep, to;
	char err[256], bound[200], peer[160], buf[8];
	int lfd, cfd, afd = -1, i;

	cr_assert_eq(core_endpoint_parse(&ep, spec, err, sizeof(err)), 0);
	lfd = core_sock_listen(&ep, bound, sizeof(bound), err, sizeof(err));
	cr_assert_geq(lfd, 0, "%s", err);
	cr_expect_eq(strncmp(bound, bound_prefix, strlen(bound_prefix)), 0,
	    "%s", bound);
	cr_assert_eq(core_endpoint_parse(&to, bound, err, sizeof(err)), 0,
	    "%s", err);
	cr_expect_str_neq(to.kind == CORE_EP_UNIX ? to.path : to.port, "0");
	cfd = core_sock_connect(&to, err, sizeof(err));
	cr_assert_geq(cfd, 0, "%s", err);
	for (i = 0; i < 200 && afd < 0; i++) {
		afd = core_sock_accept(lfd, peer, sizeof(peer));
		if (afd < 0) {
			cr_assert_eq(errno, EAGAIN);
			usleep(5000);
		}
	}
	cr_assert_geq(afd, 0);
	cr_assert_eq(write(cfd, "hi", 2), 2);
	for (i = 0; i < 200; i++) {
		ssize_t n = read(afd, buf, sizeof(buf));

		if (n == 2)
			break;
		usleep(5000);
	}
	cr_expect_eq(memcmp(buf, "hi", 2), 0);
	/* No more connections: the listener says EAGAIN, not blocks. */
	cr_expect_eq(core_sock_accept(lfd, peer, sizeof(peer)), -1);
	cr_expect_eq(errno, EAGAIN);
	close(afd);
	close(cfd);
	close(lfd);
	core_endpoint_release(&ep);
	core_endpoint_release(&to);
}

Test(sock, tcp_listen_on_port_0_connect_accept)
{
	round_trip("tcp://127.0.0.1:0", "tcp://127.0.0.1:");
}

Test(sock, unix_listen_connect_accept_and_stale_files)
{
	char path[64], spec[80];
	struct sockaddr_un un;
	int fd;

	snprintf(path, sizeof(path), "/tmp/test-sock-%d.sock", (int)getpid());
	unlink(path);
	/* A stale socket file: bound once, nothing listening now. */
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	memset(&un, 0, sizeof(un));
	un.sun_family = AF_UNIX;
	strcpy(un.sun_path, path);
	cr_assert_eq(bind(fd, (struct sockaddr *)&un, sizeof(un)), 0);
	close(fd);
	snprintf(spec, sizeof(spec), "unix:%s", path);
	round_trip(spec, "unix:/tmp/test-sock-");
	unlink(path);
}

Test(sock, a_live_unix_socket_is_not_taken_over)
{
	struct core_endpoint ep;
	char path[64], spec[80], err[256], bound[200];
	int a, b;

	snprintf(path, sizeof(path), "/tmp/test-sock-live-%d.sock",
	    (int)getpid());
	unlink(path);
	snprintf(spec, sizeof(spec), "unix:%s", path);
	cr_assert_eq(core_endpoint_parse(&ep, spec, err, sizeof(err)), 0);
	a = core_sock_listen(&ep, bound, sizeof(bound), err, sizeof(err));
	cr_assert_geq(a, 0, "%s", err);
	b = core_sock_listen(&ep, bound, sizeof(bound), err, sizeof(err));
	cr_expect_eq(b, -1);
	cr_expect_not_null(strstr(err, "Address already in use"), "%s", err);
	close(a);
	unlink(path);
	core_endpoint_release(&ep);
}

Test(sock, connecting_to_nothing_says_so)
{
	struct core_endpoint ep;
	char err[256];

	cr_assert_eq(core_endpoint_parse(&ep, "unix:/nonexistent/x.sock", err,
	    sizeof(err)), 0);
	cr_expect_eq(core_sock_connect(&ep, err, sizeof(err)), -1);
	cr_expect_str_eq(err, "cannot connect to unix:/nonexistent/x.sock: "
	    "No such file or directory");
	core_endpoint_release(&ep);
}
