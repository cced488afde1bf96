/* cmd.c - a user's command, run once per task: the `xargs -P` question.
 *
 * Task i runs the command given with -p run=... once, with its item
 * substituted: {} is file i of a tree (-p dir=, default the built-in
 * corpus that hashing reads, in sorted path order) or line i of a list
 * file (-p list=), {#} the task index i (from 0). The line is split into
 * words here (simple shell-like quoting, no expansion) and started with
 * posix_spawn, without a shell unless -p shell=1, which runs
 * /bin/sh -c SCRIPT sh ITEM INDEX: the item reaches the script as "$1",
 * never spliced into its text. stdin is /dev/null; stdout goes to
 * /dev/null or, with digest=1, into SHA-256; stderr to /dev/null unless
 * stderr=inherit. -p baseline=1 runs `true` instead, with the same items
 * and the same spawn and wait: the cost of the spawn alone, a row to set
 * beside the command's (-p baseline=0,1).
 *
 * A non-zero exit is a TASK_EXITED error with the status, a signal a
 * TASK_SIGNALED error with the signal, timeout_ms reached a TASK_TIMEOUT
 * (with a limit the command runs in a process group of its own, killed
 * whole; without one in poolbench's, so that Ctrl-C reaches it), a spawn
 * that failed a TASK_ERROR with its errno.
 *
 * Value of task i: the first 8 bytes, big-endian, of the SHA-256 of
 *   RUN \0 KEY \0 I \0 STATUS \0 [STDOUT-SHA256]
 * RUN the run text as given (`true` for baseline=1), KEY the item
 * (a file's path relative to its tree, a line, or I), I the decimal task
 * index, STATUS the decimal exit status (0 for every task that counts),
 * and with digest=1 the 32 raw bytes of SHA-256 of what it wrote on
 * stdout. The same commands with the same results give the same checksum
 * under every executor, and on every machine.
 * out->bytes: the size of the task's file (files as items), for MB/s.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <openssl/evp.h>

#include "cmd_impl.h"
#include "input.h"
#include "workload.h"

#define CMD_READ_BUF (64 * 1024)  /* per-worker stdout buffer */
#define CMD_DEFAULT_TASKS 100     /* items = index, no -n */
#define CMD_ITEM_MAX 8192         /* longest item (path or line) */

enum {
    P_RUN, P_DIR, P_LIST, P_INPUT, P_SHELL, P_DIGEST, P_TIMEOUT,
    P_STDERR, P_BASELINE, P_FILES, P_SIZE_MB, P_CORPUS_SEED,
};

static const struct wl_param cmd_params[] = {
    { "run", WL_PARAM_TEXT, NULL,
      "the command, e.g. 'gzip -c {}': {} the item, {#} the task index; "
      "quoting '..' \"..\" \\, no expansion", 0, 0, NULL },
    { "dir", WL_PARAM_STRING, NULL,
      "items: the files under PATH in sorted order (default: the "
      "built-in corpus)", 0, 0, NULL },
    { "list", WL_PARAM_STRING, NULL,
      "items: the lines of FILE", 0, 0, NULL },
    { "input", WL_PARAM_CHOICE, "auto",
      "items: auto (list, dir, the corpus when run has {} or shell=1, "
      "else the index), files, lines or index", 0, 0,
      "auto|files|lines|index" },
    { "shell", WL_PARAM_INT, "0",
      "1: run /bin/sh -c RUN sh ITEM INDEX (the item is \"$1\")", 0, 1,
      NULL },
    { "digest", WL_PARAM_INT, "0",
      "1: SHA-256 of stdout goes into each task's value", 0, 1, NULL },
    { "timeout_ms", WL_PARAM_INT, "0",
      "kill a command (and its process group) after this long; 0: never",
      0, 86400000, NULL },
    { "stderr", WL_PARAM_CHOICE, "null",
      "the command's stderr: null or inherit", 0, 0, "null|inherit" },
    { "baseline", WL_PARAM_INT, "0",
      "1: run `true` instead, same items and spawn: the spawn's cost",
      0, 1, NULL },
    INPUT_CORPUS_PARAMS,
    { 0 },
};

struct cmd_state {
    const char *run;        /* as given (or "true" for baseline) */
    struct cmd_words words; /* run split; for shell=1 the argv below */
    int shell, digest, keep_stderr;
    int64_t timeout_ms;
    struct input_set in;
    uint64_t ntasks;
};

struct cmd_worker {
    EVP_MD_CTX *ctx;
    unsigned char *io;   /* CMD_READ_BUF */
    char **argv;         /* words.argc + 1 */
    char *text;          /* the substituted words */
    size_t text_cap;
};

static void cmd_release(void *state)
{
    struct cmd_state *st = state;
    if (st == NULL)
        return;
    cmd_words_free(&st->words);
    input_free(&st->in);
    free(st);
}

/* What the items are, from input=, list=, dir= and the command. */
static enum input_kind cmd_kind(const union wl_value *a, int marker)
{
    switch (a[P_INPUT].c.index) {
    case 1: return INPUT_FILES;
    case 2: return INPUT_LINES;
    case 3: return INPUT_INDEX;
    }
    if (a[P_LIST].s != NULL)
        return INPUT_LINES;
    if (a[P_DIR].s != NULL || a[P_SHELL].i || marker)
        return INPUT_FILES;
    return INPUT_INDEX;
}

/* Split the command (or build the shell's argv) into st->words. */
static int cmd_words(struct cmd_state *st, const char *run, int *marker,
                     char *err, size_t err_len)
{
    if (st->shell) {
        if (cmd_has_marker(run)) {
            snprintf(err, err_len, "cmd: with shell=1 the item is \"$1\" "
                     "and the index \"$2\", never spliced into the script: "
                     "write \"$1\" instead of {}");
            return -1;
        }
        /* sh -c SCRIPT sh {} {#}: the markers are ours, not the user's. */
        char line[] = "/bin/sh -c S sh {} {#}";
        if (cmd_split(line, &st->words, err, err_len) != 0)
            return -1;
        st->words.argv[2] = (char *)run;
        *marker = 1;
        return 0;
    }
    if (cmd_split(run, &st->words, err, err_len) != 0)
        return -1;
    *marker = 0;
    for (int k = 0; k < st->words.argc; k++)
        *marker |= cmd_has_marker(st->words.argv[k]);
    if (cmd_has_marker(st->words.argv[0])) {
        snprintf(err, err_len, "cmd: run: the program name cannot hold "
                 "{} or {#}; put the item in an argument");
        return -1;
    }
    if (!cmd_findable(st->words.argv[0])) {
        snprintf(err, err_len, "cmd: run: '%s' is not an executable "
                 "(a path, or a name found in PATH)", st->words.argv[0]);
        return -1;
    }
    return 0;
}

static int cmd_prepare(struct wl_setup *s)
{
    const union wl_value *a = s->args;
    int marker = 0;
    if (a[P_RUN].s == NULL) {
        snprintf(s->err, s->err_len, "cmd: no command; give one with "
                 "-p 'run=gzip -c {}' ({} the item, {#} the index)");
        return -1;
    }
    struct cmd_state *st = calloc(1, sizeof(*st));
    if (st == NULL) {
        snprintf(s->err, s->err_len, "out of memory");
        return -1;
    }
    st->shell = (int)a[P_SHELL].i;
    st->digest = (int)a[P_DIGEST].i;
    st->keep_stderr = a[P_STDERR].c.index == 1;
    st->timeout_ms = a[P_TIMEOUT].i;
    st->run = a[P_RUN].s;
    if (cmd_words(st, st->run, &marker, s->err, s->err_len) != 0)
        goto fail;
    if (a[P_BASELINE].i) {
        /* `true` given the command's items: the same spawn and wait,
         * nothing else. */
        cmd_words_free(&st->words);
        st->run = "true";
        st->shell = 0;
        if (cmd_split("true {} {#}", &st->words, s->err, s->err_len) != 0)
            goto fail;
    }
    struct input_spec spec = {
        .kind = cmd_kind(a, marker), .list = a[P_LIST].s, .dir = a[P_DIR].s,
        .cache_dir = s->cache_dir, .corpus = input_corpus_spec(&a[P_FILES]),
    };
    if (input_setup(&st->in, &spec, "cmd: input", s->ntasks, CMD_DEFAULT_TASKS, &st->ntasks,
                    s->err, s->err_len) != 0)
        goto fail;
    s->state = st;
    s->ntasks_out = st->ntasks;
    return 0;
fail:
    cmd_release(st);
    return -1;
}

static void worker_free(struct cmd_worker *w)
{
    if (w == NULL)
        return;
    EVP_MD_CTX_free(w->ctx);
    free(w->io);
    free(w->argv);
    free(w->text);
    free(w);
}

static struct cmd_worker *worker_new(const struct cmd_state *st)
{
    struct cmd_worker *w = calloc(1, sizeof(*w));
    if (w == NULL)
        return NULL;
    w->ctx = EVP_MD_CTX_new();
    w->io = malloc(CMD_READ_BUF);
    w->argv = calloc((size_t)st->words.argc + 1, sizeof(*w->argv));
    if (w->ctx == NULL || w->io == NULL || w->argv == NULL) {
        worker_free(w);
        return NULL;
    }
    return w;
}

static int cmd_worker_init(void *state, unsigned worker_id, void **wstate)
{
    (void)worker_id;
    *wstate = worker_new(state);
    return *wstate != NULL ? 0 : -1;
}

static void cmd_worker_fini(void *state, void *wstate)
{
    (void)state;
    worker_free(wstate);
}

/* Task i's argv into w: every {} the item, every {#} the index. Returns
 * 0, or an errno. */
static int build_argv(const struct cmd_state *st, struct cmd_worker *w,
                      const char *item, const char *index)
{
    size_t need = 0, il = strlen(item), xl = strlen(index);
    for (int k = 0; k < st->words.argc; k++)
        need += cmd_subst_len(st->words.argv[k], il, xl);
    if (need > w->text_cap) {
        /* Grows to the longest item once; not per task after that. */
        char *grown = realloc(w->text, need);
        if (grown == NULL)
            return ENOMEM;
        w->text = grown;
        w->text_cap = need;
    }
    char *o = w->text;
    for (int k = 0; k < st->words.argc; k++) {
        w->argv[k] = o;
        o = cmd_subst(st->words.argv[k], item, index, o);
    }
    w->argv[st->words.argc] = NULL;
    return 0;
}

/* The documented value of a task that exited 0. */
static uint64_t task_value(const struct cmd_state *st, struct cmd_worker *w,
                           const char *key, const char *index,
                           const struct cmd_outcome *o)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    uint64_t v = 0;
    EVP_DigestInit_ex(w->ctx, EVP_sha256(), NULL);
    EVP_DigestUpdate(w->ctx, st->run, strlen(st->run) + 1);
    EVP_DigestUpdate(w->ctx, key, strlen(key) + 1);
    EVP_DigestUpdate(w->ctx, index, strlen(index) + 1);
    EVP_DigestUpdate(w->ctx, "0", 2);
    if (st->digest)
        EVP_DigestUpdate(w->ctx, o->out_md, 32);
    EVP_DigestFinal_ex(w->ctx, md, &len);
    for (int b = 0; b < 8; b++)
        v = (v << 8) | md[b];
    return v;
}

static void run_one(const struct cmd_state *st, struct cmd_worker *w,
                    uint64_t i, struct task_result *out)
{
    char item[CMD_ITEM_MAX], key[CMD_ITEM_MAX], index[24];
    struct cmd_outcome o;
    snprintf(index, sizeof(index), "%" PRIu64, i);
    int e = input_error(&st->in, i);
    if (e == 0 && (input_item(&st->in, i, item, sizeof(item)) == NULL ||
                   input_key(&st->in, i, key, sizeof(key)) == NULL))
        e = ENAMETOOLONG;
    if (e == 0)
        e = build_argv(st, w, item, index);
    if (e != 0) {
        out->status = TASK_ERROR;
        out->error = e;
        return;
    }
    cmd_spawn_wait(w->argv, st->digest ? w->ctx : NULL, st->keep_stderr,
                   st->timeout_ms, w->io, CMD_READ_BUF, &o);
    out->bytes = input_size(&st->in, i);
    if (o.spawn_errno != 0) {
        out->status = TASK_ERROR;
        out->error = o.spawn_errno;
    } else if (o.timed_out) {
        out->status = TASK_TIMEOUT;
    } else if (WIFSIGNALED(o.status)) {
        out->status = TASK_SIGNALED;
        out->error = WTERMSIG(o.status);
    } else if (!WIFEXITED(o.status) || WEXITSTATUS(o.status) != 0) {
        out->status = TASK_EXITED;
        out->error = WIFEXITED(o.status) ? WEXITSTATUS(o.status) : -1;
    } else {
        out->value = task_value(st, w, key, index, &o);
    }
}

static void cmd_run_task(void *state, void *wstate, uint64_t i,
                         struct task_result *out)
{
    const struct cmd_state *st = state;
    struct cmd_worker *w = wstate, *own = NULL;
    if (w == NULL)
        w = own = worker_new(st);
    if (w == NULL) {
        out->status = TASK_ERROR;
        out->error = ENOMEM;
        return;
    }
    run_one(st, w, i, out);
    worker_free(own);
}

const struct workload wl_cmd = {
    .abi = WORKLOAD_ABI,
    .name = "cmd",
    .summary = "your command once per item (a file, a line, the index), "
               "as xargs -P: spawn + exec + wait",
    .value_doc = "first 8 bytes of SHA-256(run, item, index, exit status "
                 "[, SHA-256 of stdout]), big-endian",
    .params = cmd_params,
    .default_tasks = 0,
    .prepare = cmd_prepare,
    .worker_init = cmd_worker_init,
    .run_task = cmd_run_task,
    .worker_fini = cmd_worker_fini,
    .release = cmd_release,
};
