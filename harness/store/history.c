/* history.c - the history store's shared logic: choosing a backend,
 * opening, schema migrations, fingerprints, storing runs whole (see
 * history.h; reading is in history_query.c, the backends in
 * store_sqlite.c and store_pg.c). */
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fs.h"
#include "store_impl.h"
#include "view.h"

const struct store_backend *store_backend_for(const char *target)
{
    if (strncmp(target, "postgresql://", 13) == 0 ||
        strncmp(target, "postgres://", 11) == 0)
        return &store_pg;
    /* A libpq keyword string: "service=NAME", "host=H dbname=D". A file
     * path has a '/' or '.' before any '=' or none at all. */
    size_t k = 0;
    while (target[k] != '\0' && (islower((unsigned char)target[k]) ||
                                 target[k] == '_'))
        k++;
    return k > 0 && target[k] == '=' ? &store_pg : &store_sqlite;
}

int store_fail(struct history *h, const char *what, char *err,
               size_t err_len)
{
    snprintf(err, err_len, "%s: %s: %s", h->where, what, h->be->errmsg(h));
    return -1;
}

static struct store_stmt *prepare(struct history *h, const char *sql,
                                  int stream, char *err, size_t err_len)
{
    struct store_stmt *st = h->be->prepare(h, sql, stream);
    if (st == NULL)
        store_fail(h, "prepare", err, err_len);
    return st;
}

struct store_stmt *store_prepare(struct history *h, const char *sql,
                                 char *err, size_t err_len)
{
    return prepare(h, sql, 0, err, err_len);
}

struct store_stmt *store_prepare_stream(struct history *h, const char *sql,
                                        char *err, size_t err_len)
{
    return prepare(h, sql, 1, err, err_len);
}

void store_newer(struct history *h, int v, char *err, size_t err_len)
{
    snprintf(err, err_len, "%s: schema version %d is newer than this "
             "poolbench's %d; use a newer poolbench", h->where, v,
             HISTORY_SCHEMA_VERSION);
}

int history_schema_version(struct history *db)
{
    return db->be->schema_version(db);
}

int history_integrity_check(struct history *db, char *err, size_t err_len)
{
    return db->be->integrity_check(db, err, err_len);
}

const char *history_where(const struct history *db)
{
    return db->where;
}

/* Mark run id's rows of f whose chunk was automatic. */
static int mark_chunk_auto(struct history *h, struct store_stmt *st,
                           long long id, const struct results_file *f,
                           char *err, size_t err_len)
{
    for (size_t k = 0; k < f->nrows; k++) {
        char key[1024];
        if (!f->rows[k].chunk_auto)
            continue;
        view_match_key(&f->rows[k], key, sizeof(key));
        h->be->reset(st);
        h->be->bind_int(st, 1, id);
        h->be->bind_text(st, 2, key);
        if (h->be->step(st) < 0)
            return store_fail(h, "marking chunks", err, err_len);
    }
    return 0;
}

/* Run id's new fingerprint and automatic chunks, from its text. */
static int refingerprint_run(struct history *h, struct store_stmt *upd,
                             struct store_stmt *aut, long long id,
                             const char *text, size_t len, char *err,
                             size_t err_len)
{
    struct results_file f;
    char fp[17], machine[1024], label[64];
    snprintf(label, sizeof(label), "history:%lld", id);
    if (results_parse(label, text, len, &f, err, err_len) != 0)
        return -1;
    history_fingerprint(&f.machines[0], fp, machine, sizeof(machine));
    int marked = mark_chunk_auto(h, aut, id, &f, err, err_len);
    results_free(&f);
    if (marked != 0)
        return -1;
    h->be->reset(upd);
    h->be->bind_text(upd, 1, fp);
    h->be->bind_text(upd, 2, machine);
    h->be->bind_int(upd, 3, id);
    if (h->be->step(upd) < 0)
        return store_fail(h, "updating fingerprints", err, err_len);
    return 0;
}

/* Recompute every stored run's fingerprint and machine text from its
 * file, and mark its automatic chunks (schema step 2 -> 3: the
 * fingerprint keeps only what makes timings incomparable; a trend follows
 * what was chosen, not what calibration resolved), inside the caller's
 * transaction. */
static int refingerprint(struct history *h, char *err, size_t err_len)
{
    struct store_stmt *sel = store_prepare(h, "SELECT id, text FROM runs",
                                           err, err_len);
    struct store_stmt *upd = store_prepare(h, "UPDATE runs SET fingerprint"
                                           " = $1, machine = $2 WHERE id ="
                                           " $3", err, err_len);
    struct store_stmt *aut = store_prepare(h, "UPDATE results SET "
                                           "chunk_auto = 1 WHERE run_id = "
                                           "$1 AND key = $2", err, err_len);
    int rc = -1, s;
    if (sel == NULL || upd == NULL || aut == NULL)
        goto out;
    while ((s = h->be->step(sel)) == 1) {
        size_t len;
        const char *text = h->be->col_blob(sel, 1, &len);
        if (refingerprint_run(h, upd, aut, h->be->col_int(sel, 0), text,
                              len, err, err_len) != 0)
            goto out;
    }
    rc = s == 0 ? 0 : store_fail(h, "reading runs", err, err_len);
out:
    h->be->finalize(sel);
    h->be->finalize(upd);
    h->be->finalize(aut);
    return rc;
}

/* The schema steps after the first (the backend's schema_v1), in SQL
 * that SQLite and PostgreSQL both take: step k takes version k to k + 1.
 * Append, never edit: a stored database has run the old steps. */
static const char *const later_steps[] = {
    NULL, /* 0 -> 1: the backend's schema_v1 */
    /* 1 -> 2: the lookups of the gate and of trends. */
    "CREATE INDEX runs_by_name ON runs(name, fingerprint, created, id);"
    "CREATE INDEX results_by_run ON results(run_id);"
    "CREATE INDEX results_by_key ON results(key, run_id);",
    /* 2 -> 3: whether a row's chunk was automatic (refingerprint fills
     * it in, with the new fingerprints). */
    "ALTER TABLE results ADD COLUMN chunk_auto INTEGER NOT NULL DEFAULT 0;",
};

_Static_assert(sizeof(later_steps) / sizeof(later_steps[0]) ==
               HISTORY_SCHEMA_VERSION, "one migration per schema version");

/* One schema step, v -> v + 1, inside the caller's transaction. */
static int migrate_step(struct history *h, int v, char *err,
                        size_t err_len)
{
    const char *sql = v == 0 ? h->be->schema_v1 : later_steps[v];
    if (h->be->exec(h, sql, err, err_len) != 0 ||
        (v == 2 && refingerprint(h, err, err_len) != 0))
        return -1;
    return h->be->set_schema_version(h, v + 1, err, err_len);
}

/* The version is read again inside each write transaction: two processes
 * opening a new database at once must not both run a step. */
int store_migrate(struct history *h, char *err, size_t err_len)
{
    for (;;) {
        if (h->be->begin(h, 1, err, err_len) != 0)
            return -1;
        int v = h->be->schema_version(h);
        if (v < 0) {
            store_fail(h, "reading the schema version", err, err_len);
            h->be->rollback(h);
            return -1;
        }
        if (v > HISTORY_SCHEMA_VERSION) {
            h->be->rollback(h);
            store_newer(h, v, err, err_len);
            return HISTORY_BAD_PATH;
        }
        if (v == HISTORY_SCHEMA_VERSION)
            return h->be->exec(h, "COMMIT", err, err_len);
        if (migrate_step(h, v, err, err_len) != 0 ||
            h->be->exec(h, "COMMIT", err, err_len) != 0) {
            h->be->rollback(h);
            return -1;
        }
    }
}

const char *history_default_path(const char *opt)
{
    if (opt != NULL)
        return opt;
    const char *env = getenv("POOLBENCH_DB");
    if (env != NULL && env[0] != '\0')
        return env;
    return HISTORY_DEFAULT_DB;
}

int history_open(const char *path, enum history_mode mode,
                 struct history **out, char *err, size_t err_len)
{
    *out = NULL;
    struct history *h = calloc(1, sizeof(*h));
    if (h == NULL) {
        snprintf(err, err_len, "out of memory");
        return -1;
    }
    h->be = store_backend_for(path);
    snprintf(h->where, sizeof(h->where), "%s", path);
    int rc = h->be->open(h, path, mode, err, err_len);
    if (rc != 0) {
        history_close(h);
        return rc == HISTORY_BAD_PATH || rc == HISTORY_NOT_FOUND ? rc : -1;
    }
    *out = h;
    return 0;
}

int history_check_writable(const char *path, char *err, size_t err_len)
{
    return store_backend_for(path)->check_writable(path, err, err_len);
}

void history_close(struct history *db)
{
    if (db == NULL)
        return;
    db->be->close(db);
    free(db);
}

int history_check_name(const char *name, char *err, size_t err_len)
{
    size_t len = strlen(name);
    if (len == 0 || len > HISTORY_NAME_MAX) {
        snprintf(err, err_len, "run name '%.40s%s' must be 1 to %d bytes",
                 name, len > 40 ? "..." : "", HISTORY_NAME_MAX);
        return -1;
    }
    for (const char *s = name; *s != '\0'; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f) {
            snprintf(err, err_len, "run name has a control character; use "
                     "printable text such as a branch name");
            return -1;
        }
    return 0;
}

/* ---- fingerprint -------------------------------------------------------- */

static uint64_t fnv1a(const char *s, uint64_t h)
{
    for (; *s != '\0'; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3ULL;
    }
    return h;
}

void history_fingerprint(const struct results_machine *m, char fp[17],
                         char *text, size_t text_len)
{
    char buf[1024];
    /* cpu_quota is read raw: the reader has no field for it yet. */
    const cJSON *q = m->json != NULL
                         ? cJSON_GetObjectItemCaseSensitive(m->json,
                                                            "cpu_quota")
                         : NULL;
    /* Only what makes timings incomparable: the CPU, how many of them
     * the run could use (affinity, quota), the memory (to the GiB: the
     * kernel's reserve moves the bytes). Kernel, microcode, OS image and
     * compiler change under hosted CI runners; compare shows them as a
     * difference instead of starting a new chain. */
    long usable = m->cpus_usable > 0 ? m->cpus_usable : m->cpus_online;
    if (cJSON_IsNumber(q) && q->valuedouble > 0 &&
        ceil(q->valuedouble) < (double)usable)
        usable = (long)ceil(q->valuedouble);
    snprintf(buf, sizeof(buf), "%s|%ld usable cpus|%.0f GiB",
             m->cpu_model ? m->cpu_model : "", usable,
             m->mem_total_bytes > 0
                 ? floor(m->mem_total_bytes / 1073741824.0 + 0.5) : 0.0);
    snprintf(fp, 17, "%016llx",
             (unsigned long long)fnv1a(buf, 0xcbf29ce484222325ULL));
    if (text != NULL)
        snprintf(text, text_len, "%s", buf);
}

/* ---- adding ------------------------------------------------------------- */

/* What history stores of a file must be one run of one machine. */
static int parse_run(const char *label, const char *text, size_t len,
                     struct results_file *f, char *err, size_t err_len)
{
    if (results_parse(label, text, len, f, err, err_len) != 0)
        return -1;
    if (f->nmachines != 1) {
        snprintf(err, err_len, "%s: a merge of %zu machines' runs; store "
                 "each run's own file instead", label, f->nmachines);
        results_free(f);
        return -1;
    }
    return 0;
}

int history_check_file(const char *path, char *err, size_t err_len)
{
    size_t len;
    char *text = results_read_text(path, &len, err, err_len);
    if (text == NULL)
        return -1;
    struct results_file f = { 0 };
    int rc = parse_run(path, text, len, &f, err, err_len);
    results_free(&f);
    free(text);
    return rc;
}

static void now_utc(char *buf, size_t len)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static const char *or_empty(const char *s)
{
    return s != NULL ? s : "";
}

/* Bind view row vr of run_id to st (the INSERT of insert_rows). */
static void bind_row(const struct store_backend *be, struct store_stmt *st,
                     long long run_id, const struct view_row *vr)
{
    const struct results_row *r = vr->r;
    struct stats_summary s;
    char inst[256], conf[512], key[1024];
    if (results_row_stats(r, RESULTS_WALL_S, &s) != 0) {
        memset(&s, 0, sizeof(s));
        s.median = s.ci95_low = s.ci95_high = NAN;
    }
    view_instance_label(r, inst, sizeof(inst));
    view_config_label(r, conf, sizeof(conf));
    view_match_key(r, key, sizeof(key));
    be->reset(st);
    be->bind_int(st, 1, run_id);
    be->bind_text(st, 2, r->workload);
    be->bind_text(st, 3, or_empty(r->params));
    be->bind_text(st, 4, r->executor);
    be->bind_text(st, 5, or_empty(r->transport));
    be->bind_int(st, 6, r->workers);
    be->bind_text(st, 7, or_empty(r->mode));
    be->bind_int(st, 8, (long long)r->chunk);
    be->bind_int(st, 9, (long long)r->tasks);
    be->bind_int(st, 10, (long long)s.n);
    be->bind_real(st, 11, s.median);
    be->bind_real(st, 12, s.ci95_low);
    be->bind_real(st, 13, s.ci95_high);
    be->bind_real(st, 14, vr->speedup);
    be->bind_text(st, 15, r->checksum);
    be->bind_text(st, 16, r->failure);
    be->bind_text(st, 17, inst);
    be->bind_text(st, 18, conf);
    be->bind_text(st, 19, key);
    be->bind_int(st, 20, r->chunk_auto != 0);
}

/* Insert one results row per view row of run_id. */
static int insert_rows(struct history *h, long long run_id,
                       const struct results_view *v, char *err,
                       size_t err_len)
{
    struct store_stmt *st = store_prepare(h, "INSERT INTO results (run_id,"
        " workload, params, executor, transport, workers, mode, chunk,"
        " tasks, n, median, ci95_low, ci95_high, speedup, checksum,"
        " failure, instance, config, key, chunk_auto) VALUES ($1, $2, $3,"
        " $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,"
        " $18, $19, $20)", err, err_len);
    int rc = 0;
    if (st == NULL)
        return -1;
    for (size_t k = 0; k < v->nrows && rc == 0; k++) {
        bind_row(h->be, st, run_id, &v->rows[k]);
        if (h->be->step(st) < 0)
            rc = store_fail(h, "storing a result", err, err_len);
    }
    h->be->finalize(st);
    return rc;
}

/* Insert the run itself; its new id into *rid. */
static int insert_run(struct history *h, const struct results_file *f,
                      const char *text, size_t len, const char *name,
                      long long *rid, char *err, size_t err_len)
{
    char fp[17], machine[256], added[32];
    history_fingerprint(&f->machines[0], fp, machine, sizeof(machine));
    now_utc(added, sizeof(added));
    struct store_stmt *st = store_prepare(h, "INSERT INTO runs (name,"
        " git_commit, created, added_at, fingerprint, machine, text)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id", err, err_len);
    if (st == NULL)
        return -1;
    h->be->bind_text(st, 1, name);
    h->be->bind_text(st, 2, or_empty(f->machines[0].git_commit));
    h->be->bind_text(st, 3, or_empty(f->created));
    h->be->bind_text(st, 4, added);
    h->be->bind_text(st, 5, fp);
    h->be->bind_text(st, 6, machine);
    h->be->bind_blob(st, 7, text, len);
    int rc = -1;
    if (h->be->step(st) == 1) {
        *rid = h->be->col_int(st, 0);
        rc = h->be->step(st) == 0 ? 0 : -1;
    }
    if (rc != 0)
        store_fail(h, "storing the run", err, err_len);
    h->be->finalize(st);
    return rc;
}

int history_add_text(struct history *db, const char *label,
                     const char *text, size_t len, const char *name,
                     long long *id, char *err, size_t err_len)
{
    struct results_file f = { 0 };
    struct results_view v = { 0 };
    int in_tx = 0, rc = -1;
    long long rid = 0;
    if (history_check_name(name, err, err_len) != 0 ||
        parse_run(label, text, len, &f, err, err_len) != 0 ||
        view_build(&f, &v, err, err_len) != 0)
        goto done;
    if (db->be->begin(db, 0, err, err_len) != 0)
        goto done;
    in_tx = 1;
    if (insert_run(db, &f, text, len, name, &rid, err, err_len) != 0 ||
        insert_rows(db, rid, &v, err, err_len) != 0 ||
        db->be->exec(db, "COMMIT", err, err_len) != 0)
        goto done;
    in_tx = 0;
    if (id != NULL)
        *id = rid;
    rc = 0;
done:
    if (in_tx)
        db->be->rollback(db);
    view_free(&v);
    results_free(&f);
    return rc;
}

int history_add_file(struct history *db, const char *path, const char *name,
                     long long *id, char *err, size_t err_len)
{
    size_t len;
    char *text = results_read_text(path, &len, err, err_len);
    if (text == NULL)
        return -1;
    int rc = history_add_text(db, path, text, len, name, id, err, err_len);
    free(text);
    return rc;
}
