"""The package's folders are layers: nothing imports upward, nothing imports in a circle.

Read from the source with ``ast``, so a dependency hidden in a function, behind
``TYPE_CHECKING`` or in a module ``__getattr__`` is found as well as a plain import.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "nexigon_fake"
MAX_LINES = 450

# Bottom up; a module may import its own layer and the ones below.
LAYERS: list[tuple[str, ...]] = [
    ("errors", "clock", "ids", "upstream"),
    ("wire",),
    ("exprs",),
    ("state",),
    ("actions",),
    ("toolkit",),
    ("pipeline",),
    ("commands",),
    ("facade",),
    ("hub",),
    ("simulation", "serve", "testing"),
    ("__init__", "__main__", "strategies", "stateful"),
]
RANK = {top: rank for rank, tops in enumerate(LAYERS) for top in tops}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def layer_of(module: str) -> int:
    parts = module.split(".")
    return RANK["__init__" if len(parts) == 1 else parts[1]]


def imported(module: str, tree: ast.Module) -> Iterator[tuple[ast.AST, str]]:
    """Every package module this module imports, wherever the import stands."""
    package = module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("nexigon_fake"):
                    yield node, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            if not base.startswith("nexigon_fake"):
                continue
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                yield node, candidate if candidate in MODULES else base


def graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text("utf-8"))
        edges[module] = {target for _, target in imported(module, tree) if target != module}
    return edges


def test_every_module_has_a_layer() -> None:
    for module in MODULES:
        assert layer_of(module) >= 0, module


def test_nothing_imports_a_higher_layer() -> None:
    upward = [
        f"{module} (layer {layer_of(module)}) imports {target} (layer {layer_of(target)})"
        for module, targets in graph().items()
        for target in sorted(targets)
        if layer_of(target) > layer_of(module)
    ]
    assert upward == []


def test_there_is_no_import_circle() -> None:
    edges = graph()
    done: set[str] = set()

    def visit(module: str, trail: list[str]) -> None:
        if module in trail:
            cycle = [*trail[trail.index(module) :], module]
            pytest.fail("import circle: " + " -> ".join(cycle))
        if module in done:
            return
        for target in sorted(edges.get(module, ())):
            visit(target, [*trail, module])
        done.add(module)

    for module in sorted(edges):
        visit(module, [])


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_dependency_is_hidden(module: str) -> None:
    """No ``TYPE_CHECKING`` import, no import inside a function, no module ``__getattr__``."""
    tree = ast.parse(MODULES[module].read_text("utf-8"))
    top_level = {id(node) for node in tree.body}
    for node, target in imported(module, tree):
        if id(node) not in top_level:
            pytest.fail(f"{module} imports {target} inside a function or block")
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            assert node.id != "TYPE_CHECKING", f"{module} hides an import behind TYPE_CHECKING"
    names = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    assert "__getattr__" not in names, f"{module} has a module __getattr__"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_modules_stay_small(module: str) -> None:
    lines = MODULES[module].read_text("utf-8").count("\n")
    assert lines <= MAX_LINES, f"{module} has {lines} lines"


def test_the_checker_sees_upward_and_hidden_imports() -> None:
    """The walk itself: an import inside a function and a relative import are both found."""
    source = "def f():\n    from nexigon_fake import hub\nfrom ..toolkit import faults\n"
    found = [target for _, target in imported("nexigon_fake.state.devices", ast.parse(source))]
    assert sorted(found) == ["nexigon_fake.hub", "nexigon_fake.toolkit.faults"]
    assert layer_of("nexigon_fake.hub") > layer_of("nexigon_fake.state.devices")
