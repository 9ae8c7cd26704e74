"""Conflict detection: thresholds calibrated on real news (WMT22, `benchmarks.conflicts_wmt22`:
calibration and evaluation halves beside the values set by hand before), then behaviour checks on
the example corpus (examples/expected.json) and the five seed articles (the three conflicts named in
the issue), against a slot-free baseline. The examples and seeds set no threshold.

Synoptic runs the full default pipeline and reports its story conflicts. The peer baseline, run
in the same process on the same claim units and calibrated E5 similarities, is what one would
build without slots: every pair of related sentences (similarity >= conflicts.related) from different
articles that write different numbers, places or dates is a conflict. A produced conflict is right
when two of its values are stated by the two sides of one labelled conflict (by article).

Run: `.venv/bin/python -m benchmarks.bench_conflicts` (writes docs/bench/conflicts.md).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from synoptic import analyze
from synoptic.compare.claim_groups import Aligned
from synoptic.compare.claims import ClaimUnit
from synoptic.compare.conflicts import ConflictParams

from .wmt22 import SHARED

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "corpus"
SEEDS = SHARED / "seeds"
OUT = ROOT / "docs" / "bench" / "conflicts.md"

# The seed conflicts: (value side A seeds, value side B seeds), by seed number.
SEED_LABELS = [
    ("place of the Wednesday NATO-Russia meeting", ({"003"}, {"004"})),
    ("outcome of the 1962 crisis", ({"000"}, {"001"})),
    ("date of Ryabkov's remarks", ({"002"}, {"003", "004"})),
]

Sides = list[set[str]]


def _file_key(path: str) -> str:
    name = Path(path.split("#")[0]).name
    return f"{name}#{path.split('#')[1]}" if "#" in path else name


def example_labels() -> list[tuple[str, tuple[set[str], ...]]]:
    expected = json.loads((ROOT / "examples" / "expected.json").read_text(encoding="utf-8"))
    return [(c["about"], tuple(set(files) for files in c["values"].values())) for c in expected["conflicts"]]


def _right(sides: Sides, labels: Iterable[tuple[str, tuple[set[str], ...]]]) -> str | None:
    """The label a conflict matches: two of its values are stated by the two sides of that label."""
    for about, (a, b, *_rest) in labels:
        if any(x & a for x in sides) and any(y & b for y in sides if not y & a):
            return about
    return None


def baseline(aligned: Aligned) -> list[Sides]:
    """Slot-free conflicts: related sentence pairs from different articles with different values."""
    out: list[Sides] = []
    units = aligned.units
    for i in range(len(units)):
        for j in range(i + 1, len(units)):
            a, b = units[i], units[j]
            if a.article == b.article or aligned.sim(i, j) < ConflictParams.related:
                continue
            if _values(a) and _values(b) and not _values(a) & _values(b):
                out.append([{a.article}, {b.article}])
    return out


def _values(u: ClaimUnit) -> set[str]:
    nums = {f"{q.low:g}" for q in u.quantities}
    return nums | {p.key for p in u.places} | {t.value or t.text for t in u.times}


def evaluate(path: Path, labels: list[tuple[str, tuple[set[str], ...]]], by: str) -> dict[str, Any]:
    """Run the pipeline on one corpus; score Synoptic's conflicts and the baseline's."""
    t0 = time.perf_counter()
    analysis = analyze(path)
    seconds = time.perf_counter() - t0
    key = {a.id: (Path(a.path).name[:3] if by == "seed" else _file_key(a.path)) for a in analysis.articles}
    named = [(about, tuple(set(side) for side in sides)) for about, sides in labels]
    distinct = {  # a conflict between sibling stories is listed in each: count it once
        (c.about, tuple(v.value for v in c.values)): c for story in analysis.stories for c in story.conflicts
    }
    ours: list[Sides] = [[{key[s.article] for s in v.spans} for v in c.values] for c in distinct.values()]
    found = {_right(c, named) for c in ours} - {None}
    base: list[Sides] = []
    for story in analysis.stories:
        aligned = _aligned_for(analysis, story.id)
        if aligned is not None:
            base += [[{key[a] for a in side} for side in pair] for pair in baseline(aligned)]
    base_found = {_right(c, named) for c in base} - {None}
    return {
        "labels": len(labels),
        "ours": (len(ours), sum(_right(c, named) is not None for c in ours), len(found)),
        "base": (len(base), sum(_right(c, named) is not None for c in base), len(base_found)),
        "seconds": seconds,
    }


def _aligned_for(analysis: Any, story_id: str) -> Aligned | None:
    """Rebuild the story's aligned units (claims stage internals) for the baseline."""
    from synoptic.compare.claim_groups import align
    from synoptic.compare.claim_parse import parse_slots
    from synoptic.compare.claims import units_of
    from synoptic.embed import e5_embedder
    from synoptic.pipeline import Context

    story = next(s for s in analysis.stories if s.id == story_id)
    ctx = Context()
    names = {e.id: e.name for e in analysis.entities}
    docs = [d for d in analysis.documents if d.id in set(story.articles)]
    units = [u for d in docs for u in units_of(d, names)]
    return align(parse_slots(units, ctx), e5_embedder(ctx)) if units else None


def _row(name: str, r: dict[str, Any], which: str) -> str:
    total, right, labels_found = r[which]
    precision = right / total if total else 0.0
    recall = labels_found / r["labels"] if r["labels"] else 0.0
    return f"| {name} | {total} | {right} | {precision:.2f} | {labels_found}/{r['labels']} ({recall:.2f}) |"


def _real_news() -> list[str]:
    """The WMT22 calibration section (empty when ../shared/eval is absent)."""
    from .conflicts_wmt22 import section
    from .wmt22 import WMT

    return section() if WMT.is_dir() else ["(WMT22 calibration skipped: ../shared/eval/wmt22_news absent)", ""]


def main() -> None:
    results = {"example corpus": evaluate(EXAMPLES, example_labels(), "file")}
    if SEEDS.is_dir():
        results["seeds"] = evaluate(SEEDS, [(about, tuple(sides)) for about, sides in SEED_LABELS], "seed")
    lines = [
        "## Conflicts between sources",
        "",
        "Produced conflicts, how many match a labelled conflict (precision), and labelled conflicts found",
        "(recall). Baseline: related sentence pairs (calibrated E5 >= 0.86) with different numbers, places",
        "or dates, without slots, precision ranges, frames or hedging, compared within each story.",
        "A produced conflict is right when two of its values come from the two sides of one label (by article).",
        "",
        "| corpus / system | conflicts | right | precision | labels found (recall) |",
        "| --- | --- | --- | --- | --- |",
    ]
    for corpus, r in results.items():
        lines.append(_row(f"{corpus}: Synoptic", r, "ours"))
        lines.append(_row(f"{corpus}: baseline", r, "base"))
    lines.append("")
    for corpus, r in results.items():
        base_p = r["base"][1] / r["base"][0] if r["base"][0] else 0.0
        ours_p = r["ours"][1] / r["ours"][0] if r["ours"][0] else 0.0
        ratio = f"{ours_p / base_p:.1f}x" if base_p else "n/a (baseline precision 0)"
        lines.append(f"- {corpus}: precision ratio Synoptic / baseline = {ratio}; full pipeline {r['seconds']:.0f} s.")
    lines = [
        "",
        *_real_news(),
        "### Behaviour checks: example corpus and seeds (no threshold set on them)",
        "",
        *lines[2:],
    ]
    text = "\n".join(["## Conflicts between sources", *lines]) + "\n"
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
