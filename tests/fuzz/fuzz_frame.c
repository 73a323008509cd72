/* SPDX-License-Identifier: MIT */
/* Fuzz target: the frame decoder, through core_dec ("frames", "auto") and
 * through the raw core_frame_decode API. */
#include "fuzz_common.c"

static const char *const formats[] = { "frames", "auto", NULL };

/*
 * The raw API over the whole input at its end, with a full or a lazy
 * decoder (which reads fields a, b and 1, then the rest on demand): every call consumes at
 * least one byte and no more than it was given, and errors point inside
 * what it was given.
 */
static void
raw_api(const uint8_t *p, size_t len, uint32_t max_frame, int lazy)
{
	const struct core_sym *want[3];
	struct core_frame_dec d;
	struct core_event ev;
	size_t pos = 0, n;

	core_frame_dec_init(&d, max_frame);
	if (lazy) {
		/* Short names, as mutations make them. */
		want[0] = core_sym_str("a");
		want[1] = core_sym_str("b");
		want[2] = core_sym_str("1");
		core_frame_dec_want(&d, want, 3);
	}
	while (pos < len) {
		memset(&ev, 0, sizeof(ev));
		ev.kind = CORE_EV_NONE;
		n = core_frame_decode(&d, p + pos, len - pos, 1, &ev);
		if (n == 0 || n > len - pos)
			fuzz_fail("core_frame_decode consumed %zu of %zu bytes "
			    "at eof", n, len - pos);
		if (ev.kind == CORE_EV_BAD && ev.off > len - pos)
			fuzz_fail("error offset %llu past the %zu bytes given",
			    (unsigned long long)ev.off, len - pos);
		/* Lazy: what was passed over is decoded on demand. */
		if (ev.kind == CORE_EV_REC && lazy)
			core_rec_full(&ev.rec);
		if (ev.kind != CORE_EV_NONE && ev.kind != CORE_EV_BAD)
			fuzz_check_event(&ev, len, 0);
		pos += n;
		if (ev.kind == CORE_EV_BAD && ev.fatal)
			break;
	}
	core_frame_dec_release(&d);
}

/*
 * Byte 0 bit 6 set: the stream header is put in front of the input, so
 * that mutations spend their time on frames.  Byte 0 bits 0-2 choose
 * the largest frame: the default, or 2^(2k+2) bytes (16 B .. 64 KiB).
 * The other bytes are as for every decoder target (fuzz_common.c).
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char hdr[CORE_FRAME_HEADER_MAX];
	uint8_t *buf = NULL;
	uint32_t max_frame;
	size_t hl = 0;

	if (size < 2)
		return 0;
	max_frame = (data[0] & 7) ? 1u << (2 * (data[0] & 7) + 2) : 0;
	if (data[0] & 0x40) {
		hl = (size_t)snprintf(hdr, sizeof(hdr), "%s%d%s",
		    CORE_FRAME_MAGIC, CORE_FRAME_VERSION, CORE_FRAME_HINT);
		buf = core_xmalloc(size + hl);
		memcpy(buf, data, 2);
		memcpy(buf + 2, hdr, hl);
		memcpy(buf + 2 + hl, data + 2, size - 2);
		data = buf;
		size += hl;
	}
	fuzz_decoder_target(formats, 0, max_frame, NULL, data,
	    size);
	raw_api(data + 2, size - 2, max_frame, 0);
	raw_api(data + 2, size - 2, max_frame, 1);
	free(buf);
	return 0;
}
