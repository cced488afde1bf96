/* history_query.c - reading the history database: runs, exports,
 * pruning, the lookups the gate needs, trend points (see history.h). */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs.h"
#include "history_impl.h"
#include "view.h"

/* ---- reading ------------------------------------------------------------ */

static void col_copy(sqlite3_stmt *st, int k, char *buf, size_t len)
{
    const unsigned char *s = sqlite3_column_text(st, k);
    snprintf(buf, len, "%s", s != NULL ? (const char *)s : "");
}

#define RUN_COLUMNS "id, name, git_commit, created, added_at, fingerprint," \
    " machine, length(text), (SELECT count(*) FROM results WHERE" \
    " run_id = runs.id)"

static void run_from_row(sqlite3_stmt *st, struct history_run *r)
{
    memset(r, 0, sizeof(*r));
    r->id = sqlite3_column_int64(st, 0);
    col_copy(st, 1, r->name, sizeof(r->name));
    col_copy(st, 2, r->commit, sizeof(r->commit));
    col_copy(st, 3, r->created, sizeof(r->created));
    col_copy(st, 4, r->added_at, sizeof(r->added_at));
    col_copy(st, 5, r->fingerprint, sizeof(r->fingerprint));
    col_copy(st, 6, r->machine, sizeof(r->machine));
    r->bytes = (size_t)sqlite3_column_int64(st, 7);
    r->nrows = (size_t)sqlite3_column_int64(st, 8);
}

int history_list(struct history *db, const char *name,
                 struct history_run **out, size_t *n, char *err,
                 size_t err_len)
{
    *out = NULL;
    *n = 0;
    struct history_run *runs = NULL;
    size_t cap = 0, cnt = 0;
    sqlite3_stmt *st = history_prepare(db, "SELECT " RUN_COLUMNS " FROM runs "
                                           "WHERE ?1 IS NULL OR name = ?1 "
                               "ORDER BY created, id", err, err_len);
    if (st == NULL)
        return -1;
    history_bind_text(st, 1, name);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
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
        run_from_row(st, &runs[cnt++]);
    }
    if (s != SQLITE_DONE) {
        history_db_fail(db, "listing runs", err, err_len);
        goto fail;
    }
    sqlite3_finalize(st);
    *out = runs;
    *n = cnt;
    return 0;
fail:
    sqlite3_finalize(st);
    free(runs);
    return -1;
}

/* Run id is not stored: say so; returns HISTORY_NOT_FOUND. */
static int no_run(struct history *db, long long id, char *err,
                  size_t err_len)
{
    snprintf(err, err_len, "no run %lld in %s; see poolbench history list",
             id, db->path);
    return HISTORY_NOT_FOUND;
}

int history_get(struct history *db, long long id, struct history_run *out,
                char *err, size_t err_len)
{
    sqlite3_stmt *st = history_prepare(db, "SELECT " RUN_COLUMNS " FROM runs "
                                           "WHERE id = ?", err, err_len);
    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    int s = sqlite3_step(st), rc = 0;
    if (s == SQLITE_ROW) {
        run_from_row(st, out);
    } else if (s == SQLITE_DONE) {
        rc = no_run(db, id, err, err_len);
    } else {
        rc = history_db_fail(db, "reading a run", err, err_len);
    }
    sqlite3_finalize(st);
    return rc;
}

/* Call fn with run id's stored text. */
static int with_text(struct history *db, long long id,
                     int (*fn)(const char *text, size_t len, void *arg,
                               char *err, size_t err_len),
                     void *arg, char *err, size_t err_len)
{
    sqlite3_stmt *st = history_prepare(
        db, "SELECT text FROM runs WHERE id = ?",
        err, err_len);
    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    int s = sqlite3_step(st), rc;
    if (s == SQLITE_ROW) {
        const char *p = sqlite3_column_blob(st, 0);
        size_t len = (size_t)sqlite3_column_bytes(st, 0);
        rc = fn(p != NULL ? p : "", len, arg, err, err_len);
    } else if (s == SQLITE_DONE) {
        rc = no_run(db, id, err, err_len);
    } else {
        rc = history_db_fail(db, "reading a run", err, err_len);
    }
    sqlite3_finalize(st);
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
    sqlite3_stmt *st = NULL;
    int rc = -1;
    if (history_exec_sql(db, "BEGIN IMMEDIATE", err, err_len) != 0)
        return -1;
    st = history_prepare(db, "DELETE FROM runs WHERE id IN (SELECT id FROM "
                 "(SELECT id, row_number() OVER (PARTITION BY name "
                             "ORDER BY created DESC, id DESC) AS rn FROM runs "
                             "WHERE ?1 IS NULL OR name = ?1) WHERE rn > ?2)",
                             err, err_len);
    if (st == NULL)
        goto done;
    history_bind_text(st, 1, name);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)keep);
    if (sqlite3_step(st) != SQLITE_DONE) {
        history_db_fail(db, "pruning", err, err_len);
        goto done;
    }
    size_t gone = (size_t)sqlite3_changes(db->db);
    /* foreign_keys=ON cascades; this also clears rows a database made
     * with foreign keys off left behind. */
    if (history_exec_sql(db, "DELETE FROM results WHERE run_id NOT IN "
                 "(SELECT id FROM runs)", err, err_len) != 0 ||
        history_exec_sql(db, "COMMIT", err, err_len) != 0)
        goto done;
    if (removed != NULL)
        *removed = gone;
    rc = 0;
done:
    sqlite3_finalize(st);
    if (rc != 0)
        history_rollback(db);
    return rc;
}

/* ---- lookups ------------------------------------------------------------ */

int history_last_k(struct history *db, const char *name,
                   const char *fingerprint, size_t k, long long *ids,
                   size_t *n, char *err, size_t err_len)
{
    *n = 0;
    sqlite3_stmt *st = history_prepare(
        db, "SELECT id FROM runs WHERE name = ?1 "
        "AND (?2 IS NULL OR fingerprint = ?2) "
        "ORDER BY created DESC, id DESC LIMIT ?3",
        err, err_len);
    if (st == NULL)
        return -1;
    history_bind_text(st, 1, name);
    history_bind_text(st, 2, fingerprint);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)k);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW)
        ids[(*n)++] = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (s != SQLITE_DONE)
        return history_db_fail(db, "looking up runs", err, err_len);
    if (*n == 0 && k > 0) {
        snprintf(err, err_len, "no run named '%s'%s%s in %s", name,
                 fingerprint ? " on machine " : "",
                 fingerprint ? fingerprint : "", db->path);
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
    sqlite3_stmt *st = history_prepare(
        db, "SELECT id, git_commit FROM runs "
        "WHERE name = ?1 AND (?2 IS NULL OR "
        "fingerprint = ?2) AND ?3 <> '' AND "
        "substr(git_commit, 1, length(?3)) = ?3 "
        "ORDER BY created DESC, id DESC",
        err, err_len);
    if (st == NULL)
        return -1;
    history_bind_text(st, 1, name);
    history_bind_text(st, 2, fingerprint);
    history_bind_text(st, 3, commit_prefix);
    int s, rc = 0, found = 0;
    char first[64] = "", other[64];
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (!found) {
            *id = sqlite3_column_int64(st, 0);
            col_copy(st, 1, first, sizeof(first));
            found = 1;
            continue;
        }
        col_copy(st, 1, other, sizeof(other));
        if (strcmp(other, first) != 0) {
            snprintf(err, err_len, "commit prefix '%.40s' names several "
                     "commits (%s, %s); give more digits", commit_prefix,
                     first, other);
            rc = -1;
            break;
        }
    }
    if (rc == 0 && s != SQLITE_DONE && s != SQLITE_ROW)
        rc = history_db_fail(db, "looking up a commit", err, err_len);
    if (rc == 0 && !found) {
        snprintf(err, err_len, "no run named '%s' at commit '%.40s'%s%s "
                 "in %s", name, commit_prefix,
                 fingerprint ? " on machine " : "",
                 fingerprint ? fingerprint : "", db->path);
        rc = HISTORY_NOT_FOUND;
    }
    sqlite3_finalize(st);
    return rc;
}

static const char *col_str(sqlite3_stmt *st, int k)
{
    const unsigned char *s = sqlite3_column_text(st, k);
    return s != NULL ? (const char *)s : "";
}

static double col_real(sqlite3_stmt *st, int k)
{
    if (sqlite3_column_type(st, k) == SQLITE_NULL)
        return NAN;
    return sqlite3_column_double(st, k);
}

int history_points(struct history *db, const char *name,
                   int (*fn)(const struct history_point *p, void *arg,
                             char *err, size_t err_len),
                   void *arg, char *err, size_t err_len)
{
    sqlite3_stmt *st = history_prepare(db, "SELECT r.id, r.name, r.git_commit,"
        " r.created, r.fingerprint, s.workload, s.params, s.executor,"
        " s.transport, s.mode, s.instance, s.config, s.key, s.workers,"
        " s.chunk, s.n, s.median, s.ci95_low, s.ci95_high, s.speedup,"
        " s.tasks, s.chunk_auto FROM results s JOIN runs r ON r.id = s.run_id"
                                           " WHERE ?1 IS NULL OR r.name = ?1"
        " ORDER BY r.fingerprint, s.workload, s.params, r.created, r.id",
                                           err, err_len);
    if (st == NULL)
        return -1;
    history_bind_text(st, 1, name);
    int s, rc = 0;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        struct history_point p = {
            .run_id = sqlite3_column_int64(st, 0),
            .name = col_str(st, 1), .commit = col_str(st, 2),
            .created = col_str(st, 3), .fingerprint = col_str(st, 4),
            .workload = col_str(st, 5), .params = col_str(st, 6),
            .executor = col_str(st, 7), .transport = col_str(st, 8),
            .mode = col_str(st, 9), .instance = col_str(st, 10),
            .config = col_str(st, 11), .key = col_str(st, 12),
            .workers = (unsigned)sqlite3_column_int64(st, 13),
            .chunk = (unsigned long long)sqlite3_column_int64(st, 14),
            .n = (size_t)sqlite3_column_int64(st, 15),
            .median = col_real(st, 16), .ci95_low = col_real(st, 17),
            .ci95_high = col_real(st, 18), .speedup = col_real(st, 19),
            .tasks = (unsigned long long)sqlite3_column_int64(st, 20),
            .chunk_auto = sqlite3_column_int(st, 21),
        };
        if (fn(&p, arg, err, err_len) != 0) {
            rc = -1;
            break;
        }
    }
    if (rc == 0 && s != SQLITE_DONE)
        rc = history_db_fail(db, "reading results", err, err_len);
    sqlite3_finalize(st);
    return rc;
}

int history_integrity_check(struct history *db, char *err, size_t err_len)
{
    sqlite3_stmt *st = history_prepare(
        db, "PRAGMA integrity_check", err, err_len);
    if (st == NULL)
        return -1;
    int rc = -1;
    if (sqlite3_step(st) == SQLITE_ROW) {
        const char *s = col_str(st, 0);
        if (strcmp(s, "ok") == 0)
            rc = 0;
        else
            snprintf(err, err_len, "%s: integrity_check: %s", db->path, s);
    } else {
        history_db_fail(db, "integrity_check", err, err_len);
    }
    sqlite3_finalize(st);
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
