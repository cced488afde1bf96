/* history.c - the history database in SQLite: schema and migrations,
 * storing runs whole, lookups, export and pruning (see history.h). */
#include "fs.h"
#include "history.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "view.h"

struct history {
    sqlite3 *db;
    char path[4096];
};

/* The schema, one step per version: step k takes user_version k to k + 1,
 * in one transaction with the version bump. Append, never edit: a stored
 * database has run the old steps. */
static const char *const migrations[] = {
    /* 0 -> 1: runs and their configurations. */
    "CREATE TABLE runs ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " name TEXT NOT NULL,"
    " git_commit TEXT NOT NULL DEFAULT '',"
    " created TEXT NOT NULL,"
    " added_at TEXT NOT NULL,"
    " fingerprint TEXT NOT NULL,"
    " machine TEXT NOT NULL,"
    " text BLOB NOT NULL);"
    "CREATE TABLE results ("
    " run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    " workload TEXT NOT NULL, params TEXT NOT NULL,"
    " executor TEXT NOT NULL, transport TEXT NOT NULL,"
    " workers INTEGER NOT NULL, mode TEXT NOT NULL,"
    " chunk INTEGER NOT NULL, tasks INTEGER NOT NULL,"
    " n INTEGER NOT NULL, median REAL, ci95_low REAL, ci95_high REAL,"
    " speedup REAL, checksum TEXT, failure TEXT,"
    " instance TEXT NOT NULL, config TEXT NOT NULL, key TEXT NOT NULL);",
    /* 1 -> 2: the lookups of the gate and of trends. */
    "CREATE INDEX runs_by_name ON runs(name, fingerprint, created, id);"
    "CREATE INDEX results_by_run ON results(run_id);"
    "CREATE INDEX results_by_key ON results(key, run_id);",
};

#define NMIGRATIONS (sizeof(migrations) / sizeof(migrations[0]))

_Static_assert(NMIGRATIONS == HISTORY_SCHEMA_VERSION,
               "one migration per schema version");

static int db_fail(struct history *db, const char *what, char *err,
                   size_t err_len)
{
    snprintf(err, err_len, "%s: %s: %s", db->path, what,
             sqlite3_errmsg(db->db));
    return -1;
}

static int exec_sql(struct history *db, const char *sql, char *err,
                    size_t err_len)
{
    char *msg = NULL;
    if (sqlite3_exec(db->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(err, err_len, "%s: %s", db->path,
                 msg != NULL ? msg : sqlite3_errmsg(db->db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

/* A statement, or NULL with the message in err. */
static sqlite3_stmt *prepare(struct history *db, const char *sql, char *err,
                             size_t err_len)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db->db, sql, -1, &st, NULL) != SQLITE_OK) {
        db_fail(db, "prepare", err, err_len);
        return NULL;
    }
    return st;
}

static void rollback(struct history *db)
{
    sqlite3_exec(db->db, "ROLLBACK", NULL, NULL, NULL);
}

int history_schema_version(struct history *db)
{
    sqlite3_stmt *st = NULL;
    int v = -1;
    if (sqlite3_prepare_v2(db->db, "PRAGMA user_version", -1, &st,
                           NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* Bring the schema to HISTORY_SCHEMA_VERSION. The version is read again
 * inside each write transaction: two processes opening a new file at once
 * must not both run a step. */
static int migrate(struct history *db, char *err, size_t err_len)
{
    for (;;) {
        if (exec_sql(db, "BEGIN IMMEDIATE", err, err_len) != 0)
            return -1;
        int v = history_schema_version(db);
        if (v < 0) {
            rollback(db);
            return db_fail(db, "reading user_version", err, err_len);
        }
        if (v > HISTORY_SCHEMA_VERSION) {
            rollback(db);
            snprintf(err, err_len, "%s: schema version %d is newer than "
                     "this poolbench's %d; use a newer poolbench", db->path,
                     v, HISTORY_SCHEMA_VERSION);
            return -1;
        }
        if (v == HISTORY_SCHEMA_VERSION)
            return exec_sql(db, "COMMIT", err, err_len);
        char bump[64];
        snprintf(bump, sizeof(bump), "PRAGMA user_version = %d", v + 1);
        if (exec_sql(db, migrations[v], err, err_len) != 0 ||
            exec_sql(db, bump, err, err_len) != 0 ||
            exec_sql(db, "COMMIT", err, err_len) != 0) {
            rollback(db);
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

/* Refuse what is not a regular file, and a missing parent folder, with a
 * message a user can act on; create the file when asked to. */
static int check_path(const char *path, enum history_mode mode, char *err,
                      size_t err_len)
{
    struct stat st;
    if (lstat(path, &st) == 0) {
        if (S_ISLNK(st.st_mode)) {
            snprintf(err, err_len, "%s: is a symbolic link; give the "
                     "database's real path", path);
            return HISTORY_BAD_PATH;
        }
        if (!S_ISREG(st.st_mode)) {
            snprintf(err, err_len, "%s: not a regular file; give a "
                     "database file", path);
            return HISTORY_BAD_PATH;
        }
        return 0;
    }
    if (errno != ENOENT) {
        snprintf(err, err_len, "%s: %s", path, strerror(errno));
        return HISTORY_BAD_PATH;
    }
    if (mode == HISTORY_MUST_EXIST) {
        snprintf(err, err_len, "no history database at %s; store runs with "
                 "poolbench run --save NAME or poolbench history add",
                 path);
        return HISTORY_NOT_FOUND;
    }
    char copy[4096];
    snprintf(copy, sizeof(copy), "%s", path);
    const char *dir = dirname(copy);
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, err_len, "%s: folder %s does not exist; create it "
                 "first", path, dir);
        return HISTORY_BAD_PATH;
    }
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                  0666);
    if (fd < 0 && errno != EEXIST) {
        snprintf(err, err_len, "%s: cannot create: %s", path,
                 strerror(errno));
        return -1;
    }
    if (fd >= 0)
        close(fd);
    return 0;
}

int history_open(const char *path, enum history_mode mode,
                 struct history **out, char *err, size_t err_len)
{
    *out = NULL;
    int rc = check_path(path, mode, err, err_len);
    if (rc != 0)
        return rc;
    struct history *db = calloc(1, sizeof(*db));
    if (db == NULL) {
        snprintf(err, err_len, "%s: out of memory", path);
        return -1;
    }
    snprintf(db->path, sizeof(db->path), "%s", path);
    if (sqlite3_open_v2(path, &db->db, SQLITE_OPEN_READWRITE |
                        SQLITE_OPEN_NOFOLLOW, NULL) != SQLITE_OK) {
        if (db->db == NULL)
            snprintf(err, err_len, "%s: out of memory", path);
        else
            db_fail(db, "cannot open", err, err_len);
        goto fail;
    }
    sqlite3_extended_result_codes(db->db, 1);
    /* The timeout first: switching to WAL itself takes a lock. */
    sqlite3_busy_timeout(db->db, HISTORY_BUSY_TIMEOUT_MS);
    if (exec_sql(db, "PRAGMA journal_mode=WAL", err, err_len) != 0 ||
        exec_sql(db, "PRAGMA foreign_keys=ON", err, err_len) != 0 ||
        migrate(db, err, err_len) != 0)
        goto fail;
    *out = db;
    return 0;
fail:
    history_close(db);
    return -1;
}

void history_close(struct history *db)
{
    if (db == NULL)
        return;
    sqlite3_close(db->db);
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
    char buf[1024], quota[64] = "";
    /* cpu_quota is read raw: the reader has no field for it yet. */
    const cJSON *q = m->json != NULL
                         ? cJSON_GetObjectItemCaseSensitive(m->json,
                                                            "cpu_quota")
                         : NULL;
    if (cJSON_IsNumber(q))
        snprintf(quota, sizeof(quota), "%g", q->valuedouble);
    else if (cJSON_IsString(q))
        snprintf(quota, sizeof(quota), "%.60s", q->valuestring);
    snprintf(buf, sizeof(buf), "%s|%ld cpus|%s|%s%s|%s|%s|%s",
             m->cpu_model ? m->cpu_model : "", m->cpus_online,
             m->affinity ? m->affinity : "", quota[0] ? "quota " : "",
             quota, m->kernel ? m->kernel : "",
             m->compiler ? m->compiler : "",
             m->build_type ? m->build_type : "");
    snprintf(fp, 17, "%016llx",
             (unsigned long long)fnv1a(buf, 0xcbf29ce484222325ULL));
    if (text != NULL)
        snprintf(text, text_len, "%s", buf);
}

/* ---- adding ------------------------------------------------------------- */

/* The whole file at path into a new NUL-terminated buffer. */
static char *read_text(const char *path, size_t *len, char *err,
                       size_t err_len)
{
    char *buf = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        snprintf(err, err_len, "%s: cannot read: %s", path, strerror(errno));
        goto fail;
    }
    if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > RESULTS_MAX_BYTES) {
        snprintf(err, err_len, "%s: not a regular file of at most %u "
                 "bytes; give a poolbench/1 results file", path,
                 RESULTS_MAX_BYTES);
        goto fail;
    }
    buf = malloc((size_t)st.st_size + 1);
    if (buf == NULL) {
        snprintf(err, err_len, "%s: out of memory", path);
        goto fail;
    }
    size_t got = 0;
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            snprintf(err, err_len, "%s: cannot read: %s", path,
                     n < 0 ? strerror(errno) : "file shrank");
            goto fail;
        }
        got += (size_t)n;
    }
    buf[got] = '\0';
    *len = got;
    close(fd);
    return buf;
fail:
    if (fd >= 0)
        close(fd);
    free(buf);
    return NULL;
}

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
    char *text = read_text(path, &len, err, err_len);
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

static void bind_text(sqlite3_stmt *st, int k, const char *s)
{
    if (s == NULL)
        sqlite3_bind_null(st, k);
    else
        sqlite3_bind_text(st, k, s, -1, SQLITE_TRANSIENT);
}

static void bind_real(sqlite3_stmt *st, int k, double v)
{
    if (isfinite(v))
        sqlite3_bind_double(st, k, v);
    else
        sqlite3_bind_null(st, k);
}

/* Insert one results row per view row of run_id. */
static int insert_rows(struct history *db, long long run_id,
                       const struct results_view *v, char *err,
                       size_t err_len)
{
    sqlite3_stmt *st = prepare(db, "INSERT INTO results (run_id, workload,"
        " params, executor, transport, workers, mode, chunk, tasks, n,"
        " median, ci95_low, ci95_high, speedup, checksum, failure,"
        " instance, config, key) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
        "?,?,?)", err, err_len);
    if (st == NULL)
        return -1;
    for (size_t k = 0; k < v->nrows; k++) {
        const struct view_row *vr = &v->rows[k];
        const struct results_row *r = vr->r;
        struct stats_summary s;
        char inst[256], conf[512], key[1024];
        if (results_row_stats(r, "wall_s", &s) != 0) {
            memset(&s, 0, sizeof(s));
            s.median = s.ci95_low = s.ci95_high = NAN;
        }
        view_instance_label(r, inst, sizeof(inst));
        view_config_label(r, conf, sizeof(conf));
        view_match_key(r, key, sizeof(key));
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, run_id);
        bind_text(st, 2, r->workload);
        bind_text(st, 3, r->params != NULL ? r->params : "");
        bind_text(st, 4, r->executor);
        bind_text(st, 5, r->transport != NULL ? r->transport : "");
        sqlite3_bind_int64(st, 6, r->workers);
        bind_text(st, 7, r->mode != NULL ? r->mode : "");
        sqlite3_bind_int64(st, 8, (sqlite3_int64)r->chunk);
        sqlite3_bind_int64(st, 9, (sqlite3_int64)r->tasks);
        sqlite3_bind_int64(st, 10, (sqlite3_int64)s.n);
        bind_real(st, 11, s.median);
        bind_real(st, 12, s.ci95_low);
        bind_real(st, 13, s.ci95_high);
        bind_real(st, 14, vr->speedup);
        bind_text(st, 15, r->checksum);
        bind_text(st, 16, r->failure);
        bind_text(st, 17, inst);
        bind_text(st, 18, conf);
        bind_text(st, 19, key);
        if (sqlite3_step(st) != SQLITE_DONE) {
            db_fail(db, "storing a result", err, err_len);
            sqlite3_finalize(st);
            return -1;
        }
    }
    sqlite3_finalize(st);
    return 0;
}

int history_add_text(struct history *db, const char *label,
                     const char *text, size_t len, const char *name,
                     long long *id, char *err, size_t err_len)
{
    struct results_file f = { 0 };
    struct results_view v = { 0 };
    sqlite3_stmt *st = NULL;
    int in_tx = 0, rc = -1;
    char fp[17], machine[256], added[32];
    if (history_check_name(name, err, err_len) != 0 ||
        parse_run(label, text, len, &f, err, err_len) != 0 ||
        view_build(&f, &v, err, err_len) != 0)
        goto done;
    history_fingerprint(&f.machines[0], fp, machine, sizeof(machine));
    now_utc(added, sizeof(added));
    /* IMMEDIATE: take the write lock now, under the busy timeout, rather
     * than fail on upgrading a read lock halfway. */
    if (exec_sql(db, "BEGIN IMMEDIATE", err, err_len) != 0)
        goto done;
    in_tx = 1;
    st = prepare(db, "INSERT INTO runs (name, git_commit, created, "
                 "added_at, fingerprint, machine, text) VALUES "
                 "(?,?,?,?,?,?,?)", err, err_len);
    if (st == NULL)
        goto done;
    const char *commit = f.machines[0].git_commit;
    bind_text(st, 1, name);
    bind_text(st, 2, commit != NULL ? commit : "");
    bind_text(st, 3, f.created != NULL ? f.created : "");
    bind_text(st, 4, added);
    bind_text(st, 5, fp);
    bind_text(st, 6, machine);
    sqlite3_bind_blob64(st, 7, text, len, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE) {
        db_fail(db, "storing the run", err, err_len);
        goto done;
    }
    long long rid = sqlite3_last_insert_rowid(db->db);
    if (insert_rows(db, rid, &v, err, err_len) != 0 ||
        exec_sql(db, "COMMIT", err, err_len) != 0)
        goto done;
    in_tx = 0;
    if (id != NULL)
        *id = rid;
    rc = 0;
done:
    sqlite3_finalize(st);
    if (in_tx)
        rollback(db);
    view_free(&v);
    results_free(&f);
    return rc;
}

int history_add_file(struct history *db, const char *path, const char *name,
                     long long *id, char *err, size_t err_len)
{
    size_t len;
    char *text = read_text(path, &len, err, err_len);
    if (text == NULL)
        return -1;
    int rc = history_add_text(db, path, text, len, name, id, err, err_len);
    free(text);
    return rc;
}

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
    sqlite3_stmt *st = prepare(db, "SELECT " RUN_COLUMNS " FROM runs "
                               "WHERE ?1 IS NULL OR name = ?1 "
                               "ORDER BY created, id", err, err_len);
    if (st == NULL)
        return -1;
    bind_text(st, 1, name);
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
        db_fail(db, "listing runs", err, err_len);
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

int history_get(struct history *db, long long id, struct history_run *out,
                char *err, size_t err_len)
{
    sqlite3_stmt *st = prepare(db, "SELECT " RUN_COLUMNS " FROM runs "
                               "WHERE id = ?", err, err_len);
    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    int s = sqlite3_step(st), rc = 0;
    if (s == SQLITE_ROW) {
        run_from_row(st, out);
    } else if (s == SQLITE_DONE) {
        snprintf(err, err_len, "no run %lld in %s; see poolbench history "
                 "list", id, db->path);
        rc = HISTORY_NOT_FOUND;
    } else {
        rc = db_fail(db, "reading a run", err, err_len);
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
    sqlite3_stmt *st = prepare(db, "SELECT text FROM runs WHERE id = ?",
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
        snprintf(err, err_len, "no run %lld in %s; see poolbench history "
                 "list", id, db->path);
        rc = HISTORY_NOT_FOUND;
    } else {
        rc = db_fail(db, "reading a run", err, err_len);
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
    if (exec_sql(db, "BEGIN IMMEDIATE", err, err_len) != 0)
        return -1;
    st = prepare(db, "DELETE FROM runs WHERE id IN (SELECT id FROM "
                 "(SELECT id, row_number() OVER (PARTITION BY name "
                 "ORDER BY created DESC, id DESC) AS rn FROM runs "
                 "WHERE ?1 IS NULL OR name = ?1) WHERE rn > ?2)",
                 err, err_len);
    if (st == NULL)
        goto done;
    bind_text(st, 1, name);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)keep);
    if (sqlite3_step(st) != SQLITE_DONE) {
        db_fail(db, "pruning", err, err_len);
        goto done;
    }
    size_t gone = (size_t)sqlite3_changes(db->db);
    /* foreign_keys=ON cascades; this also clears rows a database made
     * with foreign keys off left behind. */
    if (exec_sql(db, "DELETE FROM results WHERE run_id NOT IN "
                 "(SELECT id FROM runs)", err, err_len) != 0 ||
        exec_sql(db, "COMMIT", err, err_len) != 0)
        goto done;
    if (removed != NULL)
        *removed = gone;
    rc = 0;
done:
    sqlite3_finalize(st);
    if (rc != 0)
        rollback(db);
    return rc;
}

/* ---- lookups ------------------------------------------------------------ */

int history_last_k(struct history *db, const char *name,
                   const char *fingerprint, size_t k, long long *ids,
                   size_t *n, char *err, size_t err_len)
{
    *n = 0;
    sqlite3_stmt *st = prepare(db, "SELECT id FROM runs WHERE name = ?1 "
                               "AND (?2 IS NULL OR fingerprint = ?2) "
                               "ORDER BY created DESC, id DESC LIMIT ?3",
                               err, err_len);
    if (st == NULL)
        return -1;
    bind_text(st, 1, name);
    bind_text(st, 2, fingerprint);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)k);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW)
        ids[(*n)++] = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (s != SQLITE_DONE)
        return db_fail(db, "looking up runs", err, err_len);
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
    sqlite3_stmt *st = prepare(db, "SELECT id, git_commit FROM runs "
                               "WHERE name = ?1 AND (?2 IS NULL OR "
                               "fingerprint = ?2) AND ?3 <> '' AND "
                               "substr(git_commit, 1, length(?3)) = ?3 "
                               "ORDER BY created DESC, id DESC",
                               err, err_len);
    if (st == NULL)
        return -1;
    bind_text(st, 1, name);
    bind_text(st, 2, fingerprint);
    bind_text(st, 3, commit_prefix);
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
        rc = db_fail(db, "looking up a commit", err, err_len);
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
    sqlite3_stmt *st = prepare(db, "SELECT r.id, r.name, r.git_commit,"
        " r.created, r.fingerprint, s.workload, s.params, s.executor,"
        " s.transport, s.mode, s.instance, s.config, s.key, s.workers,"
        " s.chunk, s.n, s.median, s.ci95_low, s.ci95_high, s.speedup"
        " FROM results s JOIN runs r ON r.id = s.run_id"
        " WHERE ?1 IS NULL OR r.name = ?1"
        " ORDER BY r.fingerprint, s.workload, s.params, r.created, r.id",
        err, err_len);
    if (st == NULL)
        return -1;
    bind_text(st, 1, name);
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
        };
        if (fn(&p, arg, err, err_len) != 0) {
            rc = -1;
            break;
        }
    }
    if (rc == 0 && s != SQLITE_DONE)
        rc = db_fail(db, "reading results", err, err_len);
    sqlite3_finalize(st);
    return rc;
}

int history_integrity_check(struct history *db, char *err, size_t err_len)
{
    sqlite3_stmt *st = prepare(db, "PRAGMA integrity_check", err, err_len);
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
        db_fail(db, "integrity_check", err, err_len);
    }
    sqlite3_finalize(st);
    return rc;
}


