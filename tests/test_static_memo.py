"""The static embedder's memory of texts: a remembered vector is the one the model gives, bit for
bit, whatever else was encoded with it; repeated texts cost the model nothing; the memory stays
within its size, forgetting the least recently used texts first."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from synoptic.embed import StaticEmbedder
from synoptic.embed_static import StaticModel

#: Texts in several scripts and shapes: empty, white space only, one word, a long sentence, a text
#: longer than the model's 512 tokens, digits, and one text twice.
TEXTS = (
    "",
    "   ",
    "Moskau",
    "Рябков заявил, что Россия не намерена размещать ракеты в Европе.",
    "Le ministre a démenti toute négociation secrète avec Washington mardi soir.",
    "Die Regierung in Berlin kündigte am Montag neue Hilfen für die Ukraine an.",
    "Vlada je u ponedjeljak najavila nove mjere za pomoć poljoprivrednicima.",
    "42 000 000",
    "Der Bundestag stimmte zu. " * 300,
    "Moskau",
)


def model_vectors(texts: Sequence[str]) -> np.ndarray:
    """What the package's Rust engine gives, one text per call, normalised as the embedder normalises
    (a text without tokens keeps its zero vector)."""
    from static_model import get_embeddings

    rows = np.array([get_embeddings([t or " "])[0] for t in texts], dtype=np.float32)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    out: np.ndarray = rows / norms
    return out


@pytest.fixture(scope="module")
def reference() -> np.ndarray:
    return model_vectors(TEXTS)


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts the model is asked to encode from now on, in order."""
    seen: list[str] = []
    real = StaticModel.vectors

    def counting(self: StaticModel, texts: Sequence[str]) -> Any:
        seen.extend(texts)
        return real(self, texts)

    monkeypatch.setattr(StaticModel, "vectors", counting)
    return seen


def test_vectors_equal_the_models_own(reference: np.ndarray) -> None:
    got = StaticEmbedder().encode(TEXTS)
    assert got.dtype == np.float32 and got.shape == (len(TEXTS), 64)
    assert np.array_equal(got, reference)


def test_remembered_vectors_equal_fresh_ones_in_any_order(reference: np.ndarray) -> None:
    embedder = StaticEmbedder()
    embedder.encode(TEXTS[3:6])
    again = embedder.encode(TEXTS[::-1])[::-1]
    assert np.array_equal(again, reference)


def test_repeated_texts_are_encoded_once(asked: list[str]) -> None:
    embedder = StaticEmbedder()
    first = embedder.encode(TEXTS)
    second = embedder.encode(list(TEXTS[2:5]) * 3)
    assert len(asked) == len(set(TEXTS))  # "Moskau" twice in one call: asked once
    assert np.array_equal(second, np.concatenate([first[2:5]] * 3))


def test_memory_keeps_its_size_and_forgets_least_recent_first(asked: list[str]) -> None:
    embedder = StaticEmbedder(cache_size=3)
    embedder.encode(["a b", "c d", "e f"])
    embedder.encode(["a b"])  # now the most recent
    embedder.encode(["g h"])  # forgets "c d", the least recently used
    asked.clear()
    embedder.encode(["a b", "e f", "g h"])
    assert asked == []
    embedder.encode(["c d"])
    assert asked == ["c d"]
    assert len(embedder._cache) == 3


def test_a_call_larger_than_the_memory_still_answers_every_text(reference: np.ndarray) -> None:
    embedder = StaticEmbedder(cache_size=2)
    assert np.array_equal(embedder.encode(TEXTS), reference)
    assert len(embedder._cache) == 2


def test_nothing_asked_gives_an_empty_matrix() -> None:
    assert StaticEmbedder().encode([]).shape == (0, 64)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(max_size=60), min_size=1, max_size=12), st.randoms(use_true_random=False))
def test_any_texts_in_any_batches_give_the_models_vectors(texts: list[str], rnd: Any) -> None:
    embedder = StaticEmbedder(cache_size=5)
    order = list(range(len(texts)))
    rnd.shuffle(order)
    embedder.encode([texts[i] for i in order[: len(order) // 2]])
    assert np.array_equal(embedder.encode(texts), model_vectors(texts))
