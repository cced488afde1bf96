# delivery.gp - tasks delivered to the consumer vs time for ordered
# delivery (pool.map: results wait for their predecessors, dashed) and
# unordered delivery (apply_async / as_completed, solid), one colour per
# executor, the median first result marked on each timeline.
# Data: blocks 0..nlines-1 hold the timelines (time done), blocks
# nlines..2*nlines-1 one point each: the first result.
set xrange [0:*]
# A few timelines: the legend sits in the empty top left, with headroom
# above the last task (every timeline ends at the top). More: it would
# cover the plot, so it goes beside it.
if (nlines <= 4) {
    set yrange [0:maxdone * (1.25 + 0.06 * nlines)]
    set key inside left top opaque box lc rgb "#cccccc" title "executor, mode: median first result"
} else {
    set yrange [0:maxdone * 1.05]
    set key outside right top vertical Left reverse noopaque samplen 2 spacing 1.1 title "executor, mode:\nmedian first result"
}

eval svg_term
set output out.".svg"
plot for [i=1:nlines] datafile index i-1 using 1:2 with steps lt lcolor[i] dt 1 + i % 2 title titles[i], \
     for [i=1:nlines] datafile index nlines+i-1 using 1:2 with points lt lcolor[i] pt 7 - i % 2 ps 2 notitle
if (png) {
    eval png_term
    set output out.".png"
    replot
}
set output
