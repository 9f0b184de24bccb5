"""Fixtures for driving a live ``nexigon-fake serve`` through the official Python SDK.

``nexigon-hub-sdk`` 0.0.1 supports Python 3.12 only. On 3.12 and newer it is imported
unconditionally, so a missing SDK is a loud collection error, never a silent skip. On older
interpreters this directory is not collected at all (``tests/test_sdk_available.py`` checks
both halves of that rule).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

# A flag, not ``sys.version_info`` in the ``if``: mypy checks for Python 3.11 and would skip
# the SDK branch below as unreachable, leaving the names it imports undefined.
SDK_SUPPORTED = sys.version_info >= (3, 12)
if not SDK_SUPPORTED:
    collect_ignore_glob = ["test_*.py"]
else:
    from nexigon_hub_sdk import ActionApiError, Client
    from nexigon_hub_sdk.api_types import devices, projects

BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def b58(number: int, length: int) -> str:
    """``number`` in base58, left-padded with ``1`` (the zero digit) to ``length``."""
    digits = []
    while number:
        number, digit = divmod(number, 58)
        digits.append(BASE58[digit])
    text = "".join(reversed(digits))
    assert len(text) <= length
    return BASE58[0] * (length - len(text)) + text


@dataclass
class SdkHub:
    """A live fake hub, an SDK client acting as its instance administrator, and helpers."""

    url: str
    admin_token: str
    organization_id: str
    client: Any  # nexigon_hub_sdk.Client

    # Well-formed input ids, distinct per ``n``.

    @staticmethod
    def device_fingerprint(n: int) -> str:
        """A secret device fingerprint: ``d_sk_`` + 44 base58."""
        return "d_sk_" + b58(n, 22) + b58(n * 7919 + 1, 22)

    @staticmethod
    def certificate_fingerprint(n: int) -> str:
        """A SHA-256 certificate fingerprint: 32 upper-case hex groups joined by ``:``."""
        return ":".join(f"{(n * 31 + i * 17) % 256:02X}" for i in range(32))

    @staticmethod
    def node_id(n: int) -> str:
        return "cluster_node_" + b58(n, 22)

    @staticmethod
    def connection_id(n: int) -> str:
        return "d_conn_" + b58(n, 22)

    @staticmethod
    def event_id(n: int, stamp: str = "20260504-0700") -> str:
        """A dated device event id."""
        return f"d_ev_{stamp}-{b58(n, 8)}"

    # Calls.

    def advance(self, seconds: float) -> str:
        """Move the hub's frozen clock forward; the new ``now``."""
        response = httpx.post(f"{self.url}/_fake/clock", json={"advanceSecs": seconds})
        response.raise_for_status()
        now: str = response.json()["now"]
        return now

    def raw(self, action_name: str, body: dict[str, Any]) -> httpx.Response:
        """The same call as plain HTTP, for fields SDK 0.0.1 does not model; must succeed."""
        response = httpx.post(
            f"{self.url}/api/v1/actions/invoke/{action_name}",
            json=body,
            headers={"Authorization": f"Bearer {self.admin_token}"},
        )
        assert response.status_code == 200, response.text
        return response

    def execute(self, action: Any) -> Any:
        return self.client.execute(action)

    def fails(self, action: Any) -> Any:
        """Run ``action``, which must fail; the ``ActionApiError``."""
        with pytest.raises(ActionApiError) as raised:
            self.client.execute(action)
        return raised.value

    def rejects(self, action: Any, kind: str, status: int) -> str:
        """Run ``action``, which must fail with ``kind`` and HTTP ``status``; the message."""
        error = self.fails(action)
        assert (error.error.kind.root, error.status_code) == (kind, status), error
        message: str = error.error.message
        assert message
        return message

    def create_project(self, name: str = "Fleet") -> str:
        output = self.execute(
            projects.CreateProjectAction(organization_id=self.organization_id, name=name)
        )
        assert isinstance(output, projects.CreateProjectOutput_Created)
        project_id: str = output.project_id
        return project_id

    def create_device(self, project_id: str, n: int = 1) -> str:
        output = self.execute(
            devices.CreateDeviceAction(
                project_id=project_id, fingerprint=self.device_fingerprint(n)
            )
        )
        assert isinstance(output, devices.CreateDeviceOutput)
        device_id: str = output.device_id
        return device_id

    def audit_events(self, project_id: str) -> list[tuple[str, Any]]:
        """The project's audit log as ``(event, data)`` pairs, newest first."""
        output = self.execute(projects.QueryAuditLogEventsAction(project_id=project_id))
        return [(event.event, event.data) for event in output.events]


@pytest.fixture
def sdk(live_server: Any) -> Iterator[SdkHub]:
    """The module's live server, freshly reset, driven by a real ``nexigon_hub_sdk.Client``."""
    with Client(live_server.url, token=live_server.admin_token) as client:
        yield SdkHub(
            live_server.url,
            live_server.admin_token,
            live_server.default_organization_id,
            client,
        )
