"""Command line: a few lines per command over the library API.

    synoptic analyze PATH... [--json FILE] [--db FILE] [--report DIR] [--quiet] [--config FILE] [--set S=V]...
    synoptic settings [--config FILE] [--set S=V]...
    synoptic serve [--db FILE] [--host 127.0.0.1] [--port 8000] [--token T] [--json FILE] [--watch SOURCES_FILE]
    synoptic fetch SOURCE... [--db FILE] [--json FILE] [--config FILE] [--set S=V]...
    synoptic watch SOURCES_FILE [--db FILE] [--every 15m]
    synoptic languages

Exit status: 0 when anything was analysed, 2 when nothing was (or on a usage error, or when the
store or an output cannot be written: one line says why), 1 on an internal error.
"""

from __future__ import annotations

import argparse
import errno
import os
import sqlite3
import sys
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.markup import escape

from . import cli_sources, langdata
from .api import analyze
from .cli_progress import RichProgress
from .default_pipeline import default_pipeline, known_params
from .engines import ENGINES
from .errors import OutputError, StoreError, SynopticError
from .ingest.safe import escape_controls
from .progress import NullProgress
from .report.json import write_json
from .settings import Settings
from .store.sqlite import Store, store_problem
from .version import __version__

EXIT_OK, EXIT_ERROR, EXIT_NOTHING = 0, 1, 2
#: Errors of the machine, not of Synoptic: a full disk or quota, a file too large, a read-only file system.
_FULL_OR_READ_ONLY = frozenset({errno.ENOSPC, errno.EFBIG, errno.EDQUOT, errno.EROFS})


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
    a.add_argument("--engine", default="local", help="where per-article stages run: local or ray (default: local)")
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

    cli_sources.add_settings_options(a)
    s = sub.add_parser("settings", help="list every tuned parameter: name, value in effect, default, reason")
    cli_sources.add_settings_options(s)

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
    cli_sources.add_serve_options(w)
    cli_sources.add_parsers(sub)

    sub.add_parser("languages", help="list the supported languages, their layers and measured figures")
    return parser


def cmd_analyze(args: argparse.Namespace, out: Console, err: Console) -> int:
    ENGINES.get(args.engine)  # an unknown engine fails here, naming the registered ones
    settings = Settings(
        max_file_bytes=args.max_file_size,
        max_article_chars=args.max_article_chars,
        max_entities_per_article=args.max_entities,
        engine=args.engine,
        batch_size=args.batch_size,
        workers=args.workers,
        params=cli_sources.param_overrides(args),
    )
    pipeline = default_pipeline().until(args.until) if args.until else None
    with Store(args.db) as store:  # a bad store fails here, before any input is read
        progress = NullProgress() if args.quiet else RichProgress(err)
        try:
            analysis = analyze(args.paths, settings=settings, db=store, progress=progress, pipeline=pipeline)
        finally:
            progress.done()
    for label, items in (("rejected", analysis.rejected), ("warning", analysis.warnings)):
        for r in items:
            line = f"[yellow]{label}[/] {safe(r.path)}: {safe(r.reason)}"
            err.print(line, markup=True, highlight=False, soft_wrap=True)  # one line per input, never wrapped
    document = analysis.to_dict()
    if args.json:
        _write_output("analysis JSON", args.json, lambda: write_json(document, args.json))
    if args.report:
        from .report import write_reports

        _write_output("report", args.report, lambda: write_reports(document, args.report))
    if not args.quiet:
        err.print(
            f"analysed {len(analysis.articles)} articles, rejected {len(analysis.rejected)}; "
            f"{len(analysis.stories)} stories, {len(analysis.entities)} entities, {len(analysis.quotes)} quotes"
        )
    if not analysis.articles:
        err.print("[red]nothing could be analysed[/]")
        return EXIT_NOTHING
    return EXIT_OK


def safe(text: str) -> str:
    """`text` fit to print on a terminal: control characters escaped, no rich markup."""
    return escape(escape_controls(text))


def _write_output(what: str, path: str, write: Any) -> None:
    try:
        write()
    except OSError as exc:
        raise OutputError(
            f"could not write the {what} {safe(path)} ({exc.strerror or exc}); the analysis is kept in the store"
        ) from exc


def cmd_serve(args: argparse.Namespace, err: Console) -> int:
    from .report.json import read_json
    from .web.app import import_document
    from .web.server import check_bind, serve

    check_bind(args.host, args.token)
    with Store(args.db, check=True):  # a bad store fails here, with one line, before anything is served
        pass
    if args.json:
        import_document(args.db, read_json(args.json))
    err.print(f"serving {safe(args.db)} on http://{args.host}:{args.port}/", highlight=False)
    serve(args.db, host=args.host, port=args.port, token=args.token, **cli_sources.serve_watch(args))
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


def cmd_settings(args: argparse.Namespace, out: Console) -> int:
    """Every declared parameter with the value this configuration gives it, its default and why."""
    from rich.table import Table

    overrides = dict(cli_sources.param_overrides(args))
    table = Table(title="Settings (override with --set section.name=value or synoptic.toml)")
    for column in ("name", "value", "default", "reason"):
        table.add_column(column, overflow="fold")
    for p in known_params():
        value = overrides.get(p.name, p.default)
        shown = f"[bold]{value!r}[/]" if p.name in overrides else repr(value)
        table.add_row(escape(p.name), shown, repr(p.default), escape(p.reason))
    out.print(table)
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
        if args.command == "fetch":
            return cli_sources.cmd_fetch(args, err)
        if args.command == "watch":
            return cli_sources.cmd_watch(args, err)
        if args.command == "languages":
            return cmd_languages(out)
        if args.command == "settings":
            return cmd_settings(args, out)
    except SynopticError as exc:
        err.print(f"[red]error[/] {safe(str(exc))}", highlight=False, soft_wrap=True)
        return EXIT_NOTHING
    except OSError as exc:
        if exc.errno not in _FULL_OR_READ_ONLY:
            raise
        where = f" {safe(str(exc.filename))}" if exc.filename else ""
        line = f"could not write{where} ({exc.strerror}); the store is unchanged since its last complete write"
        err.print(f"[red]error[/] {line}", highlight=False, soft_wrap=True)
        return EXIT_NOTHING
    except sqlite3.Error as exc:  # met outside a store transaction (a damaged page found by a read)
        problem = StoreError(store_problem(getattr(args, "db", "?"), exc))
        err.print(f"[red]error[/] {safe(str(problem))}", highlight=False, soft_wrap=True)
        return EXIT_NOTHING
    return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
