"""The comparison stages end to end on tiny inputs, with the null embedder (no model loads)."""

from __future__ import annotations

from synoptic.annotate.sentences import split_sentences
from synoptic.compare.corpus_stages import claims_stage, conflicts_stage, coverage_stage, summary_stage
from synoptic.embed import NullEmbedder
from synoptic.models import Article, Document, Published
from synoptic.pipeline import Context, CorpusState, run_corpus_stages

STAGES = [claims_stage, conflicts_stage, coverage_stage, summary_stage]


def doc(aid: str, text: str, day: str | None, outlet: str) -> Document:
    art = Article(aid, f"{aid}.txt", "en", None, outlet, (), Published(day, "given" if day else None), text)
    return Document(article=art, sentences=split_sentences(text, "en"))


def run(docs: list[Document]) -> CorpusState:
    ctx = Context()
    ctx.resource("embedder:e5", NullEmbedder)
    return run_corpus_stages(STAGES, CorpusState(documents=tuple(docs)), ctx)


def test_no_documents_no_stories() -> None:
    assert run([]).stories == ()


def test_every_summary_sentence_cites_verifiable_spans() -> None:
    docs = [
        doc(
            "a",
            "Officials met in Geneva on Monday to discuss grain. At least 12 people have died in Cologne.",
            "2025-03-10",
            "Alpha",
        ),
        doc("b", "Negotiators sat down in Lausanne on Monday for the grain talks.", "2025-03-10", "Beta"),
    ]
    (story,) = run(docs).stories
    texts = {d.id: d.article.text for d in docs}
    assert story.summary
    for sentence in story.summary:
        assert sentence.citations
        assert all(texts[c.article][c.start : c.end] == c.text for c in sentence.citations)
    assert any("Beta says Lausanne" in s.text and "Alpha says Geneva" in s.text for s in story.summary)
    assert story.coverage is not None and story.framing is not None and story.timeline is not None
    assert [e.date for e in story.timeline] == sorted(e.date or "" for e in story.timeline)


def test_a_copy_is_one_voice_and_never_contradicts_its_source() -> None:
    from synoptic.models import Derivation

    docs = [
        doc("a", "Officials met in Geneva on Monday to discuss grain.", "2025-03-10", "Alpha"),
        doc("b", "Officials met in Lausanne on Monday to discuss grain.", "2025-03-10", "Beta"),
    ]
    ctx = Context()
    ctx.resource("embedder:e5", NullEmbedder)
    state = CorpusState(documents=tuple(docs), derivations=(Derivation("a", "b", "paraphrase", 0.9, ()),))
    (story,) = run_corpus_stages(STAGES, state, ctx).stories
    assert story.conflicts == ()
    assert story.voices == 1
    assert all("2 independent" not in s.text for s in story.summary)
