# common.gp - the look shared by every poolbench chart. `poolbench plot`
# copies it into each NAME.gp after the chart's variables (out, datafile,
# png, width, height, chart_title, chart_subtitle, subtitle_lines,
# caption, xlabel_text, ylabel_text, ...) and before the chart's own
# template.
svg_term = sprintf('set terminal svg size %d,%d dynamic noenhanced font "Sans,13" background rgb "white"', width, height)
png_term = sprintf('set terminal pngcairo size %d,%d noenhanced font "Sans,11" background rgb "white"', width, height)

# Colour-blind-safe palette (Okabe-Ito, yellow left out: it vanishes on
# white), then the same hues dashed, so that up to 14 series stay
# distinct; each with its own point shape.
set linetype 1 lc rgb "#0072B2" lw 2 pt 7 ps 1.1 dt 1
set linetype 2 lc rgb "#E69F00" lw 2 pt 5 ps 1.1 dt 1
set linetype 3 lc rgb "#009E73" lw 2 pt 9 ps 1.3 dt 1
set linetype 4 lc rgb "#CC79A7" lw 2 pt 13 ps 1.3 dt 1
set linetype 5 lc rgb "#56B4E9" lw 2 pt 11 ps 1.3 dt 1
set linetype 6 lc rgb "#D55E00" lw 2 pt 15 ps 1.1 dt 1
set linetype 7 lc rgb "#000000" lw 2 pt 3 ps 1.1 dt 1
set linetype 8 lc rgb "#0072B2" lw 2 pt 6 ps 1.1 dt 2
set linetype 9 lc rgb "#E69F00" lw 2 pt 4 ps 1.1 dt 2
set linetype 10 lc rgb "#009E73" lw 2 pt 8 ps 1.3 dt 2
set linetype 11 lc rgb "#CC79A7" lw 2 pt 12 ps 1.3 dt 2
set linetype 12 lc rgb "#56B4E9" lw 2 pt 10 ps 1.3 dt 2
set linetype 13 lc rgb "#D55E00" lw 2 pt 14 ps 1.1 dt 2
set linetype 14 lc rgb "#000000" lw 2 pt 2 ps 1.1 dt 2
set linetype cycle 14
# Reference lines (serial, ideal, 1x): grey, never a series colour.
ref_color = "#555555"

# Title and parameters centred on the whole canvas (not the plot area,
# which a legend can push aside), with room made above the plot.
set label 97 chart_title at screen 0.5, screen 1 offset 0,-1.3 center font ",15"
set label 96 chart_subtitle at screen 0.5, screen 1 offset 0,-2.7 center font ",11" tc rgb "#333333"
set tmargin 3.5 + 1.3 * subtitle_lines
set xlabel xlabel_text
set ylabel ylabel_text
set label 99 caption at screen 0.01, screen 0.02 left font ",9" tc rgb "#555555"
set bmargin 7
set border 3 lc rgb "#444444"
set tics nomirror
# One number format everywhere: plain, never 1e+06 (the C side scales
# times to s, ms, us or ns so that numbers stay short).
set format x "%g"
set format y "%g"
set grid ytics lc rgb "#dddddd" lw 1 dt 1
set key outside right top vertical Left reverse noopaque samplen 2 spacing 1.2
