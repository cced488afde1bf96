/* textesc.h - file text made safe: on a terminal, in a file name. */
#ifndef POOLBENCH_TEXTESC_H
#define POOLBENCH_TEXTESC_H

#include <stddef.h>

/* Length of the character at text when it is printable valid UTF-8 (not
 * a C0, DEL or C1 control, not overlong, not a surrogate), else 0. */
size_t textesc_char_len(const char *text);

/* in with every control character (C0, DEL, C1) and every byte that is
 * not valid UTF-8 written as \n, \t or \xHH, into out (always
 * NUL-terminated, cut at out_len - 1 bytes, never inside an escape or
 * a character). Returns out. */
char *textesc_ctl(const char *in, char *out, size_t out_len);

/* text as a file-name part into buf: ASCII letters lower-cased, digits
 * and '.' kept, every run of anything else one '-' (none at the start or
 * the end): "factorial n=300,skew=1" -> "factorial-n-300-skew-1". */
void textesc_slug(const char *text, char *buf, size_t len);

#endif /* POOLBENCH_TEXTESC_H */
