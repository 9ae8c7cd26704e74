"""Parametrise every language's table into one test per case (tests/lang/<iso>/test_<iso>_language.py)."""

from __future__ import annotations

import pytest

from .cases import LanguageCases


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    module = metafunc.module
    table: LanguageCases | None = getattr(module, "CASES", None)
    if table is None:
        return
    for name in ("identify", "sentences", "timex", "quantities", "places", "people", "quotes", "hedges", "boilerplate"):
        arg = f"{name}_case"
        if arg in metafunc.fixturenames:
            metafunc.parametrize(arg, getattr(table, name), ids=[str(i) for i in range(len(getattr(table, name)))])
