"""``Hub``: one in-memory Nexigon Hub, its Python API and the single path every call takes.

Both HTTP requests and direct calls go through ``Hub._run``: look up the action, authenticate,
validate, check permissions, run the state handler, all under one lock.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import msgspec

from nexigon_fake.actions import ACTION_BY_INPUT, ACTIONS, ActionSpec
from nexigon_fake.auth import Credentials, authenticate
from nexigon_fake.clock import DEFAULT_START, Clock, FrozenClock, SystemClock
from nexigon_fake.decoding import decode_input, parse_json_body, require_json, require_object
from nexigon_fake.errors import (
    MSG_NOT_IMPLEMENTED,
    MSG_UNKNOWN_ACTION,
    ActionError,
    InternalError,
    InvalidError,
)
from nexigon_fake.ids import IdSource
from nexigon_fake.state import organizations
from nexigon_fake.state.access import check
from nexigon_fake.state.store import Context, Options, Store
from nexigon_fake.upstream import UPSTREAM_ACTIONS
from nexigon_fake.wire.actor import SystemActor
from nexigon_fake.wire.common import Action

OutputT = TypeVar("OutputT")

ADMIN_EMAIL = "admin@nexigon-fake.localhost"
DEFAULT_ORGANIZATION_NAME = "Default Organization"


@dataclass(frozen=True, slots=True)
class HubConfig:
    """What a hub is built from; ``reset`` rebuilds from it."""

    seed: int = 0
    start_time: dt.datetime | None = None
    frozen_clock: bool = True
    admin_token: str | None = None
    strict: bool = False
    domain: str = "nexigon-fake.localhost"


def lookup_action(name: str) -> ActionSpec:
    spec = ACTIONS.get(name)
    if spec is None:
        template = MSG_NOT_IMPLEMENTED if name in UPSTREAM_ACTIONS else MSG_UNKNOWN_ACTION
        raise InvalidError(template.format(action=name), status=404)
    return spec


class Namespace:
    """``hub.devices.set_property(device_id=…, name=…, value=…)`` for every action of a namespace.

    Keyword arguments are the snake_case fields of the action's input struct; the result is
    the output struct. Calls run as the instance administrator unless the namespace was
    obtained from ``hub.as_token(...)`` or ``hub.as_device(...)``.
    """

    def __init__(self, hub: Hub, namespace: str, credentials: Credentials | None) -> None:
        self._hub = hub
        self._credentials = credentials
        self._methods = {
            spec.method_name: spec for spec in ACTIONS.values() if spec.namespace == namespace
        }

    def __dir__(self) -> list[str]:
        return sorted(self._methods)

    def __getattr__(self, method: str) -> Callable[..., Any]:
        spec = self._methods.get(method)
        if spec is None:
            raise AttributeError(method)

        def call(**fields: Any) -> Any:
            return self._hub.execute(spec.input_type(**fields), credentials=self._credentials)

        call.__name__ = method
        call.__doc__ = spec.summary
        return call


class Session:
    """The typed Python API acting with given credentials (a token, or a device's identity)."""

    def __init__(self, hub: Hub, credentials: Credentials) -> None:
        self.credentials = credentials
        self.devices = Namespace(hub, "devices", credentials)
        self.projects = Namespace(hub, "projects", credentials)
        self.organizations = Namespace(hub, "organizations", credentials)
        self.users = Namespace(hub, "users", credentials)
        self.repositories = Namespace(hub, "repositories", credentials)
        self.actor = Namespace(hub, "actor", credentials)


class Hub:
    """A deterministic in-memory Nexigon Hub.

    Same seed, same clock, same calls: same ids, secrets, timestamps and bytes.
    """

    def __init__(
        self,
        seed: int = 0,
        start_time: dt.datetime | None = None,
        frozen_clock: bool = True,
        admin_token: str | None = None,
        strict: bool = False,
        domain: str = "nexigon-fake.localhost",
    ) -> None:
        self.config = HubConfig(seed, start_time, frozen_clock, admin_token, strict, domain)
        self.lock = threading.RLock()
        self._build()

    def _build(self) -> None:
        config = self.config
        start = config.start_time or DEFAULT_START
        self.clock: Clock = (
            FrozenClock(start) if config.frozen_clock else SystemClock(config.start_time)
        )
        self.ids = IdSource(config.seed)
        self.store = Store(
            self.clock, self.ids, Options(strict=config.strict, domain=config.domain)
        )
        store = self.store
        admin = organizations.add_user(store, ADMIN_EMAIL, "Administrator", is_admin=True)
        token = organizations.add_user_token(store, admin, "admin", config.admin_token)
        bootstrap = Context(store, SystemActor(), "bootstrap")
        organization = organizations.add_organization(
            bootstrap, DEFAULT_ORGANIZATION_NAME, [admin.user_id], requires_subscription=False
        )
        self.admin_user_id = admin.user_id
        self.admin_token = token.secret
        self.default_organization_id = organization.organization_id
        self._admin_credentials = Credentials(token.secret)
        admin_session = Session(self, self._admin_credentials)
        self.devices = admin_session.devices
        self.projects = admin_session.projects
        self.organizations = admin_session.organizations
        self.users = admin_session.users
        self.repositories = admin_session.repositories
        self.actor = admin_session.actor

    def reset(self, seed: int | None = None) -> None:
        """Forget everything: rebuild from the constructor arguments (optionally a new seed)."""
        with self.lock:
            if seed is not None:
                self.config = dataclasses.replace(self.config, seed=seed)
            self._build()

    @property
    def seed(self) -> int:
        return self.config.seed

    # The one path every call takes.

    def _run(self, name: str, payload: dict[str, Any] | bytes, credentials: Credentials) -> Any:
        spec = lookup_action(name)
        with self.lock:
            store = self.store
            actor = authenticate(store, credentials)
            if isinstance(payload, bytes):
                body = parse_json_body(payload)
            else:
                body = require_object(payload)
                require_json(body)
            request = decode_input(spec.input_type, body, strict=self.config.strict)
            check(store, actor, name, spec.rule, request)
            try:
                return spec.handler(Context(store, actor, name), request)
            except ActionError:
                raise
            except Exception as error:  # a bug in the fake must still answer as the Hub would
                raise InternalError(f"Internal error in `{name}`: {error!r}") from error

    def invoke(
        self,
        action: str,
        payload: dict[str, Any] | None = None,
        token: str | None = None,
        *,
        device_fingerprint: str | None = None,
        client_cert: str | None = None,
    ) -> dict[str, Any]:
        """Invoke an action with a JSON-like payload; the output as plain JSON data.

        Without a token the call acts as the instance administrator. Raises ``ActionError``.
        """
        credentials = (
            self._admin_credentials
            if token is None
            else Credentials(token, device_fingerprint, client_cert)
        )
        output = self._run(action, {} if payload is None else payload, credentials)
        result: dict[str, Any] = msgspec.to_builtins(output)
        return result

    def invoke_json(self, action: str, body: bytes, credentials: Credentials) -> bytes:
        """The wire path: a raw JSON body in, the encoded output out."""
        return msgspec.json.encode(self._run(action, body, credentials))

    def execute(
        self, action: Action[OutputT], *, credentials: Credentials | None = None
    ) -> OutputT:
        """Typed call: an input struct in, its output struct out."""
        spec = ACTION_BY_INPUT[type(action)]
        payload = msgspec.to_builtins(action)
        output: OutputT = self._run(spec.name, payload, credentials or self._admin_credentials)
        return output

    # Sessions and helpers for tests.

    def as_token(self, token: str) -> Session:
        return Session(self, Credentials(token))

    def as_device(
        self, deployment_token: str, fingerprint: str, client_cert: str | None = None
    ) -> Session:
        """Act as the device that presents these credentials (created on first sight)."""
        return Session(self, Credentials(deployment_token, fingerprint, client_cert))

    def create_organization_api_token(self, organization_id: str) -> str:
        """Mint an ``org_sk_`` token (no seed action creates them)."""
        with self.lock:
            organization = self.store.organization(organization_id)
            return organizations.add_organization_token(self.store, organization).secret

    def create_user(
        self,
        email: str,
        *,
        organization_id: str | None = None,
        organization_admin: bool = False,
        instance_admin: bool = False,
    ) -> tuple[str, str]:
        """A user with a token, optionally a member of an organization: (user id, token)."""
        with self.lock:
            user = organizations.add_user(self.store, email, None, instance_admin)
            token = organizations.add_user_token(self.store, user, None)
            if organization_id is not None:
                organization = self.store.organization(organization_id)
                organization.members[user.user_id] = organization_admin
                user.organization_ids[organization_id] = None
            return user.user_id, token.secret
