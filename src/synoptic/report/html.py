"""The static HTML report: one self-contained file, every piece of article text escaped."""

from __future__ import annotations

from html import escape
from typing import Any

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def render_html(doc: dict[str, Any]) -> str:
    articles = {a["id"]: a for a in doc["articles"]}
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<meta http-equiv='Content-Security-Policy' content=\"{CSP}\">",
        "<title>Synoptic analysis</title>",
        "<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .5rem}</style>",
        "</head><body><h1>Synoptic analysis</h1>",
        f"<p>{len(doc['articles'])} articles, {len(doc['stories'])} stories, {len(doc['rejected'])} rejected.</p>",
    ]
    for story in doc["stories"]:
        parts.append(f"<h2>{escape(story['title'])}</h2><ul>")
        for aid in story["articles"]:
            a = articles[aid]
            parts.append(f"<li>{escape(a['title'] or a['path'])} ({escape(a['language'])})</li>")
        parts.append("</ul>")
    parts.append("<h2>Articles</h2><table><tr><th>title</th><th>language</th><th>outlet</th><th>published</th></tr>")
    for a in doc["articles"]:
        parts.append(
            f"<tr><td>{escape(a['title'] or a['path'])}</td><td>{escape(a['language'])}</td>"
            f"<td>{escape(a['outlet'] or '')}</td><td>{escape(a['published']['date'] or '')}</td></tr>"
        )
    parts.append("</table>")
    if doc["rejected"]:
        parts.append("<h2>Rejected inputs</h2><ul>")
        parts += [f"<li><code>{escape(r['path'])}</code>: {escape(r['reason'])}</li>" for r in doc["rejected"]]
        parts.append("</ul>")
    parts.append("</body></html>")
    return "\n".join(parts)
