"""Inferring publication dates of undated articles from dated articles about the same events."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from synoptic.annotate.infer_dates import infer_publication_dates
from synoptic.annotate.sentences import split_sentences
from synoptic.annotate.timex import find_timexes
from synoptic.embed import Matrix, NullEmbedder
from synoptic.models import Article, Document, Mention, Published


class SameEmbedder:
    """Every text gets the same unit vector, so context similarity is 1 and entities decide."""

    name = "same"
    dim = 4

    def encode(self, texts: Sequence[str]) -> Matrix:
        return np.tile(np.array([1.0, 0.0, 0.0, 0.0], dtype=np.float32), (len(texts), 1))


def _doc(doc_id: str, text: str, lang: str, published: str | None, entities: dict[str, str]) -> Document:
    art = Article(
        doc_id, f"{doc_id}.txt", lang, None, None, (), Published(published, "given" if published else None), text
    )
    mentions = tuple(
        Mention(text.index(s), text.index(s) + len(s), s, "PERSON", "test", entity=e) for s, e in entities.items()
    )
    return Document(
        article=art,
        sentences=split_sentences(text, lang),
        mentions=mentions,
        timexes=find_timexes(text, lang, published),
    )


# 2022-01-26 is a Wednesday.
DATED = _doc(
    "d", "Putin and Diaz-Canel spoke by phone on Monday.", "en", "2022-01-26", {"Putin": "p", "Diaz-Canel": "d"}
)


def test_infer_dates_weekday_anchored_on_dated_neighbour() -> None:
    undated = _doc("u", "Putin und Diaz-Canel telefonierten am Montag.", "de", None, {"Putin": "p", "Diaz-Canel": "d"})
    out = infer_publication_dates([DATED, undated], SameEmbedder())
    assert out[1].article.published == Published("2022-01-24", "inferred")
    assert [(t.text, t.value) for t in out[1].timexes] == [("am Montag", "2022-01-24")]
    assert out[0] is DATED


def test_infer_dates_yesterday_means_the_day_after() -> None:
    undated = _doc("u", "Putin and Diaz-Canel spoke yesterday.", "en", None, {"Putin": "p", "Diaz-Canel": "d"})
    dated = _doc("d", "Putin and Diaz-Canel spoke on Monday.", "en", "2022-01-26", {"Putin": "p", "Diaz-Canel": "d"})
    out = infer_publication_dates([dated, undated], SameEmbedder())
    assert out[1].article.published.date == "2022-01-25"


def test_infer_dates_unrelated_articles_do_not_anchor() -> None:
    undated = _doc("u", "Scholz spoke on Monday, on 3 May 2021.", "en", None, {"Scholz": "s"})
    out = infer_publication_dates([DATED, undated], NullEmbedder())
    # No shared entity: no neighbour, so only the written full date is left to go by.
    assert out[1].article.published == Published("2021-05-03", "inferred")


def test_infer_dates_nothing_to_go_by_leaves_article_undated() -> None:
    undated = _doc("u", "Scholz spoke on Monday.", "en", None, {"Scholz": "s"})
    out = infer_publication_dates([DATED, undated], NullEmbedder())
    assert out[1].article.published == Published(None, None)


class CountingEmbedder(SameEmbedder):
    """SameEmbedder that keeps the texts it was asked to encode."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def encode(self, texts: Sequence[str]) -> Matrix:
        self.texts += texts
        return super().encode(texts)


def test_infer_dates_compare_only_articles_with_a_dated_neighbour() -> None:
    lonely = _doc("l", "Scholz spoke on Monday, on 3 May 2021.", "en", None, {"Scholz": "s"})
    shared = _doc("u", "Putin und Diaz-Canel telefonierten am Montag.", "de", None, {"Putin": "p", "Diaz-Canel": "d"})
    embedder = CountingEmbedder()
    out = infer_publication_dates([DATED, lonely, shared], embedder)
    assert out[1].article.published == Published("2021-05-03", "inferred")  # from its own text, as before
    assert out[2].article.published == Published("2022-01-24", "inferred")
    assert embedder.texts and not any("Scholz" in t for t in embedder.texts)
    alone = CountingEmbedder()
    assert infer_publication_dates([lonely], alone)[0].article.published.date == "2021-05-03"
    assert alone.texts == []


# 2018-12-12 is a Wednesday.
OLD = _doc("d", "Putin and Diaz-Canel spoke by phone on Monday.", "en", "2018-12-12", {"Putin": "p", "Diaz-Canel": "d"})


def test_infer_dates_never_contradict_the_texts_own_year() -> None:
    text = "Putin and Diaz-Canel spoke on Monday. It was their first call since the summit of 5 December 2019."
    undated = _doc("u", text, "en", None, {"Putin": "p", "Diaz-Canel": "d"})
    out = infer_publication_dates([OLD, undated], SameEmbedder())
    assert out[1].article.published == Published("2019-12-05", "inferred")


def test_infer_dates_keep_a_match_that_agrees_with_the_text() -> None:
    cases = [
        "Putin and Diaz-Canel spoke on Monday.",  # no date of its own
        "Putin and Diaz-Canel spoke on Monday about the 2030 plan.",  # a bare year names a plan
        "Putin and Diaz-Canel spoke on Monday, as agreed on 3 December 2018.",  # the same year
    ]
    for text in cases:
        undated = _doc("u", text, "en", None, {"Putin": "p", "Diaz-Canel": "d"})
        out = infer_publication_dates([OLD, undated], SameEmbedder())
        assert out[1].article.published == Published("2018-12-10", "inferred"), text


def test_infer_dates_keep_a_later_match_when_the_text_looks_back() -> None:
    """An old date the text names (a photo caption of an earlier meeting) does not pull a later match back."""
    recent = _doc(
        "d", "Putin and Diaz-Canel spoke by phone on Monday.", "en", "2022-01-26", {"Putin": "p", "Diaz-Canel": "d"}
    )
    text = "Putin and Diaz-Canel spoke on Monday (the two met on 2 November 2018 in Moscow)."
    undated = _doc("u", text, "en", None, {"Putin": "p", "Diaz-Canel": "d"})
    out = infer_publication_dates([recent, undated], SameEmbedder())
    assert out[1].article.published == Published("2022-01-24", "inferred")
