"""Stages named by reference, so engines that run them in other processes can ship them cheaply."""

from __future__ import annotations

import importlib
import sys

from ..errors import SettingsError
from ..pipeline import Stage

#: A stage shipped by reference (module, attribute) when it is one of Synoptic's own (installed on every
#: worker), else the Stage itself, which only a by-value pickler (Ray's cloudpickle) can ship.
StageRef = tuple[str, str] | Stage


def stage_ref(stage: Stage) -> StageRef:
    """(module, name) when `stage` is a module-level object of the synoptic package, else the stage."""
    module = getattr(stage.fn, "__module__", None) or ""
    name = getattr(stage.fn, "__name__", None)
    if (
        module.startswith(f"{__package__.split('.')[0]}.")
        and name
        and getattr(sys.modules.get(module), name, None) is stage
    ):
        return (module, name)
    return stage


def resolve_stage(ref: StageRef) -> Stage:
    """The Stage a `stage_ref` names."""
    if isinstance(ref, Stage):
        return ref
    module, name = ref
    stage = getattr(importlib.import_module(module), name)
    if not isinstance(stage, Stage):
        raise SettingsError(f"{module}.{name} is not a pipeline stage")
    return stage
