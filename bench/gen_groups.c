/* SPDX-License-Identifier: MIT */
/* gen_groups: NDJSON records with N distinct group keys, all in one 10 s
 * tumbling window, for the memory benchmark of stream-agg (bench/window.sh).
 *
 *   gen_groups -n 1000000 -r 250000 > groups.ndjson
 *
 * Writes N + R records {"time":...,"key":"k0000000","v":123}: the keys
 * k0000000 .. k(N-1) each once, in order, and after every fourth new key
 * one repeat of an earlier key (R repeats in all, R <= N), so the table
 * sees both inserts and updates.  Times go from 2024-03-01T00:00:00.000Z
 * to 00:00:09.999Z, increasing: every record is in the window
 * [00:00:00, 00:00:10).  v is an integer 0..999.  Only integer arithmetic:
 * the same bytes on every machine. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	uint64_t n = 1000000, r = 0, total, i, made = 0, rep = 0, x = 1;
	int c;

	while ((c = getopt(argc, argv, "n:r:")) != -1) {
		switch (c) {
		case 'n':
			n = strtoull(optarg, NULL, 10);
			break;
		case 'r':
			r = strtoull(optarg, NULL, 10);
			break;
		default:
			goto usage;
		}
	}
	if (optind != argc || n == 0 || r > n)
		goto usage;
	total = n + r;
	for (i = 0; i < total; i++) {
		uint64_t ms = i * 10000 / total, key;

		/* A repeat after every fourth new key while repeats are left,
		 * and all of them once the new keys are used up. */
		if (made == n || (rep < r && made > 0 && made % 4 == 0 &&
		    made / 4 > rep)) {
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
			key = (x >> 33) % made;
			rep++;
		} else {
			key = made++;
		}
		printf("{\"time\":\"2024-03-01T00:00:%02u.%03uZ\",\"key\":"
		    "\"k%07llu\",\"v\":%u}\n", (unsigned)(ms / 1000),
		    (unsigned)(ms % 1000), (unsigned long long)key,
		    (unsigned)((i * 7919) % 1000));
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("gen_groups");
		return 1;
	}
	return 0;
usage:
	fputs("usage: gen_groups [-n DISTINCT] [-r REPEATS (<= DISTINCT)]\n",
	    stderr);
	return 2;
}
