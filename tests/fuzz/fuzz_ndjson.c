/* SPDX-License-Identifier: MIT */
/* Fuzz target: the NDJSON decoder ("ndjson", and "auto" which sniffs). */
#include "fuzz_common.c"

static const char *const formats[] = { "ndjson", "auto", NULL };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_decoder_target(formats, 1, 0, NULL, data, size);
	return 0;
}
