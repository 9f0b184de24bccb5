"""`nexigon-fake serve` as a real process: startup lines, options, clean shutdown on signals."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.live_server import LiveServer, start_server, stop_server

BASE58 = "[1-9A-HJ-NP-Za-km-z]"
ACTIONS = "/api/v1/actions/invoke/"


@pytest.fixture
def servers() -> Iterator[list[LiveServer]]:
    """Servers a test starts; whatever is still running at the end is stopped."""
    started: list[LiveServer] = []
    yield started
    for server in started:
        if server.process.poll() is None:
            stop_server(server)
        if server.process.stdout is not None:
            server.process.stdout.close()


def launch(servers: list[LiveServer], *args: str) -> LiveServer:
    server = start_server(*args)
    servers.append(server)
    return server


def invoke(
    server: LiveServer, action: str, payload: object, token: str | None = None
) -> httpx.Response:
    return httpx.post(
        server.url + ACTIONS + action,
        json=payload,
        headers={"Authorization": f"Bearer {token or server.admin_token}"},
        timeout=10,
    )


def test_serve_prints_url_token_and_organization(servers: list[LiveServer]) -> None:
    server = launch(servers)
    assert re.fullmatch(r"http://127\.0\.0\.1:[0-9]+", server.url)
    port = int(server.url.rsplit(":", 1)[1])
    assert 1024 <= port <= 65535
    assert port != 8080  # --port 0 picked an ephemeral port
    assert re.fullmatch(f"u_sk_{BASE58}{{66}}", server.admin_token)
    assert re.fullmatch(f"org_{BASE58}{{22}}", server.default_organization_id)

    response = invoke(server, "actor_GetActor", {})
    assert response.status_code == 200
    assert response.json()["actor"]["actor"] == "UserToken"
    created = invoke(
        server,
        "projects_Create",
        {"organizationId": server.default_organization_id, "name": "live"},
    )
    assert created.status_code == 200
    assert created.json()["result"] == "Created"
    health = httpx.get(server.url + "/_fake/health", timeout=10).json()
    assert health["adminToken"] == server.admin_token
    assert health["defaultOrganizationId"] == server.default_organization_id


def test_two_servers_get_different_ports(servers: list[LiveServer]) -> None:
    first = launch(servers)
    second = launch(servers)
    assert first.url != second.url
    # Same default seed: same token and organization.
    assert first.admin_token == second.admin_token
    assert first.default_organization_id == second.default_organization_id


def test_seed_changes_ids(servers: list[LiveServer]) -> None:
    default = launch(servers)
    seeded = launch(servers, "--seed", "42")
    again = launch(servers, "--seed", "42")
    assert seeded.admin_token != default.admin_token
    assert seeded.default_organization_id != default.default_organization_id
    assert (seeded.admin_token, seeded.default_organization_id) == (
        again.admin_token,
        again.default_organization_id,
    )
    assert httpx.get(seeded.url + "/_fake/health", timeout=10).json()["seed"] == 42
    projects = [
        invoke(s, "projects_Create", {"organizationId": s.default_organization_id, "name": "p"})
        for s in (default, seeded, again)
    ]
    ids = [response.json()["projectId"] for response in projects]
    assert ids[0] != ids[1]
    assert ids[1] == ids[2]


def test_admin_token_option_is_used(servers: list[LiveServer]) -> None:
    token = "u_sk_" + "dAb7Qg25xEgRAhHPfQX88w" * 3
    server = launch(servers, "--admin-token", token)
    assert server.admin_token == token
    actor = invoke(server, "actor_GetActor", {}, token)
    assert actor.status_code == 200
    assert actor.json()["actor"]["tokenId"] == "u_pk_dAb7Qg25xEgRAhHPfQX88w"
    unknown = invoke(server, "actor_GetActor", {}, "u_sk_" + "X" * 66)
    assert unknown.status_code == 401


def test_strict_option_rejects_unknown_fields(servers: list[LiveServer]) -> None:
    lenient = launch(servers)
    strict = launch(servers, "--strict")
    payload = {"bogus": 1}
    assert invoke(lenient, "projects_Query", payload).status_code == 200
    refused = invoke(strict, "projects_Query", payload)
    assert refused.status_code == 400
    assert refused.json()["kind"] == "Invalid"
    assert "bogus" in refused.json()["message"]


def test_start_time_option_sets_the_clock(servers: list[LiveServer]) -> None:
    server = launch(servers, "--start-time", "2030-01-02T03:04:05.5+01:00")
    clock = httpx.get(server.url + "/_fake/clock", timeout=10).json()
    assert clock == {"now": "2030-01-02T02:04:05.5Z", "frozen": True}
    created = invoke(
        server, "projects_Create", {"organizationId": server.default_organization_id, "name": "p"}
    ).json()
    audit = invoke(server, "projects_QueryAuditLog", {"projectId": created["projectId"]}).json()
    assert [event["createdAt"] for event in audit["events"]] == ["2030-01-02T02:04:05.5Z"]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signals_stop_the_server_cleanly(servers: list[LiveServer], signum: int) -> None:
    server = launch(servers)
    # A served request proves the server loop (and its signal handling) is running.
    assert httpx.get(server.url + "/_fake/health", timeout=10).status_code == 200
    server.process.send_signal(signum)
    assert server.process.wait(timeout=10) == 0


def test_bad_start_time_is_a_usage_error() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "nexigon_fake", "serve", "--port", "0", "--start-time", "noon"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert completed.returncode == 2
    assert "--start-time" in completed.stderr
    assert completed.stdout == ""


def test_fixture_option_loads_it_and_reset_returns_to_it(servers: list[LiveServer]) -> None:
    server = launch(servers, "--fixture", "showcase")
    assert server.process.stdout is not None
    assert server.process.stdout.readline().strip() == (
        "fixture: showcase (ids: GET /_fake/fixture)"
    )
    loaded = httpx.get(f"{server.url}/_fake/fixture", timeout=10).json()["fixture"]
    assert loaded["name"] == "showcase"
    listed = invoke(server, "devices_Query", {}).json()["devices"]
    assert sorted(d["deviceId"] for d in listed) == sorted(loaded["devices"].values())

    created = invoke(
        server, "projects_Create", {"organizationId": server.default_organization_id, "name": "x"}
    )
    assert created.status_code == 200
    assert httpx.post(f"{server.url}/_fake/reset", json={}, timeout=10).status_code == 200
    projects = invoke(server, "projects_Query", {}).json()["projects"]
    assert sorted(p["projectId"] for p in projects) == sorted(loaded["projects"].values())
    assert httpx.get(f"{server.url}/_fake/fixture", timeout=10).json()["fixture"] == loaded


def _serve_failing(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nexigon_fake", "serve", "--port", "0", *args],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def test_unknown_fixture_stops_before_serving() -> None:
    completed = _serve_failing("--fixture", "no-such-fixture")
    assert completed.returncode == 2
    assert "no-such-fixture" in completed.stderr
    assert "showcase" in completed.stderr  # names the fixtures that exist
    assert completed.stdout == ""


def test_bad_fixture_names_the_file_and_the_json_path(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(
        '{"format": "nexigon-fake-fixture/1", "projects": [{"key": "p", "name": "p", '
        '"devices": [{"key": "d", "properties": [{"name": "-x", "value": 1}]}]}]}'
    )
    completed = _serve_failing("--fixture", str(bad))
    assert completed.returncode == 2
    assert f"{bad}: $.projects[0].devices[0].properties[0]" in completed.stderr
    assert "Property name" in completed.stderr
    assert completed.stdout == ""


def test_journal_cap_option_bounds_the_journal(servers: list[LiveServer]) -> None:
    server = launch(servers, "--journal-cap", "2")
    for _ in range(3):
        assert invoke(server, "actor_GetActor", {}).status_code == 200
    journal = httpx.get(f"{server.url}/_fake/journal", timeout=10).json()
    assert (journal["cap"], journal["dropped"], len(journal["entries"])) == (2, 1, 2)
    assert [entry["sequence"] for entry in journal["entries"]] == [2, 3]


def test_negative_journal_cap_is_a_usage_error() -> None:
    completed = _serve_failing("--journal-cap", "-1")
    assert completed.returncode == 2
    assert "--journal-cap" in completed.stderr


def test_start_up_names_the_dashboard_and_the_api_docs(servers: list[LiveServer]) -> None:
    server = launch(servers)
    assert server.process.stdout is not None
    line = server.process.stdout.readline().strip()
    assert line == f"dashboard: {server.url}/  API docs: {server.url}/docs"
    assert httpx.get(server.url + "/", timeout=10).status_code == 200
    assert httpx.get(server.url + "/docs", timeout=10).status_code == 200
