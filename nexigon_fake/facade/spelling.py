"""Wire structs' annotations as source text, and the module that defines each name in them.

The facade spells a signature as the wire module does (``DeviceId``, not the
``Annotated[str, Meta(...)]`` it stands for), so the class definitions are read with ``ast``
and every name is followed through imports to its definition.
"""

from __future__ import annotations

import ast
import builtins
import functools
import importlib
import importlib.util
import inspect
from dataclasses import dataclass
from typing import Any

import msgspec


class GenerationError(Exception):
    """The generator met a struct it cannot spell as a signature."""


@dataclass(frozen=True, slots=True, order=True)
class Ref:
    """A definition: ``name`` of ``module``, or the module itself when ``name`` is None."""

    module: str
    name: str | None


@functools.cache
def _tree(module: str) -> ast.Module:
    return ast.parse(inspect.getsource(importlib.import_module(module)))


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def _absolute(module: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module if _tree_is_package(module) else module.rpartition(".")[0]
    parts = package.split(".")[: len(package.split(".")) - node.level + 1]
    return ".".join([*parts, *([node.module] if node.module else [])])


def _tree_is_package(module: str) -> bool:
    return hasattr(importlib.import_module(module), "__path__")


def _binds(stmt: ast.stmt, name: str) -> bool:
    if isinstance(stmt, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
        return stmt.name == name
    if isinstance(stmt, ast.Assign):
        return any(isinstance(t, ast.Name) and t.id == name for t in stmt.targets)
    if isinstance(stmt, ast.AnnAssign):
        return isinstance(stmt.target, ast.Name) and stmt.target.id == name
    return False


@functools.cache
def definition(module: str, name: str) -> Ref:
    """Where ``name``, as ``module`` sees it, is defined (imports followed to the source)."""
    for stmt in _tree(module).body:
        if isinstance(stmt, ast.ImportFrom) and stmt.module != "__future__":
            for alias in stmt.names:
                if (alias.asname or alias.name) != name:
                    continue
                source = _absolute(module, stmt)
                if _is_module(f"{source}.{alias.name}"):
                    return Ref(f"{source}.{alias.name}", None)
                if source.startswith("nexigon_fake"):
                    return definition(source, alias.name)
                return Ref(source, alias.name)
        elif isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.asname == name or (alias.asname is None and alias.name == name):
                    return Ref(alias.name, None)
        elif _binds(stmt, name):
            return Ref(module, name)
    if hasattr(builtins, name):
        return Ref("builtins", name)
    raise GenerationError(f"{module}: cannot tell where {name!r} is defined")


class Imports:
    """The names a generated module imports, each under one local name."""

    def __init__(self, reserved: set[str]) -> None:
        self._local: dict[Ref, str] = {}
        self._taken = set(reserved)

    def local(self, ref: Ref, preferred: str) -> str:
        """The local name of ``ref``; a clash with another definition gets a prefixed alias."""
        if ref.module == "builtins":
            return preferred
        if ref not in self._local:
            name = preferred if ref.name is None else ref.name
            if name in self._taken:
                tail = ref.module.rpartition(".")[2]
                prefix = "".join(part.capitalize() for part in tail.split("_"))
                name = f"{prefix}{name}"
            while name in self._taken:
                name += "_"
            self._taken.add(name)
            self._local[ref] = name
        return self._local[ref]

    def lines(self) -> list[str]:
        out: list[str] = []
        for ref, local in sorted(self._local.items()):
            if ref.name is None:
                last = ref.module.rpartition(".")[2]
                if local == ref.module:
                    out.append(f"import {ref.module}")
                elif "." in ref.module and local == last:
                    out.append(f"from {ref.module.rpartition('.')[0]} import {last}")
                else:
                    out.append(f"import {ref.module} as {local}")
            else:
                alias = "" if local == ref.name else f" as {local}"
                out.append(f"from {ref.module} import {ref.name}{alias}")
        return out


def _ref_of(node: ast.expr, module: str) -> Ref | None:
    if isinstance(node, ast.Name):
        return definition(module, node.id)
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        root = definition(module, node.value.id)
        if root.name is None:
            return Ref(root.module, node.attr)
    return None


_TYPING = {"typing", "typing_extensions"}


def _rewrite(node: ast.expr, module: str, imports: Imports, *, typed: bool) -> ast.expr:
    """``node`` with every name replaced by its local name in the generated module.

    ``typed``: an annotation position, where a string is a forward reference to spell out.
    """
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and typed:
        parsed = ast.parse(node.value, mode="eval").body
        return _rewrite(parsed, module, imports, typed=True)
    if isinstance(node, ast.Name):
        return ast.Name(imports.local(definition(module, node.id), node.id), ast.Load())
    if isinstance(node, ast.Subscript):
        head = _ref_of(node.value, module)
        value = _rewrite(node.value, module, imports, typed=False)
        items = list(node.slice.elts) if isinstance(node.slice, ast.Tuple) else [node.slice]
        if head is not None and head.module in _TYPING and head.name == "Literal":
            kinds = [False] * len(items)
        elif head is not None and head.module in _TYPING and head.name == "Annotated":
            kinds = [True] + [False] * (len(items) - 1)
        else:
            kinds = [typed] * len(items)
        spelled = [_rewrite(i, module, imports, typed=k) for i, k in zip(items, kinds, strict=True)]
        index = ast.Tuple(spelled, ast.Load()) if isinstance(node.slice, ast.Tuple) else spelled[0]
        return ast.Subscript(value, index, ast.Load())
    copy: Any = type(node)()
    inner = typed and not isinstance(node, ast.Call)  # a call's arguments are values
    for field_name, value in ast.iter_fields(node):
        new: Any = value
        if isinstance(value, ast.expr):
            new = _rewrite(value, module, imports, typed=inner)
        elif isinstance(value, list):
            new = [
                _rewrite(v, module, imports, typed=inner) if isinstance(v, ast.expr) else v
                for v in value
            ]
        setattr(copy, field_name, new)
    result: ast.expr = copy
    return result


def spell(node: ast.expr, module: str, imports: Imports, *, typed: bool = True) -> str:
    return ast.unparse(_rewrite(node, module, imports, typed=typed))


def class_def(cls: type) -> ast.ClassDef:
    for stmt in _tree(cls.__module__).body:
        if isinstance(stmt, ast.ClassDef) and stmt.name == cls.__name__:
            return stmt
    raise GenerationError(f"{cls.__module__}.{cls.__qualname__}: no top-level class definition")


@dataclass(frozen=True, slots=True)
class Parameter:
    """One keyword-only parameter: the field's name, annotation and default, as source."""

    name: str
    annotation: str
    default: str | None


def _field_source(cls: type, name: str) -> tuple[type, ast.AnnAssign]:
    for klass in cls.__mro__:
        if not isinstance(klass, type) or not issubclass(klass, msgspec.Struct):
            continue
        for stmt in class_def(klass).body:
            if (
                isinstance(stmt, ast.AnnAssign)
                and isinstance(stmt.target, ast.Name)
                and stmt.target.id == name
            ):
                return klass, stmt
    raise GenerationError(f"{cls.__qualname__}.{name}: no annotated definition found")


def _default(owner: type, stmt: ast.AnnAssign, imports: Imports) -> str:
    value = stmt.value
    assert value is not None
    if isinstance(value, ast.Call):
        for keyword in value.keywords:
            if keyword.arg == "default":
                return spell(keyword.value, owner.__module__, imports, typed=False)
        raise GenerationError(
            f"{owner.__qualname__}.{ast.unparse(stmt.target)}: only a plain default (or "
            "msgspec.field(default=...)) can become a parameter default"
        )
    return spell(value, owner.__module__, imports, typed=False)


def parameters(cls: type[msgspec.Struct], imports: Imports) -> list[Parameter]:
    """The struct's fields in order, as keyword-only parameters."""
    out: list[Parameter] = []
    for info in msgspec.structs.fields(cls):
        owner, stmt = _field_source(cls, info.name)
        annotation = spell(stmt.annotation, owner.__module__, imports)
        default = None if info.required else _default(owner, stmt, imports)
        out.append(Parameter(info.name, annotation, default))
    return out


def output_annotation(cls: type, imports: Imports) -> str:
    """The ``X`` of the nearest ``Action[X]`` base, spelled as written."""
    for klass in cls.__mro__:
        if not klass.__module__.startswith("nexigon_fake"):
            continue
        node = class_def(klass)
        for base in node.bases:
            if isinstance(base, ast.Subscript):
                ref = _ref_of(base.value, klass.__module__)
                if ref == Ref("nexigon_fake.wire.common", "Action"):
                    return spell(base.slice, klass.__module__, imports)
    raise GenerationError(f"{cls.__qualname__}: no Action[...] base")
