"""Fuzzing every reader of synoptic.ingest: whatever the bytes, a reader returns records or raises ReadError,
and `read_bytes` always returns articles or rejections (never raises)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from synoptic.errors import ReadError
from synoptic.ingest import read_bytes
from synoptic.ingest.clean import clean_body
from synoptic.ingest.dates import parse_date_line, parse_metadata_date
from synoptic.ingest.decode import decode_bytes
from synoptic.ingest.readers import iter_json, iter_jsonl, read_html, read_text, record_from_json
from synoptic.models import Rejection
from synoptic.settings import Settings

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LIMITS = Settings(max_file_bytes=400_000, max_article_chars=50_000)
SUFFIXES = ("a.txt", "a.html", "a.json", "a.jsonl", "a.xml", "noext", "a.ndjson", "a.htm")

WORDS = st.sampled_from(["Köln", "the", "mayor", "said", "«", "»", "„", "“", "\u00a0", "2025-03-10", "\n", "\t", "é"])
TEXTISH = st.lists(WORDS, max_size=80).map(" ".join) | st.text(max_size=300)
TAGS = st.sampled_from(["div", "p", "body", "html", "script", "style", "article", "h1", "table", "td", "meta", "a"])


@st.composite
def broken_html(draw: st.DrawFn) -> str:
    """Markup with unclosed, unbalanced and stray tags, attributes without quotes, comments cut short."""
    parts = [draw(st.sampled_from(["", "<!doctype html>", "<html>", "<?xml version='1.0'?>"]))]
    for _ in range(draw(st.integers(0, 30))):
        tag = draw(TAGS)
        parts.append(
            draw(
                st.sampled_from(
                    [
                        f"<{tag}>",
                        f"</{tag}>",
                        f"<{tag} class=x id='y>",
                        "<!-- ",
                        "-->",
                        "<![CDATA[",
                        "&amp",
                        "&#99999999;",
                    ]
                )
            )
        )
        parts.append(draw(TEXTISH))
    return "".join(parts)


JSON_LEAVES = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | TEXTISH
JSON_VALUES = st.recursive(
    JSON_LEAVES, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
)
FIELDS = st.sampled_from(["maintext", "text", "title", "authors", "date_publish", "language", "url", "source_domain"])
RECORDS = st.dictionaries(FIELDS, JSON_VALUES, max_size=8)


@st.composite
def malformed_json(draw: st.DrawFn) -> str:
    """JSON documents with wrong field types, cut off at a random point, or nested deeply."""
    value: Any = draw(
        st.one_of(RECORDS, st.lists(RECORDS, max_size=4), st.fixed_dictionaries({"articles": JSON_VALUES}))
    )
    text = json.dumps(value, allow_nan=True)
    cut = draw(st.integers(0, len(text)))
    return draw(st.sampled_from([text, text[:cut], "[" * 50_000 + text, '{"a":' * 30_000 + text]))


@st.composite
def odd_encoding(draw: st.DrawFn) -> bytes:
    """Text encoded as UTF-16/32 with and without BOM, legacy code pages, or cut mid-character."""
    text = draw(TEXTISH)
    codec = draw(
        st.sampled_from(["utf-8", "utf-16", "utf-16-le", "utf-32", "cp1252", "latin-1", "shift_jis", "koi8-r"])
    )
    data = text.encode(codec, errors="replace")
    prefix = draw(st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff"]))
    return prefix + data[: draw(st.integers(0, len(data)))]


ANY_INPUT = st.one_of(
    st.binary(max_size=2000),
    broken_html().map(str.encode),
    malformed_json().map(str.encode),
    odd_encoding(),
    st.integers(1, 300_000).map(lambda n: b"Title: x\nText:\n" + b"word " * n),  # huge lines
    st.integers(1, 20_000).map(lambda n: (b"<div>" * n) + b"deep"),  # deep nesting
)


def _check_result(path: str, result: tuple[list[Any], list[Rejection]]) -> None:
    articles, rejected = result
    assert articles or rejected, "every input yields an article or a rejection"
    for article in articles:
        assert article.text.strip()
        assert LIMITS.min_article_chars <= len(article.text) <= LIMITS.max_article_chars
        assert isinstance(article.title, str | None) and isinstance(article.outlet, str | None)
        assert all(isinstance(a, str) for a in article.authors)
        assert article.published.date is None or len(article.published.date) == 10
    for rejection in rejected:
        assert rejection.path.startswith(path) and rejection.reason.strip()
        assert "please report it" not in rejection.reason, rejection.reason  # a reader bug, caught by the safety net


@FUZZ
@given(name=st.sampled_from(SUFFIXES), data=ANY_INPUT)
def test_fuzz_read_bytes_never_raises(name: str, data: bytes) -> None:
    _check_result(name, read_bytes(name, data, LIMITS))


def _reader_cases() -> list[tuple[str, Callable[[str], object], st.SearchStrategy[str]]]:
    return [
        ("read_text", lambda t: read_text("a.txt", t), TEXTISH | broken_html()),
        ("read_html", lambda t: read_html("a.html", t), broken_html()),
        ("iter_json", lambda t: list(iter_json("a.json", t)), malformed_json()),
        ("iter_jsonl", lambda t: list(iter_jsonl("a.jsonl", t)), malformed_json().map(lambda t: t + "\n" + t[::-1])),
        ("clean_body", lambda t: clean_body(t, None), TEXTISH | broken_html()),
        ("parse_metadata_date", parse_metadata_date, TEXTISH),
        ("parse_date_line", parse_date_line, TEXTISH),
    ]


@pytest.mark.parametrize(("name", "reader", "strategy"), _reader_cases(), ids=[c[0] for c in _reader_cases()])
def test_fuzz_each_reader_raises_only_read_error(
    name: str, reader: Callable[[str], object], strategy: st.SearchStrategy[str]
) -> None:
    @FUZZ
    @given(text=strategy)
    def run(text: str) -> None:
        try:
            reader(text)
        except ReadError as exc:
            assert exc.args and str(exc.args[0]).strip()

    run()


@FUZZ
@given(record=JSON_VALUES)
def test_fuzz_record_from_json_types(record: Any) -> None:
    try:
        raw = record_from_json("a.json", record)
    except ReadError:
        return
    assert isinstance(raw.body, str) and raw.body.strip()
    assert all(isinstance(a, str) for a in raw.authors)
    for value in (raw.title, raw.outlet, raw.url, raw.language, raw.date):
        assert value is None or isinstance(value, str)


@FUZZ
@given(data=odd_encoding() | st.binary(max_size=3000))
def test_fuzz_decode_bytes_gives_text_or_a_reason(data: bytes) -> None:
    try:
        text = decode_bytes(data)
    except ReadError as exc:
        assert str(exc.args[0]).strip()
        return
    assert isinstance(text, str) and "\r" not in text


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("deep.json", b"[" * 100_000),
        ("deep.jsonl", b"[" * 100_000 + b"\n{}"),
        ("deep_obj.json", b'{"a":' * 50_000),
        ("types.json", b'{"maintext": "' + b"word " * 30 + b'", "language": 7, "url": 5, "source_domain": [1]}'),
        ("title.json", b'{"maintext": "' + b"word " * 30 + b'", "title": {"x": 1}, "authors": [null, {}]}'),
        ("nan.json", b'{"maintext": NaN}'),
        ("deep.html", b"<html><body>" + b"<div>" * 50_000 + b"text " * 100),
        ("huge_line.txt", b"x" * 300_000),
    ],
)
def test_fuzz_known_hostile_inputs(name: str, data: bytes) -> None:
    _check_result(name, read_bytes(name, data, LIMITS))
