"""Devices of a test's hub whose command handlers the test declares (``nexigon_device``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from nexigon_fake.hub import Hub

HandlerT = TypeVar("HandlerT", bound=Callable[..., Any])


@dataclass
class SimulatedDevice:
    """A device of ``nexigon_hub`` whose command handlers the test declares.

    Handlers take ``(input, log)`` and return the output or raise (see
    ``hub.devices.on_command``); they are forgotten when the next test resets the hub.
    """

    hub: Hub
    device_id: str
    project_id: str

    def command(self, name: str, **manifest: Any) -> Callable[[HandlerT], HandlerT]:
        """``@device.command("reboot", input_schema=…)``: register the decorated function."""

        def register(handler: HandlerT) -> HandlerT:
            self.hub.devices.on_command(self.device_id, name, handler, **manifest)
            return handler

        return register

    def on_command(self, name: str, handler: Callable[..., Any], **manifest: Any) -> None:
        self.hub.devices.on_command(self.device_id, name, handler, **manifest)

    def remove_command(self, name: str) -> bool:
        return self.hub.devices.remove_command(self.device_id, name)

    def simulate_agent(self, enabled: bool = True, *, commands: bool = True) -> None:
        """Switch on (or off) the device's simulated agent: it claims its ``DeviceCommand``
        steps, runs its handlers and reports, as ``nexigon-agent`` does (``hub.simulate_agent``).
        ``commands=False`` is an agent whose commands are disabled."""
        self.hub.simulate_agent(self.device_id, enabled, commands=commands)

    def connect(self) -> str:
        """Open a connection (commands need one, as a real agent's); its id."""
        with self.hub.lock:
            connection_id = self.hub.ids.flat("d_conn")
            node_id = self.hub.ids.flat("cluster_node")
        self.hub.devices.register_connection(
            device_id=self.device_id, connection_id=connection_id, node_id=node_id
        )
        return connection_id

    def disconnect(self) -> None:
        """End every open connection: the device is offline."""
        for connection in self.hub.devices.query_connections(
            device_id=self.device_id, active_only=True
        ).connections:
            self.hub.devices.unregister_connection(
                connection_id=connection.connection_id, end_reason="Disconnected"
            )


class SimulatedDevices:
    """Makes ``SimulatedDevice``s on one hub; by default in a project made on first use."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self._project_id: str | None = None

    def __call__(
        self,
        *,
        project_id: str | None = None,
        name: str | None = None,
        connected: bool = True,
        agent: bool = False,
    ) -> SimulatedDevice:
        hub = self.hub
        if project_id is None:
            if self._project_id is None:
                organization_id = hub.default_organization_id
                created = hub.invoke(
                    "projects_Create", {"organizationId": organization_id, "name": "devices"}
                )
                self._project_id = created["projectId"]
            project_id = self._project_id
        with hub.lock:
            fingerprint = hub.ids.secret("d_sk")
        device_id = hub.devices.create(project_id=project_id, fingerprint=fingerprint).device_id
        if name is not None:
            hub.devices.set_name(device_id=device_id, name=name)
        device = SimulatedDevice(hub, device_id, project_id)
        if connected:
            device.connect()
        if agent:
            device.simulate_agent()
        return device
