"""The static HTML report: self-contained, the same SVG charts as the UI, and inert article text."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from markupsafe import escape

from synoptic.report import write_reports
from synoptic.report.html import CSP, render_html
from synoptic.report.json import span_errors
from test_web_support import HOSTILE_TEXT, example_run, hostile_document, load_fixture


def test_report_fixture_spans_verify() -> None:
    assert span_errors(load_fixture()) == []
    assert span_errors(hostile_document()) == []


def test_report_html_is_self_contained(tmp_path: Path) -> None:
    html_path, md_path = write_reports(load_fixture(), tmp_path / "out")
    page = html_path.read_text(encoding="utf-8")
    assert md_path.exists()
    assert "<script" not in page
    assert f'content="{escape(CSP)}"' in page
    assert "script-src" not in CSP and "default-src 'none'" in CSP
    assert not re.search(r"""\ssrc=""", page)  # nothing loaded, from here or elsewhere
    assert not re.search(r'<link rel="stylesheet"', page)


def test_report_html_has_charts_for_each_story() -> None:
    page = render_html(load_fixture())
    assert page.count('<svg class="chart timeline"') == 2
    assert page.count('<svg class="chart matrix"') == 2
    assert page.count('<svg class="chart graph"') == 1  # only the bridge story has derivations
    assert page.count('class="cell st-') == 4 * 4 + 1 * 2


def test_report_html_citation_links_reach_an_anchor() -> None:
    page = render_html(load_fixture())
    ids = set(re.findall(r'id="([^"]+)"', page))
    targets = {h[1:] for h in re.findall(r'href="(#[^"]+)"', page)}
    assert targets and targets <= ids, sorted(targets - ids)[:5]


@pytest.mark.parametrize(
    "document",
    [
        {},
        {"schema": "synoptic.analysis/1", "articles": [], "stories": []},
        {"articles": [{"id": "a", "text": "Some text here."}], "stories": [{"id": "s", "articles": ["a", "gone"]}]},
        {"articles": [{"id": "a", "text": "x"}], "stories": [{"id": "s", "claims": [{"id": "c", "support": [{}]}]}]},
        {"articles": "not a list", "stories": [None, 3, "x"], "entities": [{"id": "e"}]},
    ],
    ids=["empty", "no stories", "missing optional keys", "malformed spans", "wrong types"],
)
def test_report_survives_incomplete_documents(tmp_path: Path, document: dict[str, object]) -> None:
    html_path, md_path = write_reports(document, tmp_path)
    assert "<h1>Synoptic analysis</h1>" in html_path.read_text(encoding="utf-8")
    assert md_path.read_text(encoding="utf-8").startswith("# Synoptic analysis")


def test_report_html_escapes_hostile_article() -> None:
    page = render_html(hostile_document())
    tags = [re.sub(r'"[^"]*"', '""', t) for t in re.findall(r"<[a-zA-Z][^>]*>", page)]
    assert not [t for t in tags if re.match(r"<(script|img|iframe|object|embed|b)\b", t)]
    assert not [t for t in tags if re.search(r"\son\w+=", t)]
    assert "javascript:" not in " ".join(re.findall(r'href="([^"]*)"', page)).lower()
    bodies = re.findall(r'<div class="article-text"[^>]*>(.*?)</div>', page, re.S)
    assert HOSTILE_TEXT in [html.unescape(re.sub(r"</?span[^>]*>", "", b)) for b in bodies]


def test_report_cli_writes_both_reports_for_the_example_corpus() -> None:
    from synoptic.report.json import read_json

    run = example_run()
    assert run.code == 0
    page = (run.report / "index.html").read_text(encoding="utf-8")
    markdown = (run.report / "report.md").read_text(encoding="utf-8")
    document = read_json(run.json)
    assert "<script" not in page
    for article in document["articles"]:
        assert str(escape(article["title"])) in page
        assert f'id="article-{article["id"]}"' in page
    assert markdown.startswith("# Synoptic analysis")
    assert f"{len(document['articles'])} articles" in markdown
