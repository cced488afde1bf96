/* store_sqlite.c - the history store's SQLite backend: one database file,
 * WAL-journaled with a busy timeout so that several processes may write
 * at once; the schema version in PRAGMA user_version (see store_impl.h
 * for the contract, history.c for the shared logic). */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store_impl.h"

/* The first schema step (version 0 -> 1: runs and their configurations)
 * in SQLite's words; history.c holds the later steps, which both
 * backends share. Never edit: a stored database has run it. store_pg.c
 * keeps the same tables in PostgreSQL's words. */
static const char schema_v1[] =
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
    " instance TEXT NOT NULL, config TEXT NOT NULL, key TEXT NOT NULL);";

struct store_stmt {
    sqlite3_stmt *st;
    sqlite3 *db;
};

static sqlite3 *conn(struct history *h)
{
    return h->conn;
}

static const char *sq_errmsg(struct history *h)
{
    return conn(h) != NULL ? sqlite3_errmsg(conn(h)) : "out of memory";
}

static int sq_exec(struct history *h, const char *sql, char *err,
                   size_t err_len)
{
    char *msg = NULL;
    if (sqlite3_exec(conn(h), sql, NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(err, err_len, "%s: %s", h->where,
                 msg != NULL ? msg : sqlite3_errmsg(conn(h)));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

/* IMMEDIATE: take the write lock now, under the busy timeout, rather than
 * fail on upgrading a read lock halfway. It also serialises migrations. */
static int sq_begin(struct history *h, int schema, char *err,
                    size_t err_len)
{
    (void)schema;
    return sq_exec(h, "BEGIN IMMEDIATE", err, err_len);
}

static void sq_rollback(struct history *h)
{
    sqlite3_exec(conn(h), "ROLLBACK", NULL, NULL, NULL);
}

static int sq_schema_version(struct history *h)
{
    sqlite3_stmt *st = NULL;
    int v = -1;
    if (sqlite3_prepare_v2(conn(h), "PRAGMA user_version", -1, &st,
                           NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

static int sq_set_schema_version(struct history *h, int v, char *err,
                                 size_t err_len)
{
    char sql[64];
    snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v);
    return sq_exec(h, sql, err, err_len);
}

static int sq_integrity_check(struct history *h, char *err, size_t err_len)
{
    sqlite3_stmt *st = NULL;
    int rc = -1;
    if (sqlite3_prepare_v2(conn(h), "PRAGMA integrity_check", -1, &st,
                           NULL) != SQLITE_OK) {
        store_fail(h, "integrity_check", err, err_len);
    } else if (sqlite3_step(st) == SQLITE_ROW) {
        const unsigned char *s = sqlite3_column_text(st, 0);
        if (s != NULL && strcmp((const char *)s, "ok") == 0)
            rc = 0;
        else
            snprintf(err, err_len, "%s: integrity_check: %s", h->where,
                     s != NULL ? (const char *)s : "?");
    } else {
        store_fail(h, "integrity_check", err, err_len);
    }
    sqlite3_finalize(st);
    return rc;
}

/* ---- statements --------------------------------------------------------- */

/* $N -> ?N: the shared SQL's placeholders, bound by the same index.
 * SQLite steps through rows as it finds them: every query streams. */
static struct store_stmt *sq_prepare(struct history *h, const char *sql,
                                     int stream)
{
    (void)stream;
    size_t len = strlen(sql);
    char *text = malloc(len + 1);
    struct store_stmt *s = calloc(1, sizeof(*s));
    if (text == NULL || s == NULL) {
        free(text);
        free(s);
        return NULL;
    }
    for (size_t k = 0; k <= len; k++)
        text[k] = sql[k] == '$' && sql[k + 1] >= '0' && sql[k + 1] <= '9'
                      ? '?' : sql[k];
    s->db = conn(h);
    int rc = sqlite3_prepare_v2(s->db, text, -1, &s->st, NULL);
    free(text);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(s->st);
        free(s);
        return NULL;
    }
    return s;
}

static void sq_reset(struct store_stmt *s)
{
    sqlite3_reset(s->st);
    sqlite3_clear_bindings(s->st);
}

static void sq_bind_text(struct store_stmt *s, int k, const char *v)
{
    if (v == NULL)
        sqlite3_bind_null(s->st, k);
    else
        sqlite3_bind_text(s->st, k, v, -1, SQLITE_TRANSIENT);
}

static void sq_bind_int(struct store_stmt *s, int k, long long v)
{
    sqlite3_bind_int64(s->st, k, v);
}

static void sq_bind_real(struct store_stmt *s, int k, double v)
{
    if (isfinite(v))
        sqlite3_bind_double(s->st, k, v);
    else
        sqlite3_bind_null(s->st, k);
}

static void sq_bind_blob(struct store_stmt *s, int k, const void *p,
                         size_t len)
{
    sqlite3_bind_blob64(s->st, k, p, len, SQLITE_STATIC);
}

static int sq_step(struct store_stmt *s)
{
    int rc = sqlite3_step(s->st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static const char *sq_col_text(struct store_stmt *s, int k)
{
    const unsigned char *v = sqlite3_column_text(s->st, k);
    return v != NULL ? (const char *)v : "";
}

static long long sq_col_int(struct store_stmt *s, int k)
{
    return sqlite3_column_int64(s->st, k);
}

static double sq_col_real(struct store_stmt *s, int k)
{
    if (sqlite3_column_type(s->st, k) == SQLITE_NULL)
        return NAN;
    return sqlite3_column_double(s->st, k);
}

static const void *sq_col_blob(struct store_stmt *s, int k, size_t *len)
{
    const void *p = sqlite3_column_blob(s->st, k);
    *len = (size_t)sqlite3_column_bytes(s->st, k);
    return p != NULL ? p : "";
}

static void sq_finalize(struct store_stmt *s)
{
    if (s == NULL)
        return;
    sqlite3_finalize(s->st);
    free(s);
}

/* ---- opening ------------------------------------------------------------ */

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
static int set_up(struct history *h, char *err, size_t err_len)
{
    const long step_ms = 20;
    for (long waited = 0;; waited += step_ms) {
        if (sq_exec(h, "PRAGMA journal_mode=WAL", err, err_len) == 0 &&
            sq_exec(h, "PRAGMA foreign_keys=ON", err, err_len) == 0) {
            int rc = store_migrate(h, err, err_len);
            if (rc == 0 || rc == HISTORY_BAD_PATH)
                return rc;
        }
        int code = sqlite3_errcode(conn(h)) & 0xff;
        if ((code != SQLITE_BUSY && code != SQLITE_LOCKED) ||
            waited >= HISTORY_BUSY_TIMEOUT_MS)
            return -1;
        sq_rollback(h); /* a COMMIT that was refused leaves one */
        struct timespec ts = { 0, step_ms * 1000000L };
        nanosleep(&ts, NULL);
    }
}

/* One read-only open attempt: pass 1 reads the file as immutable. */
static int open_ro_pass(struct history *h, int pass, char *err,
                        size_t err_len)
{
    char uri[4200];
    sqlite3 *db = NULL;
    int flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOFOLLOW;
    sqlite3_close(conn(h));
    h->conn = NULL;
    if (pass == 1)
        snprintf(uri, sizeof(uri), "file:%s?immutable=1", h->where);
    int rc = sqlite3_open_v2(pass == 1 ? uri : h->where, &db,
                             flags | (pass == 1 ? SQLITE_OPEN_URI : 0),
                             NULL);
    h->conn = db;
    if (rc != SQLITE_OK && db == NULL) {
        snprintf(err, err_len, "%s: out of memory", h->where);
        return -1;
    }
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, HISTORY_BUSY_TIMEOUT_MS);
    return rc == SQLITE_OK ? sq_schema_version(h) : -1;
}

/* Open h->where read-only and check that it is a poolbench database:
 * nothing is written (no WAL switch, no schema). Returns 0, 1 when the
 * schema is older and must be migrated (by a read-write open), or -1 /
 * HISTORY_BAD_PATH with a message. A folder nobody may write in (no -shm
 * file can be made there) is read as an immutable file. */
static int open_read_only(struct history *h, char *err, size_t err_len)
{
    for (int pass = 0; pass < 2; pass++) {
        int v = open_ro_pass(h, pass, err, err_len);
        if (v < 0 && conn(h) == NULL)
            return -1;
        int code = sqlite3_errcode(conn(h)) & 0xff;
        if (v < 0 && code == SQLITE_CANTOPEN && pass == 0 &&
            strpbrk(h->where, "?#%") == NULL)
            continue;
        if (v < 0 && (code == SQLITE_NOTADB || code == SQLITE_CORRUPT)) {
            snprintf(err, err_len, "%s: not a poolbench history database "
                     "(%s); give the file run --save or history add made",
                     h->where, sqlite3_errmsg(conn(h)));
            return HISTORY_BAD_PATH;
        }
        if (v < 0)
            return store_fail(h, "cannot read", err, err_len);
        if (v == 0) {
            snprintf(err, err_len, "%s: not a poolbench history database "
                     "(no poolbench schema in it); store runs with "
                     "poolbench run --save NAME or history add", h->where);
            return HISTORY_BAD_PATH;
        }
        if (v > HISTORY_SCHEMA_VERSION) {
            store_newer(h, v, err, err_len);
            return HISTORY_BAD_PATH;
        }
        return v < HISTORY_SCHEMA_VERSION;
    }
    return -1;
}

static int sq_open(struct history *h, const char *path,
                   enum history_mode mode, char *err, size_t err_len)
{
    int rc = check_path(path, mode == HISTORY_READ_ONLY ? HISTORY_MUST_EXIST
                                                        : mode, err,
                        err_len);
    if (rc != 0)
        return rc;
    if (mode == HISTORY_READ_ONLY) {
        rc = open_read_only(h, err, err_len);
        if (rc != 1)
            return rc;
        /* An older schema: migrate it like any open would. */
        sqlite3_close(conn(h));
        h->conn = NULL;
    }
    sqlite3 *db = NULL;
    rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
                         SQLITE_OPEN_NOFOLLOW, NULL);
    h->conn = db;
    if (rc != SQLITE_OK) {
        if (db == NULL)
            snprintf(err, err_len, "%s: out of memory", path);
        else
            store_fail(h, "cannot open", err, err_len);
        return -1;
    }
    sqlite3_extended_result_codes(db, 1);
    /* The timeout first: switching to WAL itself takes a lock. */
    sqlite3_busy_timeout(db, HISTORY_BUSY_TIMEOUT_MS);
    return set_up(h, err, err_len);
}

static void sq_close(struct history *h)
{
    sqlite3_close(conn(h));
    h->conn = NULL;
}

static int sq_check_writable(const char *path, char *err, size_t err_len)
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

const struct store_backend store_sqlite = {
    .name = "sqlite",
    .schema_v1 = schema_v1,
    .open = sq_open,
    .close = sq_close,
    .check_writable = sq_check_writable,
    .exec = sq_exec,
    .begin = sq_begin,
    .rollback = sq_rollback,
    .schema_version = sq_schema_version,
    .set_schema_version = sq_set_schema_version,
    .integrity_check = sq_integrity_check,
    .errmsg = sq_errmsg,
    .prepare = sq_prepare,
    .reset = sq_reset,
    .bind_text = sq_bind_text,
    .bind_int = sq_bind_int,
    .bind_real = sq_bind_real,
    .bind_blob = sq_bind_blob,
    .step = sq_step,
    .col_text = sq_col_text,
    .col_int = sq_col_int,
    .col_real = sq_col_real,
    .col_blob = sq_col_blob,
    .finalize = sq_finalize,
};
