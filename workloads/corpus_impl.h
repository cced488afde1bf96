/* corpus_impl.h - what corpus_list.c (the file list, the manifest's
 * encodings), corpus.c (the cache folder, the manifest read back and
 * verified, corpus_open, corpus_scan, the page cache), corpus_gen.c (the
 * PRNG and the generator) and corpus_task.c (the digest tasks) share.
 * They call down that list, never back. Not for other modules: use
 * corpus.h. */
#ifndef POOLBENCH_CORPUS_IMPL_H
#define POOLBENCH_CORPUS_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "corpus.h"

#define CORPUS_WRITE_BUF (256 * 1024) /* generator's write size */
#define CORPUS_DIGEST "sha256"        /* per-file digest in the manifest */
#define CORPUS_DIGEST_LEN 32

/* ---- corpus_list.c ---- */

/* An empty corpus (root_fd -1), safe to corpus_free. */
void corpus_init(struct corpus *c);

/* Append file rel (size bytes, or the errno met listing it) to c.
 * Returns 0, or -1 when out of memory. */
int corpus_add(struct corpus *c, const char *rel, uint64_t size, int err);

/* Sort c's files by relative path (strcmp). */
void corpus_sort(struct corpus *c);

/* Hex of a digest, into out (2 * len + 1 bytes). */
void corpus_hex(const unsigned char *d, size_t len, char *out);

/* FNV-1a, 64 bit: the manifest's own checksum. */
uint64_t corpus_fnv1a(const char *p, size_t len);

/* ---- corpus.c ---- */

/* Open file k of c for reading (under its root, links not followed).
 * Returns the descriptor, or -1 with errno. */
int corpus_file_open(const struct corpus *c, size_t k);

/* ---- corpus_gen.c ---- */

/* Generate spec into the new folder tmp: tmp/tree and tmp/MANIFEST.
 * Returns 0, or -1 with a message. */
int corpus_generate(const char *tmp, const struct corpus_spec *spec,
                    char *err, size_t err_len);

/* Fill order[0..n) with a permutation of 0..n-1 that seed decides, the
 * same on every machine. */
void corpus_shuffle(uint64_t *order, uint64_t n, uint64_t seed);

#endif /* POOLBENCH_CORPUS_IMPL_H */
