"""Stories, events and derivations on the real seeds and on the example corpus (full pipeline, once
per session through the shared fixtures), plus made-up unrelated articles that must stay out."""

from __future__ import annotations

from typing import Any

import pytest

from synoptic import Analysis
from synoptic.default_pipeline import default_pipeline
from synoptic.models import Article, Document, Published
from synoptic.pipeline import Context, CorpusState, run_article_stages
from synoptic.stories.clustering_stage import stories_stage

UNRELATED = {
    "en": (
        "Bakers crowd Vermont fair",
        "Bakers from across New England gathered in Burlington on Saturday for the state's annual pie "
        "fair, where a retired teacher won the blue ribbon for a maple pecan tart. Organisers said more "
        "than four thousand visitors tasted entries in twelve categories.",
    ),
    "de": (
        "Rekord beim Bodensee-Marathon",
        "Beim Marathon rund um den Bodensee hat am Sonntag ein Läufer aus Lindau einen Streckenrekord "
        "aufgestellt. Mehr als dreitausend Teilnehmer gingen bei kühlem Wetter an den Start, die "
        "Veranstalter lobten die Stimmung in Bregenz und Konstanz.",
    ),
    "fr": (
        "Fête du fromage à Annecy",
        "La fête du reblochon a attiré samedi des milliers de visiteurs sur les bords du lac d'Annecy. "
        "Les producteurs de Haute-Savoie ont présenté leurs meilleures meules et un jury a récompensé une "
        "coopérative de Thônes.",
    ),
}


def ids_by_name(analysis: Analysis) -> dict[str, str]:
    """File name (with #N for JSONL records; seeds by their three-digit prefix) -> article id."""
    out = {}
    for a in analysis.articles:
        name = a.path.replace("\\", "/").rsplit("/", 1)[-1]
        out[name] = a.id
        out[name[:3]] = a.id
    return out


def story_of(analysis: Analysis, article_id: str) -> str:
    return next(s.id for s in analysis.stories if article_id in s.articles)


def check_spans(analysis: Analysis) -> None:
    texts = {a.id: a.text for a in analysis.articles}
    spans = [sp for s in analysis.stories for e in s.events for sp in e.evidence]
    spans += [sp for d in analysis.derivations for p in d.passages for sp in (p.source, p.derived)]
    assert spans
    for sp in spans:
        assert texts[sp.article][sp.start : sp.end] == sp.text


@pytest.mark.seeds
def test_seeds_form_one_story_with_two_events(seeds_analysis: Analysis) -> None:
    ids = ids_by_name(seeds_analysis)
    seeds = [ids[f"00{i}"] for i in range(5)]
    assert len({story_of(seeds_analysis, i) for i in seeds}) == 1
    story = next(s for s in seeds_analysis.stories if seeds[0] in s.articles)
    events = {e.date: set(e.articles) for e in story.events}
    assert events == {"2022-01-13": {ids["003"], ids["004"]}, "2022-01-24": {ids["000"], ids["001"], ids["002"]}}
    check_spans(seeds_analysis)


@pytest.mark.seeds
def test_seeds_are_independent_reports(seeds_analysis: Analysis) -> None:
    assert [d for d in seeds_analysis.derivations if d.kind != "shared-passage"] == []
    assert seeds_analysis.stories[0].voices == 5


@pytest.mark.seeds
@pytest.mark.parametrize("lang", sorted(UNRELATED))
def test_unrelated_article_stays_out_of_the_seed_story(seeds_analysis: Analysis, lang: str) -> None:
    title, text = UNRELATED[lang]
    article = Article(f"unrelated-{lang}", f"unrelated-{lang}.txt", lang, title, None, (), Published(), text)
    ctx = Context()
    docs, _ = run_article_stages(default_pipeline().until("sentences").stages, [Document(article)], ctx)
    state = CorpusState(documents=seeds_analysis.documents + tuple(docs), entities=seeds_analysis.entities)
    state = stories_stage.fn(state, ctx)
    alone = next(s for s in state.stories if article.id in s.articles)
    assert alone.articles == (article.id,)
    assert sum(len(s.articles) for s in state.stories if len(s.articles) == 5) == 5


def test_example_stories_and_unrelated(examples_analysis: Analysis, expected: dict[str, Any]) -> None:
    ids = ids_by_name(examples_analysis)
    found = {frozenset(s.articles) for s in examples_analysis.stories}
    for files in expected["stories"].values():
        assert frozenset(ids[f] for f in files) in found
    for f in expected["unrelated"]:
        assert frozenset({ids[f]}) in found


def test_example_events(examples_analysis: Analysis, expected: dict[str, Any]) -> None:
    ids = ids_by_name(examples_analysis)
    found = {(e.date, frozenset(e.articles)) for s in examples_analysis.stories for e in s.events}
    for event in expected["events"]:
        assert (event["date"], frozenset(ids[f] for f in event["files"])) in found
    check_spans(examples_analysis)


def test_example_derivations_exactly(examples_analysis: Analysis, expected: dict[str, Any]) -> None:
    ids = ids_by_name(examples_analysis)
    want = {(ids[d["source"]], ids[d["derived"]], d["kind"]) for d in expected["derivations"]}
    found = {(d.source, d.derived, d.kind) for d in examples_analysis.derivations}
    assert found == want
    assert all(d.passages for d in examples_analysis.derivations)


def test_example_voices(examples_analysis: Analysis, expected: dict[str, Any]) -> None:
    ids = ids_by_name(examples_analysis)
    voices = {s.articles[0]: s.voices for s in examples_analysis.stories}
    derived = {ids[d["derived"]] for d in expected["derivations"]}
    for files in expected["stories"].values():
        story = next(s for s in examples_analysis.stories if ids[files[0]] in s.articles)
        assert voices[story.articles[0]] == len(files) - len(derived & set(story.articles))
