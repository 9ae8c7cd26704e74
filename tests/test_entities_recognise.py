"""The recogniser per language: tables of sentences with the mentions they must (and must not) yield."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from synoptic.annotate.entities import Recogniser, english_mentions, entities_stage, role_before
from synoptic.annotate.gazetteer import build_gazetteer
from synoptic.models import Article, Document, Published
from synoptic.pipeline import Context, run_article_stages
from synoptic.settings import Settings


@pytest.fixture(scope="module")
def rec() -> Recogniser:
    return Recogniser(build_gazetteer())


def _found(rec: Recogniser, text: str, lang: str) -> set[tuple[str, str]]:
    return {(m.text, m.type) for m in rec.find(text, lang)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Das Telefonat zwischen Wladimir Putin und Miguel Diaz-Canel",
            {("Wladimir Putin", "PERSON"), ("Miguel Diaz-Canel", "PERSON")},
        ),
        ("der stellvertretende russische Außenminister Sergej Rjabkow sagte", {("Sergej Rjabkow", "PERSON")}),
        ("mit der US-Unterstaatssekretärin Wendy Sherman.", {("Wendy Sherman", "PERSON")}),
        ("Kremlsprecher Dmitri Peskow sagte", {("Dmitri Peskow", "PERSON")}),
        ("„Wir sind bereit“, sagte Hryzenko.", {("Hryzenko", "PERSON")}),
        ("sagte Ryabkov zu Gesprächen mit", {("Ryabkov", "PERSON")}),
        ("mit der Präsidentin Ursula von der Leyen.", {("Ursula von der Leyen", "PERSON")}),
        ("Angeführt von Olexander Hryzenko, dem Handelsminister", {("Olexander Hryzenko", "PERSON")}),
        ("in einer Erklärung des Kremls", {("Kremls", "ORG")}),
        ("sagte er dem Sender RTVI und der OSZE", {("RTVI", "ORG"), ("OSZE", "ORG")}),
        ("Die Staats- und Regierungschefs Russlands und Kubas", {("Russlands", "PLACE"), ("Kubas", "PLACE")}),
        ("Treffen in Wien und Moskau mit der NATO", {("Wien", "PLACE"), ("Moskau", "PLACE"), ("NATO", "ORG")}),
    ],
)
def test_entities_german_finds(rec: Recogniser, text: str, expected: set[tuple[str, str]]) -> None:
    assert expected <= _found(rec, text, "de")


@pytest.mark.parametrize(
    "text",
    [
        "Die Regierung hat am Montag Truppen an die Grenze geschickt.",
        "Am Montag sprachen die Beiden Männer über Handel und Investitionen.",
        "Die Ukraine scheitert.",
        "Der Präsident sagte nichts.",
        "Diese Erklärung kam spät.",
        "Der Rat, der im vergangenen Jahr von Exporteuren gegründet worden war.",
        "Die Sitzung des Rates dauerte an.",
    ],
)
def test_entities_german_common_nouns_are_not_people(rec: Recogniser, text: str) -> None:
    assert not [m for m in rec.find(text, "de") if m.type == "PERSON"]


@pytest.mark.parametrize("text", ["Unter Ludwig XIV wuchs Paris.", "Das ist OK so.", "Ein Ja oder ein Nein."])
def test_entities_german_no_acronym_organisations(rec: Recogniser, text: str) -> None:
    assert not [m for m in rec.find(text, "de") if m.type == "ORG"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a martelé Mme Lindqvist à l’issue", {("Mme Lindqvist", "PERSON")}),
        ("Selon M. Gritsenko, les assureurs", {("M. Gritsenko", "PERSON")}),
        ("le ministre ukrainien Oleksandr Gritsenko, qui conduit", {("Oleksandr Gritsenko", "PERSON")}),
        ("ouvertes lundi à Genève, sous l’égide de l’OTAN", {("Genève", "PLACE"), ("OTAN", "ORG")}),
        ("à Vienne et à Bruxelles", {("Vienne", "PLACE"), ("Bruxelles", "PLACE")}),
    ],
)
def test_entities_french_finds(rec: Recogniser, text: str, expected: set[tuple[str, str]]) -> None:
    assert expected <= _found(rec, text, "fr")


@pytest.mark.parametrize(
    "text", ["Le gouvernement a parlé lundi.", "La Commission a tranché.", "Les Négociations continuent."]
)
def test_entities_french_nothing(rec: Recogniser, text: str) -> None:
    assert not [m for m in rec.find(text, "fr") if m.type == "PERSON"]


@pytest.mark.parametrize(
    ("text", "start_word", "role"),
    [
        ("Russian Deputy Foreign Minister Sergei Ryabkov said", "Sergei", "Deputy Foreign Minister"),
        ("Kremlin spokesman Dmitri Peskov said", "Dmitri", "Kremlin spokesman"),
        (
            "der stellvertretende russische Außenminister Sergej Rjabkow",
            "Sergej",
            "stellvertretende russische Außenminister",
        ),
        ("He met Sergei Ryabkov", "Sergei", None),
    ],
)
def test_entities_role_before_name(text: str, start_word: str, role: str | None) -> None:
    lang = "de" if "Außenminister" in text else "en"
    found = role_before(text, text.index(start_word), lang)
    assert (found is None) if role is None else (found is not None and found.endswith(role))


def test_entities_english_corrects_spacy_types_with_gazetteer(rec: Recogniser) -> None:
    text = "The Kremlin said NATO met in Vienna."
    ents = [(4, 11, "PERSON"), (17, 21, "GPE")]
    found = {(m.text, m.type) for m in english_mentions(text, ents, rec.gazetteer)}
    assert found == {("Kremlin", "ORG"), ("NATO", "ORG"), ("Vienna", "PLACE")}


def _doc(text: str, lang: str) -> Document:
    art = Article("a1", "a1.txt", lang, None, None, (), Published(), text, language_how="given")
    return Document(article=art)


def test_entities_over_the_limit_reject_the_article_with_a_reason() -> None:
    ctx = Context(Settings(max_entities_per_article=2))
    kept, rejected = run_article_stages([entities_stage], [_doc("Wien, Moskau, Kuba und Berlin.", "de")], ctx)
    assert not kept
    assert rejected[0].reason.startswith("4 entity mentions, over the limit of 2")


@pytest.fixture(scope="module")
def english_ctx() -> Iterator[Context]:
    yield Context()


@pytest.mark.parametrize(
    ("text", "person"),
    [
        (
            "Russian President Vladimir Putin spoke with Cuban President Miguel Díaz-Canel on Monday.",
            "Miguel Díaz-Canel",
        ),
        ("Kremlin spokesman Dmitri Peskov told reporters on Tuesday that talks would go on.", "Dmitri Peskov"),
    ],
)
def test_entities_english_spacy(english_ctx: Context, text: str, person: str) -> None:
    docs = entities_stage.fn([_doc(text, "en")], english_ctx)
    people = {m.text for m in docs[0].mentions if m.type == "PERSON"}
    assert person in people
    assert all(text[m.start : m.end] == m.text for m in docs[0].mentions)
