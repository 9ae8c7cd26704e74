"""`memo.remember`: a remembered answer is the computed one, and the memory never holds more than
its limit (it is emptied when full, so a long run stays bounded)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from synoptic.memo import remember


def _answer(key: int) -> str:
    return f"<{key}>"


@given(st.lists(st.integers(0, 30), max_size=200), st.integers(1, 10))
def test_answers_are_computed_ones_and_the_memory_stays_bounded(keys: list[int], limit: int) -> None:
    memo: dict[int, str] = {}
    for key in keys:
        known = memo.get(key)
        answer = known if known is not None else remember(memo, key, _answer, limit)
        assert answer == _answer(key)
        assert len(memo) <= limit
        assert memo[key] == answer  # the newest answer is always kept


def test_a_full_memory_is_emptied_before_the_new_answer() -> None:
    memo = {1: "<1>", 2: "<2>"}
    assert remember(memo, 3, _answer, 2) == "<3>"
    assert memo == {3: "<3>"}


def test_each_miss_computes_once() -> None:
    calls: list[int] = []

    def counted(key: int) -> str:
        calls.append(key)
        return _answer(key)

    memo: dict[int, str] = {}
    for key in (1, 2, 1, 1, 2):
        if key not in memo:
            remember(memo, key, counted, 10)
    assert calls == [1, 2]
