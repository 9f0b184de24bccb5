"""Fixtures that work against the fake and against a real Hub (``--nexigon-url``) alike: the
organization, a fresh project per test, devices in it.

On a fake hub they call the hub in-process (it is fresh per test, so nothing is cleaned up);
on an external hub they call its HTTP API and delete what they made when the test ends, so a
suite can run against a shared real Hub again and again.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx

from nexigon_fake.errors import (
    NotFoundError,
)
from nexigon_fake.errors.tooling import (
    MSG_CALL_FAILED,
    MSG_MANY_ORGANIZATIONS,
    MSG_NO_ORGANIZATION,
)
from nexigon_fake.hub import Hub
from nexigon_fake.ids import IdSource
from nexigon_fake.testing.plugin.auth import shared_ssl_context

INVOKE = "/api/v1/actions/invoke/"
# Project names: 1-128 characters; a test's name is cut to leave room for the suffix.
NAME_ROOM = 100


class Caller(Protocol):
    """Invokes one action as the hub's admin (or the given token's holder)."""

    def __call__(self, action: str, body: dict[str, Any]) -> dict[str, Any]: ...


class FakeCaller:
    """The fake, in-process: errors are the hub's own ``ActionError``s."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub

    def __call__(self, action: str, body: dict[str, Any]) -> dict[str, Any]:
        return self.hub.invoke(action, body)


class RemoteError(RuntimeError):
    """An external hub refused a call a portable fixture made."""

    def __init__(self, action: str, status: int, body: str, url: str) -> None:
        super().__init__(MSG_CALL_FAILED.format(action=action, url=url, status=status, body=body))
        self.status = status


class RemoteCaller:
    """An external hub over HTTP, with the token of ``--nexigon-token``/``NEXIGON_TOKEN``."""

    def __init__(self, url: str, token: str) -> None:
        self.url = url
        self.http = httpx.Client(
            base_url=url,
            headers={"Authorization": f"Bearer {token}"},
            verify=shared_ssl_context(),
        )

    def __call__(self, action: str, body: dict[str, Any]) -> dict[str, Any]:
        response = self.http.post(INVOKE + action, json=body)
        if not response.is_success:
            raise RemoteError(action, response.status_code, response.text, self.url)
        output: dict[str, Any] = response.json()
        return output

    def close(self) -> None:
        self.http.close()


def only_organization(call: Caller, url: str) -> str:
    """The one organization the token sees; several (or none) need a choice."""
    found = call("organizations_Query", {})["organizations"]
    ids = [organization["organizationId"] for organization in found]
    if len(ids) == 1:
        return str(ids[0])
    if not ids:
        raise LookupError(MSG_NO_ORGANIZATION.format(url=url))
    raise LookupError(MSG_MANY_ORGANIZATIONS.format(url=url, count=len(ids), ids=", ".join(ids)))


def project_name(test_name: str, external: bool) -> str:
    """``test-<test name>``; on an external hub, with a random suffix, so runs that share a
    hub (or run at once) never meet. On the fake the name is deterministic, like the rest."""
    base = "test-" + re.sub(r"[^A-Za-z0-9_.-]+", "-", test_name)[:NAME_ROOM]
    return f"{base}-{secrets.token_hex(4)}" if external else base


@dataclass(frozen=True)
class CreatedDevice:
    """A device ``nexigon_create_device`` made: its id, project and (secret) fingerprint."""

    device_id: str
    project_id: str
    fingerprint: str


@dataclass
class DeviceFactory:
    """``nexigon_create_device(project_id=None, *, name=None)``: a device in the test's
    project (``nexigon_project_id``) or the given one; deleted afterwards on a real hub."""

    call: Caller
    default_project_id: str
    fingerprint: Callable[[], str]
    created: list[str] = field(default_factory=list)

    def __call__(self, project_id: str | None = None, *, name: str | None = None) -> CreatedDevice:
        project = self.default_project_id if project_id is None else project_id
        fingerprint = self.fingerprint()
        output = self.call("devices_Create", {"projectId": project, "fingerprint": fingerprint})
        device_id = str(output["deviceId"])
        self.created.append(device_id)
        if name is not None:
            self.call("devices_SetName", {"deviceId": device_id, "name": name})
        return CreatedDevice(device_id, project, fingerprint)

    def delete_created(self) -> None:
        """Delete what this factory made (newest first); what the test deleted is skipped."""
        for device_id in reversed(self.created):
            delete_quietly(self.call, "devices_Delete", {"deviceId": device_id})


def delete_quietly(call: Caller, action: str, body: dict[str, Any]) -> None:
    """Clean-up after a test: gone already (the test deleted it) is fine."""
    try:
        call(action, body)
    except NotFoundError:
        pass
    except RemoteError as error:
        if error.status != 404:
            raise


def fake_fingerprints(hub: Hub) -> Callable[[], str]:
    """The fake's fingerprints come from its own seeded source, like every other id."""

    def draw() -> str:
        with hub.lock:
            return hub.ids.secret("d_sk")

    return draw


def external_fingerprints() -> Callable[[], str]:
    """Fingerprints for a real hub: drawn fresh per run, so no two runs collide."""
    ids = IdSource(secrets.randbits(64))
    return lambda: ids.secret("d_sk")
