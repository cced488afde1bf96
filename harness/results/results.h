/* results.h - results files: schema poolbench/1, atomic writing, and a
 * validating reader that turns a file into the rows compare, plot and
 * report use.
 *
 * A file holds one "machine" object, and optionally (files made by merge)
 * a "machines" array with every run's machine; then each result carries
 * "machine_index" into it. See docs/results-schema.md for every field.
 */
#ifndef POOLBENCH_RESULTS_H
#define POOLBENCH_RESULTS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "stats.h"

#define RESULTS_SCHEMA "poolbench/1"

/* Largest results file the reader accepts, and deepest nesting. */
#define RESULTS_MAX_BYTES (256u * 1024 * 1024)
#define RESULTS_MAX_DEPTH 32
#define RESULTS_MAX_SAMPLES 100000 /* per series: -r takes at most this */
/* The per-repetition series of a row ("samples" in the schema, see
 * docs/results-schema.md): run/measure.c writes them under these names
 * and every reader finds them by these names, never by a literal. */
#define RESULTS_WALL_S "wall_s"
#define RESULTS_STARTUP_S "startup_s"
#define RESULTS_FIRST_RESULT_S "first_result_s"
#define RESULTS_USER_S "user_s"
#define RESULTS_SYS_S "sys_s"
#define RESULTS_VCSW "voluntary_ctxsw"
#define RESULTS_IVCSW "involuntary_ctxsw"
#define RESULTS_PEAK_RSS "peak_rss_bytes"
#define RESULTS_BYTES "bytes"
#define RESULTS_MB_PER_S "mb_per_s"
#define RESULTS_LOCK_WAIT_S "lock_wait_s"
#define RESULTS_FOREIGN_CPU_S "foreign_cpu_s"
#define RESULTS_STEAL_S "steal_s"
#define RESULTS_CPUS_AVAILABLE "cpus_available"
#define RESULTS_PROBE_SPEED "probe_speed"
#define RESULTS_WORKER_SPEED_MIN "worker_speed_min"
#define RESULTS_CYCLES "cycles"
#define RESULTS_INSTRUCTIONS "instructions"
#define RESULTS_ROUND "round"   /* the measured round of each repetition */

/* The latest run, which `run` writes beside its dated file and which show,
 * plot and report read when no file is named. */
#define RESULTS_LATEST "results/latest.json"

/* One metric's raw samples, as read. */
struct results_series {
    const char *name;  /* "wall_s", "first_result_s", "user_s", ... */
    double *v;
    size_t n;
};

/* A completion timeline point: done tasks delivered by t_s seconds. */
struct results_point {
    double t_s;
    uint64_t done;
};

/* One configuration's result, as read. Strings and arrays live in the
 * file's pool (strings interned: equal strings of one file are one
 * pointer) as long as the file; the row keeps no JSON tree (a tree costs
 * about nine times the text, and a fleet's file has 100,000 rows). */
struct results_row {
    const char *workload;
    const char *executor;
    const char *mode;       /* "ordered" | "unordered" */
    const char *transport;  /* "shm" | "pipe" */
    unsigned workers;
    uint64_t chunk;
    const char *params;     /* canonical "k=v,k=v", keys sorted */
    uint64_t tasks;
    uint64_t errors;
    const char *checksum;   /* 16 lowercase hex digits */
    const char *failure;    /* why the run failed, or NULL */
    struct results_series *series;
    size_t nseries;
    struct results_point *timeline; /* NULL when absent */
    size_t ntimeline;
    double ns_per_task;     /* NAN when absent */
    double speedup;         /* NAN when absent (no serial baseline) */
    double efficiency;      /* NAN when absent */
    double harness_ns_per_task; /* poolbench's own cost per task in this
                                   row's shape (noop through the same
                                   executor, workers, mode, transport and
                                   chunk), NAN when absent or null */
    size_t machine_index;   /* into results_file.machines */
    long run_index;         /* which merged run, or -1 when not merged */
    int chunk_auto;         /* the chunk size was "auto" */
    const char *role;       /* imported rows: "baseline", or NULL */
    const char *tasks_source; /* "calibrated", "option", "default", or
                                 NULL in files older than calibration */
    const char *workers_spec; /* "cpus", "2xcpus", "2", or NULL */
    int precision_reached;  /* 1, 0, or -1 when not asked for */
    uint64_t disturbed;     /* repetitions the noise meter flagged */
    const char *command;    /* imported rows: the command line, or NULL */
    const char *side;       /* A/B: the build's label (workload is then
                               "NAME@LABEL"), or NULL */
    size_t json_off, json_len; /* the row's text in the file, for
                                  results_row_json */
};

/* One machine block, as read (strings may be NULL when null in JSON). */
struct results_machine {
    const char *hostname, *os, *kernel, *cpu_model, *affinity;
    const char *clocksource, *governor, *compiler, *build_type;
    const char *version, *git_commit;
    long cpus_online;
    long cpus_usable;       /* affinity_count when the file has it (and it
                               is smaller), else cpus_online: what "the
                               CPUs" means for this run */
    double mem_total_bytes;
    cJSON *json;
};

/* One entry of the top-level "warnings" array. */
struct results_warning {
    const char *kind;       /* "busy_machine", "too_short", ... */
    const char *message;
    const char *remedy;     /* what to do about it, or NULL (older
                               files) */
    long result;            /* the row it is about, or -1: the whole run */
};

/* A loaded, validated results file. */
struct results_file {
    char *path;             /* owned copy */
    const char *created;
    const char *source;     /* config.source ("hyperfine"), or NULL */
    const char *output;     /* config.output: the file the run was written
                               to, which this one copies (latest.json),
                               or NULL */
    const char *suite;      /* config.suite ("seed"), or NULL */
    cJSON *root;            /* owned: the file without its rows (results
                               is []): machines, config, warnings */
    struct results_machine *machines;
    size_t nmachines;
    struct results_row *rows;
    size_t nrows;
    struct results_warning *warnings; /* empty in older files */
    size_t nwarnings;
    const char *ab_base;    /* A/B: "ab": the base and new sides' labels, */
    const char *ab_new;     /* or NULL in other files */
    struct results_pool *pool; /* the rows' strings and arrays */
    char *text;             /* the file's text with RESULTS_KEEP_TEXT, */
    size_t text_len;        /* else NULL */
};

/* The name to cite for f: the file its run was written to (what
 * latest.json copies; the next run overwrites latest.json), else its
 * own path. */
const char *results_cited_path(const struct results_file *f);

/* Read and validate path. Returns 0, or -1 with a one-line message in
 * err naming the file and what is wrong ("x.json: results[3].samples.
 * wall_s[2]: expected a finite number"); *out is then empty. */
int results_load(const char *path, struct results_file *out, char *err,
                 size_t err_len);

/* results_load_flags: keep the file's text, so that results_row_json
 * can give each row's object as written (merge, ab). */
#define RESULTS_KEEP_TEXT 1

/* results_load with flags (RESULTS_KEEP_TEXT or 0). */
int results_load_flags(const char *path, int flags, struct results_file *out,
                       char *err, size_t err_len);

/* Row's object as the file has it, in a new tree (cJSON_Delete it); NULL
 * when f was loaded without RESULTS_KEEP_TEXT or memory ran out. */
cJSON *results_row_json(const struct results_file *f,
                        const struct results_row *row);

/* The text of the input file at path, a regular file of at most
 * max_bytes (what names it in messages: "a hyperfine JSON file"), in a
 * new NUL-terminated buffer, its length in *len and its stat in *st (may
 * be NULL). A FIFO or device is refused at once, never waited on. NULL
 * with a one-line message when it cannot be read. */
char *results_read_input(const char *path, const char *what,
                         size_t max_bytes, size_t *len, struct stat *st,
                         char *err, size_t err_len);

/* The text of the results file at path (a regular file of at most
 * RESULTS_MAX_BYTES; a FIFO or device is refused at once, never waited
 * on) in a new NUL-terminated buffer, its length in *len. NULL with a
 * one-line message when it cannot be read. */
char *results_read_text(const char *path, size_t *len, char *err,
                        size_t err_len);

/* The same from text already in memory (name is used in messages). */
int results_parse(const char *name, const char *text, size_t len,
                  struct results_file *out, char *err, size_t err_len);

/* Whether the last results_load, results_read_input or results_parse on
 * this thread failed because memory ran out ("out of memory reading
 * FILE"): a run failure (exit 3), not a bad file (exit 2). */
int results_out_of_memory(void);

/* A params object as the reader keys it ("k=v,k=v", keys sorted) into a
 * new string *out (free it). Returns 0, or -1 with a message. */
int results_params_key(const cJSON *params, char **out, char *err,
                       size_t err_len);

/* Free everything results_load made; safe on a zeroed struct. */
void results_free(struct results_file *f);

/* The samples of metric name in row, or NULL when the row has none. */
const struct results_series *results_series_find(
    const struct results_row *row, const char *name);

/* Summarize metric name of row into *out; -1 when missing or empty. */
int results_row_stats(const struct results_row *row, const char *name,
                      struct stats_summary *out);

/* Write root as JSON to path atomically: a temp file beside it (mode
 * 0666 less the umask), fsync, rename, fsync of the folder. An existing
 * file at path is untouched on any failure. A character device or FIFO
 * at path is written through, never replaced (/dev/null, /dev/stdout; a
 * FIFO nobody reads is an error, not a hang). Returns 0, or -1 with a
 * message in err (a full disk: "PATH: cannot write: No space left on
 * device"). */
int results_write_atomic(const char *path, const cJSON *root, char *err,
                         size_t err_len);

/* The stem of a default output name, results/PREFIXHOST-YYYYmmddTHHMMSSZ
 * (UTC now), creating results/ when missing (mode 0777 less the umask).
 * Returns 0, or -1 with a message that says to give -o FILE. */
int results_default_stem(const char *prefix, const char *host, char *stem,
                         size_t len, char *err, size_t err_len);

/* Most "-N" suffixes results_write_new tries. */
#define RESULTS_MAX_SUFFIX 1000

/* Write root as a new file STEM.json, or STEM-2.json, STEM-3.json, ...:
 * the first name that does not exist, never replacing a file, so runs
 * started in the same second each keep their results. The name used goes
 * into path. Returns 0, or -1 with a message in err. */
int results_write_new(const char *stem, const cJSON *root, char *path,
                      size_t path_len, char *err, size_t err_len);

/* What identifies a row, for the one place rows are written. */
struct results_row_head {
    const char *workload;
    const char *side;           /* A/B label; NULL: not written */
    const char *executor;
    unsigned workers;
    const char *workers_spec;   /* NULL: not written */
    const char *mode;           /* "ordered" | "unordered" */
    uint64_t chunk;
    int chunk_auto;
    const char *transport;      /* "none" or the executor's variant */
    cJSON *params;              /* taken over (freed with the row) */
    uint64_t tasks;
    const char *tasks_source;   /* NULL: not written */
    uint64_t errors;
    const char *checksum;       /* 16 lowercase hex digits */
    const char *failure;        /* NULL: none */
};

/* A new results row with h's fields, and empty "samples" and "stats"
 * objects for results_row_add_series; the derived fields are filled by
 * view_derive_json when the file is complete. NULL when out of memory. */
cJSON *results_row_new(const struct results_row_head *h);

/* Add series name (v[0..n)) to row's object group ("samples", or
 * "samples_disturbed" for repetitions set apart), and its summary to
 * "stats" when with_stats is set. Returns 0, or -1 when out of memory. */
int results_row_add_series(cJSON *row, const char *group, const char *name,
                           const double *v, size_t n, int with_stats);

/* The stats object {"median",...} for one summary; NULL on allocation
 * failure. */
cJSON *results_stats_json(const struct stats_summary *s);

/* Check that path can be written, before a run starts, so that a bad -o
 * fails in a second and not after an hour of measuring: its folder exists
 * and is writable, and path is a regular file, a character device or a
 * FIFO if it exists (not a folder, socket or block device), and not
 * longer than PATH_MAX allows. Returns 0 or -1 with a message. */
int results_check_writable(const char *path, char *err, size_t err_len);

/* Make the string in buf (len bytes) safe to print on a terminal, in
 * place: C0 controls (ESC, CR, BEL, newline, ...), DEL, C1 controls and
 * bytes that are not valid UTF-8 become \xNN; the result is cut short to
 * fit. Strings read from a results file go through this before text or
 * markdown output and error messages. */
void results_term_safe(char *buf, size_t len);

/* Set key of o to v, or to null when v is not finite (JSON has no NaN),
 * replacing a key already there. Out of memory leaves o as it was. */
void results_json_number(cJSON *o, const char *key, double v);

#endif /* POOLBENCH_RESULTS_H */
