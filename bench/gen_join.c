/* SPDX-License-Identifier: MIT */
/* gen_join: two event streams for the interval-join benchmark
 * (bench/join.sh): ad impressions and ad clicks sharing the key "ad".
 *
 *   gen_join -n 1000000 -a 10000 -s 1 -o DIR
 *
 * writes DIR/imps.ndjson, DIR/clicks.ndjson and the same records as
 * DIR/imps.csv, DIR/clicks.csv (header t,id,ad,...; for sqlite3):
 *
 *   {"t":1709251200003,"id":0,"ad":4821,"cost":37}       imps
 *   {"t":1709251200001,"id":0,"ad":172,"pos":3}           clicks
 *
 * N records each; t is the event time in epoch milliseconds, id counts
 * 0..N-1 in each file, ad is uniform in 0..A-1, cost 1..100, pos 1..8.
 * Each stream has its own clock, starting at 2024-03-01T00:00:00Z and
 * advancing a uniform 0..3999 us per record (500 records/s on average,
 * 1M records are about 33 minutes); a record's time is its clock minus
 * a delay of 0-9 ms (90 %), 10-199 ms (9 %) or 200-999 ms (1 %), as in
 * bench/gen.c: the files are in arrival order and event times are out
 * of order by less than one second.  With uniform ads, a join on ad
 * within [-5 s, +5 s] pairs an impression with about 10 s * 500/s / A
 * clicks: 0.5 at A = 10000.
 *
 * Only integer arithmetic (xoshiro256** seeded by splitmix64, as in
 * gen.c; imps from SEED, clicks from SEED + 1000): one seed gives the
 * same bytes on every machine, and a smaller -n gives a prefix of a
 * larger one.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define START_MS 1709251200000LL    /* 2024-03-01T00:00:00Z */

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

static void
seed(uint64_t s)
{
	int i;

	for (i = 0; i < 4; i++)
		rs[i] = splitmix(&s);
}

static FILE *
open_out(const char *dir, const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f == NULL) {
		fprintf(stderr, "gen_join: cannot open '%s': %s\n", path,
		    strerror(errno));
		exit(1);
	}
	setvbuf(f, NULL, _IOFBF, 1 << 20);
	return f;
}

static void
close_out(FILE *f, const char *name)
{
	if (ferror(f) || fclose(f) != 0) {
		fprintf(stderr, "gen_join: write error on %s\n", name);
		exit(1);
	}
}

/* One stream: N records into NAME.ndjson and NAME.csv; EXTRA is the
 * name of the payload field, uniform in 1..EMAX. */
static void
stream(const char *dir, const char *name, uint64_t n, uint64_t ads,
    uint64_t s, const char *extra, uint64_t emax)
{
	char fn[256], fc[256];
	FILE *nd, *csv;
	int64_t clock_us = START_MS * 1000;
	uint64_t i;

	seed(s);
	snprintf(fn, sizeof(fn), "%s.ndjson", name);
	snprintf(fc, sizeof(fc), "%s.csv", name);
	nd = open_out(dir, fn);
	csv = open_out(dir, fc);
	fprintf(csv, "t,id,ad,%s\n", extra);
	for (i = 0; i < n; i++) {
		uint64_t r = below(1000), ad, x;
		int64_t delay_ms, t;

		clock_us += (int64_t)below(4000);
		if (r < 900)
			delay_ms = (int64_t)below(10);
		else if (r < 990)
			delay_ms = 10 + (int64_t)below(190);
		else
			delay_ms = 200 + (int64_t)below(800);
		t = clock_us / 1000 - delay_ms;
		ad = below(ads);
		x = 1 + below(emax);
		fprintf(nd, "{\"t\":%lld,\"id\":%llu,\"ad\":%llu,\"%s\":%llu}\n",
		    (long long)t, (unsigned long long)i,
		    (unsigned long long)ad, extra, (unsigned long long)x);
		fprintf(csv, "%lld,%llu,%llu,%llu\n", (long long)t,
		    (unsigned long long)i, (unsigned long long)ad,
		    (unsigned long long)x);
	}
	close_out(nd, fn);
	close_out(csv, fc);
}

int
main(int argc, char **argv)
{
	uint64_t n = 1000000, ads = 10000, s = 1;
	const char *dir = ".";
	int c;

	while ((c = getopt(argc, argv, "n:a:s:o:")) != -1) {
		switch (c) {
		case 'n':
			n = strtoull(optarg, NULL, 10);
			break;
		case 'a':
			ads = strtoull(optarg, NULL, 10);
			break;
		case 's':
			s = strtoull(optarg, NULL, 10);
			break;
		case 'o':
			dir = optarg;
			break;
		default:
			goto usage;
		}
	}
	if (optind != argc || n == 0 || ads == 0)
		goto usage;
	stream(dir, "imps", n, ads, s, "cost", 100);
	stream(dir, "clicks", n, ads, s + 1000, "pos", 8);
	return 0;
usage:
	fprintf(stderr, "usage: gen_join [-n N] [-a ADS] [-s SEED] "
	    "[-o DIR]\n");
	return 2;
}
