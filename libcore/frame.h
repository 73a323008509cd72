/* SPDX-License-Identifier: MIT */
/* The binary frame codec spoken between stream-* tools (stream-frame(5)). */
#ifndef CORE_FRAME_H
#define CORE_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "libcore/event.h"

struct core_out;

/*
 * A stream opens with one readable line: the magic, the version, and a
 * hint for whoever sees it on a terminal.  Then frames follow, each
 *   type (1 byte) | payload length (uint32, little-endian) | payload.
 * See man/stream-frame.5 for every payload.
 */
#define CORE_FRAME_MAGIC "#streamutils frames v"
#define CORE_FRAME_MAGIC_LEN (sizeof(CORE_FRAME_MAGIC) - 1)
#define CORE_FRAME_VERSION 1
#define CORE_FRAME_HINT \
	" -- binary records: pipe into stream-sink, or use -o ndjson " \
	"(STREAMUTILS_FORMAT=ndjson)\n"
/* The header line is at most this long, newline included. */
#define CORE_FRAME_HEADER_MAX 256

enum core_frame_type {
	CORE_FR_SCHEMA = 'S',
	CORE_FR_DATA = 'D',
	CORE_FR_WM = 'W',
	CORE_FR_CLOSE = 'C',
	CORE_FR_BARRIER = 'B',
	CORE_FR_END = 'E'
};

/* Value tags inside data frames. */
enum core_frame_tag {
	CORE_TAG_NULL = 0,
	CORE_TAG_FALSE = 1,
	CORE_TAG_TRUE = 2,
	CORE_TAG_INT = 3,      /* zigzag LEB128 */
	CORE_TAG_DOUBLE = 4,   /* 8 bytes, IEEE 754, little-endian */
	CORE_TAG_NUMTEXT = 5,  /* LEB128 length + JSON number text */
	CORE_TAG_STR = 6,      /* LEB128 length + bytes */
	CORE_TAG_TIME = 7,     /* 8 bytes, int64 ns, little-endian */
	CORE_TAG_JSON = 8      /* LEB128 length + JSON object or array text */
};

#define CORE_FRAME_MAX_DEFAULT (64u << 20)
/* Wire schema ids are below this. */
#define CORE_FRAME_MAX_SCHEMA_ID (1u << 20)

struct core_frame_enc {
	struct core_out *out;
	uint32_t *wire;       /* schema id -> wire id + 1; 0: not declared */
	size_t capwire;
	uint32_t next_wire;
};

void core_frame_enc_init(struct core_frame_enc *e, struct core_out *out);
void core_frame_enc_release(struct core_frame_enc *e);
/* The stream header line. */
void core_frame_put_header(struct core_frame_enc *e);
/* A data frame, preceded by a schema frame the first time the schema is
 * used on this stream. */
void core_frame_put_rec(struct core_frame_enc *e, const struct core_rec *r);
void core_frame_put_wm(struct core_frame_enc *e, int64_t wm);
void core_frame_put_close(struct core_frame_enc *e,
    const struct core_window *w);
void core_frame_put_barrier(struct core_frame_enc *e, uint64_t id);
void core_frame_put_end(struct core_frame_enc *e);

/* Per declared schema: which values a lazy decoder reads. */
struct core_frame_want {
	uint32_t *idx;      /* the indexes of the values read, ascending */
	uint32_t nidx;
	int all;            /* most are read: decode them all */
};

struct core_frame_dec {
	const struct core_schema **map;  /* wire id -> schema */
	size_t capmap;
	struct core_frame_want *wantmap; /* wire id -> what is read (lazy) */
	size_t capwant;
	const struct core_sym **want;    /* lazy: the fields this tool reads */
	size_t nwant;
	int lazy;
	struct core_value *vals;
	size_t capvals;
	uint32_t max_frame;
	int header_seen;
	int seen_end;       /* an end-of-stream frame came: a header may follow */
	char reason[160];
};

void core_frame_dec_init(struct core_frame_dec *d, uint32_t max_frame);
void core_frame_dec_release(struct core_frame_dec *d);

/*
 * Decodes the header line or one frame from p[0..len), len being all the
 * bytes buffered.  Returns the bytes consumed (>0) and fills ev (schema
 * frames are consumed silently: ev->kind is CORE_EV_NONE); 0 when more
 * bytes are needed; at_eof set means none will come, so a partial frame is
 * reported as truncated.  Errors come back as CORE_EV_BAD with ev->off
 * relative to p; ev->fatal when the stream cannot be resynchronised.
 * Records point into p (and into d) until the next call.
 */
size_t core_frame_decode(struct core_frame_dec *d, const unsigned char *p,
    size_t len, int at_eof, struct core_event *ev);

/*
 * Lazy decoding: from now on only the fields in want[0..n) are decoded and
 * checked; the other values are marked CORE_VF_LAZY and read, if ever, by
 * core_rec_full (rec.h).  A tool asks for this when it reads few fields
 * and passes records on as frames (their raw bytes) or not at all: a
 * value passed on unread is checked by the next tool that reads it.
 */
void core_frame_dec_want(struct core_frame_dec *d,
    const struct core_sym *const *want, size_t n);

/* Returns 1 if p[0..len) starts like a frame stream, 0 if not, -1 if too
 * few bytes to tell. */
int core_frame_sniff(const void *p, size_t len);

#endif
