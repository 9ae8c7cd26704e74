"""The import graph of `src/synoptic`: no cycle, no import from a lower layer to a higher one, and no
private name (`_x`) imported across packages.

Layers, lowest first (a module may import its own layer and any lower one):

    base (errors, settings, machine, ...) <- models (models, codec) <- pipeline (pipeline, corpus, engines)
    <- stages (ingest, annotate, stories, compare, embed*) <- wiring (store, default_pipeline)
    <- api (api, sources) <- present <- top (web, report, cli)

Imports under `if TYPE_CHECKING:` count for the layers (a type names what a module depends on) but
not for cycles (they never run). Imports inside functions count for both: a lazy import that only
dodges a cycle is still a cycle.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
ROOT = "synoptic"

# (layer, module prefixes in it); the first matching prefix, longest first, decides a module's layer.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "base",
        (
            "errors",
            "params",
            "registry",
            "settings",
            "machine",
            "progress",
            "langdata",
            "version",
            "disk_cache",
            "memo",
        ),
    ),
    ("models", ("models", "codec")),
    ("pipeline", ("pipeline", "corpus", "engines")),
    (
        "stages",
        (
            "ingest",
            "annotate",
            "stories",
            "compare",
            "embed",
            "embed_e5",
            "embed_graph",
            "embed_static",
            "embed_use",
            "lang",
        ),
    ),
    ("wiring", ("store", "default_pipeline")),
    ("api", ("api", "sources")),
    ("present", ("present",)),
    ("top", ("web", "report", "cli", "cli_sources", "cli_progress", "")),  # "" is the package itself (its facade)
)
RANK = {name: i for i, (name, _) in enumerate(LAYERS)}


@dataclass(frozen=True)
class Import:
    """One import statement: `source` imports `target` (a module of the graph), naming `names`."""

    source: str
    target: str
    names: tuple[str, ...]
    type_only: bool
    line: int


def module_name(path: Path, src: Path) -> str:
    parts = list(path.relative_to(src).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _type_checking_lines(tree: ast.Module) -> set[int]:
    """Line numbers of statements inside `if TYPE_CHECKING:` blocks."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def parse_imports(module: str, is_package: bool, source: str, known: set[str]) -> list[Import]:
    """The imports of one module's source that point at modules in `known`."""
    tree = ast.parse(source)
    typed = _type_checking_lines(tree)
    out: list[Import] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == ROOT:
                    target = _known_prefix(alias.name, known)
                    out.append(Import(module, target, (), node.lineno in typed, node.lineno))
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(module, is_package, node)
            if base.split(".")[0] != ROOT:
                continue
            for alias in node.names:
                full = f"{base}.{alias.name}"
                target, names = (full, ()) if full in known else (_known_prefix(base, known), (alias.name,))
                out.append(Import(module, target, names, node.lineno in typed, node.lineno))
    return out


def _known_prefix(name: str, known: set[str]) -> str:
    parts = name.split(".")
    while parts and ".".join(parts) not in known:
        parts.pop()
    return ".".join(parts)


def collect(src: Path = SRC) -> list[Import]:
    files = {module_name(p, src): p for p in sorted((src / ROOT).rglob("*.py"))}
    known = set(files)
    out: list[Import] = []
    for module, path in files.items():
        out += parse_imports(module, path.name == "__init__.py", path.read_text(encoding="utf-8"), known)
    return out


def layer_of(module: str) -> str:
    inner = module.removeprefix(ROOT).removeprefix(".")
    best: tuple[int, str] | None = None
    for name, prefixes in LAYERS:
        for prefix in prefixes:
            matches = inner == prefix or inner.startswith(prefix + ".")
            if matches and (best is None or len(prefix) > best[0]):
                best = (len(prefix), name)
    if best is None:
        raise AssertionError(f"{module} is in no layer: add it to LAYERS in tests/test_architecture.py")
    return best[1]


def package_of(module: str) -> str:
    """`synoptic.compare.claims` -> `synoptic.compare`; a top-level module is its own package."""
    parts = module.split(".")
    return ".".join(parts[:2])


def cycles(edges: Iterable[tuple[str, str]]) -> list[list[str]]:
    """Strongly connected components with more than one node (Tarjan), each sorted."""
    graph: dict[str, set[str]] = {}
    for a, b in edges:
        if a != b:
            graph.setdefault(a, set()).add(b)
            graph.setdefault(b, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def module_cycles(imports: Iterable[Import]) -> list[list[str]]:
    return cycles((i.source, i.target) for i in imports if not i.type_only)


def package_cycles(imports: Iterable[Import]) -> list[list[str]]:
    """Cycles between packages; the package itself (`synoptic`, its facade) is left out."""
    return cycles(
        (package_of(i.source), package_of(i.target))
        for i in imports
        if not i.type_only and ROOT not in (i.source, i.target)
    )


def upward(imports: Iterable[Import]) -> list[str]:
    return [
        f"{i.source}:{i.line} ({layer_of(i.source)}) imports {i.target} ({layer_of(i.target)})"
        for i in imports
        if RANK[layer_of(i.target)] > RANK[layer_of(i.source)]
    ]


def private_across_packages(imports: Iterable[Import], packages: Mapping[str, bool]) -> list[str]:
    """`from other_package.module import _name`: a private name used outside its own package.
    `packages` tells which modules are packages (`__init__.py`)."""

    def home(module: str) -> str:
        return module if packages.get(module) else module.rsplit(".", 1)[0]

    return [
        f"{i.source}:{i.line} imports {i.target}.{name}"
        for i in imports
        for name in i.names
        if name.startswith("_") and not name.startswith("__") and home(i.source) != home(i.target)
    ]


def _packages(src: Path = SRC) -> dict[str, bool]:
    return {module_name(p, src): p.name == "__init__.py" for p in (src / ROOT).rglob("*.py")}


# ---------------------------------------------------------------------------------------------
# The real tree


def test_every_module_has_a_layer() -> None:
    for module in _packages():
        layer_of(module)


def test_no_import_cycle_between_modules() -> None:
    assert module_cycles(collect()) == []


def test_no_import_cycle_between_packages() -> None:
    assert package_cycles(collect()) == []


def test_no_import_from_a_lower_layer_to_a_higher_one() -> None:
    assert upward(collect()) == []


def test_no_private_name_imported_across_packages() -> None:
    assert private_across_packages(collect(), _packages()) == []


def test_report_imports_nothing_from_web() -> None:
    found = collect()
    assert [i for i in found if i.source.startswith("synoptic.report") and i.target.startswith("synoptic.web")] == []


# ---------------------------------------------------------------------------------------------
# The checker finds planted violations


def _tree(tmp_path: Path, files: dict[str, str]) -> list[Import]:
    for name, text in files.items():
        path = tmp_path / ROOT / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return collect(tmp_path)


def test_checker_finds_a_planted_cycle(tmp_path: Path) -> None:
    found = _tree(
        tmp_path,
        {
            "__init__.py": "",
            "web/__init__.py": "",
            "web/app.py": "def f():\n    from .api import router\n",
            "web/api.py": "from .app import Site\n",
        },
    )
    assert module_cycles(found) == [["synoptic.web.api", "synoptic.web.app"]]


def test_checker_ignores_a_type_only_cycle(tmp_path: Path) -> None:
    found = _tree(
        tmp_path,
        {
            "__init__.py": "",
            "a.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .b import B\n",
            "b.py": "from .a import A\n",
        },
    )
    assert module_cycles(found) == []


def test_checker_finds_a_planted_package_cycle(tmp_path: Path) -> None:
    found = _tree(
        tmp_path,
        {
            "__init__.py": "",
            "stories/__init__.py": "",
            "stories/stage.py": "from ..store.stories import SignalStore\n",
            "stories/features.py": "",
            "store/__init__.py": "",
            "store/stories.py": "from ..stories.features import Signals\n",
        },
    )
    assert module_cycles(found) == []  # no module cycle ...
    assert package_cycles(found) == [["synoptic.store", "synoptic.stories"]]  # ... but a package one


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"stories/stage.py": "from ..store.sqlite import Store\n"}, 1),  # a stage reaching the store
        ({"embed.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .api import x\n"}, 1),
        ({"report/html.py": "from ..web.app import Site\n"}, 0),  # same layer: allowed here, tested apart
        ({"web/app.py": "from ..models import Article\nfrom ..present.views import v\n"}, 0),  # downward
    ],
    ids=["stage imports store", "type-only upward import", "same layer", "downward only"],
)
def test_checker_finds_planted_upward_imports(tmp_path: Path, files: dict[str, str], expected: int) -> None:
    found = _tree(tmp_path, {"__init__.py": "", **files})
    assert len(upward(found)) == expected


def test_checker_finds_a_private_name_across_packages(tmp_path: Path) -> None:
    files = {
        "__init__.py": "",
        "ingest/__init__.py": "def _too_big(): ...\n",
        "annotate/__init__.py": "",
        "annotate/entities.py": "def _name_runs(): ...\n",
        "annotate/resolve.py": "from .entities import _name_runs\n",  # same package: fine
        "web/__init__.py": "",
        "web/api.py": "from ..ingest import _too_big\nfrom ..annotate.entities import _name_runs\n",
    }
    found = _tree(tmp_path, files)
    assert private_across_packages(found, _packages(tmp_path)) == [
        "synoptic.web.api:1 imports synoptic.ingest._too_big",
        "synoptic.web.api:2 imports synoptic.annotate.entities._name_runs",
    ]


def _external_imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", ["web", "report"])
def test_web_and_report_compare_no_texts(package: str) -> None:
    """Word differences and similarities come from the analysis (read through `present/`), so the
    packages that show them import no text-comparison library."""
    comparing = {"difflib", "rapidfuzz", "numpy"}
    found = {p.name: _external_imports(p) & comparing for p in (SRC / ROOT / package).rglob("*.py")}
    assert {name: libs for name, libs in found.items() if libs} == {}
