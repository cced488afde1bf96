# scaling.gp - speedup against the fastest serial run vs worker count,
# one line per executor, 95% CI error bars, the ideal (speedup = workers)
# line, serial itself (speedup 1) and the online CPU count marked (a
# dotted vertical line, named in the x label).
# Data: one index block per executor, columns workers speedup low high;
# then per fitted scaling model two blocks (workers, speedup, band low,
# high): the measured range (solid) and the prediction beyond (dashed).
set xrange [0.8:maxw * 1.1 + 0.2]
set yrange [0:*]
if (exists("ymax")) { set yrange [0:ymax] }
set xtics 1
if (maxw > 16) { set xtics autofreq }
set arrow 1 from cpus, graph 0 to cpus, graph 1 nohead dt 3 lw 1.5 lc rgb ref_color
# Speedups rarely beat the ideal line: the top left stays free.
set key inside left top opaque box lc rgb "#cccccc" title "executor"
# A model's curve climbs into the top left: its key goes to the bottom.
if (exists("ymax")) { set key inside right bottom }

eval svg_term
set output out.".svg"
plot x with lines dt 3 lw 1.5 lc rgb "#999999" title "ideal (speedup = workers)", \
     1 with lines dt 2 lw 2 lc rgb ref_color title "serial (speedup 1)", \
     for [i=1:nlines] datafile index i-1 using 1:2:3:4 with yerrorlines lt i title titles[i], \
     for [j=1:nmodels] datafile index nlines+2*j-2 using 1:3:4 with filledcurves fs transparent solid 0.15 noborder lt model_line[j] notitle, \
     for [j=1:nmodels] datafile index nlines+2*j-1 using 1:3:4 with filledcurves fs transparent solid 0.08 noborder lt model_line[j] notitle, \
     for [j=1:nmodels] datafile index nlines+2*j-2 using 1:2 with lines lw 1.5 lt model_line[j] title model_titles[j], \
     for [j=1:nmodels] datafile index nlines+2*j-1 using 1:2 with lines lw 1.5 dt 2 lt model_line[j] notitle
if (png) {
    eval png_term
    set output out.".png"
    replot
}
set output
