/* store_pg.c - the history store's PostgreSQL backend, through libpq:
 * a server many runners share (see store_impl.h for the contract,
 * history.c for the shared logic).
 *
 * Credentials come from libpq's own places (~/.pgpass or PGPASSFILE, a
 * service file, PGPASSWORD): a password written in the URL would show in
 * the process list, shell history and CI logs, so it is refused, and
 * every message names the database with any password masked. The schema
 * version lives in a one-row table, poolbench_schema; migrations run
 * under a transaction-scoped advisory lock so that runners opening a new
 * database at once apply each step once. A run is stored in one
 * transaction: a writer that dies is rolled back by the server.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "store_impl.h"

/* The advisory lock key of schema changes ("poolbenc" in ASCII). */
#define PG_SCHEMA_LOCK "7020111108098101110"

/* Parameters of the largest statement (the results INSERT has 20). */
#define PG_MAX_PARAMS 24

/* The same tables as store_sqlite.c's schema_v1 (the first schema step;
 * history.c holds the later ones), in PostgreSQL's words. Text that
 * is sorted on compares bytes ("C"), as SQLite does, so that lists and
 * trends come out in the same order on both backends. */
static const char schema_v1[] =
    "CREATE TABLE runs ("
    " id BIGSERIAL PRIMARY KEY,"
    " name TEXT COLLATE \"C\" NOT NULL,"
    " git_commit TEXT COLLATE \"C\" NOT NULL DEFAULT '',"
    " created TEXT COLLATE \"C\" NOT NULL,"
    " added_at TEXT NOT NULL,"
    " fingerprint TEXT COLLATE \"C\" NOT NULL,"
    " machine TEXT NOT NULL,"
    " text BYTEA NOT NULL);"
    "CREATE TABLE results ("
    " run_id BIGINT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    " workload TEXT COLLATE \"C\" NOT NULL,"
    " params TEXT COLLATE \"C\" NOT NULL,"
    " executor TEXT NOT NULL, transport TEXT NOT NULL,"
    " workers BIGINT NOT NULL, mode TEXT NOT NULL,"
    " chunk BIGINT NOT NULL, tasks BIGINT NOT NULL,"
    " n BIGINT NOT NULL, median DOUBLE PRECISION,"
    " ci95_low DOUBLE PRECISION, ci95_high DOUBLE PRECISION,"
    " speedup DOUBLE PRECISION, checksum TEXT, failure TEXT,"
    " instance TEXT NOT NULL, config TEXT NOT NULL,"
    " key TEXT COLLATE \"C\" NOT NULL);";

struct pg {
    PGconn *pg;
    char error[512];       /* the last failure, one line */
};

struct store_stmt {
    struct pg *c;
    char *sql;
    int nparams;                       /* highest index bound */
    const char *vals[PG_MAX_PARAMS];   /* NULL: SQL NULL */
    char *owned[PG_MAX_PARAMS];        /* what vals point to, if ours */
    int lens[PG_MAX_PARAMS];
    int fmts[PG_MAX_PARAMS];           /* 1: binary (a blob) */
    PGresult *res;                     /* NULL: not run yet */
    int row;                           /* the current row of res */
    int stream;                        /* rows one at a time */
    int started, ended;                /* stream: sent; all read */
    unsigned char *blob;               /* col_blob's bytes */
};

static struct pg *conn(struct history *h)
{
    return h->conn;
}

/* msg on one line (libpq's have newlines and tabs) into buf. */
static void one_line(const char *msg, char *buf, size_t len)
{
    size_t o = 0;
    int space = 0;
    for (const char *s = msg; *s != '\0' && o + 1 < len; s++) {
        if (isspace((unsigned char)*s)) {
            space = o > 0;
            continue;
        }
        if (space && o + 2 < len)
            buf[o++] = ' ';
        space = 0;
        buf[o++] = *s;
    }
    buf[o] = '\0';
}

static void set_error(struct pg *c, const char *msg)
{
    one_line(msg != NULL && msg[0] != '\0' ? msg : "unknown error",
             c->error, sizeof(c->error));
}

static const char *pg_errmsg(struct history *h)
{
    struct pg *c = conn(h);
    if (c->error[0] == '\0')
        set_error(c, PQerrorMessage(c->pg));
    return c->error;
}

/* Whether r succeeded; the error is kept otherwise. r is cleared. */
static int result_ok(struct pg *c, PGresult *r)
{
    ExecStatusType s = PQresultStatus(r);
    int ok = s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
    if (!ok)
        set_error(c, r != NULL ? PQresultErrorMessage(r)
                               : PQerrorMessage(c->pg));
    PQclear(r);
    return ok;
}

static int pg_exec(struct history *h, const char *sql, char *err,
                   size_t err_len)
{
    if (!result_ok(conn(h), PQexec(conn(h)->pg, sql))) {
        snprintf(err, err_len, "%s: %s", h->where, conn(h)->error);
        return -1;
    }
    return 0;
}

static int pg_begin(struct history *h, int schema, char *err,
                    size_t err_len)
{
    return pg_exec(h, schema ? "BEGIN; SELECT pg_advisory_xact_lock("
                               PG_SCHEMA_LOCK ")" : "BEGIN", err, err_len);
}

static void pg_rollback(struct history *h)
{
    PQclear(PQexec(conn(h)->pg, "ROLLBACK"));
}

/* 0 for a database without poolbench's schema. The catalog is read as a
 * table, not with to_regclass: a process that waited on the schema lock
 * would see its cached "no such table" while the one before it created
 * it. */
static int pg_schema_version(struct history *h)
{
    PGresult *r = PQexec(conn(h)->pg, "SELECT CASE WHEN count(*) = 0 THEN"
                         " 0 ELSE -1 END FROM pg_catalog.pg_tables WHERE"
                         " schemaname = current_schema() AND tablename ="
                         " 'poolbench_schema'");
    int v = -1;
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
        v = atoi(PQgetvalue(r, 0, 0));
    result_ok(conn(h), r);
    if (v != -1)
        return v;
    r = PQexec(conn(h)->pg, "SELECT coalesce(max(version), 0) FROM "
               "poolbench_schema");
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
        v = atoi(PQgetvalue(r, 0, 0));
    result_ok(conn(h), r);
    return v;
}

static int pg_set_schema_version(struct history *h, int v, char *err,
                                 size_t err_len)
{
    char sql[256];
    snprintf(sql, sizeof(sql), "CREATE TABLE IF NOT EXISTS "
             "poolbench_schema (version INTEGER NOT NULL); DELETE FROM "
             "poolbench_schema; INSERT INTO poolbench_schema VALUES (%d)",
             v);
    return pg_exec(h, sql, err, err_len);
}

/* The server keeps its own pages whole; what poolbench can break is a
 * run without its rows, so that is what is checked. */
static int pg_integrity_check(struct history *h, char *err, size_t err_len)
{
    PGresult *r = PQexec(conn(h)->pg, "SELECT count(*) FROM results "
                         "WHERE run_id NOT IN (SELECT id FROM runs)");
    long long orphans = -1;
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
        orphans = atoll(PQgetvalue(r, 0, 0));
    if (!result_ok(conn(h), r))
        return store_fail(h, "integrity check", err, err_len);
    if (orphans != 0) {
        snprintf(err, err_len, "%s: integrity check: %lld results rows "
                 "without their run", h->where, orphans);
        return -1;
    }
    return 0;
}

/* ---- statements --------------------------------------------------------- */

static struct store_stmt *pg_prepare(struct history *h, const char *sql,
                                     int stream)
{
    struct store_stmt *s = calloc(1, sizeof(*s));
    if (s == NULL || (s->sql = strdup(sql)) == NULL) {
        free(s);
        set_error(conn(h), "out of memory");
        return NULL;
    }
    s->c = conn(h);
    s->stream = stream;
    return s;
}

/* Read what is left of a streamed query: the connection takes no other
 * command before. */
static void drain(struct store_stmt *s)
{
    PGresult *r;
    while ((r = PQgetResult(s->c->pg)) != NULL)
        PQclear(r);
    s->ended = 1;
}

static void pg_reset(struct store_stmt *s)
{
    PQclear(s->res);
    s->res = NULL;
    s->row = 0;
    if (s->started && !s->ended)
        drain(s);
    s->started = s->ended = 0;
    for (int k = 0; k < s->nparams; k++) {
        free(s->owned[k]);
        s->owned[k] = NULL;
        s->vals[k] = NULL;
        s->lens[k] = s->fmts[k] = 0;
    }
    s->nparams = 0;
}

/* Parameter k (1-based) as bytes; owned is freed on reset. */
static void bind_param(struct store_stmt *s, int k, const char *v,
                       char *owned, int len, int fmt)
{
    if (k < 1 || k > PG_MAX_PARAMS) {
        free(owned);
        return;
    }
    free(s->owned[k - 1]);
    s->owned[k - 1] = owned;
    s->vals[k - 1] = v;
    s->lens[k - 1] = len;
    s->fmts[k - 1] = fmt;
    if (k > s->nparams)
        s->nparams = k;
}

static void pg_bind_text(struct store_stmt *s, int k, const char *v)
{
    char *copy = v != NULL ? strdup(v) : NULL;
    bind_param(s, k, copy, copy, 0, 0);
}

static void pg_bind_int(struct store_stmt *s, int k, long long v)
{
    char *t = malloc(32);
    if (t != NULL)
        snprintf(t, 32, "%lld", v);
    bind_param(s, k, t, t, 0, 0);
}

/* %.17g: a double read back is the same double. */
static void pg_bind_real(struct store_stmt *s, int k, double v)
{
    char *t = isfinite(v) ? malloc(32) : NULL;
    if (t != NULL)
        snprintf(t, 32, "%.17g", v);
    bind_param(s, k, t, t, 0, 0);
}

static void pg_bind_blob(struct store_stmt *s, int k, const void *p,
                         size_t len)
{
    bind_param(s, k, p, NULL, (int)len, 1);
}

/* Single-row mode: each row is a result of its own, then one that ends
 * the query (or an error), then NULL. */
static int step_stream(struct store_stmt *s)
{
    PGconn *pg = s->c->pg;
    if (s->ended)
        return 0;
    if (!s->started) {
        s->started = 1;
        if (!PQsendQueryParams(pg, s->sql, s->nparams, NULL, s->vals,
                               s->lens, s->fmts, 0)) {
            set_error(s->c, PQerrorMessage(pg));
            s->ended = 1;
            return -1;
        }
        PQsetSingleRowMode(pg);
    }
    PQclear(s->res);
    s->res = PQgetResult(pg);
    s->row = 0;
    ExecStatusType st = PQresultStatus(s->res);
    if (s->res != NULL && st == PGRES_SINGLE_TUPLE)
        return 1;
    int ok = s->res == NULL || st == PGRES_TUPLES_OK ||
             st == PGRES_COMMAND_OK;
    if (!ok)
        set_error(s->c, s->res != NULL ? PQresultErrorMessage(s->res)
                                       : PQerrorMessage(pg));
    PQclear(s->res);
    s->res = NULL;
    drain(s);
    return ok ? 0 : -1;
}

static int pg_step(struct store_stmt *s)
{
    if (s->stream)
        return step_stream(s);
    if (s->res == NULL) {
        s->res = PQexecParams(s->c->pg, s->sql, s->nparams, NULL, s->vals,
                              s->lens, s->fmts, 0);
        ExecStatusType st = PQresultStatus(s->res);
        if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
            set_error(s->c, s->res != NULL
                                ? PQresultErrorMessage(s->res)
                                : PQerrorMessage(s->c->pg));
            return -1;
        }
        s->row = 0;
    } else {
        s->row++;
    }
    return s->row < PQntuples(s->res) ? 1 : 0;
}

static const char *pg_col_text(struct store_stmt *s, int k)
{
    if (PQgetisnull(s->res, s->row, k))
        return "";
    return PQgetvalue(s->res, s->row, k);
}

static long long pg_col_int(struct store_stmt *s, int k)
{
    return strtoll(pg_col_text(s, k), NULL, 10);
}

static double pg_col_real(struct store_stmt *s, int k)
{
    if (PQgetisnull(s->res, s->row, k))
        return NAN;
    return strtod(PQgetvalue(s->res, s->row, k), NULL);
}

/* bytea comes as text (\x and hex digits): decoded here. */
static const void *pg_col_blob(struct store_stmt *s, int k, size_t *len)
{
    PQfreemem(s->blob);
    s->blob = PQunescapeBytea((const unsigned char *)pg_col_text(s, k),
                              len);
    if (s->blob == NULL) {
        *len = 0;
        return "";
    }
    return s->blob;
}

static void pg_finalize(struct store_stmt *s)
{
    if (s == NULL)
        return;
    pg_reset(s);
    PQfreemem(s->blob);
    free(s->sql);
    free(s);
}

/* ---- opening ------------------------------------------------------------ */

/* Mask every value after "password=" in text. */
static void mask_keyword(char *text)
{
    for (char *p = strstr(text, "password="); p != NULL;
         p = strstr(p, "password=")) {
        p += 9;
        size_t n = strcspn(p, "& ");
        if (n == 0)
            continue;
        memmove(p + 3, p + n, strlen(p + n) + 1);
        memcpy(p, "***", 3);
    }
}

/* target with any password masked, for messages, into out. */
static void redact(const char *target, char *out, size_t len)
{
    snprintf(out, len, "%s", target);
    char *scheme = strstr(out, "://");
    if (scheme != NULL) {
        char *auth = scheme + 3;
        size_t alen = strcspn(auth, "/?");
        char *at = memchr(auth, '@', alen);
        char *colon = at != NULL ? memchr(auth, ':', (size_t)(at - auth))
                                 : NULL;
        if (colon != NULL && at - colon > 1 &&
            strlen(out) + 4 < len) {
            memmove(colon + 4, at, strlen(at) + 1);
            memcpy(colon + 1, "***", 3);
        }
    }
    mask_keyword(out);
}

/* A target libpq cannot read, or one with a password, is refused. */
static int check_target(const char *target, const char *where, char *err,
                        size_t err_len)
{
    char *msg = NULL, line[512];
    PQconninfoOption *opts = PQconninfoParse(target, &msg);
    if (opts == NULL) {
        one_line(msg != NULL ? msg : "out of memory", line, sizeof(line));
        snprintf(err, err_len, "%s: not a PostgreSQL connection string: "
                 "%s; give postgresql://[user@]host[:port]/dbname",
                 where, line);
        PQfreemem(msg);
        return HISTORY_BAD_PATH;
    }
    int has_password = 0;
    for (PQconninfoOption *o = opts; o->keyword != NULL; o++)
        if (strcmp(o->keyword, "password") == 0 && o->val != NULL &&
            o->val[0] != '\0')
            has_password = 1;
    PQconninfoFree(opts);
    if (has_password) {
        snprintf(err, err_len, "%s: a password in the database URL would "
                 "show in process lists and logs; remove it and use "
                 "~/.pgpass (PGPASSFILE), a service file or PGPASSWORD",
                 where);
        return HISTORY_BAD_PATH;
    }
    return 0;
}

static void quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

static int connect_to(struct history *h, const char *target, char *err,
                      size_t err_len)
{
    const char *keys[] = { "dbname", "fallback_application_name", NULL };
    const char *vals[] = { target, "poolbench", NULL };
    struct pg *c = calloc(1, sizeof(*c));
    if (c == NULL) {
        snprintf(err, err_len, "%s: out of memory", h->where);
        return -1;
    }
    h->conn = c;
    c->pg = PQconnectdbParams(keys, vals, 1);
    if (c->pg == NULL || PQstatus(c->pg) != CONNECTION_OK) {
        set_error(c, c->pg != NULL ? PQerrorMessage(c->pg)
                                   : "out of memory");
        snprintf(err, err_len, "%s: cannot connect: %s", h->where,
                 c->error);
        return HISTORY_BAD_PATH;
    }
    /* CREATE TABLE IF NOT EXISTS says NOTICE on stderr otherwise. */
    PQsetNoticeProcessor(c->pg, quiet, NULL);
    return 0;
}

static int pg_open(struct history *h, const char *target,
                   enum history_mode mode, char *err, size_t err_len)
{
    redact(target, h->where, sizeof(h->where));
    int rc = check_target(target, h->where, err, err_len);
    if (rc == 0)
        rc = connect_to(h, target, err, err_len);
    if (rc != 0)
        return rc;
    int v = pg_schema_version(h);
    if (v < 0)
        return store_fail(h, "reading the schema version", err, err_len);
    if (v == 0 && mode != HISTORY_CREATE) {
        snprintf(err, err_len, "no history database at %s (no poolbench "
                 "schema in it); store runs with poolbench run --save NAME"
                 " or poolbench history add", h->where);
        return HISTORY_NOT_FOUND;
    }
    if (v > HISTORY_SCHEMA_VERSION) {
        store_newer(h, v, err, err_len);
        return HISTORY_BAD_PATH;
    }
    if (v < HISTORY_SCHEMA_VERSION) {
        rc = store_migrate(h, err, err_len);
        if (rc != 0)
            return rc;
    }
    if (mode == HISTORY_READ_ONLY)
        return pg_exec(h, "SET default_transaction_read_only = on", err,
                       err_len);
    return 0;
}

static void pg_close(struct history *h)
{
    struct pg *c = conn(h);
    if (c == NULL)
        return;
    PQfinish(c->pg);
    free(c);
    h->conn = NULL;
}

/* A database without the schema yet is writable: the first save makes
 * it. */
static int pg_check_writable(const char *target, char *err, size_t err_len)
{
    struct history *db = NULL;
    int rc = history_open(target, HISTORY_MUST_EXIST, &db, err, err_len);
    history_close(db);
    return rc == 0 || rc == HISTORY_NOT_FOUND ? 0 : -1;
}

const struct store_backend store_pg = {
    .name = "postgresql",
    .schema_v1 = schema_v1,
    .open = pg_open,
    .close = pg_close,
    .check_writable = pg_check_writable,
    .exec = pg_exec,
    .begin = pg_begin,
    .rollback = pg_rollback,
    .schema_version = pg_schema_version,
    .set_schema_version = pg_set_schema_version,
    .integrity_check = pg_integrity_check,
    .errmsg = pg_errmsg,
    .prepare = pg_prepare,
    .reset = pg_reset,
    .bind_text = pg_bind_text,
    .bind_int = pg_bind_int,
    .bind_real = pg_bind_real,
    .bind_blob = pg_bind_blob,
    .step = pg_step,
    .col_text = pg_col_text,
    .col_int = pg_col_int,
    .col_real = pg_col_real,
    .col_blob = pg_col_blob,
    .finalize = pg_finalize,
};
