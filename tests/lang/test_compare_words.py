"""The comparison and reader word lists of every language (lang/<iso>/compare.json, boilerplate.json),
on a table of cases written for these tests, including cases that must find nothing.

Issue 16 moved these lists out of compare/claims.py, compare/conflicts.py, compare/summary.py and
ingest/readers.py; each language must now stand on its own words, not on English, German or French
ones applied to every text.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from synoptic import langdata
from synoptic.compare import cues
from synoptic.compare.claims import _clauses, find_outcomes
from synoptic.compare.conflicts import _date_key, _relative, roles_differ
from synoptic.compare.summary import stands_alone
from synoptic.compare.times import TimeRef
from synoptic.ingest.readers import read_text


@dataclass(frozen=True)
class Words:
    """One language's cases. Each pair holds a case that must be found and one that must find nothing."""

    anaphoric: str  # opens with a pronoun: does not stand alone in a summary
    named: str  # the same statement naming its subject: stands alone
    authors: tuple[str, str, str]  # an author field of two people joined by the language's "and"
    outlet: str  # an author field naming an outlet
    roles: tuple[tuple[str, str, bool], ...]  # two roles of one person, whether they differ


WORDS: dict[str, Words] = {
    "en": Words(
        "He said the talks would resume.",
        "Anna Berg said the talks would resume.",
        ("Anna Berg and Ivan Petrov", "Anna Berg", "Ivan Petrov"),
        "Harbour Daily",
        (
            ("former minister", "minister", False),
            ("Russian minister", "minister", False),
            ("minister", "spokesman", True),
        ),
    ),
    "de": Words(
        "Er sagte, die Gespräche gingen weiter.",
        "Anna Berg sagte, die Gespräche gingen weiter.",
        ("Anna Berg und Ivan Petrov", "Anna Berg", "Ivan Petrov"),
        "Rheinische Zeitung",
        (
            ("ehemaliger Minister", "Minister", False),
            ("russischer Minister", "Minister", False),
            ("Minister", "Sprecher", True),
        ),
    ),
    "fr": Words(
        "Elle a dit que les discussions reprendraient.",
        "Anna Berg a dit que les discussions reprendraient.",
        ("Anna Berg et Ivan Petrov", "Anna Berg", "Ivan Petrov"),
        "Agence Centrale",
        (("ancien ministre", "ministre", False), ("ministre", "porte-parole", True)),
    ),
    "es": Words(
        "Ella dijo que las conversaciones seguirían.",
        "Ana Berg dijo que las conversaciones seguirían.",
        ("Ana Berg y Iván Petrov", "Ana Berg", "Iván Petrov"),
        "Diario del Puerto",
        (("ex ministro", "ministro", False), ("ministro", "portavoz", True)),
    ),
    "it": Words(
        "Lei ha detto che i colloqui riprenderanno.",
        "Anna Berg ha detto che i colloqui riprenderanno.",
        ("Anna Berg e Ivan Petrov", "Anna Berg", "Ivan Petrov"),
        "Giornale del Porto",
        (("ex ministro", "ministro", False), ("ministro", "portavoce", True)),
    ),
    "pt": Words(
        "Ela disse que as negociações vão continuar.",
        "Ana Berg disse que as negociações vão continuar.",
        ("Ana Berg e Ivan Petrov", "Ana Berg", "Ivan Petrov"),
        "Jornal do Porto",
        (("antigo ministro", "ministro", False), ("ministro", "porta-voz", True)),
    ),
    "nl": Words(
        "Hij zei dat de gesprekken doorgaan.",
        "Anna Berg zei dat de gesprekken doorgaan.",
        ("Anna Berg en Ivan Petrov", "Anna Berg", "Ivan Petrov"),
        "Havens Dagblad",
        (
            ("voormalig minister", "minister", False),
            ("Russische minister", "minister", False),
            ("minister", "woordvoerder", True),
        ),
    ),
    "pl": Words(
        "On powiedział, że rozmowy będą kontynuowane.",
        "Anna Berg powiedziała, że rozmowy będą kontynuowane.",
        ("Anna Berg i Iwan Petrow", "Anna Berg", "Iwan Petrow"),
        "Gazeta Portowa",
        (
            ("były minister", "minister", False),
            ("rosyjski minister", "minister", False),
            ("minister", "rzecznik", True),
        ),
    ),
    "cs": Words(
        "Ona řekla, že jednání bude pokračovat.",
        "Anna Bergová řekla, že jednání bude pokračovat.",
        ("Anna Bergová a Ivan Petrov", "Anna Bergová", "Ivan Petrov"),
        "Přístavní noviny",
        (("bývalý ministr", "ministr", False), ("ruský ministr", "ministr", False), ("ministr", "mluvčí", True)),
    ),
    "sk": Words(
        "Ona povedala, že rokovania budú pokračovať.",
        "Anna Bergová povedala, že rokovania budú pokračovať.",
        ("Anna Bergová a Ivan Petrov", "Anna Bergová", "Ivan Petrov"),
        "Prístavné noviny",
        (("bývalý minister", "minister", False), ("ruský minister", "minister", False), ("minister", "hovorca", True)),
    ),
    "hr": Words(
        "On je rekao da će se pregovori nastaviti.",
        "Ivan Horvat je rekao da će se pregovori nastaviti.",
        ("Ana Berg i Ivan Horvat", "Ana Berg", "Ivan Horvat"),
        "Lučke novine",
        (
            ("bivši ministar", "ministar", False),
            ("ruski ministar", "ministar", False),
            ("ministar", "glasnogovornik", True),
        ),
    ),
    "sr": Words(
        "Он је рекао да ће се преговори наставити.",
        "Иван Петровић је рекао да ће се преговори наставити.",
        ("Ана Берг и Иван Петровић", "Ана Берг", "Иван Петровић"),
        "Лучке новине",
        (("бивши министар", "министар", False), ("руски министар", "министар", False), ("министар", "портпарол", True)),
    ),
    "ru": Words(
        "Она сказала, что переговоры продолжатся.",
        "Анна Берг сказала, что переговоры продолжатся.",
        ("Анна Берг и Иван Петров", "Анна Берг", "Иван Петров"),
        "Портовая газета",
        (
            ("бывший министр", "министр", False),
            ("российский министр", "министр", False),
            ("министр", "представитель", True),
        ),
    ),
    "uk": Words(
        "Він сказав, що переговори триватимуть.",
        "Анна Берг сказала, що переговори триватимуть.",
        ("Анна Берг і Іван Петренко", "Анна Берг", "Іван Петренко"),
        "Портова газета",
        (
            ("колишній міністр", "міністр", False),
            ("російський міністр", "міністр", False),
            ("міністр", "речник", True),
        ),
    ),
}

LANGS = sorted(WORDS)


def test_every_supported_language_has_a_table() -> None:
    assert set(langdata.supported_languages()) <= set(WORDS)


@pytest.mark.parametrize("lang", LANGS)
def test_a_sentence_opening_with_a_pronoun_does_not_stand_alone(lang: str) -> None:
    w = WORDS[lang]
    assert not stands_alone(w.anaphoric, lang)
    assert stands_alone(w.named, lang)


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("nl", "Het kabinet besloot de gesprekken voort te zetten."),  # "het" the article, not "it"
        ("en", "Italy said the talks would resume."),  # "It" only as a whole word
        ("de", "Erst am Abend endeten die Gespräche."),
    ],
)
def test_an_article_or_a_longer_word_is_no_anaphor(lang: str, text: str) -> None:
    assert stands_alone(text, lang)


@pytest.mark.parametrize("lang", LANGS)
def test_author_fields_split_at_the_languages_and(lang: str) -> None:
    field, first, second = WORDS[lang].authors
    (record,) = read_text("a.txt", f"Title: Talks\nAuthor: {field}\nMarkdown Content:\nThe talks went on.")
    assert record.authors == (first, second)
    assert record.outlet is None  # two people, no outlet


@pytest.mark.parametrize(
    ("field", "people"),
    [
        ("Costa e Silva", ("Costa e Silva",)),  # a compound surname, not two people
        ("Ortega y Gasset", ("Ortega y Gasset",)),
        ("José Costa e Silva", ("José Costa e Silva",)),
        ("Ana Berg y Iván Petrov", ("Ana Berg", "Iván Petrov")),
        ("Jan Nowak i Anna Berg, Piotr Lis", ("Jan Nowak", "Anna Berg", "Piotr Lis")),
    ],
)
def test_one_letter_separators_split_only_between_full_names(field: str, people: tuple[str, ...]) -> None:
    (record,) = read_text("a.txt", f"Title: Talks\nAuthor: {field}\nMarkdown Content:\nThe talks went on.")
    assert record.authors == people


@pytest.mark.parametrize("lang", LANGS)
def test_an_author_field_naming_an_outlet_is_the_outlet(lang: str) -> None:
    outlet = WORDS[lang].outlet
    (record,) = read_text("a.txt", f"Title: Talks\nAuthor: {outlet}\nMarkdown Content:\nThe talks went on.")
    assert record.outlet == outlet
    (person,) = read_text("b.txt", f"Title: Talks\nAuthor: {WORDS[lang].authors[1]}\nMarkdown Content:\nThe talks.")
    assert person.outlet is None


@pytest.mark.parametrize(("lang", "case"), [(lang, case) for lang in LANGS for case in WORDS[lang].roles])
def test_roles_differ_in_post_not_in_rank_or_nationality(lang: str, case: tuple[str, str, bool]) -> None:
    a, b, differ = case
    assert roles_differ(a, b, lang) is differ


@pytest.mark.parametrize("lang", LANGS)
def test_a_stated_result_ends_at_a_clause_of_time(lang: str) -> None:
    """ "led to chaos when ...": the result is "chaos"; a sentence without a result cue has none."""
    data = cues.cues(lang)
    cue, when = data["result_cues"][0], data["time_conjunctions"][0]
    (outcome,) = find_outcomes(f"X {cue} alpha beta {when} gamma delta.", 0, lang)
    assert outcome.result == "alpha beta"
    assert find_outcomes("X alpha beta gamma delta.", 0, lang) == []


@pytest.mark.parametrize("lang", LANGS)
def test_clauses_split_at_the_languages_own_joiners_only(lang: str) -> None:
    data = cues.cues(lang)
    for joiner in (*data["conjunctions"], *data["clause_joiners"]):
        assert len(_clauses(f"alpha beta {joiner} gamma delta", lang)) == 2, joiner
    others = {w for other in LANGS for w in cues.words(other, "conjunctions", "clause_joiners")}
    foreign = sorted(others - {w.lower() for w in cues.words(lang, "conjunctions", "clause_joiners")})
    assert foreign, lang
    for word in foreign:
        assert _clauses(f"alpha beta {word} gamma delta", lang) == [(0, len(f"alpha beta {word} gamma delta"))], word


@pytest.mark.parametrize("lang", LANGS)
def test_a_date_is_keyed_without_its_preposition(lang: str) -> None:
    """ "on Friday" and "Friday" state one value; a word that is no preposition of the language stays."""
    for prep in cues.words(lang, "date_prepositions"):
        assert _date_key(TimeRef(0, 0, f"{prep} Xday", None), lang) == "xday", prep
    assert _date_key(TimeRef(0, 0, "Xday", None), lang) == "xday"
    assert _date_key(TimeRef(0, 0, "zzz Xday", None), lang) == "zzz xday"


@pytest.mark.parametrize("lang", LANGS)
def test_relative_clauses_open_with_the_languages_relative_pronouns(lang: str) -> None:
    pattern = _relative(lang)
    for pronoun in cues.words(lang, "relative_pronouns"):
        assert pattern.search(f"Berg, {pronoun} alpha beta, gamma"), pronoun
    assert pattern.search("Berg, alpha beta, gamma") is None


@pytest.mark.parametrize(
    ("lang", "text", "key"),
    [
        ("en", "on Monday's", "monday"),
        ("en", "Monday’s", "monday"),
        ("en", "Mondays", "mondays"),  # a plural, not a possessive
        ("de", "Montags", "montags"),  # German marks no possessive on a date
        ("fr", "le lundi", "lundi"),
    ],
)
def test_a_date_is_keyed_without_a_possessive_ending(lang: str, text: str, key: str) -> None:
    assert _date_key(TimeRef(0, 0, text, None), lang) == key
