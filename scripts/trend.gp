# trend.gp - one configuration per line: its median wall time (or time
# per task, where task counts differ) in each stored run of the history,
# oldest first, with the 95% CI as error bars (a band past dense_runs
# runs). `poolbench history trend`
# copies it into each NAME.gp after scripts/common.gp and the chart's
# variables (nlines, titles, colours: a hue each, and the commit labels
# xtic_labels at xtic_pos, nxtics of them).
# Data: one index block per configuration, columns run median low high.
if (!exists("tmp_suffix")) tmp_suffix = ''
set xrange [0.5:nruns + 0.5]
set yrange [0:*]
# Seconds with an SI prefix (50 us, not 5e-05); per-task times are in ns.
if (strstrt(ylabel_text, "(ns)") == 0) set format y "%.0s %cs"
set xtics rotate by -45 ()
do for [i=1:nxtics] { set xtics add (xtic_labels[i] xtic_pos[i]) }
# The legend under the x label: long configuration names fit there.
set key below
set bmargin 8 + nlines

eval svg_term
set output out.".svg".tmp_suffix
# Past dense_runs runs the error bars merge into a solid block (and cost a
# path each): the 95% CI becomes a light band and the median a plain line.
if (!exists("dense_runs")) dense_runs = 200
if (nruns > dense_runs) {
    plot for [i=1:nlines] datafile index i-1 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb colours[i] notitle, \
         for [i=1:nlines] datafile index i-1 using 1:2 with lines lt i lw 1.5 lc rgb colours[i] title titles[i]
} else {
    plot for [i=1:nlines] datafile index i-1 using 1:2:3:4 with yerrorlines lt i lc rgb colours[i] title titles[i]
}
if (png) {
    eval png_term
    set output out.".png".tmp_suffix
    replot
}
set output
