"""``Hub``: one in-memory Nexigon Hub, the composition root and its typed Python API.

The hub owns the state, clock, journal, faults and command handlers; every call it makes,
from Python or HTTP, goes through ``pipeline.invoke`` under its one lock.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

import msgspec

from nexigon_fake import pipeline
from nexigon_fake.actions import ACTION_BY_INPUT
from nexigon_fake.clock import (
    DEFAULT_START,
    Clock,
    FrozenClock,
    ObservedClock,
    SystemClock,
    resolve_start,
)
from nexigon_fake.commands.invocations import Commands
from nexigon_fake.commands.operation_agent import OperationAgents
from nexigon_fake.commands.simulators import Simulators
from nexigon_fake.errors import (
    ActionError,
)
from nexigon_fake.facade.hub_namespaces import DevicesNamespace, FleetNamespace, Session
from nexigon_fake.ids import IdSource
from nexigon_fake.pipeline import NORMAL, QUIET, Answer, Mode
from nexigon_fake.state import organizations, users
from nexigon_fake.state.operation_driver import drive
from nexigon_fake.state.store import Context, Options, Store
from nexigon_fake.toolkit import snapshot
from nexigon_fake.toolkit.faults import Faults
from nexigon_fake.toolkit.fixture_loader import LoadedFixture, load_fixture
from nexigon_fake.toolkit.hooks import Hooks
from nexigon_fake.toolkit.journal import DEFAULT_JOURNAL_BYTES, DEFAULT_JOURNAL_CAP, Journal
from nexigon_fake.toolkit.snapshot import Baseline, Restored
from nexigon_fake.toolkit.snapshot_format import Snapshot
from nexigon_fake.wire.actor import SystemActor
from nexigon_fake.wire.common import Action
from nexigon_fake.wire.credentials import Credentials

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
    journal_cap: int = DEFAULT_JOURNAL_CAP
    fixture: str | Path | None = None
    operation_tick_secs: float = 0.0
    task_lease_secs: int = 300
    head_audit_events: bool = True
    fleet_min_enrollment_interval_secs: int = 60
    journal_bytes: int = DEFAULT_JOURNAL_BYTES


class Hub:
    """A deterministic in-memory Nexigon Hub.

    Same seed, same clock, same calls: same ids, secrets, timestamps and bytes.
    """

    def __init__(
        self,
        seed: int = 0,
        start_time: dt.datetime | Literal["now"] | None = None,
        frozen_clock: bool = True,
        admin_token: str | None = None,
        strict: bool = False,
        domain: str = "nexigon-fake.localhost",
        journal_cap: int = DEFAULT_JOURNAL_CAP,
        fixture: str | Path | None = None,
        *,
        operation_tick_secs: float = 0.0,
        task_lease_secs: int = 300,
        head_audit_events: bool = True,
        fleet_min_enrollment_interval_secs: int = 60,
        journal_bytes: int = DEFAULT_JOURNAL_BYTES,
    ) -> None:
        self.config = HubConfig(
            seed,
            resolve_start(start_time),
            frozen_clock,
            admin_token,
            strict,
            domain,
            journal_cap,
            fixture,
            float(operation_tick_secs),
            task_lease_secs,
            head_audit_events,
            fleet_min_enrollment_interval_secs,
            journal_bytes,
        )
        self.lock = threading.RLock()
        self.journal = Journal(journal_cap, self.lock, journal_bytes)
        self.faults: Faults = Faults(seed, self.lock)
        self.hooks = Hooks(self.lock)  # callables around actions; not in snapshots
        self.commands = Commands(self)  # handlers of simulated devices; not in snapshots
        self.agents = OperationAgents(self)  # simulated agents (D44); not in snapshots
        self.simulators = Simulators()  # simulated fleets (``simulate``); not in snapshots
        self._build()

    def _build(self) -> None:
        """A fresh hub from the config: bootstrap entities, then the configured fixture."""
        config = self.config
        start = config.start_time or DEFAULT_START
        clock: Clock = FrozenClock(start) if config.frozen_clock else SystemClock(config.start_time)
        ids = IdSource(config.seed)
        options = Options(
            strict=config.strict,
            domain=config.domain,
            operation_tick_secs=float(config.operation_tick_secs),
            task_lease_secs=config.task_lease_secs,
            head_audit_events=config.head_audit_events,
            fleet_min_enrollment_interval_secs=config.fleet_min_enrollment_interval_secs,
        )
        store = Store(clock, ids, options)
        admin = users.add_user(store, ADMIN_EMAIL, "Administrator", is_admin=True)
        token = users.add_user_token(store, admin, "admin", config.admin_token)
        bootstrap = Context(store, SystemActor(), "bootstrap")
        organization = organizations.add_organization(
            bootstrap, DEFAULT_ORGANIZATION_NAME, [admin.user_id], requires_subscription=False
        )
        self._install(store, admin.user_id, token.secret, organization.organization_id)
        self.fixture: LoadedFixture | None = None
        self._baseline: Baseline | None = None
        if config.fixture is not None:
            self.load_fixture(config.fixture)
            self.set_baseline()

    def _install(
        self, store: Store, admin_user_id: str, admin_token: str, default_organization_id: str
    ) -> None:
        if not isinstance(store.clock, ObservedClock):
            store.clock = ObservedClock(store.clock, functools.partial(self._clock_moved, store))
        self.store = store
        self.clock: Clock = store.clock
        self.ids = store.ids
        self.admin_user_id = admin_user_id
        self.admin_token = admin_token
        self.default_organization_id = default_organization_id
        self._admin_credentials = Credentials(admin_token)
        admin_session = Session(self, self._admin_credentials)
        self.devices = DevicesNamespace(self, self._admin_credentials, self.commands)
        self.fleet = FleetNamespace(self, self._admin_credentials, self.lock, store)
        self.projects = admin_session.projects
        self.organizations = admin_session.organizations
        self.users = admin_session.users
        self.repositories = admin_session.repositories
        self.actor = admin_session.actor

    def _clock_moved(self, store: Store) -> None:
        """Every clock move drives the store's due work (D19, C31), under the hub's lock;
        simulated fleets first, as they step through the instants in between."""
        self.simulators.run_due()
        with self.lock:
            drive(store)
        self.agents.poll()

    def drive(self) -> None:
        """Run what is due now without a call (the server's timer, with the system clock)."""
        self._clock_moved(self.store)

    def reset(self, seed: int | None = None) -> None:
        """Forget everything: back to the baseline, or rebuilt from the config (new seed).

        The journal, the armed faults and hooks and the command handlers are cleared too.
        """
        with self.lock:
            if self._baseline is not None and (seed is None or seed == self.config.seed):
                self.reset_to(self._baseline)
                return
            if seed is not None:
                self.config = dataclasses.replace(self.config, seed=seed)
            self._build()
            self.journal.reset()
            self.faults.reset(self.config.seed)
            self.hooks.reset()
            self.commands.clear()
            self.agents.clear()
            self.simulators.clear()

    def reset_to(self, data: dict[str, Any] | bytes | str | Baseline) -> None:
        """Restore a snapshot, make it the baseline ``reset()`` returns to, clear journal,
        faults, hooks and command handlers: one test's starting point, whatever the previous
        test did.

        A ``Baseline`` restores fastest when it is used again and again (every test's reset).
        """
        with self.lock:
            if isinstance(data, Baseline):
                self._install_restored(data.restore())
                self._baseline = data
            else:
                self._install_restored(snapshot.restore(data))
                self._baseline = Baseline(data if isinstance(data, bytes) else self.snapshot_json())
            self.journal.reset()
            self.faults.reset(self.config.seed)
            self.hooks.reset()
            self.commands.clear()
            self.agents.clear()
            self.simulators.clear()

    def set_baseline(self) -> None:
        """Make the current state the one ``reset()`` returns to (until the seed changes)."""
        with self.lock:
            self._baseline = Baseline(self.snapshot_json())

    @property
    def seed(self) -> int:
        return self.config.seed

    # Snapshots and fixtures.

    def snapshot(self) -> dict[str, Any]:
        """The whole state as JSON data (a ``dict``); ``restore`` brings it back exactly."""
        return snapshot.to_json_data(self._take_snapshot())

    def snapshot_json(self) -> bytes:
        """The same snapshot as UTF-8 JSON text (``bytes``), ready to write to a file."""
        return msgspec.json.encode(self._take_snapshot())

    def _take_snapshot(self) -> Snapshot:
        with self.lock:
            return snapshot.take(
                self.store,
                self.config.seed,
                self.admin_user_id,
                self.admin_token,
                self.default_organization_id,
                None if self.fixture is None else self.fixture.to_json(),
            )

    def restore(
        self, data: dict[str, Any] | bytes | str, *, keep_credentials: bool = False
    ) -> None:
        """Replace the whole state by a snapshot (``snapshot()``'s dict, or ``snapshot_json()``'s
        bytes or text); a bad one is ``Invalid`` and changes nothing.

        A snapshot carries the admin token of the hub it was taken from, so one taken with
        another seed brings another token. ``keep_credentials=True`` keeps this hub's admin
        token instead (the restored admin's token takes it), for code that was handed the token
        before the restore. The journal, armed faults and hooks and command handlers stay: they
        record and steer calls, they are not state.
        """
        restored = snapshot.restore(data)
        if keep_credentials:
            restored = snapshot.with_admin_token(restored, self.admin_token)
        self._install_restored(restored)

    def _install_restored(self, restored: Restored) -> None:
        with self.lock:
            self.config = dataclasses.replace(
                self.config,
                seed=restored.seed,
                strict=restored.store.options.strict,
                domain=restored.store.options.domain,
                operation_tick_secs=restored.store.options.operation_tick_secs,
                task_lease_secs=restored.store.options.task_lease_secs,
                head_audit_events=restored.store.options.head_audit_events,
                fleet_min_enrollment_interval_secs=(
                    restored.store.options.fleet_min_enrollment_interval_secs
                ),
                frozen_clock=restored.clock.frozen,
            )
            self._install(
                restored.store,
                restored.admin_user_id,
                restored.admin_token,
                restored.default_organization_id,
            )
            self.fixture = restored.fixture

    def load_fixture(self, source: str | Path | Mapping[str, Any]) -> LoadedFixture:
        """Apply a fixture (a built-in name, a path, or parsed JSON) through the hub's actions.

        Loading is not journaled and faults do not fire on it; a fixture that fails part way
        leaves the hub as it was.
        """
        with self.lock:
            before = self.snapshot_json()
            try:
                loaded = load_fixture(self, source)
            except BaseException:
                self.restore(before)  # a fixture applies whole or not at all
                raise
            self.fixture = loaded
            return loaded

    # Calls: every one goes through ``pipeline.invoke``.

    @property
    def strict(self) -> bool:
        return self.config.strict

    def record_refused(self, name: str, body: bytes, error: ActionError) -> None:
        """Journal a request refused before it reached the pipeline (bad headers, too large)."""
        pipeline.journal_refusal(self, name, body, error)

    def _run(
        self, name: str, payload: dict[str, Any] | bytes, credentials: Credentials, mode: Mode
    ) -> Any:
        """The output struct of a call, after any injected latency; errors are raised."""
        answer = pipeline.invoke(self, name, payload, credentials, mode)
        self._after_call()
        answer.wait()
        if answer.error is not None:
            raise answer.error
        return answer.output

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
        answer = pipeline.invoke(self, action, {} if payload is None else payload, credentials)
        self._after_call()
        answer.wait()
        if answer.error is not None:
            raise answer.error
        result: dict[str, Any] = msgspec.json.decode(answer.output_json)
        return result

    def invoke_json(self, action: str, body: bytes, credentials: Credentials) -> Answer:
        """The wire path: a raw JSON body in, the answer (status, JSON, latency) out."""
        answer = pipeline.invoke(self, action, body, credentials)
        self._after_call()
        return answer

    def _after_call(self) -> None:
        """What a call may have made due now: agents' work, simulated devices' reactions."""
        self.agents.poll()
        self.simulators.run_due()

    def simulate(self, count: int | None = None, **options: Any) -> Any:
        """A ``SimulatedFleet`` (``nexigon_fake.simulation``) of ``count`` new devices, or of
        ``device_ids=[...]``, acting as ``nexigon-agent`` does on the hub clock. Options:
        ``project_id``, ``profile``, ``seed``, ``journaled`` (see ``simulation.start_fleet``)."""
        return Simulators.make_fleet(self, count=count, **options)

    def simulate_agent(
        self, device_id: str, enabled: bool = True, *, commands: bool = True
    ) -> None:
        """Let the device take its ``DeviceCommand`` steps as ``nexigon-agent`` does (D44):
        claim after every call and clock move, run its command handler, report. Off by default;
        ``commands=False`` is an agent whose commands are disabled."""
        if enabled:
            self.agents.enable(device_id, commands=commands)
        else:
            self.agents.disable(device_id)

    def execute(
        self, action: Action[OutputT], *, credentials: Credentials | None = None
    ) -> OutputT:
        """Typed call: an input struct in, its output struct out."""
        spec = ACTION_BY_INPUT[type(action)]
        payload = msgspec.to_builtins(action)
        output: OutputT = self._run(
            spec.name, payload, credentials or self._admin_credentials, NORMAL
        )
        return output

    def execute_quietly(self, action: Action[OutputT]) -> OutputT:
        """A typed call as the administrator, neither journaled nor faulted (fixture loading)."""
        spec = ACTION_BY_INPUT[type(action)]
        output: OutputT = self._run(
            spec.name, msgspec.to_builtins(action), self._admin_credentials, QUIET
        )
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
            user = users.add_user(self.store, email, None, instance_admin)
            token = users.add_user_token(self.store, user, None)
            if organization_id is not None:
                organization = self.store.organization(organization_id)
                organization.members[user.user_id] = organization_admin
                user.organization_ids[organization_id] = None
            return user.user_id, token.secret
