"""The `claim_parse` stage: claim sentences of English articles parsed once, where per-article work
runs, and the claims stage reading those parses instead of parsing again, with the same slots."""

from __future__ import annotations

import pytest

from synoptic.annotate.sentences import sentences_stage
from synoptic.compare import claim_parse
from synoptic.compare.claim_parse import claim_parse_stage, parse_slots, stored_parses
from synoptic.compare.claims import units_of
from synoptic.models import Article, Document, Published
from synoptic.pipeline import Context, run_article_stages
from synoptic.settings import Settings


def doc(text: str, language: str) -> Document:
    article = Article(
        id=f"{language}-{len(text)}",
        path="x",
        language=language,
        title="",
        outlet="",
        authors=(),
        published=Published("2022-01-10", "given"),
        text=text,
    )
    return Document(article=article)


EN = "Ryabkov said the talks in Geneva were difficult. Russia demanded guarantees. Fine."
# (language, text, parsed sentences): only languages with a spaCy pipeline, only sentences of at
# least claims.min_words words
CASES = [
    ("en", EN, ["Ryabkov said the talks in Geneva were difficult.", "Russia demanded guarantees."]),
    ("en", "Short. Too.", []),
    ("de", "Rjabkow sagte, die Gespräche in Genf seien schwierig gewesen.", []),
    ("ru", "Рябков заявил, что переговоры в Женеве были трудными.", []),
]


@pytest.mark.parametrize(("language", "text", "parsed"), CASES)
def test_claim_parse_stage_table(language: str, text: str, parsed: list[str]) -> None:
    ctx = Context(Settings(params=(("claims.min_words", 3),)))
    (out,) = run_article_stages([sentences_stage, claim_parse_stage], [doc(text, language)], ctx)[0]
    assert [text[p.start : p.end] for p in out.parses] == parsed
    for p in out.parses:
        assert dict(p.slots)["action"]  # every parsed English sentence here has a root verb


def test_claim_parse_slots_are_what_the_claims_stage_would_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = Context(Settings(params=(("claims.min_words", 3),)))
    (parsed,) = run_article_stages([sentences_stage, claim_parse_stage], [doc(EN, "en")], ctx)[0]
    units = units_of(parsed, min_words=3)
    fresh = parse_slots(units, ctx)  # parsed now, as without the stage
    assert fresh[0].parse == {
        "action": "said",
        "actor": "Ryabkov",
        "object": "the talks in Geneva were difficult",
    }

    def refuse(*args: object) -> None:
        raise AssertionError("parsed again although the stage kept the parse")

    monkeypatch.setattr(claim_parse, "parse_texts", refuse)
    kept = parse_slots(units, ctx, stored_parses([parsed]))
    assert [u.parse for u in kept] == [u.parse for u in fresh]


# Sentences of several shapes: passive, copula, clausal object, question, quotation, list
PARSE_TABLE = [
    "Ryabkov said the talks in Geneva were difficult.",
    "The agreement was signed by both ministers on Tuesday.",
    "Prices rose by 4.5 percent in March, the statistics office said.",
    "Is the ceasefire holding after three days of talks?",
    '"We will not accept these terms," the spokeswoman told reporters.',
    "Germany, France and Italy sent aid, tents and medical teams to the region.",
    "The court in Zagreb rejected the appeal because it had been filed too late.",
]


def test_the_parse_without_the_tagger_gives_the_full_pipelines_slots() -> None:
    from synoptic.annotate.spacy_models import spacy_pipeline, unread_by

    nlp = spacy_pipeline(Context(Settings()), claim_parse.parser_of("en"))
    assert set(unread_by(nlp, "parser")) == {"tagger", "attribute_ruler", "ner"}  # the parser reads tok2vec
    lean = [claim_parse._slots_of(d) for d in nlp.pipe(PARSE_TABLE, disable=list(unread_by(nlp, "parser")))]
    full = [claim_parse._slots_of(d) for d in nlp.pipe(PARSE_TABLE, disable=["ner"])]
    assert lean == full
    assert all(s.get("action") for s in lean)
