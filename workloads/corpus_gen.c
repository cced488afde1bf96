/* corpus_gen.c - the built-in corpus generator: a deterministic PRNG,
 * the layout of a spec (paths and sizes), the files' bytes and the
 * manifest; and the shuffled order of tasks, from the same PRNG.
 *
 * The generator uses integer arithmetic only (no libm), so a seed makes
 * the same bytes on every machine and checksums compare across machines.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "corpus.h"
#include "corpus_impl.h"

#define CORPUS_FANOUT 8               /* generated subfolders per folder */
#define CORPUS_LEVELS 4               /* generated depths: 0..3 */

/* ---- deterministic PRNG: splitmix64 seeds xoshiro256** ---- */

struct rng {
    uint64_t s[4];
};

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static void rng_seed(struct rng *r, uint64_t seed)
{
    for (int k = 0; k < 4; k++)
        r->s[k] = splitmix64(&seed);
}

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static inline uint64_t rng_next(struct rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* A number in [0, bound): multiply-shift, deterministic everywhere. */
static uint64_t rng_below(struct rng *r, uint64_t bound)
{
    return (uint64_t)(((unsigned __int128)rng_next(r) * bound) >> 64);
}

void corpus_shuffle(uint64_t *order, uint64_t n, uint64_t seed)
{
    struct rng r;
    rng_seed(&r, seed);
    for (uint64_t k = 0; k < n; k++)
        order[k] = k;
    /* Fisher-Yates. */
    for (uint64_t k = n; k > 1; k--) {
        uint64_t j = rng_below(&r, k);
        uint64_t t = order[k - 1];
        order[k - 1] = order[j];
        order[j] = t;
    }
}

/* ---- the generator ---- */

static int write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Log-normal-ish weights in integers: the sum of four 16-bit uniforms is
 * close to normal (Irwin-Hall); scaled to a standard deviation of about 2
 * in log2 units around 2^13, then raised to a power of two with a linear
 * mantissa. Gives many small files and a long tail of big ones. */
static uint64_t size_weight(struct rng *r)
{
    int64_t s = 0;
    for (int k = 0; k < 4; k++)
        s += (int64_t)(rng_next(r) >> 48);
    int64_t e = (s - 2 * 65536) * 7 / 2 + 13 * 65536;
    if (e < 0)
        e = 0;
    if (e > 30 * 65536)
        e = 30 * 65536;
    uint64_t whole = (uint64_t)e >> 16, frac = (uint64_t)e & 0xffff;
    return ((65536 + frac) << whole) >> 16;
}

/* Relative path of generated file j: up to three folder levels, each one
 * of CORPUS_FANOUT names. */
static void gen_path(struct rng *r, uint64_t j, char *out, size_t out_len)
{
    size_t n = 0;
    uint64_t depth = rng_below(r, CORPUS_LEVELS);
    out[0] = '\0';
    for (uint64_t d = 0; d < depth; d++)
        n += (size_t)snprintf(out + n, out_len - n, "d%" PRIu64 "/",
                              rng_below(r, CORPUS_FANOUT));
    snprintf(out + n, out_len - n, "f%07" PRIu64 ".dat", j);
}

/* Create the folders leading to rel under dfd. */
static int make_parents(int dfd, const char *rel)
{
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", rel);
    for (char *p = buf; *p != '\0'; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdirat(dfd, buf, 0755) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return 0;
}

/* Fill file rel with size bytes from the stream of (seed, j), and put
 * their CORPUS_DIGEST into digest (through ctx). */
static int gen_file(int dfd, const char *rel, uint64_t size, uint64_t seed,
                    uint64_t j, uint64_t *buf, EVP_MD_CTX *ctx,
                    unsigned char *digest)
{
    struct rng r;
    rng_seed(&r, seed * 0x9e3779b97f4a7c15ULL + j + 1);
    if (!EVP_DigestInit_ex(ctx, EVP_sha256(), NULL)) {
        errno = EIO;
        return -1;
    }
    int fd = openat(dfd, rel, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
                    0644);
    if (fd < 0)
        return -1;
    while (size > 0) {
        size_t n = size < CORPUS_WRITE_BUF ? (size_t)size : CORPUS_WRITE_BUF;
        for (size_t k = 0; k < (n + 7) / 8; k++)
            buf[k] = rng_next(&r);
        EVP_DigestUpdate(ctx, buf, n);
        if (write_all(fd, buf, n) != 0) {
            int e = errno;
            close(fd);
            errno = e;
            return -1;
        }
        size -= n;
    }
    /* Start write-back now: the tree is synced before it is trusted, and
     * only clean pages can be evicted for cache=cold. */
    sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
    if (!EVP_DigestFinal_ex(ctx, digest, NULL)) {
        close(fd);
        errno = EIO;
        return -1;
    }
    return close(fd);
}

/* Lay out spec into c (paths and sizes, sorted), without touching disk. */
static int gen_layout(struct corpus *c, const struct corpus_spec *spec)
{
    struct rng r;
    uint64_t *w = malloc(spec->files * sizeof(*w));
    if (w == NULL)
        return -1;
    rng_seed(&r, spec->seed);
    unsigned __int128 total = 0;
    for (uint64_t j = 0; j < spec->files; j++) {
        w[j] = size_weight(&r);
        total += w[j];
    }
    /* Scale the weights to spec->bytes; the rounding remainder goes to
     * the first files one byte each, so the sum is exact. */
    uint64_t sum = 0;
    for (uint64_t j = 0; j < spec->files; j++) {
        w[j] = (uint64_t)((unsigned __int128)w[j] * spec->bytes / total);
        sum += w[j];
    }
    for (uint64_t j = 0; sum < spec->bytes; j = (j + 1) % spec->files) {
        w[j]++;
        sum++;
    }
    int rc = 0;
    for (uint64_t j = 0; j < spec->files && rc == 0; j++) {
        char rel[128];
        gen_path(&r, j, rel, sizeof(rel));
        rc = corpus_add(c, rel, w[j], 0);
    }
    free(w);
    if (rc == 0)
        corpus_sort(c);
    return rc;
}

/* The manifest: a header naming spec and the digest, then one line per
 * file "f SIZE DIGEST PATH", then "end FNV" over all that. */
static int write_manifest(int dfd, const struct corpus *c,
                          const struct corpus_spec *spec,
                          const unsigned char *digests)
{
    size_t cap = 256 + c->count * (32 + 2 * CORPUS_DIGEST_LEN + 1) +
                 c->names_len, len = 0;
    char *m = malloc(cap);
    if (m == NULL) {
        errno = ENOMEM;
        return -1;
    }
    len += (size_t)snprintf(m + len, cap - len,
                            "poolbench-corpus %d\ndigest " CORPUS_DIGEST
                            "\nseed %" PRIu64 "\nfiles %" PRIu64
                            "\nbytes %" PRIu64 "\n",
                            CORPUS_VERSION, spec->seed, spec->files,
                            spec->bytes);
    for (size_t k = 0; k < c->count; k++) {
        char hex[2 * CORPUS_DIGEST_LEN + 1];
        corpus_hex(digests + k * CORPUS_DIGEST_LEN, CORPUS_DIGEST_LEN,
                   hex);
        len += (size_t)snprintf(m + len, cap - len, "f %" PRIu64 " %s %s\n",
                                c->files[k].size, hex, corpus_path(c, k));
    }
    len += (size_t)snprintf(m + len, cap - len, "end %016" PRIx64 "\n",
                            corpus_fnv1a(m, len));
    int fd = openat(dfd, CORPUS_MANIFEST,
                    O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    int rc = -1;
    if (fd >= 0) {
        rc = write_all(fd, m, len);
        if (rc == 0)
            rc = fsync(fd);
        close(fd);
    }
    free(m);
    return rc;
}

/* Generate spec into the new folder tmp: tmp/tree and tmp/MANIFEST. */
int corpus_generate(const char *tmp, const struct corpus_spec *spec,
                    char *err, size_t err_len)
{
    struct corpus c;
    corpus_init(&c);
    uint64_t *buf = malloc(CORPUS_WRITE_BUF);
    unsigned char *digests = NULL;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int dfd = -1, tfd = -1, rc = -1;
    if (buf == NULL || ctx == NULL || gen_layout(&c, spec) != 0) {
        snprintf(err, err_len, "out of memory");
        goto out;
    }
    digests = malloc(c.count * CORPUS_DIGEST_LEN);
    if (digests == NULL) {
        snprintf(err, err_len, "out of memory");
        goto out;
    }
    dfd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0 || mkdirat(dfd, "tree", 0755) != 0) {
        snprintf(err, err_len, "%s: %s", tmp, strerror(errno));
        goto out;
    }
    tfd = openat(dfd, "tree", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (tfd < 0) {
        snprintf(err, err_len, "%s/tree: %s", tmp, strerror(errno));
        goto out;
    }
    /* File j's content stream is seeded by (seed, j); j is in its name,
     * so sorting the paths does not change any file's bytes. */
    for (size_t k = 0; k < c.count; k++) {
        const char *rel = corpus_path(&c, k);
        const char *f = strrchr(rel, '/');
        uint64_t j = strtoull((f ? f + 1 : rel) + 1, NULL, 10);
        if (make_parents(tfd, rel) != 0 ||
            gen_file(tfd, rel, c.files[k].size, spec->seed, j, buf, ctx,
                     digests + k * CORPUS_DIGEST_LEN) != 0) {
            snprintf(err, err_len, "generating %s/tree/%s: %s", tmp, rel,
                     strerror(errno));
            goto out;
        }
    }
    /* Wait for this tree's own write-back (started file by file above)
     * rather than syncfs(), which would also wait for everybody else's
     * dirty data on a shared machine. */
    for (size_t k = 0; k < c.count; k++) {
        int fd = openat(tfd, corpus_path(&c, k), O_RDONLY | O_CLOEXEC);
        if (fd < 0 ||
            sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WAIT_BEFORE |
                                          SYNC_FILE_RANGE_WRITE |
                                          SYNC_FILE_RANGE_WAIT_AFTER) != 0) {
            snprintf(err, err_len, "syncing %s/tree/%s: %s", tmp,
                     corpus_path(&c, k), strerror(errno));
            if (fd >= 0)
                close(fd);
            goto out;
        }
        close(fd);
    }
    if (write_manifest(dfd, &c, spec, digests) != 0) {
        snprintf(err, err_len, "%s: %s", tmp, strerror(errno));
        goto out;
    }
    rc = 0;
out:
    if (tfd >= 0)
        close(tfd);
    if (dfd >= 0)
        close(dfd);
    free(buf);
    free(digests);
    EVP_MD_CTX_free(ctx);
    corpus_free(&c);
    return rc;
}
