"""Every seed action of the fake has an SDK test here: a new one without a test fails.

``COVERED`` names the 39 ``devices_*`` and ``projects_*`` actions that the other modules of
``tests/sdk`` drive through ``nexigon_hub_sdk``. The test compares it to the fake's action table,
and checks that each name is the SDK's own name for an action class those modules really use.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from nexigon_hub_sdk import _actions as sdk_actions

from nexigon_fake.actions import ACTIONS

pytestmark = pytest.mark.sdk

COVERED = [
    # devices (test_sdk_devices.py)
    "devices_Query",
    "devices_GetDetails",
    "devices_Create",
    "devices_Delete",
    "devices_SetName",
    "devices_IssueDeviceToken",
    "devices_ValidateDeviceToken",
    "devices_AddCertificate",
    "devices_DeleteCertificate",
    "devices_SetCertificateStatus",
    "devices_RegisterConnection",
    "devices_UnregisterConnection",
    "devices_QueryConnections",
    "devices_IssueHttpProxyToken",
    "devices_ValidateHttpProxyToken",
    "devices_PublishEvents",
    "devices_QueryEvents",
    "devices_SetProperty",
    "devices_GetProperty",
    "devices_RemoveProperty",
    "devices_QueryProperties",
    "devices_QueryAuditLog",
    "devices_QueryCommands",
    # projects (test_sdk_projects.py)
    "projects_Query",
    "projects_GetDetails",
    "projects_SetName",
    "projects_Create",
    "projects_Delete",
    "projects_QueryDevices",
    "projects_QueryDeploymentTokens",
    "projects_QueryLinkedRepositories",
    "projects_CreateDeploymentToken",
    "projects_DeleteDeploymentToken",
    "projects_SetDeploymentTokenFlags",
    "projects_QueryAuditLog",
    "projects_LinkRepository",
    "projects_UnlinkRepository",
    "projects_GetOtlpConfig",
    "projects_SetOtlpConfig",
]


def test_covered_actions_are_exactly_the_fakes_seed_actions():
    # The device-operation actions came after SDK 0.0.1 (SEMANTICS-HEAD §III.8.1).
    seed_actions = [
        n for n in ACTIONS if n.split("_")[0] in ("devices", "projects") and "Operation" not in n
    ]
    assert len(COVERED) == 39
    assert seed_actions == COVERED


def test_every_covered_action_is_an_sdk_action_the_tests_execute():
    """Each name maps to an SDK action class, and some SDK test module constructs that class."""
    sdk_class_by_name = {name: cls for cls, (name, _) in sdk_actions._ACTION_REGISTRY.items()}
    sources = "\n".join(
        path.read_text(encoding="utf-8")
        for path in sorted(Path(__file__).parent.glob("test_sdk_*.py"))
        if path.name != Path(__file__).name
    )
    unused = []
    for name in COVERED:
        cls = sdk_class_by_name[name]
        namespace = cls.__module__.rsplit(".", 1)[-1]
        if f"{namespace}.{cls.__name__}(" not in sources:
            unused.append((name, f"{namespace}.{cls.__name__}"))
    assert unused == []
