/* SPDX-License-Identifier: MIT */
/* Stream-stream joins: regular, interval and windowed, inner and outer,
 * decided in event-time order. */
#ifndef CORE_JOINOP_H
#define CORE_JOINOP_H

#include <stddef.h>
#include <stdint.h>

#include "libcore/kmap.h"
#include "libcore/writer.h"

struct core_evtime;

enum core_join_kind {
	CORE_JOIN_REGULAR,     /* every pair; state bounded by ttl */
	CORE_JOIN_INTERVAL,    /* right time within bounds of the left */
	CORE_JOIN_WINDOW       /* same window (window fields), same key */
};

/* Outer sides, a bit mask: 0 inner, LEFT, RIGHT, both full. */
enum { CORE_JOIN_LEFT = 1, CORE_JOIN_RIGHT = 2 };

/* A bound of an interval join: the left record's time (or the time in
 * field, if set) plus off. */
struct core_join_bound {
	int64_t off;
	struct core_evtime *field;
};

/*
 * The shape of joined rows: the left fields, then the right's.  A right
 * key field whose partner left key field has the same name is not
 * repeated (the two are equal by text, as in SQL's JOIN ... USING), nor
 * are the fields in also (window bounds of a windowed join); in
 * a row without a left record it fills that left field instead.  A right
 * name that clashes gets the prefix, as often as it takes to be new.
 * Shapes of recent schema pairs are cached.
 */
struct core_join_shaper {
	const struct core_keyspec *lkey, *rkey;
	const char *prefix;
	const struct core_sym *also[2];  /* shared by both sides too */
	struct core_join_shape {
		const struct core_schema *l, *r, *out;
		int32_t *rpos;          /* right field i: position in out */
		unsigned char *shared;  /* right field i is a shared key */
	} s[16], *hit;
	unsigned next;
	struct core_value *vals;
	size_t capvals;
};

void core_join_shaper_init(struct core_join_shaper *sh,
    const struct core_keyspec *lkey, const struct core_keyspec *rkey,
    const char *prefix);
void core_join_shaper_release(struct core_join_shaper *sh);
/* Fills o (schema, values; time and raw cleared) with l joined with r;
 * either record may be NULL with its schema given (an outer row).
 * Values are borrowed; o is good until the next call.  Returns -1 if the
 * joined schema is too wide. */
int core_join_row(struct core_join_shaper *sh, const struct core_schema *ls,
    const struct core_rec *l, const struct core_schema *rs,
    const struct core_rec *r, struct core_rec *o);

struct core_joinop_opts {
	enum core_join_kind kind;
	int outer;                       /* CORE_JOIN_LEFT | CORE_JOIN_RIGHT */
	struct core_keyspec *lkey, *rkey;
	struct core_join_bound lo, hi;   /* interval: right in [lo, hi] */
	int64_t ttl;                     /* regular (and field lo): 0 none */
	const char *prefix;              /* for right names that clash */
	int emit_close;                  /* window: matches at window close,
	                                    stamped end - 1 */
	size_t max_buffer;               /* records held, both sides */
	int one_input;                   /* both sides from one stream */
	const struct core_sym *start, *end;
};

/*
 * Records of both sides wait in one reorder buffer until the watermark of
 * both (the least of the two) passes them; then they are taken in
 * (time, side, arrival) order and matched against the other side's
 * stored records.  So results and their order depend on the inputs only,
 * never on how the two streams interleaved in wall-clock time.  A result
 * is the left fields then the right fields (a right name that clashes
 * gets the prefix); its event time is the later of the two.  Stored
 * records go when no later record can match them (interval bounds, ttl,
 * window end); an unmatched one of an outer side then comes out with the
 * other side's fields null, stamped just before that moment.  Keys join
 * by text (core_key_text): NULL never joins.
 */
struct core_joinop *core_joinop_new(const struct core_joinop_opts *o,
    struct core_writer *out);
void core_joinop_free(struct core_joinop *j);
/* side 0 left, 1 right.  Returns 0, 1 for a record behind its side's
 * watermark (late: dropped and counted), or -1 when max_buffer would be
 * exceeded. */
int core_joinop_push(struct core_joinop *j, int side,
    const struct core_rec *r);
/* Window-close punctuation from an input: a windowed join passes it on
 * once, when both inputs have closed the window, after its results;
 * other kinds drop it, as their results do not stay within the inputs'
 * windows. */
void core_joinop_close(struct core_joinop *j, const struct core_window *cw);
uint64_t core_joinop_late(const struct core_joinop *j, int side);
/* Records of a windowed join without window fields: dropped, counted. */
uint64_t core_joinop_unwindowed(const struct core_joinop *j);
/* A side's watermark; CORE_WM_MAX: that side has ended. */
void core_joinop_wm(struct core_joinop *j, int side, int64_t wm);
/* Records held: buffered and stored, for --stats and the bound. */
size_t core_joinop_held(const struct core_joinop *j);
size_t core_joinop_peak(const struct core_joinop *j);

#endif
