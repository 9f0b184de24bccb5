"""The official-SDK tests run wherever the SDK can run, and a missing SDK fails loudly.

``nexigon-hub-sdk`` 0.0.1 needs Python 3.12. On 3.12 and newer it must be importable and
``tests/sdk`` must be collected; on older interpreters ``tests/sdk/conftest.py`` must keep the
directory out of collection instead of failing on the import.
"""

from __future__ import annotations

import importlib.util
import sys
from importlib.metadata import version
from pathlib import Path
from types import ModuleType

SDK_TESTS = Path(__file__).parent / "sdk"


def _load_sdk_conftest() -> ModuleType:
    spec = importlib.util.spec_from_file_location("_sdk_conftest_probe", SDK_TESTS / "conftest.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


def test_sdk_is_available_on_312_and_its_tests_excluded_before() -> None:
    conftest = _load_sdk_conftest()
    test_files = sorted(path.name for path in SDK_TESTS.glob("test_*.py"))
    assert test_files, "tests/sdk has no test modules"

    if sys.version_info >= (3, 12):
        import nexigon_hub_sdk

        assert version("nexigon-hub-sdk") == "0.0.1"
        assert {"Client", "AsyncClient", "ActionApiError"} <= set(nexigon_hub_sdk.__all__)
        assert not hasattr(conftest, "collect_ignore_glob"), "tests/sdk must be collected"
    else:
        assert conftest.collect_ignore_glob == ["test_*.py"]
        assert "nexigon_hub_sdk" not in sys.modules  # the conftest did not try to import it
