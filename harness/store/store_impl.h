/* store_impl.h - what the history store's modules share: the handle, the
 * backend contract (store_sqlite.c, store_pg.c) and the shared helpers.
 * Not for other modules: use history.h.
 *
 * A backend fills one const struct store_backend (as redis' ae_*.c fill
 * one set of functions); history.c and history_query.c hold the SQL and
 * the logic once and call the backend through h->be. Every SQL text is
 * written once, with $1..$N placeholders; the SQLite backend turns them
 * into ?1..?N, which SQLite binds by the same index.
 */
#ifndef POOLBENCH_STORE_IMPL_H
#define POOLBENCH_STORE_IMPL_H

#include <stddef.h>

#include "history.h"

/* A prepared statement of a backend (opaque to the shared code). */
struct store_stmt;

struct store_backend {
    const char *name;              /* "sqlite" or "postgresql" */
    /* The first schema step (version 0 -> 1: the tables) in this
     * backend's dialect; the later steps are written once, in history.c,
     * in SQL both backends take. */
    const char *schema_v1;
    /* Connect to target (h->where is set); HISTORY_NOT_FOUND,
     * HISTORY_BAD_PATH or -1 with a message, as history_open. */
    int (*open)(struct history *h, const char *target,
                enum history_mode mode, char *err, size_t err_len);
    void (*close)(struct history *h);                 /* h->conn only */
    /* history_check_writable for this backend. */
    int (*check_writable)(const char *target, char *err, size_t err_len);
    /* Run sql, one or more statements without parameters or rows. */
    int (*exec)(struct history *h, const char *sql, char *err,
                size_t err_len);
    /* Open a write transaction; schema != 0 also serialises schema
     * changes between processes. */
    int (*begin)(struct history *h, int schema, char *err, size_t err_len);
    void (*rollback)(struct history *h);   /* errors ignored */
    int (*schema_version)(struct history *h);         /* -1: error */
    int (*set_schema_version)(struct history *h, int v, char *err,
                              size_t err_len);
    int (*integrity_check)(struct history *h, char *err, size_t err_len);
    /* The backend's last error, one line. */
    const char *(*errmsg)(struct history *h);
    /* stream: the rows are read in order and no other statement runs
     * until this one is done, so a backend may fetch them one at a time
     * rather than hold them all. */
    struct store_stmt *(*prepare)(struct history *h, const char *sql,
                                  int stream);
    void (*reset)(struct store_stmt *st);   /* bindings are replaced */
    void (*bind_text)(struct store_stmt *st, int k, const char *s);
    void (*bind_int)(struct store_stmt *st, int k, long long v);
    void (*bind_real)(struct store_stmt *st, int k, double v);
    /* p must live until the statement is stepped. */
    void (*bind_blob)(struct store_stmt *st, int k, const void *p,
                      size_t len);
    /* 1: a row; 0: done; -1: an error (errmsg says it). */
    int (*step)(struct store_stmt *st);
    const char *(*col_text)(struct store_stmt *st, int k); /* NULL: "" */
    long long (*col_int)(struct store_stmt *st, int k);
    double (*col_real)(struct store_stmt *st, int k);      /* NULL: NAN */
    /* The bytes of a blob column; valid until the next step. */
    const void *(*col_blob)(struct store_stmt *st, int k, size_t *len);
    void (*finalize)(struct store_stmt *st);        /* safe on NULL */
};

extern const struct store_backend store_sqlite;
extern const struct store_backend store_pg;

struct history {
    const struct store_backend *be;
    void *conn;                    /* sqlite3 * or PGconn * */
    char where[4096];              /* path or URL without password */
};

/* The backend that target names: PostgreSQL for a postgresql:// or
 * postgres:// URL or a libpq keyword string (service=..., host=...),
 * else SQLite (a file path). */
const struct store_backend *store_backend_for(const char *target);

/* "WHERE: what: the backend's message" into err; returns -1. */
int store_fail(struct history *h, const char *what, char *err,
               size_t err_len);

/* A prepared statement, or NULL with the message in err. */
struct store_stmt *store_prepare(struct history *h, const char *sql,
                                 char *err, size_t err_len);

/* The same for a query whose rows are read in order with no other
 * statement until it is done (its rows may be streamed). */
struct store_stmt *store_prepare_stream(struct history *h, const char *sql,
                                        char *err, size_t err_len);

/* Bring the schema to HISTORY_SCHEMA_VERSION, one step per transaction
 * (begin with schema set): 0, HISTORY_BAD_PATH (a newer schema) or -1,
 * with a message. */
int store_migrate(struct history *h, char *err, size_t err_len);

/* "WHERE: schema version V is newer ..." into err. */
void store_newer(struct history *h, int v, char *err, size_t err_len);

#endif /* POOLBENCH_STORE_IMPL_H */
