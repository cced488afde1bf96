/* python.h - the Python peer executors (py-*): what the rest of the
 * harness may ask of them besides the executor interface. */
#ifndef POOLBENCH_EXEC_PYTHON_H
#define POOLBENCH_EXEC_PYTHON_H

#include <stddef.h>

/* What the interpreter the py-* executors run says of itself, as a JSON
 * object text into buf ({"version": "3.11.7", "implementation":
 * "cpython", "gil": true, ...}), asked once with a time limit. Returns
 * 0, or -1 with the reason in buf (no interpreter, it failed). */
int python_info(char *buf, size_t len);

#endif /* POOLBENCH_EXEC_PYTHON_H */
