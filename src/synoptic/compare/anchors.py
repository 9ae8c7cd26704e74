"""Anchors: what stays the same when a statement is retold in another article or language.

Names (transliteration-insensitive keys of capitalised words), numbers, resolved days and the
entities a sentence names survive translation and rewording. Comparison stages use them to find,
without E5, the items (claim sentences, quotes) that have a plausible partner in another
independent voice: only those need an E5 vector (E5 is the slowest step of a run). The static
model's close pairs add partners that share no anchor; static cosines alone do not predict
a high E5 score, so they only widen the anchors, never replace them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from ..annotate.names import word_key

Matrix = npt.NDArray[np.float32]

_NAME = re.compile(r"(?<![\w])([^\W\d_][\w'’-]{2,}|\d[\d.,:]*)", re.UNICODE)


def name_keys(text: str, skip_first: bool = True) -> frozenset[str]:
    """Transliteration-insensitive keys of the capitalised words not opening a sentence, and of
    the numbers, of a text: what stays the same across renderings and languages."""
    keys: set[str] = set()
    for m in _NAME.finditer(text):
        word = m.group(1)
        if word[0].isdigit():
            keys.add(re.sub(r"\D", "", word))
            continue
        before = text[max(0, m.start() - 3) : m.start()].rstrip(" \t\"'“„«‘(")
        if not word[0].isupper() or (skip_first and (not before or before[-1] in ".!?:\n")):
            continue
        key = word_key(word)
        if len(key) >= 3:
            keys.add(key)
    return frozenset(keys)


def sharing(anchors: Sequence[frozenset[str]]) -> npt.NDArray[np.bool_]:
    """(n, n): whether items i and j share at least one anchor."""
    index: dict[str, int] = {}
    rows, cols = [], []
    for k, keys in enumerate(anchors):
        for key in keys:
            rows.append(k)
            cols.append(index.setdefault(key, len(index)))
    incidence = np.zeros((len(anchors), max(1, len(index))), dtype=np.float32)
    incidence[rows, cols] = 1.0
    out: npt.NDArray[np.bool_] = (incidence @ incidence.T) > 0
    return out
