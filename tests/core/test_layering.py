"""core/ is layered: no import circle, and the foundation imports no feature.

Every ``import`` of every module under ``mnist_desktop/core`` counts, at any
depth (inside functions too): an import inside a function still closes a
circle, it only hides it until the function runs.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parents[2] / "mnist_desktop" / "core"
PREFIX = "mnist_desktop.core"

#: Packages that implement one feature each; everything else in core/ is the foundation
#: (dataset, idx, errors, progress, catalog, paths, units, hashing, atomic, reprs, ...) or a
#: shared room (draw: PNG, glyphs, mosaics, pictures; numeric: PCA, k-NN, deskew).
FEATURES = ("formats", "download", "processing", "quality", "evaluate", "map", "export", "view", "notebook")


def module_name(path: Path, root: Path = CORE, prefix: str = PREFIX) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    parts = parts[:-1] if parts[-1] == "__init__" else parts
    return ".".join((prefix, *parts))


def imported_modules(path: Path, modules: set[str], root: Path = CORE, prefix: str = PREFIX) -> set[str]:
    """The core modules that ``path`` imports anywhere in its code (submodules resolved)."""
    name = module_name(path, root, prefix)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                       for alias in node.names]
        else:
            continue
        found.update(t for t in targets if t in modules)
    found.discard(name)
    return found


def import_graph(root: Path = CORE, prefix: str = PREFIX) -> dict[str, set[str]]:
    files = sorted(root.rglob("*.py"))
    modules = {module_name(f, root, prefix) for f in files}
    return {module_name(f, root, prefix): imported_modules(f, modules, root, prefix) for f in files}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle of ``graph`` as a list of modules, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def feature_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[2] if len(parts) > 2 and parts[2] in FEATURES else None


def test_core_has_no_import_circle():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import circle: " + " -> ".join(cycle)


def test_foundation_and_shared_rooms_import_no_feature():
    wrong = {module: sorted(m for m in imports if feature_of(m))
             for module, imports in import_graph().items() if not feature_of(module)}
    wrong = {k: v for k, v in wrong.items() if v}
    assert not wrong, f"foundation modules importing features: {wrong}"


def test_the_foundation_is_what_the_architecture_says():
    graph = import_graph()
    for name in ("dataset", "idx", "errors", "progress", "catalog", "paths", "units", "hashing", "atomic",
                 "reprs", "draw.png", "draw.glyphs", "draw.pictures", "numeric.neighbours", "numeric.deskew"):
        assert f"{PREFIX}.{name}" in graph
        assert feature_of(f"{PREFIX}.{name}") is None


@pytest.mark.parametrize("where", ["top", "function"])
def test_a_planted_circle_is_found(tmp_path, where):
    pkg = tmp_path / "core"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from .sub import b\n")
    inner = "from .. import a\n" if where == "top" else "def f():\n    from ..a import thing\n"
    (pkg / "sub" / "b.py").write_text(inner)
    (pkg / "c.py").write_text("from . import a\n")
    cycle = find_cycle(import_graph(pkg, "x.core"))
    assert cycle == ["x.core.a", "x.core.sub.b", "x.core.a"]
