"""The `fetch` and `watch` commands (and `serve --watch`'s options): a few lines each over `synoptic.sources`.

synoptic fetch SOURCE... [--db FILE] [--json FILE] [--rate N] [--quiet]
synoptic watch SOURCES_FILE [--db FILE] [--every 15m] [--rounds N] [--quiet]
"""

from __future__ import annotations

import argparse
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from .cli_progress import RichProgress
from .default_pipeline import check_params
from .params import Scalar, parse_assignments, read_config
from .report.json import write_json
from .settings import Settings
from .sources import CrawlSettings, FetchReport, fetch, parse_duration, watch
from .sources.watch import DEFAULT_EVERY_S, Round, stop_on_signals
from .store.sqlite import Store

EXIT_OK, EXIT_NOTHING = 0, 2


def add_crawl_options(parser: argparse.ArgumentParser) -> None:
    """Options of the polite crawler, shared by fetch, watch and serve --watch."""
    d = CrawlSettings()
    g = parser.add_argument_group("crawling")
    g.add_argument("--rate", type=float, default=d.rate, help="requests per second to one host (default: %(default)s)")
    g.add_argument("--timeout", type=float, default=d.timeout, help="seconds per request (default: %(default)s)")
    g.add_argument(
        "--retries", type=int, default=d.retries, help="retries after timeouts and 429/5xx (default: %(default)s)"
    )
    g.add_argument("--max-page-size", type=int, default=d.max_bytes, metavar="BYTES", help="(default: %(default)s)")
    g.add_argument(
        "--max-pages",
        type=int,
        default=d.max_pages,
        metavar="N",
        help="pages per run; the rest wait (default: %(default)s)",
    )
    g.add_argument("--user-agent", default=d.user_agent, help="(default: %(default)s)")


def crawl_settings(args: argparse.Namespace) -> CrawlSettings:
    return CrawlSettings(
        rate=args.rate,
        timeout=args.timeout,
        retries=args.retries,
        max_bytes=args.max_page_size,
        max_pages=args.max_pages,
        user_agent=args.user_agent,
    )


#: Read for parameter overrides when it is in the working directory and no --config is given.
CONFIG_FILE = "synoptic.toml"


def add_settings_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        metavar="FILE",
        help=f"parameter overrides in TOML, [section] name = value (default: ./{CONFIG_FILE} when present)",
    )
    parser.add_argument(
        "--set",
        dest="assignments",
        action="append",
        default=[],
        metavar="SECTION.NAME=VALUE",
        help="override one parameter, after --config (repeatable); `synoptic settings` lists them",
    )


def param_overrides(args: argparse.Namespace) -> tuple[tuple[str, Scalar], ...]:
    """The run's parameter overrides: the TOML file's, then each --set; type-checked."""
    config = args.config or (CONFIG_FILE if Path(CONFIG_FILE).is_file() else None)
    overrides: dict[str, Any] = read_config(config) if config else {}
    overrides.update(parse_assignments(args.assignments))
    return check_params(overrides)


def add_parsers(sub: Any) -> None:
    f = sub.add_parser(
        "fetch", help="fetch articles from feeds, sitemaps, URLs, URL lists and WARC files, then analyse"
    )
    f.add_argument(
        "sources", nargs="+", metavar="SOURCE", help="a feed/sitemap/page URL, a WARC(.gz) file or a list file"
    )
    f.add_argument("--db", metavar="FILE", default="synoptic.db", help="SQLite store (default: synoptic.db)")
    f.add_argument("--json", metavar="FILE", help="write the analysis JSON here")
    f.add_argument("--quiet", "-q", action="store_true", help="print failures and the summary only")
    add_crawl_options(f)
    add_settings_options(f)

    w = sub.add_parser("watch", help="poll the sources listed in a file, analysing new articles as they come")
    w.add_argument("sources_file", metavar="SOURCES_FILE", help="one source per line (URL, WARC file); # comments")
    w.add_argument("--db", metavar="FILE", default="synoptic.db", help="SQLite store (default: synoptic.db)")
    w.add_argument("--every", default="15m", help="time between rounds: 30s, 15m, 1h (default: %(default)s)")
    w.add_argument("--rounds", type=int, metavar="N", help="stop after N rounds (default: until SIGINT/SIGTERM)")
    w.add_argument("--quiet", "-q", action="store_true", help="print one line per round only")
    add_crawl_options(w)
    add_settings_options(w)


def summary(report: FetchReport) -> str:
    parts = [f"{len(report.new)} new articles"]
    if report.duplicates:
        parts.append(f"{report.duplicates} same content under another URL")
    if report.known:
        parts.append(f"{report.known} already fetched")
    if report.not_modified:
        parts.append(f"{len(report.not_modified)} sources not modified")
    parts.append(f"{len(report.failures)} failures")
    if report.warc.pages or report.warc.skipped:
        why = ", ".join(f"{n} {reason}" for reason, n in report.warc.skipped.most_common())
        parts.append(f"WARC: {report.warc.pages} HTML records, {report.warc.skipped_total} skipped ({why or 'none'})")
    if report.queued:
        parts.append(f"{report.queued} pages left queued for the next run")
    if report.analysis is not None:
        parts.append(f"analysed: {len(report.analysis.articles)} articles in {len(report.analysis.stories)} stories")
    return "; ".join(parts)


def cmd_fetch(args: argparse.Namespace, err: Console) -> int:
    stop = threading.Event()
    with stop_on_signals(stop):
        report = fetch(
            args.sources,
            db=args.db,
            crawl=crawl_settings(args),
            settings=Settings(params=param_overrides(args)),
            stop=stop,
            log=_log(err, args.quiet),
            progress=None if args.quiet else _progress(err),
        )
    for r in report.failures if args.quiet else ():  # without --quiet each was printed as it happened
        err.print(
            f"[yellow]failed[/] {escape(r.path)}: {escape(r.reason)}", markup=True, highlight=False, soft_wrap=True
        )
    err.print(("stopped: " if report.stopped else "") + summary(report), highlight=False, soft_wrap=True)
    if args.json:
        with Store(args.db) as store:
            document = report.analysis.to_dict() if report.analysis is not None else store.latest_analysis()
        if document is None:
            err.print("[red]no analysis to write: nothing was fetched into this store yet[/]")
            return EXIT_NOTHING
        write_json(document, args.json)
    nothing = not (report.new or report.duplicates or report.known or report.not_modified)
    return EXIT_NOTHING if nothing and report.failures else EXIT_OK


def cmd_watch(args: argparse.Namespace, err: Console) -> int:
    stop = threading.Event()

    def on_round(done: Round) -> None:
        line = done.error or (summary(done.report) if done.report else "")
        err.print(f"round {done.number}: {line}", highlight=False, soft_wrap=True)

    with stop_on_signals(stop):
        rounds = watch(
            args.sources_file,
            db=args.db,
            every=parse_duration(args.every),
            rounds=args.rounds,
            crawl=crawl_settings(args),
            settings=Settings(params=param_overrides(args)),
            stop=stop,
            log=_log(err, args.quiet),
            on_round=on_round,
        )
    err.print(f"stopped after {rounds} rounds", highlight=False, soft_wrap=True)
    return EXIT_OK


def add_serve_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--watch", metavar="SOURCES_FILE", help="also poll these sources (as `synoptic watch`)")
    parser.add_argument("--every", default="15m", help="time between watch rounds (default: %(default)s)")
    add_crawl_options(parser)


def serve_watch(args: argparse.Namespace) -> dict[str, Any]:
    """The keyword arguments `web.server.serve` takes for `--watch`."""
    if not args.watch:
        return {}
    return {"watch": args.watch, "every": parse_duration(args.every), "crawl": crawl_settings(args)}


class _AnalysisProgress:
    """The analyse command's progress bars, started only when an analysis starts (many runs have none)."""

    def __init__(self, err: Console) -> None:
        self.err = err
        self.bars: RichProgress | None = None

    def phase(self, name: str, total: int | None) -> None:
        self._started().phase(name, total)

    def beside(self, name: str) -> Callable[[], None]:
        return self._started().beside(name)

    def _started(self) -> RichProgress:
        """The bars, started by the first phase."""
        if self.bars is None:
            self.bars = RichProgress(self.err)
        return self.bars

    def advance(self, n: int = 1) -> None:
        if self.bars is not None:
            self.bars.advance(n)

    def done(self) -> None:
        if self.bars is not None:
            self.bars.done()


def _progress(err: Console) -> Any:
    return _AnalysisProgress(err)


def _log(err: Console, quiet: bool) -> Any:
    def log(message: str) -> None:
        if not quiet:
            err.print(message, highlight=False, markup=False, soft_wrap=True)

    return log


__all__ = ["DEFAULT_EVERY_S", "add_parsers", "add_serve_options", "cmd_fetch", "cmd_watch", "serve_watch"]
