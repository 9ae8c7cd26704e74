"""Declared, documented parameters: every tuned number of a stage, with its default and its reason.

As spaCy's component `default_config` and trafilatura's `settings.cfg`, each stage (or helper module)
declares its parameters as one frozen dataclass subclassing `Params`, whose fields are made by
`param(default, reason)`. The class names its section (the stage's name), so a parameter's full name
is `section.field`, e.g. `derivations.translation_threshold`; several classes may share a section (a
stage whose helpers live in several modules), each taking the overrides of its own fields.
Code reads the values of a run through `Context.params(Cls)` (or `Settings.params_for(Cls)` outside
a pipeline), which applies the run's overrides (from `synoptic.toml` or `--set`) to the declared
defaults; the overrides travel inside `Settings`, so worker processes of every engine see them.

This module holds only the declaration machinery; `default_pipeline.known_params` lists every parameter.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Mapping
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path
from typing import Any, ClassVar, TypeVar, cast

from .errors import SettingsError

#: The types a parameter may have (what TOML and `--set` can write).
Scalar = bool | int | float | str
P = TypeVar("P", bound="Params")
V = TypeVar("V", bool, int, float, str)
#: Keys of a dataclass field's metadata.
_REASON = "reason"


def param(default: V, reason: str) -> V:
    """A declared parameter: a dataclass field with its default and a one-line reason (where it comes
    from: the data it was calibrated on, or why it is a fixed choice)."""
    if not reason.strip():
        raise TypeError("a parameter needs a reason")
    value: V = field(default=default, metadata={_REASON: reason.strip()})
    return value


@dataclass(frozen=True)
class Params:
    """Base of one section's parameters; a subclass is a frozen dataclass of `param` fields."""

    section: ClassVar[str] = ""


@dataclass(frozen=True)
class ParamInfo:
    """One declared parameter, as listed by `synoptic settings` and checked for overrides."""

    name: str
    default: Scalar
    reason: str

    @property
    def kind(self) -> type:
        return type(self.default)


def declared(cls: type[Params]) -> list[ParamInfo]:
    """The parameters `cls` declares, in declaration order."""
    if not cls.section:
        raise TypeError(f"{cls.__name__} names no section")
    out = []
    for f in fields(cls):
        if f.default is MISSING or _REASON not in f.metadata:
            raise TypeError(f"{cls.__name__}.{f.name} is not declared with param(default, reason)")
        out.append(ParamInfo(f"{cls.section}.{f.name}", f.default, f.metadata[_REASON]))
    return out


def coerce(info: ParamInfo, value: Any) -> Scalar:
    """`value` as the type of the parameter's default; text (from `--set`) is parsed, an int is
    accepted for a float; anything else raises SettingsError naming the parameter and the type."""
    kind = info.kind
    if isinstance(value, str) and kind is not str:
        value = _parse(info, value.strip())
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if type(value) is not kind:
        raise SettingsError(
            f"setting {info.name} takes {_article(kind.__name__)} (default {info.default!r}), got {value!r} "
            f"({type(value).__name__})"
        )
    if isinstance(value, float) and not math.isfinite(value):
        raise SettingsError(f"setting {info.name} must be a finite number, got {value!r}")
    return cast(Scalar, value)


def _parse(info: ParamInfo, text: str) -> Any:
    kind = info.kind
    try:
        if kind is bool:
            lowered = text.lower()
            if lowered not in ("true", "false"):
                raise ValueError(text)
            return lowered == "true"
        return kind(text)
    except ValueError:
        raise SettingsError(
            f"setting {info.name} takes {_article(kind.__name__)} (default {info.default!r}), got {text!r}"
        ) from None


def check_overrides(overrides: Mapping[str, Any], known: Iterable[ParamInfo]) -> tuple[tuple[str, Scalar], ...]:
    """The overrides type-checked against the declared parameters, sorted by name; an unknown name
    raises SettingsError listing the closest declared names."""
    by_name = {p.name: p for p in known}
    out = []
    for name, value in overrides.items():
        info = by_name.get(name)
        if info is None:
            close = difflib.get_close_matches(name, list(by_name), n=4, cutoff=0.5)
            hint = f"; did you mean {', '.join(close)}?" if close else "; `synoptic settings` lists them"
            raise SettingsError(f"unknown setting {name!r}{hint}")
        out.append((name, coerce(info, value)))
    return tuple(sorted(out))


def apply(cls: type[P], overrides: Iterable[tuple[str, Scalar]]) -> P:
    """`cls` with the overrides of its section applied to its defaults."""
    prefix = f"{cls.section}."
    own = {f.name for f in fields(cls)}
    changes = {name[len(prefix) :]: value for name, value in overrides if name.startswith(prefix)}
    return cls(**{k: v for k, v in changes.items() if k in own})


def read_config(path: str | Path) -> dict[str, Any]:
    """Parameter overrides from a TOML file (`synoptic.toml`): `[section]` tables of `name = value`,
    flattened to `section.name`. SettingsError says what is wrong with an unreadable or odd file."""
    import tomllib

    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise SettingsError(f"cannot read the settings file {path} ({exc.strerror or exc})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SettingsError(f"the settings file {path} is not valid TOML: {exc}") from None
    out: dict[str, Any] = {}
    for section, table in data.items():
        if not isinstance(table, dict):
            raise SettingsError(
                f"{path}: {section!r} must be a [section] table, e.g. [derivations] translation_threshold = 0.5"
            )
        for name, value in table.items():
            if isinstance(value, dict | list):
                raise SettingsError(f"{path}: setting {section}.{name} must be a number, true/false or text")
            out[f"{section}.{name}"] = value
    return out


def parse_assignments(items: Iterable[str]) -> dict[str, str]:
    """`--set section.name=value` arguments as a mapping (a later one wins); SettingsError for a malformed one."""
    out: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or "." not in name:
            raise SettingsError(
                f"--set takes section.name=value (e.g. derivations.translation_threshold=0.5), got {item!r}"
            )
        out[name] = value
    return out


def _article(word: str) -> str:
    return f"an {word}" if word[:1] in "aeiou" else f"a {word}"
