"""The README tells the truth: its action table is the generated one, its commands exist."""

from __future__ import annotations

import ast
import re
import textwrap
from pathlib import Path

import pytest

from nexigon_fake.actions import ACTIONS
from nexigon_fake.coverage import render_section

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def test_action_table_is_generated_from_the_action_table() -> None:
    assert render_section() in README


def test_every_action_is_listed_once() -> None:
    table = README.split("<!-- actions:begin -->")[1].split("<!-- actions:end -->")[0]
    listed = re.findall(r"^\| `([a-z]+_[A-Za-z]+)` \|", table, flags=re.M)
    assert sorted(listed) == sorted(ACTIONS)


# Added at HEAD (SEMANTICS-HEAD §III.8.1), not seed-era actions.
HEAD_ACTIONS = frozenset(
    {
        "devices_QueryOperations",
        "devices_GetOperation",
        "devices_CreateOperation",
        "devices_StartOperation",
        "devices_CancelOperation",
        "devices_ClaimOperationWork",
        "devices_ReportOperationStep",
    }
)


def test_all_39_seed_actions_are_served() -> None:
    seed = [
        name
        for name in ACTIONS
        if name.split("_")[0] in ("devices", "projects") and name not in HEAD_ACTIONS
    ]
    assert len([n for n in seed if n.startswith("devices_")]) == 23
    assert len([n for n in seed if n.startswith("projects_")]) == 16


def test_ci_runs_the_readme_test_command() -> None:
    assert "scripts/test" in README
    assert "scripts/test" in (ROOT / ".ci" / "run").read_text()


EXAMPLE = re.compile(r"<!-- example: (?P<path>\S+) -->\n```python\n(?P<code>.*?)```", re.S)


def _examples() -> list[tuple[str, str]]:
    return [(m.group("path"), m.group("code")) for m in EXAMPLE.finditer(README)]


def test_readme_has_tested_examples() -> None:
    paths = {path for path, _ in _examples()}
    assert len(_examples()) >= 5
    assert paths >= {
        "tests/examples/test_plugin_example.py",
        "tests/examples/test_control_examples.py",
        "tests/examples/test_fixture_example.py",
    }


def _imported(source: str) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            found.update((node.module or "", alias.name) for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(("", alias.name) for alias in node.names)
    return found


@pytest.mark.parametrize(("path", "code"), _examples(), ids=lambda value: value[:40])
def test_readme_example_is_a_test(path: str, code: str) -> None:
    """Each example's statements appear verbatim in its test (in a test body, or at top level)."""
    source = (ROOT / path).read_text()
    lines = code.strip("\n").split("\n")
    imports = [line for line in lines if line.startswith(("import ", "from "))]
    body = "\n".join(line for line in lines if line not in imports).strip("\n") + "\n"
    assert _imported("\n".join(imports)) <= _imported(source), f"{path} lacks an import"
    assert body in source or textwrap.indent(body, "    ") in source, f"{path} differs"
