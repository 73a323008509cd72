/* SPDX-License-Identifier: MIT */
/* An HTTP endpoint that serves a published text on /metrics (libmicrohttpd). */
#include "libcore/promhttp.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <microhttpd.h>

#include "libcore/buf.h"
#include "libcore/xalloc.h"

#define CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

struct core_promhttp {
	struct MHD_Daemon *d;
	pthread_mutex_t mu;
	struct core_buf text;      /* the last text published */
};

static enum MHD_Result
reply(struct MHD_Connection *c, unsigned status, const char *body,
    size_t len, int copy, const char *allow)
{
	struct MHD_Response *r;
	enum MHD_Result rc;

	r = MHD_create_response_from_buffer(len, (void *)(uintptr_t)body,
	    copy ? MHD_RESPMEM_MUST_COPY : MHD_RESPMEM_PERSISTENT);
	if (r == NULL)
		return MHD_NO;
	(void)MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
	    status == MHD_HTTP_OK ? CONTENT_TYPE : "text/plain; charset=utf-8");
	if (allow)
		(void)MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, allow);
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_len, void **con_cls)
{
	static const char notfound[] = "not found: the metrics are at "
	    "/metrics\n";
	static const char notallowed[] = "method not allowed: GET or HEAD\n";
	struct core_promhttp *h = cls;
	enum MHD_Result rc;

	(void)version;
	(void)upload;
	(void)upload_len;
	(void)con_cls;
	if (strcmp(url, "/metrics") != 0)
		return reply(c, MHD_HTTP_NOT_FOUND, notfound,
		    sizeof(notfound) - 1, 0, NULL);
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, notallowed,
		    sizeof(notallowed) - 1, 0, "GET, HEAD");
	/* A copy, so that the lock is held for a memcpy only. */
	pthread_mutex_lock(&h->mu);
	rc = reply(c, MHD_HTTP_OK, h->text.len ? h->text.p : "", h->text.len,
	    1, NULL);
	pthread_mutex_unlock(&h->mu);
	return rc;
}

struct core_promhttp *
core_promhttp_start(int lfd, char *err, size_t errn)
{
	struct core_promhttp *h = core_xcalloc(1, sizeof(*h));
	sigset_t block, old;
	int e;

	pthread_mutex_init(&h->mu, NULL);
	core_buf_init(&h->text);
	/* The thread inherits this mask: signals go to the tool's loop. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	h->d = MHD_start_daemon(MHD_USE_AUTO_INTERNAL_THREAD, 0, NULL, NULL,
	    on_request, h,
	    MHD_OPTION_LISTEN_SOCKET, (MHD_socket)lfd,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)64,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)10,
	    MHD_OPTION_END);
	e = errno;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (h->d == NULL) {
		snprintf(err, errn, "cannot start the HTTP server%s%s",
		    e ? ": " : "", e ? strerror(e) : "");
		close(lfd);
		pthread_mutex_destroy(&h->mu);
		free(h);
		return NULL;
	}
	return h;
}

void
core_promhttp_publish(struct core_promhttp *h, struct core_buf *b)
{
	struct core_buf old;

	pthread_mutex_lock(&h->mu);
	old = h->text;
	h->text = *b;
	*b = old;
	pthread_mutex_unlock(&h->mu);
}

void
core_promhttp_free(struct core_promhttp *h)
{
	if (h == NULL)
		return;
	MHD_stop_daemon(h->d);
	pthread_mutex_destroy(&h->mu);
	core_buf_release(&h->text);
	free(h);
}
