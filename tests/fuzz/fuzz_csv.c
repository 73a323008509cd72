/* SPDX-License-Identifier: MIT */
/* Fuzz target: the CSV decoder. */
#include "fuzz_common.c"

static const char *const formats[] = { "csv", NULL };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_decoder_target(formats, 0, 0, "csv", data, size);
	return 0;
}
