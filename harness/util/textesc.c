/* textesc.c - file text made safe to print on a terminal: a results file
 * can hold escape sequences that would move the cursor, retitle the
 * window or hide text. */
#include <stdio.h>
#include <string.h>

#include "textesc.h"

size_t textesc_char_len(const char *text)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t n;
    unsigned cp;
    if (s[0] >= 0x20 && s[0] < 0x7f)
        return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf) {
        n = 2;
        cp = s[0] & 0x1f;
    } else if (s[0] >= 0xe0 && s[0] <= 0xef) {
        n = 3;
        cp = s[0] & 0x0f;
    } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
        n = 4;
        cp = s[0] & 0x07;
    } else {
        return 0;
    }
    for (size_t k = 1; k < n; k++) {
        if ((s[k] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[k] & 0x3f);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 ||
        cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff) || cp <= 0x9f)
        return 0;
    return n;
}

char *textesc_ctl(const char *in, char *out, size_t out_len)
{
    const unsigned char *s = (const unsigned char *)in;
    size_t o = 0;
    if (out_len == 0)
        return out;
    while (*s != '\0') {
        char esc[8];
        size_t n = textesc_char_len((const char *)s), w;
        const char *from = (const char *)s;
        if (n == 0) {
            if (*s == '\n')
                snprintf(esc, sizeof(esc), "\\n");
            else if (*s == '\t')
                snprintf(esc, sizeof(esc), "\\t");
            else
                snprintf(esc, sizeof(esc), "\\x%02x", *s);
            from = esc;
            w = strlen(esc);
            n = 1;
        } else {
            w = n;
        }
        if (o + w >= out_len)
            break;
        memcpy(out + o, from, w);
        o += w;
        s += n;
    }
    out[o] = '\0';
    return out;
}

void textesc_slug(const char *text, char *buf, size_t len)
{
    size_t n = 0;
    int dash = 0;
    if (len == 0)
        return;
    for (const char *s = text; *s != '\0' && n + 2 < len; s++) {
        char c = *s;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.') {
            if (dash && n > 0)
                buf[n++] = '-';
            dash = 0;
            buf[n++] = c;
        } else {
            dash = 1;
        }
    }
    buf[n] = '\0';
}
