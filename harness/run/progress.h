/* progress.h - a progress bar with ETA on stderr, only on a terminal. */
#ifndef POOLBENCH_PROGRESS_H
#define POOLBENCH_PROGRESS_H

#include <stdint.h>

struct progress {
    int enabled;        /* stderr is a TTY and --no-progress not given */
    uint64_t total;     /* units of work (repetitions) */
    uint64_t done;
    double start_s;     /* monotonic time of progress_begin */
    double last_draw_s; /* rate-limits redraws */
    int drawn;          /* something is on the line to clear */
    double budget_s;    /* an upper bound on the whole time, or 0 */
    double eta_s;       /* the ETA last shown, or -1 */
    double eta_at_s;    /* when it was shown */
};

/* Start; the bar appears only after about a second of work. */
void progress_begin(struct progress *p, int allowed, uint64_t total);

/* Say that the work will take at most budget_s seconds from
 * progress_begin (repetitions until precise, within --max-time): units
 * past total then count against the budget. */
void progress_budget(struct progress *p, double budget_s);

/* Count n more units done; label names the current configuration (its
 * executor and workers). The ETA shown never climbs. */
void progress_step(struct progress *p, uint64_t n, const char *label);

/* Clear the bar so that normal output can follow. */
void progress_end(struct progress *p);

#endif /* POOLBENCH_PROGRESS_H */
