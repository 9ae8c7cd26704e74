"""The names cue's lingua confidences from the helper process equal those computed in this process;
the helper loads only what a run can compare, and a failing helper costs nothing but time.

lingua's confidences vary in their last bits from one call to the next, even in one process (it sums
in parallel), so they are compared to 1e-12."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest

from synoptic import analyze
from synoptic.corpus import Documents
from synoptic.default_pipeline import default_pipeline
from synoptic.models import Article, Document, Published
from synoptic.pipeline import Context, CorpusState, Pipeline
from synoptic.stories import language_odds
from synoptic.stories._lingua_helper import confidences as confidences_here
from synoptic.stories.language_odds import Helper, _Process, preload_languages, warm_language_odds


@pytest.fixture
def fresh_process(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This process as if it had loaded no language and started no helper (restored afterwards)."""
    monkeypatch.setattr(_Process, "loaded", set())
    monkeypatch.setattr(_Process, "helper", None)
    yield
    if _Process.helper is not None:
        _Process.helper.close()


@pytest.mark.parametrize(
    ("languages", "expected"),
    [
        (["fr", "de", "fr"], ["de", "fr"]),
        (["en", "en"], []),  # one language: the cue compares two
        (["ru", "en"], []),  # two scripts: the cue compares one script only
        (["ru", "uk", "en"], ["ru", "uk"]),
        (["sr", "ru", "hr"], ["hr", "ru", "sr"]),  # Serbian is written in both scripts
        (["de", "xx", ""], []),  # an unsupported or unknown language is no partner
        ([], []),
    ],
)
def test_preloaded_languages_are_those_the_cue_can_compare(languages: list[str], expected: list[str]) -> None:
    assert preload_languages(languages) == expected


TEXTS = [
    ("Europa-Park Breisgau Schwarzwald Sport-Club Freiburg Mack", ("de", "fr")),
    ("Bundesregierung Elysée Zeitung Präsident", ("de", "fr")),
    ("Zagreb Plenković Vlada Ministarstvo", ("en", "hr")),
    ("Downing Street Prime Minister Johnson", ("en", "hr")),
    ("x", ("de", "fr")),
]


def test_helper_answers_as_this_process_computes(fresh_process: None) -> None:
    helper = Helper()
    helper.preload(["de", "fr"])
    try:
        for text, pair in TEXTS:  # en and hr were not preloaded: the helper loads them when asked
            assert helper.ask(text, pair) == pytest.approx(confidences_here(text, pair), abs=1e-12)
    finally:
        helper.close()


def _articles(languages: list[str], decoded_max: int | None = None) -> CorpusState:
    docs = [
        Document(Article(f"a{n}", "p", lang, None, None, (), Published(), "Text.")) for n, lang in enumerate(languages)
    ]
    return CorpusState(documents=Documents(docs, decoded_max=decoded_max))


def test_warming_starts_the_helper_only_for_languages_to_compare(fresh_process: None) -> None:
    warm_language_odds(_articles(["en", "ru"]), Context())
    assert _Process.helper is None  # nothing of one script to compare
    warm_language_odds(_articles(["de", "fr", "en"]), Context())
    assert _Process.helper is not None and _Process.helper.languages == {"de", "fr", "en"}
    helper = _Process.helper
    warm_language_odds(_articles(["fr", "de"]), Context())
    assert _Process.helper is helper  # one helper for the process, its languages loaded once
    assert language_odds.confidences(*TEXTS[0]) == pytest.approx(confidences_here(*TEXTS[0]), abs=1e-12)


def test_a_run_that_keeps_its_documents_encoded_starts_no_helper(fresh_process: None) -> None:
    large = _articles(["de", "fr", "de"], decoded_max=2)  # as a run of more than 2,000 articles does
    assert large.documents.encoded
    warm_language_odds(large, Context())
    assert _Process.helper is None  # lingua loads here when derivations needs it, after the memory peak


def test_languages_loaded_here_need_no_helper(fresh_process: None) -> None:
    language_odds.confidences(*TEXTS[0])  # computed here: de and fr are now loaded in this process
    assert _Process.loaded == {"de", "fr"} and _Process.helper is None
    warm_language_odds(_articles(["de", "fr"]), Context())
    assert _Process.helper is None


def test_a_dead_helper_falls_back_to_this_process(fresh_process: None, caplog: pytest.LogCaptureFixture) -> None:
    warm_language_odds(_articles(["de", "fr"]), Context())
    assert _Process.helper is not None
    _Process.helper._proc.kill()
    _Process.helper._proc.wait()
    with caplog.at_level("INFO", logger="synoptic.stories.language_odds"):
        text, pair = TEXTS[1]
        assert language_odds.confidences(text, pair) == pytest.approx(confidences_here(text, pair), abs=1e-12)
    assert _Process.helper is None and "computed in this process" in caplog.text
    assert _Process.loaded == {"de", "fr"}


def test_a_helper_that_cannot_start_is_no_error(fresh_process: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(language_odds, "HELPER_SCRIPT", language_odds.HELPER_SCRIPT.with_name("missing.py"))
    warm_language_odds(_articles(["de", "fr"]), Context())  # python starts, finds no script, and ends
    assert language_odds.confidences(*TEXTS[0]) == pytest.approx(confidences_here(*TEXTS[0]), abs=1e-12)
    assert _Process.helper is None


def test_analyze_warms_corpus_stages_before_they_run(tmp_path: object) -> None:
    order: list[str] = []
    stages = []
    for stage in default_pipeline().stages:
        if stage.scope == "corpus":
            fn, warm = stage.fn, stage.warm

            def run(state: CorpusState, ctx: Context, fn=fn, name=stage.name) -> CorpusState:  # type: ignore[no-untyped-def]
                order.append(f"run {name}")
                out: CorpusState = fn(state, ctx)
                return out

            def warmed(state: CorpusState, ctx: Context, warm=warm, name=stage.name) -> object:  # type: ignore[no-untyped-def]
                order.append(f"warm {name}")
                return warm(state, ctx) if warm is not None else None

            stage = dataclasses.replace(stage, fn=run, warm=warmed)
        stages.append(stage)
    analyze("examples/corpus", pipeline=Pipeline(tuple(stages)))
    corpus = [s.name for s in default_pipeline().corpus_stages]
    assert order == [f"warm {n}" for n in corpus] + [f"run {n}" for n in corpus]
    assert default_pipeline().stages[[s.name for s in default_pipeline().stages].index("derivations")].warm is (
        warm_language_odds
    )


def test_the_helpers_process_id_is_known_while_it_runs(fresh_process: None) -> None:
    assert language_odds.helper_pid() is None
    warm_language_odds(_articles(["de", "fr"]), Context())
    pid = language_odds.helper_pid()
    assert pid is not None and _Process.helper is not None and pid == _Process.helper.pid


def test_a_forked_worker_lets_go_of_the_helper(fresh_process: None) -> None:
    import os
    import time

    warm_language_odds(_articles(["de", "fr"]), Context())
    helper = _Process.helper
    assert helper is not None
    child = os.fork()
    if child == 0:  # a worker: it has no helper, and its copies of the pipes are closed
        os._exit(0 if _Process.helper is None else 1)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    sleeper = os.fork()
    if sleeper == 0:  # a worker that outlives the parent's use of the helper
        time.sleep(10)
        os._exit(0)
    try:
        start = time.perf_counter()
        helper.close()  # the helper sees the end of its input although the sleeper is alive
        assert time.perf_counter() - start < 4 and helper._proc.returncode == 0
    finally:
        os.kill(sleeper, 9)
        os.waitpid(sleeper, 0)


def test_a_run_whose_workers_fork_while_the_helper_runs_gives_the_same_stories(fresh_process: None) -> None:
    import time

    from synoptic.settings import Settings

    first = analyze("examples/corpus", settings=Settings(workers=1))  # no worker process
    helper = _Process.helper
    assert helper is not None  # the examples hold several languages of one script
    forked = Settings(workers=2, parallel_min_articles=1, batch_size=4)
    second = analyze("examples/corpus", settings=forked)  # its workers fork while the helper runs
    assert _Process.helper is helper and second.to_dict()["stories"] == first.to_dict()["stories"]
    start = time.perf_counter()
    helper.close()
    assert time.perf_counter() - start < 4 and helper._proc.returncode == 0


def test_an_interpreter_without_an_executable_starts_no_helper(
    fresh_process: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setattr(sys, "executable", "")
    warm_language_odds(_articles(["de", "fr"]), Context())
    assert _Process.helper is None
    assert language_odds.confidences(*TEXTS[0]) == pytest.approx(confidences_here(*TEXTS[0]), abs=1e-12)
