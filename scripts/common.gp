# common.gp - the look shared by every poolbench chart. `poolbench plot`
# copies it into each NAME.gp after the chart's variables (out, datafile,
# png, width, height, chart_title, caption, xlabel_text, ylabel_text, ...)
# and before the chart's own template.
svg_term = sprintf('set terminal svg size %d,%d dynamic noenhanced font "Sans,13" background rgb "white"', width, height)
png_term = sprintf('set terminal pngcairo size %d,%d noenhanced font "Sans,11" background rgb "white"', width, height)

# Colour-blind-safe palette (Okabe-Ito), thick lines.
set linetype 1 lc rgb "#0072B2" lw 2 pt 7 ps 1.1
set linetype 2 lc rgb "#E69F00" lw 2 pt 5 ps 1.1
set linetype 3 lc rgb "#009E73" lw 2 pt 9 ps 1.3
set linetype 4 lc rgb "#CC79A7" lw 2 pt 13 ps 1.3
set linetype 5 lc rgb "#56B4E9" lw 2 pt 11 ps 1.3
set linetype 6 lc rgb "#D55E00" lw 2 pt 15 ps 1.1
set linetype 7 lc rgb "#F0E442" lw 2 pt 3 ps 1.1
set linetype 8 lc rgb "#000000" lw 2 pt 1 ps 1.1
set linetype cycle 8

set title chart_title font ",15"
set xlabel xlabel_text
set ylabel ylabel_text
set label 99 caption at screen 0.01, screen 0.02 left font ",9" tc rgb "#555555"
set bmargin 7
set border 3 lc rgb "#444444"
set tics nomirror
set grid ytics lc rgb "#dddddd" lw 1 dt 1
set key outside right top vertical Left reverse noopaque samplen 2 spacing 1.2
