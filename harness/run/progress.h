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
};

/* Start; the bar appears only after about a second of work. */
void progress_begin(struct progress *p, int allowed, uint64_t total);

/* Count n more units done; label names the current configuration. */
void progress_step(struct progress *p, uint64_t n, const char *label);

/* Clear the bar so that normal output can follow. */
void progress_end(struct progress *p);

#endif /* POOLBENCH_PROGRESS_H */
