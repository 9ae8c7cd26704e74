"""Comparison keys places with the run's gazetteer, the one its entity stage used: overriding the
`entities` city settings changes what claims and conflicts see as places, not only the mention layer."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from synoptic.annotate.gazetteer import GazetteerParams, build_gazetteer, run_gazetteer
from synoptic.compare import places
from synoptic.compare.claims import units_of
from synoptic.compare.places import place_key, rule_places
from synoptic.default_pipeline import check_params
from synoptic.models import Article, Document, Published, Sentence
from synoptic.pipeline import Context
from synoptic.settings import Settings

# GeoNames cities between the default floors: in the gazetteer (100,000) but not found by it alone (1,000,000)
MID_SIZED = [("de", "Göttingen hat gewählt.", "Göttingen"), ("de", "Augsburg hat gewählt.", "Augsburg")]


@pytest.mark.parametrize(("lang", "text", "key"), MID_SIZED)
def test_rule_places_follow_the_given_gazetteer(lang: str, text: str, key: str) -> None:
    low = build_gazetteer(GazetteerParams(find_city_population=100_000))
    assert rule_places(text, lang) == []
    assert [p.key for p in rule_places(text, lang, low)] == [key]


@pytest.mark.parametrize(("lang", "text"), [("de", "Der Vorstand hat gewählt."), ("en", "The board voted on Tuesday.")])
def test_no_place_in_either_gazetteer(lang: str, text: str) -> None:
    low = build_gazetteer(GazetteerParams(find_city_population=100_000))
    assert rule_places(text, lang) == [] and rule_places(text, lang, low) == []


def test_run_gazetteer_reads_the_run_settings() -> None:
    ctx = Context(Settings(params=check_params({"entities.find_city_population": 100_000})))
    assert run_gazetteer(ctx) is build_gazetteer(GazetteerParams(find_city_population=100_000))
    assert run_gazetteer(Context()) is build_gazetteer()
    assert place_key("Moskau", run_gazetteer(ctx)) == place_key("Moskau") == "Moscow"


def test_claim_units_key_places_with_the_given_gazetteer() -> None:
    text = "Göttingen hat am Sonntag einen neuen Bürgermeister gewählt."
    article = Article("a1", "t.txt", "de", None, None, (), Published(), text)
    doc = Document(article, sentences=(Sentence(0, len(text)),))
    low = build_gazetteer(GazetteerParams(find_city_population=100_000))
    assert [p.key for u in units_of(doc) for p in u.places] == []
    assert [p.key for u in units_of(doc, gazetteer=low) for p in u.places] == ["Göttingen"]


def _plain_alternation(names: set[str]) -> re.Pattern[str]:
    """What the country pattern was before its names were grouped: every name, longest first."""
    body = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(r"(?<![\w-])(" + body + r")(?![\w])", re.I)


@given(
    st.lists(
        st.one_of(
            st.sampled_from(sorted(places._territories()) + sorted(places._aliases())),
            st.sampled_from([" ", ", ", "-", ".", "\n", "in ", "der ", "x", "ı", "İ", "ſ", "K"]),
        ),
        max_size=30,
    ),
    st.sampled_from([str.lower, str.upper, str.title, str.capitalize]),
)
def test_grouped_country_names_match_as_the_plain_alternation(parts: list[str], case: Callable[[str], str]) -> None:
    text = case("".join(parts))
    names = set(places._territories()) | set(places._aliases())
    plain = [m.span() for m in _plain_alternation(names).finditer(text)]
    assert [m.span() for m in places._country_pattern().finditer(text)] == plain


@pytest.mark.parametrize(
    ("names", "text", "found"),
    [
        ({"niger", "nigeria"}, "Nigeria and Niger", ["Nigeria", "Niger"]),  # the longest name at a position
        ({"congo", "dr congo"}, "the DR Congo", ["DR Congo"]),
        ({"mali"}, "Somalia", []),  # inside a word: nothing
        (set(), "France", []),  # no names: a pattern that matches nothing
    ],
)
def test_literal_alternation_table(names: set[str], text: str, found: list[str]) -> None:
    pattern = re.compile(r"(?<![\w-])(" + places.literal_alternation(names) + r")(?![\w])", re.I)
    assert [m.group(0) for m in pattern.finditer(text)] == found


FIND_CASES = [
    ("de", "Die Gespräche in Wien und im Kreml gingen am Montag in Genf weiter."),
    ("ru", "Переговоры в Женеве продолжились, заявили в Москве и в Соединенных Штатах."),
    ("en", "Talks in the United States and Vienna ended; nothing else was said."),
    ("fr", "Rien à signaler."),  # no place at all
]


@pytest.mark.parametrize(("lang", "text"), FIND_CASES)
def test_remembered_words_find_what_a_fresh_gazetteer_finds(
    lang: str, text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The memory of which words may belong to an entry changes no hit, full or emptied."""
    from synoptic.annotate import gazetteer as module

    g = build_gazetteer()
    first = g.find(text, lang)
    assert g.find(text, lang) == first  # answered from memory
    monkeypatch.setattr(module, "KNOWN_MEMO", 0)  # emptied before every text
    assert g.find(text, lang) == first == g.find(text, lang)
    assert bool(first) == (text != "Rien à signaler.")
