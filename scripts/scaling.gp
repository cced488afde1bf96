# scaling.gp - speedup against serial vs worker count, one line per
# executor, error bars from the 95% CI of the medians, the ideal
# (speedup = workers) line, and the online CPU count marked.
# Data: one index block per executor, columns workers speedup low high.
set xrange [0.8:maxw * 1.1 + 0.2]
set yrange [0:*]
set xtics 1
if (maxw > 16) { set xtics autofreq }
set arrow 1 from cpus, graph 0 to cpus, graph 1 nohead dt 2 lw 1.5 lc rgb "#888888"
set label 1 sprintf("%d online CPUs", cpus) at cpus, graph 0.97 offset 0.5,0 left tc rgb "#555555"
set key title "executor"

eval svg_term
set output out.".svg"
plot x with lines dt 3 lw 1.5 lc rgb "#777777" title "ideal (speedup = workers)", \
     for [i=1:nlines] datafile index i-1 using 1:2:3:4 with yerrorlines lt i title titles[i]
if (png) {
    eval png_term
    set output out.".png"
    replot
}
set output
