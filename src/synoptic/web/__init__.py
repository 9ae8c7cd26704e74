"""Web UI and HTTP API (`synoptic serve`) over a store's latest analysis; see docs/web.md.

`corpus` reads the analysis JSON defensively, `views` and `charts` turn it into page data, the
templates draw it (inline SVG, autoescaped), `app` serves pages and `api` the JSON API. The static
report (`synoptic.report.html`) renders the same views without a server.
"""
