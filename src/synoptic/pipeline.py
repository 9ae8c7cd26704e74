"""The analysis pipeline: an ordered list of named stages, each declaring what it needs and adds.

Two scopes exist. An *article* stage is a pure function over a batch of documents
(`(docs, ctx) -> docs`); it may run on any worker, in any batch split, and its output may be cached
per article. A *corpus* stage sees every document and the corpus-level results so far
(`(state, ctx) -> state`); clustering, entity resolution and comparison are corpus stages.
`Pipeline.check` refuses an order in which a stage needs a layer no earlier stage provides.

Everything corpus stages pass on is a declared, typed layer: a field of `CorpusState` for what the
analysis keeps, or a `CorpusLayer` subclass (named by its `layer`) for intermediate results that
only later stages read (the comparison's alignments), so requires/provides see every hand-over.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar, Generic, Literal, Protocol, TypeVar, runtime_checkable

import numpy as np
import numpy.typing as npt

from .corpus import Documents
from .errors import PipelineError
from .models import Derivation, Document, Entity, Quote, QuoteGroup, Rejection, Story
from .params import Params
from .settings import Settings

T = TypeVar("T")
P = TypeVar("P", bound=Params)


class VectorCache(Protocol):
    """Persistent vectors by text key (the store implements it); values are float16 rows.

    Stages reach the store only through this interface and through `Slot`s: the composition root
    (`api.py`) passes the open store in, so no stage imports the store package."""

    def get_vectors(self, model: str, keys: Sequence[bytes]) -> Mapping[bytes, npt.NDArray[np.float16]]:
        """The stored vectors among `keys`."""
        ...

    def put_vectors(self, model: str, rows: Mapping[bytes, npt.NDArray[np.float16]]) -> None:
        """Store these vectors (existing keys are kept)."""
        ...

    def forked_reader(self) -> VectorCache | None:
        """What a process forked from this one reads stored vectors through (its own connection: a
        connection must not cross a fork), or None when it cannot (an in-memory store). It stores
        nothing: the parent stores what the child encoded (`ForkAware`)."""
        ...


@runtime_checkable
class ForkAware(Protocol):
    """A resource that a corpus stage run in a forked process (`Stage.beside`) changes in a way the
    parent must see: the vectors the child's E5 encoded, which the parent keeps in its memory and its
    store. `forked_child` runs in the child before the stage, `child_changes` after it (picklable), and
    the parent passes those to its own copy's `take_child_changes`."""

    def forked_child(self) -> None: ...

    def child_changes(self) -> object: ...

    def take_child_changes(self, changes: object) -> None: ...


@dataclass(frozen=True)
class Slot(Generic[T]):
    """The typed name of a service a stage may use and the composition root provides (for example the
    store-backed story memory of the `stories` stage): the stage declares the slot with its own
    Protocol as `T`, `api.py` fills it with `Context.provide`, and the type checker matches the two."""

    name: str


#: Layers every document has on entering the pipeline (set by ingest).
BASE_LAYERS = frozenset({"text", "metadata"})


#: The prefix of the resource keys of the services `Slot`s hold (`Context.provided`).
SLOT_KEY = "slot:"


class Context:
    """What stages share during one run: settings and lazily loaded, cached resources (models).

    Nothing is loaded at import time; a resource is built on first use and kept for the run
    (or, on a distributed engine, for the worker's lifetime).
    """

    def __init__(self, settings: Settings | None = None, store: VectorCache | None = None) -> None:
        self.settings = settings or Settings()
        self.store = store
        self._resources: dict[str, Any] = {}
        self._forkable: set[str] = set()
        self._providers: dict[str, Callable[[], Any]] = {}

    def provide(self, slot: Slot[T], build: Callable[[], T]) -> None:
        """Fill `slot` with the service `build()` makes (built on first use, once per run)."""
        self._providers[slot.name] = build

    def provided(self, slot: Slot[T]) -> T | None:
        """The service in `slot`, or None when the composition root provided none (no store open)."""
        build = self._providers.get(slot.name)
        if build is None:
            return None
        value: T = self.resource(SLOT_KEY + slot.name, build)
        return value

    def resource(self, key: str, build: Callable[[], T], forkable: bool = False) -> T:
        """The resource named `key`, built by `build()` the first time it is asked for. `forkable`: a
        read-only model that worker processes forked from this one may use as built here (`forkable`)."""
        if key not in self._resources:
            self._resources[key] = build()
        if forkable:
            self._forkable.add(key)
        value: T = self._resources[key]
        return value

    def forkable(self) -> dict[str, Any]:
        """The resources built as `forkable`, for the contexts of forked workers (`adopt`)."""
        return {key: self._resources[key] for key in self._forkable}

    def adopt(self, resources: Mapping[str, Any]) -> None:
        """Take resources a parent process built (`forkable`) instead of building them again."""
        for key, value in resources.items():
            self._resources.setdefault(key, value)
            self._forkable.add(key)

    def params(self, cls: type[P]) -> P:
        """The run's values of the parameters `cls` declares (defaults with the run's overrides)."""
        return self.resource(f"params:{cls.__module__}.{cls.__qualname__}", lambda: self.settings.params_for(cls))

    def peek(self, key: str) -> Any:
        """The resource named `key` if something already built it, else None (for reports and benchmarks)."""
        return self._resources.get(key)

    def forked_child(self) -> None:
        """Make this (copied) context safe in a process forked to run a stage beside the parent's: the
        store is read through the child's own connection, services built on it (`Slot`s) are not
        offered, and `ForkAware` resources start recording what the parent must take over."""
        self.store = self.store.forked_reader() if self.store is not None else None
        self._providers = {}
        self._resources = {k: v for k, v in self._resources.items() if not k.startswith(SLOT_KEY)}
        for value in self._resources.values():
            if isinstance(value, ForkAware):
                value.forked_child()

    def child_changes(self) -> dict[str, object]:
        """In a forked child, after its stage: what each `ForkAware` resource changed, by name."""
        return {k: v.child_changes() for k, v in self._resources.items() if isinstance(v, ForkAware)}

    def take_child_changes(self, changes: Mapping[str, object]) -> None:
        """In the parent: take over what a forked child's resources changed (`child_changes`). What a
        resource built only in the child changed is dropped: a vector not kept is encoded again when
        next needed (the default pipeline builds its embedders before any stage runs beside others)."""
        for key, change in changes.items():
            value = self._resources.get(key)
            if isinstance(value, ForkAware):
                value.take_child_changes(change)


class CorpusLayer:
    """Base of an intermediate result one corpus stage hands to later ones (not part of the analysis).
    A subclass (a frozen dataclass) names its layer in `layer`, the name stages require and provide."""

    layer: ClassVar[str] = ""


L = TypeVar("L", bound=CorpusLayer)


@dataclass(frozen=True)
class CorpusState:
    """Everything corpus stages read and write; `provided` names the layers present so far.

    `documents` is a `Documents` (a tuple or list given is turned into one), which keeps a large run's
    documents encoded: stages look documents up with `documents.get` / `pick` rather than building a
    dict of them all, and rewrite them with `documents.map` / `replaced`."""

    documents: Documents
    rejected: tuple[Rejection, ...] = ()
    entities: tuple[Entity, ...] = ()
    quotes: tuple[Quote, ...] = ()
    stories: tuple[Story, ...] = ()
    derivations: tuple[Derivation, ...] = ()
    quote_groups: tuple[QuoteGroup, ...] = ()
    #: Intermediate layers, at most one of each `CorpusLayer` class (read with `layer`).
    intermediate: tuple[CorpusLayer, ...] = field(default=(), compare=False)
    provided: frozenset[str] = BASE_LAYERS

    def __post_init__(self) -> None:
        if not isinstance(self.documents, Documents):
            object.__setattr__(self, "documents", Documents(self.documents))

    def layer(self, kind: type[L]) -> L:
        """The intermediate layer of class `kind`; PipelineError when no earlier stage provided it."""
        item = self.layer_if_any(kind)
        if item is None:
            raise PipelineError(f"layer {kind.layer!r} is missing: no earlier stage provided it")
        return item

    def layer_if_any(self, kind: type[L]) -> L | None:
        """The intermediate layer of class `kind`, or None when no stage provided it."""
        return next((item for item in self.intermediate if type(item) is kind), None)

    def with_layer(self, item: CorpusLayer) -> CorpusState:
        """A copy holding `item` in place of any earlier layer of its class."""
        kept = tuple(x for x in self.intermediate if type(x) is not type(item))
        return replace(self, intermediate=(*kept, item))


ArticleFn = Callable[[Sequence[Document], Context], list[Document]]
CorpusFn = Callable[[CorpusState, Context], CorpusState]
#: An article stage's early work (`Stage.early`): the run's articles, its context, and the event that asks it to stop.
EarlyFn = Callable[[Sequence[Document], Context, threading.Event], object]


@dataclass(frozen=True)
class Stage:
    """A named step. `version` changes whenever its output would change, to invalidate caches;
    `params` are the parameter sections (`Params` classes) the stage reads, listed by `synoptic settings`.
    `preload` builds process-wide, read-only data the stage reads (the gazetteer): an engine runs it
    once in its own process before forking workers, so that they inherit the data instead of each
    building it again. `warm`, for a corpus stage, starts loading what the stage will need in the
    background (a model, in a helper process) as corpus stages begin, so that the stages before it
    run meanwhile; the stage gives the same result without it. `rewrites` names the layers of earlier
    stages that a corpus stage changes (`link_entities` joins entities, so it rewrites `entities` and
    `mentions`). `beside`, for a corpus stage that reads only the layers it requires: it may run in a
    forked process while the parent runs the stages after it that require none of the layers it
    provides or rewrites (`engines.beside`). `early`, for an article stage: work the local engine
    starts on the articles of a run in a process forked for it while the other stages' `preload`
    runs, before the workers fork (the loading leaves a core idle); it keeps what it computes in
    forkable resources, which must pickle (they are sent back, for the workers to find), and returns
    soon after its event is set. It runs after the stage's own `preload`, in that process; the stage
    gives the same result without it."""

    name: str
    scope: Literal["article", "corpus"]
    requires: frozenset[str]
    provides: frozenset[str]
    fn: Callable[..., Any]
    version: str = "1"
    params: tuple[type[Params], ...] = ()
    preload: Callable[[Context], object] | None = None
    warm: Callable[[CorpusState, Context], object] | None = None
    beside: bool = False
    rewrites: frozenset[str] = frozenset()
    early: EarlyFn | None = None


def article_stage(
    name: str,
    requires: Iterable[str],
    provides: Iterable[str],
    version: str = "1",
    params: Iterable[type[Params]] = (),
    preload: Callable[[Context], object] | None = None,
    early: EarlyFn | None = None,
) -> Callable[[ArticleFn], Stage]:
    """Decorator: declare a per-article stage."""

    def wrap(fn: ArticleFn) -> Stage:
        reqs, provs = frozenset(requires), frozenset(provides)
        return Stage(name, "article", reqs, provs, fn, version, tuple(params), preload, early=early)

    return wrap


def corpus_stage(
    name: str,
    requires: Iterable[str],
    provides: Iterable[str],
    version: str = "1",
    params: Iterable[type[Params]] = (),
    warm: Callable[[CorpusState, Context], object] | None = None,
    beside: bool = False,
    rewrites: Iterable[str] = (),
) -> Callable[[CorpusFn], Stage]:
    """Decorator: declare a corpus-level stage."""

    def wrap(fn: CorpusFn) -> Stage:
        reqs, provs, rewritten = frozenset(requires), frozenset(provides), frozenset(rewrites)
        return Stage(
            name, "corpus", reqs, provs, fn, version, tuple(params), warm=warm, beside=beside, rewrites=rewritten
        )

    return wrap


@dataclass(frozen=True)
class Pipeline:
    """An ordered, checked list of stages."""

    stages: tuple[Stage, ...]

    def __post_init__(self) -> None:
        self.check()

    def check(self) -> None:
        """Raise PipelineError when a stage needs a layer no earlier stage provides, or names repeat."""
        have = set(BASE_LAYERS)
        seen: set[str] = set()
        seen_corpus = False
        for stage in self.stages:
            if stage.name in seen:
                raise PipelineError(f"stage {stage.name!r} appears twice")
            seen.add(stage.name)
            missing = stage.requires - have
            if missing:
                raise PipelineError(f"stage {stage.name!r} requires {sorted(missing)}, which no earlier stage provides")
            if stage.scope == "article" and seen_corpus:
                raise PipelineError(f"article stage {stage.name!r} must come before every corpus stage")
            seen_corpus = seen_corpus or stage.scope == "corpus"
            have |= stage.provides

    @property
    def article_stages(self) -> tuple[Stage, ...]:
        return tuple(s for s in self.stages if s.scope == "article")

    @property
    def corpus_stages(self) -> tuple[Stage, ...]:
        return tuple(s for s in self.stages if s.scope == "corpus")

    def article_signature(self, overrides: Iterable[tuple[str, Any]] = ()) -> str:
        """Identifies the per-article stages, their versions and the overridden values of their
        parameters (`Settings.params`); cached annotations carry it, so a changed setting re-annotates."""
        key = "|".join(f"{s.name}@{s.version}" for s in self.article_stages)
        sections = {cls.section for s in self.article_stages for cls in s.params}
        changed = [f"{name}={value!r}" for name, value in overrides if name.split(".", 1)[0] in sections]
        if changed:
            key += "|" + ",".join(sorted(changed))
        return hashlib.sha256(key.encode()).hexdigest()[:16]

    def without(self, *names: str) -> Pipeline:
        """A copy without the named stages (checked again)."""
        unknown = set(names) - {s.name for s in self.stages}
        if unknown:
            raise PipelineError(f"no stage named {sorted(unknown)}; stages: {[s.name for s in self.stages]}")
        return Pipeline(tuple(s for s in self.stages if s.name not in names))

    def until(self, name: str) -> Pipeline:
        """A copy that stops after the named stage."""
        names = [s.name for s in self.stages]
        if name not in names:
            raise PipelineError(f"no stage named {name!r}; stages: {names}")
        return Pipeline(self.stages[: names.index(name) + 1])


def run_article_stages(
    stages: Sequence[Stage], docs: Sequence[Document], ctx: Context
) -> tuple[list[Document], list[Rejection]]:
    """Run per-article stages over one batch; documents a stage rejects leave the batch.

    Rejections come back in input order, so the result does not depend on how documents are batched.
    """
    current = list(docs)
    positions = list(range(len(current)))
    rejected: list[tuple[int, Rejection]] = []
    for stage in stages:
        out = stage.fn(current, ctx)
        if not isinstance(out, list) or len(out) != len(current):
            raise PipelineError(f"article stage {stage.name!r} must return one document per input document")
        current, kept_positions = [], []
        for doc, position in zip(out, positions, strict=True):
            doc = over_entity_limit(doc, ctx.settings)
            if doc.rejected_reason:
                rejected.append((position, Rejection(doc.article.path, doc.rejected_reason)))
            else:
                current.append(doc)
                kept_positions.append(position)
        positions = kept_positions
    rejected.sort(key=lambda item: item[0])
    return current, [r for _, r in rejected]


def over_entity_limit(doc: Document, settings: Settings) -> Document:
    """`doc`, rejected with a reason when it has more entity mentions than the configured limit."""
    if len(doc.mentions) <= settings.max_entities_per_article or doc.rejected_reason:
        return doc
    reason = (
        f"{len(doc.mentions)} entity mentions, over the limit of {settings.max_entities_per_article} "
        "(raise max_entities_per_article / --max-entities)"
    )
    return replace(doc, rejected_reason=reason)


def warm_corpus_stages(stages: Sequence[Stage], state: CorpusState, ctx: Context) -> None:
    """Start what the stages load in the background (`Stage.warm`), from the state corpus stages begin with."""
    for stage in stages:
        if stage.warm is not None:
            stage.warm(state, ctx)


def run_corpus_stages(stages: Sequence[Stage], state: CorpusState, ctx: Context) -> CorpusState:
    """Run corpus stages in order, recording the layers each adds."""
    for stage in stages:
        out = stage.fn(state, ctx)
        if not isinstance(out, CorpusState):
            raise PipelineError(f"corpus stage {stage.name!r} must return a CorpusState")
        state = replace(out, provided=out.provided | stage.provides)
    return state
