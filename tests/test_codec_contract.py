"""One serialisation path: every record of the analysis contract goes to JSON and back through
`codec`, and the JSON of a rebuilt analysis is the JSON it was rebuilt from (hypothesis)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from synoptic.codec import from_json, to_json, to_plain
from synoptic.models import (
    SCHEMA_ID,
    Analysis,
    Article,
    ArticleFraming,
    Claim,
    Conflict,
    ConflictValue,
    Coverage,
    CoverageSource,
    CueCount,
    Derivation,
    Entity,
    Event,
    FirstReporter,
    Passage,
    Published,
    Quote,
    QuotedVoice,
    QuoteGroup,
    QuoteVariant,
    Rejection,
    RunSettings,
    Span,
    Story,
    StoryCoverage,
    SummarySentence,
    TimelineEntry,
)
from test_sources_store import PROVENANCE

text = st.text(max_size=12)
opt_text = st.none() | text
ids = st.text(alphabet="abcdef0123456789-", min_size=1, max_size=8)
short = st.lists(text, max_size=2).map(tuple)
# Contract numbers are written to 4 decimals, so generated ones have at most 4 (the rebuilt record is then equal).
share = st.floats(min_value=0, max_value=1, allow_nan=False).map(lambda x: round(x, 4))
score = st.floats(min_value=-5, max_value=5, allow_nan=False).map(lambda x: round(x, 4))

spans = st.builds(Span, article=ids, start=st.integers(0, 500), end=st.integers(0, 500), text=text)
span_list = st.lists(spans, max_size=2).map(tuple)
published = st.builds(Published, date=opt_text, how=st.none() | st.sampled_from(["given", "inferred"]))
articles = st.builds(
    Article,
    id=ids,
    path=text,
    language=st.sampled_from(["en", "de", "fr", "ru"]),
    title=opt_text,
    outlet=opt_text,
    authors=short,
    published=published,
    text=text,
    url=opt_text,
    duplicate_paths=short,
    provenance=st.lists(PROVENANCE, max_size=2).map(tuple),
)
rejections = st.builds(Rejection, path=text, reason=text)
kinds = st.sampled_from(["PERSON", "ORG", "PLACE", "EVENT", "OTHER"])
entities = st.builds(Entity, id=ids, name=text, type=kinds, aliases=short, mentions=span_list)
quotes = st.builds(
    Quote,
    id=ids,
    span=spans,
    kind=st.sampled_from(["direct", "indirect"]),
    speaker=st.none() | ids,
    speaker_span=st.none() | spans,
    group=ids,
)
variants = st.builds(
    QuoteVariant, quote=ids, article=ids, language=text, text=text, similarity=share, removed=short, added=short
)
quote_groups = st.builds(
    QuoteGroup,
    id=ids,
    speaker=st.none() | ids,
    speaker_name=opt_text,
    reference=ids,
    quotes=short,
    languages=short,
    variants=st.lists(variants, max_size=2).map(tuple),
)
claims = st.builds(
    Claim,
    id=ids,
    statement=text,
    support=span_list,
    contradict=span_list,
    slots=st.none() | st.dictionaries(text, st.lists(text, max_size=2), max_size=2),
    voices=st.none() | st.integers(0, 9),
)
coverages = st.builds(
    StoryCoverage,
    sources=st.lists(st.builds(CoverageSource, article=ids, name=text, outlet=opt_text, voice=ids), max_size=2).map(
        tuple
    ),
    matrix=st.dictionaries(
        ids,
        st.dictionaries(ids, st.sampled_from(["reported", "omitted", "contradicted", "both"]), max_size=2),
        max_size=2,
    ),
    first_reporter=st.dictionaries(
        ids,
        st.builds(FirstReporter, article=st.none() | ids, published=opt_text, tied=st.none() | short, how=text),
        max_size=2,
    ),
)
cue_counts = st.builds(CueCount, count=st.integers(0, 9), per_100_sentences=share, spans=span_list)
voices_quoted = st.builds(
    QuotedVoice,
    speaker=st.none() | ids,
    name=text,
    type=opt_text,
    role=opt_text,
    side=opt_text,
    quotes=st.integers(0, 9),
)
framings = st.builds(
    ArticleFraming,
    loaded=cue_counts,
    hedged=cue_counts,
    voices=st.lists(voices_quoted, max_size=2).map(tuple),
    sides=st.dictionaries(text, st.integers(0, 9), max_size=2),
)
timeline_entries = st.builds(
    TimelineEntry,
    date=opt_text,
    kind=st.sampled_from(["event", "claim"]),
    id=ids,
    what=text,
    sources=st.lists(ids, max_size=2).map(tuple),
    evidence=span_list,
)
stories = st.builds(
    Story,
    id=ids,
    title=text,
    articles=st.lists(ids, max_size=3).map(tuple),
    events=st.lists(
        st.builds(Event, id=ids, date=opt_text, description=text, articles=short, evidence=span_list), max_size=2
    ).map(tuple),
    claims=st.lists(claims, max_size=2).map(tuple),
    conflicts=st.lists(
        st.builds(
            Conflict,
            id=ids,
            about=text,
            values=st.lists(st.builds(ConflictValue, value=text, spans=span_list), max_size=2).map(tuple),
        ),
        max_size=2,
    ).map(tuple),
    summary=st.lists(st.builds(SummarySentence, text=text, citations=span_list), max_size=2).map(tuple),
    voices=st.integers(0, 9),  # None is written as the article count, so a rebuilt story has the count
    coverage=st.none() | coverages,
    framing=st.none() | st.dictionaries(ids, framings, max_size=2),
    timeline=st.none() | st.lists(timeline_entries, max_size=2).map(tuple),
)
derivations = st.builds(
    Derivation,
    source=ids,
    derived=ids,
    kind=st.sampled_from(["copy", "paraphrase", "translation", "shared-passage"]),
    score=score,
    passages=st.lists(st.builds(Passage, source=spans, derived=spans), max_size=2).map(tuple),
    direction=st.sampled_from(["dates", "text", "undetermined"]),
    evidence=short,
    partial=st.booleans(),
    coverage=st.none() | st.builds(Coverage, source=share, derived=share),
    common_source=st.none() | ids,
)
analyses = st.builds(
    Analysis,
    articles=st.lists(articles, max_size=2).map(tuple),
    rejected=st.lists(rejections, max_size=2).map(tuple),
    entities=st.lists(entities, max_size=2).map(tuple),
    quotes=st.lists(quotes, max_size=2).map(tuple),
    stories=st.lists(stories, max_size=2).map(tuple),
    derivations=st.lists(derivations, max_size=2).map(tuple),
    quote_groups=st.lists(quote_groups, max_size=2).map(tuple),
    warnings=st.lists(rejections, max_size=2).map(tuple),
    settings=st.none()
    | st.builds(
        RunSettings,
        params=st.dictionaries(text, st.booleans() | st.integers(-9, 9) | share | text, max_size=3),
        overridden=short,
    ),
)


def _extras(analysis: Analysis) -> list[Any]:
    """The fields that record equality leaves out (compare=False), compared apart."""
    return [(s.coverage, s.framing, s.timeline, [c.slots for c in s.claims]) for s in analysis.stories]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(analyses)
def test_the_whole_contract_round_trips_through_the_codec(analysis: Analysis) -> None:
    document = analysis.to_dict()
    assert json.loads(json.dumps(document)) == document  # plain JSON, nothing left as a record or tuple
    assert document["schema"] == SCHEMA_ID and "documents" not in document
    back = from_json(Analysis, json.loads(json.dumps(document)))
    assert back == analysis
    assert _extras(back) == _extras(analysis)
    assert back.to_dict() == document


@settings(max_examples=40, deadline=None)
@given(articles)
def test_the_store_shape_keeps_every_field(article: Article) -> None:
    from synoptic.codec import decode

    with_how = Article(**{**{f: getattr(article, f) for f in Article.__dataclass_fields__}, "language_how": "given"})
    assert decode(Article, json.loads(json.dumps(to_plain(with_how)))) == with_how
    assert decode(Article, to_plain(with_how)).language_how == "given"
    assert "language_how" not in to_json(with_how)  # ... which the analysis JSON leaves out


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        (Story("s", "t", ("a", "b")), {"voices": 2}),  # no counted voices: the article count
        (QuoteVariant("q", "a", "en", "x", 0.123456), {"similarity": 0.1235}),
        (Derivation("a", "b", "copy", 0.98765, ()), {"score": 0.9877}),
        (Coverage(1 / 3, 2 / 3), {"source": 0.3333, "derived": 0.6667}),
        (Article("a", "p", "en", None, None, (), Published(), "t"), {"url": None}),
        (Claim("c", "s", ()), {"contradict": []}),
    ],
    ids=["voices", "similarity", "score", "coverage", "article", "claim"],
)
def test_contract_fields_are_written_as_the_schema_says(record: Any, expected: dict[str, Any]) -> None:
    written = record.to_dict()
    assert {k: written[k] for k in expected} == expected


@pytest.mark.parametrize(
    ("record", "absent"),
    [
        (Article("a", "p", "en", None, None, (), Published(), "t"), {"duplicate_paths", "provenance", "language_how"}),
        (Claim("c", "s", ()), {"slots", "voices"}),
        (Story("s", "t", ()), {"coverage", "framing", "timeline"}),
        (Derivation("a", "b", "copy", 1.0, ()), {"coverage", "common_source"}),
        (Analysis(), {"warnings", "documents"}),
    ],
    ids=["article", "claim", "story", "derivation", "analysis"],
)
def test_optional_fields_are_left_out_when_empty(record: Any, absent: set[str]) -> None:
    assert not absent & set(record.to_dict())
