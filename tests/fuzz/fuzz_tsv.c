/* SPDX-License-Identifier: MIT */
/* Fuzz target: the TSV decoder. */
#include "fuzz_common.c"

static const char *const formats[] = { "tsv", NULL };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_decoder_target(formats, 0, 0, "tsv", data, size);
	return 0;
}
