# ratio.gp - each configuration's median wall time in the other files
# divided by the first file's, with a conservative 95% interval (low of
# one over high of the other). Below 1: faster than the first file.
# The header sets height and label_margin from the longest label.
# Data: one index block per compared file, columns x ratio low high.
set style fill solid 0.85 border -1
set boxwidth 0.9 absolute
set xtics rotate by 90 right scale 0 font ",10"
set yrange [0:*]
set bmargin label_margin
unset xlabel
set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead dt 2 lw 1.5 lc rgb ref_color
set key title "compared with the first" inside right top opaque box lc rgb "#cccccc"

eval svg_term
set output out.".svg"
plot for [i=1:nseries] datafile index i-1 using 1:2 with boxes lt i title titles[i], \
     for [i=1:nseries] datafile index i-1 using 1:3:(0):($4-$3) with vectors heads size screen 0.006,90 lc rgb "#222222" lw 1.2 notitle
if (png) {
    eval png_term
    set output out.".png"
    replot
}
set output
