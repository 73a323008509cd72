/* SPDX-License-Identifier: MIT */
/* An HTTP endpoint that serves a published text on /metrics (libmicrohttpd). */
#ifndef CORE_PROMHTTP_H
#define CORE_PROMHTTP_H

#include <stddef.h>

struct core_buf;

/*
 * The server runs in libmicrohttpd's own thread and answers from the
 * last text published, which it keeps under a mutex: a scrape never waits
 * for the stream, and the stream never waits for a scrape (a slow or
 * blocked output does not make Prometheus time out).  The caller renders
 * a new text when its data changed and publishes it; only the swap of two
 * buffers happens under the lock.
 *
 * GET and HEAD of /metrics: 200, Content-Type "text/plain; version=0.0.4;
 * charset=utf-8".  Other paths: 404.  Other methods: 405 with Allow.
 */
struct core_promhttp;

/*
 * Serves on lfd, a listening TCP socket, which it takes ownership of
 * (closed on error too).  Returns a new server, or NULL with a message in
 * err.  Signals are blocked in its thread: the caller's loop gets them.
 */
struct core_promhttp *core_promhttp_start(int lfd, char *err, size_t errn);

/*
 * Publishes the text in b: the server takes b's bytes and hands back the
 * buffer it held before, in b (empty the first time), for the caller to
 * reset and reuse.
 */
void core_promhttp_publish(struct core_promhttp *h, struct core_buf *b);

/* Stops the server (waits for its thread), closes the socket; NULL: no-op. */
void core_promhttp_free(struct core_promhttp *h);

#endif
