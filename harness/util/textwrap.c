/* textwrap.c - breaking text at word boundaries (see textwrap.h). */
#include <string.h>

#include "textwrap.h"

/* Whether the word at w is an option that takes the next word as its
 * value: it starts with '-' and the next word does not. */
static int option_at(const char *w, const char *next)
{
    return w[0] == '-' && w[1] != '\0' && w[1] != ' ' && next[0] != '-' &&
           next[0] != '\0';
}

size_t textwrap_line(const char *s, size_t width)
{
    size_t cols = 0, brk = 0;
    const char *word = s;
    for (size_t k = 0; s[k] != '\0'; k++) {
        if (s[k] == ' ' && k > 0 && s[k - 1] != ' ') {
            const char *next = s + k;
            while (*next == ' ')
                next++;
            if (!option_at(word, next))
                brk = k;
        }
        if (s[k] != ' ' && (k == 0 || s[k - 1] == ' '))
            word = s + k;
        if (((unsigned char)s[k] & 0xc0) != 0x80)
            cols++;
        if (cols > width && brk > 0)
            return brk;
    }
    return strlen(s);
}
