"""Generic dataclass <-> JSON-able conversion, driven by type hints: the one serialisation path.

Two shapes, one walk over the fields:

- `to_plain` / `decode`: every field, for the store's cache of annotated documents and the
  distributed engine (a faithful round trip of the frozen records in `models`);
- `to_json` / `from_json`: the analysis contract (`schemas/report.schema.json`). A field's
  `metadata` says how it appears there: left out (`SKIP`), left out when empty or None
  (`OMIT_EMPTY`, `OMIT_NONE`), rounded (`rounded(4)`), or filled from the record when None
  (`{"or": fn}`); a class's `JSON_HEAD` ClassVar is written before its fields.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import types
import typing
from collections.abc import Callable, Iterator, Mapping
from functools import cache
from typing import Any, TypeVar, Union

T = TypeVar("T")


def to_plain(obj: Any) -> Any:
    """Turn a tree of dataclasses, tuples and dicts into JSON-able lists, dicts and scalars."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, list | tuple):
        return [to_plain(x) for x in obj]
    if isinstance(obj, dict):
        return {str(k): to_plain(v) for k, v in obj.items()}
    return obj


#: Field metadata of the analysis-JSON shape (see the module docstring).
SKIP: dict[str, Any] = {"skip": True}
OMIT_EMPTY: dict[str, Any] = {"omit": "empty"}
OMIT_NONE: dict[str, Any] = {"omit": "none"}


def rounded(digits: int, **more: Any) -> dict[str, Any]:
    """Field metadata: numbers are written rounded to `digits` decimals (scores, shares)."""
    return {"round": digits, **more}


def to_json(obj: Any) -> Any:
    """The analysis-contract JSON of a record tree (lists, dicts and scalars, ready for `json.dumps`)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        out: dict[str, Any] = dict(getattr(obj, "JSON_HEAD", {}))
        for f in _fields(type(obj)):
            value = _json_value(obj, f.name, f.metadata)
            if value is not _LEFT_OUT:
                out[f.name] = to_json(value)
        return out
    if isinstance(obj, list | tuple):
        return [to_json(x) for x in obj]
    if isinstance(obj, dict):
        return {str(k): to_json(v) for k, v in obj.items()}
    return obj


_LEFT_OUT = object()


def iter_json(obj: Any) -> Iterator[str]:
    """`json.dumps(to_json(obj), ensure_ascii=False)` in pieces, one record of each top-level sequence
    at a time: the analysis of a large store is written without ever holding its whole JSON tree."""
    if not (dataclasses.is_dataclass(obj) and not isinstance(obj, type)):
        yield _dumps(to_json(obj))
        return
    items: list[tuple[str, Any]] = list(getattr(obj, "JSON_HEAD", {}).items())
    for f in _fields(type(obj)):
        value = _json_value(obj, f.name, f.metadata)
        if value is not _LEFT_OUT:
            items.append((f.name, value))
    yield "{"
    for n, (name, value) in enumerate(items):
        yield f"{', ' if n else ''}{_dumps(name)}: "
        if isinstance(value, list | tuple) and value:
            yield "["
            for k, item in enumerate(value):
                yield f"{', ' if k else ''}{_dumps(to_json(item))}"
            yield "]"
        else:
            yield _dumps(to_json(value))
    yield "}"


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _json_value(obj: Any, name: str, meta: Mapping[str, Any]) -> Any:
    """A field's value as the contract writes it, or `_LEFT_OUT`."""
    if meta.get("skip"):
        return _LEFT_OUT
    value = getattr(obj, name)
    if value is None and "or" in meta:
        value = meta["or"](obj)
    omit = meta.get("omit")
    if (omit == "empty" and not value) or (omit == "none" and value is None):
        return _LEFT_OUT
    if "round" in meta and isinstance(value, int | float) and not isinstance(value, bool):
        return round(value, meta["round"])
    return value


@cache
def _fields(cls: type) -> tuple[dataclasses.Field[Any], ...]:
    return dataclasses.fields(cls)


def from_json(cls: type[T], data: Any) -> T:
    """A record rebuilt from its analysis-contract JSON (fields the contract leaves out get their defaults)."""
    return decode(cls, data)


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def from_plain(tp: Any, data: Any) -> Any:
    """Rebuild a value of type `tp` from what `to_plain` produced."""
    return _decoder(tp)(data)


Decoder = Callable[[Any], Any]


def _identity(data: Any) -> Any:
    return data


@cache
def _decoder(tp: Any) -> Decoder:
    """A function rebuilding values of type `tp`, built once per type (the store decodes many documents)."""
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is Union or origin is types.UnionType:
        non_none = [a for a in args if a is not type(None)]
        if len(non_none) != 1:
            return _identity
        inner = _decoder(non_none[0])
        return lambda data: None if data is None else inner(data)
    if origin is typing.Literal:
        canonical = {a: a for a in args}
        return lambda data: canonical.get(data, data) if isinstance(data, str) else data
    if origin is tuple:
        item = _decoder(args[0] if args else Any)
        return lambda data: tuple(item(x) for x in data) if item is not _identity else tuple(data)
    if origin is list:
        item = _decoder(args[0] if args else Any)
        return lambda data: [item(x) for x in data]
    if origin is dict:
        value = _decoder(args[1] if args else Any)
        return lambda data: {k: value(v) for k, v in data.items()}
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _dataclass_decoder(tp)
    if tp is str:
        return _shared_str
    if tp is float:
        return lambda data: float(data) if isinstance(data, int) and not isinstance(data, bool) else data
    return _identity


#: Strings up to this length are interned on decoding: article ids in every span, recogniser names,
#: units and names repeat across the records of a store, and one shared copy each keeps a
#: whole-store rerun's memory down.
SHARED_STR_MAX = 40


def _shared_str(data: Any) -> Any:
    return sys.intern(data) if isinstance(data, str) and len(data) <= SHARED_STR_MAX else data


def _dataclass_decoder(cls: type) -> Decoder:
    hints = _hints(cls)
    fields = [(f.name, _decoder(hints[f.name])) for f in dataclasses.fields(cls)]

    def build(data: Any) -> Any:
        return cls(**{name: dec(data[name]) for name, dec in fields if name in data})

    return build


def decode(cls: type[T], data: Any) -> T:
    """Typed entry point of `from_plain` for a dataclass."""
    result: T = from_plain(cls, data)
    return result
