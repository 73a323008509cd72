/* SPDX-License-Identifier: MIT */
/* Network endpoints: tcp://HOST:PORT, udp://HOST:PORT, unix:PATH. */
#include "libcore/sock.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "libcore/xalloc.h"

int
core_endpoint_is(const char *s)
{
	return strncmp(s, "tcp://", 6) == 0 || strncmp(s, "udp://", 6) == 0 ||
	    strncmp(s, "unix:", 5) == 0;
}

int
core_endpoint_parse(struct core_endpoint *ep, const char *s, char *err,
    size_t errn)
{
	const char *hp, *colon;

	memset(ep, 0, sizeof(*ep));
	if (strncmp(s, "unix:", 5) == 0) {
		const char *p = s + 5;

		if (strncmp(p, "//", 2) == 0)
			p += 2;
		if (*p == '\0') {
			snprintf(err, errn, "'%s': no path after unix:", s);
			return -1;
		}
		if (strlen(p) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
			snprintf(err, errn, "'%s': the path is longer than a "
			    "unix socket allows (%zu bytes)", s,
			    sizeof(((struct sockaddr_un *)0)->sun_path) - 1);
			return -1;
		}
		ep->kind = CORE_EP_UNIX;
		ep->path = core_xstrdup(p);
		ep->text = core_xstrdup(s);
		return 0;
	}
	if (strncmp(s, "tcp://", 6) == 0)
		ep->kind = CORE_EP_TCP;
	else if (strncmp(s, "udp://", 6) == 0)
		ep->kind = CORE_EP_UDP;
	else {
		snprintf(err, errn, "'%s' is not an endpoint (tcp://HOST:PORT, "
		    "udp://HOST:PORT or unix:PATH)", s);
		return -1;
	}
	hp = s + 6;
	if (*hp == '[') {
		const char *rb = strchr(hp, ']');

		if (rb == NULL || rb[1] != ':') {
			snprintf(err, errn, "'%s': expected [ADDRESS]:PORT", s);
			return -1;
		}
		ep->host = core_xmemdup(hp + 1, (size_t)(rb - hp - 1));
		colon = rb + 1;
	} else {
		colon = strrchr(hp, ':');
		if (colon == NULL) {
			snprintf(err, errn, "'%s': expected HOST:PORT", s);
			return -1;
		}
		ep->host = core_xmemdup(hp, (size_t)(colon - hp));
	}
	if (ep->host[0] == '\0' || colon[1] == '\0' || strchr(colon + 1, '/')) {
		snprintf(err, errn, "'%s': expected HOST:PORT (e.g. "
		    "tcp://127.0.0.1:9000)", s);
		free(ep->host);
		ep->host = NULL;
		return -1;
	}
	ep->port = core_xstrdup(colon + 1);
	ep->text = core_xstrdup(s);
	return 0;
}

void
core_endpoint_release(struct core_endpoint *ep)
{
	free(ep->host);
	free(ep->port);
	free(ep->path);
	free(ep->text);
	memset(ep, 0, sizeof(*ep));
}

static void
set_flags(int fd, int nonblock)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl >= 0)
		(void)fcntl(fd, F_SETFL, nonblock ? fl | O_NONBLOCK :
		    fl & ~O_NONBLOCK);
	(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
}

static void
addr_text(const struct sockaddr *sa, socklen_t len, int kind, char *out,
    size_t n)
{
	char host[NI_MAXHOST], serv[NI_MAXSERV];

	if (sa->sa_family == AF_UNIX) {
		const struct sockaddr_un *un = (const void *)sa;

		snprintf(out, n, "unix:%s", len > sizeof(sa_family_t) &&
		    un->sun_path[0] ? un->sun_path : "(unnamed)");
		return;
	}
	if (getnameinfo(sa, len, host, sizeof(host), serv, sizeof(serv),
	    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
		snprintf(out, n, "(unknown)");
		return;
	}
	snprintf(out, n, sa->sa_family == AF_INET6 ? "%s://[%s]:%s" :
	    "%s://%s:%s", kind == CORE_EP_UDP ? "udp" : "tcp", host, serv);
}

static int
unix_addr(const struct core_endpoint *ep, struct sockaddr_un *un)
{
	memset(un, 0, sizeof(*un));
	un->sun_family = AF_UNIX;
	memcpy(un->sun_path, ep->path, strlen(ep->path) + 1);
	return 0;
}

/* A unix socket file nothing listens on any more. */
static void
remove_stale(const struct core_endpoint *ep)
{
	struct sockaddr_un un;
	struct stat st;
	int fd;

	if (lstat(ep->path, &st) < 0 || !S_ISSOCK(st.st_mode))
		return;
	unix_addr(ep, &un);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	if (connect(fd, (struct sockaddr *)&un, sizeof(un)) < 0 &&
	    errno == ECONNREFUSED)
		unlink(ep->path);
	close(fd);
}

/* Binds and listens (listening), or connects, fd to addr. */
static int
attach(int fd, const struct sockaddr *addr, socklen_t len, int listening,
    int stream)
{
	int one = 1;

	if (!listening)
		return connect(fd, addr, len);
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, addr, len) < 0)
		return -1;
	return stream ? listen(fd, 128) : 0;
}

/* A socket for ep, listening or connected; -1 with a message in err. */
static int
sock_open(const struct core_endpoint *ep, int listening, char *err,
    size_t errn)
{
	const char *what = listening ? "listen on" : "connect to";
	int stream = ep->kind != CORE_EP_UDP;
	struct addrinfo hints, *res, *ai;
	int fd = -1, rc, e = 0;

	if (ep->kind == CORE_EP_UNIX) {
		struct sockaddr_un un;

		if (listening)
			remove_stale(ep);
		unix_addr(ep, &un);
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd >= 0 && attach(fd, (struct sockaddr *)&un, sizeof(un),
		    listening, 1) == 0)
			return fd;
		e = errno;
		if (fd >= 0)
			close(fd);
	} else {
		memset(&hints, 0, sizeof(hints));
		hints.ai_family = AF_UNSPEC;
		hints.ai_socktype = stream ? SOCK_STREAM : SOCK_DGRAM;
		hints.ai_flags = listening ? AI_PASSIVE : 0;
		rc = getaddrinfo(ep->host, ep->port, &hints, &res);
		if (rc != 0) {
			snprintf(err, errn, "cannot %s %s: %s", what, ep->text,
			    gai_strerror(rc));
			errno = EINVAL;
			return -1;
		}
		for (ai = res; ai; ai = ai->ai_next) {
			fd = socket(ai->ai_family, ai->ai_socktype |
			    SOCK_CLOEXEC, ai->ai_protocol);
			if (fd >= 0 && attach(fd, ai->ai_addr, ai->ai_addrlen,
			    listening, stream) == 0)
				break;
			e = errno;
			if (fd >= 0)
				close(fd);
			fd = -1;
		}
		freeaddrinfo(res);
		if (fd >= 0)
			return fd;
	}
	snprintf(err, errn, "cannot %s %s: %s", what, ep->text, strerror(e));
	errno = e;
	return -1;
}

int
core_sock_listen(const struct core_endpoint *ep, char *bound, size_t boundn,
    char *err, size_t errn)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int fd = sock_open(ep, 1, err, errn);

	if (fd < 0)
		return -1;
	set_flags(fd, 1);
	if (ep->kind == CORE_EP_UNIX)
		snprintf(bound, boundn, "unix:%s", ep->path);
	else if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
		addr_text((struct sockaddr *)&ss, sl, ep->kind, bound, boundn);
	else
		snprintf(bound, boundn, "%s", ep->text);
	return fd;
}

int
core_sock_connect(const struct core_endpoint *ep, char *err, size_t errn)
{
	int fd = sock_open(ep, 0, err, errn), one = 1;

	if (fd >= 0 && ep->kind == CORE_EP_TCP)
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
		    sizeof(one));
	return fd;
}

int
core_sock_accept(int lfd, char *peer, size_t peern)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int fd, one = 1;

	do
		fd = accept4(lfd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK |
		    SOCK_CLOEXEC);
	while (fd < 0 && errno == EINTR);
	if (fd < 0)
		return -1;
	if (ss.ss_family != AF_UNIX)
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
		    sizeof(one));
	addr_text((struct sockaddr *)&ss, sl, CORE_EP_TCP, peer, peern);
	return fd;
}
