/* corpus.c - the built-in corpus generator, user tree walker, page cache
 * control, and the digest tasks hashing and shuffled share.
 *
 * The generator uses integer arithmetic only (no libm), so a seed makes
 * the same bytes on every machine and checksums compare across machines.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/types.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "corpus.h"
#include "fsperm.h"

#define CORPUS_WRITE_BUF (256 * 1024) /* generator's write size */
#define CORPUS_READ_BUF (128 * 1024)  /* per-worker read buffer: fits L2 */
#define CORPUS_WARM_BUF (1024 * 1024)
#define CORPUS_MAX_DEPTH 256          /* deepest folder corpus_scan enters */
#define CORPUS_FANOUT 8               /* generated subfolders per folder */
#define CORPUS_LEVELS 4               /* generated depths: 0..3 */
#define CORPUS_DIGEST "sha256"        /* per-file digest in the manifest */
#define CORPUS_DIGEST_LEN 32
#define CORPUS_MAX_VERIFIED 16        /* corpora remembered as verified */

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

/* ---- the file list ---- */

static void corpus_init(struct corpus *c)
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

static int corpus_add(struct corpus *c, const char *rel, uint64_t size,
                      int err)
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

static void corpus_sort(struct corpus *c)
{
    qsort_r(c->files, c->count, sizeof(*c->files), corpus_cmp, c->names);
}

static int corpus_set_root(struct corpus *c, const char *root, char *err,
                           size_t err_len)
{
    c->root = strdup(root);
    if (c->root == NULL) {
        snprintf(err, err_len, "out of memory");
        return -1;
    }
    c->root_fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (c->root_fd < 0) {
        snprintf(err, err_len, "%s: %s", root, strerror(errno));
        return -1;
    }
    return 0;
}

/* ---- small file system helpers ---- */

static int rm_one(const char *path, const struct stat *st, int flag,
                  struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

/* rm -rf, never following symlinks; best effort. */
static void rm_tree(const char *path)
{
    nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* mkdir -p; the last folder is made private (0700), the ones leading to
 * it 0755. Returns 0 or -1 with errno. */
static int mkdir_p(const char *path)
{
    char buf[PATH_MAX];
    if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    for (char *p = buf + 1; *p != '\0'; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0755) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    if (mkdir(buf, 0700) != 0 && errno != EEXIST)
        return -1;
    return 0;
}

/* The cache folder holds what hashing reads and trusts: it must be a
 * real folder (not a link someone planted) of the caller's that nobody
 * else can write. Returns 0, or -1 with a message. */
static int check_cache_dir(const char *dir, char *err, size_t err_len)
{
    struct stat st;
    char why[160];
    if (lstat(dir, &st) != 0) {
        snprintf(err, err_len, "corpus folder %s: %s", dir,
                 strerror(errno));
        return -1;
    }
    if (S_ISLNK(st.st_mode))
        snprintf(why, sizeof(why), "a symbolic link");
    else if (!S_ISDIR(st.st_mode))
        snprintf(why, sizeof(why), "not a folder");
    else if (fsperm_check(&st, FSPERM_CALLER, why, sizeof(why)) == 0)
        return 0;
    snprintf(err, err_len, "corpus folder %s: refused: %s; the corpus is "
             "kept only in a folder of yours that others cannot write "
             "(give --corpus-dir DIR)", dir, why);
    return -1;
}

/* Hex of a digest, into out (2 * len + 1 bytes). */
static void to_hex(const unsigned char *d, size_t len, char *out)
{
    static const char x[] = "0123456789abcdef";
    for (size_t k = 0; k < len; k++) {
        out[2 * k] = x[d[k] >> 4];
        out[2 * k + 1] = x[d[k] & 15];
    }
    out[2 * len] = '\0';
}

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

/* FNV-1a, 64 bit: the manifest's own checksum. */
static uint64_t fnv1a(const char *p, size_t len)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t k = 0; k < len; k++) {
        h ^= (unsigned char)p[k];
        h *= 0x100000001b3ULL;
    }
    return h;
}

/* ---- the generator ---- */

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
        to_hex(digests + k * CORPUS_DIGEST_LEN, CORPUS_DIGEST_LEN, hex);
        len += (size_t)snprintf(m + len, cap - len, "f %" PRIu64 " %s %s\n",
                                c->files[k].size, hex, corpus_path(c, k));
    }
    len += (size_t)snprintf(m + len, cap - len, "end %016" PRIx64 "\n",
                            fnv1a(m, len));
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
static int generate(const char *tmp, const struct corpus_spec *spec,
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

/* ---- reading a manifest back ---- */

static char *read_file(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct stat st;
    char *buf = NULL;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        goto out;
    buf = malloc((size_t)st.st_size + 1);
    if (buf == NULL)
        goto out;
    size_t got = 0;
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    buf[got] = '\0';
    *len = got;
out:
    close(fd);
    return buf;
}

/* Does file k of c (opened under its root, links not followed) hold
 * exactly its size in bytes with the digest whose hex is want? */
static int file_verifies(const struct corpus *c, size_t k, const char *want,
                         EVP_MD_CTX *ctx, unsigned char *buf)
{
    unsigned char d[EVP_MAX_MD_SIZE];
    char hex[2 * EVP_MAX_MD_SIZE + 1];
    uint64_t got = 0;
    int ok = 0;
    int fd = openat(c->root_fd, corpus_path(c, k),
                    O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0 || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL))
        goto out;
    for (;;) {
        ssize_t n = read(fd, buf, CORPUS_WRITE_BUF);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            goto out;
        if (n == 0)
            break;
        got += (uint64_t)n;
        EVP_DigestUpdate(ctx, buf, (size_t)n);
    }
    if (got != c->files[k].size || !EVP_DigestFinal_ex(ctx, d, NULL))
        goto out;
    to_hex(d, CORPUS_DIGEST_LEN, hex);
    ok = strncmp(hex, want, 2 * CORPUS_DIGEST_LEN) == 0;
out:
    if (fd >= 0)
        close(fd);
    return ok;
}

/* List the corpus in folder dir (dir/MANIFEST, dir/tree) into c if its
 * manifest is whole, matches spec, and every file has its size; with
 * verify, also the digest the manifest records for it. Returns 0; -1
 * (c left empty) when it is missing or does not match; -2 when a file
 * no longer has its digest (its relative path in bad). */
static int try_reuse(struct corpus *c, const char *dir,
                     const struct corpus_spec *spec, int verify, char *bad,
                     size_t bad_len)
{
    char path[PATH_MAX];
    size_t len = 0;
    EVP_MD_CTX *ctx = NULL;
    unsigned char *buf = NULL;
    snprintf(path, sizeof(path), "%s/" CORPUS_MANIFEST, dir);
    char *m = read_file(path, &len);
    if (m == NULL)
        return -1;
    int rc = -1;
    char *end = len > 0 ? strstr(m, "\nend ") : NULL;
    if (end == NULL)
        goto out;
    uint64_t want = strtoull(end + 5, NULL, 16);
    if (fnv1a(m, (size_t)(end + 1 - m)) != want)
        goto out;
    end[1] = '\0';
    char head[200];
    int hl = snprintf(head, sizeof(head),
                      "poolbench-corpus %d\ndigest " CORPUS_DIGEST
                      "\nseed %" PRIu64 "\nfiles %" PRIu64
                      "\nbytes %" PRIu64 "\n",
                      CORPUS_VERSION, spec->seed, spec->files, spec->bytes);
    if (strncmp(m, head, (size_t)hl) != 0)
        goto out;
    snprintf(path, sizeof(path), "%s/tree", dir);
    char e[PATH_MAX + 64];
    if (corpus_set_root(c, path, e, sizeof(e)) != 0)
        goto out;
    if (verify) {
        ctx = EVP_MD_CTX_new();
        buf = malloc(CORPUS_WRITE_BUF);
        if (ctx == NULL || buf == NULL)
            goto out;
    }
    char *save = NULL;
    for (char *line = strtok_r(m + hl, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        char *p = NULL;
        if (strncmp(line, "f ", 2) != 0)
            goto out;
        uint64_t size = strtoull(line + 2, &p, 10);
        if (p == line + 2 || *p != ' ' ||
            strspn(p + 1, "0123456789abcdef") != 2 * CORPUS_DIGEST_LEN ||
            p[1 + 2 * CORPUS_DIGEST_LEN] != ' ')
            goto out;
        const char *hex = p + 1;
        if (corpus_add(c, p + 2 + 2 * CORPUS_DIGEST_LEN, size, 0) != 0)
            goto out;
        struct stat st;
        size_t k = c->count - 1;
        if (k > 0 && strcmp(corpus_path(c, k - 1), corpus_path(c, k)) >= 0)
            goto out;
        if (fstatat(c->root_fd, corpus_path(c, k), &st,
                    AT_SYMLINK_NOFOLLOW) != 0 ||
            !S_ISREG(st.st_mode) || (uint64_t)st.st_size != size)
            goto out;
        if (verify && !file_verifies(c, k, hex, ctx, buf)) {
            snprintf(bad, bad_len, "%s", corpus_path(c, k));
            rc = -2;
            goto out;
        }
    }
    if (c->count != spec->files || c->bytes != spec->bytes)
        goto out;
    rc = 0;
out:
    if (rc != 0)
        corpus_free(c);
    EVP_MD_CTX_free(ctx);
    free(buf);
    free(m);
    return rc;
}

/* Corpora whose every file was checked against its digest by this
 * process: a run reads each once, however many workloads and parameter
 * sets use it. Only the driver's thread opens corpora. */
static char *verified[CORPUS_MAX_VERIFIED];
static size_t nverified;

static int is_verified(const char *dir)
{
    for (size_t k = 0; k < nverified; k++)
        if (strcmp(verified[k], dir) == 0)
            return 1;
    return 0;
}

static void set_verified(const char *dir)
{
    if (is_verified(dir))
        return;
    if (nverified == CORPUS_MAX_VERIFIED) {
        /* Forget the oldest: it is verified again if used again. */
        free(verified[0]);
        memmove(verified, verified + 1, (nverified - 1) * sizeof(*verified));
        nverified--;
    }
    verified[nverified] = strdup(dir);
    if (verified[nverified] != NULL)
        nverified++;
}

void corpus_forget_verified(void)
{
    for (size_t k = 0; k < nverified; k++)
        free(verified[k]);
    nverified = 0;
}

/* Remove temporary folders left by generators that are no longer
 * running (their pid is in the name). */
static void clean_stale(const char *cache_dir)
{
    DIR *d = opendir(cache_dir);
    if (d == NULL)
        return;
    for (struct dirent *de = readdir(d); de != NULL; de = readdir(d)) {
        long pid = 0;
        if (sscanf(de->d_name, ".tmp-corpus-%ld-", &pid) != 1 || pid <= 0)
            continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        char path[PATH_MAX];
        snprintf(path, sizeof(path), "%s/%s", cache_dir, de->d_name);
        rm_tree(path);
    }
    closedir(d);
}

static int check_space(const char *cache_dir, const struct corpus_spec *spec,
                       char *err, size_t err_len)
{
    struct statvfs vfs;
    if (statvfs(cache_dir, &vfs) != 0) {
        snprintf(err, err_len, "%s: %s", cache_dir, strerror(errno));
        return -1;
    }
    /* Data, one block of slack per file and folder, the manifest, and
     * 64 MiB left for everybody else. */
    double need = (double)spec->bytes +
                  (double)(spec->files + 600) * (double)vfs.f_bsize +
                  (double)spec->files * 40 + 64.0 * 1048576;
    double have = (double)vfs.f_bavail * (double)vfs.f_frsize;
    if (have < need) {
        snprintf(err, err_len, "the corpus needs %.0f MiB in %s but only "
                 "%.0f MiB are free; lower size_mb, pick another "
                 "--corpus-dir, or hash your own tree with -p dir=PATH",
                 need / 1048576, cache_dir, have / 1048576);
        return -1;
    }
    if (vfs.f_files > 0 && vfs.f_favail < spec->files + 600) {
        snprintf(err, err_len, "the corpus needs %" PRIu64 " inodes in %s "
                 "but only %lu are free", spec->files + 600, cache_dir,
                 (unsigned long)vfs.f_favail);
        return -1;
    }
    return 0;
}

int corpus_open(struct corpus *c, const char *cache_dir,
                const struct corpus_spec *spec, int *generated, char *err,
                size_t err_len)
{
    char final[PATH_MAX], tmp[PATH_MAX], old[PATH_MAX], bad[PATH_MAX];
    int made = 0;
    corpus_init(c);
    if (generated != NULL)
        *generated = 0;
    if (spec->files == 0 || spec->bytes / spec->files > (1ULL << 40)) {
        snprintf(err, err_len, "corpus: bad shape (%" PRIu64 " files, %"
                 PRIu64 " bytes)", spec->files, spec->bytes);
        return -1;
    }
    if (snprintf(final, sizeof(final), "%s/corpus-v%d-f%" PRIu64 "-b%" PRIu64
                 "-s%" PRIu64, cache_dir, CORPUS_VERSION, spec->files,
                 spec->bytes, spec->seed) >= (int)sizeof(final) - 64) {
        snprintf(err, err_len, "%s: path too long", cache_dir);
        return -1;
    }
    if (mkdir_p(cache_dir) != 0) {
        snprintf(err, err_len, "cannot create the corpus folder %s: %s",
                 cache_dir, strerror(errno));
        return -1;
    }
    if (check_cache_dir(cache_dir, err, err_len) != 0)
        return -1;
    /* Verified once per process: hashing 64 MiB costs a fraction of a
     * second, and a changed file would change every checksum. */
    int verify = !is_verified(final);
    int reuse = try_reuse(c, final, spec, verify, bad, sizeof(bad));
    if (reuse == 0) {
        set_verified(final);
        return 0;
    }
    if (reuse == -2) {
        fprintf(stderr, "poolbench: corpus %s: tree/%s changed since it "
                "was generated (digest differs); generating it again\n",
                final, bad);
        snprintf(old, sizeof(old), "%s/.tmp-corpus-%ld-XXXXXX", cache_dir,
                 (long)getpid());
        if (mkdtemp(old) == NULL || rename(final, old) != 0) {
            snprintf(err, err_len, "corpus %s: tree/%s changed since it "
                     "was generated, and it cannot be replaced: %s", final,
                     bad, strerror(errno));
            return -1;
        }
        rm_tree(old);
    }
    clean_stale(cache_dir);
    if (check_space(cache_dir, spec, err, err_len) != 0)
        return -1;
    snprintf(tmp, sizeof(tmp), "%s/.tmp-corpus-%ld-XXXXXX", cache_dir,
             (long)getpid());
    if (mkdtemp(tmp) == NULL) {
        snprintf(err, err_len, "%s: %s", cache_dir, strerror(errno));
        return -1;
    }
    made = 1;
    if (generate(tmp, spec, err, err_len) != 0)
        goto fail;
    while (rename(tmp, final) != 0) {
        if (errno != ENOTEMPTY && errno != EEXIST) {
            snprintf(err, err_len, "%s: %s", final, strerror(errno));
            goto fail;
        }
        /* Another run finished first, or a stale corpus is in the way. */
        if (try_reuse(c, final, spec, 1, bad, sizeof(bad)) == 0) {
            rm_tree(tmp);
            set_verified(final);
            return 0;
        }
        snprintf(old, sizeof(old), "%s/.tmp-corpus-%ld-XXXXXX", cache_dir,
                 (long)getpid());
        if (mkdtemp(old) == NULL || rename(final, old) != 0) {
            snprintf(err, err_len, "cannot replace %s: %s", final,
                     strerror(errno));
            goto fail;
        }
        rm_tree(old);
    }
    made = 0;
    int dfd = open(cache_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    if (try_reuse(c, final, spec, 0, bad, sizeof(bad)) != 0) {
        snprintf(err, err_len, "%s: generated corpus does not verify",
                 final);
        goto fail;
    }
    set_verified(final);
    if (generated != NULL)
        *generated = 1;
    return 0;
fail:
    if (made)
        rm_tree(tmp);
    corpus_free(c);
    return -1;
}

/* ---- walking a user's tree ---- */

/* Walk folder dfd (which is closed here), whose relative path is rel
 * ("" for the root). Returns -1 only when out of memory. */
static int scan_dir(struct corpus *c, int dfd, char *rel, size_t rel_len,
                    unsigned depth)
{
    DIR *d = fdopendir(dfd);
    if (d == NULL) {
        int e = errno;
        close(dfd);
        return corpus_add(c, rel, 0, e);
    }
    int rc = 0;
    for (;;) {
        errno = 0;
        struct dirent *de = readdir(d);
        if (de == NULL) {
            if (errno != 0)
                rc = corpus_add(c, rel[0] ? rel : ".", 0, errno);
            break;
        }
        const char *name = de->d_name;
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
            continue;
        size_t nl = strlen(name);
        if (rel_len + 1 + nl + 1 > PATH_MAX) {
            rc = corpus_add(c, name, 0, ENAMETOOLONG);
            if (rc != 0)
                break;
            continue;
        }
        size_t child_len = rel_len;
        if (rel_len > 0)
            rel[child_len++] = '/';
        memcpy(rel + child_len, name, nl + 1);
        child_len += nl;
        struct stat st;
        if (fstatat(dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
            rc = corpus_add(c, rel, 0, errno);
        } else if (S_ISLNK(st.st_mode)) {
            c->symlinks_skipped++;
        } else if (S_ISREG(st.st_mode)) {
            rc = corpus_add(c, rel, (uint64_t)st.st_size, 0);
        } else if (S_ISDIR(st.st_mode)) {
            int fd = openat(dirfd(d), name,
                            O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (fd < 0)
                rc = corpus_add(c, rel, 0, errno);
            else if (depth + 1 >= CORPUS_MAX_DEPTH) {
                close(fd);
                rc = corpus_add(c, rel, 0, ELOOP);
            } else
                rc = scan_dir(c, fd, rel, child_len, depth + 1);
        } else {
            c->others_skipped++;
        }
        rel[rel_len] = '\0';
        if (rc != 0)
            break;
    }
    closedir(d);
    return rc;
}

int corpus_scan(struct corpus *c, const char *dir, char *err,
                size_t err_len)
{
    char rel[PATH_MAX];
    corpus_init(c);
    if (corpus_set_root(c, dir, err, err_len) != 0) {
        char e[PATH_MAX + 64];
        snprintf(e, sizeof(e), "dir=%s", err);
        snprintf(err, err_len, "%s", e);
        goto fail;
    }
    int fd = openat(c->root_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    rel[0] = '\0';
    if (fd < 0 || scan_dir(c, fd, rel, 0, 0) != 0) {
        snprintf(err, err_len, "dir=%s: %s", dir,
                 fd < 0 ? strerror(errno) : "out of memory");
        goto fail;
    }
    if (c->count == 0) {
        snprintf(err, err_len, "dir=%s: no regular files in this tree "
                 "(symlinks are not followed)", dir);
        goto fail;
    }
    corpus_sort(c);
    return 0;
fail:
    corpus_free(c);
    return -1;
}

/* ---- page cache ---- */

static int open_file(const struct corpus *c, size_t k)
{
    return openat(c->root_fd, corpus_path(c, k),
                  O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
}

int corpus_evict(const struct corpus *c, char *err, size_t err_len)
{
    (void)err;
    (void)err_len;
    for (size_t k = 0; k < c->count; k++) {
        if (c->files[k].err != 0)
            continue;
        int fd = open_file(c, k);
        if (fd < 0)
            continue;
        /* Read-only files have no dirty pages to write first. */
        posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
        close(fd);
    }
    return 0;
}

int corpus_warm(const struct corpus *c, char *err, size_t err_len)
{
    char *buf = malloc(CORPUS_WARM_BUF);
    if (buf == NULL) {
        snprintf(err, err_len, "out of memory");
        return -1;
    }
    for (size_t k = 0; k < c->count; k++) {
        if (c->files[k].err != 0)
            continue;
        int fd = open_file(c, k);
        if (fd < 0)
            continue;
        for (;;) {
            ssize_t n = read(fd, buf, CORPUS_WARM_BUF);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
        }
        close(fd);
    }
    free(buf);
    return 0;
}

/* ---- the digest tasks ---- */

struct corpus_task {
    struct corpus c;
    EVP_MD *md;       /* fetched once, shared read-only by workers */
    int cold;         /* cache=cold */
    uint64_t ntasks;
    uint64_t *order;  /* shuffled: task i reads order[i] mod count */
    char algo[32];    /* the digest's name as given (-p algo) */
};

struct corpus_worker {
    EVP_MD_CTX *ctx;
    unsigned char *buf; /* CORPUS_READ_BUF, reused for every file */
};

const struct corpus *corpus_task_corpus(const void *state)
{
    return &((const struct corpus_task *)state)->c;
}

size_t corpus_task_file(const void *state, uint64_t i)
{
    const struct corpus_task *st = state;
    uint64_t k = st->order != NULL ? st->order[i] : i;
    return (size_t)(k % st->c.count);
}

void corpus_task_release(void *state)
{
    struct corpus_task *st = state;
    if (st == NULL)
        return;
    corpus_free(&st->c);
    EVP_MD_free(st->md);
    free(st->order);
    free(st);
}

int corpus_task_prepare(struct wl_setup *s, int shuffle_seed_arg)
{
    const union wl_value *a = s->args;
    struct corpus_task *st = calloc(1, sizeof(*st));
    if (st == NULL) {
        snprintf(s->err, s->err_len, "out of memory");
        return -1;
    }
    corpus_init(&st->c);
    if (a[CORPUS_P_DIR].s != NULL) {
        if (corpus_scan(&st->c, a[CORPUS_P_DIR].s, s->err, s->err_len) != 0)
            goto fail;
    } else {
        struct corpus_spec spec = {
            .files = (uint64_t)a[CORPUS_P_FILES].i,
            .bytes = (uint64_t)a[CORPUS_P_SIZE_MB].i << 20,
            .seed = (uint64_t)a[CORPUS_P_CORPUS_SEED].i,
        };
        if (s->cache_dir == NULL) {
            snprintf(s->err, s->err_len, "no cache folder for the corpus; "
                     "give --corpus-dir DIR or -p dir=PATH");
            goto fail;
        }
        if (corpus_open(&st->c, s->cache_dir, &spec, NULL, s->err,
                        s->err_len) != 0)
            goto fail;
    }
    st->md = EVP_MD_fetch(NULL, a[CORPUS_P_ALGO].c.word, NULL);
    if (st->md == NULL) {
        snprintf(s->err, s->err_len, "algo=%s: not available in this "
                 "OpenSSL", a[CORPUS_P_ALGO].c.word);
        goto fail;
    }
    snprintf(st->algo, sizeof(st->algo), "%s", a[CORPUS_P_ALGO].c.word);
    st->cold = a[CORPUS_P_CACHE].c.index == 1;
    st->ntasks = s->ntasks > 0 ? s->ntasks : st->c.count;
    if (shuffle_seed_arg >= 0) {
        struct rng r;
        st->order = malloc(st->ntasks * sizeof(*st->order));
        if (st->order == NULL) {
            snprintf(s->err, s->err_len, "out of memory");
            goto fail;
        }
        /* Fisher-Yates over task indices, so any -n gives the same
         * multiset of files as the sorted order. */
        rng_seed(&r, (uint64_t)a[shuffle_seed_arg].i);
        for (uint64_t k = 0; k < st->ntasks; k++)
            st->order[k] = k;
        for (uint64_t k = st->ntasks; k > 1; k--) {
            uint64_t j = rng_below(&r, k);
            uint64_t t = st->order[k - 1];
            st->order[k - 1] = st->order[j];
            st->order[j] = t;
        }
    }
    s->state = st;
    s->ntasks_out = st->ntasks;
    return 0;
fail:
    corpus_task_release(st);
    return -1;
}

/* text as a JSON string: quote, backslash and control bytes escaped,
 * other bytes as they are (pypeer.py reads them with surrogateescape, so
 * a path that is not UTF-8 reaches open() unchanged). */
static void json_string(FILE *out, const char *text)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p < 0x20 || *p == 0x7f)
            fprintf(out, "\\u%04x", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

int corpus_task_peer(void *state, FILE *out, char *err, size_t err_len)
{
    const struct corpus_task *st = state;
    fputs("{\"algo\":", out);
    json_string(out, st->algo);
    fputs(",\"root\":", out);
    json_string(out, st->c.root);
    fputs(",\"files\":[", out);
    for (size_t k = 0; k < st->c.count; k++) {
        if (k > 0)
            fputc(',', out);
        json_string(out, corpus_path(&st->c, k));
    }
    fputs("],\"errs\":[", out);
    int first = 1;
    for (size_t k = 0; k < st->c.count; k++) {
        if (st->c.files[k].err == 0)
            continue;
        fprintf(out, "%s[%zu,%d]", first ? "" : ",", k,
                (int)st->c.files[k].err);
        first = 0;
    }
    fputc(']', out);
    if (st->order != NULL) {
        fputs(",\"order\":[", out);
        for (uint64_t i = 0; i < st->ntasks; i++)
            fprintf(out, "%s%zu", i ? "," : "", corpus_task_file(st, i));
        fputc(']', out);
    }
    fputc('}', out);
    if (ferror(out)) {
        snprintf(err, err_len, "%s: out of memory", st->c.root);
        return -1;
    }
    return 0;
}

int corpus_task_before_rep(void *state, char *err, size_t err_len)
{
    struct corpus_task *st = state;
    if (st->cold)
        return corpus_evict(&st->c, err, err_len);
    return corpus_warm(&st->c, err, err_len);
}

static void worker_free(struct corpus_worker *w)
{
    if (w == NULL)
        return;
    EVP_MD_CTX_free(w->ctx);
    free(w->buf);
    free(w);
}

static struct corpus_worker *worker_new(void)
{
    struct corpus_worker *w = calloc(1, sizeof(*w));
    if (w == NULL)
        return NULL;
    w->ctx = EVP_MD_CTX_new();
    w->buf = malloc(CORPUS_READ_BUF);
    if (w->ctx == NULL || w->buf == NULL) {
        worker_free(w);
        return NULL;
    }
    return w;
}

int corpus_task_worker_init(void *state, unsigned worker_id, void **wstate)
{
    (void)state;
    (void)worker_id;
    *wstate = worker_new();
    return *wstate != NULL ? 0 : -1;
}

void corpus_task_worker_fini(void *state, void *wstate)
{
    (void)state;
    worker_free(wstate);
}

static void digest_file(const struct corpus_task *st, struct corpus_worker *w,
                        size_t k, struct task_result *out)
{
    const struct corpus_file *f = &st->c.files[k];
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    struct stat sb;
    int fd = -1;

    if (f->err != 0) {
        out->error = f->err;
        goto fail;
    }
    fd = open_file(&st->c, k);
    if (fd < 0 || fstat(fd, &sb) != 0) {
        out->error = errno;
        goto fail;
    }
    if (!S_ISREG(sb.st_mode)) {
        out->error = S_ISDIR(sb.st_mode) ? EISDIR : EINVAL;
        goto fail;
    }
    if (!EVP_DigestInit_ex(w->ctx, st->md, NULL)) {
        out->error = EIO;
        goto fail;
    }
    for (;;) {
        ssize_t n = read(fd, w->buf, CORPUS_READ_BUF);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            out->error = errno;
            goto fail;
        }
        if (n == 0)
            break;
        out->bytes += (uint64_t)n;
        EVP_DigestUpdate(w->ctx, w->buf, (size_t)n);
    }
    if (!EVP_DigestFinal_ex(w->ctx, md, &mdlen) || mdlen < 8) {
        out->error = EIO;
        goto fail;
    }
    close(fd);
    uint64_t v = 0;
    for (int b = 0; b < 8; b++)
        v = (v << 8) | md[b];
    out->value = v;
    return;
fail:
    if (fd >= 0)
        close(fd);
    out->status = TASK_ERROR;
}

void corpus_task_run(void *state, void *wstate, uint64_t i,
                     struct task_result *out)
{
    const struct corpus_task *st = state;
    struct corpus_worker *w = wstate, *own = NULL;
    if (w == NULL) {
        own = worker_new();
        w = own;
    }
    if (w == NULL) {
        out->status = TASK_ERROR;
        out->error = ENOMEM;
        return;
    }
    digest_file(st, w, corpus_task_file(st, i), out);
    worker_free(own);
}
