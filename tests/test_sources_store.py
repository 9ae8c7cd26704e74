"""Provenance in the store (migration 3): any records round-trip, one row per article and URL, kept by
every later read, and shown by the analysis even when the article's annotations come from the cache."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from synoptic.api import analyze_articles
from synoptic.models import Article, Provenance, Published
from synoptic.pipeline import Pipeline
from synoptic.store.sqlite import Store

TEXT = st.text(min_size=1, max_size=40)
MAYBE = st.none() | TEXT
PROVENANCE = st.builds(
    Provenance,
    url=TEXT,
    canonical_url=MAYBE,
    feed=MAYBE,
    fetched_at=MAYBE,
    http_status=st.none() | st.integers(100, 599),
    published=MAYBE,
    published_from=st.sampled_from([None, "feed", "page"]),
    outlet=MAYBE,
    outlet_from=st.sampled_from([None, "site-name", "domain"]),
)


def _article(ident: str, provenance: tuple[Provenance, ...]) -> Article:
    return Article(
        ident,
        f"{ident}.html",
        "en",
        "A title",
        "Bay Herald",
        (),
        Published("2026-03-04", "given"),
        "The ferry strike went on for a third day in Harbourton.",
        provenance=provenance,
    )


@settings(max_examples=60, deadline=None)
@given(st.lists(PROVENANCE, max_size=4, unique_by=lambda p: p.url))
def test_any_provenance_round_trips_through_the_store(records: list[Provenance]) -> None:
    with Store() as store:
        store.add_articles([_article("a1", tuple(records))])
        (back,) = store.articles()
        assert sorted(back.provenance, key=lambda p: p.url) == sorted(records, key=lambda p: p.url)
        assert store.article("a1") == back
        assert store.articles(["a1"]) == [back]


def test_a_second_url_of_stored_content_is_added_and_the_cached_analysis_shows_both(tmp_path: Path) -> None:
    first = Provenance("https://bay.example/a", fetched_at="2026-03-04T08:00:00Z", http_status=200)
    second = Provenance("https://bay.example/amp/a", fetched_at="2026-03-04T09:00:00Z", http_status=200)
    no_stages = Pipeline(())
    with Store(tmp_path / "x.db") as store:
        analyze_articles([_article("a1", (first,))], db=store, pipeline=no_stages)
        store.add_articles([_article("a1", (second,))])
        (article,) = store.articles()
        assert article.provenance == (first, second)  # oldest fetch first
        analysis = analyze_articles(store.articles(), db=store, pipeline=no_stages)
    assert [p["url"] for p in analysis.to_dict()["articles"][0]["provenance"]] == [first.url, second.url]


def test_articles_from_files_have_no_provenance_key_in_the_contract() -> None:
    article = _article("a1", ())
    assert "provenance" not in article.to_dict()
    assert replace(article, provenance=(Provenance("https://x.example/"),)).to_dict()["provenance"][0]["url"] == (
        "https://x.example/"
    )
