/* SPDX-License-Identifier: MIT */
/* Tests for the byte hash and equality: the hash of a string never
 * changes (HyperLogLog estimates print it), equality is memcmp's. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "libcore/hash.h"

/* core_hash as first written, with a memcpy for the last bytes. */
static uint64_t
hash_ref(const void *p, size_t n, uint64_t seed)
{
	const uint64_t k0 = 0xa0761d6478bd642fULL, k1 = 0xe7037ed1a0b428dbULL;
	const uint64_t k2 = 0x8ebc6af09c88c6e3ULL, k3 = 0x589965cc75374cc3ULL;
	const unsigned char *s = p;
	uint64_t h = seed ^ core_hash_mix((uint64_t)n ^ k0, k1), t = 0, a, b;

	while (n >= 16) {
		memcpy(&a, s, 8);
		memcpy(&b, s + 8, 8);
		h = core_hash_mix(a ^ k1, b ^ h);
		s += 16;
		n -= 16;
	}
	if (n >= 8) {
		memcpy(&a, s, 8);
		h = core_hash_mix(a ^ k2, h ^ k3);
		s += 8;
		n -= 8;
	}
	if (n) {
		memcpy(&t, s, n);
		h = core_hash_mix(t ^ k2, h ^ ((uint64_t)n << 56));
	}
	return core_hash_mix(h ^ k0, k3);
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static unsigned char
rbyte(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned char)(rng >> 32);
}

Test(hash, same_values_as_ever_for_every_length_and_alignment)
{
	unsigned char buf[80];
	size_t n, off, i;
	int round;

	for (round = 0; round < 200; round++) {
		for (i = 0; i < sizeof(buf); i++)
			buf[i] = rbyte();
		for (off = 0; off < 8; off++)
			for (n = 0; n + off <= 64; n++)
				cr_assert_eq(core_hash(buf + off, n, round),
				    hash_ref(buf + off, n, round),
				    "length %zu at offset %zu", n, off);
	}
	cr_expect_eq(core_hash("web-01", 6, 4), hash_ref("web-01", 6, 4));
}

Test(hash, eq_is_memcmp_for_every_length_and_differing_byte)
{
	unsigned char a[48], b[48];
	size_t n, i, k;

	for (i = 0; i < sizeof(a); i++)
		a[i] = b[i] = rbyte();
	for (n = 0; n <= 40; n++) {
		cr_assert(core_hash_eq(a, b, n), "length %zu", n);
		for (k = 0; k < n; k++) {
			b[k] ^= 1 << (k % 8);
			cr_assert(!core_hash_eq(a, b, n), "length %zu byte %zu",
			    n, k);
			cr_assert(core_hash_eq(a, b, k), "prefix %zu", k);
			b[k] = a[k];
		}
		/* A byte just past the length does not count. */
		b[n] ^= 0xff;
		cr_assert(core_hash_eq(a, b, n), "length %zu, next differs", n);
		b[n] = a[n];
	}
}
