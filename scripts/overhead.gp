# overhead.gp - wall time per task vs chunk size (tasks claimed at once),
# log-log, one line per executor and worker count, 95% CI error bars;
# serial's time per task as a dashed reference when there is one.
# Data: one index block per line, columns chunk ns_per_task low high.
set logscale xy
set format y "%g"
set grid xtics ytics lc rgb "#dddddd"
set key title "executor, workers"
if (serial_ns > 0) {
    set arrow 1 from graph 0, first serial_ns to graph 1, first serial_ns nohead dt 2 lw 1.5 lc rgb "#888888"
    set label 1 "serial" at graph 0.01, first serial_ns offset 0,0.6 left tc rgb "#555555"
}

eval svg_term
set output out.".svg"
plot for [i=1:nlines] datafile index i-1 using 1:2:3:4 with yerrorlines lt i title titles[i]
if (png) {
    eval png_term
    set output out.".png"
    replot
}
set output
