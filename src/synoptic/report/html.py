"""The static HTML report: one self-contained file with the web app's panels and SVG charts.

No script at all, no external resources: the stylesheet is inlined and a Content-Security-Policy
meta tag forbids everything else, so nothing in an article's text can run when the file is opened.
"""

from __future__ import annotations

from typing import Any

from ..present.corpus import Corpus
from ..present.render import render, stylesheet
from ..present.views import ReportLinks, article_view, entity_view, story_view

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'"


def render_html(doc: dict[str, Any]) -> str:
    """The report for one analysis document (contract `synoptic.analysis/1`, missing keys tolerated)."""
    corpus = Corpus(doc)
    links = ReportLinks()
    return render(
        "report.html",
        corpus,
        csp=CSP,
        css=stylesheet(),
        links=links,
        stories=[story_view(corpus, s, links) for s in corpus.stories],
        articles=[article_view(corpus, a) for a in corpus.articles],
        entities=[entity_view(corpus, e, links) for e in corpus.entities],
    )
