"""Command line: a few lines per command over the library API.

    synoptic analyze PATH... [--json FILE] [--db FILE] [--report DIR] [--quiet]
    synoptic serve [--db FILE] [--host 127.0.0.1] [--port 8000] [--token T] [--json FILE]
    synoptic languages

Exit status: 0 when anything was analysed, 2 when nothing was (or on a usage error), 1 on an
internal error.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from . import __version__, langdata
from .api import analyze
from .errors import SynopticError
from .progress import NullProgress
from .report.json import write_json
from .settings import Settings
from .stages import default_pipeline

EXIT_OK, EXIT_ERROR, EXIT_NOTHING = 0, 1, 2


class RichProgress:
    """Progress bars on stderr for interactive and logged runs."""

    def __init__(self, console: Console) -> None:
        self._bar = Progress(
            SpinnerColumn(),
            TextColumn("{task.description:<14}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        )
        self._task: Any = None
        self._bar.start()

    def phase(self, name: str, total: int | None) -> None:
        if self._task is not None:
            task = self._bar.tasks[-1]
            self._bar.update(self._task, total=task.completed or 1, completed=task.completed or 1)
        self._task = self._bar.add_task(name, total=total)

    def advance(self, n: int = 1) -> None:
        if self._task is not None:
            self._bar.advance(self._task, n)

    def done(self) -> None:
        if self._task is not None:
            task = self._bar.tasks[-1]
            self._bar.update(self._task, total=task.completed or 1, completed=task.completed or 1)
        self._bar.stop()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="synoptic", description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--version", action="version", version=f"synoptic {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    a = sub.add_parser("analyze", help="analyse articles in files and folders (text, HTML, JSON, JSONL)")
    a.add_argument("paths", nargs="+", help="files or folders (searched recursively)")
    a.add_argument("--json", metavar="FILE", help="write the analysis JSON here")
    a.add_argument("--db", metavar="FILE", default="synoptic.db", help="SQLite store (default: synoptic.db)")
    a.add_argument("--report", metavar="DIR", help="write an HTML and a Markdown report into this folder")
    a.add_argument("--quiet", "-q", action="store_true", help="no progress bars or summary")
    a.add_argument(
        "--max-file-size",
        type=int,
        metavar="BYTES",
        default=Settings.max_file_bytes,
        help="reject files larger than this (default: %(default)s)",
    )
    a.add_argument(
        "--max-article-chars",
        type=int,
        metavar="N",
        default=Settings.max_article_chars,
        help="reject articles whose text is longer (default: %(default)s)",
    )
    a.add_argument(
        "--max-entities",
        type=int,
        metavar="N",
        default=Settings.max_entities_per_article,
        help="reject articles with more entity mentions (default: %(default)s)",
    )
    a.add_argument("--engine", choices=["local", "ray"], default="local", help="where per-article stages run")
    a.add_argument("--until", metavar="STAGE", help="stop after this stage of the pipeline (quick partial runs)")
    a.add_argument(
        "--batch-size",
        type=int,
        metavar="N",
        default=Settings.batch_size,
        help="articles per batch; annotations are saved every 8 batches (default: %(default)s)",
    )
    a.add_argument(
        "--workers",
        type=int,
        metavar="N",
        default=Settings.workers,
        help="processes for the per-article stages of the local engine, used from "
        f"{Settings.parallel_min_articles} new articles on (default: %(default)s = one per CPU)",
    )

    w = sub.add_parser("serve", help="browse the store's latest analysis in a web browser, with an HTTP API")
    w.add_argument("--db", metavar="FILE", default="synoptic.db", help="SQLite store (default: synoptic.db)")
    w.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    w.add_argument("--port", type=int, default=8000, help="port (default: %(default)s)")
    w.add_argument(
        "--token",
        default=os.environ.get("SYNOPTIC_TOKEN"),
        help="required for a non-loopback --host; "
        "clients send it as 'Authorization: Bearer TOKEN' (default: $SYNOPTIC_TOKEN)",
    )
    w.add_argument("--json", metavar="FILE", help="first keep this analysis JSON (and its articles) in the store")

    sub.add_parser("languages", help="list the supported languages, their layers and measured figures")
    return parser


def cmd_analyze(args: argparse.Namespace, out: Console, err: Console) -> int:
    settings = Settings(
        max_file_bytes=args.max_file_size,
        max_article_chars=args.max_article_chars,
        max_entities_per_article=args.max_entities,
        engine=args.engine,
        batch_size=args.batch_size,
        workers=args.workers,
    )
    progress = NullProgress() if args.quiet else RichProgress(err)
    pipeline = default_pipeline().until(args.until) if args.until else None
    analysis = analyze(args.paths, settings=settings, db=args.db, progress=progress, pipeline=pipeline)
    for r in analysis.rejected:
        err.print(f"[yellow]rejected[/] {r.path}: {r.reason}", markup=True, highlight=False)
    document = analysis.to_dict()
    if args.json:
        write_json(document, args.json)
    if args.report:
        from .report import write_reports

        write_reports(document, args.report)
    if not args.quiet:
        err.print(
            f"analysed {len(analysis.articles)} articles, rejected {len(analysis.rejected)}; "
            f"{len(analysis.stories)} stories, {len(analysis.entities)} entities, {len(analysis.quotes)} quotes"
        )
    if not analysis.articles:
        err.print("[red]nothing could be analysed[/]")
        return EXIT_NOTHING
    return EXIT_OK


def cmd_serve(args: argparse.Namespace, err: Console) -> int:
    from .report.json import read_json
    from .web.app import import_document
    from .web.server import check_bind, serve

    check_bind(args.host, args.token)
    if args.json:
        import_document(args.db, read_json(args.json))
    err.print(f"serving {args.db} on http://{args.host}:{args.port}/", highlight=False)
    serve(args.db, host=args.host, port=args.port, token=args.token)
    return EXIT_OK


def cmd_languages(out: Console) -> int:
    """Each supported language with the layers its data covers and what was measured on labelled data."""
    from rich.table import Table

    table = Table(title="Supported languages", show_lines=False)
    for column in ("code", "language", "scripts", "layers", "measured (evaluation half)"):
        table.add_column(column)
    figures = langdata.measured()
    for lang in langdata.supported_languages():
        info = langdata.info(lang)
        layers = langdata.layers(lang)
        complete = "all 8" if len(layers) == len(langdata.LAYERS) else ", ".join(layers)
        table.add_row(lang, info["name"], "+".join(info["scripts"]), complete, _figures(figures.get(lang)))
    out.print(table)
    out.print(f"layers: {', '.join(langdata.LAYERS)}; figures from docs/bench/languages.md", highlight=False)
    return EXIT_OK


def _figures(found: dict[str, Any] | None) -> str:
    if not found:
        return "no labelled data (layers tested on written cases only)"
    return "; ".join(f"{k} {v}" for k, v in found.items())


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    out, err = Console(), Console(stderr=True)
    try:
        if args.command == "analyze":
            return cmd_analyze(args, out, err)
        if args.command == "serve":
            return cmd_serve(args, err)
        if args.command == "languages":
            return cmd_languages(out)
    except SynopticError as exc:
        err.print(f"[red]error[/] {exc}", highlight=False)
        return EXIT_NOTHING
    return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
