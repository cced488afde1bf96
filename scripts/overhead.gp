# overhead.gp - wall time per task vs chunk size (tasks claimed at once),
# log-log, one line per executor at one worker count, 95% CI error bars
# (points nudged sideways per executor so that bars never stack), and
# the fastest serial run's time per task as a dashed reference; where
# the rows carry harness_ns_per_task, poolbench's own cost per task (an
# empty task through the same executor and chunk) as a thin dashed line
# in each executor's colour, with one grey key entry for all.
# Data: one index block per executor, columns chunk per_task low high;
# then nharness blocks (chunk, harness per task), harness_line[j] the
# executor line each belongs to.
set logscale xy
set grid xtics ytics lc rgb "#dddddd"
set key title "executor"
# NaN, not 1/0: gnuplot 5.4 refuses to assign 1/0 ("undefined value").
serial_line = serial_y > 0 ? serial_y : NaN
# Sideways nudge per line on the log x axis (a factor, not an offset).
dodge(x, i) = x * 1.06 ** (i - (nlines + 1) / 2.0)

eval svg_term
set output out.".svg"
plot for [i=1:nlines] datafile index i-1 using (dodge($1, i)):2:3:4 with yerrorlines lt i title titles[i], \
     for [j=1:nharness] datafile index nlines+j-1 using (dodge($1, harness_line[j])):2 with linespoints lt harness_line[j] dt 2 lw 1.2 pt 2 ps 0.6 notitle, \
     NaN with linespoints dt 2 lw 1.2 pt 2 ps 0.6 lc rgb ref_color title harness_text, \
     serial_line with lines dt 2 lw 2 lc rgb ref_color title serial_text
if (png) {
    eval png_term
    set output out.".png"
    replot
}
set output
