"""Server-rendered pages: content from the fixture analysis, escaping, security headers, token and host checks."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from synoptic.web.app import CSP, create_app
from test_web_support import HOSTILE_TEXT, hostile_document, load_fixture, store_with


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    db = store_with(tmp_path_factory.mktemp("pages"), load_fixture())
    return TestClient(create_app(db))


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    db = store_with(tmp_path_factory.mktemp("hostile"), hostile_document())
    return TestClient(create_app(db))


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/", ["Harbour Bridge in Veloria closed after crack", "Lumen Robotics opens a factory in Brask"]),
        ("/?language=de", ["Harbour Bridge in Veloria closed after crack"]),
        ("/?outlet=Brask+Gazette", ["Lumen Robotics opens a factory in Brask"]),
        ("/?q=robotics", ["Lumen Robotics opens a factory in Brask"]),
        ("/?date_from=2026-03-01", ["Harbour Bridge in Veloria closed after crack"]),
        ("/?date_to=2026-02-28", ["Lumen Robotics opens a factory in Brask"]),
    ],
)
def test_web_index_filters_stories(client: TestClient, url: str, expected: list[str]) -> None:
    page = client.get(url)
    assert page.status_code == 200
    titles = re.findall(r'class="story-title" href="[^"]+">([^<]+)</a>', page.text)
    assert titles == expected


@pytest.mark.parametrize("url", ["/?q=nothing-like-this", "/?language=it", "/?date_from=2027-01-01"])
def test_web_index_filter_that_matches_nothing_says_so(client: TestClient, url: str) -> None:
    page = client.get(url)
    assert "No story matches." in page.text
    assert 'class="story-title"' not in page.text


def test_web_story_page_has_every_panel(client: TestClient) -> None:
    page = client.get("/stories/s1")
    assert page.status_code == 200
    html = page.text
    for marker in (
        'class="chart timeline"',
        'class="chart matrix"',
        'class="chart graph"',
        'class="panel conflicts"',
        'class="panel quotes"',
        'class="panel summary"',
        'details class="cite"',
    ):
        assert marker in html, marker
    assert html.count('class="cell st-') == 16  # 4 claims x 4 sources
    assert html.count('class="cell st-contradicted"') == 2
    assert html.count('<g class="event"') == 3  # three dated events; the undated one is listed only
    assert html.count('<g class="edge') == 3
    assert "will <ins>remain</ins> closed" in html  # the stored word differences of the two English wordings
    assert "without <del>stay</del>, <del>certain</del>" in html
    assert "similarity to the reference 0.71" in html
    assert "5 metres" in html and "3 metres" in html


def test_web_article_page_highlights_spans(client: TestClient) -> None:
    html = client.get("/articles/a4?hl=0-10").text
    assert '<span class="m-entity' in html
    assert "m-contra" in html  # "Une fissure de cinq mètres" contradicts a claim
    assert 'id="s-0-10"' in html and "m-target" in html


def test_web_entity_page_lists_mentions_by_language(client: TestClient) -> None:
    html = client.get("/entities/e1").text
    sections = re.findall(r'<section class="panel mentions"><h3>(\w+) <span class="count">(\d+) mention', html)
    assert sections == [("de", "2"), ("en", "5"), ("fr", "1")]


@pytest.mark.parametrize("url", ["/stories/nope", "/articles/nope", "/entities/nope"])
def test_web_unknown_ids_are_404(client: TestClient, url: str) -> None:
    page = client.get(url)
    assert page.status_code == 404
    assert "nope" in page.text


def test_web_pages_send_security_headers(client: TestClient) -> None:
    for url in ("/", "/stories/s1", "/static/app.css", "/api/v1/stories"):
        headers = client.get(url).headers
        assert headers["content-security-policy"] == CSP
        assert headers["x-content-type-options"] == "nosniff"
    assert "script-src 'self'" in CSP and "unsafe-inline" not in CSP


def test_web_pages_have_no_inline_script(client: TestClient) -> None:
    for url in ("/", "/stories/s1", "/articles/a1", "/entities/e1", "/entities"):
        scripts = re.findall(r"<script[^>]*>", client.get(url).text)
        assert scripts == ['<script src="/static/app.js" defer>'], url


def real_tags(html: str) -> list[str]:
    """Every markup tag of a page, attribute values blanked (they are escaped, so quotes delimit them)."""
    return [re.sub(r'"[^"]*"', '""', tag) for tag in re.findall(r"<[a-zA-Z][^>]*>", html)]


@pytest.mark.parametrize("url", ["/", "/stories/s1", "/articles/x1", "/entities/e1", "/entities", "/entities/%3Cx%3E"])
def test_web_hostile_article_is_escaped(hostile: TestClient, url: str) -> None:
    page = hostile.get(url)
    assert page.status_code == 200
    tags = real_tags(page.text)
    assert [t for t in tags if t.startswith("<script")] == ['<script src="" defer>']
    assert not [t for t in tags if re.match(r"<(img|iframe|object|embed|b)\b", t)]
    assert not [t for t in tags if re.search(r"\son\w+=", t)]
    assert "javascript:" not in " ".join(re.findall(r'href="([^"]*)"', page.text)).lower()


def test_web_hostile_text_shown_verbatim(hostile: TestClient) -> None:
    page = hostile.get("/articles/x1").text
    body = re.search(r'<div class="article-text"[^>]*>(.*?)</div>', page, re.S)
    assert body is not None
    assert html.unescape(re.sub(r"</?span[^>]*>", "", body.group(1))) == HOSTILE_TEXT
    assert "javascript:alert(&#39;url&#39;)" in page  # the url is shown as text, never linked


def test_web_token_protects_pages(tmp_path: Path) -> None:
    db = store_with(tmp_path, load_fixture())
    token = "a-long-enough-secret-token"
    client = TestClient(create_app(db, token=token))
    assert client.get("/").status_code == 401
    assert client.get("/static/app.css").status_code == 200
    assert (
        client.post(
            "/login", content="token=wrong", headers={"content-type": "application/x-www-form-urlencoded"}
        ).status_code
        == 401
    )
    signed = client.post(
        "/login",
        content=f"token={token}",
        headers={"content-type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )
    assert signed.status_code == 303
    assert "httponly" in signed.headers["set-cookie"].lower()
    assert client.get("/stories/s1").status_code == 200  # the cookie now signs the pages in
    assert client.get("/api/v1/stories").status_code == 401  # but the API wants the bearer token


def test_web_unknown_host_refused_when_hosts_are_pinned(tmp_path: Path) -> None:
    db = store_with(tmp_path, load_fixture())
    client = TestClient(create_app(db, allowed_hosts={"127.0.0.1", "localhost"}))
    assert client.get("/", headers={"host": "evil.example"}).status_code == 400
    assert client.get("/", headers={"host": "127.0.0.1:8000"}).status_code == 200


def test_web_cross_origin_post_refused(client: TestClient) -> None:
    page = client.post("/api/v1/articles", content=b"x" * 100, headers={"origin": "https://evil.example"})
    assert page.status_code == 403


def test_web_empty_store_renders(tmp_path: Path) -> None:
    client = TestClient(create_app(tmp_path / "empty.db"))
    page = client.get("/")
    assert page.status_code == 200
    assert "No analysis in this store yet" in page.text
    assert client.get("/entities").status_code == 200


BROKEN = {
    "articles": [{"id": "a", "text": "Some article text that is long enough.", "published": None, "url": 5}],
    "stories": [
        {
            "id": "s",
            "articles": ["a", "missing"],
            "claims": [{"id": "c", "support": [{"article": "a"}]}],
            "events": [{"date": "not a date", "evidence": "x"}],
            "conflicts": [{"values": [{"spans": [None]}]}],
            "summary": [{"text": None, "citations": [{"article": "missing", "start": 0, "end": 3}]}],
            "voices": "x",
        },
        {"title": "no id"},
    ],
    "entities": [{"id": "e", "mentions": [{"article": "a", "start": 50, "end": 10, "text": "?"}]}],
    "quotes": [{"id": "q", "span": {"article": "a", "start": 0, "end": 4}, "speaker": "nobody", "group": None}],
    "derivations": [{"source": "a", "derived": "missing", "kind": None, "score": "high"}],
    "quote_groups": {"not": "a list"},
}


@pytest.mark.parametrize("url", ["/", "/stories/s", "/articles/a", "/entities", "/entities/e", "/api/v1/stories"])
def test_web_pages_render_a_broken_document(tmp_path: Path, url: str) -> None:
    client = TestClient(create_app(store_with(tmp_path, BROKEN)))
    assert client.get(url).status_code == 200


def test_web_index_pages_many_stories(tmp_path: Path) -> None:
    doc = load_fixture()
    doc["stories"] = [dict(doc["stories"][0], id=f"s{n}", title=f"Story {n:03d}") for n in range(120)]
    client = TestClient(create_app(store_with(tmp_path, doc)))
    first = client.get("/?language=de").text
    assert first.count('class="story-title"') == 50 and "page 1 of 3" in first
    assert 'href="/?language=de&amp;page=2"' in first and 'rel="prev"' not in first
    last = client.get("/?language=de&page=3").text
    assert last.count('class="story-title"') == 20 and "Story 119" in last and 'rel="next"' not in last
    assert client.get("/?page=999999999999").status_code == 200  # out of range or absurd: clamped
