/* SPDX-License-Identifier: MIT */
/* A tool's --metrics: records into a Prometheus table served over HTTP. */
#include "libcore/metrics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcore/buf.h"
#include "libcore/prom.h"
#include "libcore/promhttp.h"
#include "libcore/xalloc.h"

#define PUBLISH_EVERY 1000000000LL    /* ns, while events keep coming */

struct core_metrics {
	struct core_prom *prom;
	struct core_promhttp *http;
	const struct core_report *rep;
	struct core_buf text;
	int dirty;
	int64_t built;                /* monotonic ns of the last publish */
};

int
core_metrics_endpoint(struct core_endpoint *ep, const char *arg, char *err,
    size_t errn)
{
	int scheme = strncmp(arg, "tcp://", 6) == 0;
	size_t len = strlen(arg) + 8;
	char msg[256], *text;
	const char *port;
	int rc;

	if (!scheme && (strstr(arg, "://") || strncmp(arg, "unix:", 5) == 0)) {
		snprintf(err, errn, "'%s': give HOST:PORT or tcp://HOST:PORT "
		    "(HTTP is served over TCP)", arg);
		return -1;
	}
	text = core_xmalloc(len);
	snprintf(text, len, "%s%s", scheme ? "" : "tcp://", arg);
	rc = core_endpoint_parse(ep, text, msg, sizeof(msg));
	free(text);
	if (rc < 0) {
		snprintf(err, errn, "'%s': expected HOST:PORT (e.g. "
		    "127.0.0.1:9464)", arg);
		return -1;
	}
	port = ep->port;
	if (port[strspn(port, "0123456789")] != '\0' || strlen(port) > 5 ||
	    atoi(port) > 65535) {
		snprintf(err, errn, "'%s': the port must be a number from 0 "
		    "to 65535", arg);
		core_endpoint_release(ep);
		return -1;
	}
	return 0;
}

static void
publish(struct core_metrics *m)
{
	core_prom_set_bad(m->prom, m->rep ? m->rep->bad : 0);
	core_buf_reset(&m->text);
	core_prom_render(m->prom, &m->text);
	core_promhttp_publish(m->http, &m->text);
	m->dirty = 0;
	m->built = core_now_mono();
}

static void
on_idle(struct core_loop *l, void *ctx)
{
	struct core_metrics *m = ctx;

	(void)l;
	if (m->dirty)
		publish(m);
}

struct core_metrics *
core_metrics_start(const struct core_endpoint *ep,
    const struct core_metrics_opts *o, struct core_loop *l,
    const struct core_report *rep, char *url, size_t urln, char *err,
    size_t errn)
{
	struct core_metrics *m;
	char bound[200];
	char **lp;
	int lfd;

	lfd = core_sock_listen(ep, bound, sizeof(bound), err, errn);
	if (lfd < 0)
		return NULL;
	m = core_xcalloc(1, sizeof(*m));
	m->http = core_promhttp_start(lfd, err, errn);
	if (m->http == NULL) {
		free(m);
		return NULL;
	}
	m->prom = core_prom_new(o->prefix ? o->prefix : "stream_", o->ttl);
	core_prom_ignore(m->prom, "window_start");
	core_prom_ignore(m->prom, "window_end");
	for (lp = o->labels; lp && *lp; lp++)
		core_prom_label(m->prom, *lp);
	m->rep = rep;
	core_buf_init(&m->text);
	publish(m);
	core_loop_idle(l, on_idle, m);
	snprintf(url, urln, "http://%s/metrics", strncmp(bound, "tcp://", 6) ==
	    0 ? bound + 6 : bound);
	return m;
}

void
core_metrics_event(struct core_metrics *m, const struct core_event *ev)
{
	switch (ev->kind) {
	case CORE_EV_REC:
		core_prom_rec(m->prom, &ev->rec);
		break;
	case CORE_EV_WM:
		core_prom_wm(m->prom, ev->wm);
		break;
	case CORE_EV_BAD:
		m->dirty = 1;    /* counted by the tool after this */
		return;
	default:
		return;
	}
	m->dirty = 1;
	if (core_now_mono() - m->built >= PUBLISH_EVERY)
		publish(m);
}

void
core_metrics_end(struct core_metrics *m)
{
	/* The end of input is watermark +inf (text inputs carry none). */
	core_prom_wm(m->prom, CORE_WM_MAX);
	publish(m);
}

void
core_metrics_free(struct core_metrics *m)
{
	if (m == NULL)
		return;
	core_promhttp_free(m->http);
	core_prom_free(m->prom);
	core_buf_release(&m->text);
	free(m);
}
