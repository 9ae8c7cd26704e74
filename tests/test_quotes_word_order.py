"""Speakers named after their verb or outside the clause of the quote (issue 14).

German puts the subject after the verb once a phrase is fronted ("In einem Interview mit dem
Sender RTVI sagte Rjabkow"), as Russian and Czech freely do; French inverts in incises ("a-t-il
déclaré"); a relative pronoun stands for the name before it; a quotation embedded in a sentence
belongs to that sentence's subject; a name keeps its speech across a comma-set apposition.
"""

from __future__ import annotations

import pytest

from synoptic.annotate.quotes import extract_quotes
from synoptic.models import QuoteMention


def _only(text: str, lang: str) -> QuoteMention:
    found = extract_quotes(text, lang)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("lang", "text", "speaker"),
    [
        ("de", "In einem Interview mit dem russischen Sender RTVI sagte Rjabkow: „Wir sind zu Gesprächen bereit.“",
         "Rjabkow"),
        ("de", "Nach dem Treffen in Genf sagte Außenminister Heiko Maas, man werde weiter verhandeln.", "Heiko Maas"),
        ("de", "Vor Journalisten in Berlin betonte die Kanzlerin, dass die Gespräche weitergehen.", "die Kanzlerin"),
        ("de", "Am Montag erklärte der Minister, die Lage sei unter Kontrolle.", "der Minister"),
        ("de", "Die Lage sei unter Kontrolle, so der Minister.", "der Minister"),
        ("ru", "В интервью телеканалу RTVI заявил Рябков: «Мы готовы к переговорам».", "Рябков"),
        ("ru", "В интервью телеканалу RTVI Рябков заявил, что Россия готова к переговорам.", "Рябков"),
        ("ru", "Россия готова к переговорам, заявил замминистра Сергей Рябков.", "Сергей Рябков"),
        ("fr", "« Nous sommes prêts à discuter », a déclaré Sergueï Riabkov.", "Sergueï Riabkov"),
        ("fr", "Selon Sergueï Riabkov, la Russie est prête à discuter.", "Sergueï Riabkov"),
        ("en", "In an interview with the Russian channel RTVI, Ryabkov said: “We are ready for talks.”", "Ryabkov"),
        ("en", "At the rally Trump said that the election was rigged against him.", "Trump"),
    ],
)  # fmt: skip
def test_quotes_subject_after_fronted_phrase(lang: str, text: str, speaker: str) -> None:
    assert _only(text, lang).speaker_text == speaker


def test_quotes_french_inverted_pronoun_refers_by_the_pronoun_alone() -> None:
    q = _only("« Nous sommes prêts à discuter », a-t-il déclaré.", "fr")
    assert q.reference_text == "il"
    assert q.speaker_text is None  # nobody in this one sentence for "il" to stand for, and the quote is kept


@pytest.mark.parametrize(
    ("text", "reference", "speaker"),
    [
        ("Labor Secretary Thomas Perez, who said he expects the agreement to be finalized soon, met the union.",
         "who", "Thomas Perez"),
        ("Barack Obama, who called the nominee “unfit to serve,” spoke in Ohio on Tuesday.", "who", "Barack Obama"),
        ("The party lost, and aides say the candidate deserves more credit than he gets.", "aides", "aides"),
        ("Among Trump voters, 74 percent said they are set on voting for him.", "74 percent", "74 percent"),
    ],
)  # fmt: skip
def test_quotes_subject_within_its_clause(text: str, reference: str, speaker: str) -> None:
    q = _only(text, "en")
    assert (q.reference_text, q.speaker_text) == (reference, speaker)


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("“He'll monitor everything; that's how he is,” Sam Nunberg, a former Trump aide, said on Monday.",
         "Sam Nunberg"),
        ("Gov. Pat McCrory blamed the court's “four liberal justices” for the ruling.", "Pat McCrory"),
        ("Senator Ben Cardin advocates a “progressive consumption tax modeled after one developed elsewhere.”",
         "Ben Cardin"),
        ("Rubio: “We are going to win this state and then we are going to win the nomination.”", "Rubio"),
    ],
)  # fmt: skip
def test_quotes_speaker_outside_the_cue(text: str, speaker: str) -> None:
    assert _only(text, "en").speaker_text == speaker


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "The museum opens an exhibition on the “painters of the river” next week."),
        ("de", "Die Staats- und Regierungschefs diskutierten über die „strategische Partnerschaft“ ihrer Länder."),
        ("en", "The debate remained so politically charged that nobody spoke."),
    ],
)
def test_quotes_titles_and_scare_quotes_find_nothing(lang: str, text: str) -> None:
    assert extract_quotes(text, lang) == ()
