/* history_impl.h - what the history modules share: the handle and the
 * SQLite helpers (history.c defines them; history_query.c reads). Not
 * for other modules: use history.h. */
#ifndef POOLBENCH_HISTORY_IMPL_H
#define POOLBENCH_HISTORY_IMPL_H

#include <stddef.h>

#include <sqlite3.h>

#include "history.h"

struct history {
    sqlite3 *db;
    char path[4096];
};

/* "PATH: what: SQLite's message" into err; returns -1. */
int history_db_fail(struct history *db, const char *what, char *err,
                    size_t err_len);

/* Run sql (no results); 0, or -1 with a message. */
int history_exec_sql(struct history *db, const char *sql, char *err,
                     size_t err_len);

/* A prepared statement, or NULL with the message in err. */
sqlite3_stmt *history_prepare(struct history *db, const char *sql,
                              char *err, size_t err_len);

/* Bind s (NULL: SQL NULL) to parameter k of st. */
void history_bind_text(sqlite3_stmt *st, int k, const char *s);

/* Roll back the open transaction, ignoring errors. */
void history_rollback(struct history *db);

#endif /* POOLBENCH_HISTORY_IMPL_H */
