# scaling.gp - speedup against the fastest serial run vs worker count,
# one line per executor, 95% CI error bars, the ideal (speedup = workers)
# line, serial itself (speedup 1) and the online CPU count marked (a
# dotted vertical line, named in the x label).
# Data: one index block per executor, columns workers speedup low high.
set xrange [0.8:maxw * 1.1 + 0.2]
set yrange [0:*]
set xtics 1
if (maxw > 16) { set xtics autofreq }
set arrow 1 from cpus, graph 0 to cpus, graph 1 nohead dt 3 lw 1.5 lc rgb ref_color
# Speedups rarely beat the ideal line: the top left stays free.
set key inside left top opaque box lc rgb "#cccccc" title "executor"

eval svg_term
set output out.".svg"
plot x with lines dt 3 lw 1.5 lc rgb "#999999" title "ideal (speedup = workers)", \
     1 with lines dt 2 lw 2 lc rgb ref_color title "serial (speedup 1)", \
     for [i=1:nlines] datafile index i-1 using 1:2:3:4 with yerrorlines lt i title titles[i]
if (png) {
    eval png_term
    set output out.".png"
    replot
}
set output
