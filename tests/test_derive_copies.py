"""Derivations without models: near-duplicate copies (MinHash), shared wire passages, independent
reports that must not be called copies, direction and voices. The E5 embedder is replaced by the
null embedder, so only lexical evidence counts here; spins and translations are tested on the
example corpus (tests/test_cluster_corpora.py)."""

from __future__ import annotations

import pytest

from compare_support import checked_derivations
from synoptic.annotate.sentences import split_sentences
from synoptic.embed import NullEmbedder
from synoptic.models import Article, Document, Published, Story
from synoptic.pipeline import Context
from synoptic.stories.derive import independent_voices, story_derivations

WIRE = (
    "The regional water authority said on Tuesday that the reservoir had fallen to its lowest level in "
    "thirty years after a dry winter. Engineers will begin releasing water from a second basin next week, "
    "the authority's director told reporters at a briefing in the capital."
)
SOURCE = (
    "Farmers in the southern valley warned of crop losses as the drought deepened this month.\n"
    + WIRE
    + "\nLocal councils have asked residents to cut their water use by a fifth until the autumn rains arrive. "
    "Several villages already depend on tanker deliveries, according to the council of the southern district."
)
COPY = SOURCE.replace("warned of crop losses", "warned of heavy crop losses") + (
    "\nThis article was republished from the Valley Courier under a syndication agreement."
)
INDEPENDENT = (
    "A dry winter has left the country's main reservoir at a level not seen since the early nineties, "
    "officials confirmed. Water managers plan to tap a reserve basin within days. "
    "Councils in the south want households to use less water, and some hamlets rely on trucks for supplies."
)
SHARED = (
    "Tourism operators on the coast expect fewer visitors this summer because of water restrictions.\n"
    + WIRE
    + "\nHotels have installed low-flow showers and closed pools to save water during the season."
)


def doc(article_id: str, text: str, date: str | None) -> Document:
    article = Article(article_id, f"{article_id}.txt", "en", None, None, (), Published(date, "given"), text)
    return Document(article, sentences=split_sentences(text, "en"))


@pytest.fixture(scope="module")
def ctx() -> Context:
    context = Context()
    context.resource("embedder:e5", lambda: NullEmbedder(384))
    return context


def derive(ctx: Context, *docs: Document) -> list[tuple[str, str, str]]:
    found = checked_derivations(ctx, *docs)
    return sorted((d.kind, d.source, d.derived) for d in found)


@pytest.mark.parametrize(("src_date", "copy_date"), [("2025-01-10", "2025-01-11"), (None, None)])
def test_near_exact_copy_found_with_source(ctx: Context, src_date: str | None, copy_date: str | None) -> None:
    assert derive(ctx, doc("copy", COPY, copy_date), doc("src", SOURCE, src_date)) == [("copy", "src", "copy")]


def test_independent_report_is_not_a_copy(ctx: Context) -> None:
    assert derive(ctx, doc("a", SOURCE, "2025-01-10"), doc("b", INDEPENDENT, "2025-01-10")) == []


def test_shared_wire_passage_between_otherwise_independent_articles(ctx: Context) -> None:
    found = derive(ctx, doc("a", SOURCE, "2025-01-10"), doc("b", SHARED, "2025-01-11"))
    assert found == [("shared-passage", "a", "b")]


def test_voices_collapse_copies_but_not_shared_passages(ctx: Context) -> None:
    docs = [doc("src", SOURCE, "2025-01-10"), doc("copy", COPY, "2025-01-11"), doc("shared", SHARED, "2025-01-12")]
    found = story_derivations(Story("s", "s", tuple(d.id for d in docs)), {d.id: d for d in docs}, ctx)
    assert independent_voices([d.id for d in docs], found) == 2
