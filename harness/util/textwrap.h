/* textwrap.h - breaking a line of text at word boundaries, for messages
 * that must fit a width (the summary's warnings, the suite banner) on a
 * terminal and in a log alike. */
#ifndef POOLBENCH_TEXTWRAP_H
#define POOLBENCH_TEXTWRAP_H

#include <stddef.h>

/* The length in bytes of the first line of s (which holds no newline)
 * that fits in width columns (UTF-8 continuation bytes take none),
 * broken at a space; never inside a word, and never between an option
 * ("-p", "--min-time") and the value after it. A word (or an option and
 * its value) wider than width is one line on its own. The line does not
 * include the space it breaks at; the next starts after the spaces. */
size_t textwrap_line(const char *s, size_t width);

#endif /* POOLBENCH_TEXTWRAP_H */
