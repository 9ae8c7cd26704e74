"""lingua's language confidences for the names cue (`direction.names_cue`), from models loaded ahead.

lingua loads a language's models (about 0.2 s each) on first use, holding the interpreter lock, so a
thread cannot hide the wait: `derivations` spent about 0.6 s of a 247-article run of WMT22 news on
it, on one core while the other idled. As corpus stages begin, `warm_language_odds` has a helper
process (`_lingua_helper.py`, which imports lingua alone) load the models of the run's languages
while the stages before `derivations` run on the other core; `confidences` then asks it. The helper
gives lingua's own confidences (the same library and text; floats sent in their exact `repr`).

Like lingua's models, the helper lives as long as this process, so a server or a test session loads
each language once; a forked worker lets go of it. Languages this process has loaded itself are read
here, and where the helper cannot start or fails, the confidences are computed here, with the same
result. A run of more than 2,000 articles starts none (`warm_language_odds` says why).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import subprocess
import sys
import threading
import weakref
from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar

from .. import langdata
from ..pipeline import Context, CorpusState
from ._lingua_helper import confidences as confidences_here
from ._lingua_helper import knows

_log = logging.getLogger(__name__)
HELPER_SCRIPT = Path(__file__).with_name("_lingua_helper.py")


def _close(proc: subprocess.Popen[str]) -> None:
    """End a helper: closing its input ends it (a helper whose parent died ends the same way)."""
    if proc.stdin is not None:
        with contextlib.suppress(OSError):  # it ended already, leaving a request unread
            proc.stdin.close()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    if proc.stdout is not None:
        proc.stdout.close()


class Helper:
    """The helper process: `preload` sends it languages to load, `ask` asks for confidences (one
    request at a time, as runs in several threads of a server share it)."""

    def __init__(self) -> None:
        self._proc = subprocess.Popen(
            # -P: the script's folder (this package's modules) stays off its import path
            [sys.executable, "-P", str(HELPER_SCRIPT)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # a failure is logged here, and the run goes on without the helper
            text=True,
            encoding="utf-8",
            env={**os.environ, "RAYON_NUM_THREADS": "1"},  # lingua loads on one thread: the other core is the run's
        )
        self.languages: set[str] = set()  # loaded or being loaded there
        self._lock = threading.Lock()
        self._finalizer = weakref.finalize(self, _close, self._proc)
        _Process.forget_in_forked_children()

    def _send(self, message: object) -> None:
        assert self._proc.stdin is not None
        self._proc.stdin.write(json.dumps(message) + "\n")
        self._proc.stdin.flush()

    def preload(self, languages: Iterable[str]) -> None:
        """Have the helper load these languages' models (with those it has: lingua builds a detector of
        two languages at least)."""
        with self._lock:
            self.languages.update(languages)
            self._send({"preload": sorted(self.languages)})

    def ask(self, text: str, languages: tuple[str, str]) -> dict[str, float]:
        with self._lock:
            self._send({"languages": list(languages), "text": text})
            assert self._proc.stdout is not None
            line = self._proc.stdout.readline()
        if not line:
            raise OSError(f"the lingua helper ended (exit status {self._proc.poll()})")
        answer: dict[str, float] = json.loads(line)
        return answer

    @property
    def pid(self) -> int:
        return self._proc.pid

    def close(self) -> None:
        self._finalizer()

    def forget(self) -> None:
        """Let go of the helper without ending it (in a forked child, whose parent still uses it): the
        child's copies of its pipes are closed, so that the parent's closing still ends it."""
        self._finalizer.detach()
        for pipe in (self._proc.stdin, self._proc.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()  # each request is flushed as it is written, so nothing is sent here


class _Process:
    """What this process has: the languages it loaded itself, and its helper (None until started)."""

    loaded: ClassVar[set[str]] = set()
    helper: ClassVar[Helper | None] = None
    starting: ClassVar[threading.Lock] = threading.Lock()  # runs in a server's threads start one helper
    fork_hook: ClassVar[bool] = False

    @classmethod
    def forget_in_forked_children(cls) -> None:
        """Have a forked child (a worker process) drop the helper as it starts (registered once)."""
        if not cls.fork_hook and hasattr(os, "register_at_fork"):  # no fork, no hook (Windows)
            os.register_at_fork(after_in_child=cls._forget)
            cls.fork_hook = True

    @classmethod
    def _forget(cls) -> None:
        helper, cls.helper = cls.helper, None
        cls.starting = threading.Lock()  # the parent's may have been held as it forked
        if helper is not None:
            helper.forget()


def preload_languages(languages: Iterable[str]) -> list[str]:
    """The run's languages that the names cue may compare, sorted: those lingua knows that share a
    script with another of them (`language.json` scripts), as the cue compares only articles of one
    script."""
    supported = set(langdata.supported_languages())
    present = {x for x in languages if x in supported and knows(x)}
    scripts = {x: set(langdata.info(x).get("scripts", [])) for x in present}
    return sorted(x for x in present if any(scripts[x] & scripts[y] for y in present if y != x))


def warm_language_odds(state: CorpusState, ctx: Context) -> None:
    """Have the helper start loading lingua's models of the run's languages, unless this process or
    the helper has them already or the run has no two languages of one script. A run large enough to
    keep its documents encoded (`corpus.Documents`) starts none: there lingua's load is a small part
    of the run, and loaded in this process when `derivations` first needs it, after `stories`, the
    models stay out of the run's memory peak, where a helper started now would sit beside it."""
    del ctx  # the models live as long as the process, as lingua keeps them
    if state.documents.encoded or not sys.executable:  # (an embedded interpreter has no executable to start)
        return
    languages = set(preload_languages(a.language for a in state.documents.articles()))
    have = _Process.loaded | (_Process.helper.languages if _Process.helper else set())
    if len(languages) < 2 or languages <= have:
        return
    try:
        with _Process.starting:
            if _Process.helper is None:
                _Process.helper = Helper()
            _Process.helper.preload(languages)
    except OSError as err:
        _log.info("could not start the lingua helper (%s); the names cue is computed in this process", err)
        _stop_helper()


def helper_pid() -> int | None:
    """The process id of this process's helper, while one runs (for benchmarks that read its memory)."""
    return _Process.helper.pid if _Process.helper is not None else None


def _stop_helper() -> None:
    if _Process.helper is not None:
        _Process.helper.close()
        _Process.helper = None


def confidences(text: str, languages: tuple[str, str]) -> dict[str, float]:
    """lingua's confidence in each of two languages for `text`, by lower-case ISO 639-1 code: from the
    helper where it has (or is loading) a language this process has not loaded."""
    helper = _Process.helper
    if helper is not None and not set(languages) <= _Process.loaded:
        try:
            return helper.ask(text, languages)
        except (OSError, ValueError) as err:  # a broken pipe, or no answer
            _log.info("the lingua helper failed (%s); the names cue is computed in this process", err)
            _stop_helper()
    _Process.loaded.update(languages)
    return confidences_here(text, languages)
