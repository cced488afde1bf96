/* table.c - every row of a results file as one table (see table.h). */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "table.h"
#include "textesc.h"
#include "units.h"

/* One row's cells, as text. */
struct cells {
    char label[512];   /* instance label, control characters escaped */
    char ex[128];      /* "threads", "procs/pipe" */
    char mode[32];
    char wall[32], ci[32], nspt[32], own[32], sp[64], eff[32];
    int ci_short;      /* the interval covers less than 95% ('*') */
    char failure[512];
};

static void fill(const struct view_row *vr, struct cells *c)
{
    const struct results_row *r = vr->r;
    char raw[512];
    view_instance_label(r, raw, sizeof(raw));
    textesc_ctl(raw, c->label, sizeof(c->label));
    view_executor_label(r, raw, sizeof(raw));
    textesc_ctl(raw, c->ex, sizeof(c->ex));
    textesc_ctl(r->mode, c->mode, sizeof(c->mode));
    textesc_ctl(r->failure != NULL ? r->failure : "", c->failure,
                sizeof(c->failure));
    snprintf(c->wall, sizeof(c->wall), "-");
    snprintf(c->ci, sizeof(c->ci), "-");
    snprintf(c->nspt, sizeof(c->nspt), "-");
    snprintf(c->own, sizeof(c->own), "-");
    if (isfinite(r->harness_ns_per_task))
        snprintf(c->own, sizeof(c->own), "%.1f", r->harness_ns_per_task);
    c->ci_short = 0;
    snprintf(c->sp, sizeof(c->sp), "-");
    snprintf(c->eff, sizeof(c->eff), "-");
    struct stats_summary s;
    /* A failed row still shows what it measured. */
    if (results_row_stats(r, RESULTS_WALL_S, &s) != 0)
        return;
    units_format_time(s.median, c->wall, sizeof(c->wall));
    /* No interval from 3 or fewer samples; one short of 95% (4 or 5
     * samples: [min, max]) is marked '*'. */
    if (!isnan(s.ci_level) && s.median > 0) {
        c->ci_short = s.ci_level < VIEW_CI_LEVEL;
        snprintf(c->ci, sizeof(c->ci), "%.1f%s", stats_ci_pct(&s),
                 c->ci_short ? "*" : "");
    }
    if (r->tasks > 0)
        snprintf(c->nspt, sizeof(c->nspt), "%.1f",
                 s.median * 1e9 / (double)r->tasks);
    if (!isnan(vr->speedup)) {
        snprintf(c->sp, sizeof(c->sp), "%.2fx", vr->speedup);
        snprintf(c->eff, sizeof(c->eff), "%.2f", vr->efficiency);
    }
}

static int print_text(FILE *out, const struct results_view *v)
{
    int width = 8; /* the label column fits the longest label */
    struct cells c;
    for (size_t k = 0; k < v->nrows; k++) {
        char raw[512], esc[512];
        view_instance_label(v->rows[k].r, raw, sizeof(raw));
        int len = (int)strlen(textesc_ctl(raw, esc, sizeof(esc)));
        if (len > width)
            width = len;
    }
    fprintf(out, "%-*s %-9s %3s %-9s %7s %11s %9s %10s %8s %8s %6s %6s  "
            "%s\n", width, "workload", "executor", "j", "mode", "chunk",
            "wall(med)", "+-ci95%", "ns/task", "harness", "speedup", "eff",
            "errors", "checksum");
    int any_short = 0;
    for (size_t k = 0; k < v->nrows; k++) {
        const struct results_row *r = v->rows[k].r;
        fill(&v->rows[k], &c);
        any_short |= c.ci_short;
        fprintf(out, "%-*s %-9s %3u %-9s %7" PRIu64 " %11s %9s %10s %8s "
                "%8s %6s %6" PRIu64 "  %s%s%s\n", width, c.label, c.ex,
                r->workers, c.mode, r->chunk, c.wall, c.ci, c.nspt, c.own,
                c.sp, c.eff, r->errors, r->checksum,
                r->failure != NULL ? "  FAILED: " : "", c.failure);
    }
    fputs("harness: poolbench's own ns per task in the row's shape (empty "
          "tasks), included in ns/task\n", out);
    if (any_short)
        fputs("*: from 4 or 5 repetitions, the interval is [min, max] and "
              "covers less than 95%\n", out);
    return 0;
}

/* A markdown cell: a pipe would end the cell early. */
static void md_cell(FILE *out, const char *text)
{
    fputs("| ", out);
    for (const char *p = text; *p != '\0'; p++) {
        if (*p == '|')
            fputc('\\', out);
        fputc(*p, out);
    }
    fputc(' ', out);
}

static int print_markdown(FILE *out, const struct results_view *v)
{
    struct cells c;
    fputs("| workload | executor | j | mode | chunk | wall (median) | "
          "+-CI95 % | ns/task | harness ns/task | speedup | eff | errors | "
          "checksum |\n",
          out);
    fputs("| --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | "
          "---: | ---: | ---: | --- |\n", out);
    for (size_t k = 0; k < v->nrows; k++) {
        const struct results_row *r = v->rows[k].r;
        char num[32], check[600];
        fill(&v->rows[k], &c);
        md_cell(out, c.label);
        md_cell(out, c.ex);
        snprintf(num, sizeof(num), "%u", r->workers);
        md_cell(out, num);
        md_cell(out, c.mode);
        snprintf(num, sizeof(num), "%" PRIu64, r->chunk);
        md_cell(out, num);
        md_cell(out, c.wall);
        md_cell(out, c.ci);
        md_cell(out, c.nspt);
        md_cell(out, c.own);
        md_cell(out, c.sp);
        md_cell(out, c.eff);
        snprintf(num, sizeof(num), "%" PRIu64, r->errors);
        md_cell(out, num);
        snprintf(check, sizeof(check), "%s%s%s", r->checksum,
                 r->failure != NULL ? " FAILED: " : "", c.failure);
        md_cell(out, check);
        fputs("|\n", out);
    }
    return 0;
}

/* A CSV field: control characters escaped as text does (\x1b, \n, ...),
 * so no terminal escape or stray line reaches the reader; a cell that a
 * spreadsheet would take for a formula (=, +, -, @, tab or CR first)
 * gets a leading single quote (OWASP's advice for CSV injection); quoted
 * when it holds a comma, a quote or that prefix. */
static void csv_field(FILE *out, const char *text, int last)
{
    size_t cap = strlen(text) * 4 + 1;
    char small[256], *safe = cap <= sizeof(small) ? small : malloc(cap);
    if (safe == NULL) {
        safe = small;
        cap = sizeof(small);
    }
    textesc_ctl(text, safe, cap);
    int formula = strchr("=+-@\t\r", text[0]) != NULL && text[0] != '\0';
    if (formula || strpbrk(safe, ",\"") != NULL) {
        fputc('"', out);
        if (formula)
            fputc('\'', out);
        for (const char *p = safe; *p != '\0'; p++) {
            if (*p == '"')
                fputc('"', out);
            fputc(*p, out);
        }
        fputc('"', out);
    } else {
        fputs(safe, out);
    }
    if (safe != small)
        free(safe);
    fputc(last ? '\n' : ',', out);
}

static void csv_number(FILE *out, double v, int last)
{
    if (isnan(v))
        fputs(last ? "\n" : ",", out);
    else
        fprintf(out, "%.9g%c", v, last ? '\n' : ',');
}

static int print_csv(FILE *out, const struct results_view *v)
{
    fputs("workload,params,executor,transport,workers,mode,chunk,tasks,"
          "wall_median_s,wall_ci95_low_s,wall_ci95_high_s,ns_per_task,"
          "harness_ns_per_task,speedup,speedup_ci95_low,speedup_ci95_high,efficiency,errors,"
          "checksum,failure\n", out);
    for (size_t k = 0; k < v->nrows; k++) {
        const struct view_row *vr = &v->rows[k];
        const struct results_row *r = vr->r;
        char num[32];
        struct stats_summary s;
        int have = results_row_stats(r, RESULTS_WALL_S, &s) == 0;
        csv_field(out, r->workload, 0);
        csv_field(out, r->params, 0);
        csv_field(out, r->executor, 0);
        csv_field(out, r->transport, 0);
        fprintf(out, "%u,", r->workers);
        csv_field(out, r->mode, 0);
        snprintf(num, sizeof(num), "%" PRIu64, r->chunk);
        csv_field(out, num, 0);
        snprintf(num, sizeof(num), "%" PRIu64, r->tasks);
        csv_field(out, num, 0);
        csv_number(out, have ? s.median : NAN, 0);
        csv_number(out, have && !isnan(s.ci_level) ? s.ci95_low : NAN, 0);
        csv_number(out, have && !isnan(s.ci_level) ? s.ci95_high : NAN, 0);
        csv_number(out, have && r->tasks > 0
                   ? s.median * 1e9 / (double)r->tasks : NAN, 0);
        csv_number(out, r->harness_ns_per_task, 0);
        csv_number(out, vr->speedup, 0);
        csv_number(out, vr->speedup_lo, 0);
        csv_number(out, vr->speedup_hi, 0);
        csv_number(out, vr->efficiency, 0);
        snprintf(num, sizeof(num), "%" PRIu64, r->errors);
        csv_field(out, num, 0);
        csv_field(out, r->checksum, 0);
        csv_field(out, r->failure != NULL ? r->failure : "", 1);
    }
    return 0;
}

static int print_json(FILE *out, const struct results_view *v)
{
    cJSON *arr = cJSON_CreateArray();
    if (arr == NULL)
        return -1;
    for (size_t k = 0; k < v->nrows; k++) {
        const struct view_row *vr = &v->rows[k];
        const struct results_row *r = vr->r;
        cJSON *o = cJSON_CreateObject();
        if (o == NULL)
            goto oom;
        cJSON_AddItemToArray(arr, o);
        cJSON_AddStringToObject(o, "workload", r->workload);
        cJSON_AddStringToObject(o, "params", r->params);
        cJSON_AddStringToObject(o, "executor", r->executor);
        cJSON_AddStringToObject(o, "transport", r->transport);
        cJSON_AddNumberToObject(o, "workers", r->workers);
        cJSON_AddStringToObject(o, "mode", r->mode);
        cJSON_AddNumberToObject(o, "chunk", (double)r->chunk);
        cJSON_AddNumberToObject(o, "tasks", (double)r->tasks);
        results_json_number(o, "wall_median_s",
                            vr->usable ? vr->wall.median : NAN);
        int ci = vr->usable && !isnan(vr->wall.ci_level);
        results_json_number(o, "wall_ci95_low_s", ci ? vr->wall.ci95_low : NAN);
        results_json_number(o, "wall_ci95_high_s",
                            ci ? vr->wall.ci95_high : NAN);
        results_json_number(o, "wall_ci_level", ci ? vr->wall.ci_level : NAN);
        results_json_number(o, "speedup", vr->speedup);
        results_json_number(o, "speedup_ci95_low", vr->speedup_lo);
        results_json_number(o, "speedup_ci95_high", vr->speedup_hi);
        results_json_number(o, "speedup_ci_level", vr->speedup_level);
        results_json_number(o, "efficiency", vr->efficiency);
        cJSON_AddNumberToObject(o, "errors", (double)r->errors);
        cJSON_AddStringToObject(o, "checksum", r->checksum);
        if (r->failure != NULL)
            cJSON_AddStringToObject(o, "failure", r->failure);
        else
            cJSON_AddNullToObject(o, "failure");
    }
    char *text = cJSON_Print(arr);
    cJSON_Delete(arr);
    if (text == NULL)
        return -1;
    fputs(text, out);
    fputc('\n', out);
    free(text);
    return 0;
oom:
    cJSON_Delete(arr);
    return -1;
}

/* The formats, in the order of enum table_format. */
static const struct {
    const char *name;
    int (*print)(FILE *out, const struct results_view *v);
} formats[] = {
    { "text", print_text },
    { "markdown", print_markdown },
    { "csv", print_csv },
    { "json", print_json },
};

int table_format_parse(const char *name, enum table_format *out)
{
    for (size_t k = 0; k < sizeof(formats) / sizeof(*formats); k++)
        if (strcmp(name, formats[k].name) == 0) {
            *out = (enum table_format)k;
            return 0;
        }
    return -1;
}

int table_print(FILE *out, const struct results_view *v,
                enum table_format fmt)
{
    if (formats[fmt].print(out, v) != 0)
        return -1;
    return ferror(out) ? -1 : 0;
}
