"""`make bench`: run every `benchmarks/bench_*.py` main(), then assemble docs/benchmarks.md from docs/bench/*.md.

A benchmark that fails (for example because ../shared/eval is absent) is reported and the others
still run; its previous section, if any, stays in the assembled document.

    python -m benchmarks.run_all                  # run everything, then assemble
    python -m benchmarks.run_all --only throughput
    python -m benchmarks.run_all --assemble-only  # rebuild docs/benchmarks.md from the sections
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path

from .common import BENCH_DOCS, ROOT

HERE = Path(__file__).resolve().parent
DOC = ROOT / "docs" / "benchmarks.md"
INTRO = """# Benchmarks

Every figure here comes from `make bench` (`python -m benchmarks.run_all`), which runs each
`benchmarks/bench_*.py` and gathers the sections they write to `docs/bench/`. Each benchmark runs a
peer baseline side by side in the same run, so figures are ratios as well as absolute times. Machine:
2 CPU cores, shared with other work while these ran; absolute times vary by a few tens of percent from
run to run, ratios less. Development and tuning use train/dev splits only.
"""


def benchmark_names() -> list[str]:
    """Names of the benchmark modules (`bench_<name>.py`), sorted."""
    return sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))


def run(name: str) -> bool:
    """Run one benchmark's main(); False (with the traceback printed) when it fails."""
    module = importlib.import_module(f"benchmarks.bench_{name}")
    argv, sys.argv = sys.argv, [f"bench_{name}"]
    start = time.perf_counter()
    try:
        module.main()
    except Exception:
        traceback.print_exc()
        print(f"benchmark {name} FAILED after {time.perf_counter() - start:.0f} s", file=sys.stderr)
        return False
    finally:
        sys.argv = argv
    print(f"benchmark {name} done in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    return True


#: Sections shown first, in this order: the headline figures on real news.
LEAD = ("realnews",)


def _section_order(path: Path) -> tuple[int, str]:
    return (LEAD.index(path.stem) if path.stem in LEAD else len(LEAD), path.stem)


def assemble(failed: Sequence[str] = ()) -> str:
    """docs/benchmarks.md: the intro, the lead sections, then every other section in docs/bench/ (by name)."""
    parts = [INTRO]
    if failed:
        parts.append(f"Benchmarks that failed in the last run (older sections kept): {', '.join(failed)}.\n")
    for section in sorted(BENCH_DOCS.glob("*.md"), key=_section_order):
        parts.append(section.read_text(encoding="utf-8").strip() + "\n")
    text = "\n".join(parts)
    DOC.write_text(text, encoding="utf-8")
    return text


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--only", nargs="*", choices=benchmark_names(), help="run only these benchmarks")
    parser.add_argument("--assemble-only", action="store_true", help="only rebuild docs/benchmarks.md")
    args = parser.parse_args(argv)
    failed: list[str] = []
    if not args.assemble_only:
        failed = [name for name in (args.only or benchmark_names()) if not run(name)]
    assemble(failed)
    print(f"wrote {DOC.relative_to(ROOT)}" + (f"; failed: {', '.join(failed)}" if failed else ""))
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
