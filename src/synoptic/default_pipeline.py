"""Stages by name: the built-in stages, the default pipeline built from their names, and every
declared parameter (`synoptic settings`).

A user adds a stage without editing this file: `STAGES.register(stage)` (or `register_stage`), then
`build_pipeline([...names])` or `default_pipeline().with_stage(stage, after="...")`. A stage's
parameters come with it (`Stage.params`), so `--set` and `synoptic.toml` accept them too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .annotate.entities import entities_stage
from .annotate.infer_dates import infer_dates_stage
from .annotate.lang import language_stage
from .annotate.quantities import quantities_stage
from .annotate.quotes import quotes_stage
from .annotate.resolve import resolve_entities_stage
from .annotate.sentences import sentences_stage
from .annotate.timex import timex_stage
from .compare.claim_parse import claim_parse_stage
from .compare.corpus_stages import claims_stage, conflicts_stage, coverage_stage, summary_stage
from .compare.quote_groups import quote_groups_stage
from .engines import ENGINES
from .errors import SettingsError
from .ingest.clean import CleanParams
from .models import RunSettings
from .params import ParamInfo, Params, Scalar, check_overrides, declared
from .pipeline import Pipeline, Stage
from .registry import Registry
from .settings import Settings
from .stories.clustering_stage import stories_stage
from .stories.derive import derivations_stage
from .stories.events import events_stage
from .stories.features import lead_vector_stage
from .stories.link_entities import link_entities_stage

#: The default pipeline, by stage name, in order.
DEFAULT_STAGES = (
    "language",
    "sentences",
    "entities",
    "timex",
    "quantities",
    "quotes",
    "claim_parse",
    "lead_vector",
    "resolve_entities",
    "infer_dates",
    "stories",
    "link_entities",
    "derivations",
    "quote_groups",
    "events",
    "claims",
    "conflicts",
    "coverage",
    "summary",
)
#: Parameter sections read outside any stage (reading and cleaning input).
OTHER_PARAMS: tuple[type[Params], ...] = (CleanParams,)


def _builtin_stages() -> dict[str, Stage]:
    stages = (
        language_stage,
        sentences_stage,
        entities_stage,
        timex_stage,
        quantities_stage,
        quotes_stage,
        claim_parse_stage,
        lead_vector_stage,
        resolve_entities_stage,
        infer_dates_stage,
        stories_stage,
        link_entities_stage,
        derivations_stage,
        quote_groups_stage,
        events_stage,
        claims_stage,
        conflicts_stage,
        coverage_stage,
        summary_stage,
    )
    return {s.name: s for s in stages}


#: Every stage by name: the built-ins, then those a user registers.
STAGES: Registry[Stage] = Registry("stage", _builtin_stages)


def register_stage(stage: Stage, *, replace: bool = False) -> Stage:
    """Make `stage` available by name (to `build_pipeline`) with its parameters (to `--set`)."""
    return STAGES.register(stage.name, stage, replace=replace)


def build_pipeline(names: Sequence[str]) -> Pipeline:
    """The pipeline of the registered stages named, in this order (checked)."""
    return Pipeline(tuple(STAGES.get(name) for name in names))


def default_pipeline() -> Pipeline:
    """The full analysis, from language identification to the cited summary."""
    return build_pipeline(DEFAULT_STAGES)


def param_sections(pipeline: Pipeline | None = None) -> list[type[Params]]:
    """Every parameter section: input reading's, then each registered stage's and `pipeline`'s, once."""
    stages: list[Stage] = [STAGES.get(n) for n in STAGES.names()]
    stages += list(pipeline.stages) if pipeline is not None else []
    out: list[type[Params]] = list(OTHER_PARAMS)
    for stage in stages:
        out += [cls for cls in stage.params if cls not in out]
    return out


def known_params(pipeline: Pipeline | None = None) -> list[ParamInfo]:
    """Every declared parameter, sorted by name."""
    found = [info for cls in param_sections(pipeline) for info in declared(cls)]
    names = [p.name for p in found]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise SettingsError(f"parameters declared twice: {', '.join(repeated)}")
    return sorted(found, key=lambda p: p.name)


def check_params(overrides: Mapping[str, Any], pipeline: Pipeline | None = None) -> tuple[tuple[str, Scalar], ...]:
    """Overrides (`section.name` -> value) type-checked against the declared parameters."""
    return check_overrides(overrides, known_params(pipeline))


def run_settings(settings: Settings, pipeline: Pipeline | None = None) -> RunSettings:
    """The record of every parameter's value in a run with `settings` (its overrides checked)."""
    overrides = dict(check_params(dict(settings.params), pipeline))
    values = {p.name: overrides.get(p.name, p.default) for p in known_params(pipeline)}
    return RunSettings(params=values, overridden=tuple(sorted(overrides)))


def checked_settings(settings: Settings, pipeline: Pipeline | None = None) -> Settings:
    """`settings` with its engine and parameter overrides checked (SettingsError names a wrong one)."""
    ENGINES.get(settings.engine)
    return settings.with_(params=check_params(dict(settings.params), pipeline))
