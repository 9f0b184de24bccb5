"""The pytest11 entry point of nexigon-fake: ``conftest_plugin.py`` loaded under this name.

A project may have a module of its own called ``conftest_plugin``, found first on
``sys.path``; loading the plugin's file by path, under a name no project uses, keeps the two
apart. ``import conftest_plugin`` of ours, while this runs, gives this same module (see the top
of ``conftest_plugin.py``), so there is one set of fixtures, hooks and stash keys.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    __name__, Path(__file__).with_name("conftest_plugin.py")
)
assert _spec is not None and _spec.loader is not None
_plugin = importlib.util.module_from_spec(_spec)
sys.modules[__name__] = _plugin
_spec.loader.exec_module(_plugin)
