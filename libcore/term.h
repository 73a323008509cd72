/* SPDX-License-Identifier: MIT */
/* What a tool needs to know of a terminal: whether, how big, which text. */
#ifndef CORE_TERM_H
#define CORE_TERM_H

/* ANSI (ECMA-48) control sequences; no terminfo. */
#define CORE_CSI_HOME      "\033[H"     /* cursor to the top left */
#define CORE_CSI_EL        "\033[K"     /* erase to the end of the line */
#define CORE_CSI_ED        "\033[J"     /* erase to the end of the screen */

/*
 * Whether fd is a terminal that understands cursor movement: isatty(fd),
 * and TERM set and not "dumb".
 */
int core_term_capable(int fd);

/*
 * The size of the terminal on fd (TIOCGWINSZ), else $LINES and $COLUMNS,
 * else 24 by 80.  Asked each time: a resized terminal is seen at once.
 */
void core_term_size(int fd, int *rows, int *cols);

/*
 * Whether the locale's text is UTF-8: the first of LC_ALL, LC_CTYPE and
 * LANG that is set and not empty names UTF-8 ("en_US.UTF-8", "C.utf8").
 * Read from the environment, so the process locale stays "C".
 */
int core_term_utf8(void);

#endif
