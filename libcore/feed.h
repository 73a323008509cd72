/* SPDX-License-Identifier: MIT */
/* An input wired into the event loop: bytes in, decoded events out. */
#ifndef CORE_FEED_H
#define CORE_FEED_H

#include <stdint.h>

#include "libcore/dec.h"
#include "libcore/event.h"
#include "libcore/input.h"
#include "libcore/loop.h"

/*
 * A feed reads one input (a file, stdin, a followed file) whenever the
 * loop says it can, decodes it, and hands each event to on_event.  Regular
 * files are read as loop work (they never block); pipes and terminals when
 * poll says readable; followed files when inotify (or, without it, a
 * short timer) says they changed.  It is glue for the tools: it prints
 * follow notices ("file truncated") itself.
 */
struct core_feed;

/* Returns 0 to go on, 1 to pause: the event is kept and handed out again
 * after core_feed_resume. */
typedef int (*core_feed_fn)(struct core_feed *f, struct core_event *ev,
    void *ctx);
typedef void (*core_feed_eof_fn)(struct core_feed *f, void *ctx);

struct core_feed {
	struct core_input in;
	struct core_dec *dec;
	struct core_loop *loop;
	core_feed_fn on_event;
	core_feed_eof_fn on_eof;
	void *ctx;
	int work;                 /* loop work id, or -1 */
	struct core_timer timer;  /* follow: safety re-check */
	int64_t arrival;          /* CLOCK_REALTIME ns of the last read */
	int64_t arrival_mono;
	int started;
	int paused;
	int pending;
	int done;
	int stamp;                /* stamp text records with arrival time */
	int soft;                 /* a read error ends this input only */
	struct core_event ev;
};

/*
 * Opens path ("-": stdin) with decoder options o.  Returns 0, or -1 with
 * errno set (nothing to release then).
 */
int core_feed_open(struct core_feed *f, struct core_loop *l, const char *path,
    const struct core_decopts *o, size_t max_rec, int follow, int from_end);
/*
 * A feed over fd (a connection), which it owns: a read error ends this
 * feed with a warning instead of the tool.  Returns 0 or -1 (errno).
 */
int core_feed_open_fd(struct core_feed *f, struct core_loop *l, int fd,
    const char *name, const struct core_decopts *o, size_t max_rec);
/*
 * Records decoded from text carry no event time; tools other than
 * stream-source give them their arrival time (the clock when read) by
 * calling this before core_feed_start.  Frames keep the times they carry.
 */
static inline void
core_feed_stamp_arrival(struct core_feed *f)
{
	f->stamp = 1;
}

/* Registers with the loop; events flow from here on. */
void core_feed_start(struct core_feed *f, core_feed_fn on_event,
    core_feed_eof_fn on_eof, void *ctx);
void core_feed_pause(struct core_feed *f);
void core_feed_resume(struct core_feed *f);
/* Stops following: the input ends at the current end of the file. */
void core_feed_unfollow(struct core_feed *f);
void core_feed_close(struct core_feed *f);

#endif
