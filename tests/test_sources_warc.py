"""`synoptic fetch archive.warc.gz`: a WARC built here with warcio, as Common Crawl's CC-NEWS writes them.

Every HTML response record becomes an article with its provenance; requests, metadata, non-HTML
responses and error responses are skipped and counted by reason.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from sources_support import STORIES, NewsSite, page_html
from synoptic.cli import main
from synoptic.sources import fetch
from synoptic.store.sqlite import Store

HOST = "https://news.example"


def _response(writer: object, url: str, body: bytes, content_type: str, status: str = "200 OK") -> None:
    from warcio.statusandheaders import StatusAndHeaders

    headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
    record = writer.create_warc_record(  # type: ignore[attr-defined]
        url,
        "response",
        payload=io.BytesIO(body),
        http_headers=headers,
        warc_headers_dict={"WARC-Date": "2026-03-04T10:00:00Z"},
    )
    writer.write_record(record)  # type: ignore[attr-defined]


def build_warc(path: Path, *, gz: bool = True) -> None:
    """Two article pages (one of them also under a second URL), a request, a PDF, a 404, a JSON response."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    site = NewsSite()  # only for its URL builder in page_html; never started
    site.server.server_close()
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=gz)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        for story in STORIES[:2]:
            req = StatusAndHeaders(f"GET {story.path} HTTP/1.1", [("Host", "news.example")], is_http_request=True)
            writer.write_record(writer.create_warc_record(HOST + story.path, "request", http_headers=req))
            html = page_html(story, site, canonical=False).encode("utf-8")
            _response(writer, HOST + story.path, html, "text/html; charset=utf-8")
        mirror = page_html(STORIES[0], site, canonical=False).encode("utf-8")
        _response(writer, HOST + "/amp" + STORIES[0].path, mirror, "text/html")
        _response(writer, HOST + "/files/report.pdf", b"%PDF-1.7 not html", "application/pdf")
        _response(writer, HOST + "/missing", b"<html><body>Not found</body></html>", "text/html", "404 Not Found")
        _response(writer, HOST + "/api/data.json", b'{"a": 1}', "application/json")


@pytest.mark.parametrize("gz", [True, False])
def test_every_html_response_record_is_read_and_the_rest_counted(tmp_path: Path, gz: bool) -> None:
    archive = tmp_path / ("cc-news.warc.gz" if gz else "cc-news.warc")
    build_warc(archive, gz=gz)
    report = fetch([str(archive)], db=tmp_path / "x.db", analyse=False)
    assert report.failures == []
    assert report.warc.pages == 3  # two stories and the mirror of the first
    assert len(report.new) == 2 and report.duplicates == 1
    assert dict(report.warc.skipped) == {
        "warcinfo record": 1,
        "request record": 2,
        "not HTML (application/pdf)": 1,
        "HTTP 404": 1,
        "not HTML (application/json)": 1,
    }
    with Store(tmp_path / "x.db") as store:
        first = next(a for a in store.articles() if a.title == STORIES[0].title)
    urls = sorted(p.url for p in first.provenance)
    assert urls == [HOST + "/amp" + STORIES[0].path, HOST + STORIES[0].path]
    assert all(p.feed == str(archive) and p.http_status == 200 for p in first.provenance)
    assert first.outlet == "Harbour Post"
    assert {p.fetched_at for p in first.provenance} == {"2026-03-04T10:00:00Z"}


def test_cli_fetch_warc_analyses_and_a_second_run_adds_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = tmp_path / "archive.warc.gz"
    build_warc(archive)
    db, out = tmp_path / "x.db", tmp_path / "out.json"
    assert main(["fetch", str(archive), "--db", str(db), "--json", str(out), "--quiet"]) == 0
    err = capsys.readouterr().err
    assert "WARC: 3 HTML records, 6 skipped" in err and "1 not HTML (application/pdf)" in err
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert len(doc["articles"]) == 2 and doc["stories"]
    assert main(["fetch", str(archive), "--db", str(db), "--quiet"]) == 0
    assert "0 new articles; 3 already fetched" in capsys.readouterr().err
