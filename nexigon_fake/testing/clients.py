"""What the contract state machine drives: a tiny client protocol and three adapters.

Anything that can invoke an action with a JSON payload can be checked against the fake's
contract (``nexigon_fake.testing.contract.machine``): your own wrapper, the official SDK,
plain HTTP. The protocol is one method; a failed call raises any exception that carries the
Hub's error ``kind`` and the HTTP ``status`` (``nexigon_fake.ActionError`` already does).

Optional extras a client may offer, which the machine uses when present:

- ``advance_clock(seconds)``: move the hub's clock (a fake's), so durations and token expiry
  are checked exactly; without it the machine assumes time it does not control;
- ``organization_id``: the organization the machine creates its projects in (default: the
  first one ``organizations_Query`` lists);
- ``unmodelled_listing_fields``: fields of device listings the client cannot show (SDK 0.0.1
  has no model for ``hostname``), left out of the comparison;
- ``close()``: called when the machine is done with the client.

This module does not import hypothesis: adapters are useful without the state machine.
"""

from __future__ import annotations

import importlib
from typing import Any, Protocol, runtime_checkable

import httpx

from nexigon_fake.hub import Hub

__all__ = [
    "ActionFailure",
    "ClientActionError",
    "FakeHttpClient",
    "FakeSdkClient",
    "HttpClient",
    "HubClient",
    "InProcessClient",
    "SdkClient",
    "failure_of",
]

ACTION_PATH = "/api/v1/actions/invoke/"


class HubClient(Protocol):
    """The one method the contract machine needs from a client."""

    def invoke(self, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        """The action's output as JSON data; raises an ``ActionFailure`` when it fails."""
        ...


@runtime_checkable
class ActionFailure(Protocol):
    """What a failed call raises: the error ``kind`` of the body and the HTTP ``status``."""

    kind: str
    status: int


class ClientActionError(Exception):
    """A failed action as the adapters report it: the Hub's ``ActionError`` and its status."""

    def __init__(self, kind: str, message: str, status: int) -> None:
        super().__init__(f"{kind} ({status}): {message}")
        self.kind = kind
        self.message = message
        self.status = status


def failure_of(error: BaseException) -> ActionFailure | None:
    """The error as an ``ActionFailure`` if it is one (has ``kind`` and ``status``)."""
    if isinstance(getattr(error, "kind", None), str) and isinstance(
        getattr(error, "status", None), int
    ):
        return error  # type: ignore[return-value]  # structurally an ActionFailure
    return None


class InProcessClient:
    """A hub in this process, called directly (no HTTP): the fastest way to run the contract."""

    def __init__(self, hub: Hub, token: str | None = None) -> None:
        self.hub = hub
        self.token = token
        self.organization_id = hub.default_organization_id

    def invoke(self, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        return self.hub.invoke(action, payload, self.token)

    def advance_clock(self, seconds: float) -> None:
        self.hub.clock.advance(seconds)


class HttpClient:
    """Actions over HTTP: ``POST {base_url}/api/v1/actions/invoke/<action>`` with a bearer token.

    Works against any Hub; ``FakeHttpClient`` adds the fake's clock and reset.
    """

    def __init__(
        self, base_url: str, token: str, *, transport: httpx.BaseTransport | None = None
    ) -> None:
        self.http = httpx.Client(
            base_url=base_url.rstrip("/"),
            headers={"Authorization": f"Bearer {token}"},
            transport=transport,
        )

    def invoke(self, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        response = self.http.post(ACTION_PATH + action, json=payload)
        body: Any = response.json()
        if not response.is_success:
            kind, message = str(body.get("kind")), str(body.get("message"))
            raise ClientActionError(kind, message, response.status_code)
        if not isinstance(body, dict):
            raise AssertionError(f"{action} answered {body!r}, not a JSON object")
        return body

    def close(self) -> None:
        self.http.close()


def _control(http: httpx.Client, path: str, body: dict[str, Any]) -> None:
    """A call of a fake's control plane (``/_fake/…``), which must succeed."""
    http.post(path, json=body).raise_for_status()


class FakeHttpClient(HttpClient):
    """``HttpClient`` for a served nexigon-fake: it may move the clock and reset the hub."""

    def advance_clock(self, seconds: float) -> None:
        _control(self.http, "/_fake/clock", {"advanceSecs": seconds})

    def reset(self) -> None:
        _control(self.http, "/_fake/reset", {})


class SdkClient:
    """The official SDK (``nexigon_hub_sdk``, Python 3.12), its typed models on the way.

    The payload becomes the SDK's pydantic input model of the action, the SDK executes it, and
    the output is dumped by alias in JSON mode with only the fields the server sent
    (``exclude_unset``): that is the wire shape, unset optionals absent and a ``null`` the
    server sent still ``null``. ``FakeSdkClient`` adds the fake's clock.
    """

    # SDK 0.0.1 has no `hostname` on device-listing items (SEMANTICS.md §18.1), so its models
    # drop it: a device listing read through the SDK cannot show it.
    unmodelled_listing_fields = frozenset({"hostname"})

    def __init__(self, sdk_client: Any) -> None:
        actions = importlib.import_module("nexigon_hub_sdk._actions")
        self.sdk = sdk_client
        self._api_error: type[Exception] = importlib.import_module("nexigon_hub_sdk").ActionApiError
        self._models: dict[str, tuple[Any, Any]] = {
            name: (model, adapter) for model, (name, adapter) in actions._ACTION_REGISTRY.items()
        }

    def supports(self, action: str) -> bool:
        """Whether SDK 0.0.1 has a model of the action (it predates those added since)."""
        return action in self._models

    def invoke(self, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        model, adapter = self._models[action]
        try:
            output = self.sdk.execute(model.model_validate(payload))
        except self._api_error as error:
            failure: Any = error
            kind, message = failure.error.kind.root, failure.error.message
            raise ClientActionError(kind, message, failure.status_code) from error
        dumped: dict[str, Any] = adapter.dump_python(
            output, mode="json", by_alias=True, exclude_unset=True
        )
        return dumped


class FakeSdkClient(SdkClient):
    """``SdkClient`` for a nexigon-fake served at ``base_url``: it may move the clock."""

    def __init__(self, sdk_client: Any, base_url: str) -> None:
        super().__init__(sdk_client)
        self._control = httpx.Client(base_url=base_url.rstrip("/"))

    def advance_clock(self, seconds: float) -> None:
        _control(self._control, "/_fake/clock", {"advanceSecs": seconds})

    def close(self) -> None:
        """Closes the SDK client too: the machine makes one per example."""
        self._control.close()
        self.sdk.close()
