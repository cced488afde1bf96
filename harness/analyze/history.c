/* history.c - the history database in SQLite: opening, schema and
 * migrations, fingerprints, storing runs whole (see history.h; reading is
 * in history_query.c). */
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

#include "fs.h"
#include "history_impl.h"
#include "view.h"


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
    /* 2 -> 3: the fingerprint keeps only what makes timings
     * incomparable, and a row says whether its chunk was automatic (a
     * trend follows what was chosen, not what calibration resolved);
     * refingerprint() fills both in for the stored runs. */
    "ALTER TABLE results ADD COLUMN chunk_auto INTEGER NOT NULL DEFAULT 0;",
};

#define NMIGRATIONS (sizeof(migrations) / sizeof(migrations[0]))

_Static_assert(NMIGRATIONS == HISTORY_SCHEMA_VERSION,
               "one migration per schema version");

int history_db_fail(struct history *db, const char *what, char *err,
                   size_t err_len)
{
    snprintf(err, err_len, "%s: %s: %s", db->path, what,
             sqlite3_errmsg(db->db));
    return -1;
}

int history_exec_sql(struct history *db, const char *sql, char *err,
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
sqlite3_stmt *history_prepare(struct history *db, const char *sql, char *err,
                             size_t err_len)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db->db, sql, -1, &st, NULL) != SQLITE_OK) {
        history_db_fail(db, "prepare", err, err_len);
        return NULL;
    }
    return st;
}

void history_rollback(struct history *db)
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

/* A database of a newer poolbench is refused input, not a failure. */
static void newer(struct history *db, int v, char *err, size_t err_len)
{
    snprintf(err, err_len, "%s: schema version %d is newer than this "
             "poolbench's %d; use a newer poolbench", db->path, v,
             HISTORY_SCHEMA_VERSION);
}

/* Mark run id's rows of f whose chunk was automatic. */
static int mark_chunk_auto(struct history *db, sqlite3_stmt *st,
                           long long id, const struct results_file *f,
                           char *err, size_t err_len)
{
    for (size_t k = 0; k < f->nrows; k++) {
        char key[1024];
        if (!f->rows[k].chunk_auto)
            continue;
        view_match_key(&f->rows[k], key, sizeof(key));
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, id);
        history_bind_text(st, 2, key);
        if (sqlite3_step(st) != SQLITE_DONE)
            return history_db_fail(db, "marking chunks", err, err_len);
    }
    return 0;
}

/* Recompute every stored run's fingerprint and machine text from its
 * file, and mark its automatic chunks (schema step 2 -> 3), inside the
 * caller's transaction. */
static int refingerprint(struct history *db, char *err, size_t err_len)
{
    sqlite3_stmt *sel = history_prepare(db, "SELECT id, text FROM runs",
                                        err, err_len);
    sqlite3_stmt *upd = history_prepare(db, "UPDATE runs SET fingerprint "
                                        "= ?, machine = ? WHERE id = ?",
                                        err, err_len);
    sqlite3_stmt *aut = history_prepare(db, "UPDATE results SET chunk_auto"
                                        " = 1 WHERE run_id = ? AND key = ?",
                                        err, err_len);
    int rc = -1;
    if (sel == NULL || upd == NULL || aut == NULL)
        goto out;
    while (sqlite3_step(sel) == SQLITE_ROW) {
        struct results_file f;
        char fp[17], machine[1024], label[64];
        long long id = sqlite3_column_int64(sel, 0);
        const char *text = sqlite3_column_blob(sel, 1);
        size_t len = (size_t)sqlite3_column_bytes(sel, 1);
        snprintf(label, sizeof(label), "history:%lld", id);
        if (results_parse(label, text, len, &f, err, err_len) != 0)
            goto out;
        history_fingerprint(&f.machines[0], fp, machine, sizeof(machine));
        int marked = mark_chunk_auto(db, aut, id, &f, err, err_len);
        results_free(&f);
        if (marked != 0)
            goto out;
        sqlite3_reset(upd);
        history_bind_text(upd, 1, fp);
        history_bind_text(upd, 2, machine);
        sqlite3_bind_int64(upd, 3, id);
        if (sqlite3_step(upd) != SQLITE_DONE) {
            history_db_fail(db, "updating fingerprints", err, err_len);
            goto out;
        }
    }
    rc = 0;
out:
    sqlite3_finalize(sel);
    sqlite3_finalize(upd);
    sqlite3_finalize(aut);
    return rc;
}

/* Bring the schema to HISTORY_SCHEMA_VERSION. The version is read again
 * inside each write transaction: two processes opening a new file at once
 * must not both run a step. */
static int migrate(struct history *db, char *err, size_t err_len)
{
    for (;;) {
        if (history_exec_sql(db, "BEGIN IMMEDIATE", err, err_len) != 0)
            return -1;
        int v = history_schema_version(db);
        if (v < 0) {
            history_rollback(db);
            return history_db_fail(db, "reading user_version", err, err_len);
        }
        if (v > HISTORY_SCHEMA_VERSION) {
            history_rollback(db);
            newer(db, v, err, err_len);
            return HISTORY_BAD_PATH;
        }
        if (v == HISTORY_SCHEMA_VERSION)
            return history_exec_sql(db, "COMMIT", err, err_len);
        char bump[64];
        snprintf(bump, sizeof(bump), "PRAGMA user_version = %d", v + 1);
        if (history_exec_sql(db, migrations[v], err, err_len) != 0 ||
            (v == 2 && refingerprint(db, err, err_len) != 0) ||
            history_exec_sql(db, bump, err, err_len) != 0 ||
            history_exec_sql(db, "COMMIT", err, err_len) != 0) {
            history_rollback(db);
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

/* WAL, foreign keys and the schema. Two processes opening a new database
 * at once can get SQLITE_BUSY at once, without the busy handler: SQLite
 * refuses a lock upgrade that could deadlock (the journal mode switch
 * needs an exclusive lock while the other holds a shared one). Such a
 * refusal is retried, with a short sleep, for as long as the busy
 * timeout. */
static int set_up(struct history *db, char *err, size_t err_len)
{
    const long step_ms = 20;
    for (long waited = 0;; waited += step_ms) {
        if (history_exec_sql(db, "PRAGMA journal_mode=WAL", err,
                             err_len) == 0 &&
            history_exec_sql(db, "PRAGMA foreign_keys=ON", err,
                             err_len) == 0) {
            int rc = migrate(db, err, err_len);
            if (rc == 0 || rc == HISTORY_BAD_PATH)
                return rc;
        }
        int code = sqlite3_errcode(db->db) & 0xff;
        if ((code != SQLITE_BUSY && code != SQLITE_LOCKED) ||
            waited >= HISTORY_BUSY_TIMEOUT_MS)
            return -1;
        history_rollback(db); /* a COMMIT that was refused leaves one */
        struct timespec ts = { 0, step_ms * 1000000L };
        nanosleep(&ts, NULL);
    }
}

/* Open db->path read-only and check that it is a poolbench database:
 * nothing is written (no WAL switch, no schema). Returns 0, 1 when the
 * schema is older and must be migrated (by a read-write open), or -1 /
 * HISTORY_BAD_PATH with a message. A folder nobody may write in (no -shm
 * file can be made there) is read as an immutable file. */
static int open_read_only(struct history *db, char *err, size_t err_len)
{
    char uri[4200];
    int flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOFOLLOW;
    for (int pass = 0; pass < 2; pass++) {
        sqlite3_close(db->db);
        db->db = NULL;
        if (pass == 1)
            snprintf(uri, sizeof(uri), "file:%s?immutable=1", db->path);
        int rc = sqlite3_open_v2(pass == 1 ? uri : db->path, &db->db,
                                 flags | (pass == 1 ? SQLITE_OPEN_URI : 0),
                                 NULL);
        if (rc != SQLITE_OK && db->db == NULL) {
            snprintf(err, err_len, "%s: out of memory", db->path);
            return -1;
        }
        sqlite3_extended_result_codes(db->db, 1);
        sqlite3_busy_timeout(db->db, HISTORY_BUSY_TIMEOUT_MS);
        int v = rc == SQLITE_OK ? history_schema_version(db) : -1;
        int code = sqlite3_errcode(db->db) & 0xff;
        if (v < 0 && code == SQLITE_CANTOPEN && pass == 0 &&
            strpbrk(db->path, "?#%") == NULL)
            continue;
        if (v < 0 && (code == SQLITE_NOTADB || code == SQLITE_CORRUPT)) {
            snprintf(err, err_len, "%s: not a poolbench history database "
                     "(%s); give the file run --save or history add made",
                     db->path, sqlite3_errmsg(db->db));
            return HISTORY_BAD_PATH;
        }
        if (v < 0)
            return history_db_fail(db, "cannot read", err, err_len);
        if (v == 0) {
            snprintf(err, err_len, "%s: not a poolbench history database "
                     "(no poolbench schema in it); store runs with "
                     "poolbench run --save NAME or history add", db->path);
            return HISTORY_BAD_PATH;
        }
        if (v > HISTORY_SCHEMA_VERSION) {
            newer(db, v, err, err_len);
            return HISTORY_BAD_PATH;
        }
        return v < HISTORY_SCHEMA_VERSION;
    }
    return -1;
}

int history_open(const char *path, enum history_mode mode,
                 struct history **out, char *err, size_t err_len)
{
    *out = NULL;
    int rc = check_path(path, mode == HISTORY_READ_ONLY ? HISTORY_MUST_EXIST
                                                        : mode, err,
                        err_len);
    if (rc != 0)
        return rc;
    struct history *db = calloc(1, sizeof(*db));
    if (db == NULL) {
        snprintf(err, err_len, "%s: out of memory", path);
        return -1;
    }
    snprintf(db->path, sizeof(db->path), "%s", path);
    if (mode == HISTORY_READ_ONLY) {
        rc = open_read_only(db, err, err_len);
        if (rc == 0) {
            *out = db;
            return 0;
        }
        if (rc != 1)
            goto fail;
        /* An older schema: migrate it like any open would. */
        sqlite3_close(db->db);
        db->db = NULL;
    }
    if (sqlite3_open_v2(path, &db->db, SQLITE_OPEN_READWRITE |
                        SQLITE_OPEN_NOFOLLOW, NULL) != SQLITE_OK) {
        if (db->db == NULL)
            snprintf(err, err_len, "%s: out of memory", path);
        else
            history_db_fail(db, "cannot open", err, err_len);
        rc = -1;
        goto fail;
    }
    sqlite3_extended_result_codes(db->db, 1);
    /* The timeout first: switching to WAL itself takes a lock. */
    sqlite3_busy_timeout(db->db, HISTORY_BUSY_TIMEOUT_MS);
    rc = set_up(db, err, err_len);
    if (rc != 0)
        goto fail;
    *out = db;
    return 0;
fail:
    history_close(db);
    return rc == HISTORY_BAD_PATH ? rc : -1;
}

int history_check_writable(const char *path, char *err, size_t err_len)
{
    struct stat st;
    if (lstat(path, &st) != 0 && errno == ENOENT) {
        char copy[4096];
        snprintf(copy, sizeof(copy), "%s", path);
        const char *dir = dirname(copy);
        if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
            snprintf(err, err_len, "%s: folder %s does not exist; create "
                     "it first", path, dir);
            return -1;
        }
        if (access(dir, W_OK | X_OK) != 0) {
            snprintf(err, err_len, "%s: cannot create a database in %s: "
                     "%s", path, dir, strerror(errno));
            return -1;
        }
        return 0;
    }
    struct history *db = NULL;
    int rc = history_open(path, HISTORY_MUST_EXIST, &db, err, err_len);
    history_close(db);
    return rc == 0 ? 0 : -1;
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

void history_bind_text(sqlite3_stmt *st, int k, const char *s)
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
    sqlite3_stmt *st = history_prepare(
        db, "INSERT INTO results (run_id, workload,"
        " params, executor, transport, workers, mode, chunk, tasks, n,"
        " median, ci95_low, ci95_high, speedup, checksum, failure,"
        " instance, config, key, chunk_auto) VALUES (?,?,?,?,?,?,?,?,?,?,?,"
        "?,?,?,?,?,?,?,?,?)", err, err_len);
    if (st == NULL)
        return -1;
    for (size_t k = 0; k < v->nrows; k++) {
        const struct view_row *vr = &v->rows[k];
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
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, run_id);
        history_bind_text(st, 2, r->workload);
        history_bind_text(st, 3, r->params != NULL ? r->params : "");
        history_bind_text(st, 4, r->executor);
        history_bind_text(st, 5, r->transport != NULL ? r->transport : "");
        sqlite3_bind_int64(st, 6, r->workers);
        history_bind_text(st, 7, r->mode != NULL ? r->mode : "");
        sqlite3_bind_int64(st, 8, (sqlite3_int64)r->chunk);
        sqlite3_bind_int64(st, 9, (sqlite3_int64)r->tasks);
        sqlite3_bind_int64(st, 10, (sqlite3_int64)s.n);
        bind_real(st, 11, s.median);
        bind_real(st, 12, s.ci95_low);
        bind_real(st, 13, s.ci95_high);
        bind_real(st, 14, vr->speedup);
        history_bind_text(st, 15, r->checksum);
        history_bind_text(st, 16, r->failure);
        history_bind_text(st, 17, inst);
        history_bind_text(st, 18, conf);
        history_bind_text(st, 19, key);
        sqlite3_bind_int(st, 20, r->chunk_auto != 0);
        if (sqlite3_step(st) != SQLITE_DONE) {
            history_db_fail(db, "storing a result", err, err_len);
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
    if (history_exec_sql(db, "BEGIN IMMEDIATE", err, err_len) != 0)
        goto done;
    in_tx = 1;
    st = history_prepare(db, "INSERT INTO runs (name, git_commit, created, "
                             "added_at, fingerprint, machine, text) VALUES "
                             "(?,?,?,?,?,?,?)", err, err_len);
    if (st == NULL)
        goto done;
    const char *commit = f.machines[0].git_commit;
    history_bind_text(st, 1, name);
    history_bind_text(st, 2, commit != NULL ? commit : "");
    history_bind_text(st, 3, f.created != NULL ? f.created : "");
    history_bind_text(st, 4, added);
    history_bind_text(st, 5, fp);
    history_bind_text(st, 6, machine);
    sqlite3_bind_blob64(st, 7, text, len, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE) {
        history_db_fail(db, "storing the run", err, err_len);
        goto done;
    }
    long long rid = sqlite3_last_insert_rowid(db->db);
    if (insert_rows(db, rid, &v, err, err_len) != 0 ||
        history_exec_sql(db, "COMMIT", err, err_len) != 0)
        goto done;
    in_tx = 0;
    if (id != NULL)
        *id = rid;
    rc = 0;
done:
    sqlite3_finalize(st);
    if (in_tx)
        history_rollback(db);
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

