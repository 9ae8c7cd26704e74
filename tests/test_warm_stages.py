"""Corpus stages' models loaded in the background (`Stage.warm`, `warm_in_background`), and the
derivations stage's warm-up: lingua's models of the languages that can have a names cue."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import pytest

from synoptic.pipeline import Context, CorpusState, corpus_stage, warm_in_background
from synoptic.settings import Settings
from synoptic.stories.direction import paired_languages


def _stage(name: str, warm: object) -> object:
    @corpus_stage(name, requires=[], provides=[], warm=warm)  # type: ignore[arg-type]
    def stage(state: CorpusState, ctx: Context) -> CorpusState:
        return state

    return stage


def test_warm_runs_every_stages_warmup_with_the_corpus_languages() -> None:
    seen: list[tuple[str, frozenset[str]]] = []
    stages = [_stage("a", lambda ctx, langs: seen.append(("a", langs))), _stage("b", None)]
    stages.append(_stage("c", lambda ctx, langs: seen.append(("c", langs))))
    thread = warm_in_background(stages, Context(Settings()), frozenset({"de", "fr"}))  # type: ignore[arg-type]
    assert thread is not None
    thread.join(timeout=30)
    assert seen == [("a", frozenset({"de", "fr"})), ("c", frozenset({"de", "fr"}))]


def test_warm_without_warmups_starts_no_thread() -> None:
    assert warm_in_background([_stage("a", None)], Context(Settings()), frozenset({"en"})) is None  # type: ignore[list-item]


def test_warm_failure_is_logged_and_later_warmups_still_run(caplog: pytest.LogCaptureFixture) -> None:
    ran: list[str] = []

    def broken(ctx: Context, langs: frozenset[str]) -> None:
        raise OSError("model file missing")

    stages: Sequence[object] = [_stage("broken", broken), _stage("fine", lambda ctx, langs: ran.append("fine"))]
    with caplog.at_level(logging.DEBUG, logger="synoptic.pipeline"):
        thread = warm_in_background(stages, Context(Settings()), frozenset())  # type: ignore[arg-type]
        assert thread is not None
        thread.join(timeout=30)
    assert ran == ["fine"]
    assert "warming stage broken failed" in caplog.text


# (corpus languages, those whose lingua models the names cue can need)
PAIRED = [
    ({"de", "fr", "ru"}, ["de", "fr"]),
    ({"en", "ru"}, []),  # two scripts: no names cue
    ({"ru", "uk"}, ["ru", "uk"]),
    ({"en", "hr", "ru", "uk"}, ["en", "hr", "ru", "uk"]),
    ({"en"}, []),
    (set(), []),
    ({"en", "xx"}, []),  # an unsupported code is never loaded
]


@pytest.mark.parametrize(("languages", "expected"), PAIRED)
def test_paired_languages_table(languages: set[str], expected: list[str]) -> None:
    assert paired_languages(frozenset(languages)) == expected


def test_default_stages_warm_the_models_they_load_first() -> None:
    from synoptic.annotate.infer_dates import infer_dates_stage
    from synoptic.embed import load_static
    from synoptic.stories.derive import derivations_stage
    from synoptic.stories.direction import load_language_models

    assert infer_dates_stage.warm is load_static  # the static model's first call reads it (about 1 s)
    assert derivations_stage.warm is load_language_models
