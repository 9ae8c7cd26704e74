"""The static model (tokenlearn-static-model) in Python, from the files its package ships.

The package's Rust engine builds Hugging Face's tokenizer from its 10 MB `tokenizer.json` in every
process that embeds: 0.9 s holding the interpreter lock (a web server's requests wait meanwhile)
and about 320 MB, most of it the tokenizer's trie of 276,326 pieces. Here the vocabulary is a
dictionary kept on disk once per machine (`disk_cache`), and the vectors are the engine's own, bit
for bit: the same normaliser (SentencePiece's precompiled character map), word split, Unigram
search (float64 scores, Hugging Face's tie-breaking, unknown characters as one fused piece), the
`<unk>` marker as written, at most 512 tokens, and the engine's float32 arithmetic (each token's row
times its weight, summed in order, times 1/n, divided by its norm).

The character map is applied to whole graphemes, which Unicode's segmentation rules delimit. Where
every grapheme is one code point that is plain; a text with characters that join the one before
(combining marks, joiners, Hangul jamo, flags, CR LF) or that holds the `<pad>` marker, as written or
once normalised ("＜ｐａｄ＞"), is left to the Rust engine (`needs_engine`), which then loads once;
so is a text with a word of thousands of characters, which the engine splits faster.
"""

from __future__ import annotations

import base64
import json
import math
import mmap
import struct
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from .disk_cache import cached, file_parts, package_version
from .embed_e5 import META, WORD_MEMO  # META: SentencePiece's word-start mark, which Metaspace puts before each word
from .memo import remember

Matrix = npt.NDArray[np.float32]

#: Tokens the engine reads of a text (it is called with max_length 512).
MAX_TOKENS = 512
#: Hugging Face's Unigram: an unknown character scores the vocabulary's lowest score minus this.
UNK_PENALTY = 10.0
#: The added tokens of the model's tokenizer: `<unk>` matched in the raw text, `<pad>` in the normalised text.
UNK_MARK, PAD_MARK = "<unk>", "<pad>"
#: A text with a longer word (no prose has one: a hostile or broken input) goes to the Rust engine:
#: the search here costs about 6 ms per 1,000 characters of one word, the engine's 0.4 ms.
WORD_LIMIT = 2_000
#: Rust's `char::is_whitespace` (Unicode White_Space), where Hugging Face's WhitespaceSplit cuts words.
_WHITE_SPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)
_TO_SPACE = str.maketrans({c: " " for c in _WHITE_SPACE})
#: Code points that join the grapheme before them, or after them, beyond their general category
#: (Mn, Mc, Me, Cf): Hangul jamo, regional indicators, emoji modifiers, halfwidth sound marks,
#: Thai and Lao SARA AM, and the letters of Unicode's Prepend class.
_JOINING_RANGES = (
    (0x1100, 0x11FF),
    (0xA960, 0xA97F),
    (0xD7B0, 0xD7FF),
    (0x1F1E6, 0x1F1FF),
    (0x1F3FB, 0x1F3FF),
    (0xFF9E, 0xFF9F),
    (0x0E33, 0x0E33),
    (0x0EB3, 0x0EB3),
    (0x0D4E, 0x0D4E),
    (0x111C2, 0x111C3),
    (0x1193F, 0x1193F),
    (0x11941, 0x11941),
    (0x11A3A, 0x11A3A),
    (0x11A84, 0x11A89),
    (0x11D46, 0x11D46),
    (0x11F02, 0x11F02),
)


def model_dir() -> Path:
    """The static_model package's bundled model folder."""
    import static_model

    return Path(static_model.__file__).resolve().parent / "model"


#: Format characters that Unicode's segmentation treats as controls, a grapheme of their own (the
#: soft hyphen, zero-width space, direction marks and isolates, word joiner, byte order mark).
_LONE_FORMAT = frozenset("\u00ad\u200b\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2066\u2067\u2068\u2069\ufeff")


@cache
def _joins(char: str) -> bool:
    """Whether `char` may join a neighbour into one grapheme of several code points."""
    category = unicodedata.category(char)
    if category in ("Mn", "Mc", "Me") or (category == "Cf" and char not in _LONE_FORMAT):
        return True
    cp = ord(char)
    return any(lo <= cp <= hi for lo, hi in _JOINING_RANGES)


def needs_engine(text: str) -> bool:
    """Whether `text` is left to the Rust engine: it holds a grapheme of several code points, or `<pad>`."""
    if PAD_MARK in text:
        return True
    if text.isascii():
        return "\r\n" in text
    return "\r\n" in text or any(_joins(c) for c in set(text))


class Charsmap:
    """SentencePiece's precompiled normaliser: a double-array trie of UTF-8 keys and the replacement
    strings it points to (a replacement applies to a whole key, found by its shortest match)."""

    def __init__(self, blob: bytes) -> None:
        (size,) = struct.unpack_from("<I", blob, 0)
        self._units: list[int] = np.frombuffer(blob, np.uint32, size // 4, 4).tolist()
        self._strings = blob[4 + size :]
        self._table: dict[int, str] = {}  # character -> its replacement, where it has one
        self._seen: set[str] = set()

    def _first_match(self, key: bytes) -> int | None:
        """The replacement offset of the shortest key that `key` starts with (Darts' prefix search)."""
        units = self._units
        unit = units[0]
        pos = (unit >> 10) << ((unit & (1 << 9)) >> 6)
        for byte in key:
            if byte == 0:
                return None
            pos ^= byte
            unit = units[pos]
            if unit & ((1 << 31) | 0xFF) != byte:
                return None
            pos ^= (unit >> 10) << ((unit & (1 << 9)) >> 6)
            if (unit >> 8) & 1:
                return units[pos] & ((1 << 31) - 1)
        return None

    def transform(self, chunk: str) -> str | None:
        """The replacement of `chunk`, or None when it has none."""
        at = self._first_match(chunk.encode("utf-8", "surrogatepass"))
        if at is None:
            return None
        end = self._strings.find(b"\0", at)
        try:
            return self._strings[at : end if end >= 0 else len(self._strings)].decode("utf-8")
        except UnicodeDecodeError:
            return None

    def words(self, text: str) -> list[str]:
        """`text` normalised and cut at white space (each character is a grapheme of its own:
        `needs_engine` is false). Each character's replacement is looked up once, white space in it
        made a plain space, so one `str.translate` does both. (A character is marked seen only once
        its replacement is in the table: a thread sharing the model never translates without it.)"""
        table = self._table
        for char in set(text).difference(self._seen):
            found = self.transform(char)
            done = (char if found is None else found).translate(_TO_SPACE)
            if done != char:
                table[ord(char)] = done
            self._seen.add(char)
        return text.translate(table).split(" ")


@dataclass(frozen=True)
class Vocabulary:
    """The tokenizer's Unigram pieces (by text: the last id of a repeated piece, as Hugging Face's
    map keeps it), their float64 scores, the id unknown characters take (`unk_id`: in this model
    the id of ".", a leftover of its vocabulary's renumbering), the id of the `<unk>` marker, the
    length in characters of the longest piece starting with each character, and the normaliser's
    map."""

    ids: dict[str, int]
    scores: npt.NDArray[np.float64]
    unk: int
    unk_mark: int
    longest: dict[str, int]
    charsmap: bytes


def build_vocabulary(folder: Path) -> Vocabulary:
    """The vocabulary of the model's `tokenizer.json`, checked to be the kind this module reads."""
    spec = json.loads((folder / "tokenizer.json").read_text(encoding="utf-8"))
    model, normaliser = spec["model"], spec["normalizer"]
    if model.get("type") != "Unigram" or model.get("byte_fallback") or normaliser.get("type") != "Precompiled":
        raise ValueError(f"{folder}: not a Unigram tokenizer with a precompiled normaliser")
    ids = {piece: i for i, (piece, _score) in enumerate(model["vocab"])}
    scores = np.array([float(score) for _piece, score in model["vocab"]], dtype=np.float64)
    longest: dict[str, int] = {}
    for piece in ids:
        if piece and len(piece) > longest.get(piece[0], 0):
            longest[piece[0]] = len(piece)
    charsmap = base64.b64decode(normaliser["precompiled_charsmap"])
    added = {token["content"]: token for token in spec.get("added_tokens", [])}
    if set(added) - {UNK_MARK, PAD_MARK} or added.get(UNK_MARK, {}).get("normalized", False):
        raise ValueError(f"{folder}: added tokens other than a raw {UNK_MARK} and {PAD_MARK}")
    unk_mark = int(added[UNK_MARK]["id"]) if UNK_MARK in added else -1
    return Vocabulary(ids, scores, int(model["unk_id"]), unk_mark, longest, charsmap)


def vocabulary(folder: Path) -> Vocabulary:
    """The vocabulary, from the disk cache (built there on a machine's first use)."""
    parts: list[str | bytes] = [
        f"static-model=={package_version('tokenlearn-static-model')}",
        *file_parts([folder / "tokenizer.json", Path(__file__)]),
    ]
    return cached("static-vocabulary", parts, lambda: build_vocabulary(folder))


class StaticTokenizer:
    """Hugging Face's pipeline for this tokenizer: `<unk>` split off, normalise, cut at white space,
    mark each word's start, best Unigram split of each marked word, at most 512 ids."""

    def __init__(self, vocab: Vocabulary) -> None:
        self._ids = vocab.ids
        self._scores: list[float] = vocab.scores.tolist()
        self._unk = vocab.unk
        self._unk_mark = vocab.unk_mark
        self._unk_score = float(vocab.scores.min()) - UNK_PENALTY
        self._longest = vocab.longest
        self.charsmap = Charsmap(vocab.charsmap)
        self._memo: dict[str, tuple[int, ...]] = {}

    def ids(self, text: str) -> list[int] | None:
        """The token ids of `text` (`needs_engine(text)` is false), or None for the engine: its
        normalised form holds the `<pad>` marker, which only the engine matches as Hugging Face
        does, or a word longer than `WORD_LIMIT`."""
        out: list[int] = []
        segments = text.split(UNK_MARK) if self._unk_mark >= 0 else [text]
        for k, segment in enumerate(segments):
            if k:
                out.append(self._unk_mark)
            for word in self.charsmap.words(segment):
                if PAD_MARK in word or len(word) > WORD_LIMIT:
                    return None
                if word:
                    self._add_word(word, out)
            if len(out) >= MAX_TOKENS:
                break
        return out[:MAX_TOKENS]

    def _add_word(self, word: str, out: list[int]) -> None:
        """The ids of one word: a word-start mark before it (and before each mark it holds)."""
        marked = word if word.startswith(META) else META + word
        start = 0
        while (cut := marked.find(META, start + 1)) > 0:
            out.extend(self._piece_ids(marked[start:cut]))
            start = cut
        out.extend(self._piece_ids(marked[start:]))

    def _piece_ids(self, part: str) -> tuple[int, ...]:
        known = self._memo.get(part)
        return known if known is not None else remember(self._memo, part, self._split, WORD_MEMO)

    def _split(self, part: str) -> tuple[int, ...]:
        """The best split of one marked word (Unigram's Viterbi search, `encode_optimized`): scores
        add in float64, a later start wins only with a higher score, an unknown character is tried
        only where no one-character piece starts, and a run of pieces with the unknown id (unknown
        characters, or the piece that has that id) fuses into one token: the piece spelt as the
        run, if there is one, else the unknown id."""
        n = len(part)
        best = [-math.inf] * (n + 1)  # unreached: any score beats it, as an unset node is taken
        best[0] = 0.0
        start = [0] * (n + 1)
        piece = [0] * (n + 1)
        ids, scores, longest, unk, unk_score = self._ids, self._scores, self._longest, self._unk, self._unk_score
        for i in range(n):
            here = best[i]
            idx = ids.get(part[i])
            if idx is None:  # no one-character piece: the character may be unknown
                idx, score = unk, unk_score + here
            else:
                score = scores[idx] + here
            if score > best[i + 1]:
                best[i + 1], start[i + 1], piece[i + 1] = score, i, idx
            for e in range(i + 2, min(n, i + longest.get(part[i], 0)) + 1):
                idx = ids.get(part[i:e])
                if idx is not None and (score := scores[idx] + here) > best[e]:
                    best[e], start[e], piece[e] = score, i, idx
        out: list[int] = []
        at = n
        while at > 0:
            if piece[at] != unk:
                out.append(piece[at])
                at = start[at]
                continue
            end = at
            while at > 0 and piece[at] == unk:
                at = start[at]
            out.append(ids.get(part[at:end], unk))
        return tuple(reversed(out))


class StaticModel:
    """The static model's vectors, computed here (`StaticTokenizer` and the bundled weights) or, for
    a text `needs_engine` names, by the package's Rust engine."""

    def __init__(self, folder: Path | None = None) -> None:
        folder = folder or model_dir()
        self.tokenizer = StaticTokenizer(vocabulary(folder))
        with (folder / "model.safetensors").open("rb") as f:
            self._buf = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        (header,) = struct.unpack_from("<Q", self._buf, 0)
        self._tensors = json.loads(self._buf[8 : 8 + header])
        self._base = 8 + header
        self._mapping = self._tensor("mapping", np.int64)
        self._weights = self._tensor("weights", np.float32)
        self._rows = self._tensor("embeddings", np.int8).reshape(self._tensors["embeddings"]["shape"])
        self.dim = int(self._rows.shape[1])

    def _tensor(self, name: str, dtype: type[np.generic]) -> npt.NDArray[np.generic]:
        start, end = self._tensors[name]["data_offsets"]
        size = np.dtype(dtype).itemsize
        return np.frombuffer(self._buf, dtype, (end - start) // size, self._base + start)

    def vectors(self, texts: Sequence[str]) -> Matrix:
        """Unit vectors (zero for a text without tokens), one row per text."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        hard = []
        for i, text in enumerate(texts):
            ids = None if needs_engine(text) else self.tokenizer.ids(text)
            if ids is None:
                hard.append(i)
            else:
                out[i] = self._pooled(ids)
        if hard:
            from static_model import get_embeddings

            out[hard] = np.array(get_embeddings([texts[i] for i in hard]), dtype=np.float32)
        return out

    def _pooled(self, ids: list[int]) -> Matrix:
        """The engine's pooling: rows times weights summed token by token, times 1/n, over the norm."""
        if not ids:
            return np.zeros(self.dim, dtype=np.float32)
        rows = self._rows[self._mapping[ids]].astype(np.float32) * self._weights[ids][:, None]
        mean = np.add.reduce(rows, axis=0) * (np.float32(1.0) / np.float32(len(ids)))
        norm = np.sqrt(np.cumsum(mean * mean, dtype=np.float32)[-1])
        if not norm > 0:
            return np.zeros(self.dim, dtype=np.float32)
        out: Matrix = mean / norm
        return out


@cache
def static_model() -> StaticModel:
    """The process's static model (built on first use)."""
    return StaticModel()
