/* corpus.h - the file trees that hashing and shuffled read.
 *
 * A corpus is a sorted list of files under one root folder. It is either
 * the built-in corpus, generated on first use from a seed into the cache
 * folder and reused while its manifest matches, or a user's own tree
 * (-p dir=PATH) walked with lstat, symlinks not followed.
 *
 * The second half of this header is what hashing.c and shuffled.c share:
 * their common parameters and workload hooks (task i digests one file).
 */
#ifndef POOLBENCH_CORPUS_H
#define POOLBENCH_CORPUS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "workload.h"

/* Bumped when the generator changes what a seed produces. */
#define CORPUS_VERSION 1

/* Name of the manifest, beside the generated tree: the spec, then each
 * file's size, SHA-256 and path, then a checksum of the whole. */
#define CORPUS_MANIFEST "MANIFEST"

/* One entry of a corpus. */
struct corpus_file {
    uint64_t size;     /* bytes, as seen by lstat when listed */
    uint32_t name_off; /* offset of its relative path in corpus.names */
    int32_t err;       /* errno met while listing (unreadable folder or
                          failed lstat): the task fails with it; else 0 */
};

/* A listed corpus. */
struct corpus {
    char *root;                /* the folder the paths are relative to */
    int root_fd;               /* open O_DIRECTORY on root, or -1 */
    struct corpus_file *files; /* sorted by relative path (strcmp) */
    size_t count;
    char *names;               /* NUL-terminated relative paths */
    size_t names_len, names_cap;
    size_t cap;
    uint64_t bytes;            /* sum of files[].size */
    uint64_t symlinks_skipped; /* symlinks met by corpus_scan */
    uint64_t others_skipped;   /* FIFOs, sockets, devices skipped */
};

/* What the built-in corpus is made from; the folder name and the manifest
 * both record it. */
struct corpus_spec {
    uint64_t files; /* >= 1 */
    uint64_t bytes; /* total size of all files */
    uint64_t seed;
};

/* Relative path of file k. */
static inline const char *corpus_path(const struct corpus *c, size_t k)
{
    return c->names + c->files[k].name_off;
}

/* Make sure the built-in corpus for spec exists under cache_dir and list
 * it into *c. cache_dir is created if missing (its last folder 0700) and
 * must then be a folder, not a symbolic link, owned by the caller and not
 * writable by others (or by a group but the caller's private one).
 * Reuses <cache_dir>/corpus-v<V>-f<files>-b<bytes>-s<seed> when its
 * manifest matches spec and every file has its recorded size and, the
 * first time this process opens it, its recorded SHA-256; a file that
 * changed is reported on stderr (one line) and the corpus generated
 * again. Generation writes into a temporary folder (after checking free
 * space) and renames it into place, so an interrupted generation is never
 * trusted. *generated is set to 1 when it had to generate (may be NULL).
 * Returns 0, or -1 with a message in err and *c empty. Not thread-safe. */
int corpus_open(struct corpus *c, const char *cache_dir,
                const struct corpus_spec *spec, int *generated, char *err,
                size_t err_len);

/* Forget which corpora this process has verified, so the next
 * corpus_open of each checks every file's digest again (for tests). */
void corpus_forget_verified(void);

/* List a user's tree: every regular file under dir, found with lstat
 * (symlinks are skipped, never followed; so are FIFOs, sockets and
 * devices), sorted by relative path. A folder or entry that cannot be
 * read becomes an entry whose err is set, so that its task fails with
 * that errno. Returns 0, or -1 with a message when dir cannot be opened or
 * holds no regular file. */
int corpus_scan(struct corpus *c, const char *dir, char *err,
                size_t err_len);

/* Free what corpus_open or corpus_scan built; *c is left empty. */
void corpus_free(struct corpus *c);

/* Page cache: corpus_evict drops every file's cached pages with
 * posix_fadvise(POSIX_FADV_DONTNEED); corpus_warm reads every file once.
 * Files that fail are skipped (their tasks will report the error).
 * Return 0, or -1 with a message (out of memory). */
int corpus_evict(const struct corpus *c, char *err, size_t err_len);
int corpus_warm(const struct corpus *c, char *err, size_t err_len);

/* The parameters hashing and shuffled share, in this order. */
enum {
    CORPUS_P_DIR,
    CORPUS_P_FILES,
    CORPUS_P_SIZE_MB,
    CORPUS_P_CORPUS_SEED,
    CORPUS_P_ALGO,
    CORPUS_P_CACHE,
    CORPUS_P_COUNT /* the next parameter's index */
};

#define CORPUS_PARAMS                                                       \
    { "dir", WL_PARAM_STRING, NULL,                                         \
      "hash every regular file under PATH instead of the built-in corpus "  \
      "(symlinks not followed)", 0, 0, NULL },                              \
    { "files", WL_PARAM_INT, "2000",                                        \
      "built-in corpus: number of files", 1, 10000000, NULL },              \
    { "size_mb", WL_PARAM_INT, "64",                                        \
      "built-in corpus: total size in MiB", 1, 1048576, NULL },             \
    { "corpus_seed", WL_PARAM_INT, "1",                                     \
      "built-in corpus: generator seed", 0, 9007199254740992.0, NULL },     \
    { "algo", WL_PARAM_CHOICE, "md5", "OpenSSL EVP digest", 0, 0,           \
      "md5|sha1|sha256|sha512|blake2b512" },                                \
    { "cache", WL_PARAM_CHOICE, "warm",                                     \
      "before each repetition: warm reads every file once, cold evicts "    \
      "them from the page cache", 0, 0, "warm|cold" }

/* The shared hooks. corpus_task_prepare lists the corpus named by the
 * CORPUS_PARAMS in setup->args; with shuffle_seed_arg >= 0 the tasks visit
 * the files in the order of a permutation seeded by that argument. Task i
 * (of n, n = -n or the file count) digests file order(i) mod count, so
 * both orders give the same checksum for the same n. */
int corpus_task_prepare(struct wl_setup *setup, int shuffle_seed_arg);
int corpus_task_before_rep(void *state, char *err, size_t err_len);
int corpus_task_worker_init(void *state, unsigned worker_id,
                            void **wstate);
void corpus_task_run(void *state, void *wstate, uint64_t i,
                     struct task_result *out);
void corpus_task_worker_fini(void *state, void *wstate);
void corpus_task_release(void *state);
/* The Python peer: {"algo", "root", "files": relative paths in sorted
 * order, "errs": [[file, errno], ...] for files that failed listing,
 * "order": the file of each task, only when shuffled}. */
int corpus_task_peer(void *state, FILE *out, char *err, size_t err_len);

/* text as a JSON string on out: quote, backslash and control bytes
 * escaped, other bytes as they are (pypeer.py reads them with
 * surrogateescape, so a path that is not UTF-8 reaches open()
 * unchanged). */
void corpus_json_string(FILE *out, const char *text);

/* The file task i reads, for tests and tools. */
size_t corpus_task_file(const void *state, uint64_t i);

/* The listed corpus behind a prepared state, for tests and tools. */
const struct corpus *corpus_task_corpus(const void *state);

#endif /* POOLBENCH_CORPUS_H */
