"""The read model over one analysis document, shared by the web app and the static reports.

`corpus` reads the analysis JSON defensively and indexes it; `views` and `charts` turn it into
page data (reading the stored coverage matrix and quote-group differences, never recomputing
them); `textmarks` cuts article text into highlighted pieces; `render` draws the views with the
package's Jinja2 templates (autoescaped). `web/` serves these pages, `report/` writes them to
files; neither imports the other.
"""
