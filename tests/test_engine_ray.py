"""The Ray engine gives the same analysis as the local engine, on a local Ray instance."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path

import pytest

from synoptic.api import analyze
from synoptic.default_pipeline import default_pipeline
from synoptic.engines import get_engine
from synoptic.engines.ray import RayEngine, pool_size
from synoptic.engines.refs import resolve_stage, stage_ref
from synoptic.errors import SettingsError
from synoptic.models import Article, Document, Published
from synoptic.pipeline import Context, Pipeline, article_stage
from synoptic.settings import Settings

ray = pytest.importorskip("ray")

CORPUS = Path(__file__).resolve().parents[1] / "examples" / "corpus"


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    """A two-CPU local Ray instance for this module (reused if one is already running)."""
    started = not ray.is_initialized()
    if started:
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    if started:
        ray.shutdown()


@article_stage("mark_short", requires=["text"], provides=["short"])
def reject_short(docs: Sequence[Document], ctx: Context) -> list[Document]:
    """A test stage defined outside any package module: rejects texts under 60 characters."""
    return [replace(d, rejected_reason="short") if len(d.article.text) < 60 else d for d in docs]


def _article(i: int, text: str) -> Article:
    return Article(f"id{i}", f"a{i}.txt", "en", None, None, (), Published(), text)


def test_engine_ray_is_registered() -> None:
    assert get_engine("ray").name == "ray"
    with pytest.raises(SettingsError, match="engines: local, ray"):
        get_engine("spark")


def test_engine_ray_ships_module_stages_by_reference() -> None:
    for stage in default_pipeline().article_stages:
        ref = stage_ref(stage)
        assert isinstance(ref, tuple), stage.name
        assert resolve_stage(ref) is stage
    assert stage_ref(reject_short) is reject_short  # not in the package: shipped by value


@pytest.mark.parametrize(("value", "expected"), [("3", 3), ("1", 1)])
def test_engine_ray_pool_size_from_environment(monkeypatch: pytest.MonkeyPatch, value: str, expected: int) -> None:
    monkeypatch.setenv("SYNOPTIC_RAY_WORKERS", value)
    assert pool_size(ray) == expected


@pytest.mark.parametrize("value", ["0", "-2", "many"])
def test_engine_ray_pool_size_refuses_nonsense(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("SYNOPTIC_RAY_WORKERS", value)
    with pytest.raises(SettingsError, match="SYNOPTIC_RAY_WORKERS"):
        pool_size(ray)


def test_engine_ray_equals_local_on_example_corpus(local_ray: None) -> None:
    local = analyze(CORPUS).to_dict()
    distributed = analyze(CORPUS, settings=Settings(engine="ray", batch_size=3)).to_dict()
    assert len(local["articles"]) >= 10
    assert distributed == local


def test_engine_ray_keeps_order_and_rejections(local_ray: None) -> None:
    texts = ["short one", "A long enough text about the harbour of Hamburg and its cranes, " * 2, "tiny"]
    articles = [_article(i, t) for i, t in enumerate(texts * 3)]
    pipeline = Pipeline((*default_pipeline().until("sentences").stages, reject_short))  # light stages: fast
    kept, rejected = RayEngine().map_articles(
        pipeline.article_stages, [Document(a) for a in articles], Context(Settings(batch_size=2))
    )
    assert [d.id for d in kept] == ["id1", "id4", "id7"]
    assert [r.path for r in rejected] == ["a0.txt", "a2.txt", "a3.txt", "a5.txt", "a6.txt", "a8.txt"]
    assert "short" in {r.reason for r in rejected}
    local_kept, local_rejected = get_engine("local").map_articles(
        pipeline.article_stages, [Document(a) for a in articles], Context(Settings(batch_size=4))
    )
    assert kept == local_kept and rejected == local_rejected  # whatever the batching
