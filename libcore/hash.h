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
