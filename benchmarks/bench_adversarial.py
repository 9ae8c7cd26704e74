"""Cost of adversarial articles against a plain article of the same length (issue 13: at most 3x).

Every per-article stage of the default pipeline runs, in this process, on texts of 6,000 and 24,000
characters from the generators in `tests/reliability_support.py` (shared with the property test);
each time is the best of two runs.

    python -m benchmarks.bench_adversarial
"""

from __future__ import annotations

import sys

from .common import ROOT, write_section

LENGTHS = (6_000, 24_000)


def main() -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    from reliability_support import ADVERSARIAL, plain_text, stage_seconds
    from synoptic.pipeline import Context

    ctx = Context()
    rows = []
    for n in LENGTHS:
        plain = stage_seconds(plain_text(n), ctx)
        rows.append(f"| plain prose | {n:,} | {plain:.2f} s | 1.00 |")
        for name, make in ADVERSARIAL.items():
            seconds = stage_seconds(make(n), ctx)
            rows.append(f"| {name} | {n:,} | {seconds:.2f} s | {seconds / plain:.2f} |")
    lines = [
        "## Adversarial articles: cost against plain prose of the same length",
        "",
        "`benchmarks/bench_adversarial.py`: every per-article stage of the default pipeline, best of two runs. "
        "Target (issue 13): no input costs more than 3x a plain article of the same size; the growth from "
        "6,000 to 24,000 characters should be about 4x (linear) for every text.",
        "",
        "| text | characters | time | x plain |",
        "|---|---|---|---|",
        *rows,
        "",
    ]
    write_section("adversarial", lines)


if __name__ == "__main__":
    main()
