/* report_sections.h - the sections of the report page that report.c puts
 * together: the summary table, the per-workload sections, the machine
 * table, the hyperfine and Python vs native sections, the full table; and
 * the results file they are made from, understood. Not for other
 * modules: use report.h. */
#ifndef POOLBENCH_REPORT_SECTIONS_H
#define POOLBENCH_REPORT_SECTIONS_H

#include <stddef.h>

#include "findings.h"
#include "plot.h"
#include "results.h"
#include "strbuf.h"
#include "view.h"

/* A fleet's file has 100,000 rows: a page with all of them is hundreds
 * of MB that no browser opens. The summary and the workload sections
 * show the first REPORT_MAX_INSTANCES instances of a file, the folded
 * table its first REPORT_MAX_ROWS rows; each then says how many more
 * there are and that `poolbench show FILE` has them all. */
#define REPORT_MAX_INSTANCES 200
#define REPORT_MAX_ROWS 5000

/* One results file, understood: its view, its findings and its
 * workloads (a section each). */
struct page_file {
    const struct results_file *f;
    size_t index;              /* in the files given */
    struct results_view v;
    struct findings fs;
    int hyperfine;             /* made by import-hyperfine */
    const char **workloads;    /* distinct, in order of first instance */
    size_t nworkloads;
};

/* The summary table of p: per instance its best configuration. */
void report_overview(struct strbuf *b, const struct page_file *p);

/* The section of workload w of p: its findings, then per instance the
 * findings, the short table and the charts of set not drawn yet (used[]
 * marks the drawn ones; they are in dir). Returns 0, or -1 with a
 * message. */
int report_workload_section(struct strbuf *b, const struct page_file *p,
                            size_t w, size_t nfiles,
                            const struct plot_set *set, char *used,
                            const char *dir, char *err, size_t err_len);

/* The findings of p that compare workloads, as a list (none: nothing);
 * returns how many. */
size_t report_across(struct strbuf *b, const struct page_file *p);

/* "Python vs native" over pf[0..npf); nothing without Python rows. */
void report_python_section(struct strbuf *b, const struct page_file *pf,
                           size_t npf);

/* hyperfine's whole-process times beside poolbench's; nothing when no
 * file of pf[0..npf) was imported from hyperfine. */
void report_hyperfine_section(struct strbuf *b, const struct page_file *pf,
                              size_t npf);

/* One column per machine of f[0..nfiles). */
void report_machine_table(struct strbuf *b, const struct results_file *f,
                          size_t nfiles);

/* Every row of p, by instance, in a folded table. */
void report_full_table(struct strbuf *b, const struct page_file *p);

#endif /* POOLBENCH_REPORT_SECTIONS_H */
