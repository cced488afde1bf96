/* driver.h - `poolbench run`: options -> plan -> calibration -> measuring
 * -> results file -> the answer.
 *
 * run sits below the layers that show and store results, so what happens
 * to a written file (the terminal summary, the history) is handed in by
 * the caller as hooks: cli/run.c wires them to render/ and analyze/. */
#ifndef POOLBENCH_DRIVER_H
#define POOLBENCH_DRIVER_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "exit.h"
#include "machine.h"
#include "results.h"
#include "view.h"

/* What `run` does with the results file it wrote. */
struct driver_hooks {
    /* Show the answer of the file at path (the summary; with verbose,
     * every row too). Returns 0, or -1 after printing why. May be NULL. */
    int (*show)(const char *path, int verbose);
    /* Store the file at path in the history database db (NULL: the
     * default) under name. Returns 0, or -1 with a message. May be NULL
     * (then --save is refused). */
    int (*save)(const char *path, const char *name, const char *db,
                char *err, size_t err_len);
    /* After a run of --suite NAME wrote path: what the suite adds (the
     * seed table). May be NULL. */
    void (*suite)(const char *name, const char *path);
    /* Check, before anything is measured, that save will be able to
     * store a run under name in db (the name, the path, the database
     * writable). Returns 0, or -1 with a message. May be NULL. */
    int (*check_save)(const char *name, const char *db, char *err,
                      size_t err_len);
    /* Load the run stored as spec (NAME[@COMMIT]) in db (NULL: the
     * default) on machine m's identity into *out, its label into label.
     * Returns 0; 1 when there is no such run (the run exits
     * EXIT_NO_BASELINE); -1 with a message. May be NULL (then
     * --tasks-from takes files only). */
    int (*load_run)(const char *spec, const char *db,
                    const struct machine_info *m, struct results_file *out,
                    char *label, size_t label_len, char *err,
                    size_t err_len);
    /* Add the fields the layers above derive (the scaling models) to the
     * results tree before it is written, from the view the derived fields
     * of the rows came from. Returns 0, or -1 with a message. May be
     * NULL. */
    view_derive_fn *derive;
};

/* Run `poolbench run` with argv[0] == "run". Returns the exit status. */
int driver_main(int argc, char **argv, const struct driver_hooks *hooks);

#endif /* POOLBENCH_DRIVER_H */
