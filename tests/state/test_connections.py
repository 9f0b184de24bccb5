"""Connection lifecycle and derived connection fields (§6.11-6.13, §10, D7)."""

from __future__ import annotations

from typing import Any

from nexigon_fake import Hub

from .helpers import (
    connect,
    connection_id,
    details,
    disconnect,
    make_device,
    make_project,
    node_id,
    project_device,
    raises,
)


def history(hub: Hub, device: str, **extra: Any) -> list[dict[str, Any]]:
    return hub.invoke("devices_QueryConnections", {"deviceId": device, **extra})["connections"]


def queried_device(hub: Hub, device: str) -> dict[str, Any]:
    (item,) = [d for d in hub.invoke("devices_Query", {})["devices"] if d["deviceId"] == device]
    return item


def setup(hub: Hub) -> tuple[str, str]:
    project = make_project(hub)
    return project, make_device(hub, project)


def test_register_echoes_id_and_device_becomes_connected(hub: Hub) -> None:
    project, device = setup(hub)
    conn, node = connection_id(), node_id()
    output = hub.invoke(
        "devices_RegisterConnection", {"deviceId": device, "nodeId": node, "connectionId": conn}
    )
    assert output == {"connectionId": conn}
    hub.clock.advance(42)
    assert details(hub, device)["isConnected"] is True
    assert details(hub, device)["connections"] == [
        {
            "connectionId": conn,
            "nodeId": node,
            "connectedAt": "2026-05-04T07:00:00Z",
            "connectedForSecs": 42,
        }
    ]
    assert queried_device(hub, device) == {
        "deviceId": device,
        "projectId": project,
        "isConnected": True,
        "lastConnectedAt": "2026-05-04T07:00:00Z",
        "currentConnectionDurationSecs": 42,
    }


def test_never_connected_device_omits_connection_fields(hub: Hub) -> None:
    project, device = setup(hub)
    assert queried_device(hub, device) == {
        "deviceId": device,
        "projectId": project,
        "isConnected": False,
    }
    item = project_device(hub, project, device)
    assert "lastConnectedAt" not in item
    assert "currentConnectionDurationSecs" not in item
    assert details(hub, device)["connections"] == []


def test_unregister_ends_connection_and_keeps_last_connected_at(hub: Hub) -> None:
    project, device = setup(hub)
    conn = connect(hub, device)
    hub.clock.advance(10)
    disconnect(hub, conn, "NodeCrashed")
    hub.clock.advance(50)
    assert details(hub, device)["isConnected"] is False
    assert details(hub, device)["connections"] == []
    item = queried_device(hub, device)
    assert item["isConnected"] is False
    assert item["lastConnectedAt"] == "2026-05-04T07:00:00Z"
    assert "currentConnectionDurationSecs" not in item
    (log,) = history(hub, device)
    assert log == {
        "connectionId": conn,
        "nodeId": log["nodeId"],
        "connectedAt": "2026-05-04T07:00:00Z",
        "endedAt": "2026-05-04T07:00:10Z",
        "endReason": "NodeCrashed",
        "durationSecs": 10,
    }
    assert project_device(hub, project, device)["status"] == "offline"


def test_active_connection_history_omits_end_and_counts_up(hub: Hub) -> None:
    _, device = setup(hub)
    conn = connect(hub, device)
    hub.clock.advance(7)
    (log,) = history(hub, device)
    assert set(log) == {"connectionId", "nodeId", "connectedAt", "durationSecs"}
    assert (log["connectionId"], log["durationSecs"]) == (conn, 7)


def test_unregister_twice_keeps_first_end(hub: Hub) -> None:
    _, device = setup(hub)
    conn = connect(hub, device)
    hub.clock.advance(5)
    disconnect(hub, conn, "Disconnected")
    hub.clock.advance(5)
    disconnect(hub, conn, "ServerShutdown")
    (log,) = history(hub, device)
    assert (log["endedAt"], log["endReason"], log["durationSecs"]) == (
        "2026-05-04T07:00:05Z",
        "Disconnected",
        5,
    )


def test_register_same_id_for_same_device_returns_it_again(hub: Hub) -> None:
    _, device = setup(hub)
    conn = connect(hub, device)
    hub.clock.advance(3)
    assert connect(hub, device, conn) == conn
    (log,) = history(hub, device)
    assert log["connectedAt"] == "2026-05-04T07:00:00Z"
    assert len(details(hub, device)["connections"]) == 1


def test_register_same_id_for_another_device_is_invalid(hub: Hub) -> None:
    project, device = setup(hub)
    other = make_device(hub, project)
    conn = connect(hub, device)
    raises("Invalid", 400, connect, hub, other, conn)
    assert history(hub, other) == []


def test_unregister_unknown_connection_is_not_found(hub: Hub) -> None:
    setup(hub)
    raises("Forbidden", 404, disconnect, hub, connection_id())


def test_end_reasons_are_validated(hub: Hub) -> None:
    _, device = setup(hub)
    conn = connect(hub, device)
    raises("Invalid", 400, disconnect, hub, conn, "Crashed")
    for reason in ["Unknown", "Disconnected", "NodeCrashed", "ServerShutdown"]:
        disconnect(hub, connect(hub, device), reason)


def test_malformed_ids_are_invalid(hub: Hub) -> None:
    _, device = setup(hub)
    bad_node = {"deviceId": device, "nodeId": "cluster_node_0" * 2, "connectionId": connection_id()}
    raises("Invalid", 400, hub.invoke, "devices_RegisterConnection", bad_node)
    bad_conn = {"deviceId": device, "nodeId": node_id(), "connectionId": "d_conn_short"}
    raises("Invalid", 400, hub.invoke, "devices_RegisterConnection", bad_conn)


def test_history_newest_first_with_ties_newest_registered_first(hub: Hub) -> None:
    _, device = setup(hub)
    first = connect(hub, device)
    second = connect(hub, device)  # same connectedAt as the first
    hub.clock.advance(1)
    third = connect(hub, device)
    assert [c["connectionId"] for c in history(hub, device)] == [third, second, first]


def test_several_open_connections_use_the_most_recent(hub: Hub) -> None:
    project, device = setup(hub)
    old = connect(hub, device)
    hub.clock.advance(100)
    new = connect(hub, device)
    hub.clock.advance(20)
    item = project_device(hub, project, device)
    assert item["currentConnectionDurationSecs"] == 20
    assert item["lastConnectedAt"] == "2026-05-04T07:01:40Z"
    assert [c["connectionId"] for c in details(hub, device)["connections"]] == [new, old]
    disconnect(hub, new)
    assert project_device(hub, project, device)["isConnected"] is True
    assert project_device(hub, project, device)["currentConnectionDurationSecs"] == 120
    assert project_device(hub, project, device)["lastConnectedAt"] == "2026-05-04T07:01:40Z"


def test_active_only_filters_open_connections(hub: Hub) -> None:
    _, device = setup(hub)
    ended = connect(hub, device)
    disconnect(hub, ended)
    open_ = connect(hub, device)
    assert [c["connectionId"] for c in history(hub, device, activeOnly=True)] == [open_]
    assert len(history(hub, device, activeOnly=False)) == 2
    assert len(history(hub, device, activeOnly=None)) == 2


def test_limit_defaults_to_100_and_must_be_1_to_1000(hub: Hub) -> None:
    _, device = setup(hub)
    ids = []
    for _ in range(101):
        ids.append(connect(hub, device))
        hub.clock.advance(1)
    logs = history(hub, device)
    assert len(logs) == 100
    assert logs[0]["connectionId"] == ids[-1]
    assert logs[-1]["connectionId"] == ids[1]
    assert [c["connectionId"] for c in history(hub, device, limit=2)] == [ids[-1], ids[-2]]
    assert len(history(hub, device, limit=1000)) == 101
    raises("Invalid", 400, history, hub, device, limit=0)
    raises("Invalid", 400, history, hub, device, limit=1001)


def test_connections_are_per_device(hub: Hub) -> None:
    project, device = setup(hub)
    other = make_device(hub, project)
    connect(hub, device)
    assert history(hub, other) == []
    assert details(hub, other)["isConnected"] is False
