"""The README tells the truth: its action table is the generated one, its commands exist."""

from __future__ import annotations

import ast
import re
import textwrap
from pathlib import Path

import pytest

from nexigon_fake.actions import ACTIONS
from nexigon_fake.facade.coverage import render_section

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def test_action_table_is_generated_from_the_action_table() -> None:
    assert render_section() in README


def test_every_action_is_listed_once() -> None:
    table = README.split("<!-- actions:begin -->")[1].split("<!-- actions:end -->")[0]
    listed = re.findall(r"^\| `([a-z]+_[A-Za-z]+)` \|", table, flags=re.M)
    assert sorted(listed) == sorted(ACTIONS)


# Actions of the seed namespaces that came after the seed (SEMANTICS-HEAD §III.8.1).
HEAD_ADDITIONS = frozenset(
    {
        "devices_QueryOperations",
        "devices_GetOperation",
        "devices_CreateOperation",
        "devices_StartOperation",
        "devices_CancelOperation",
        "devices_ClaimOperationWork",
        "devices_ReportOperationStep",
        "projects_QueryDevicePairingKeys",
        "projects_CreateDevicePairingKey",
        "projects_RevokeDevicePairingKey",
        "projects_RedeemDevicePairingKey",
    }
)


def test_all_39_seed_actions_are_served() -> None:
    seed = [
        name
        for name in ACTIONS
        if name.split("_")[0] in ("devices", "projects") and name not in HEAD_ADDITIONS
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


def _serve_options() -> set[str]:
    from nexigon_fake.serve.cli import build_parser

    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command")
    serve = commands.choices["serve"]  # type: ignore[index]
    return {
        flag
        for action in serve._actions
        for flag in action.option_strings
        if flag.startswith("--") and flag != "--help"
    }


def test_every_serve_option_is_in_the_readme_table() -> None:
    start = README.index("`scripts/serve` passes its arguments to `nexigon-fake serve`")
    table = README[start:].split("\n\n")[1]
    first_cells = [row.split("|")[1] for row in table.splitlines() if row.startswith("| `--")]
    documented = set(re.findall(r"`(--[a-z-]+)", "".join(first_cells)))
    assert _serve_options() - documented == set(), "options missing from the README's table"
    assert documented - _serve_options() == set(), "the README's table lists unknown options"


def test_the_readme_opens_with_how_to_use_it_in_a_project() -> None:
    sections = re.findall(r"^## (.+)$", README, flags=re.M)
    assert sections[0] == "Use it in your project"
    opening = README.split("## Use it in your project")[1].split("\n## ")[0]
    for command in ("pip install 'nexigon-fake[testing]'", "pip install -e", "nexigon-fake serve"):
        assert command in opening


def test_the_readme_cites_no_unshipped_document() -> None:
    assert "SEMANTICS" not in README
