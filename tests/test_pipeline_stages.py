"""The pipeline refuses mis-ordered stages and misbehaving stages; stages run alone on hand-made documents."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import pytest

from synoptic.annotate.lang import language_stage
from synoptic.annotate.sentences import sentences_stage, split_sentences
from synoptic.default_pipeline import default_pipeline
from synoptic.errors import PipelineError
from synoptic.models import Article, Document, Published
from synoptic.pipeline import Context, CorpusState, Pipeline, article_stage, corpus_stage, run_article_stages


def doc(text: str, language: str = "") -> Document:
    return Document(Article("a" + str(abs(hash(text))), "p", language, None, None, (), Published(), text))


@article_stage("needs_magic", requires=["magic"], provides=["x"])
def needs_magic(docs: Sequence[Document], ctx: Context) -> list[Document]:
    return list(docs)


@article_stage("drops_one", requires=["text"], provides=["y"])
def drops_one(docs: Sequence[Document], ctx: Context) -> list[Document]:
    return list(docs[1:])


@corpus_stage("corpus_noop", requires=["text"], provides=["z"])
def corpus_noop(state: CorpusState, ctx: Context) -> CorpusState:
    return state


def test_pipeline_refuses_stage_whose_requirement_is_missing() -> None:
    with pytest.raises(PipelineError, match="requires \\['magic'\\]"):
        Pipeline((language_stage, needs_magic))


def test_pipeline_refuses_sentences_before_language() -> None:
    with pytest.raises(PipelineError, match="language"):
        Pipeline((sentences_stage, language_stage))


def test_pipeline_refuses_article_stage_after_corpus_stage() -> None:
    with pytest.raises(PipelineError, match="before every corpus stage"):
        Pipeline((corpus_noop, language_stage))


def test_pipeline_refuses_duplicate_stage_names() -> None:
    with pytest.raises(PipelineError, match="twice"):
        Pipeline((language_stage, language_stage))


def test_pipeline_refuses_stage_that_loses_documents() -> None:
    with pytest.raises(PipelineError, match="one document per input"):
        run_article_stages([drops_one], [doc("one"), doc("two")], Context())


def test_pipeline_default_is_valid_and_named() -> None:
    pipe = default_pipeline()
    names = [s.name for s in pipe.stages]
    assert names[:2] == ["language", "sentences"]
    assert pipe.until("sentences").stages == pipe.stages[:2]
    with pytest.raises(PipelineError, match="no stage named"):
        pipe.without("nonexistent")


def test_pipeline_signature_changes_with_stage_version() -> None:
    pipe = Pipeline((language_stage, sentences_stage))
    bumped = Pipeline((language_stage, replace(sentences_stage, version=sentences_stage.version + "-next")))
    assert pipe.article_signature() != bumped.article_signature()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The talks ended on Monday. Both sides said they would meet again in Geneva next week.",
            "en",
        ),
        ("Die Gespräche endeten am Montag. Beide Seiten wollen sich nächste Woche in Genf wieder treffen.", "de"),
        ("Les discussions ont pris fin lundi. Les deux parties se retrouveront à Genève la semaine prochaine.", "fr"),
        ("Talks ended Monday.", "en"),
        ("Gespräche endeten am Montag.", "de"),
    ],
)
def test_lang_identifies_language(text: str, expected: str) -> None:
    [out] = language_stage.fn([doc(text)], Context())
    assert out.article.language == expected
    assert out.rejected_reason is None


def test_lang_rejects_unsupported_language_naming_supported_ones() -> None:
    [out] = language_stage.fn(
        [doc("Samtalen avslutades i måndags i Genève, och båda parter ska träffas igen nästa vecka.")], Context()
    )
    assert out.article.language == "sv"
    assert out.rejected_reason is not None and "not supported" in out.rejected_reason and "en" in out.rejected_reason


@pytest.mark.parametrize(
    ("language", "text", "sentences"),
    [
        ("de", "Am 14. Dezember schloss er nichts aus. Er sagte: „Ich weiß es nicht.“", 2),
        ("en", "Mr. Smith arrived on Jan. 5. He left at 3 p.m. on the same day.", 2),
        ("fr", "M. Dupont est arrivé lundi. Il est reparti le 8 avril.", 2),
        ("en", "First paragraph without a stop\nSecond paragraph.", 2),
        ("en", "   ", 0),
    ],
)
def test_sentences_split_per_language_and_offsets_verify(language: str, text: str, sentences: int) -> None:
    found = split_sentences(text, language)
    assert len(found) == sentences
    for s in found:
        piece = text[s.start : s.end]
        assert piece == piece.strip() and piece
