"""Each reader on small hand-made inputs: plain text, metadata head, trailing byline, HTML, JSON, JSONL."""

from __future__ import annotations

import json

import pytest

from synoptic.ingest import read_bytes
from synoptic.settings import Settings

SETTINGS = Settings()
BODY = (
    "The city council approved the new tram line on Tuesday after a long debate about its cost.\n\n"
    "Supporters said the line would cut travel times across the river by a third for most commuters."
)


def read_one(name: str, content: str | bytes) -> dict[str, object]:
    data = content.encode("utf-8") if isinstance(content, str) else content
    articles, rejected = read_bytes(name, data, SETTINGS)
    assert not rejected, rejected
    assert len(articles) == 1
    return articles[0].to_dict()


def test_ingest_plain_text_takes_first_short_line_as_title() -> None:
    art = read_one("a.txt", "Council approves tram line\n\n" + BODY)
    assert art["title"] == "Council approves tram line"
    assert art["text"] == BODY
    assert art["published"] == {"date": None, "how": None}


def test_ingest_plain_text_without_headline_keeps_first_sentence() -> None:
    art = read_one("a.txt", BODY)
    assert art["title"] is None
    assert art["text"] == BODY


@pytest.mark.parametrize(
    ("head", "title", "authors", "date", "outlet"),
    [
        (
            "Published Time: 2022-01-26\nTitle: Tram line approved\nAuthor: City News Agency\nText: \n",
            "Tram line approved",
            ["City News Agency"],
            "2022-01-26",
            "City News Agency",
        ),
        (
            "Title: Tram line approved\n\nURL Source: https://www.example-news.test/a\n\nPublished Time: "
            "2023-05-02T10:00:00Z\n\nMarkdown Content:\n",
            "Tram line approved",
            [],
            "2023-05-02",
            "example-news.test",
        ),
        (
            "Title: Straßenbahn genehmigt\nAuthor: Anna Berg; Jan Koch\nPublished Time: 3. Mai 2023\nText:\n",
            "Straßenbahn genehmigt",
            ["Anna Berg", "Jan Koch"],
            "2023-05-03",
            None,
        ),
    ],
)
def test_ingest_metadata_head_is_read_and_marked_given(
    head: str, title: str, authors: list[str], date: str, outlet: str | None
) -> None:
    art = read_one("a.txt", head + BODY)
    assert art["title"] == title
    assert art["authors"] == authors
    assert art["published"] == {"date": date, "how": "given"}
    assert art["outlet"] == outlet
    assert art["text"] == BODY


def test_ingest_metadata_like_first_sentence_is_not_a_head() -> None:
    text = "Note: the council approved the tram line on Tuesday after a long debate about its cost.\n\n" + BODY
    art = read_one("a.txt", text)
    assert art["text"].startswith("Note: the council")


@pytest.mark.parametrize(
    ("tail", "author", "date"),
    [
        ("\n\nJane Doe\nThu, 01/13/2022 – 11:45\n\nShare this article!\n\nLeave a Comment", "Jane Doe", "2022-01-13"),
        ("\n\nAnna von Berg\n14.02.2023\n\nKommentare\n\nArtikel teilen", "Anna von Berg", "2023-02-14"),
        ("\n\nMarc Dupont\n3 mars 2024", "Marc Dupont", "2024-03-03"),
    ],
)
def test_ingest_trailing_byline_gives_author_and_date(tail: str, author: str, date: str) -> None:
    art = read_one("a.txt", "Council approves tram line\n\n" + BODY + tail)
    assert art["authors"] == [author]
    assert art["published"] == {"date": date, "how": "given"}
    assert art["text"] == BODY


@pytest.mark.parametrize(
    ("line", "date"),
    [
        ("HAMBURG, April 6, 2025 — Rowers from the home club took both titles on Sunday.", "2025-04-06"),
        ("Köln, 6. April 2025 – Das Hochwasser hat die Altstadt erreicht, sagte die Stadt.", "2025-04-06"),
        ("COLOGNE (Allemagne), 8 avril 2025 – Le bilan s'est alourdi mardi, selon la ville.", "2025-04-08"),
        ("The council, after 3 hours – a record – approved the line on Tuesday evening.", None),
    ],
)
def test_ingest_dateline_gives_date(line: str, date: str | None) -> None:
    art = read_one("a.txt", line + "\n\n" + BODY)
    assert art["published"]["date"] == date  # type: ignore[index]


HTML = """<!doctype html><html lang="en"><head><title>Tram line approved | City Post</title>
<meta name="author" content="Jane Doe"><meta property="og:site_name" content="City Post">
<meta property="article:published_time" content="2023-05-02T10:00:00Z"></head>
<body><nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul></nav>
<div class="cookie">We use cookies. Accept all cookies</div>
<article><h1>Tram line approved</h1><p>{p1}</p><p>{p2}</p></article>
<aside><h3>Related</h3><ul><li><a href="/x">Other story</a></li></ul></aside>
<footer>© 2023 City Post. All rights reserved.</footer></body></html>"""


def test_ingest_html_extracts_article_and_metadata() -> None:
    p1, p2 = BODY.split("\n\n")
    art = read_one("page.html", HTML.format(p1=p1, p2=p2))
    assert art["authors"] == ["Jane Doe"]
    assert art["outlet"] == "City Post"
    assert art["published"] == {"date": "2023-05-02", "how": "given"}
    text = str(art["text"])
    assert p1 in text and p2 in text
    for furniture in ("cookies", "All rights reserved", "Other story", "Home"):
        assert furniture not in text


def test_ingest_html_without_text_is_rejected() -> None:
    articles, rejected = read_bytes("empty.html", b"<html><body><nav>Home</nav></body></html>", SETTINGS)
    assert not articles
    assert len(rejected) == 1
    assert "text" in rejected[0].reason


NEWSPLEASE = {
    "title": "Tram line approved",
    "maintext": BODY,
    "date_publish": "2023-05-02 10:00:00",
    "authors": ["Jane Doe", "Jan Koch"],
    "language": "en",
    "source_domain": "citypost.test",
    "url": "https://citypost.test/tram",
}


def test_ingest_news_please_json_record() -> None:
    art = read_one("rec.json", json.dumps(NEWSPLEASE))
    assert art["title"] == "Tram line approved"
    assert art["authors"] == ["Jane Doe", "Jan Koch"]
    assert art["outlet"] == "citypost.test"
    assert art["url"] == "https://citypost.test/tram"
    assert art["published"] == {"date": "2023-05-02", "how": "given"}
    assert art["language"] == "en"
    assert art["text"] == BODY


def test_ingest_json_list_keeps_good_records_and_rejects_bad_ones() -> None:
    bad = {"title": "no text here"}
    articles, rejected = read_bytes("list.json", json.dumps([NEWSPLEASE, bad, 7]).encode(), SETTINGS)
    assert [a.path for a in articles] == ["list.json#0"]
    assert [r.path for r in rejected] == ["list.json#1", "list.json#2"]
    assert "maintext" in rejected[0].reason


def test_ingest_jsonl_rejects_a_broken_line_alone() -> None:
    other = dict(NEWSPLEASE, title="Second story", maintext=BODY.replace("tram", "bus"))
    data = "\n".join([json.dumps(NEWSPLEASE), "{broken", "", json.dumps(other)]).encode()
    articles, rejected = read_bytes("feed.jsonl", data, SETTINGS)
    assert [a.title for a in articles] == ["Tram line approved", "Second story"]
    assert len(rejected) == 1 and rejected[0].path == "feed.jsonl#1"
    assert "malformed JSON" in rejected[0].reason
