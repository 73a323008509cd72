/* SPDX-License-Identifier: MIT */
/* A fast 64-bit hash for byte strings and integers (not cryptographic). */
#include "libcore/hash.h"

#define K0 0xa0761d6478bd642fULL
#define K1 0xe7037ed1a0b428dbULL
#define K2 0x8ebc6af09c88c6e3ULL
#define K3 0x589965cc75374cc3ULL

static inline uint64_t
rd64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

/* The last 1 to 7 bytes as one word, as memcpy(&t, s, n) into a zeroed
 * word would give, from at most three loads instead of a call: bytes
 * loaded twice land in the same place. */
static inline uint64_t
tail(const unsigned char *s, size_t n)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint32_t lo, hi;

	if (n >= 4) {
		memcpy(&lo, s, 4);
		memcpy(&hi, s + n - 4, 4);
		return lo | (uint64_t)hi << (8 * (n - 4));
	}
	return s[0] | (uint64_t)s[n / 2] << (8 * (n / 2)) |
	    (uint64_t)s[n - 1] << (8 * (n - 1));
#else
	uint64_t t = 0;

	memcpy(&t, s, n);
	return t;
#endif
}

uint64_t
core_hash(const void *p, size_t n, uint64_t seed)
{
	const unsigned char *s = p;
	uint64_t h = seed ^ core_hash_mix((uint64_t)n ^ K0, K1);
	uint64_t t = 0;

	while (n >= 16) {
		h = core_hash_mix(rd64(s) ^ K1, rd64(s + 8) ^ h);
		s += 16;
		n -= 16;
	}
	if (n >= 8) {
		h = core_hash_mix(rd64(s) ^ K2, h ^ K3);
		s += 8;
		n -= 8;
	}
	if (n) {
		t = tail(s, n);
		h = core_hash_mix(t ^ K2, h ^ ((uint64_t)n << 56));
	}
	return core_hash_mix(h ^ K0, K3);
}
