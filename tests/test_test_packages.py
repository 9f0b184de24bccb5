"""Every folder of tests/ is a package, so its modules have one name each (``tests.serve.…``).

mypy checks tests/ and refuses two modules of one name (four ``conftest.py``), and a folder
without ``__init__.py`` would make its modules top-level ones again, importable by bare name.
"""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).resolve().parent


def test_every_folder_with_python_files_has_an_init() -> None:
    folders = {path.parent for path in TESTS.rglob("*.py") if "__pycache__" not in path.parts}
    missing = sorted(
        str(folder.relative_to(TESTS.parent))
        for folder in folders
        if not (folder / "__init__.py").exists()
    )
    assert missing == [], f"add an __init__.py to: {', '.join(missing)}"
