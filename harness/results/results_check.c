/* results_check.c - the reader's checks (see results_impl.h): a field
 * of the type and range the schema wants, and when it is not, one line
 * naming the file and the field, made safe for a terminal. The row
 * reader (results_row.c) and the file reader (results.c) both call them;
 * they call neither. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "results.h"
#include "results_impl.h"
#include "textesc.h"

/* ---- messages --------------------------------------------------------- */

void results_term_safe(char *buf, size_t len)
{
    char *copy = strdup(buf);
    if (copy == NULL)
        return;
    textesc_ctl(copy, buf, len);
    free(copy);
}

int results_oom(struct results_reader *r)
{
    results_reader_oom = 1;
    snprintf(r->err, r->err_len, "out of memory reading %s", r->name);
    results_term_safe(r->err, r->err_len);
    return -1;
}

int results_fail(struct results_reader *r, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    snprintf(r->err, r->err_len, "%s: %s", r->name, msg);
    /* Messages quote the file's strings: keep them off the terminal. */
    results_term_safe(r->err, r->err_len);
    return -1;
}

/* ---- fields ----------------------------------------------------------- */

const char *results_type_name(const cJSON *j)
{
    if (j == NULL)
        return "nothing";
    if (cJSON_IsString(j))
        return "a string";
    if (cJSON_IsNumber(j))
        return "a number";
    if (cJSON_IsBool(j))
        return "a boolean";
    if (cJSON_IsNull(j))
        return "null";
    if (cJSON_IsArray(j))
        return "an array";
    if (cJSON_IsObject(j))
        return "an object";
    return "something else";
}

int results_want_string(struct results_reader *r, const cJSON *o,
                        const char *where, const char *key, int nullable,
                        const char **out)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(o, key);
    if (nullable && (j == NULL || cJSON_IsNull(j))) {
        *out = NULL;
        return 0;
    }
    if (!cJSON_IsString(j))
        return results_fail(r, "%s.%s: expected a string, found %s", where,
                            key, results_type_name(j));
    /* Rows are parsed one at a time and their trees freed: keep the
     * pool's copy. */
    *out = results_pool_intern(r->pool, j->valuestring);
    return *out == NULL ? results_oom(r) : 0;
}

int results_check_range(struct results_reader *r, const char *where,
                        const char *key, double v, double min, double max,
                        int whole)
{
    if (v < min || v > max || (whole && v != floor(v)))
        return results_fail(r,
                            "%s.%s: %g is out of range; expected %s "
                            "from %g to %g",
                            where, key, v,
                            whole ? "a whole number" : "a number", min, max);
    return 0;
}

int results_want_number(struct results_reader *r, const cJSON *o,
                        const char *where, const char *key, double min,
                        double max, int whole, double *out)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsNumber(j))
        return results_fail(r, "%s.%s: expected a number, found %s", where,
                            key, results_type_name(j));
    double v = j->valuedouble;
    if (!isfinite(v))
        return results_fail(r, "%s.%s: expected a finite number", where, key);
    if (results_check_range(r, where, key, v, min, max, whole) != 0)
        return -1;
    *out = v;
    return 0;
}

int results_want_optional_number(struct results_reader *r, const cJSON *o,
                                 const char *where, const char *key,
                                 double *out)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(o, key);
    *out = NAN;
    if (j == NULL || cJSON_IsNull(j))
        return 0;
    if (!cJSON_IsNumber(j) || !isfinite(j->valuedouble))
        return results_fail(r,
                            "%s.%s: expected a finite number or null, "
                            "found %s",
                            where, key, results_type_name(j));
    *out = j->valuedouble;
    return 0;
}
