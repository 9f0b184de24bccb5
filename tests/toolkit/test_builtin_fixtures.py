"""The shipped fixtures hold what they promise, checked through the hub's own actions."""

from __future__ import annotations

import base64
import collections
import re
import subprocess
import sys
import urllib.parse
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from nexigon_fake import ForbiddenError, Hub
from nexigon_fake.toolkit.fixture_loader import LoadedFixture, builtin_fixture_names, load_fixture
from nexigon_fake.wire.actor import DeviceActor

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@pytest.fixture(scope="module")
def showcase() -> tuple[Hub, LoadedFixture]:
    """Loaded once: the tests below only read."""
    hub = Hub(seed=0)
    return hub, load_fixture(hub, "showcase")


def project_devices(hub: Hub, loaded: LoadedFixture, project: str) -> dict[str, dict[str, Any]]:
    """``projects_QueryDevices`` of a project, by fixture device key."""
    by_id = {d["deviceId"]: d for d in _query_devices(hub, loaded.projects[project])}
    return {key: by_id[i] for key, i in loaded.devices.items() if i in by_id}


def _query_devices(hub: Hub, project_id: str) -> list[dict[str, Any]]:
    devices: list[dict[str, Any]] = hub.invoke("projects_QueryDevices", {"projectId": project_id})[
        "devices"
    ]
    return devices


def certificate_statuses(hub: Hub, devices: Mapping[str, str], key: str) -> list[str]:
    details = hub.invoke("devices_GetDetails", {"deviceId": devices[key]})
    return [c["status"] for c in details["certificates"]]


def test_every_builtin_fixture_loads_on_a_fresh_hub() -> None:
    assert builtin_fixture_names() == ["fleet-1000", "showcase"]
    for name in builtin_fixture_names():
        hub = Hub(seed=3)
        loaded = load_fixture(hub, name)
        assert loaded.name == name
        assert hub.clock.now() == Hub(seed=3).clock.now()


def test_readme_example_runs() -> None:
    readme = (FIXTURES / "README.md").read_text(encoding="utf-8")
    [example] = re.findall(r"```python\n(.*?)```", readme, flags=re.DOTALL)
    namespace: dict[str, Any] = {}
    exec(example, namespace)
    assert namespace["loaded"].name == "showcase"


# showcase


def test_showcase_device_states(showcase: tuple[Hub, LoadedFixture]) -> None:
    hub, loaded = showcase
    gateways = project_devices(hub, loaded, "gateways")
    state = {
        key: (d["status"], d["isConnected"], d.get("currentConnectionDurationSecs"))
        for key, d in gateways.items()
    }
    assert state == {
        "gw-healthy": ("healthy", True, 3600),
        "gw-degraded": ("warning", True, 900),
        "gw-error": ("error", True, 120),
        "gw-offline": ("offline", False, None),
        "gw-unboxed": ("offline", False, None),
        "gw-rejected": ("offline", False, None),
        "gw-clone-a": ("healthy", True, 300),
        "gw-clone-b": ("offline", False, None),
    }
    assert gateways["gw-healthy"]["hostname"] == "gw-berlin-1"
    assert gateways["gw-offline"]["lastConnectedAt"] == "2026-05-04T05:00:00Z"
    assert "lastConnectedAt" not in gateways["gw-unboxed"]  # never connected
    assert gateways["gw-unboxed"]["pendingCertificatesCount"] == 1
    sensors = project_devices(hub, loaded, "sensors")
    # Connected without a health property: healthy (D8).
    assert sensors["sensor-lobby"]["status"] == "healthy"
    assert sensors["sensor-roof"]["status"] == "offline"


def test_showcase_offline_device_has_a_closed_history(showcase: tuple[Hub, LoadedFixture]) -> None:
    hub, loaded = showcase
    history = hub.invoke("devices_QueryConnections", {"deviceId": loaded.devices["gw-offline"]})
    [connection] = history["connections"]
    assert connection["endReason"] == "NodeCrashed"
    assert connection["durationSecs"] == 7200 - 600
    details = hub.invoke("devices_GetDetails", {"deviceId": loaded.devices["gw-offline"]})
    assert details["connections"] == []


def test_showcase_certificate_statuses(showcase: tuple[Hub, LoadedFixture]) -> None:
    hub, loaded = showcase
    assert certificate_statuses(hub, loaded.devices, "gw-healthy") == ["Active"]
    assert certificate_statuses(hub, loaded.devices, "gw-unboxed") == ["Pending"]
    assert certificate_statuses(hub, loaded.devices, "gw-rejected") == ["Rejected"]
    assert certificate_statuses(hub, loaded.devices, "gw-offline") == ["Revoked", "Active"]
    # One certificate on two devices: the hub puts both in conflict (D7).
    assert certificate_statuses(hub, loaded.devices, "gw-clone-a") == ["Conflict"]
    assert certificate_statuses(hub, loaded.devices, "gw-clone-b") == ["Conflict"]


def test_showcase_properties_and_commands(showcase: tuple[Hub, LoadedFixture]) -> None:
    hub, loaded = showcase
    device_id = loaded.devices["gw-healthy"]
    properties = hub.invoke("devices_QueryProperties", {"deviceId": device_id})["properties"]
    assert properties["dev.nexigon.system.info"]["value"]["hostname"] == "gw-berlin-1"
    assert properties["dev.nexigon.system.health"]["value"] == {"status": "healthy"}
    protected = {name for name, p in properties.items() if p["protected"]}
    assert protected == {"com.example.gateway.config"}
    manifest = hub.invoke("devices_QueryCommands", {"deviceId": device_id})["manifest"]
    assert [c["name"] for c in manifest["commands"]] == ["reboot", "collect-diagnostics"]
    lobby = hub.invoke("devices_QueryProperties", {"deviceId": loaded.devices["sensor-lobby"]})
    assert lobby["properties"]["com.acme.sensor.calibration"]["protected"] is True


def test_showcase_events_of_every_severity(showcase: tuple[Hub, LoadedFixture]) -> None:
    hub, loaded = showcase
    severities: set[str] = set()
    for device_id in loaded.devices.values():
        events = hub.invoke("devices_QueryEvents", {"deviceId": device_id})["events"]
        severities.update(e["severity"] for e in events)
    assert severities == {"Trace", "Debug", "Info", "Warning", "Error", "Critical"}
    errors = hub.invoke("devices_QueryEvents", {"deviceId": loaded.devices["gw-error"]})
    assert [e["severity"] for e in errors["events"]] == ["Critical", "Error"]  # newest first


def test_showcase_projects_tokens_links_and_otlp(showcase: tuple[Hub, LoadedFixture]) -> None:
    hub, loaded = showcase
    organizations = hub.invoke("organizations_Query")["organizations"]
    assert [o["name"] for o in organizations] == ["Default Organization", "Acme Robotics"]
    acme_projects = hub.invoke(
        "organizations_QueryProjects", {"organizationId": loaded.organizations["acme"]}
    )
    assert [p["projectId"] for p in acme_projects["projects"]] == [loaded.projects["sensors"]]
    gateways = loaded.projects["gateways"]
    tokens = hub.invoke("projects_QueryDeploymentTokens", {"projectId": gateways})["tokens"]
    assert [(t["name"], t["flags"]) for t in tokens] == [
        ("factory", {"autoAccept": True}),
        ("field-service", {}),
        ("re-pairing", {"autoAccept": True}),  # bound to gw-healthy by the used pairing key
    ]
    assert tokens[2]["deviceId"] == loaded.devices["gw-healthy"]
    linked = hub.invoke("projects_QueryLinkedRepositories", {"projectId": gateways})
    assert [r["repositoryId"] for r in linked["repositories"]] == [loaded.repositories["firmware"]]
    otlp = hub.invoke("projects_GetOtlpConfig", {"projectId": gateways})["config"]
    assert otlp == {
        "enabled": True,
        "endpoint": "https://otel.example.com:4318/v1/logs",
        "headers": {"authorization": "********"},
    }
    never = hub.invoke("projects_GetOtlpConfig", {"projectId": loaded.projects["sensors"]})
    assert never["config"] == {"enabled": False, "headers": {}}


def pem(label: str) -> str:
    """A URL-encoded PEM blob: the hub only hashes its DER body."""
    body = base64.b64encode(b"fake-certificate-" + label.encode()).decode()
    return urllib.parse.quote(f"-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----\n")


def test_showcase_tokens_admit_new_devices_as_flagged() -> None:
    hub = Hub(seed=0)
    loaded = load_fixture(hub, "showcase")
    accepted = hub.as_device(loaded.deployment_tokens["factory"], "d_sk_" + "F" * 44, pem("f"))
    actor = accepted.actor.get_actor().actor
    assert isinstance(actor, DeviceActor)
    device_id = actor.device_id
    assert certificate_statuses(hub, {"new": device_id}, "new") == ["Active"]
    held = hub.as_device(loaded.deployment_tokens["field-service"], "d_sk_" + "S" * 44, pem("s"))
    with pytest.raises(ForbiddenError, match="is Pending"):
        held.actor.get_actor()
    assert len(_query_devices(hub, loaded.projects["gateways"])) == 8 + 2  # both were created


# fleet-1000


def test_fleet_file_is_the_generator_output() -> None:
    result = subprocess.run(
        [sys.executable, str(FIXTURES / "generate_fleet.py")],
        capture_output=True,
        check=True,
    )
    assert (FIXTURES / "fleet-1000.json").read_bytes() == result.stdout
    assert b"\n" not in result.stdout.rstrip(b"\n")  # compact: one line


def test_fleet_loads_a_thousand_varied_devices() -> None:
    hub = Hub(seed=0)
    loaded = load_fixture(hub, "fleet-1000")
    assert len(loaded.devices) == len(hub.invoke("devices_Query")["devices"]) == 1000
    assert len(loaded.projects) == 4
    statuses: collections.Counter[str] = collections.Counter()
    for project_id in loaded.projects.values():
        statuses.update(d["status"] for d in _query_devices(hub, project_id))
    assert statuses.keys() == {"healthy", "warning", "error", "offline"}
    assert 550 <= sum(n for s, n in statuses.items() if s != "offline") <= 650
    sample = loaded.devices["dev-0123"]
    properties = hub.invoke("devices_QueryProperties", {"deviceId": sample})["properties"]
    assert len(properties) == 3
    assert len(hub.invoke("devices_GetDetails", {"deviceId": sample})["certificates"]) == 1
    assert hub.invoke("devices_QueryEvents", {"deviceId": sample})["events"]
    conflicts = [
        key
        for key in ("dev-0248", "dev-0249")
        if certificate_statuses(hub, loaded.devices, key)[0] == "Conflict"
    ]
    assert conflicts == ["dev-0248", "dev-0249"]


def test_showcase_has_a_device_operation_in_each_status(
    showcase: tuple[Hub, LoadedFixture],
) -> None:
    hub, loaded = showcase
    statuses = {
        key: hub.invoke("devices_GetOperation", {"deviceOperationId": operation_id})["summary"][
            "status"
        ]
        for key, operation_id in loaded.operations.items()
    }
    assert statuses == {
        "next-window": "Pending",
        "reboot-now": "Running",
        "config-rollout": "Succeeded",
        "bad-patch": "Failed",
        "diagnostics": "TimedOut",
        "abandoned": "Cancelled",
    }
    healthy = loaded.devices["gw-healthy"]
    listed = hub.invoke("devices_QueryOperations", {"deviceId": healthy})["operations"]
    standalone = [o["name"] for o in listed if "fleetOperationId" not in o]
    assert standalone == [  # newest first
        "Reboot in the next maintenance window",
        "Reboot",
        "Roll out gateway config",
    ]
