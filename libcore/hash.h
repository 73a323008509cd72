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

static inline uint64_t
core_hash_u64(uint64_t x, uint64_t seed)
{
	return core_hash_mix(x ^ 0xa0761d6478bd642fULL,
	    seed ^ 0xe7037ed1a0b428dbULL);
}

#endif
