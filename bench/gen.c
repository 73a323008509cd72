/* SPDX-License-Identifier: MIT */
/* gen: a seeded, reproducible web-log data set in NDJSON, CSV and nginx
 * combined format (the same events in all three), for the benchmarks. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * Only integer arithmetic decides what is generated (no libm, no locale,
 * no rand()), so one seed gives the same bytes on every machine.
 *
 * The events: a clock starts at 2024-03-01T00:00:00Z and advances by a
 * uniform 0..3999 us per event (500 events/s on average, 2M events are
 * about 67 minutes).  An event's time is that clock minus a delay: 0-9 ms
 * mostly, up to 199 ms for 9% and up to 999 ms for 1% of the events, so
 * the files are in arrival order and event times are out of order by less
 * than one second (--max-delay 1s never drops a record).
 */

#define START_MS 1709251200000LL    /* 2024-03-01T00:00:00Z */
#define NPATHS 300
#define NHOSTS 20

/* ---- xoshiro256** seeded by splitmix64 --------------------------------- */

static uint64_t rs[4];

static uint64_t
splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t
rnd(void)
{
	uint64_t r = rotl(rs[1] * 5, 7) * 9, t = rs[1] << 17;

	rs[2] ^= rs[0];
	rs[3] ^= rs[1];
	rs[1] ^= rs[2];
	rs[0] ^= rs[3];
	rs[2] ^= t;
	rs[3] = rotl(rs[3], 45);
	return r;
}

/* Uniform in [0, n). */
static uint64_t
below(uint64_t n)
{
	__extension__ typedef unsigned __int128 u128;

	return (uint64_t)(((u128)rnd() * n) >> 64);
}

/* Uniform in [lo, hi]. */
static int64_t
range(int64_t lo, int64_t hi)
{
	return lo + (int64_t)below((uint64_t)(hi - lo + 1));
}

/* ---- weighted choice ---------------------------------------------------- */

struct wtab {
	size_t n;
	uint64_t *cum;    /* cumulative weights */
};

static void
wtab_init(struct wtab *t, const uint64_t *w, size_t n)
{
	uint64_t sum = 0;
	size_t i;

	t->n = n;
	t->cum = malloc(n * sizeof(*t->cum));
	if (t->cum == NULL) {
		perror("gen");
		exit(1);
	}
	for (i = 0; i < n; i++)
		t->cum[i] = sum += w[i];
}

static size_t
pick(const struct wtab *t)
{
	uint64_t x = below(t->cum[t->n - 1]);
	size_t lo = 0, hi = t->n - 1;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (x < t->cum[mid])
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* ---- the vocabulary ----------------------------------------------------- */

enum kind { K_PAGE, K_STATIC, K_IMG, K_API };

struct path {
	char name[48];
	enum kind kind;
	int64_t size;     /* typical response size */
};

static struct path paths[NPATHS];

static const struct { const char *name; enum kind kind; int64_t size; }
popular[] = {
	{ "/", K_PAGE, 18432 },
	{ "/api/v1/health", K_API, 17 },
	{ "/static/js/app.js", K_STATIC, 241337 },
	{ "/static/css/main.css", K_STATIC, 48211 },
	{ "/api/v1/session", K_API, 412 },
	{ "/favicon.ico", K_STATIC, 5430 },
	{ "/search", K_PAGE, 22140 },
	{ "/api/v1/cart", K_API, 1210 },
	{ "/static/js/vendor.js", K_STATIC, 512733 },
	{ "/login", K_PAGE, 7311 },
	{ "/api/v1/search", K_API, 8812 },
	{ "/static/img/logo.png", K_IMG, 12044 },
	{ "/cart", K_PAGE, 15320 },
	{ "/robots.txt", K_STATIC, 120 },
	{ "/checkout", K_PAGE, 19877 },
	{ "/api/v1/recommendations", K_API, 6120 },
	{ "/about", K_PAGE, 9120 },
	{ "/logout", K_PAGE, 0 },
	{ "/sitemap.xml", K_STATIC, 88123 },
	{ "/contact", K_PAGE, 6890 },
};

static const char *const methods[] = { "GET", "POST", "PUT", "DELETE",
	"HEAD", "OPTIONS" };
static const uint64_t w_meth_api[] = { 700, 200, 50, 40, 0, 10 };
static const uint64_t w_meth_web[] = { 950, 20, 0, 0, 25, 5 };

static const int statuses[] = { 200, 304, 301, 302, 404, 400, 401, 403,
	500, 502, 503, 504 };
static const uint64_t w_status[] = { 8800, 400, 100, 100, 300, 50, 50,
	50, 70, 40, 30, 10 };

static const char *const agents[] = {
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
	"(KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
	"(KHTML, like Gecko) Version/17.3 Safari/605.1.15",
	"Mozilla/5.0 (X11; Linux x86_64; rv:123.0) Gecko/20100101 "
	"Firefox/123.0",
	"Mozilla/5.0 (iPhone; CPU iPhone OS 17_3 like Mac OS X) "
	"AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
	"curl/8.5.0",
	"Mozilla/5.0 (compatible; Googlebot/2.1; "
	"+http://www.google.com/bot.html)",
};
static const uint64_t w_agent[] = { 50, 20, 10, 12, 5, 3 };

static const char *const referers[] = { "-", "https://www.example.com/",
	"https://www.google.com/", "https://www.example.com/search" };
static const uint64_t w_referer[] = { 60, 25, 10, 5 };

static struct wtab t_path, t_host, t_meth_api, t_meth_web, t_status,
    t_agent, t_referer;

static void
vocab_init(void)
{
	static uint64_t w[NPATHS];
	uint64_t hw[NHOSTS];
	size_t i, np = sizeof(popular) / sizeof(popular[0]);

	for (i = 0; i < NPATHS; i++) {
		struct path *p = &paths[i];
		int n = (int)(1000 + i * 37 % 9000);

		if (i < np) {
			snprintf(p->name, sizeof(p->name), "%s",
			    popular[i].name);
			p->kind = popular[i].kind;
			p->size = popular[i].size;
		} else {
			switch (i % 5) {
			case 0:
				snprintf(p->name, sizeof(p->name),
				    "/products/%d", n);
				p->kind = K_PAGE;
				p->size = 14000 + n;
				break;
			case 1:
				snprintf(p->name, sizeof(p->name),
				    "/api/v1/products/%d", n);
				p->kind = K_API;
				p->size = 900 + n / 4;
				break;
			case 2:
				snprintf(p->name, sizeof(p->name),
				    "/static/img/p%d.jpg", n);
				p->kind = K_IMG;
				p->size = 20000 + n * 13;
				break;
			case 3:
				snprintf(p->name, sizeof(p->name),
				    "/api/v1/users/%d", n);
				p->kind = K_API;
				p->size = 300 + n / 10;
				break;
			default:
				snprintf(p->name, sizeof(p->name),
				    "/blog/%d", n);
				p->kind = K_PAGE;
				p->size = 9000 + n * 2;
				break;
			}
		}
		/* Zipf, s = 1: weight 1/rank. */
		w[i] = 1000000000ULL / (i + 1);
	}
	wtab_init(&t_path, w, NPATHS);
	/* Hosts behind a skewed balancer: 1/rank plus a floor. */
	for (i = 0; i < NHOSTS; i++)
		hw[i] = 1000 / (i + 1) + 50;
	wtab_init(&t_host, hw, NHOSTS);
	wtab_init(&t_meth_api, w_meth_api, 6);
	wtab_init(&t_meth_web, w_meth_web, 6);
	wtab_init(&t_status, w_status, 12);
	wtab_init(&t_agent, w_agent, 6);
	wtab_init(&t_referer, w_referer, 4);
}

/* ---- output ------------------------------------------------------------- */

struct obuf {
	FILE *f;
	const char *name;
	char *b;
	size_t len, cap;
};

static void
ob_open(struct obuf *o, const char *dir, const char *name)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	o->name = name;
	o->f = fopen(path, "w");
	if (o->f == NULL) {
		fprintf(stderr, "gen: cannot open '%s': %s\n", path,
		    strerror(errno));
		exit(1);
	}
	o->cap = 1 << 20;
	o->len = 0;
	o->b = malloc(o->cap);
	if (o->b == NULL) {
		perror("gen");
		exit(1);
	}
}

static void
ob_flush(struct obuf *o)
{
	if (o->len && fwrite(o->b, 1, o->len, o->f) != o->len) {
		fprintf(stderr, "gen: write error on %s: %s\n", o->name,
		    strerror(errno));
		exit(1);
	}
	o->len = 0;
}

static void
ob_close(struct obuf *o)
{
	ob_flush(o);
	if (fclose(o->f) != 0) {
		fprintf(stderr, "gen: write error on %s: %s\n", o->name,
		    strerror(errno));
		exit(1);
	}
	free(o->b);
}

/* Room for one line, flushed when the buffer is nearly full. */
static char *
ob_line(struct obuf *o)
{
	if (o->cap - o->len < 1024)
		ob_flush(o);
	return o->b + o->len;
}

static void
ob_end(struct obuf *o, char *d)
{
	o->len = (size_t)(d - o->b);
}

static char *
put(char *d, const char *s)
{
	size_t n = strlen(s);

	memcpy(d, s, n);
	return d + n;
}

static char *
put_u(char *d, uint64_t v)
{
	char tmp[24], *t = tmp + sizeof(tmp);
	size_t n;

	do {
		*--t = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	n = (size_t)(tmp + sizeof(tmp) - t);
	memcpy(d, t, n);
	return d + n;
}

static char *
put_2(char *d, int v)
{
	*d++ = (char)('0' + v / 10);
	*d++ = (char)('0' + v % 10);
	return d;
}

/* Milliseconds as a decimal: 12500 us -> "12.5", 731 -> "0.731", 12000 ->
 * "12.0" (always a fraction, so every value reads as a double). */
static char *
put_ms(char *d, int64_t us)
{
	int frac = (int)(us % 1000), nd = 3;

	d = put_u(d, (uint64_t)(us / 1000));
	*d++ = '.';
	while (nd > 1 && frac % 10 == 0) {
		frac /= 10;
		nd--;
	}
	if (nd == 3)
		*d++ = (char)('0' + frac / 100);
	if (nd >= 2)
		*d++ = (char)('0' + frac / 10 % 10);
	*d++ = (char)('0' + frac % 10);
	return d;
}

struct civil {
	int y, mon, day, h, min, s, ms;
};

/* Days since 1970-01-01 to a date (Howard Hinnant's civil_from_days). */
static struct civil
civil_of(int64_t ms)
{
	struct civil c;
	int64_t days = ms / 86400000, rem = ms % 86400000, z, era, doe, yoe,
	    doy, mp;

	c.ms = (int)(rem % 1000);
	c.s = (int)(rem / 1000 % 60);
	c.min = (int)(rem / 60000 % 60);
	c.h = (int)(rem / 3600000);
	z = days + 719468;
	era = z / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	c.day = (int)(doy - (153 * mp + 2) / 5 + 1);
	c.mon = (int)(mp < 10 ? mp + 3 : mp - 9);
	c.y = (int)(yoe + era * 400 + (c.mon <= 2));
	return c;
}

/* 2024-03-01T00:00:00.123Z */
static char *
put_rfc3339(char *d, const struct civil *c)
{
	d = put_u(d, (uint64_t)c->y);
	*d++ = '-';
	d = put_2(d, c->mon);
	*d++ = '-';
	d = put_2(d, c->day);
	*d++ = 'T';
	d = put_2(d, c->h);
	*d++ = ':';
	d = put_2(d, c->min);
	*d++ = ':';
	d = put_2(d, c->s);
	*d++ = '.';
	*d++ = (char)('0' + c->ms / 100);
	d = put_2(d, c->ms % 100);
	*d++ = 'Z';
	return d;
}

/* 01/Mar/2024:00:00:00 +0000 */
static char *
put_clf(char *d, const struct civil *c)
{
	static const char mon[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

	d = put_2(d, c->day);
	*d++ = '/';
	memcpy(d, mon + 3 * (c->mon - 1), 3);
	d += 3;
	*d++ = '/';
	d = put_u(d, (uint64_t)c->y);
	*d++ = ':';
	d = put_2(d, c->h);
	*d++ = ':';
	d = put_2(d, c->min);
	*d++ = ':';
	d = put_2(d, c->s);
	return put(d, " +0000");
}

struct event {
	int64_t ms;
	const char *host;
	const char *method;
	const char *path;
	int status;
	int64_t bytes;
	int64_t latency_us;
	uint32_t ip;
	const char *agent;
	const char *referer;
};

static char hosts[NHOSTS][8];

static void
make_event(struct event *e, int64_t *clock_us)
{
	const struct path *p;
	int64_t delay, lat;
	uint64_t r;

	*clock_us += range(0, 3999);
	r = below(100);
	delay = r < 90 ? range(0, 9) : r < 99 ? range(10, 199) :
	    range(200, 999);
	e->ms = START_MS + *clock_us / 1000 - delay;
	if (e->ms < START_MS)
		e->ms = START_MS;
	e->host = hosts[pick(&t_host)];
	p = &paths[pick(&t_path)];
	e->path = p->name;
	e->method = methods[pick(p->kind == K_API ? &t_meth_api :
	    &t_meth_web)];
	e->status = statuses[pick(&t_status)];
	if (e->status == 304 || e->method[0] == 'H' || e->method[0] == 'O' ||
	    p->size == 0)
		e->bytes = 0;
	else if (e->status >= 300)
		e->bytes = range(150, 620);
	else
		e->bytes = p->size * 3 / 4 + (int64_t)below((uint64_t)
		    (p->size / 2 + 1));
	/* Latency in microseconds: a fast mode, a slow tail, rare stalls. */
	r = below(1000);
	if (e->status == 504)
		lat = range(30000000, 60000000);
	else if (r < 700)
		lat = range(150, 2000) + (int64_t)below(18000) *
		    (int64_t)below(1000) / 1000;
	else if (r < 950)
		lat = range(20000, 200000);
	else if (r < 995)
		lat = range(200000, 1000000);
	else
		lat = range(1000000, 10000000);
	if (p->kind == K_STATIC || p->kind == K_IMG)
		lat = lat / 8 + 50;
	e->latency_us = lat;
	/* Clients: a few hundred busy ones and a long tail. */
	e->ip = below(4) ? (uint32_t)(0x0a000000 + below(400)) :
	    (uint32_t)(0xc0a80000 + below(60000));
	e->agent = agents[pick(&t_agent)];
	e->referer = referers[pick(&t_referer)];
}

static char *
put_ip(char *d, uint32_t ip)
{
	d = put_u(d, ip >> 24);
	*d++ = '.';
	d = put_u(d, ip >> 16 & 255);
	*d++ = '.';
	d = put_u(d, ip >> 8 & 255);
	*d++ = '.';
	return put_u(d, ip & 255);
}

static void
usage(void)
{
	fputs("usage: gen [-n COUNT] [-s SEED] [-o DIR]\n"
	    "Writes DIR/events.ndjson, DIR/events.csv and DIR/access.log: "
	    "COUNT web-log\nevents (default 2000000) from SEED (default 1), "
	    "DIR default '.'.\n", stderr);
	exit(2);
}

static uint64_t
num_arg(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-')
		usage();
	return v;
}

int
main(int argc, char **argv)
{
	uint64_t n = 2000000, seed = 1, i, sm;
	const char *dir = ".";
	struct obuf nd, csv, clf;
	struct event e;
	int64_t clock_us = 0;
	int c;

	while ((c = getopt(argc, argv, "n:s:o:")) != -1) {
		switch (c) {
		case 'n':
			n = num_arg(optarg);
			break;
		case 's':
			seed = num_arg(optarg);
			break;
		case 'o':
			dir = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	sm = seed;
	for (i = 0; i < 4; i++)
		rs[i] = splitmix(&sm);
	for (i = 0; i < NHOSTS; i++)
		snprintf(hosts[i], sizeof(hosts[i]), "web-%02d", (int)i + 1);
	vocab_init();

	ob_open(&nd, dir, "events.ndjson");
	ob_open(&csv, dir, "events.csv");
	ob_open(&clf, dir, "access.log");
	ob_end(&csv, put(ob_line(&csv), "time,host,method,path,status,bytes,"
	    "latency_ms\n"));
	for (i = 0; i < n; i++) {
		struct civil cv;
		char *d;

		make_event(&e, &clock_us);
		cv = civil_of(e.ms);

		d = ob_line(&nd);
		d = put(d, "{\"time\":\"");
		d = put_rfc3339(d, &cv);
		d = put(d, "\",\"host\":\"");
		d = put(d, e.host);
		d = put(d, "\",\"method\":\"");
		d = put(d, e.method);
		d = put(d, "\",\"path\":\"");
		d = put(d, e.path);
		d = put(d, "\",\"status\":");
		d = put_u(d, (uint64_t)e.status);
		d = put(d, ",\"bytes\":");
		d = put_u(d, (uint64_t)e.bytes);
		d = put(d, ",\"latency_ms\":");
		d = put_ms(d, e.latency_us);
		d = put(d, "}\n");
		ob_end(&nd, d);

		d = ob_line(&csv);
		d = put_rfc3339(d, &cv);
		*d++ = ',';
		d = put(d, e.host);
		*d++ = ',';
		d = put(d, e.method);
		*d++ = ',';
		d = put(d, e.path);
		*d++ = ',';
		d = put_u(d, (uint64_t)e.status);
		*d++ = ',';
		d = put_u(d, (uint64_t)e.bytes);
		*d++ = ',';
		d = put_ms(d, e.latency_us);
		*d++ = '\n';
		ob_end(&csv, d);

		/* nginx "combined": $remote_addr - $remote_user [$time_local]
		 * "$request" $status $body_bytes_sent "$http_referer"
		 * "$http_user_agent" */
		d = ob_line(&clf);
		d = put_ip(d, e.ip);
		d = put(d, " - - [");
		d = put_clf(d, &cv);
		d = put(d, "] \"");
		d = put(d, e.method);
		*d++ = ' ';
		d = put(d, e.path);
		d = put(d, " HTTP/1.1\" ");
		d = put_u(d, (uint64_t)e.status);
		*d++ = ' ';
		d = put_u(d, (uint64_t)e.bytes);
		d = put(d, " \"");
		d = put(d, e.referer);
		d = put(d, "\" \"");
		d = put(d, e.agent);
		d = put(d, "\"\n");
		ob_end(&clf, d);
	}
	ob_close(&nd);
	ob_close(&csv);
	ob_close(&clf);
	return 0;
}
