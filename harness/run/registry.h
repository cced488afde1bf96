/* registry.h - finding workloads (built-in and --plugin shared objects)
 * and parsing their parameters. */
#ifndef POOLBENCH_REGISTRY_H
#define POOLBENCH_REGISTRY_H

#include <stddef.h>

#include "workload.h"

/* Most workloads (built-in plus plugins) and parameters per workload. */
#define REGISTRY_MAX 64
#define REGISTRY_MAX_PARAMS 32
#define REGISTRY_SIDE_MAX 32   /* an A/B label: --plugin LABEL=PATH */
#define REGISTRY_NAME_MAX 96   /* "NAME@LABEL" */

/* Number of known workloads, and the k-th in display order. */
size_t registry_count(void);
const struct workload *registry_at(size_t k);

/* Whether wl runs without being named: every workload but the built-in
 * ones made to test the harness itself (blocklock, whose curve the
 * scaling model is checked against) and those that run the user's own
 * work (cmd, pyfunc), which run only with -w NAME. */
int registry_by_default(const struct workload *wl);

/* The workload with this name, or NULL. */
const struct workload *registry_find(const char *name);

/* Load a plugin: dlopen(path), find WORKLOAD_PLUGIN_SYMBOL, check the ABI,
 * the name and every declared parameter, refuse a name already taken.
 * Loading runs the plugin's code, so unless registry_trust_plugins(1)
 * the file and its folder must be owned by the caller or root and not
 * writable by others (nor by a group other than the caller's private
 * one); a sticky folder such as /tmp is accepted for the file's folder.
 * The checked file itself is loaded (through /proc/self/fd), so it
 * cannot be swapped after the check. Prints "poolbench: loaded plugin
 * NAME from PATH" on stderr. Returns 0, or -1 with a message naming the
 * file and the problem.
 * A/B: "LABEL=PATH" (LABEL of [a-z0-9_-]+) loads the plugin's workload
 * NAME as "NAME@LABEL", so that two builds of one plugin can be measured
 * side by side; at most two labels per NAME, and a NAME is either
 * labelled or not. */
int registry_load_plugin(const char *arg, char *err, size_t err_len);

/* The A/B label wl was loaded under, or NULL (built-in, or unlabelled). */
const char *registry_side(const struct workload *wl);

/* The workloads loaded as "NAME@LABEL" for this NAME, in load order (the
 * first is the base side), into out[0..max); returns how many. */
size_t registry_sides(const char *name, const struct workload **out,
                      size_t max);

/* Whether -p SCOPE.KEY applies to wl: SCOPE is its name, or the NAME of
 * a labelled "NAME@LABEL" (both sides take it). */
int registry_scope_matches(const char *scope, const struct workload *wl);

/* Load every plugin in POOLBENCH_PLUGIN_PATH (':'-separated .so files or
 * folders of them), as registry_load_plugin does; a folder whose .so
 * files are all loaded must itself pass the owner and mode checks, sticky
 * or not. Returns 0 or -1 with a message. */
int registry_load_env(char *err, size_t err_len);

/* --trust-plugins: with trust nonzero, skip the owner and mode checks. */
void registry_trust_plugins(int trust);

/* Number of parameters wl declares. */
size_t registry_param_count(const struct workload *wl);

/* Index of parameter key in wl, or -1. */
int registry_param_index(const struct workload *wl, const char *key);

/* Parse text as the value of wl's parameter k into *out (strings point
 * into text, which must outlive the value). Returns 0, or -1 with a
 * message: "factorial: n=abc: expected a whole number from 0 to 100000". */
int registry_param_parse(const struct workload *wl, size_t k,
                         const char *text, union wl_value *out, char *err,
                         size_t err_len);

#endif /* POOLBENCH_REGISTRY_H */
