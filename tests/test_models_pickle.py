"""Records pickle as dataclasses pickles them (the field values in order, as a list), through
methods that list the fields once per class instead of once per object (`models._pickled_by_field_order`):
documents are kept pickled between the passes of a large run (`corpus.Documents`)."""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from dataclasses import fields, is_dataclass
from typing import Any

import pytest

from synoptic import models
from synoptic.models import Analysis, Mention, Span

RECORDS = [
    c for c in vars(models).values() if isinstance(c, type) and is_dataclass(c) and c.__module__ == models.__name__
]


def _records(value: Any) -> Iterator[Any]:
    """Every record reachable from `value` through fields, tuples and lists."""
    if is_dataclass(value) and not isinstance(value, type):
        yield value
        for f in fields(value):
            yield from _records(getattr(value, f.name))
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _records(item)


def test_every_record_class_has_the_listed_field_state() -> None:
    assert len(RECORDS) > 30
    for cls in RECORDS:
        assert cls.__getstate__.__qualname__.startswith("_pickled_by_field_order"), cls.__name__
        assert cls.__setstate__.__qualname__.startswith("_pickled_by_field_order"), cls.__name__


@pytest.mark.parametrize(
    "record",
    [Span("a", 0, 3, "abc"), Mention(0, 5, "Putin", "PERSON"), Analysis()],
    ids=["span", "mention", "empty analysis"],
)
def test_a_record_round_trips_with_dataclass_state(record: Any) -> None:
    assert record.__getstate__() == [getattr(record, f.name) for f in fields(record)]
    assert pickle.loads(pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL)) == record


def test_the_example_analysis_round_trips(examples_analysis: Analysis) -> None:
    seen: set[str] = set()
    for record in _records(examples_analysis):
        seen.add(type(record).__name__)
        assert record.__getstate__() == [getattr(record, f.name) for f in fields(record)]
    assert {"Article", "Entity", "Quote", "Span", "Story", "Derivation", "Passage"} <= seen
    assert pickle.loads(pickle.dumps(examples_analysis, protocol=pickle.HIGHEST_PROTOCOL)) == examples_analysis
