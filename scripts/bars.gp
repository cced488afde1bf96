# bars.gp - grouped bars: median wall time per configuration (groups on
# the x axis) and worker count (one bar colour per count), with the 95%
# confidence interval of the median as error bars, and the instance's
# fastest serial run as a dashed reference line (serial_y, serial_text).
# Data: one index block per worker count, columns x median ci_low ci_high.
set style fill solid 0.85 border -1
set boxwidth 0.9 absolute
# The header sets tic_angle, label_margin and height from the number
# and length of the labels (20 degrees while they stay apart, else 45 or
# 90), so that labels, axis title and caption never overlap.
set xtics rotate by tic_angle right scale 0
set bmargin label_margin
set yrange [0:*]
set key title "workers"
# NaN, not 1/0: gnuplot 5.4 refuses to assign 1/0 ("undefined value").
serial_line = serial_y > 0 ? serial_y : NaN

eval svg_term
set output out.".svg"
plot for [i=1:nseries] datafile index i-1 using 1:2 with boxes lt i title titles[i], \
     for [i=1:nseries] datafile index i-1 using 1:3:(0):($4-$3) with vectors heads size screen 0.006,90 lc rgb "#222222" lw 1.2 notitle, \
     serial_line with lines dt 2 lw 2 lc rgb ref_color title serial_text
if (png) {
    eval png_term
    set output out.".png"
    replot
}
set output
