/* strbuf.h - a growable text buffer, for whatever builds text in memory
 * (chart scripts, the report page). */
#ifndef POOLBENCH_STRBUF_H
#define POOLBENCH_STRBUF_H

#include <stddef.h>

/* Zero-initialize; free(p) when done. */
struct strbuf {
    char *p;      /* NUL-terminated text, NULL while empty */
    size_t len, cap;
    int oom;      /* an allocation failed: p holds what fit before */
};

/* Append text[0..len) to b (sets b->oom on allocation failure). */
void strbuf_append(struct strbuf *b, const char *text, size_t len);

/* Append printf-style text to b (sets b->oom on allocation failure). */
void strbuf_printf(struct strbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif /* POOLBENCH_STRBUF_H */
