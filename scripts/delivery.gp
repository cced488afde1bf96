# delivery.gp - tasks delivered to the consumer vs time for ordered
# delivery (pool.map: results wait for their predecessors) and unordered
# delivery (apply_async / as_completed), with the first result marked.
# Data: blocks 0..nlines-1 hold the timelines (time done), blocks
# nlines..2*nlines-1 one point each: the first result.
set xrange [0:*]
set yrange [0:*]
set key title "executor, mode"

eval svg_term
set output out.".svg"
plot for [i=1:nlines] datafile index i-1 using 1:2 with steps lt lcolor[i] dt 1 + i % 2 title titles[i], \
     for [i=1:nlines] datafile index nlines+i-1 using 1:2 with points lt lcolor[i] pt 7 - i % 2 ps 2 title mtitles[i]
if (png) {
    eval png_term
    set output out.".png"
    replot
}
set output
