/* SPDX-License-Identifier: MIT */
/* Fuzz target: the lines decoder (one record per line). */
#include "fuzz_common.c"

static const char *const formats[] = { "lines", NULL };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_decoder_target(formats, 0, 0, "lines", data, size);
	return 0;
}
