"""The README tells the truth: its action table is the generated one, its commands exist."""

from __future__ import annotations

import re
from pathlib import Path

from nexigon_fake.actions import ACTIONS
from nexigon_fake.coverage import render_section

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def test_action_table_is_generated_from_the_action_table() -> None:
    assert render_section() in README


def test_every_action_is_listed_once() -> None:
    listed = re.findall(r"^\| `([a-z]+_[A-Za-z]+)` \|", README, flags=re.M)
    assert sorted(listed) == sorted(ACTIONS)


def test_all_39_seed_actions_are_served() -> None:
    seed = [name for name in ACTIONS if name.split("_")[0] in ("devices", "projects")]
    assert len([n for n in seed if n.startswith("devices_")]) == 23
    assert len([n for n in seed if n.startswith("projects_")]) == 16


def test_ci_runs_the_readme_test_command() -> None:
    assert "scripts/test" in README
    assert "scripts/test" in (ROOT / ".ci" / "run").read_text()
