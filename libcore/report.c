/* SPDX-License-Identifier: MIT */
/* Bad and late input: warnings, counts, dead letters, --strict. */
#include "libcore/report.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libcore/buf.h"
#include "libcore/err.h"
#include "libcore/fmt.h"
#include "libcore/json.h"
#include "libcore/loop.h"
#include "libcore/xalloc.h"

static void
finish_hook(void *ctx)
{
	core_report_finish(ctx);
}

void
core_report_init(struct core_report *r, int strict, int quiet,
    const char *errors_path)
{
	int fd;

	memset(r, 0, sizeof(*r));
	r->strict = strict;
	r->quiet = quiet;
	if (errors_path) {
		fd = open(errors_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
		    0666);
		if (fd < 0)
			core_diesys(CORE_EXIT_IO, "cannot open '%s'",
			    errors_path);
		r->errors = core_xmalloc(sizeof(*r->errors));
		core_out_init(r->errors, fd, errors_path);
	}
	core_atexit(finish_hook, r);
}

static void
count(struct core_report *r, const char *kind, size_t klen, uint64_t n,
    int bad)
{
	int i;

	if (klen >= sizeof(r->kinds[0].kind))
		klen = sizeof(r->kinds[0].kind) - 1;
	for (i = 0; i < r->nkinds; i++) {
		if (r->kinds[i].bad == bad && strlen(r->kinds[i].kind) ==
		    klen && memcmp(r->kinds[i].kind, kind, klen) == 0) {
			r->kinds[i].n += n;
			return;
		}
	}
	if (i == CORE_REPORT_KINDS) {
		i = CORE_REPORT_KINDS - 1;    /* the last slot takes the rest */
		snprintf(r->kinds[i].kind, sizeof(r->kinds[i].kind), "other");
		r->kinds[i].n += n;
		return;
	}
	memcpy(r->kinds[i].kind, kind, klen);
	r->kinds[i].kind[klen] = '\0';
	r->kinds[i].n = n;
	r->kinds[i].bad = bad;
	r->nkinds++;
}

/* The kind of a reason: up to its first ':', " at " or " (" outside
 * quotes ("bad JSON at column 5: ..." is "bad JSON"). */
static size_t
kind_len(const char *reason)
{
	size_t i;
	int q = 0;

	for (i = 0; reason[i]; i++) {
		if (reason[i] == '\'')
			q = !q;
		if (q)
			continue;
		if (reason[i] == ':' || strncmp(reason + i, " at ", 4) == 0 ||
		    strncmp(reason + i, " (", 2) == 0)
			return i;
	}
	return i;
}

static void
place(char *buf, size_t n, const char *src, const struct core_event *ev)
{
	if (ev->line)
		snprintf(buf, n, "%s:%llu", src, (unsigned long long)ev->line);
	else
		snprintf(buf, n, "%s: byte %llu", src,
		    (unsigned long long)ev->off);
}

static const char b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void
dead_letter(struct core_report *r, const char *src,
    const struct core_event *ev)
{
	struct core_buf b = CORE_BUF_INIT;
	const unsigned char *p = (const unsigned char *)ev->raw;
	size_t i;

	core_buf_addstr(&b, "{\"source\":");
	core_buf_grow(&b, core_json_string_max(strlen(src)));
	b.len = (size_t)(core_json_put_string(b.p + b.len, src, strlen(src)) -
	    b.p);
	if (ev->line)
		core_buf_addf(&b, ",\"line\":%llu",
		    (unsigned long long)ev->line);
	core_buf_addf(&b, ",\"offset\":%llu,\"reason\":",
	    (unsigned long long)ev->off);
	core_buf_grow(&b, core_json_string_max(strlen(ev->reason)));
	b.len = (size_t)(core_json_put_string(b.p + b.len, ev->reason,
	    strlen(ev->reason)) - b.p);
	if (ev->raw && core_utf8_valid(ev->raw, ev->rawlen)) {
		core_buf_addstr(&b, ",\"raw\":");
		core_buf_grow(&b, core_json_string_max(ev->rawlen));
		b.len = (size_t)(core_json_put_string(b.p + b.len, ev->raw,
		    ev->rawlen) - b.p);
	} else if (ev->raw) {
		/* Not UTF-8: JSON cannot hold the bytes, base64 can. */
		core_buf_addstr(&b, ",\"raw_base64\":\"");
		for (i = 0; i + 2 < ev->rawlen; i += 3) {
			uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1]
			    << 8 | p[i + 2];

			core_buf_addc(&b, b64[v >> 18]);
			core_buf_addc(&b, b64[(v >> 12) & 63]);
			core_buf_addc(&b, b64[(v >> 6) & 63]);
			core_buf_addc(&b, b64[v & 63]);
		}
		if (ev->rawlen - i == 1) {
			core_buf_addc(&b, b64[p[i] >> 2]);
			core_buf_addc(&b, b64[(p[i] & 3) << 4]);
			core_buf_addstr(&b, "==");
		} else if (ev->rawlen - i == 2) {
			core_buf_addc(&b, b64[p[i] >> 2]);
			core_buf_addc(&b, b64[(p[i] & 3) << 4 | p[i + 1] >> 4]);
			core_buf_addc(&b, b64[(p[i + 1] & 15) << 2]);
			core_buf_addc(&b, '=');
		}
		core_buf_addc(&b, '"');
	}
	core_buf_addstr(&b, "}\n");
	core_out_write(r->errors, b.p, b.len);
	core_buf_release(&b);
}

/* Whether a warning may be printed now (the first CORE_REPORT_BURST, then
 * at most one a second); counts it, or counts it as suppressed. */
static int
may_warn(struct core_report *r)
{
	int64_t now;

	if (r->warned >= CORE_REPORT_BURST) {
		now = core_now_mono();
		if (now - r->last_warn < 1000000000) {
			r->suppressed++;
			return 0;
		}
		r->last_warn = now;
	}
	r->warned++;
	return 1;
}

void
core_report_bad(struct core_report *r, const char *src,
    const struct core_event *ev)
{
	char where[512];

	place(where, sizeof(where), src, ev);
	r->bad++;
	if (r->bad == 1)
		snprintf(r->first, sizeof(r->first), "%s", where);
	count(r, ev->reason, kind_len(ev->reason), 1, 1);
	if (r->errors)
		dead_letter(r, src, ev);
	if (r->strict || ev->fatal) {
		core_warnx("%s: %s", where, ev->reason);
		r->bad--;    /* reported just now; no summary for it */
		r->nkinds = 0;
		core_exit(CORE_EXIT_DATA);
	}
	if (r->quiet) {
		r->suppressed++;
		return;
	}
	if (!may_warn(r))
		return;
	core_warnx("%s: %s%s", where, ev->reason,
	    r->warned == CORE_REPORT_BURST ? " (further warnings at most one "
	    "a second)" : "");
}

void
core_report_count(struct core_report *r, const char *kind, uint64_t n)
{
	if (n)
		count(r, kind, strlen(kind), n, 0);
}

void
core_report_finish(struct core_report *r)
{
	struct core_buf b = CORE_BUF_INIT, d = CORE_BUF_INIT;
	uint64_t dropped = 0;
	int i, nb = 0, nd = 0;

	/* Two lines: malformed input skipped, and records dropped on
	 * purpose (late, duplicates, outside every window). */
	for (i = 0; i < r->nkinds; i++) {
		if (r->kinds[i].bad)
			core_buf_addf(&b, "%s%llu %s", nb++ ? ", " : "",
			    (unsigned long long)r->kinds[i].n, r->kinds[i].kind);
		else {
			core_buf_addf(&d, "%s%llu %s", nd++ ? ", " : "",
			    (unsigned long long)r->kinds[i].n, r->kinds[i].kind);
			dropped += r->kinds[i].n;
		}
	}
	if (r->bad && nb)
		core_warnx("%llu bad record%s skipped (%s); the first at %s%s",
		    (unsigned long long)r->bad, r->bad == 1 ? "" : "s",
		    core_buf_str(&b), r->first, r->errors ? "" :
		    "; keep them with --errors FILE");
	if (dropped)
		core_warnx("%llu record%s dropped (%s)",
		    (unsigned long long)dropped, dropped == 1 ? "" : "s",
		    core_buf_str(&d));
	r->nkinds = 0;
	r->bad = 0;
	core_buf_release(&d);
	core_buf_release(&b);
	if (r->errors) {
		core_out_release(r->errors);
		close(r->errors->fd);
		free(r->errors);
		r->errors = NULL;
	}
}

void
core_report_warnx(struct core_report *r, const char *fmt, ...)
{
	char msg[3072];
	va_list ap;

	if (r->quiet || !may_warn(r))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	core_warnx("%s%s", msg, r->warned == CORE_REPORT_BURST ? " (further "
	    "warnings at most one a second)" : "");
}
