/* test_workloads.c - the I/O, lock and latency workloads against
 * independent computations, on real files in a mkdtemp folder, and the
 * plugin loader with the example plugins built by meson. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/magic.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "corpus.h"
#include "registry.h"
#include "workload.h"

/* ---- helpers ---- */

static char tmp_root[256];

static int setup_tmp(void **ts)
{
    (void)ts;
    const char *base = getenv("TMPDIR");
    snprintf(tmp_root, sizeof(tmp_root), "%s/pb-wl-XXXXXX",
             base != NULL && base[0] != '\0' ? base : "/tmp");
    return mkdtemp(tmp_root) != NULL ? 0 : -1;
}

static int teardown_tmp(void **ts)
{
    (void)ts;
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp_root);
    return system(cmd) == 0 ? 0 : -1;
}

/* tmp_root/fmt..., in a static buffer per call site's copy. */
static void tpath(char *out, size_t len, const char *fmt, ...)
{
    char rel[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rel, sizeof(rel), fmt, ap);
    va_end(ap);
    snprintf(out, len, "%s/%s", tmp_root, rel);
}

static void put_file(const char *path, const void *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    close(fd);
}

/* A prepared workload with its parameters parsed the way the driver
 * does: defaults, overridden by "key=value" texts. */
struct prepared {
    const struct workload *wl;
    union wl_value args[REGISTRY_MAX_PARAMS];
    struct wl_setup s;
    char err[1024];
};

static int prep(struct prepared *p, const char *name, uint64_t ntasks,
                const char *cache_dir, const char *const *kv)
{
    memset(p, 0, sizeof(*p));
    p->wl = registry_find(name);
    assert_non_null(p->wl);
    size_t np = registry_param_count(p->wl);
    for (size_t k = 0; k < np; k++) {
        const char *text = p->wl->params[k].def;
        size_t nl = strlen(p->wl->params[k].name);
        for (size_t j = 0; kv != NULL && kv[j] != NULL; j++)
            if (strncmp(kv[j], p->wl->params[k].name, nl) == 0 &&
                kv[j][nl] == '=')
                text = kv[j] + nl + 1;
        if (text == NULL)
            continue;
        assert_int_equal(registry_param_parse(p->wl, k, text, &p->args[k],
                                              p->err, sizeof(p->err)), 0);
    }
    p->s.ntasks = ntasks > 0 ? ntasks : p->wl->default_tasks;
    p->s.max_workers = 4;
    p->s.args = p->args;
    p->s.cache_dir = cache_dir;
    p->s.err = p->err;
    p->s.err_len = sizeof(p->err);
    return p->wl->prepare(&p->s);
}

struct outcome {
    uint64_t checksum, bytes, errors;
    int32_t first_error;
};

/* Run every task in the calling thread, as the serial executor does. */
static struct outcome run_all(struct prepared *p)
{
    struct outcome o = { 0, 0, 0, 0 };
    void *w = NULL;
    if (p->wl->before_rep != NULL)
        assert_int_equal(p->wl->before_rep(p->s.state, p->err,
                                           sizeof(p->err)), 0);
    if (p->wl->worker_init != NULL)
        assert_int_equal(p->wl->worker_init(p->s.state, 0, &w), 0);
    for (uint64_t i = 0; i < p->s.ntasks_out; i++) {
        struct task_result r;
        memset(&r, 0, sizeof(r));
        p->wl->run_task(p->s.state, w, i, &r);
        o.checksum += r.value;
        o.bytes += r.bytes;
        if (r.status != TASK_OK) {
            if (o.errors++ == 0)
                o.first_error = r.error;
        }
    }
    if (p->wl->worker_fini != NULL)
        p->wl->worker_fini(p->s.state, w);
    return o;
}

/* Run every task without before_rep first. */
static void run_all_no_reset(struct prepared *p)
{
    for (uint64_t i = 0; i < p->s.ntasks_out; i++) {
        struct task_result r;
        memset(&r, 0, sizeof(r));
        p->wl->run_task(p->s.state, NULL, i, &r);
    }
}

static void unprep(struct prepared *p)
{
    if (p->wl->release != NULL)
        p->wl->release(p->s.state);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (n == cap) {
            cap = cap ? 2 * cap : 65536;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    fclose(f);
    *len = n;
    return buf;
}

/* The workload's value, computed independently with one-shot EVP_Digest
 * over the whole file read with stdio. */
static uint64_t value_of(const char *path, const char *algo)
{
    size_t len;
    char *buf = slurp(path, &len);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    EVP_MD *m = EVP_MD_fetch(NULL, algo, NULL);
    assert_non_null(m);
    assert_true(EVP_Digest(buf, len, md, &mdlen, m, NULL));
    EVP_MD_free(m);
    free(buf);
    uint64_t v = 0;
    for (int b = 0; b < 8; b++)
        v = (v << 8) | md[b];
    return v;
}

/* ---- the built-in corpus ---- */

static void test_corpus_deterministic(void **ts)
{
    (void)ts;
    struct corpus_spec spec = { .files = 60, .bytes = 1 << 20, .seed = 7 };
    struct corpus a, b;
    char da[512], db[512], ma[600], mb[600], err[512];
    int gen = -1;
    tpath(da, sizeof(da), "det-a");
    tpath(db, sizeof(db), "det-b/nested");
    assert_int_equal(corpus_open(&a, da, &spec, &gen, err, sizeof(err)), 0);
    assert_int_equal(gen, 1);
    assert_int_equal(corpus_open(&b, db, &spec, &gen, err, sizeof(err)), 0);
    assert_int_equal(gen, 1);
    assert_int_equal(a.count, 60);
    assert_int_equal(a.bytes, 1 << 20);
    /* Same manifest, same bytes in every file. */
    snprintf(ma, sizeof(ma), "%s/../" CORPUS_MANIFEST, a.root);
    snprintf(mb, sizeof(mb), "%s/../" CORPUS_MANIFEST, b.root);
    size_t la, lb;
    char *xa = slurp(ma, &la), *xb = slurp(mb, &lb);
    assert_int_equal(la, lb);
    assert_memory_equal(xa, xb, la);
    free(xa);
    free(xb);
    int sizes_differ = 0;
    for (size_t k = 0; k < a.count; k++) {
        char pa[1024], pb[1024];
        assert_string_equal(corpus_path(&a, k), corpus_path(&b, k));
        snprintf(pa, sizeof(pa), "%s/%s", a.root, corpus_path(&a, k));
        snprintf(pb, sizeof(pb), "%s/%s", b.root, corpus_path(&b, k));
        assert_int_equal(value_of(pa, "sha256"), value_of(pb, "sha256"));
        if (k > 0 && a.files[k].size != a.files[0].size)
            sizes_differ = 1;
        if (k > 0)
            assert_true(strcmp(corpus_path(&a, k - 1),
                               corpus_path(&a, k)) < 0);
    }
    assert_true(sizes_differ);
    corpus_free(&b);

    /* Reused while the manifest matches. */
    assert_int_equal(corpus_open(&b, da, &spec, &gen, err, sizeof(err)), 0);
    assert_int_equal(gen, 0);
    corpus_free(&b);

    /* Regenerated when a file no longer has its size... */
    char victim[1024];
    snprintf(victim, sizeof(victim), "%s/%s", a.root, corpus_path(&a, 3));
    assert_int_equal(truncate(victim, 1), 0);
    assert_int_equal(corpus_open(&b, da, &spec, &gen, err, sizeof(err)), 0);
    assert_int_equal(gen, 1);
    corpus_free(&b);
    /* ... or the manifest was tampered with ... */
    FILE *f = fopen(ma, "r+");
    assert_non_null(f);
    fseek(f, 40, SEEK_SET);
    fputc('#', f);
    fclose(f);
    assert_int_equal(corpus_open(&b, da, &spec, &gen, err, sizeof(err)), 0);
    assert_int_equal(gen, 1);
    corpus_free(&b);
    /* ... and a different spec is another corpus. */
    spec.seed = 8;
    assert_int_equal(corpus_open(&b, da, &spec, &gen, err, sizeof(err)), 0);
    assert_int_equal(gen, 1);
    assert_string_not_equal(a.root, b.root);
    corpus_free(&b);
    corpus_free(&a);
}

static void test_corpus_interrupted(void **ts)
{
    (void)ts;
    /* A half-written corpus (no manifest) and a stale temp folder of a
     * dead generator are never trusted; the temp folder is cleaned. */
    struct corpus_spec spec = { .files = 10, .bytes = 1 << 16, .seed = 1 };
    char dir[512], half[600], stale[600], err[512];
    struct corpus c;
    int gen = -1;
    tpath(dir, sizeof(dir), "intr");
    snprintf(half, sizeof(half), "%s/corpus-v%d-f10-b65536-s1/tree/d0", dir,
             CORPUS_VERSION);
    snprintf(stale, sizeof(stale), "%s/.tmp-corpus-999999999-abcdef", dir);
    char cmd[1400];
    snprintf(cmd, sizeof(cmd), "mkdir -p '%s' '%s'", half, stale);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(corpus_open(&c, dir, &spec, &gen, err, sizeof(err)), 0);
    assert_int_equal(gen, 1);
    assert_int_equal(c.count, 10);
    struct stat st;
    assert_int_equal(stat(stale, &st), -1);
    corpus_free(&c);
}

static void test_corpus_no_space(void **ts)
{
    (void)ts;
    struct corpus_spec spec = { .files = 1000, .bytes = 1ULL << 49,
                                .seed = 1 };
    char dir[512], err[512];
    struct corpus c;
    tpath(dir, sizeof(dir), "nospace");
    assert_int_equal(corpus_open(&c, dir, &spec, NULL, err, sizeof(err)),
                     -1);
    assert_non_null(strstr(err, "free"));
}

static void test_corpus_tamper_and_folder(void **ts)
{
    (void)ts;
    struct corpus_spec spec = { .files = 30, .bytes = 1 << 18, .seed = 5 };
    struct corpus c;
    char dir[512], victim[1024], err[512];
    int gen = -1;
    tpath(dir, sizeof(dir), "tamper");
    assert_int_equal(corpus_open(&c, dir, &spec, &gen, err, sizeof(err)), 0);
    assert_int_equal(gen, 1);
    /* Made private; the corpus is checked once per process. */
    struct stat st;
    assert_int_equal(lstat(dir, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    snprintf(victim, sizeof(victim), "%s/%s", c.root, corpus_path(&c, 4));
    uint64_t good = value_of(victim, "sha256");
    corpus_free(&c);
    int fd = open(victim, O_WRONLY);
    assert_true(fd >= 0);
    assert_int_equal(pwrite(fd, "tampered", 8, 1), 8);
    close(fd);
    assert_true(value_of(victim, "sha256") != good);
    /* Same sizes: only the digests see it. */
    corpus_forget_verified();
    assert_int_equal(corpus_open(&c, dir, &spec, &gen, err, sizeof(err)), 0);
    assert_int_equal(gen, 1);
    assert_int_equal(value_of(victim, "sha256"), good);
    corpus_free(&c);
    corpus_forget_verified();
    assert_int_equal(corpus_open(&c, dir, &spec, &gen, err, sizeof(err)), 0);
    assert_int_equal(gen, 0);
    corpus_free(&c);

    /* A folder others can write, or a link, is refused. */
    assert_int_equal(chmod(dir, 0777), 0);
    assert_int_equal(corpus_open(&c, dir, &spec, &gen, err, sizeof(err)),
                     -1);
    assert_non_null(strstr(err, "writable by others"));
    assert_int_equal(chmod(dir, 0700), 0);
    char link[600];
    tpath(link, sizeof(link), "tamper-link");
    assert_int_equal(symlink(dir, link), 0);
    assert_int_equal(corpus_open(&c, link, &spec, &gen, err, sizeof(err)),
                     -1);
    assert_non_null(strstr(err, "symbolic link"));
}

/* ---- hashing and shuffled ---- */

static void test_hashing_known_digests(void **ts)
{
    (void)ts;
    char dir[512], p[600];
    tpath(dir, sizeof(dir), "known");
    mkdir(dir, 0755);
    snprintf(p, sizeof(p), "%s/sub", dir);
    mkdir(p, 0755);
    snprintf(p, sizeof(p), "%s/a", dir);
    put_file(p, "abc", 3);
    snprintf(p, sizeof(p), "%s/sub/empty", dir);
    put_file(p, "", 0);
    /* Sorted paths: "a", "sub/empty". md5("abc") = 900150983cd24fb0...,
     * md5("") = d41d8cd98f00b204...; sha256("abc") = ba7816bf8f01cfea...,
     * sha256("") = e3b0c44298fc1c14... */
    const char *kv_md5[] = { NULL, NULL };
    char dirkv[600];
    snprintf(dirkv, sizeof(dirkv), "dir=%s", dir);
    kv_md5[0] = dirkv;
    struct prepared h;
    assert_int_equal(prep(&h, "hashing", 0, NULL, kv_md5), 0);
    assert_int_equal(h.s.ntasks_out, 2);
    struct task_result r;
    void *w = NULL;
    assert_int_equal(h.wl->worker_init(h.s.state, 0, &w), 0);
    memset(&r, 0, sizeof(r));
    h.wl->run_task(h.s.state, w, 0, &r);
    assert_int_equal(r.status, TASK_OK);
    assert_int_equal(r.value, 0x900150983cd24fb0ULL);
    assert_int_equal(r.bytes, 3);
    memset(&r, 0, sizeof(r));
    h.wl->run_task(h.s.state, w, 1, &r);
    assert_int_equal(r.value, 0xd41d8cd98f00b204ULL);
    assert_int_equal(r.bytes, 0);
    h.wl->worker_fini(h.s.state, w);
    unprep(&h);

    const char *kv_sha[] = { dirkv, "algo=sha256", NULL };
    assert_int_equal(prep(&h, "hashing", 0, NULL, kv_sha), 0);
    struct outcome o = run_all(&h);
    assert_int_equal(o.errors, 0);
    assert_int_equal(o.checksum,
                     0xba7816bf8f01cfeaULL + 0xe3b0c44298fc1c14ULL);
    unprep(&h);
}

static void test_hashing_corpus_matches_evp(void **ts)
{
    (void)ts;
    char cache[512];
    tpath(cache, sizeof(cache), "cache");
    const char *kv[] = { "files=40", "size_mb=1", "corpus_seed=3",
                         "algo=sha1", NULL };
    struct prepared h, s;
    assert_int_equal(prep(&h, "hashing", 0, cache, kv), 0);
    const struct corpus *c = corpus_task_corpus(h.s.state);
    assert_int_equal(h.s.ntasks_out, 40);
    struct outcome oh = run_all(&h);
    assert_int_equal(oh.errors, 0);
    assert_int_equal(oh.bytes, 1 << 20);
    uint64_t want = 0;
    for (size_t k = 0; k < c->count; k++) {
        char p[1024];
        snprintf(p, sizeof(p), "%s/%s", c->root, corpus_path(c, k));
        want += value_of(p, "sha1");
    }
    assert_int_equal(oh.checksum, want);

    /* shuffled: another order, the same checksum. */
    assert_int_equal(prep(&s, "shuffled", 0, cache, kv), 0);
    int moved = 0;
    for (uint64_t i = 0; i < s.s.ntasks_out; i++)
        if (corpus_task_file(s.s.state, i) != i)
            moved++;
    assert_true(moved > 20);
    struct outcome os = run_all(&s);
    assert_int_equal(os.checksum, oh.checksum);
    assert_int_equal(os.bytes, oh.bytes);
    unprep(&s);
    unprep(&h);

    /* With -n other than the file count the two still agree. */
    uint64_t ns[] = { 7, 93 };
    for (size_t k = 0; k < 2; k++) {
        assert_int_equal(prep(&h, "hashing", ns[k], cache, kv), 0);
        assert_int_equal(prep(&s, "shuffled", ns[k], cache, kv), 0);
        assert_int_equal(h.s.ntasks_out, ns[k]);
        assert_int_equal(run_all(&h).checksum, run_all(&s).checksum);
        unprep(&s);
        unprep(&h);
    }
}

static void test_hashing_user_tree_errors(void **ts)
{
    (void)ts;
    char dir[512], p[1024], q[1024], outside[512], dirkv[1100];
    tpath(dir, sizeof(dir), "tree");
    tpath(outside, sizeof(outside), "outside");
    mkdir(dir, 0755);
    mkdir(outside, 0755);
    snprintf(p, sizeof(p), "%s/secret", outside);
    put_file(p, "not mine", 8);
    snprintf(p, sizeof(p), "%s/b", dir);
    put_file(p, "bbb", 3);
    snprintf(p, sizeof(p), "%s/c", dir);
    put_file(p, "ccc", 3);
    snprintf(p, sizeof(p), "%s/d", dir);
    put_file(p, "ddd", 3);
    /* Symlinks to a file and to a folder are skipped, not followed; a
     * FIFO is skipped too (reading it would block). */
    snprintf(p, sizeof(p), "%s/link-file", dir);
    snprintf(q, sizeof(q), "%s/secret", outside);
    assert_int_equal(symlink(q, p), 0);
    snprintf(p, sizeof(p), "%s/link-dir", dir);
    assert_int_equal(symlink(outside, p), 0);
    snprintf(p, sizeof(p), "%s/fifo", dir);
    assert_int_equal(mkfifo(p, 0644), 0);

    snprintf(dirkv, sizeof(dirkv), "dir=%s", dir);
    const char *kv[] = { dirkv, NULL };
    struct prepared h;
    assert_int_equal(prep(&h, "hashing", 0, NULL, kv), 0);
    const struct corpus *c = corpus_task_corpus(h.s.state);
    assert_int_equal(c->count, 3);
    assert_int_equal(c->symlinks_skipped, 2);
    assert_int_equal(c->others_skipped, 1);

    /* After prepare: b vanishes, c becomes a symlink, d a FIFO. Each
     * becomes a task error with its errno; nothing blocks or crashes. */
    snprintf(p, sizeof(p), "%s/b", dir);
    assert_int_equal(unlink(p), 0);
    snprintf(p, sizeof(p), "%s/c", dir);
    assert_int_equal(unlink(p), 0);
    assert_int_equal(symlink(q, p), 0);
    snprintf(p, sizeof(p), "%s/d", dir);
    assert_int_equal(unlink(p), 0);
    assert_int_equal(mkfifo(p, 0644), 0);
    void *w = NULL;
    assert_int_equal(h.wl->worker_init(h.s.state, 0, &w), 0);
    int32_t want[] = { ENOENT, ELOOP, EINVAL };
    for (uint64_t i = 0; i < 3; i++) {
        struct task_result r;
        memset(&r, 0, sizeof(r));
        h.wl->run_task(h.s.state, w, i, &r);
        assert_int_equal(r.status, TASK_ERROR);
        assert_int_equal(r.error, want[i]);
    }
    h.wl->worker_fini(h.s.state, w);
    unprep(&h);

    /* An unreadable folder becomes an entry whose task fails with EACCES
     * (not testable as root, who reads everything). */
    if (geteuid() != 0) {
        snprintf(p, sizeof(p), "%s/locked", dir);
        mkdir(p, 0755);
        snprintf(q, sizeof(q), "%s/locked/x", dir);
        put_file(q, "x", 1);
        chmod(p, 0);
        assert_int_equal(prep(&h, "hashing", 0, NULL, kv), 0);
        struct outcome o = run_all(&h);
        assert_int_equal(o.errors, 1);
        assert_int_equal(o.first_error, EACCES);
        unprep(&h);
        chmod(p, 0755);
    }

    /* An empty tree is a clear prepare error. */
    tpath(p, sizeof(p), "empty");
    mkdir(p, 0755);
    snprintf(dirkv, sizeof(dirkv), "dir=%s", p);
    assert_int_equal(prep(&h, "hashing", 0, NULL, kv), -1);
    assert_non_null(strstr(h.err, "no regular files"));
    snprintf(dirkv, sizeof(dirkv), "dir=%s/missing", p);
    assert_int_equal(prep(&h, "hashing", 0, NULL, kv), -1);
    assert_non_null(strstr(h.err, "No such file"));
}

/* Resident pages of path, by mincore. */
static size_t resident_pages(const char *path, size_t *total)
{
    int fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    struct stat st;
    assert_int_equal(fstat(fd, &st), 0);
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t n = ((size_t)st.st_size + page - 1) / page;
    void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
    assert_true(m != MAP_FAILED);
    unsigned char *vec = malloc(n);
    assert_int_equal(mincore(m, (size_t)st.st_size, vec), 0);
    size_t in = 0;
    for (size_t k = 0; k < n; k++)
        in += vec[k] & 1;
    free(vec);
    munmap(m, (size_t)st.st_size);
    close(fd);
    *total = n;
    return in;
}

static void test_cache_cold_drops_pages(void **ts)
{
    (void)ts;
    char cache[512];
    tpath(cache, sizeof(cache), "cache");
    struct statfs sf;
    if (statfs(tmp_root, &sf) == 0 && sf.f_type == TMPFS_MAGIC)
        skip(); /* tmpfs pages cannot be dropped */
    const char *cold[] = { "files=20", "size_mb=4", "cache=cold", NULL };
    const char *warm[] = { "files=20", "size_mb=4", "cache=warm", NULL };
    struct prepared c, w;
    assert_int_equal(prep(&c, "hashing", 0, cache, cold), 0);
    assert_int_equal(prep(&w, "hashing", 0, cache, warm), 0);
    const struct corpus *cp = corpus_task_corpus(c.s.state);
    size_t big = 0;
    for (size_t k = 1; k < cp->count; k++)
        if (cp->files[k].size > cp->files[big].size)
            big = k;
    char p[1024];
    snprintf(p, sizeof(p), "%s/%s", cp->root, corpus_path(cp, big));
    size_t total, in;
    assert_int_equal(w.wl->before_rep(w.s.state, w.err, sizeof(w.err)), 0);
    in = resident_pages(p, &total);
    assert_true(total > 4);
    assert_int_equal(in, total);
    assert_int_equal(c.wl->before_rep(c.s.state, c.err, sizeof(c.err)), 0);
    in = resident_pages(p, &total);
    assert_true(in <= total / 10);
    assert_int_equal(w.wl->before_rep(w.s.state, w.err, sizeof(w.err)), 0);
    in = resident_pages(p, &total);
    assert_int_equal(in, total);
    unprep(&c);
    unprep(&w);
}

/* ---- contended ---- */

struct span {
    struct prepared *p;
    uint64_t from, to;
};

static void *run_span(void *arg)
{
    struct span *sp = arg;
    for (uint64_t i = sp->from; i < sp->to; i++) {
        struct task_result r;
        memset(&r, 0, sizeof(r));
        sp->p->wl->run_task(sp->p->s.state, NULL, i, &r);
    }
    return NULL;
}

/* Run the tasks split over n threads, or n forked children. */
static void run_parallel(struct prepared *p, int n, int fork_them)
{
    pthread_t th[8];
    pid_t pid[8];
    struct span sp[8];
    uint64_t per = p->s.ntasks_out / (uint64_t)n;
    for (int k = 0; k < n; k++) {
        sp[k].p = p;
        sp[k].from = per * (uint64_t)k;
        sp[k].to = k == n - 1 ? p->s.ntasks_out : per * (uint64_t)(k + 1);
        if (!fork_them) {
            assert_int_equal(pthread_create(&th[k], NULL, run_span, &sp[k]),
                             0);
            continue;
        }
        pid[k] = fork();
        assert_true(pid[k] >= 0);
        if (pid[k] == 0) {
            run_span(&sp[k]);
            _exit(0);
        }
    }
    for (int k = 0; k < n; k++) {
        if (!fork_them) {
            pthread_join(th[k], NULL);
            continue;
        }
        int status;
        assert_int_equal(waitpid(pid[k], &status, 0), pid[k]);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
}

static void test_contended_exact(void **ts)
{
    (void)ts;
    const char *locks[] = { "lock=mutex", "lock=spin" };
    const char *crit[] = { "critical=0", "critical=0.5", "critical=1" };
    for (int l = 0; l < 2; l++) {
        for (int c = 0; c < 3; c++) {
            for (int f = 0; f < 2; f++) {
                const char *kv[] = { "work=2000", locks[l], crit[c], NULL };
                struct prepared p;
                assert_int_equal(prep(&p, "contended", 400, NULL, kv), 0);
                assert_int_equal(p.wl->before_rep(p.s.state, p.err,
                                                  sizeof(p.err)), 0);
                run_parallel(&p, 3, f);
                assert_int_equal(p.wl->after_rep(p.s.state, 400, p.err,
                                                 sizeof(p.err)), 0);
                /* Values are i: the checksum is n(n-1)/2. */
                struct outcome o = run_all(&p);
                assert_int_equal(o.checksum, 400 * 399 / 2);
                assert_int_equal(p.wl->after_rep(p.s.state, 400, p.err,
                                                 sizeof(p.err)), 0);
                unprep(&p);
            }
        }
    }
}

/* utime + stime of a process, in clock ticks, from /proc. */
static long cpu_ticks(pid_t pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return 0;
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    const char *p = strrchr(buf, ')'); /* the name may hold spaces */
    long utime = 0, stime = 0;
    if (p == NULL || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u "
                            "%*u %*u %ld %ld", &utime, &stime) != 2)
        return 0;
    return utime + stime;
}

static void test_contended_after_rep_catches(void **ts)
{
    (void)ts;
    const char *kv[] = { "work=1000", "critical=1", NULL };
    struct prepared p;
    assert_int_equal(prep(&p, "contended", 10, NULL, kv), 0);
    assert_int_equal(p.wl->before_rep(p.s.state, p.err, sizeof(p.err)), 0);
    /* Only 9 of 10 tasks ran. */
    struct span sp = { &p, 0, 9 };
    run_span(&sp);
    assert_int_equal(p.wl->after_rep(p.s.state, 10, p.err, sizeof(p.err)),
                     -1);
    assert_non_null(strstr(p.err, "9 of 10"));
    unprep(&p);

    /* A forked worker killed inside the critical section: after_rep
     * refuses the repetition, and before_rep makes the lock usable
     * again. */
    const char *slow[][4] = {
        { "work=1000000000", "critical=1", "lock=mutex", NULL },
        { "work=1000000000", "critical=1", "lock=spin", NULL },
    };
    const char *why[] = { "died holding", "still held" };
    for (int l = 0; l < 2; l++) {
        assert_int_equal(prep(&p, "contended", 2, NULL, slow[l]), 0);
        assert_int_equal(p.wl->before_rep(p.s.state, p.err,
                                          sizeof(p.err)), 0);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            struct span one = { &p, 0, 1 };
            run_span(&one);
            _exit(0);
        }
        /* critical=1: once the child has burnt CPU it is in the
         * critical section, holding the lock. */
        for (int t = 0; t < 1000 && cpu_ticks(pid) < 5; t++)
            usleep(10 * 1000);
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        assert_int_equal(p.wl->after_rep(p.s.state, 2, p.err,
                                         sizeof(p.err)), -1);
        assert_non_null(strstr(p.err, why[l]));
        assert_int_equal(p.wl->before_rep(p.s.state, p.err,
                                          sizeof(p.err)), 0);
        assert_int_equal(p.wl->after_rep(p.s.state, 0, p.err,
                                         sizeof(p.err)), 0);
        unprep(&p);
    }
}

/* ---- crawl ---- */

static void test_crawl_set_exact(void **ts)
{
    (void)ts;
    const char *sets[] = { "set=lockfree", "set=mutex" };
    for (int k = 0; k < 2; k++) {
        for (int f = 0; f < 2; f++) {
            const char *kv[] = { "pages=3000", "links=16", "us=0", sets[k],
                                 NULL };
            struct prepared p;
            assert_int_equal(prep(&p, "crawl", 600, NULL, kv), 0);
            assert_int_equal(p.wl->before_rep(p.s.state, p.err,
                                              sizeof(p.err)), 0);
            run_parallel(&p, 4, f);
            assert_int_equal(p.wl->after_rep(p.s.state, 600, p.err,
                                             sizeof(p.err)), 0);
            /* Again, serially: the set was reset by before_rep. */
            struct outcome o = run_all(&p);
            assert_int_equal(o.checksum, 600 * 599 / 2);
            assert_int_equal(p.wl->after_rep(p.s.state, 600, p.err,
                                             sizeof(p.err)), 0);
            /* Without the reset every link is a duplicate: caught. */
            run_all_no_reset(&p);
            assert_int_equal(p.wl->after_rep(p.s.state, 600, p.err,
                                             sizeof(p.err)), -1);
            unprep(&p);
        }
    }
}

/* ---- latency ---- */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* This process's CPU time (user + sys, every thread), in seconds. */
static double self_cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
}

/* A latency task blocks for its time: it lasts at least that long, and it
 * waits without the CPU (a task that spun would use its whole time of
 * CPU), which is what lets waiting tasks overlap. Both hold on a busy
 * machine: lower bounds on wall time, upper bounds on CPU time. (How much
 * eight threads overlap is a speed, which a busy machine changes; the
 * executor tests check that workers run at once.) */
static void test_latency_blocks_and_overlaps(void **ts)
{
    (void)ts;
    const char *how[] = { "how=sleep", "how=socket" };
    for (int h = 0; h < 2; h++) {
        const char *kv[] = { "us=20000", how[h], NULL };
        struct prepared p;
        assert_int_equal(prep(&p, "latency", 8, NULL, kv), 0);
        double t0 = now_s(), c0 = self_cpu_s();
        struct outcome o = run_all(&p);
        double serial = now_s() - t0, cpu = self_cpu_s() - c0;
        assert_int_equal(o.errors, 0);
        assert_int_equal(o.checksum, 8 * 7 / 2);
        assert_true(serial >= 8 * 0.020);
        if (!(cpu < 8 * 0.020 / 2))
            fail_msg("%s: 8 tasks of 20 ms used %.3f s of CPU", how[h], cpu);
        t0 = now_s();
        c0 = self_cpu_s();
        run_parallel(&p, 8, 0);
        double parallel = now_s() - t0;
        cpu = self_cpu_s() - c0;
        assert_true(parallel >= 0.020);
        if (!(cpu < 8 * 0.020 / 2))
            fail_msg("%s: 8 threads of 20 ms used %.3f s of CPU", how[h],
                     cpu);
        unprep(&p);
    }
}

/* ---- parameters ---- */

static void test_params_rejected(void **ts)
{
    (void)ts;
    struct {
        const char *wl, *key, *text;
    } bad[] = {
        { "hashing", "algo", "sha3" },  { "hashing", "cache", "hot" },
        { "hashing", "files", "0" },    { "hashing", "size_mb", "-1" },
        { "hashing", "dir", "" },       { "shuffled", "seed", "x" },
        { "contended", "critical", "1.5" },
        { "contended", "lock", "rwlock" },
        { "contended", "work", "-5" },  { "latency", "us", "-1" },
        { "latency", "how", "busy" },   { "crawl", "set", "none" },
        { "crawl", "pages", "0" },
    };
    for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
        const struct workload *wl = registry_find(bad[k].wl);
        assert_non_null(wl);
        int idx = registry_param_index(wl, bad[k].key);
        assert_true(idx >= 0);
        union wl_value v;
        char err[256] = "";
        assert_int_equal(registry_param_parse(wl, (size_t)idx, bad[k].text,
                                              &v, err, sizeof(err)), -1);
        assert_non_null(strstr(err, bad[k].key));
    }
}

/* ---- plugins ---- */

static const char *plugin(const char *env)
{
    const char *p = getenv(env);
    if (p == NULL || p[0] == '\0')
        skip();
    return p;
}

static void test_plugin_loads_and_runs(void **ts)
{
    (void)ts;
    char err[512];
    const char *so = plugin("PLUGIN_EXAMPLE");
    assert_int_equal(registry_load_plugin(so, err, sizeof(err)), 0);
    assert_non_null(registry_find("collatz"));
    const char *kv[] = { "start=27", NULL };
    struct prepared p;
    assert_int_equal(prep(&p, "collatz", 1, NULL, kv), 0);
    assert_int_equal(run_all(&p).checksum, 111); /* 27 takes 111 steps */
    unprep(&p);
    /* Loading it twice is a name clash. */
    assert_int_equal(registry_load_plugin(so, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "already exists"));
}

static void test_plugin_refused(void **ts)
{
    (void)ts;
    char err[512];
    assert_int_equal(registry_load_plugin(plugin("PLUGIN_BADABI"), err,
                                          sizeof(err)), -1);
    assert_non_null(strstr(err, "ABI"));
    assert_null(registry_find("badabi"));
    assert_int_equal(registry_load_plugin(plugin("PLUGIN_DUPNAME"), err,
                                          sizeof(err)), -1);
    assert_non_null(strstr(err, "hashing"));
    assert_non_null(strstr(err, "already exists"));
    assert_int_equal(registry_find("hashing")->default_tasks, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corpus_deterministic),
        cmocka_unit_test(test_corpus_interrupted),
        cmocka_unit_test(test_corpus_no_space),
        cmocka_unit_test(test_corpus_tamper_and_folder),
        cmocka_unit_test(test_hashing_known_digests),
        cmocka_unit_test(test_hashing_corpus_matches_evp),
        cmocka_unit_test(test_hashing_user_tree_errors),
        cmocka_unit_test(test_cache_cold_drops_pages),
        cmocka_unit_test(test_contended_exact),
        cmocka_unit_test(test_contended_after_rep_catches),
        cmocka_unit_test(test_crawl_set_exact),
        cmocka_unit_test(test_latency_blocks_and_overlaps),
        cmocka_unit_test(test_params_rejected),
        cmocka_unit_test(test_plugin_loads_and_runs),
        cmocka_unit_test(test_plugin_refused),
    };
    return cmocka_run_group_tests(tests, setup_tmp, teardown_tmp);
}
