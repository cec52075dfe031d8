"""Charts and the tile-grid map, drawn on the server from the reports' own figures.

Each is a Vega-Lite specification built with altair and rendered by
vl-convert (SVG, or PNG at twice the size), chosen over matplotlib by
measurement (bench/reports/README.md): faster and smaller for the same chart.
"""
