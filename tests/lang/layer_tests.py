"""The tests every language module imports: one per layer, parametrised over that language's table."""

from __future__ import annotations

from typing import Any

from . import cases


def make(lang: str) -> dict[str, Any]:
    """The test functions for `lang`, to be put into the language's test module's namespace."""

    def test_identify(identify_case: str) -> None:
        cases.check_identify(lang, identify_case)

    def test_sentences(sentences_case: tuple[str, int]) -> None:
        cases.check_sentences(lang, *sentences_case)

    def test_timex(timex_case: tuple[str, str]) -> None:
        cases.check_timex(lang, *timex_case)

    def test_quantities(quantities_case: tuple[str, float | None, float | None]) -> None:
        cases.check_quantity(lang, *quantities_case)

    def test_places(places_case: tuple[str, str]) -> None:
        cases.check_place(lang, *places_case)

    def test_people(people_case: tuple[str, str]) -> None:
        cases.check_person(lang, *people_case)

    def test_quotes(quotes_case: tuple[str, str]) -> None:
        cases.check_quote(lang, *quotes_case)

    def test_hedges(hedges_case: tuple[str, bool]) -> None:
        cases.check_hedge(lang, *hedges_case)

    def test_boilerplate(boilerplate_case: str) -> None:
        cases.check_boilerplate(lang, boilerplate_case)

    return {
        f.__name__: f
        for f in (
            test_identify,
            test_sentences,
            test_timex,
            test_quantities,
            test_places,
            test_people,
            test_quotes,
            test_hedges,
            test_boilerplate,
        )
    }
