/* SPDX-License-Identifier: MIT */
/* Messages and exit statuses for the command-line layer. */
#ifndef CORE_ERR_H
#define CORE_ERR_H

#include <stdarg.h>

/* Exit statuses, the same in every tool and man page. */
enum {
	CORE_EXIT_OK = 0,     /* success */
	CORE_EXIT_DATA = 1,   /* bad input data (with --strict) or a failed run */
	CORE_EXIT_USAGE = 2,  /* usage error */
	CORE_EXIT_IO = 3      /* I/O or system failure */
};

/* The name messages start with; set once by core_setprogname. */
extern const char *core_progname;

void core_setprogname(const char *argv0);

/*
 * Hooks run by core_exit before the process ends (flushing outputs, the
 * rejected-record summary).  Hooks run last-registered first, once.
 */
void core_atexit(void (*fn)(void *), void *ctx);
_Noreturn void core_exit(int status);

/* "PROG: message" on stderr.  These belong to the CLI layer only. */
void core_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "PROG: message: strerror(errno)". */
void core_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void core_die(int status, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
_Noreturn void core_diesys(int status, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void core_vwarnx(const char *fmt, va_list ap);

#endif
