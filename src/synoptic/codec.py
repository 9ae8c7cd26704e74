"""Generic dataclass <-> JSON-able conversion, driven by type hints.

The store caches annotated documents and the analysis, and the distributed engine ships them;
both need a faithful round trip of the frozen records in `models`, without a serializer per type.
"""

from __future__ import annotations

import dataclasses
import types
import typing
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


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def from_plain(tp: Any, data: Any) -> Any:
    """Rebuild a value of type `tp` from what `to_plain` produced."""
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is Union or origin is types.UnionType:
        if data is None:
            return None
        non_none = [a for a in args if a is not type(None)]
        return from_plain(non_none[0], data) if len(non_none) == 1 else data
    if origin is typing.Literal:
        return data
    if origin is tuple:
        inner = args[0] if args else Any
        return tuple(from_plain(inner, x) for x in data)
    if origin is list:
        return [from_plain(args[0] if args else Any, x) for x in data]
    if origin is dict:
        return {k: from_plain(args[1] if args else Any, v) for k, v in data.items()}
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        hints = _hints(tp)
        kwargs = {f.name: from_plain(hints[f.name], data[f.name]) for f in dataclasses.fields(tp) if f.name in data}
        return tp(**kwargs)
    if tp is float and isinstance(data, int):
        return float(data)
    return data


def decode(cls: type[T], data: Any) -> T:
    """Typed entry point of `from_plain` for a dataclass."""
    result: T = from_plain(cls, data)
    return result
