"""Stages, engines and clusterers by name: a user's own are registered and run without editing
Synoptic; the default pipeline is built from names; typed corpus layers are checked like any other."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import ClassVar

import pytest

from synoptic.api import analyze_articles
from synoptic.compare.corpus_stages import Alignments
from synoptic.default_pipeline import (
    DEFAULT_STAGES,
    STAGES,
    build_pipeline,
    check_params,
    default_pipeline,
    register_stage,
)
from synoptic.engines import ENGINES, Engine, get_engine
from synoptic.errors import PipelineError, SettingsError
from synoptic.models import Article, Document, Published, Rejection
from synoptic.params import Params, param
from synoptic.pipeline import Context, CorpusState, Pipeline, Stage, article_stage, corpus_stage, run_article_stages
from synoptic.progress import Progress
from synoptic.settings import Settings
from synoptic.stories.cluster import Clusterer, SingletonClusterer
from synoptic.stories.clustering_stage import CLUSTERERS
from synoptic.stories.features import Signals


@dataclass(frozen=True)
class ShoutParams(Params):
    section: ClassVar[str] = "shout"
    marks: int = param(1, "exclamation marks added to every title (a test stage)")


@article_stage("shout", requires=["text"], provides=["shouted"], params=[ShoutParams])
def shout_stage(docs: Sequence[Document], ctx: Context) -> list[Document]:
    marks = "!" * ctx.params(ShoutParams).marks
    return [replace(d, article=replace(d.article, title=(d.article.title or "") + marks)) for d in docs]


def _articles(n: int = 2) -> list[Article]:
    text = "The council met on Monday to discuss the budget of the new school in the northern district. " * 2
    return [Article(f"id{i}", f"a{i}.txt", "en", f"T{i}", None, (), Published(), f"{text} {i}") for i in range(n)]


@pytest.fixture()
def registered() -> Iterator[Stage]:
    register_stage(shout_stage)
    yield shout_stage
    STAGES.unregister("shout")


def test_registry_default_pipeline_is_built_from_names() -> None:
    assert tuple(s.name for s in default_pipeline().stages) == DEFAULT_STAGES


def test_registry_custom_stage_runs_with_its_own_settings(registered: Stage) -> None:
    pipeline = build_pipeline(["language", "shout"])
    assert check_params({"shout.marks": "3"}) == (("shout.marks", 3),)
    settings = Settings(params=(("shout.marks", 3),))
    analysis = analyze_articles(_articles(), settings=settings, pipeline=pipeline)
    assert [a.title for a in analysis.articles] == ["T0!!!", "T1!!!"]
    assert analysis.settings is not None and analysis.settings.params["shout.marks"] == 3


def test_registry_unknown_or_repeated_stage_name_fails(registered: Stage) -> None:
    with pytest.raises(SettingsError, match="did you mean shout"):
        build_pipeline(["language", "shuot"])
    with pytest.raises(SettingsError, match="already registered"):
        register_stage(shout_stage)
    register_stage(shout_stage, replace=True)


class InlineEngine:
    """A user's engine: runs every batch in this process and counts the calls."""

    name = "inline"
    checkpoint_batches = 1
    calls = 0

    def map_articles(
        self, stages: Sequence[Stage], docs: Sequence[Document], ctx: Context, progress: Progress | None = None
    ) -> tuple[list[Document], list[Rejection]]:
        InlineEngine.calls += 1
        return run_article_stages(stages, docs, ctx)

    def close(self) -> None:
        pass


def test_registry_custom_engine_is_chosen_by_name() -> None:
    def make() -> Engine:
        return InlineEngine()

    ENGINES.register("inline", make)
    try:
        InlineEngine.calls = 0
        analysis = analyze_articles(
            _articles(), settings=Settings(engine="inline"), pipeline=default_pipeline().until("sentences")
        )
        assert InlineEngine.calls == 1 and len(analysis.articles) == 2
        assert get_engine("inline").name == "inline"
    finally:
        ENGINES.unregister("inline")
    with pytest.raises(SettingsError, match="unknown engine 'inline'"):
        get_engine("inline")


class PairClusterer:
    """A user's clusterer: every article in one story."""

    def assign(self, signals: Sequence[Signals]) -> dict[str, str]:
        return {s.id: "story-all" for s in signals}

    def title(self, story_id: str) -> str | None:
        return "all"


def test_registry_clusterer_is_swapped_by_a_setting() -> None:
    def make(ctx: Context) -> Clusterer:
        return PairClusterer()

    CLUSTERERS.register("all", make)
    try:
        pipeline = default_pipeline().until("stories")
        together = analyze_articles(
            _articles(3), settings=Settings(params=(("stories.clusterer", "all"),)), pipeline=pipeline
        )
        apart = analyze_articles(
            _articles(3), settings=Settings(params=(("stories.clusterer", "singleton"),)), pipeline=pipeline
        )
    finally:
        CLUSTERERS.unregister("all")
    assert [len(s.articles) for s in together.stories] == [3]
    assert sorted(len(s.articles) for s in apart.stories) == [1, 1, 1]
    assert isinstance(CLUSTERERS.get("singleton")(Context()), SingletonClusterer)


@corpus_stage("reads_alignments", requires=["alignments"], provides=["nothing"])
def reads_alignments(state: CorpusState, ctx: Context) -> CorpusState:
    state.layer(Alignments)
    return state


def test_registry_typed_layers_are_checked_like_any_other() -> None:
    stages = default_pipeline().until("events").stages
    with pytest.raises(PipelineError, match="requires \\['alignments'\\]"):
        Pipeline((*stages, reads_alignments))
    with pytest.raises(PipelineError, match="layer 'alignments' is missing"):
        CorpusState(documents=()).layer(Alignments)
    first = CorpusState(documents=()).with_layer(Alignments({}))
    second = first.with_layer(Alignments({}))  # replaces the earlier layer of its class
    assert len(second.intermediate) == 1 and second.layer(Alignments).by_story == {}
