/* history.h - the history store: runs kept by name, commit and machine
 * (issues #14, #22), in SQLite (a file, the default) or PostgreSQL (a
 * server many runners share); every function works the same on both.
 *
 * A run is a poolbench/1 results file stored whole: its text verbatim (so
 * that `history export` gives back the very bytes that were stored) and,
 * for lookups and trends, one `results` row per configuration with the
 * numbers the results view derives (median and 95% CI of wall_s, speedup).
 * A run goes in inside one transaction: a reader or a crash sees all of it
 * or none of it, and several processes may add at once (SQLite: WAL with
 * a busy timeout; PostgreSQL: the server's transactions). Every consumer
 * reads a stored run back as a results file (history_load_run), never
 * from the columns.
 *
 * Where: a file path, or a postgresql:// (postgres://) URL or libpq
 * keyword string (service=NAME, host=H dbname=D). A URL holding a
 * password is refused (HISTORY_BAD_PATH): credentials come from libpq's
 * own places (~/.pgpass or PGPASSFILE, a service file, PGPASSWORD).
 * Messages name the database with any password masked (history_where).
 *
 * The schema is versioned (SQLite: PRAGMA user_version; PostgreSQL: the
 * poolbench_schema table); history_open applies the missing steps of a
 * fixed list of migrations, each in one transaction.
 *
 * Every function returns 0, or -1 with one line in err; lookups return
 * HISTORY_NOT_FOUND (with a one-line message) when nothing matches.
 */
#ifndef POOLBENCH_HISTORY_H
#define POOLBENCH_HISTORY_H

#include <stddef.h>

#include "results.h"

/* The default database, relative to the working folder; $POOLBENCH_DB
 * overrides it, --db overrides both. */
#define HISTORY_DEFAULT_DB "results/history.sqlite"

/* The schema version this poolbench writes. */
#define HISTORY_SCHEMA_VERSION 3

/* How long a writer waits for another writer's lock. */
#define HISTORY_BUSY_TIMEOUT_MS 10000

/* A lookup found nothing (not an error of the database). */
#define HISTORY_NOT_FOUND 1

/* history_open refused the path itself (a symlink, not a regular file, a
 * missing folder, not a poolbench database, a newer schema; a bad URL,
 * a password in it, a server or database that cannot be reached): the
 * user's input, not the database, is wrong. */
#define HISTORY_BAD_PATH 2

/* Longest run name; a name is 1..HISTORY_NAME_MAX bytes of printable
 * text. */
#define HISTORY_NAME_MAX 128

/* An open database. */
struct history;

/* How history_open treats a missing file. */
enum history_mode {
    HISTORY_CREATE = 0,     /* create it (0666 & ~umask) */
    HISTORY_MUST_EXIST = 1, /* HISTORY_NOT_FOUND: "no history database at
                               PATH; store runs with ..." */
    HISTORY_READ_ONLY = 2,  /* as MUST_EXIST, opened read-only: nothing is
                               written (an empty file or one without the
                               schema is HISTORY_BAD_PATH); only a database
                               of an older schema is opened read-write to
                               migrate it */
};

/* One stored run's metadata. */
struct history_run {
    long long id;
    char name[HISTORY_NAME_MAX + 1];
    char commit[64];         /* machine.git_commit, "" when unknown */
    char created[64];        /* the file's "created" (RFC 3339 UTC) */
    char added_at[32];       /* when it was stored (RFC 3339 UTC) */
    char fingerprint[17];    /* 16 hex digits: see history_fingerprint */
    char machine[256];       /* what the fingerprint hashes, readable */
    size_t nrows;            /* configurations stored */
    size_t bytes;            /* size of the stored file */
};

/* Open (and create, or migrate to HISTORY_SCHEMA_VERSION) the database at
 * path (a file or a PostgreSQL URL: see the top). For a file, the parent
 * folder must exist; a path that is a symlink or not a
 * regular file is refused, and so is a database made by a newer poolbench.
 * Returns 0 (*out set), HISTORY_NOT_FOUND (mode HISTORY_MUST_EXIST and no
 * file), HISTORY_BAD_PATH or -1 (a database error); always with a message
 * in err, and *out is NULL unless 0. */
int history_open(const char *path, enum history_mode mode,
                 struct history **out, char *err, size_t err_len);

/* Check that a run could be stored in the database at path, without
 * storing one: an existing file must open read-write as a poolbench
 * database (a FIFO, a symlink, a read-only file or a newer schema is
 * refused); a missing one must be creatable (its folder exists and is
 * writable; nothing is created). Returns 0, or -1 with a message. */
int history_check_writable(const char *path, char *err, size_t err_len);

/* Close db; safe on NULL. */
void history_close(struct history *db);

/* The database db names, for messages: its path, or its URL with any
 * password masked (postgresql://user:***@host/db). */
const char *history_where(const struct history *db);

/* The database path to use: opt (--db) when not NULL, else $POOLBENCH_DB
 * when set and not empty, else HISTORY_DEFAULT_DB. */
const char *history_default_path(const char *opt);

/* The schema version of the open database. */
int history_schema_version(struct history *db);

/* Whether name is a valid run name (see HISTORY_NAME_MAX); -1 with a
 * message naming it otherwise. */
int history_check_name(const char *name, char *err, size_t err_len);

/* The machine fingerprint of m: 16 hex digits (FNV-1a 64) of what makes
 * timings incomparable: cpu_model, the usable CPUs (cpus_usable, capped
 * by cpu_quota when the file has one) and the memory to the GiB, into fp;
 * the readable text it hashes into text (may be NULL). Kernel, OS image,
 * microcode and compiler are not in it: they are shown as differences
 * by compare, not a new chain of runs. Schema 3 recomputed the stored
 * fingerprints this way. */
void history_fingerprint(const struct results_machine *m, char fp[17],
                         char *text, size_t text_len);

/* Store the results file text[0..len) under name in one transaction
 * (label names it in messages). The text must be a valid poolbench/1 file
 * of one machine (not a merge of several): otherwise the reader's one-line
 * message is returned and nothing is stored. *id gets the new run's id. */
int history_add_text(struct history *db, const char *label,
                     const char *text, size_t len, const char *name,
                     long long *id, char *err, size_t err_len);

/* The same for the file at path (what `run --save NAME` calls after
 * writing its results file). */
int history_add_file(struct history *db, const char *path, const char *name,
                     long long *id, char *err, size_t err_len);

/* Check that path is a results file history_add_file would store, without
 * storing it (so that a command can refuse a batch before storing any). */
int history_check_file(const char *path, char *err, size_t err_len);

/* Every stored run (name NULL) or those named name, oldest first, into a
 * new array *out (free it) of *n. */
int history_list(struct history *db, const char *name,
                 struct history_run **out, size_t *n, char *err,
                 size_t err_len);

/* Run id's metadata; HISTORY_NOT_FOUND when there is no such run. */
int history_get(struct history *db, long long id, struct history_run *out,
                char *err, size_t err_len);

/* Write run id's stored file to path, byte-equal to what was stored,
 * atomically (temp file beside it, O_EXCL|O_NOFOLLOW, fsync, rename). */
int history_export(struct history *db, long long id, const char *path,
                   char *err, size_t err_len);

/* Parse run id's stored file into *out as if it were read from a file
 * named "history:ID" (free with results_free). */
int history_load_run(struct history *db, long long id,
                     struct results_file *out, char *err, size_t err_len);

/* Keep the newest keep runs of each name (of name only, when not NULL),
 * delete the others with their rows, in one transaction; *removed gets
 * how many runs went. */
int history_prune(struct history *db, const char *name, size_t keep,
                  size_t *removed, char *err, size_t err_len);

/* ---- lookups for `compare --baseline NAME[@COMMIT] --window K` ---------
 * "Newest" orders by the file's created time, then by id. fingerprint
 * NULL matches any machine. */

/* The newest run named name on fingerprint. */
int history_latest(struct history *db, const char *name,
                   const char *fingerprint, long long *id, char *err,
                   size_t err_len);

/* The newest run named name on fingerprint whose commit starts with
 * commit_prefix; -1 with a message when the prefix names several
 * commits. */
int history_by_commit(struct history *db, const char *name,
                      const char *commit_prefix, const char *fingerprint,
                      long long *id, char *err, size_t err_len);

/* The newest k runs named name on fingerprint, newest first, into
 * ids[0..*n); HISTORY_NOT_FOUND when there is none. */
int history_last_k(struct history *db, const char *name,
                   const char *fingerprint, size_t k, long long *ids,
                   size_t *n, char *err, size_t err_len);

/* The run spec names (NAME, or NAME@COMMIT: the newest at that commit)
 * on m's fingerprint in the database at db_path (NULL: the default),
 * loaded into *out (free with results_free), with "NAME (run ID)" in
 * label. Returns 0, HISTORY_NOT_FOUND (no database, no such run on this
 * machine), or -1; always with a message when not 0. */
int history_load_named(const char *db_path, const char *spec,
                       const struct results_machine *m,
                       struct results_file *out, char *label,
                       size_t label_len, char *err, size_t err_len);

/* ---- trends ---------------------------------------------------------- */

/* One stored configuration of one run, for trends. Strings live until
 * the next call of the callback. */
struct history_point {
    long long run_id;
    const char *name, *commit, *created, *fingerprint;
    const char *workload, *params, *executor, *transport, *mode;
    const char *instance;    /* view_instance_label at store time */
    const char *config;      /* view_config_label at store time */
    const char *key;         /* view_match_key */
    unsigned workers;
    unsigned long long chunk;
    int chunk_auto;          /* the chunk was "auto" (chosen), chunk is
                                what it resolved to */
    unsigned long long tasks;
    size_t n;                /* wall_s samples */
    double median, ci95_low, ci95_high; /* wall_s; NAN when none */
    double speedup;          /* from the view; NAN when none */
};

/* Call fn for every stored configuration (of runs named name when not
 * NULL), ordered by fingerprint, workload, params, then run time. fn
 * returns 0 to go on, -1 to stop (history_points then returns -1 and
 * keeps fn's message in err). */
int history_points(struct history *db, const char *name,
                   int (*fn)(const struct history_point *p, void *arg,
                             char *err, size_t err_len),
                   void *arg, char *err, size_t err_len);

/* Check the database (SQLite: PRAGMA integrity_check; PostgreSQL: no
 * results row without its run); -1 with the first complaint otherwise. */
int history_integrity_check(struct history *db, char *err, size_t err_len);


#endif /* POOLBENCH_HISTORY_H */
