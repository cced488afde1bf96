/* record.h - a run as a poolbench/1 results file: the tree, its derived
 * numbers (from the results view, never computed here), its warnings,
 * and where it is written. */
#ifndef POOLBENCH_RECORD_H
#define POOLBENCH_RECORD_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "machine.h"
#include "measure.h"
#include "options.h"
#include "plan.h"
#include "view.h"

/* Everything a results file says about one run. */
struct record_ctx {
    int argc;
    char **argv;
    const struct run_options *o;
    const struct machine_info *m;
    const struct run_plan *p;
    const struct measure_ctx *mc;
    int interrupted;
    const char *suite;   /* --suite NAME (config.suite), or NULL */
    /* Derived fields from the layers above (the scaling models), added
     * to the finished tree from the view of its rows; may be NULL. */
    view_derive_fn *derive;
};

/* The results tree of the run so far: machine, config, every
 * configuration that measured something or failed, derived numbers and
 * warnings. NULL when out of memory or when the tree does not read back
 * as poolbench/1 (a bug; err says why). */
cJSON *record_build(const struct record_ctx *rc, char *err, size_t err_len);

/* The instance's params keyed as the results reader keys a row's
 * (results_params_key), in a new string; NULL with a message. */
char *record_params_key(const struct run_instance *in, char *err,
                        size_t err_len);

/* The default output: the stem results/HOST-YYYYmmddTHHMMSSZ (creating
 * results/ if missing) and the first name it would get into path.
 * Returns 0, or -1 with a message. */
int record_default_output(const struct machine_info *m, char *stem,
                          size_t stem_len, char *path, size_t path_len,
                          char *err, size_t err_len);

/* Write root to -o's path, or (stem not empty) to a new default name,
 * which then goes into path. Returns 0, or -1 with a message. */
int record_write(const char *stem, char *path, size_t path_len,
                 const cJSON *root, char *err, size_t err_len);

/* The results could not be written (a full disk, say): measuring may
 * have taken hours, so save them in $TMPDIR or /tmp and say where, after
 * the original error, on stderr. */
void record_rescue(const cJSON *root, const char *why);

#endif /* POOLBENCH_RECORD_H */
