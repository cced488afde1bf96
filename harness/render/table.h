/* table.h - every row of a results file as one table: text for the
 * terminal, markdown, CSV, or JSON with the derived numbers. The numbers
 * come from the results view, as everywhere else. */
#ifndef POOLBENCH_TABLE_H
#define POOLBENCH_TABLE_H

#include <stdio.h>

#include "view.h"

enum table_format {
    TABLE_TEXT = 0,     /* aligned columns, the label column as wide as
                           the longest label */
    TABLE_MARKDOWN = 1, /* a GitHub table */
    TABLE_CSV = 2,      /* RFC 4180, one header line */
    TABLE_JSON = 3,     /* an array of row objects with derived fields */
};

/* The format named name ("text", "markdown", "csv", "json"); returns 0,
 * or -1 when there is no such format. */
int table_format_parse(const char *name, enum table_format *out);

/* Print every row of v to out in fmt. Returns 0, or -1 when out of memory
 * (JSON) or on a write error. */
int table_print(FILE *out, const struct results_view *v,
                enum table_format fmt);

#endif /* POOLBENCH_TABLE_H */
