"""Paths a marker names, read as a test author means them: next to the test file."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def beside_test(value: Any, test_dir: Path | None) -> Any:
    """``value`` as a file next to the test when it names one there; otherwise unchanged (an
    absolute path, a path from the working directory, a built-in fixture's name, JSON text)."""
    if test_dir is None or not isinstance(value, str | Path):
        return value
    if isinstance(value, str) and value.lstrip().startswith("{"):
        return value
    path = Path(value)
    if path.is_absolute():
        return value
    candidate = test_dir / path
    return str(candidate) if candidate.is_file() else value
