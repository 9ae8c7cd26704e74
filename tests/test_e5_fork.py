"""The run's E5 model is built once, before the worker processes fork, and a forked worker encodes
with it exactly as the parent does (onnxruntime's session starts no threads a fork could lose)."""

from __future__ import annotations

import multiprocessing as mp
from typing import Any

import numpy as np

from synoptic.embed import e5_embedder, e5_model
from synoptic.engines.local import preload
from synoptic.pipeline import Context
from synoptic.settings import Settings
from synoptic.stories.features import lead_vector_stage

TEXTS = ["Talks in Geneva were constructive.", "Переговоры в Женеве были конструктивными.", "Pepeo iz vulkana."]


_WORKER: list[tuple[Context, Any]] = []  # the forked worker's context and the model it was handed


def _start(inherited: dict[str, Any]) -> None:
    """As the local engine starts a worker: models reach it through the fork, never pickled."""
    worker = Context(Settings())
    worker.adopt(inherited)
    _WORKER.append((worker, inherited["model:e5"]))


def _encode_in_worker() -> Any:
    worker, handed = _WORKER[0]
    assert e5_model(worker) is handed, "the worker built its own model"
    return e5_embedder(worker).encode(TEXTS)


def test_e5_model_is_preloaded_for_workers_and_encodes_alike_after_fork() -> None:
    parent = Context(Settings())
    inherited = preload([lead_vector_stage], parent)
    assert set(inherited) >= {"model:e5"}
    with mp.get_context("fork").Pool(1, initializer=_start, initargs=(inherited,)) as pool:
        forked = pool.apply(_encode_in_worker)
    here = e5_embedder(parent).encode(TEXTS)
    assert np.array_equal(forked, here)
    assert not np.array_equal(here[0], here[1])
