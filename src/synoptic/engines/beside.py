"""Corpus stages beside each other: a stage that declares `beside` runs in a forked process while this
one runs the stages after it that do not require its output.

Corpus stages run in one process, and much of their time is Python on one core: on the 247 real-news
articles of the speed benchmark, `quote_groups` (its E5 calls, its pair scoring) next to `events` and
`claims` (building claim units and clustering them) leaves a core idle about a third of the time. A
stage marked `beside` reads only the layers it requires and changes only the state's fields that
carry what it provides, so it gives the same result whether it runs before the stages after it or
beside them. Its child process gets a copy of the state and of the run's context (the models, as
forked workers do) and sends back the fields its stage changed and what its `ForkAware` resources
recorded (the vectors its E5 encoded, which the parent keeps and stores). The child never touches the
parent's store connection: it reads stored vectors through a connection of its own.

Where no process can be forked, or the child fails (its error is logged) or seems stuck (`PATIENCE`),
the stage runs here once the others are done, on the state it would have had before them, and its
changes are merged as a child's are: the same result.
"""

from __future__ import annotations

import logging
import os
import select
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

from ..errors import PipelineError
from ..pipeline import Context, CorpusState, Stage, run_corpus_stages
from .forking import can_fork, child_reply, end_child, start_child

log = logging.getLogger(__name__)

#: `CorpusState` fields merged apart from the others: the layers present, and intermediate layers by class.
_MERGED_APART = ("provided", "intermediate")
#: A forked stage still running this many times as long as the stages beside it took, once they are
#: done, is taken for stuck (a process forked from a threaded one can deadlock): it is ended, and its
#: stage runs here. Generous: on the real-news benchmark the forked stages took 0.2x and 1x as long.
PATIENCE = 10.0
#: Seconds between two looks at whether a forked stage has replied, for `_Child.on_reply` (a progress
#: bar's clock stops within this of the stage's end).
REPLY_POLL_SECONDS = 0.2
#: ... and never before this many seconds past the end of the stages beside it.
GRACE_SECONDS = 300.0


@dataclass(frozen=True)
class Step:
    """Corpus stages to run next: `main` in this process, in order, and `side` (when not None) in a
    forked process beside them."""

    main: tuple[Stage, ...]
    side: Stage | None = None


def corpus_steps(stages: Sequence[Stage], beside: bool) -> list[Step]:
    """The stages as steps: each alone, or with `beside`, a stage that declares `beside` together with
    the stages after it up to the first that requires a layer it provides or rewrites (none: it runs
    alone)."""
    steps: list[Step] = []
    i = 0
    while i < len(stages):
        stage = stages[i]
        if beside and stage.beside:
            changed = stage.provides | stage.rewrites
            j = i + 1
            while j < len(stages) and not (stages[j].requires & changed):
                j += 1
            if j > i + 1:
                steps.append(Step(tuple(stages[i + 1 : j]), stage))
                i = j
                continue
        steps.append(Step((stage,)))
        i += 1
    return steps


def run_step(
    step: Step,
    state: CorpusState,
    ctx: Context,
    on_stage: Callable[[str], None],
    on_side: Callable[[str], Callable[[], None]] | None = None,
) -> CorpusState:
    """Run one step: its side stage in a forked process (when it has one) while its main stages run
    here, then the side's changes merged into the state. `on_stage` hears each stage's name as it
    starts (a side stage's marked "(in parallel)" when it starts in a child); with `on_side`, a side
    stage started in a child is announced there instead, and the function it returns is called once
    the child's result is in (`Progress.beside`)."""
    if step.side is None:
        for stage in step.main:
            on_stage(stage.name)
            state = run_corpus_stages([stage], state, ctx)
        return state
    child = _Child.start(step.side, state, ctx)
    if child is not None:
        name = f"{step.side.name} (in parallel)"
        if on_side is None:
            on_stage(name)
        else:
            child.on_reply(on_side(name))
    started = time.monotonic()
    try:
        after = state
        for stage in step.main:
            on_stage(stage.name)
            after = run_corpus_stages([stage], after, ctx)
    except BaseException:
        if child is not None:
            child.abandon()
        raise
    patience = max(GRACE_SECONDS, PATIENCE * (time.monotonic() - started))
    changes = child.result(patience) if child is not None else None
    if changes is None:  # here, on the state it would have had one after another
        on_stage(step.side.name)
        changes = changes_of(state, run_corpus_stages([step.side], state, ctx), {})
    return merged(step.side, step.main, state, after, changes, ctx)


def merged(
    side: Stage, main: Sequence[Stage], before: CorpusState, after: CorpusState, changes: _Changes, ctx: Context
) -> CorpusState:
    """`after` (the state once the main stages ran on `before`) with what the side stage changed."""
    clash = sorted(name for name in changes.fields if getattr(after, name) is not getattr(before, name))
    new_layers = {type(layer) for layer in changes.layers}
    clash += sorted(t.__name__ for t in new_layers if after.layer_if_any(t) is not before.layer_if_any(t))
    if clash:
        raise PipelineError(
            f"stage {side.name!r} ran beside {', '.join(s.name for s in main)} and both changed "
            f"{', '.join(clash)}: a stage declared `beside` must change only what no stage beside it changes"
        )
    ctx.take_child_changes(changes.resources)
    kept = tuple(x for x in after.intermediate if type(x) not in new_layers)
    return replace(
        after,
        **changes.fields,
        intermediate=(*kept, *changes.layers),
        provided=after.provided | changes.provided,
    )


@dataclass(frozen=True)
class _Changes:
    """What a side stage changed: state fields by name, intermediate layers it added or replaced, the
    layers it provided, and its context's `ForkAware` changes."""

    fields: dict[str, Any]
    layers: tuple[Any, ...]
    provided: frozenset[str]
    resources: dict[str, object]


def changes_of(before: CorpusState, out: CorpusState, resources: dict[str, object]) -> _Changes:
    """What running a stage on `before` changed (fields compared by identity: stages replace, never
    mutate), with what the resources of a forked child recorded (`Context.child_changes`)."""
    names = [f.name for f in fields(CorpusState) if f.name not in _MERGED_APART]
    changed = {n: getattr(out, n) for n in names if getattr(out, n) is not getattr(before, n)}
    layers = tuple(x for x in out.intermediate if not any(x is y for y in before.intermediate))
    return _Changes(changed, layers, out.provided - before.provided, resources)


class _Child:
    """A forked process running one stage; its result comes back pickled through a pipe."""

    def __init__(self, pid: int, fd: int, stage: Stage) -> None:
        self.pid, self.fd, self.stage = pid, fd, stage
        self._collected = threading.Event()  # the parent reads the reply or ends the child: stop watching

    def on_reply(self, callback: Callable[[], None]) -> None:
        """Call `callback` once, from a thread of its own, when the child starts sending its reply or
        dies, or at the latest when the parent collects it (a progress bar's clock then stops at the
        stage's end, not at the end of the stages beside it)."""

        def watch() -> None:
            try:
                while not self._collected.is_set():
                    if select.select([self.fd], [], [], REPLY_POLL_SECONDS)[0]:
                        break
            except (OSError, ValueError):  # the pipe was closed meanwhile: collected
                pass
            callback()

        threading.Thread(target=watch, name=f"synoptic-{self.stage.name}-reply", daemon=True).start()

    @classmethod
    def start(cls, stage: Stage, state: CorpusState, ctx: Context) -> _Child | None:
        """Fork a process running `stage` on `state`, or None where none can be forked."""
        if not can_fork():
            return None

        def changes() -> _Changes:  # in the child
            ctx.forked_child()
            return changes_of(state, run_corpus_stages([stage], state, ctx), ctx.child_changes())

        try:
            pid, fd = start_child(changes)
        except OSError as exc:
            log.info("running %s in this process: no process could be forked (%s)", stage.name, exc)
            return None
        return cls(pid, fd, stage)

    def result(self, patience: float) -> _Changes | None:
        """The stage's changes, once the child sends them; None (logged) when it failed, or sent
        nothing for `patience` seconds (then it is ended)."""
        kind, value = child_reply(self.pid, self.fd, time.monotonic() + patience)
        self._collected.set()
        if kind == "done":
            return value  # type: ignore[return-value]
        if kind == "late":
            log.warning(
                "%s did not finish in a forked process within %.0f s; running it here instead",
                self.stage.name,
                patience,
            )
        else:
            log.warning("%s failed in a forked process; running it here instead:\n%s", self.stage.name, value)
        return None

    def abandon(self) -> None:
        """Stop waiting for the child (the main stages failed): end it and reap it."""
        self._collected.set()
        os.close(self.fd)
        end_child(self.pid)
