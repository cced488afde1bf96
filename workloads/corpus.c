/* corpus.c - the corpora hashing and shuffled read: the file list, the
 * cache folder and its checks, the built-in corpus's manifest read back
 * and verified against its digests, corpus_open (reuse or generate),
 * the walk of a user's tree, and page cache control. The file list and
 * the manifest's encodings are in corpus_list.c, the generator in
 * corpus_gen.c, the digest tasks in corpus_task.c (corpus_impl.h).
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
#include "corpus_impl.h"
#include "fsperm.h"

#define CORPUS_WARM_BUF (1024 * 1024)
#define CORPUS_MAX_DEPTH 256          /* deepest folder corpus_scan enters */
#define CORPUS_MAX_VERIFIED 16        /* corpora remembered as verified */

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

/* ---- the manifest's encoding ---- */

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
    corpus_hex(d, CORPUS_DIGEST_LEN, hex);
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
    if (corpus_fnv1a(m, (size_t)(end + 1 - m)) != want)
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

/* Move the corpus folder final into a temporary folder of cache_dir
 * (one rename, so that no run sees half a corpus at final) and remove it
 * there. Returns 0, or -1 with errno. */
static int move_aside(const char *cache_dir, const char *final)
{
    char old[PATH_MAX];
    snprintf(old, sizeof(old), "%s/.tmp-corpus-%ld-XXXXXX", cache_dir,
             (long)getpid());
    if (mkdtemp(old) == NULL || rename(final, old) != 0)
        return -1;
    rm_tree(old);
    return 0;
}

int corpus_open(struct corpus *c, const char *cache_dir,
                const struct corpus_spec *spec, int *generated, char *err,
                size_t err_len)
{
    char final[PATH_MAX], tmp[PATH_MAX], bad[PATH_MAX];
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
        if (move_aside(cache_dir, final) != 0) {
            snprintf(err, err_len, "corpus %s: tree/%s changed since it "
                     "was generated, and it cannot be replaced: %s", final,
                     bad, strerror(errno));
            return -1;
        }
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
    if (corpus_generate(tmp, spec, err, err_len) != 0)
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
        if (move_aside(cache_dir, final) != 0) {
            snprintf(err, err_len, "cannot replace %s: %s", final,
                     strerror(errno));
            goto fail;
        }
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

int corpus_file_open(const struct corpus *c, size_t k)
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
        int fd = corpus_file_open(c, k);
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
        int fd = corpus_file_open(c, k);
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
