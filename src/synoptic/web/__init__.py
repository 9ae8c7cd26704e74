"""Web UI and HTTP API (`synoptic serve`) over a store's latest analysis; see docs/web.md.

`app` serves the pages drawn by `synoptic.present` and `api_routes` the JSON API; `jobs` runs uploads,
`live` the watched sources, `server` the uvicorn start-up. The static report (`synoptic.report`)
renders the same views without a server and without this package.
"""
