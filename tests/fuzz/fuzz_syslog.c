/* SPDX-License-Identifier: MIT */
/* Fuzz target: the syslog (RFC 5424, RFC 3164) and statsd decoders. */
#include "fuzz_common.c"

static const char *const formats[] = { "syslog", "statsd", NULL };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_decoder_target(formats, 0, 0, NULL, data, size);
	return 0;
}
