"""Who said what, per language: direct and reported speech with the speaker they resolve to."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from synoptic.annotate.quotes import extract_quotes
from synoptic.annotate.sentences import split_sentences
from synoptic.models import Mention, QuoteMention


def quotes(text: str, lang: str, mentions: tuple[Mention, ...] = ()) -> tuple[QuoteMention, ...]:
    found = extract_quotes(text, lang, split_sentences(text, lang), mentions)
    for q in found:
        assert text[q.start : q.end] == q.text
        if q.speaker_start is not None and q.speaker_end is not None:
            assert text[q.speaker_start : q.speaker_end] == q.speaker_text
    return found


CASES = [
    # (language, text, quote text, kind, speaker text)
    ("en", "“We are not there yet,” Hrytsenko said.", "We are not there yet", "direct", "Hrytsenko"),
    (
        "en",
        '"We are tired," said Anton Velikov, chief executive of Pontica.',
        "We are tired",
        "direct",
        "Anton Velikov",
    ),
    (
        "en",
        "Marta Lindqvist spoke first. “This corridor feeds millions,” she told reporters.",
        "This corridor feeds millions",
        "direct",
        "Marta Lindqvist",
    ),
    (
        "en",
        "Oleksandr Hrytsenko, the trade minister, arrived late. The minister said that port rules had changed.",
        "port rules had changed",
        "indirect",
        "Oleksandr Hrytsenko",
    ),
    (
        "en",
        "Mayor Henrike Albers said the river had peaked overnight but warned residents to stay away.",
        "the river had peaked overnight",
        "indirect",
        "Henrike Albers",
    ),
    (
        "en",
        "More than 3,000 people spent the night in shelters, according to a Rheinhilfe statement.",
        "More than 3,000 people spent the night in shelters",
        "indirect",
        "Rheinhilfe",
    ),
    (
        "en",
        "The city will ask for federal money this week, Albers said.",
        "The city will ask for federal money this week",
        "indirect",
        "Albers",
    ),
    (
        "en",
        "Díaz-Canel said he and Putin had a ‘cordial and fruitful’ conversation.",
        "cordial and fruitful",
        "direct",
        "Díaz-Canel",
    ),
    (
        "de",
        "Oberbürgermeisterin Henrike Albers sagte, die Lage sei ernst.",
        "die Lage sei ernst",
        "indirect",
        "Henrike Albers",
    ),
    (
        "de",
        "„Wir erleben die schwerste Flut seit Jahrzehnten“, sagte Albers am Sonntag.",
        "Wir erleben die schwerste Flut seit Jahrzehnten",
        "direct",
        "Albers",
    ),
    (
        "de",
        "Jake Sullivan sagte, dass Russland die Idee nicht angesprochen habe.",
        "Russland die Idee nicht angesprochen habe",
        "indirect",
        "Jake Sullivan",
    ),
    (
        "de",
        "Die Gespräche seien gescheitert, so Dmitri Peskow.",
        "Die Gespräche seien gescheitert",
        "indirect",
        "Dmitri Peskow",
    ),
    (
        "fr",
        "« Ce corridor nourrit des millions de personnes », a martelé Mme Lindqvist.",
        "Ce corridor nourrit des millions de personnes",
        "direct",
        "Lindqvist",
    ),
    (
        "fr",
        "Mme Albers a déclaré que la ville solliciterait une aide fédérale.",
        "la ville solliciterait une aide fédérale",
        "indirect",
        "Albers",
    ),
    (
        "fr",
        "Selon M. Gritsenko, les assureurs réclament des garanties écrites.",
        "les assureurs réclament des garanties écrites",
        "indirect",
        "Gritsenko",
    ),
    ("cs", "„Nechceme válku,“ řekl Petr Novák.", "Nechceme válku", "direct", "Petr Novák"),
    ("cs", "Petr Novák uvedl, že vláda návrh podpoří.", "vláda návrh podpoří", "indirect", "Petr Novák"),
    ("ru", "«Мы не хотим войны», — сказал Сергей Рябков.", "Мы не хотим войны", "direct", "Сергей Рябков"),
    (
        "ru",
        "Сергей Рябков заявил, что переговоры зашли в тупик.",
        "переговоры зашли в тупик",
        "indirect",
        "Сергей Рябков",
    ),
]


@pytest.mark.parametrize(("lang", "text", "quote", "kind", "speaker"), CASES)
def test_quotes_attribute_speakers(lang: str, text: str, quote: str, kind: str, speaker: str) -> None:
    found = {q.text: q for q in quotes(text, lang)}
    assert quote in found, list(found)
    assert found[quote].kind == kind
    assert found[quote].speaker_text == speaker


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "The agreement replaces the “temporary arrangements” that governed traffic."),
        ("en", "Wheat futures traded in Paris rose modestly after the signing."),
        ("fr", "Le musée consacre une exposition aux « peintres de la Saône », un petit cercle."),
        ("de", "Die Bahnstrecke zwischen Köln und Düsseldorf ist gesperrt."),
        ("en", "Russia’s troops don’t move, and the allies’ ships stay."),
    ],
)
def test_quotes_find_nothing_without_a_speaker(lang: str, text: str) -> None:
    assert quotes(text, lang) == ()


def test_quotes_pronoun_follows_the_previous_speaker() -> None:
    text = (
        "“We are not there yet,” Hrytsenko said. He added that insurers need guarantees.\n"
        "“Nobody sends a ship out on a promise,” he added."
    )
    found = {q.text: q for q in quotes(text, "en")}
    assert found["insurers need guarantees"].speaker_text == "Hrytsenko"
    assert found["insurers need guarantees"].attribution == "pronoun"
    assert found["Nobody sends a ship out on a promise"].speaker_text == "Hrytsenko"


def test_quotes_organisation_noun_resolves_to_the_organisation() -> None:
    text = "Quillon Systems was hacked. The company said that 2 million customers were affected."
    (q,) = quotes(text, "en")
    assert q.speaker_text == "Quillon Systems"
    assert q.reference_text == "The company"


def test_quotes_german_konjunktiv_continues_reported_speech() -> None:
    text = "Henrike Albers sagte, die Lage sei ernst. Die Stadt habe den Katastrophenfall ausgerufen."
    found = {q.text: q for q in quotes(text, "de")}
    assert found["Die Stadt habe den Katastrophenfall ausgerufen"].speaker_text == "Henrike Albers"
    assert found["Die Stadt habe den Katastrophenfall ausgerufen"].attribution == "implicit"


def test_quotes_use_entity_mentions_when_present() -> None:
    text = "“Jede Stunde zählt”, sagte die Helferin Anna Weber."
    start = text.index("Anna Weber")
    mention = Mention(start, start + len("Anna Weber"), "Anna Weber", "PERSON", "spacy")
    (q,) = quotes(text, "de", (mention,))
    assert (q.speaker_start, q.speaker_end) == (mention.start, mention.end)


@pytest.mark.parametrize(
    ("run", "expected"),
    [
        ("Handelsministerium", "ORG"),  # a compound ending in an organisation noun
        ("Postbank", "ORG"),
        ("Konrada Adenauera", "PERSON"),  # Polish genitive: 'rada' ends the first name, after three letters
        ("Luis Estrada", "PERSON"),
    ],
)
def test_compound_organisation_nouns_need_a_first_word(run: str, expected: str) -> None:
    from synoptic.annotate.quote_speakers import _type_of, lexicon

    assert _type_of(run, lexicon("pl")) == expected


@given(st.text(alphabet="abcdeimnorstuwyäöüß", max_size=24))
def test_compound_endings_looked_up_as_every_noun_was_tried(word: str) -> None:
    """Looking up each ending of a word finds what trying every organisation noun against it found."""
    from synoptic.annotate.quote_speakers import COMPOUND_FIRST_PART, _compound_ending, _org_noun_endings

    endings = _org_noun_endings()
    for candidate in (word, word + "ministerium", word + "bank", word[:3] + "rada"):
        tried = any(candidate.endswith(e) and len(candidate) - len(e) >= COMPOUND_FIRST_PART for e in endings)
        assert _compound_ending(candidate, endings) == tried
