"""The one-article-per-language examples (examples/languages/<iso>.txt) are analysed, not rejected.

Each article is read as a user's file would be, identified, and run through the per-article layers;
the test checks what each layer found, since no labelled data exists for these layers in these
languages (docs/languages.md says which layers are measured where).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from synoptic.annotate.entities import entities_stage
from synoptic.annotate.lang import language_stage
from synoptic.annotate.quantities import quantities_stage
from synoptic.annotate.quotes import extract_quotes
from synoptic.annotate.sentences import sentences_stage
from synoptic.annotate.timex import timex_stage
from synoptic.ingest import read_bytes
from synoptic.models import Document
from synoptic.pipeline import Context
from synoptic.settings import Settings

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "languages"
LANGS = sorted(p.stem for p in EXAMPLES.glob("*.txt"))


def analysed(lang: str) -> Document:
    path = EXAMPLES / f"{lang}.txt"
    articles, rejections = read_bytes(str(path), path.read_bytes(), Settings())
    assert not rejections and len(articles) == 1
    ctx = Context()
    docs = [Document(article=replace(articles[0], language="", language_how=None))]
    for stage in (language_stage, sentences_stage, timex_stage, quantities_stage, entities_stage):
        docs = stage.fn(docs, ctx)
    return docs[0]


def test_example_articles_cover_the_new_languages() -> None:
    assert set(LANGS) >= {"es", "it", "pt", "nl", "pl", "sk", "hr", "sr", "uk"}


@pytest.mark.parametrize("lang", LANGS)
def test_example_article_is_analysed_in_its_language(lang: str) -> None:
    doc = analysed(lang)
    text = doc.article.text
    assert doc.rejected_reason is None
    assert doc.article.language == lang
    assert len(doc.sentences) >= 5
    assert any(t.relative and t.value == "2025-06-11" for t in doc.timexes), doc.timexes
    assert any(q.low is not None and q.low >= 2 for q in doc.quantities), doc.quantities
    types = {m.type for m in doc.mentions}
    assert {"PERSON", "PLACE"} <= types, doc.mentions
    for m in doc.mentions:
        assert text[m.start : m.end] == m.text


@pytest.mark.parametrize("lang", LANGS)
def test_example_article_quote_has_its_speaker(lang: str) -> None:
    doc = analysed(lang)
    quotes = extract_quotes(doc.article.text, lang, doc.sentences, doc.mentions)
    speakers = [q.speaker_text for q in quotes if q.speaker_text]
    assert speakers, quotes
