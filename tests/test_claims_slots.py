"""Slot extraction for claims: amounts, dates, places, outcomes and event frames, per language."""

from __future__ import annotations

from datetime import date

import pytest

from synoptic.compare.amounts import amounts_in, ranges_overlap
from synoptic.compare.claims import find_frames, find_outcomes, is_dateline
from synoptic.compare.conflicts import ConflictParams
from synoptic.compare.places import rule_places
from synoptic.compare.times import same_day, times_in

SLACK = ConflictParams.approx_tolerance


@pytest.mark.parametrize(
    ("lang", "text", "unit", "low", "high"),
    [
        ("en", "Russia sent 100,000 soldiers to the border", "troops", 100000, 100000),
        ("en", "more than 100,000 troops", "troops", 100000, 110000),
        ("en", "At least 12 people have died in Cologne", "deaths", 12, 13.2),
        ("en", "affecting 2 million customers", "customers", 2e6, 2e6),
        ("en", "dozens of ships a week", "ships", 24, 99),
        # vague amounts have one home (quantities.json), shared with the quantity layer
        ("de", "Russland hat Zehntausende Soldaten angehäuft", "troops", 10000, 99999),
        ("de", "Daten von 2 Millionen Kunden", "customers", 2e6, 2e6),
        ("fr", "de 2,5 millions de clients", "customers", 2.5e6, 2.5e6),
        ("fr", "une quarantaine de cargos par semaine", "ships", 36, 44),  # "about forty": approximate
        ("fr", "le bilan s'alourdit à 15 morts", "deaths", 15, 15),
    ],
)
def test_counted_amounts(lang: str, text: str, unit: str, low: float, high: float) -> None:
    found = amounts_in(text, lang)
    assert len(found) == 1
    q = found[0]
    assert (q.unit, q.low, pytest.approx(q.high)) == (unit, low, high)
    assert text[q.start : q.end] == q.text


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "In 1962 the crisis began."),
        ("en", "He spoke for 20 minutes."),
        ("de", "Seit 2005 führt er das Geschäft."),
    ],
)
def test_years_and_uncounted_numbers_are_no_amounts(lang: str, text: str) -> None:
    assert amounts_in(text, lang) == []


def test_precision_difference_overlaps_and_contradiction_does_not() -> None:
    (exact,) = amounts_in("Russia sent 100,000 soldiers", "en")
    (vague,) = amounts_in("Zehntausende Soldaten", "de")
    assert ranges_overlap(exact, amounts_in("an estimated 100,000 troops", "en")[0], SLACK)
    assert ranges_overlap(exact, vague, SLACK)
    assert not ranges_overlap(exact, amounts_in("11,000 Soviet troops", "en")[0], SLACK)
    (twelve,) = amounts_in("At least 12 people have died", "en")
    (fifteen,) = amounts_in("15 morts", "fr")
    assert not ranges_overlap(twelve, fifteen, SLACK)


@pytest.mark.parametrize(
    ("lang", "text", "pub", "values"),
    [
        ("en", "a NATO-Russia gathering in Brussels Wednesday", date(2022, 1, 13), ["2022-01-12"]),
        ("en", "on Thursday in Moscow", date(2022, 1, 13), ["2022-01-13"]),
        ("de", "Am 14. Dezember schloss er nicht aus", date(2022, 1, 25), ["2021-12-14"]),
        ("fr", "ouvertes lundi à Genève", date(2025, 3, 11), ["2025-03-10"]),
        ("en", "in October 1962", None, ["1962-10"]),
        ("en", "He said so in an interview.", date(2022, 1, 13), []),
        ("de", "Die Lage ist so ernst, mit Blick auf die Stadt.", date(2022, 1, 13), []),
    ],
)
def test_dates_resolve_against_publication(lang: str, text: str, pub: date | None, values: list[str]) -> None:
    assert [t.value for t in times_in(text, lang, pub)] == values


def test_weekday_without_publication_date_compares_by_weekday() -> None:
    (a,) = times_in("on Wednesday", "en", None)
    (b,) = times_in("am Mittwoch", "de", None)
    (c,) = times_in("am Donnerstag", "de", None)
    assert same_day(a, b) is True
    assert same_day(a, c) is False


@pytest.mark.parametrize(
    ("lang", "text", "keys"),
    [
        ("en", "a gathering in Brussels Wednesday", ["Brussels"]),
        ("de", "Truppen nach Venezuela oder Kuba, in Genf", ["Venezuela", "Cuba", "Geneva"]),
        ("fr", "ouvertes lundi à Genève", ["Geneva"]),
        ("en", "in October, he said in an interview", []),
    ],
)
def test_places_are_keyed_across_languages(lang: str, text: str, keys: list[str]) -> None:
    assert [p.key for p in rule_places(text, lang)] == keys


@pytest.mark.parametrize(
    ("lang", "text", "near_miss", "result"),
    [
        ("en", "the 1962 conflict which led to nuclear war.", False, "nuclear war"),
        ("en", "a standoff which nearly led to World War III.", True, "World War III"),
        ("de", "eine Krise, die beinahe führte zu einem Atomkrieg.", True, "einem Atomkrieg"),
    ],
)
def test_outcomes_keep_near_misses(lang: str, text: str, near_miss: bool, result: str) -> None:
    (o,) = find_outcomes(text, 0, lang)
    assert (o.near_miss, o.result) == (near_miss, result)
    assert text[o.start : o.end] == o.text


def test_no_outcome_without_result_cue() -> None:
    assert find_outcomes("The talks ended without a deal.", 0, "en") == []


def test_frames_tie_each_place_to_its_own_day() -> None:
    text = (
        "The talks followed a U.S.-Russia meeting in Geneva on Monday and a NATO-Russia gathering in Brussels Wednesday"
    )
    pub = date(2022, 1, 13)
    frames = find_frames(text, 0, "en", rule_places(text, "en"), times_in(text, "en", pub))
    assert [(f.place.key, f.time.value) for f in frames] == [("Geneva", "2022-01-10"), ("Brussels", "2022-01-12")]


def test_dateline_is_not_a_claim_date() -> None:
    text = "Köln, 6. April 2025 – Das Hochwasser hat 12 Menschen das Leben gekostet."
    assert is_dateline(text, 6, 19)
    assert not is_dateline("Die Gespräche begannen am 6. April 2025 in Genf.", 26, 39)
