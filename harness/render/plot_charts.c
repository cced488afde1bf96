/* plot_charts.c - the chart kinds: bars, scaling, delivery, overhead,
 * ratio; one row each in plot_kinds[], drawn by plot.c in this order. */
#include <stddef.h>

#include "plot_impl.h"

/* A kind of chart is its function (in the file of its family:
 * plot_bars.c, plot_lines.c, plot_delivery.c), its row here and its
 * template scripts/NAME.gp (in plot_templates in meson.build;
 * docs_test.sh checks that every row's template is installed). */

const struct plot_kind plot_kinds[] = {
    { "bars", "median wall time per executor and worker count, 95% CI, "
      "fastest serial as a line", plot_chart_bars, NULL },
    { "scaling", "speedup vs workers, 95% CI, ideal and serial lines, "
      "online CPUs marked", plot_chart_scaling, NULL },
    { "delivery", "tasks delivered vs time, ordered (map) vs unordered",
      plot_chart_delivery, NULL },
    { "overhead", "wall time per task by executor across chunk sizes",
      plot_chart_overhead, NULL },
    { "ratio", "with several files or runs: each configuration vs the "
      "first", NULL, plot_chart_ratio },
};

const size_t plot_nkinds = sizeof(plot_kinds) / sizeof(plot_kinds[0]);
