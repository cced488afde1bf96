/* python.h - the Python peer executors (py-*): what the rest of the
 * harness may ask of them besides the executor interface. */
#ifndef POOLBENCH_EXEC_PYTHON_H
#define POOLBENCH_EXEC_PYTHON_H

#include <stddef.h>

/* Run INTERP (a path, or a name searched in PATH) instead of python3 or
 * $POOLBENCH_PYTHON: `poolbench run --python`. Returns 0, or -1 with a
 * message when no such executable exists. */
int python_set_interpreter(const char *interp, char *err, size_t err_len);

/* What the interpreter the py-* executors run says of itself, as a JSON
 * object text into buf ({"version": "3.11.7", "implementation":
 * "cpython", "gil": true, ...}), asked once with a time limit. Returns
 * 0, or -1 with the reason in buf (no interpreter, it failed). */
int python_info(char *buf, size_t len);

/* The same, waiting at most limit_s seconds (<= 0: the default, 10 s):
 * a run with --timeout must not wait longer on a hung interpreter. */
int python_info_within(char *buf, size_t len, double limit_s);

/* Check that the interpreter ($POOLBENCH_PYTHON, else python3 on PATH)
 * is an executable file, before anything runs. Returns 0, or -1 with a
 * one-line message naming it and what to do in err. */
int python_check_interpreter(char *err, size_t err_len);

#endif /* POOLBENCH_EXEC_PYTHON_H */
