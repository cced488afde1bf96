/* history_query.c - reading the history store: runs, exports, pruning,
 * the lookups the gate needs, trend points (see history.h). The SQL is
 * written once for both backends (store_impl.h). */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs.h"
#include "store_impl.h"
#include "view.h"

/* ---- reading ------------------------------------------------------------ */

static void col_copy(struct history *db, struct store_stmt *st, int k,
                     char *buf, size_t len)
{
    snprintf(buf, len, "%s", db->be->col_text(st, k));
}

#define RUN_COLUMNS "id, name, git_commit, created, added_at, fingerprint," \
    " machine, length(text), (SELECT count(*) FROM results WHERE" \
    " run_id = runs.id)"

static void run_from_row(struct history *db, struct store_stmt *st,
                         struct history_run *r)
{
    memset(r, 0, sizeof(*r));
    r->id = db->be->col_int(st, 0);
    col_copy(db, st, 1, r->name, sizeof(r->name));
    col_copy(db, st, 2, r->commit, sizeof(r->commit));
    col_copy(db, st, 3, r->created, sizeof(r->created));
    col_copy(db, st, 4, r->added_at, sizeof(r->added_at));
    col_copy(db, st, 5, r->fingerprint, sizeof(r->fingerprint));
    col_copy(db, st, 6, r->machine, sizeof(r->machine));
    r->bytes = (size_t)db->be->col_int(st, 7);
    r->nrows = (size_t)db->be->col_int(st, 8);
}

int history_list(struct history *db, const char *name,
                 struct history_run **out, size_t *n, char *err,
                 size_t err_len)
{
    *out = NULL;
    *n = 0;
    struct history_run *runs = NULL;
    size_t cap = 0, cnt = 0;
    struct store_stmt *st = store_prepare_stream(db, "SELECT " RUN_COLUMNS
        " FROM runs WHERE CAST($1 AS TEXT) IS NULL OR name = $1"
        " ORDER BY created, id", err, err_len);
    if (st == NULL)
        return -1;
    db->be->bind_text(st, 1, name);
    int s;
    while ((s = db->be->step(st)) == 1) {
        if (cnt == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            struct history_run *g = realloc(runs, ncap * sizeof(*g));
            if (g == NULL) {
                snprintf(err, err_len, "out of memory");
                goto fail;
            }
            runs = g;
            cap = ncap;
        }
        run_from_row(db, st, &runs[cnt++]);
    }
    if (s != 0) {
        store_fail(db, "listing runs", err, err_len);
        goto fail;
    }
    db->be->finalize(st);
    *out = runs;
    *n = cnt;
    return 0;
fail:
    db->be->finalize(st);
    free(runs);
    return -1;
}

/* Run id is not stored: say so; returns HISTORY_NOT_FOUND. */
static int no_run(struct history *db, long long id, char *err,
                  size_t err_len)
{
    snprintf(err, err_len, "no run %lld in %s; see poolbench history list",
             id, db->where);
    return HISTORY_NOT_FOUND;
}

/* Run id's row of sql ("SELECT ... FROM runs WHERE id = $1"), stepped
 * onto: 0 with the statement in *out (finalize it), else
 * HISTORY_NOT_FOUND or -1 with a message and nothing to finalize. */
static int run_row(struct history *db, const char *sql, long long id,
                   struct store_stmt **out, char *err, size_t err_len)
{
    struct store_stmt *st = store_prepare(db, sql, err, err_len);
    *out = NULL;
    if (st == NULL)
        return -1;
    db->be->bind_int(st, 1, id);
    int s = db->be->step(st);
    if (s == 1) {
        *out = st;
        return 0;
    }
    int rc = s == 0 ? no_run(db, id, err, err_len)
                    : store_fail(db, "reading a run", err, err_len);
    db->be->finalize(st);
    return rc;
}

int history_get(struct history *db, long long id, struct history_run *out,
                char *err, size_t err_len)
{
    struct store_stmt *st;
    int rc = run_row(db, "SELECT " RUN_COLUMNS " FROM runs WHERE id = $1",
                     id, &st, err, err_len);
    if (rc != 0)
        return rc;
    run_from_row(db, st, out);
    db->be->finalize(st);
    return 0;
}

/* Call fn with run id's stored text. */
static int with_text(struct history *db, long long id,
                     int (*fn)(const char *text, size_t len, void *arg,
                               char *err, size_t err_len),
                     void *arg, char *err, size_t err_len)
{
    struct store_stmt *st;
    int rc = run_row(db, "SELECT text FROM runs WHERE id = $1", id, &st,
                     err, err_len);
    if (rc != 0)
        return rc;
    size_t len;
    const char *p = db->be->col_blob(st, 0, &len);
    rc = fn(p, len, arg, err, err_len);
    db->be->finalize(st);
    return rc;
}

static int export_fn(const char *text, size_t len, void *arg, char *err,
                     size_t err_len)
{
    return fs_write_atomic(arg, text, len, err, err_len);
}

int history_export(struct history *db, long long id, const char *path,
                   char *err, size_t err_len)
{
    return with_text(db, id, export_fn, (void *)path, err, err_len);
}

struct load_arg {
    long long id;
    struct results_file *out;
};

static int load_fn(const char *text, size_t len, void *arg, char *err,
                   size_t err_len)
{
    struct load_arg *a = arg;
    char label[64];
    snprintf(label, sizeof(label), "history:%lld", a->id);
    return results_parse(label, text, len, a->out, err, err_len);
}

int history_load_run(struct history *db, long long id,
                     struct results_file *out, char *err, size_t err_len)
{
    struct load_arg a = { id, out };
    memset(out, 0, sizeof(*out));
    return with_text(db, id, load_fn, &a, err, err_len);
}

int history_prune(struct history *db, const char *name, size_t keep,
                  size_t *removed, char *err, size_t err_len)
{
    struct store_stmt *st = NULL;
    int rc = -1, s;
    size_t gone = 0;
    if (db->be->begin(db, 0, err, err_len) != 0)
        return -1;
    st = store_prepare(db, "DELETE FROM runs WHERE id IN (SELECT id FROM"
                       " (SELECT id, row_number() OVER (PARTITION BY name"
                       " ORDER BY created DESC, id DESC) AS rn FROM runs"
                       " WHERE CAST($1 AS TEXT) IS NULL OR name = $1) AS o"
                       " WHERE rn > $2) RETURNING id", err, err_len);
    if (st == NULL)
        goto done;
    db->be->bind_text(st, 1, name);
    db->be->bind_int(st, 2, (long long)keep);
    while ((s = db->be->step(st)) == 1)
        gone++;
    if (s != 0) {
        store_fail(db, "pruning", err, err_len);
        goto done;
    }
    /* Foreign keys cascade; this also clears rows a database made with
     * SQLite's foreign keys off left behind. */
    if (db->be->exec(db, "DELETE FROM results WHERE run_id NOT IN "
                     "(SELECT id FROM runs)", err, err_len) != 0 ||
        db->be->exec(db, "COMMIT", err, err_len) != 0)
        goto done;
    if (removed != NULL)
        *removed = gone;
    rc = 0;
done:
    db->be->finalize(st);
    if (rc != 0)
        db->be->rollback(db);
    return rc;
}

/* ---- lookups ------------------------------------------------------------ */

int history_last_k(struct history *db, const char *name,
                   const char *fingerprint, size_t k, long long *ids,
                   size_t *n, char *err, size_t err_len)
{
    *n = 0;
    struct store_stmt *st = store_prepare(
        db, "SELECT id FROM runs WHERE name = $1 "
        "AND (CAST($2 AS TEXT) IS NULL OR fingerprint = $2) "
        "ORDER BY created DESC, id DESC LIMIT $3",
        err, err_len);
    if (st == NULL)
        return -1;
    db->be->bind_text(st, 1, name);
    db->be->bind_text(st, 2, fingerprint);
    db->be->bind_int(st, 3, (long long)k);
    int s;
    while ((s = db->be->step(st)) == 1)
        ids[(*n)++] = db->be->col_int(st, 0);
    db->be->finalize(st);
    if (s != 0)
        return store_fail(db, "looking up runs", err, err_len);
    if (*n == 0 && k > 0) {
        snprintf(err, err_len, "no run named '%s'%s%s in %s", name,
                 fingerprint ? " on machine " : "",
                 fingerprint ? fingerprint : "", db->where);
        return HISTORY_NOT_FOUND;
    }
    return 0;
}

int history_latest(struct history *db, const char *name,
                   const char *fingerprint, long long *id, char *err,
                   size_t err_len)
{
    size_t n;
    return history_last_k(db, name, fingerprint, 1, id, &n, err, err_len);
}

int history_by_commit(struct history *db, const char *name,
                      const char *commit_prefix, const char *fingerprint,
                      long long *id, char *err, size_t err_len)
{
    /* substr, not LIKE: a prefix with % or _ must not match widely. */
    struct store_stmt *st = store_prepare(
        db, "SELECT id, git_commit FROM runs "
        "WHERE name = $1 AND (CAST($2 AS TEXT) IS NULL OR "
        "fingerprint = $2) AND CAST($3 AS TEXT) <> '' AND "
        "substr(git_commit, 1, length(CAST($3 AS TEXT))) = $3 "
        "ORDER BY created DESC, id DESC",
        err, err_len);
    if (st == NULL)
        return -1;
    db->be->bind_text(st, 1, name);
    db->be->bind_text(st, 2, fingerprint);
    db->be->bind_text(st, 3, commit_prefix);
    int s, rc = 0, found = 0;
    char first[64] = "", other[64];
    while ((s = db->be->step(st)) == 1) {
        if (!found) {
            *id = db->be->col_int(st, 0);
            col_copy(db, st, 1, first, sizeof(first));
            found = 1;
            continue;
        }
        col_copy(db, st, 1, other, sizeof(other));
        if (strcmp(other, first) != 0) {
            snprintf(err, err_len, "commit prefix '%.40s' names several "
                     "commits (%s, %s); give more digits", commit_prefix,
                     first, other);
            rc = -1;
            break;
        }
    }
    if (rc == 0 && s != 0 && s != 1)
        rc = store_fail(db, "looking up a commit", err, err_len);
    if (rc == 0 && !found) {
        snprintf(err, err_len, "no run named '%s' at commit '%.40s'%s%s "
                 "in %s", name, commit_prefix,
                 fingerprint ? " on machine " : "",
                 fingerprint ? fingerprint : "", db->where);
        rc = HISTORY_NOT_FOUND;
    }
    db->be->finalize(st);
    return rc;
}

/* One row of the points query as a history_point. */
static void point_from_row(const struct store_backend *be,
                           struct store_stmt *st, struct history_point *p)
{
    *p = (struct history_point){
        .run_id = be->col_int(st, 0),
        .name = be->col_text(st, 1), .commit = be->col_text(st, 2),
        .created = be->col_text(st, 3), .fingerprint = be->col_text(st, 4),
        .workload = be->col_text(st, 5), .params = be->col_text(st, 6),
        .executor = be->col_text(st, 7), .transport = be->col_text(st, 8),
        .mode = be->col_text(st, 9), .instance = be->col_text(st, 10),
        .config = be->col_text(st, 11), .key = be->col_text(st, 12),
        .workers = (unsigned)be->col_int(st, 13),
        .chunk = (unsigned long long)be->col_int(st, 14),
        .n = (size_t)be->col_int(st, 15),
        .median = be->col_real(st, 16), .ci95_low = be->col_real(st, 17),
        .ci95_high = be->col_real(st, 18), .speedup = be->col_real(st, 19),
        .tasks = (unsigned long long)be->col_int(st, 20),
        .chunk_auto = (int)be->col_int(st, 21),
    };
}

int history_points(struct history *db, const char *name,
                   int (*fn)(const struct history_point *p, void *arg,
                             char *err, size_t err_len),
                   void *arg, char *err, size_t err_len)
{
    struct store_stmt *st = store_prepare_stream(db, "SELECT r.id, r.name,"
        " r.git_commit, r.created, r.fingerprint, s.workload, s.params,"
        " s.executor, s.transport, s.mode, s.instance, s.config, s.key,"
        " s.workers, s.chunk, s.n, s.median, s.ci95_low, s.ci95_high,"
        " s.speedup, s.tasks, s.chunk_auto"
        " FROM results s JOIN runs r ON r.id = s.run_id"
        " WHERE CAST($1 AS TEXT) IS NULL OR r.name = $1"
        " ORDER BY r.fingerprint, s.workload, s.params, r.created, r.id",
        err, err_len);
    if (st == NULL)
        return -1;
    db->be->bind_text(st, 1, name);
    int s, rc = 0;
    while ((s = db->be->step(st)) == 1) {
        struct history_point p;
        point_from_row(db->be, st, &p);
        if (fn(&p, arg, err, err_len) != 0) {
            rc = -1;
            break;
        }
    }
    if (rc == 0 && s != 0)
        rc = store_fail(db, "reading results", err, err_len);
    db->be->finalize(st);
    return rc;
}

int history_load_named(const char *db_path, const char *spec,
                       const struct results_machine *m,
                       struct results_file *out, char *label,
                       size_t label_len, char *err, size_t err_len)
{
    struct history *db = NULL;
    char name[HISTORY_NAME_MAX + 64], fp[17];
    long long id = 0;
    const char *path = history_default_path(db_path);
    snprintf(name, sizeof(name), "%s", spec);
    char *at = strrchr(name, '@');
    if (at != NULL)
        *at++ = '\0';
    if (history_check_name(name, err, err_len) != 0)
        return -1;
    history_fingerprint(m, fp, NULL, 0);
    int rc = history_open(path, HISTORY_READ_ONLY, &db, err, err_len);
    if (rc == 0)
        rc = at != NULL ? history_by_commit(db, name, at, fp, &id, err,
                                            err_len)
                        : history_latest(db, name, fp, &id, err, err_len);
    if (rc == 0)
        rc = history_load_run(db, id, out, err, err_len);
    history_close(db);
    if (rc == 0)
        snprintf(label, label_len, "%s (run %lld)", spec, id);
    else if (rc == HISTORY_NOT_FOUND) {
        size_t used = strlen(err);
        snprintf(err + used, err_len - used, " (this machine); store one "
                 "with `poolbench run --save %s`", name);
    }
    return rc == 0 || rc == HISTORY_NOT_FOUND ? rc : -1;
}
