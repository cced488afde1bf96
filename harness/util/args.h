/* args.h - strict parsing of command-line numbers and lists.
 *
 * Every parser returns 0 on success and -1 with a one-line message in err
 * that names the option, the bad text and what would be accepted.
 */
#ifndef POOLBENCH_ARGS_H
#define POOLBENCH_ARGS_H

#include <stddef.h>
#include <stdint.h>

/* A whole number in [min, max]; what names the option in messages. */
int args_u64(const char *what, const char *text, uint64_t min, uint64_t max,
             uint64_t *out, char *err, size_t err_len);

/* A signed whole number in [min, max]. */
int args_i64(const char *what, const char *text, int64_t min, int64_t max,
             int64_t *out, char *err, size_t err_len);

/* A finite real number in [min, max]. */
int args_double(const char *what, const char *text, double min, double max,
                double *out, char *err, size_t err_len);

/* A comma-separated list split in place into at most max items; empty
 * items and duplicates are errors. Returns the count, or -1. The items
 * point into text, which is modified. */
int args_split(const char *what, char *text, char **items, size_t max,
               char *err, size_t err_len);

/* Parse the options of a command that takes only -o/--output FILE and
 * -h/--help, for `poolbench CMD`: *output is set when -o is given (left
 * as is otherwise). Returns 0, ARGS_HELP when --help was asked for (the
 * caller prints its usage), or -1 with a message. On return optind is the
 * first operand. */
#define ARGS_HELP 1
int args_output_only(const char *cmd, int argc, char **argv,
                     const char **output, char *err, size_t err_len);

/* Index of word in the '|'-separated list choices, or -1. */
int args_choice(const char *choices, const char *word);

#endif /* POOLBENCH_ARGS_H */
