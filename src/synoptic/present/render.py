"""The Jinja2 environment shared by the web pages and the static report (autoescape always on)."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, Undefined
from markupsafe import Markup

from .corpus import Corpus
from .views import anchor, publication


@cache
def environment() -> Environment:
    """Templates from the package; every value is HTML-escaped unless it is our own Markup."""
    env = Environment(
        loader=PackageLoader("synoptic.present", "templates"),
        autoescape=True,
        undefined=Undefined,
        trim_blocks=False,
    )
    env.globals.update(publication=publication, anchor=anchor)
    env.tests["longer_than_one"] = lambda value: len(value) > 1
    return env


def render(template: str, corpus: Corpus, **context: Any) -> str:
    """Render a template; `labels(article_id)` names an article's source in every template."""
    return environment().get_template(template).render(labels=corpus.label, corpus=corpus, **context)


@cache
def stylesheet() -> Markup:
    """Our own stylesheet (package data, not article data), for inlining into the static report."""
    css = resources.files("synoptic.present").joinpath("static/app.css").read_text(encoding="utf-8")
    return Markup(css)
