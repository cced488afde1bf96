/* corpus_task.c - the digest tasks hashing and shuffled share (see
 * corpus.h): preparing the corpus and the digest, the page cache before
 * each repetition, per-worker contexts, one file digested per task, and
 * the Python peer's description of the tasks.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "corpus.h"
#include "corpus_impl.h"

#define CORPUS_READ_BUF (128 * 1024)  /* per-worker read buffer: fits L2 */

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
        st->order = malloc(st->ntasks * sizeof(*st->order));
        if (st->order == NULL) {
            snprintf(s->err, s->err_len, "out of memory");
            goto fail;
        }
        /* A permutation of task indices, so any -n gives the same
         * multiset of files as the sorted order. */
        corpus_shuffle(st->order, st->ntasks,
                       (uint64_t)a[shuffle_seed_arg].i);
    }
    s->state = st;
    s->ntasks_out = st->ntasks;
    return 0;
fail:
    corpus_task_release(st);
    return -1;
}

void corpus_json_string(FILE *out, const char *text)
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
    corpus_json_string(out, st->algo);
    fputs(",\"root\":", out);
    corpus_json_string(out, st->c.root);
    fputs(",\"files\":[", out);
    for (size_t k = 0; k < st->c.count; k++) {
        if (k > 0)
            fputc(',', out);
        corpus_json_string(out, corpus_path(&st->c, k));
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
    fd = corpus_file_open(&st->c, k);
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
