/* corpus_list.c - the bottom of the corpus modules: the file list (add,
 * sort, free) and the manifest's encodings (hex digests, FNV-1a). corpus.c
 * and corpus_gen.c call it and it calls neither, so corpus.c ->
 * corpus_gen.c -> corpus_list.c call one way. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "corpus.h"
#include "corpus_impl.h"

/* ---- the file list ---- */

void corpus_init(struct corpus *c)
{
    memset(c, 0, sizeof(*c));
    c->root_fd = -1;
}

void corpus_free(struct corpus *c)
{
    if (c->root_fd >= 0)
        close(c->root_fd);
    free(c->root);
    free(c->files);
    free(c->names);
    corpus_init(c);
}

int corpus_add(struct corpus *c, const char *rel, uint64_t size, int err)
{
    size_t len = strlen(rel) + 1;
    if (c->count == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 1024;
        struct corpus_file *f = realloc(c->files, cap * sizeof(*f));
        if (f == NULL)
            return -1;
        c->files = f;
        c->cap = cap;
    }
    if (c->names_len + len > c->names_cap) {
        size_t cap = c->names_cap ? 2 * c->names_cap : 64 * 1024;
        while (cap < c->names_len + len)
            cap *= 2;
        char *n = realloc(c->names, cap);
        if (n == NULL)
            return -1;
        c->names = n;
        c->names_cap = cap;
    }
    if (c->names_len + len > UINT32_MAX)
        return -1;
    memcpy(c->names + c->names_len, rel, len);
    c->files[c->count].size = size;
    c->files[c->count].name_off = (uint32_t)c->names_len;
    c->files[c->count].err = err;
    c->count++;
    c->names_len += len;
    c->bytes += size;
    return 0;
}

static int corpus_cmp(const void *a, const void *b, void *names)
{
    const struct corpus_file *x = a, *y = b;
    return strcmp((const char *)names + x->name_off,
                  (const char *)names + y->name_off);
}

void corpus_sort(struct corpus *c)
{
    qsort_r(c->files, c->count, sizeof(*c->files), corpus_cmp, c->names);
}

/* Hex of a digest, into out (2 * len + 1 bytes). */
void corpus_hex(const unsigned char *d, size_t len, char *out)
{
    static const char x[] = "0123456789abcdef";
    for (size_t k = 0; k < len; k++) {
        out[2 * k] = x[d[k] >> 4];
        out[2 * k + 1] = x[d[k] & 15];
    }
    out[2 * len] = '\0';
}

/* FNV-1a, 64 bit: the manifest's own checksum. */
uint64_t corpus_fnv1a(const char *p, size_t len)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t k = 0; k < len; k++) {
        h ^= (unsigned char)p[k];
        h *= 0x100000001b3ULL;
    }
    return h;
}
