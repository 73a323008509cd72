/* SPDX-License-Identifier: MIT */
/* Network endpoints: tcp://HOST:PORT, udp://HOST:PORT, unix:PATH. */
#ifndef CORE_SOCK_H
#define CORE_SOCK_H

#include <stddef.h>

enum core_ep_kind { CORE_EP_TCP, CORE_EP_UDP, CORE_EP_UNIX };

/*
 * An endpoint as the tools write it: tcp://127.0.0.1:9000,
 * tcp://[::1]:9000, udp://127.0.0.1:5514, unix:/run/app.sock (or
 * unix:///run/app.sock).  A port may be a number or a service name;
 * port 0 when listening takes any free port.
 */
struct core_endpoint {
	enum core_ep_kind kind;
	char *host;     /* tcp, udp: without brackets */
	char *port;
	char *path;     /* unix */
	char *text;     /* as given, for messages */
};

/* Whether s is written as an endpoint (starts with a scheme). */
int core_endpoint_is(const char *s);
/* Returns 0, or -1 with a message in err. */
int core_endpoint_parse(struct core_endpoint *ep, const char *s, char *err,
    size_t errn);
void core_endpoint_release(struct core_endpoint *ep);

/*
 * A listening socket (stream kinds) or a bound one (udp), non-blocking
 * and close-on-exec; a stale unix socket file (nothing listening) is
 * replaced.  Returns the fd, or -1 with a message in err.  The address
 * really bound (port 0: the one chosen) is written to bound as an
 * endpoint text.
 */
int core_sock_listen(const struct core_endpoint *ep, char *bound,
    size_t boundn, char *err, size_t errn);
/* A connected socket, blocking; -1 with a message in err (errno kept). */
int core_sock_connect(const struct core_endpoint *ep, char *err, size_t errn);
/* An accepted connection (non-blocking, close-on-exec), or -1 (errno:
 * EAGAIN when there is none); the peer's address text in peer. */
int core_sock_accept(int lfd, char *peer, size_t peern);

#endif
