"""Partial derivations, their coverage and voices, and the direction of a derivation: decided from
dates, from which side holds details the other lacks, from source-language traces, or left
"undetermined". The E5 embedder is the null one: only the cheap alignment step counts here."""

from __future__ import annotations

import pytest

from compare_support import checked_derivations
from synoptic.annotate.sentences import split_sentences
from synoptic.embed import NullEmbedder
from synoptic.models import Article, Coverage, Derivation, Document, Published
from synoptic.pipeline import Context
from synoptic.stories.derive import independent_voices
from synoptic.stories.direction import (
    DirectionParams,
    Oriented,
    names_cue,
    orient,
    pooled,
    quote_cue,
    siblings,
    transliteration_cue,
)

LONG = (
    "The regional water authority said on Tuesday that the reservoir had fallen to its lowest level in thirty years. "
    "Engineers will begin releasing water from a second basin next week, the director told reporters in Valdora. "
    "Farmers in the southern valley warned of crop losses of up to 40 percent as the drought deepened. "
    "Local councils asked residents to cut their water use by a fifth until the autumn rains arrive.\n"
    "Several villages already depend on tanker deliveries, according to the council of the southern district. "
    "The authority plans a new pipeline from the northern lakes, which would cost 120 million euros. "
    "Construction could start in 2027 if parliament approves the budget in the spring session. "
    "Environmental groups said the pipeline would harm the wetlands around Lake Morvan."
)
EXTRACT = LONG.split("\n", 1)[0]
UNRELATED = (
    "Bakers from across the region gathered in Burlington on Saturday for the annual pie fair. "
    "A retired teacher won the blue ribbon for a maple pecan tart, the organisers said. "
    "More than four thousand visitors tasted entries in twelve categories over the weekend. "
    "Next year the fair will move to a larger hall near the river."
)


def doc(article_id: str, text: str, lang: str = "en", date: str | None = None) -> Document:
    article = Article(article_id, f"{article_id}.txt", lang, None, None, (), Published(date, "given"), text)
    return Document(article, sentences=split_sentences(text, lang))


@pytest.fixture(scope="module")
def ctx() -> Context:
    context = Context()
    context.resource("embedder:e5", lambda: NullEmbedder(384))
    return context


def derive(ctx: Context, *docs: Document) -> list[Derivation]:
    return checked_derivations(ctx, *docs)


def test_extract_is_a_partial_copy_with_coverage_and_source(ctx: Context) -> None:
    found = derive(ctx, doc("part", EXTRACT), doc("full", LONG), doc("other", UNRELATED))
    assert [(d.kind, d.source, d.derived, d.partial) for d in found] == [("copy", "full", "part", True)]
    d = found[0]
    assert d.coverage is not None and d.coverage.derived == pytest.approx(1.0)
    assert 0.3 < d.coverage.source < 0.7
    assert d.direction == "text" and d.evidence == ("holds details the other lacks",)
    assert d.to_dict()["coverage"] == {"source": round(d.coverage.source, 4), "derived": 1.0}
    assert d.passages and d.passages[0].derived.start == 0


@pytest.mark.parametrize("text", [UNRELATED, EXTRACT.replace("water", "grain").replace("reservoir", "silo")[:90]])
def test_unrelated_or_too_short_is_no_derivation(ctx: Context, text: str) -> None:
    assert derive(ctx, doc("a", LONG), doc("b", text)) == []


@pytest.mark.parametrize(
    ("derived_coverage", "voices"),
    [(1.0, 1), (0.6, 1), (0.3, 2)],
)
def test_partial_derivation_counts_as_the_source_voice_only_when_it_is_most_of_the_article(
    derived_coverage: float, voices: int
) -> None:
    d = Derivation("a", "b", "translation", 0.9, (), coverage=Coverage(0.4, derived_coverage), partial=True)
    assert independent_voices(["a", "b"], [d]) == voices


def test_shared_passage_never_merges_voices() -> None:
    d = Derivation("a", "b", "shared-passage", 0.9, (), coverage=Coverage(0.9, 0.9))
    assert independent_voices(["a", "b"], [d]) == 2


GERMAN = "Der Europa-Park in Rust lud am Samstag zum Fantag des SC Freiburg ein, teilte der Park mit."
FRENCH_FROM_GERMAN = "Samedi, l'Europa-Park de Rust a invité les fans du SC Freiburg, a indiqué le parc."


@pytest.mark.parametrize(
    ("dates", "covers", "partial", "expected"),
    [
        (("2024-05-02", "2024-05-01"), (1.0, 1.0), False, (False, "dates")),
        ((None, None), (0.5, 1.0), True, (True, "text")),
        ((None, None), (1.0, 1.0), False, (True, "undetermined")),  # no dates, no cue: ids order, undetermined
    ],
)
def test_direction_from_dates_details_or_undetermined(
    dates: tuple[str | None, str | None], covers: tuple[float, float], partial: bool, expected: tuple[bool, str]
) -> None:
    a = doc("a", "Plain words about nothing in particular here.", "en", dates[0])
    b = doc("b", "Einfache Worte über nichts Besonderes hier.", "de", dates[1])
    way = orient(a, b, "translation", covers, partial, ("latn", "latn"))
    assert (way.a_is_source, way.how) == expected


def test_quote_marks_of_the_source_typography_point_to_the_source() -> None:
    german = doc("de", "Er sagte: „Wir kommen wieder.“ Das war am Montag.", "de")
    french = doc("fr", "Il a dit : „Nous reviendrons.“ C'était lundi.", "fr")
    assert quote_cue(german, french) > 0
    assert quote_cue(french, german) < 0
    plain = doc("fr2", "Il a dit : « Nous reviendrons. » C'était lundi.", "fr")
    assert quote_cue(german, plain) == 0


def test_two_translations_of_one_original_are_siblings() -> None:
    src = doc("src", GERMAN, "de")
    one, two = doc("fr1", FRENCH_FROM_GERMAN, "fr"), doc("fr2", FRENCH_FROM_GERMAN.replace("Samedi, ", ""), "fr")
    pairs = [(src, one, "translation"), (src, two, "translation"), (one, two, "paraphrase")]
    ways = [orient(a, b, k, (1.0, 1.0), False, ("latn", "latn")) for a, b, k in pairs]
    marked = siblings(pairs, ways)
    assert marked[2].common_source == "src" and marked[2].how == "undetermined"
    assert [w.common_source for w in marked[:2]] == [None, None]


@pytest.mark.parametrize(
    ("margins", "expected"),
    [
        # one rendering's weak contrary cue is outvoted by its siblings: every pair turns to the original
        ((2.0, 1.5, -0.6), [("text", True), ("text", True), ("text", True)]),
        # evidence that cancels out over the renderings leaves all of them undetermined (ids in order)
        ((1.0, -0.9, -0.5), [("undetermined", False), ("undetermined", False), ("undetermined", False)]),
    ],
)
def test_renderings_of_one_text_are_oriented_together(
    margins: tuple[float, float, float], expected: list[tuple[str, bool]]
) -> None:
    src = doc("src", GERMAN, "de")
    copies = [doc(f"fr{n}", FRENCH_FROM_GERMAN, "fr") for n in range(3)]
    pairs = [(src, c, "translation") for c in copies]
    pairs += [(copies[0], copies[1], "paraphrase"), (copies[0], copies[2], "paraphrase")]
    ways = [
        Oriented(m > 0, "text" if abs(m) >= DirectionParams().decide else "undetermined", margin=m) for m in margins
    ]
    ways += [Oriented(True, "undetermined"), Oriented(True, "undetermined")]
    decided = pooled(pairs, ways)
    assert [(w.how, w.a_is_source) for w in decided[:3]] == expected
    assert decided[3:] == ways[3:]  # pairs of one language are left alone


def test_a_single_rendering_keeps_its_own_decision() -> None:
    src, fr = doc("src", GERMAN, "de"), doc("fr", FRENCH_FROM_GERMAN, "fr")
    way = Oriented(False, "text", ("names",), margin=-1.0)
    assert pooled([(src, fr, "translation")], [way]) == [way]


def test_shared_untranslated_words_read_as_the_source_language() -> None:
    german = doc(
        "de",
        "Der Europa-Park in Rust lud die Fans des Sport-Club Freiburg ein. Aus dem Breisgau und dem "
        "Schwarzwald kamen viele Besucher zum Fantag, sagte Geschäftsführer Mack.",
        "de",
    )
    french = doc(
        "fr",
        "L'Europa-Park de Rust a invité les supporters du Sport-Club Freiburg. De nombreux visiteurs du "
        "Breisgau et de la Schwarzwald sont venus, a déclaré le directeur Mack.",
        "fr",
    )
    assert names_cue(german, french) > 0
    assert names_cue(french, german) < 0
    assert names_cue(german, doc("x", "Rien en commun ici.", "fr")) == 0


@pytest.mark.parametrize(
    ("russian", "english", "russian_is_source"),
    [
        (
            "Рябков и Песков встретились с Шойгу и Лавровым в Хабаровске.",
            "Ryabkov and Peskov met Shoygu and Lavrov in Khabarovsk.",
            True,
        ),
        (
            "Джонсон, Байден и Трамп обсудили Вашингтон и Чикаго.",
            "Johnson, Biden and Trump discussed Washington and Chicago.",
            False,
        ),
    ],
)
def test_transliterated_names_point_to_the_script_they_came_from(
    russian: str, english: str, russian_is_source: bool
) -> None:
    ru, en = doc("ru", russian, "ru"), doc("en", english, "en")
    cue = transliteration_cue(ru, en, "cyrl", "latn")
    assert (cue > 0) is russian_is_source and cue != 0
    assert transliteration_cue(en, ru, "latn", "cyrl") == -cue
