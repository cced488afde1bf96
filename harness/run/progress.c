/* progress.c - a progress bar with ETA on stderr, only on a terminal. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "progress.h"

#define PROGRESS_DELAY_S 1.0   /* short runs never show a bar */
#define PROGRESS_REDRAW_S 0.1
#define PROGRESS_WIDTH 30

void progress_begin(struct progress *p, int allowed, uint64_t total)
{
    memset(p, 0, sizeof(*p));
    p->enabled = allowed && isatty(STDERR_FILENO);
    p->total = total > 0 ? total : 1;
    p->start_s = clock_mono_s();
    p->eta_s = -1;
}

void progress_budget(struct progress *p, double budget_s)
{
    p->budget_s = budget_s;
}

/* The ETA to show: the estimate, but never more than the last one shown
 * minus the time since (an estimate that grows is held, not shown). */
static double steady_eta(struct progress *p, double estimate, double now)
{
    if (p->budget_s > 0 && estimate > p->budget_s - (now - p->start_s))
        estimate = p->budget_s - (now - p->start_s);
    if (p->eta_s >= 0 && estimate > p->eta_s - (now - p->eta_at_s))
        estimate = p->eta_s - (now - p->eta_at_s);
    if (estimate < 0)
        estimate = 0;
    p->eta_s = estimate;
    p->eta_at_s = now;
    return estimate;
}

void progress_step(struct progress *p, uint64_t n, const char *label)
{
    p->done += n;
    if (!p->enabled)
        return;
    double now = clock_mono_s();
    double elapsed = now - p->start_s;
    if (elapsed < PROGRESS_DELAY_S || now - p->last_draw_s < PROGRESS_REDRAW_S)
        return;
    p->last_draw_s = now;
    double frac = (double)p->done / (double)p->total;
    if (frac > 1)
        frac = 1;
    int fill = (int)(frac * PROGRESS_WIDTH);
    char bar[PROGRESS_WIDTH + 1];
    memset(bar, '#', (size_t)fill);
    memset(bar + fill, '.', (size_t)(PROGRESS_WIDTH - fill));
    bar[PROGRESS_WIDTH] = '\0';
    double eta = steady_eta(p, frac > 0 ? elapsed * (1 - frac) / frac : 0,
                            now);
    const char *phase = p->done > p->total ? " precision" : "";
    fprintf(stderr, "\r\033[K[%s] %3.0f%%%s ETA %4.0fs  %.48s", bar,
            frac * 100, phase, eta, label != NULL ? label : "");
    fflush(stderr);
    p->drawn = 1;
}

void progress_end(struct progress *p)
{
    if (p->drawn) {
        fprintf(stderr, "\r\033[K");
        fflush(stderr);
    }
    p->drawn = 0;
}
