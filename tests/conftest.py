"""Shared fixtures: paths to the example corpus and to ../shared (seeds, eval, contract)."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings

from synoptic import Analysis, analyze
from synoptic.codec import iter_json
from synoptic.default_pipeline import default_pipeline
from synoptic.pipeline import Pipeline

# CI runs property tests with a fixed derivation of examples, so a red build is reproducible;
# local runs explore new examples every time.
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

_CACHE_DIR = pytest.StashKey[str]()


def pytest_configure(config: pytest.Config) -> None:
    """Slow-to-build data (the gazetteer) is cached in a folder of this test session's own, shared
    with the processes tests start, and never in the user's cache."""
    folder = tempfile.mkdtemp(prefix="synoptic-test-cache-")
    config.stash[_CACHE_DIR] = folder
    os.environ["SYNOPTIC_CACHE_DIR"] = folder


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(config.stash.get(_CACHE_DIR, ""), ignore_errors=True)


REPO = Path(__file__).resolve().parents[1]
# ../shared beside the checkout (or beside a parent folder of it, for a worktree)
SHARED = next((p / "shared" for p in REPO.parents if (p / "shared").is_dir()), REPO.parent / "shared")
EXAMPLES = REPO / "examples" / "corpus"


def plain_json(analysis: Analysis) -> str:
    """An analysis's JSON without its settings, keys sorted: equal for equal results of two runs."""
    data = json.loads("".join(iter_json(analysis)))
    data.pop("settings", None)
    return json.dumps(data, sort_keys=True, ensure_ascii=False)


@pytest.fixture(scope="session")
def ingest_only() -> Pipeline:
    """The pipeline up to sentence splitting: for tests of ingest and store, not of analysis."""
    return default_pipeline().until("sentences")


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    return EXAMPLES


@pytest.fixture(scope="session")
def expected() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((REPO / "examples" / "expected.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    path = SHARED / "seeds"
    if not path.is_dir():
        pytest.skip("../shared/seeds is not present")
    return path


@pytest.fixture(scope="session")
def eval_dir() -> Path:
    path = SHARED / "eval"
    if not path.is_dir():
        pytest.skip("../shared/eval is not present")
    return path


@pytest.fixture(scope="session")
def examples_analysis(examples_dir: Path) -> Analysis:
    """The full default pipeline over examples/corpus, run once per test session."""
    return analyze(examples_dir)


@pytest.fixture(scope="session")
def seeds_analysis(seeds_dir: Path) -> Analysis:
    """The full default pipeline over ../shared/seeds, run once per test session."""
    return analyze(seeds_dir)
