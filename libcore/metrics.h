/* SPDX-License-Identifier: MIT */
/* A tool's --metrics: records into a Prometheus table served over HTTP. */
#ifndef CORE_METRICS_H
#define CORE_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "libcore/event.h"
#include "libcore/loop.h"
#include "libcore/report.h"
#include "libcore/sock.h"

/*
 * Glue between a tool's loop, its events and the table (prom.h) served by
 * the HTTP server (promhttp.h): the table is rendered and published when
 * the input pauses (an idle hook of the loop) and at least once a second
 * while events keep coming, so a scrape sees data at most that old.
 */
struct core_metrics_opts {
	const char *prefix;          /* NULL: "stream_" */
	char **labels;               /* NULL-terminated field names, or NULL */
	int64_t ttl;                 /* ns; 0: keep every series */
};

struct core_metrics;

/*
 * Parses HOST:PORT or tcp://HOST:PORT, the port a number from 0 to
 * 65535.  Returns 0, or -1 with a message in err.
 */
int core_metrics_endpoint(struct core_endpoint *ep, const char *arg,
    char *err, size_t errn);

/*
 * Listens on ep and starts serving (the table of o, empty so far); rep
 * (borrowed for the life of the server) gives the count of bad records.
 * Returns a new server and the URL served in url, or NULL with a message
 * in err.
 */
struct core_metrics *core_metrics_start(const struct core_endpoint *ep,
    const struct core_metrics_opts *o, struct core_loop *l,
    const struct core_report *rep, char *url, size_t urln, char *err,
    size_t errn);

/* Takes an event of the tool's input (records, watermarks). */
void core_metrics_event(struct core_metrics *m, const struct core_event *ev);

/* The end of input: watermark +inf, and the final table published. */
void core_metrics_end(struct core_metrics *m);

/* Stops serving; NULL: no-op. */
void core_metrics_free(struct core_metrics *m);

#endif
