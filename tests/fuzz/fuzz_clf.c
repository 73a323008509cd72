/* SPDX-License-Identifier: MIT */
/* Fuzz target: the web server log decoders, Combined and Common Log
 * Format. */
#include "fuzz_common.c"

static const char *const formats[] = { "combined", "common", NULL };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_decoder_target(formats, 0, 0, NULL, data, size);
	return 0;
}
