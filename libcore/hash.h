/* SPDX-License-Identifier: MIT */
/* A fast 64-bit hash for byte strings and integers (not cryptographic). */
#ifndef CORE_HASH_H
#define CORE_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline uint64_t
core_hash_mix(uint64_t a, uint64_t b)
{
	__uint128_t r = (__uint128_t)a * b;

	return (uint64_t)r ^ (uint64_t)(r >> 64);
}

/* The seed is fixed by callers: tables are internal, output never shows
 * hash order, so a fixed seed keeps runs reproducible. */
uint64_t core_hash(const void *p, size_t n, uint64_t seed);

/* memcmp(a, b, n) == 0, without a call for the short strings that hash
 * keys mostly are: two loads each, overlapping when n is not a power of
 * 2, and memcmp beyond 16 bytes. */
static inline int
core_hash_eq(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	uint64_t x8, y8, u8, v8;
	uint32_t x4, y4, u4, v4;

	if (n >= 8 && n <= 16) {
		memcpy(&x8, x, 8);
		memcpy(&y8, y, 8);
		memcpy(&u8, x + n - 8, 8);
		memcpy(&v8, y + n - 8, 8);
		return ((x8 ^ y8) | (u8 ^ v8)) == 0;
	}
	if (n >= 4 && n < 8) {
		memcpy(&x4, x, 4);
		memcpy(&y4, y, 4);
		memcpy(&u4, x + n - 4, 4);
		memcpy(&v4, y + n - 4, 4);
		return ((x4 ^ y4) | (u4 ^ v4)) == 0;
	}
	if (n < 4)
		return n == 0 || (x[0] == y[0] && x[n / 2] == y[n / 2] &&
		    x[n - 1] == y[n - 1]);
	return memcmp(x, y, n) == 0;
}

/* splitmix64's finaliser: every input bit moves every output bit, which
 * HyperLogLog's register choice needs. */
static inline uint64_t
core_hash_u64(uint64_t x, uint64_t seed)
{
	x ^= seed * 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

#endif
