"""Bounded memories of pure functions' answers, for the hot lookups of long runs: tokenisers' word
splits and the gazetteer's lookups. News repeats its words, so nearly every call is a hit; a memory
is emptied when full, so a whole-store run over 100k articles stays bounded."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def remember(memo: dict[K, V], key: K, compute: Callable[[K], V], limit: int) -> V:
    """`compute(key)`, kept in `memo` for the next time; `memo` is emptied first when it holds `limit`
    answers. Callers look `key` up in `memo` themselves (a hit then costs no call)."""
    value = compute(key)
    if len(memo) >= limit:
        memo.clear()
    memo[key] = value
    return value
