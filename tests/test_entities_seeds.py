"""On the real seed articles: one entity per referent across spellings and languages, inferred dates."""

from __future__ import annotations

from pathlib import Path

import pytest

from synoptic.annotate.names import fold
from synoptic.models import Analysis, Entity

pytestmark = pytest.mark.seeds


@pytest.fixture(scope="module")
def seeds(seeds_analysis: Analysis) -> Analysis:
    return seeds_analysis


def _holding(analysis: Analysis, surface: str) -> list[Entity]:
    return [e for e in analysis.entities if fold(surface) in {fold(a) for a in e.aliases}]


@pytest.mark.parametrize(
    "spellings",
    [
        ("Ryabkov", "Rjabkow", "Rybakov", "Sergej Rjabkow", "Sergei Ryabkov"),
        ("Díaz-Canel", "Diaz-Canel", "Miguel Díaz-Canel"),
        ("Stoltenberg", "Jens Stoltenburg"),
        ("Nikita Khrushchev", "Nikita Chrushchev"),
        ("Peskov", "Dmitri Peskov", "Dmitry Peskov"),
        ("Putin", "Vladimir Putin", "Wladimir Putin"),
        ("Cuba", "Kuba"),
        ("Russia", "Russland"),
        ("Kremlin", "Kremls"),
    ],
)
def test_entities_seeds_one_entity_per_referent(seeds: Analysis, spellings: tuple[str, ...]) -> None:
    ids = {e.id for s in spellings for e in _holding(seeds, s)}
    assert len(ids) == 1, {s: [e.name for e in _holding(seeds, s)] for s in spellings}


def test_entities_seeds_three_people_stay_apart(seeds: Analysis) -> None:
    ids = [_holding(seeds, s)[0].id for s in ("Ryabkov", "Peskov", "Putin")]
    assert len(set(ids)) == 3


def test_entities_seeds_display_name_prefers_diacritics(seeds: Analysis) -> None:
    assert _holding(seeds, "Diaz-Canel")[0].name == "Miguel Díaz-Canel"


def test_entities_seeds_german_people(seeds: Analysis) -> None:
    german = next(d for d in seeds.documents if d.article.language == "de")
    people = " | ".join(m.text for m in german.mentions if m.type == "PERSON")
    for name in ("Putin", "Diaz-Canel", "Rjabkow", "Sherman", "Sullivan"):
        assert name in people


def test_entities_seeds_spans_verify(seeds: Analysis) -> None:
    texts = {a.id: a.text for a in seeds.articles}
    for e in seeds.entities:
        for s in e.mentions:
            assert texts[s.article][s.start : s.end] == s.text


@pytest.mark.parametrize(
    ("prefix", "allowed"),
    [
        ("000_", ("2022-01-24", "2022-01-25", "2022-01-26")),
        ("002_", ("2022-01-24", "2022-01-25", "2022-01-26")),
        ("004_", ("2022-01-13", "2022-01-14")),
    ],
)
def test_entities_seeds_inferred_dates(seeds: Analysis, prefix: str, allowed: tuple[str, ...]) -> None:
    art = next(a for a in seeds.articles if Path(a.path).name.startswith(prefix))
    assert art.published.how == "inferred"
    assert art.published.date in allowed


def test_entities_seeds_relative_timexes_reresolved(seeds: Analysis) -> None:
    german = next(d for d in seeds.documents if d.article.language == "de")
    values = {t.text: t.value for t in german.timexes}
    assert values["Am 14. Dezember"] == "2021-12-14"
    assert values["am Montag"] == "2022-01-24"
