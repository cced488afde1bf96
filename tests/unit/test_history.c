/* test_history.c - the history database: migrations, storing and reading
 * runs back byte-equal, prune, the gate's lookups, refusals, and two
 * processes adding at once.
 *
 * On SQLite by default; with POOLBENCH_TEST_DB_BACKEND=pg on the server
 * of POOLBENCH_TEST_PG (tests/cli/pg_server.sh run), each test in a new
 * database of its own. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "fs.h"
#include "test_util.h"
#include "history.h"

static char dir[256];
static char db_path[1300];
static int pg_mode;             /* POOLBENCH_TEST_DB_BACKEND=pg */
static char pg_name[64];        /* this test's database */
static unsigned pg_seq;

/* Run sql on the test server's maintenance database ($POOLBENCH_TEST_PG,
 * or on db_path when own): CREATE and DROP DATABASE. */
static void pg_admin(const char *sql, int own)
{
    const char *url = own ? db_path : getenv("POOLBENCH_TEST_PG");
    assert_non_null(url);
    PGconn *c = PQconnectdb(url);
    if (PQstatus(c) != CONNECTION_OK)
        fail_msg("%s: %s", url, PQerrorMessage(c));
    PGresult *r = PQexec(c, sql);
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        fail_msg("%s: %s", sql, PQresultErrorMessage(r));
    PQclear(r);
    PQfinish(c);
}

/* A new database on the test server; db_path gets its URL (the server's
 * URL with another database name: pg_server.sh gives one with a path). */
static void pg_new_database(void)
{
    char sql[128];
    const char *url = getenv("POOLBENCH_TEST_PG");
    assert_non_null(url);
    snprintf(pg_name, sizeof(pg_name), "pb_unit_%d_%u", (int)getpid(),
             pg_seq++);
    snprintf(sql, sizeof(sql), "CREATE DATABASE %s", pg_name);
    pg_admin(sql, 0);
    const char *slash = strstr(url, "://");
    assert_non_null(slash);
    slash = strchr(slash + 3, '/');
    assert_non_null(slash);
    const char *rest = slash + 1 + strcspn(slash + 1, "?");
    snprintf(db_path, sizeof(db_path), "%.*s%s%s", (int)(slash + 1 - url),
             url, pg_name, rest);
}

/* Run sql on the test's database, outside poolbench: the SQLite text
 * or the PostgreSQL one. */
static void raw_exec(const char *sqlite_sql, const char *pg_sql)
{
    if (pg_mode) {
        pg_admin(pg_sql, 1);
        return;
    }
    sqlite3 *s;
    assert_int_equal(sqlite3_open(db_path, &s), SQLITE_OK);
    assert_int_equal(sqlite3_exec(s, sqlite_sql, NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(s);
}

/* The number the query sql gives, read outside poolbench. */
static long long raw_int(const char *sql)
{
    long long n = -1;
    if (pg_mode) {
        PGconn *c = PQconnectdb(db_path);
        PGresult *r = PQexec(c, sql);
        if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
            n = atoll(PQgetvalue(r, 0, 0));
        PQclear(r);
        PQfinish(c);
        return n;
    }
    sqlite3 *s;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open(db_path, &s), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(s, sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(s);
    return n;
}

static const char *fixture(const char *name)
{
    static char path[4][1024];
    static int k;
    const char *base = getenv("FIXTURES");
    k = (k + 1) % 4;
    snprintf(path[k], sizeof(path[k]), "%s/%s",
             base != NULL ? base : "tests/fixtures", name);
    return path[k];
}

/* path with its machine.git_commit, created and cpu_model replaced. */
static char *variant(const char *path, const char *commit,
                     const char *created, const char *cpu, size_t *len)
{
    size_t n;
    char *text = test_slurp(path, &n);
    struct { const char *key; const char *val; } subs[] = {
        { "\"git_commit\":", commit }, { "\"created\":", created },
        { "\"cpu_model\":", cpu },
    };
    for (size_t k = 0; k < 3; k++) {
        char *p = strstr(text, subs[k].key);
        assert_non_null(p);
        char *q = strchr(p + strlen(subs[k].key), '"');
        char *e = strchr(q + 1, '"');
        size_t head = (size_t)(q + 1 - text), tail = strlen(e);
        char *out = malloc(head + strlen(subs[k].val) + tail + 1);
        memcpy(out, text, head);
        strcpy(out + head, subs[k].val);
        strcat(out, e);
        free(text);
        text = out;
    }
    *len = strlen(text);
    return text;
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/pb_history_XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(db_path, sizeof(db_path), "%s/h.sqlite", dir);
    if (pg_mode)
        pg_new_database();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[400];
    if (pg_mode) {
        snprintf(cmd, sizeof(cmd), "DROP DATABASE %s WITH (FORCE)",
                 pg_name);
        pg_admin(cmd, 0);
    }
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static struct history *open_ok(void)
{
    char err[512];
    struct history *db = NULL;
    int rc = history_open(db_path, HISTORY_CREATE, &db, err, sizeof(err));
    if (rc != 0)
        fail_msg("%s", err);
    return db;
}

static long long count(const char *table)
{
    char sql[100];
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
    return raw_int(sql);
}

static void test_migrate_empty(void **state)
{
    (void)state;
    struct history *db = open_ok();
    assert_int_equal(history_schema_version(db), HISTORY_SCHEMA_VERSION);
    history_close(db);
    struct stat st;
    assert_true(pg_mode || stat(db_path, &st) == 0);
    assert_true(pg_mode || S_ISREG(st.st_mode));
    /* Reopening migrates nothing and keeps the version. */
    db = open_ok();
    assert_int_equal(history_schema_version(db), HISTORY_SCHEMA_VERSION);
    history_close(db);
    assert_int_equal(count("runs"), 0);
}

static void test_migrate_from_v0_and_newer(void **state)
{
    (void)state;
    char err[512];
    struct history *db = NULL;
    if (pg_mode) {
        /* A database without the schema is no history to read, and a
         * read leaves it without one. */
        assert_int_equal(history_open(db_path, HISTORY_READ_ONLY, &db, err,
                                      sizeof(err)), HISTORY_NOT_FOUND);
        assert_non_null(strstr(err, "no history database at"));
        assert_int_equal(raw_int("SELECT count(*) FROM pg_tables WHERE "
                                 "tablename = 'poolbench_schema'"), 0);
    }
    /* A database at version 0 with an unrelated table. */
    raw_exec("CREATE TABLE other(x INTEGER); INSERT INTO other VALUES (1)",
             "CREATE TABLE other(x INTEGER); INSERT INTO other VALUES (1)");
    db = open_ok();
    assert_int_equal(history_schema_version(db), HISTORY_SCHEMA_VERSION);
    history_close(db);
    assert_int_equal(count("other"), 1);
    assert_int_equal(count("runs"), 0);
    /* A database from a newer poolbench is refused, not touched. */
    raw_exec("PRAGMA user_version = 99",
             "UPDATE poolbench_schema SET version = 99");
    db = NULL;
    /* Refused input (exit 2), not a database failure. */
    assert_int_equal(history_open(db_path, HISTORY_CREATE, &db, err,
                                  sizeof(err)), HISTORY_BAD_PATH);
    assert_null(db);
    assert_non_null(strstr(err, "newer"));
    assert_int_equal(history_open(db_path, HISTORY_READ_ONLY, &db, err,
                                  sizeof(err)), HISTORY_BAD_PATH);
    assert_null(db);
    assert_non_null(strstr(err, "newer"));
    if (pg_mode)
        return;
    /* Read-only opens of an empty file: refused, and the file stays
     * empty (no schema written). */
    assert_int_equal(truncate(db_path, 0), 0);
    assert_int_equal(history_open(db_path, HISTORY_READ_ONLY, &db, err,
                                  sizeof(err)), HISTORY_BAD_PATH);
    assert_null(db);
    assert_non_null(strstr(err, "not a poolbench history database"));
    struct stat st;
    assert_int_equal(stat(db_path, &st), 0);
    assert_int_equal(st.st_size, 0);
}

/* Schema 2 -> 3: stored fingerprints are recomputed (the kernel, the
 * compiler and the build type no longer start a new machine) and rows
 * learn whether their chunk was automatic. */
static void test_migrate_v2_refingerprints(void **state)
{
    (void)state;
    char err[512], fp[17];
    long long id;
    struct history *db = open_ok();
    const char *src = fixture("compare/free.json");
    assert_int_equal(history_add_file(db, src, "main", &id, err,
                                      sizeof(err)), 0);
    history_close(db);
    /* Make it a schema 2 database with an old-style fingerprint. */
    raw_exec("UPDATE runs SET fingerprint = '0123456789abcdef';"
             "ALTER TABLE results DROP COLUMN chunk_auto;"
             "PRAGMA user_version = 2",
             "UPDATE runs SET fingerprint = '0123456789abcdef';"
             "ALTER TABLE results DROP COLUMN chunk_auto;"
             "UPDATE poolbench_schema SET version = 2");
    db = open_ok();
    assert_int_equal(history_schema_version(db), HISTORY_SCHEMA_VERSION);
    struct history_run run;
    assert_int_equal(history_get(db, id, &run, err, sizeof(err)), 0);
    struct results_file f;
    assert_int_equal(results_load(src, &f, err, sizeof(err)), 0);
    history_fingerprint(&f.machines[0], fp, NULL, 0);
    assert_string_equal(run.fingerprint, fp);
    assert_null(strstr(run.machine, f.machines[0].kernel));
    size_t autos = 0;
    for (size_t k = 0; k < f.nrows; k++)
        autos += f.rows[k].chunk_auto != 0;
    results_free(&f);
    history_close(db);
    assert_true(autos > 0);
    assert_int_equal(raw_int("SELECT sum(chunk_auto) FROM results"),
                     (long long)autos);
}

static void test_open_refusals(void **state)
{
    (void)state;
    char err[512], path[400];
    struct history *db = NULL;
    if (pg_mode) {
        /* A password on the command line is refused and never shown. */
        assert_int_equal(history_open("postgresql://u:s3cret@h/db",
                                      HISTORY_CREATE, &db, err,
                                      sizeof(err)), HISTORY_BAD_PATH);
        assert_null(strstr(err, "s3cret"));
        assert_non_null(strstr(err, "postgresql://u:***@h/db"));
        assert_non_null(strstr(err, "PGPASSFILE"));
        assert_int_equal(history_open("host=h password=s3cret",
                                      HISTORY_CREATE, &db, err,
                                      sizeof(err)), HISTORY_BAD_PATH);
        assert_null(strstr(err, "s3cret"));
        assert_null(db);
    }
    snprintf(path, sizeof(path), "%s/nope/h.sqlite", dir);
    assert_int_equal(history_open(path, HISTORY_CREATE, &db, err,
                                  sizeof(err)), HISTORY_BAD_PATH);
    assert_non_null(strstr(err, "does not exist"));
    snprintf(path, sizeof(path), "%s/missing.sqlite", dir);
    assert_int_equal(history_open(path, HISTORY_MUST_EXIST, &db, err,
                                  sizeof(err)), HISTORY_NOT_FOUND);
    assert_non_null(strstr(err, "no history database at"));
    assert_int_equal(access(path, F_OK), -1);
    snprintf(path, sizeof(path), "%s/link.sqlite", dir);
    assert_int_equal(symlink("h.sqlite", path), 0);
    assert_int_equal(history_open(path, HISTORY_CREATE, &db, err,
                                  sizeof(err)), HISTORY_BAD_PATH);
    assert_non_null(strstr(err, "symbolic link"));
    snprintf(path, sizeof(path), "%s/h.sqlite", dir);
    assert_int_equal(access(path, F_OK), -1);
    assert_int_equal(history_open(dir, HISTORY_CREATE, &db, err,
                                  sizeof(err)), HISTORY_BAD_PATH);
    assert_null(db);
}

static void test_round_trip(void **state)
{
    (void)state;
    char err[512], out[400];
    long long id;
    struct history *db = open_ok();
    const char *src = fixture("compare/free.json");
    assert_int_equal(history_add_file(db, src, "main", &id, err,
                                      sizeof(err)), 0);
    assert_true(id > 0);
    snprintf(out, sizeof(out), "%s/export.json", dir);
    assert_int_equal(history_export(db, id, out, err, sizeof(err)), 0);
    size_t a, b;
    char *ta = test_slurp(src, &a), *tb = test_slurp(out, &b);
    assert_int_equal(a, b);
    assert_memory_equal(ta, tb, a);
    free(ta);
    free(tb);

    struct history_run run;
    assert_int_equal(history_get(db, id, &run, err, sizeof(err)), 0);
    assert_string_equal(run.name, "main");
    assert_string_equal(run.commit, "ed0180d5c2e1");
    assert_string_equal(run.created, "2026-11-27T09:42:02Z");
    assert_int_equal(run.nrows, 6);
    assert_int_equal(strlen(run.fingerprint), 16);

    struct results_file f = { 0 };
    assert_int_equal(history_load_run(db, id, &f, err, sizeof(err)), 0);
    assert_int_equal(f.nrows, 6);
    assert_string_equal(f.rows[0].workload, "factorial");
    results_free(&f);

    assert_int_equal(history_get(db, id + 100, &run, err, sizeof(err)),
                     HISTORY_NOT_FOUND);
    assert_int_equal(history_export(db, id + 100, out, err, sizeof(err)),
                     HISTORY_NOT_FOUND);
    history_close(db);
}

static void test_refusal_leaves_db_unchanged(void **state)
{
    (void)state;
    char err[512];
    long long id = -7;
    struct history *db = open_ok();
    assert_int_equal(history_add_file(db, fixture("good/serial.json"), "m",
                                      &id, err, sizeof(err)), 0);
    const char *bads[] = { "bad/nan.json", "bad/truncated.json",
                           "bad/wrong-schema.json", "bad/no-wall.json" };
    for (size_t k = 0; k < 4; k++) {
        err[0] = '\0';
        id = -7;
        assert_int_equal(history_add_file(db, fixture(bads[k]), "m", &id,
                                          err, sizeof(err)), -1);
        assert_int_equal(id, -7);
        assert_non_null(strstr(err, bads[k]));
        assert_null(strchr(err, '\n'));
        assert_int_equal(history_check_file(fixture(bads[k]), err,
                                            sizeof(err)), -1);
    }
    /* A bad name is refused too. */
    assert_int_equal(history_add_file(db, fixture("good/serial.json"), "",
                                      &id, err, sizeof(err)), -1);
    assert_int_equal(history_add_file(db, fixture("good/serial.json"),
                                      "a\nb", &id, err, sizeof(err)), -1);
    history_close(db);
    assert_int_equal(count("runs"), 1);
    assert_int_equal(count("results"), 2);
}

/* Store five runs of "main" on machine A (commits c1..c5, in order of
 * time), two on machine B and one "pr" on A. */
static void fill(struct history *db, long long *ids)
{
    char err[512], commit[16], created[32];
    const char *src = fixture("compare/free.json");
    for (int k = 0; k < 8; k++) {
        const char *name = k == 7 ? "pr" : "main";
        const char *cpu = k >= 5 && k < 7 ? "CPU B" : "CPU A";
        snprintf(commit, sizeof(commit), "c%d%s", k + 1,
                 k == 3 ? "abc" : "def");
        /* Stored out of time order: lookups go by created, not id. */
        snprintf(created, sizeof(created), "2026-01-0%dT00:00:00Z",
                 k == 0 ? 9 : k + 1);
        size_t len;
        char *text = variant(src, commit, created, cpu, &len);
        assert_int_equal(history_add_text(db, "v", text, len, name, &ids[k],
                                          err, sizeof(err)), 0);
        free(text);
    }
}

static void test_lookups(void **state)
{
    (void)state;
    char err[512];
    long long ids[8], id, got[10];
    size_t n;
    struct history *db = open_ok();
    fill(db, ids);
    struct history_run a, b;
    assert_int_equal(history_get(db, ids[1], &a, err, sizeof(err)), 0);
    assert_int_equal(history_get(db, ids[5], &b, err, sizeof(err)), 0);
    assert_string_not_equal(a.fingerprint, b.fingerprint);

    /* Newest by time on A is run 0 (created the 9th). */
    assert_int_equal(history_latest(db, "main", a.fingerprint, &id, err,
                                    sizeof(err)), 0);
    assert_int_equal(id, ids[0]);
    assert_int_equal(history_latest(db, "main", b.fingerprint, &id, err,
                                    sizeof(err)), 0);
    assert_int_equal(id, ids[6]);
    assert_int_equal(history_latest(db, "main", NULL, &id, err,
                                    sizeof(err)), 0);
    assert_int_equal(id, ids[0]);
    assert_int_equal(history_latest(db, "nope", NULL, &id, err,
                                    sizeof(err)), HISTORY_NOT_FOUND);
    assert_non_null(strstr(err, "nope"));

    assert_int_equal(history_last_k(db, "main", a.fingerprint, 3, got, &n,
                                    err, sizeof(err)), 0);
    assert_int_equal(n, 3);
    assert_int_equal(got[0], ids[0]);
    assert_int_equal(got[1], ids[4]);
    assert_int_equal(got[2], ids[3]);
    assert_int_equal(history_last_k(db, "main", a.fingerprint, 10, got, &n,
                                    err, sizeof(err)), 0);
    assert_int_equal(n, 5);

    assert_int_equal(history_by_commit(db, "main", "c4a", a.fingerprint,
                                       &id, err, sizeof(err)), 0);
    assert_int_equal(id, ids[3]);
    assert_int_equal(history_by_commit(db, "main", "c4abc", b.fingerprint,
                                       &id, err, sizeof(err)),
                     HISTORY_NOT_FOUND);
    assert_int_equal(history_by_commit(db, "main", "c", NULL, &id, err,
                                       sizeof(err)), -1);
    assert_non_null(strstr(err, "several"));
    assert_int_equal(history_by_commit(db, "main", "%", NULL, &id, err,
                                       sizeof(err)), HISTORY_NOT_FOUND);
    history_close(db);
}

static void test_prune(void **state)
{
    (void)state;
    char err[512];
    long long ids[8], got[10];
    size_t n, removed = 99;
    struct history *db = open_ok();
    fill(db, ids);
    assert_int_equal(history_prune(db, "pr", 1, &removed, err,
                                   sizeof(err)), 0);
    assert_int_equal(removed, 0);
    assert_int_equal(history_prune(db, NULL, 2, &removed, err,
                                   sizeof(err)), 0);
    assert_int_equal(removed, 5);
    /* The newest two of main by time are kept: run 0 (the 9th), run 6. */
    assert_int_equal(history_last_k(db, "main", NULL, 10, got, &n, err,
                                    sizeof(err)), 0);
    assert_int_equal(n, 2);
    assert_int_equal(got[0], ids[0]);
    assert_int_equal(got[1], ids[6]);
    history_close(db);
    assert_int_equal(count("runs"), 3);
    assert_int_equal(count("results"), 18);
}

/* Two processes adding 20 runs each at once: all 40 stored. */
static void test_concurrent_writers(void **state)
{
    (void)state;
    history_close(open_ok());
    pid_t pids[2];
    for (int p = 0; p < 2; p++) {
        pids[p] = fork();
        assert_true(pids[p] >= 0);
        if (pids[p] == 0) {
            char err[512];
            struct history *db = NULL;
            if (history_open(db_path, HISTORY_CREATE, &db, err,
                             sizeof(err)) != 0)
                _exit(1);
            for (int k = 0; k < 20; k++)
                if (history_add_file(db, fixture("compare/free.json"),
                                     p ? "b" : "a", NULL, err,
                                     sizeof(err)) != 0) {
                    fprintf(stderr, "%s\n", err);
                    _exit(2);
                }
            history_close(db);
            _exit(0);
        }
    }
    for (int p = 0; p < 2; p++) {
        int status;
        assert_int_equal(waitpid(pids[p], &status, 0), pids[p]);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
    }
    assert_int_equal(count("runs"), 40);
    assert_int_equal(count("results"), 240);
    char err[512];
    struct history *db = open_ok();
    assert_int_equal(history_integrity_check(db, err, sizeof(err)), 0);
    history_close(db);
}

static void test_write_atomic(void **state)
{
    (void)state;
    char err[512], path[400], link[400];
    snprintf(path, sizeof(path), "%s/out.txt", dir);
    assert_int_equal(fs_write_atomic(path, "abc", 3, err,
                                          sizeof(err)), 0);
    size_t n;
    char *t = test_slurp(path, &n);
    assert_string_equal(t, "abc");
    free(t);
    /* No folder: an error, nothing left behind. */
    snprintf(link, sizeof(link), "%s/no/out.txt", dir);
    assert_int_equal(fs_write_atomic(link, "x", 1, err, sizeof(err)),
                     -1);
    assert_non_null(strstr(err, "no/out.txt"));
}

int main(void)
{
    const char *backend = getenv("POOLBENCH_TEST_DB_BACKEND");
    pg_mode = backend != NULL && strcmp(backend, "pg") == 0;
    if (pg_mode && getenv("POOLBENCH_TEST_PG") == NULL) {
        fprintf(stderr, "POOLBENCH_TEST_PG is not set: run me through "
                "tests/cli/pg_server.sh run\n");
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_migrate_empty, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migrate_v2_refingerprints,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_migrate_from_v0_and_newer,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refusal_leaves_db_unchanged,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_lookups, setup, teardown),
        cmocka_unit_test_setup_teardown(test_prune, setup, teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_writers, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_write_atomic, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
