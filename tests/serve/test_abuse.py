"""A bounded abuse run against a real server on 127.0.0.1 (issue 18, "Done when").

Anonymous 8 MiB garbage bodies, deep-bracket bodies (action paths, unknown paths, command
frames), oversize WebSocket frames, year-0999 timestamps, absurd clock moves and crafted
snapshots, interleaved with normal calls: no 5xx anywhere, the journal stays readable, the
server's resident memory stays under a stated bound, and a snapshot taken after the run
restores byte for byte.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.live_server import LiveServer, start_server, stop_server

RSS_BOUND_MIB = 250  # the journal's default budget is 64 MiB; the process itself ~60 MiB
GARBAGE = b"\xff" * (8 * 1024 * 1024 - 1024)
DEEP = b"[" * 1500
ROUNDS = 25
TIME_LIMIT_SECS = 60
FILLING_CALLS = 300  # 300 x 250 KiB: more than the default 64 MiB budget holds


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    live = start_server("--invoke-frame-timeout", "2")
    yield live
    stop_server(live)


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def ws_url(server: LiveServer, device_id: str) -> str:
    return server.url.replace("http://", "ws://") + f"/api/v1/connect/command/{device_id}"


def test_abuse_leaves_no_5xx_a_readable_journal_and_bounded_memory(
    server: LiveServer,
) -> None:
    started = time.monotonic()
    statuses: list[tuple[str, int]] = []
    admin = {"Authorization": f"Bearer {server.admin_token}"}
    with httpx.Client(base_url=server.url, timeout=30) as http:

        def call(label: str, method: str, path: str, **kwargs: object) -> httpx.Response:
            response = http.request(method, path, **kwargs)  # type: ignore[arg-type]
            statuses.append((label, response.status_code))
            return response

        def action(name: str, payload: object, **kwargs: object) -> httpx.Response:
            return call(name, "POST", f"/api/v1/actions/invoke/{name}", json=payload, **kwargs)

        organization = server.default_organization_id
        project = action("projects_Create", {"organizationId": organization, "name": "p"},
                         headers=admin).json()["projectId"]  # fmt: skip
        device = action("devices_Create", {"projectId": project, "fingerprint": "d_sk_" + "c" * 44},
                        headers=admin).json()["deviceId"]  # fmt: skip
        baseline = rss_mib(server.process.pid)
        for number in range(ROUNDS):
            call("garbage", "POST", "/api/v1/actions/invoke/devices_Query", content=GARBAGE)
            call("deep", "POST", "/api/v1/actions/invoke/devices_GetDetails", content=DEEP)
            call("deep-unknown", "POST", "/api/v1/actions/invoke/no_such", content=DEEP)
            event = {"eventId": f"d_ev_09990101-0000-{number:08d}".replace("0", "1"),
                     "severity": "Info", "body": number, "attributes": {},
                     "emittedAt": "0999-01-01T00:00:00Z"}  # fmt: skip
            action("devices_PublishEvents", {"deviceId": device, "events": [event]}, headers=admin)
            call("clock", "POST", "/_fake/clock", json={"advanceSecs": 2.6e11})
            call("clock", "POST", "/_fake/clock", json={"now": "0999-06-01T00:00:00Z"})
            call("clock", "POST", "/_fake/clock", json={"now": "2026-05-04T07:00:00Z"})
            crafted = http.get("/_fake/state").json()
            crafted["user_tokens"].append(
                dict(crafted["user_tokens"][0], token_id="u_pk_" + "2" * 22)
            )
            call("crafted", "PUT", "/_fake/state", json=crafted)
            action("devices_SetName", {"deviceId": device, "name": f"n{number}"}, headers=admin)
            action("devices_GetDetails", {"deviceId": device}, headers=admin)
        for frame in (DEEP.decode(), "x" * (17 * 1024 * 1024)):
            with connect(ws_url(server, device), additional_headers=admin, proxy=None,
                         max_size=None) as ws:  # fmt: skip
                ws.send(frame)
                with pytest.raises(ConnectionClosed):
                    while True:
                        ws.recv(timeout=30)
                assert ws.close_code is not None and ws.close_code < 4500, ws.close_code
        abused = call("journal", "GET", "/_fake/journal")
        assert abused.status_code == 200
        assert any("$raw" in (e["input"] or {}) for e in abused.json()["entries"])
        # Bodies just under the size kept whole, until the journal sits at its byte budget.
        wide = b'{"organizationId": "%s", "name": "%s"}' % (
            organization.encode(),
            b"w" * (250 * 1024),
        )
        for _ in range(FILLING_CALLS):
            call("wide", "POST", "/api/v1/actions/invoke/projects_Create", content=wide,
                 headers=admin)  # fmt: skip
        journal = call("journal", "GET", "/_fake/journal")
        assert journal.status_code == 200
        listed = journal.json()
        assert listed["budgetBytes"] * 0.99 < listed["keptBytes"] <= listed["budgetBytes"]
        after = rss_mib(server.process.pid)
        snapshot = call("state", "GET", "/_fake/state").content
        assert call("restore", "PUT", "/_fake/state", content=snapshot).status_code == 200
        assert call("state", "GET", "/_fake/state").content == snapshot
        details = action("devices_GetDetails", {"deviceId": device}, headers=admin).json()
    elapsed = time.monotonic() - started
    print(
        f"\nabuse: {len(statuses)} requests in {elapsed:.1f} s; RSS {baseline:.0f} MiB before, "
        f"{after:.0f} MiB after; journal {listed['keptBytes']} of {listed['budgetBytes']} bytes, "
        f"{len(listed['entries'])} entries, {listed['dropped']} dropped"
    )
    assert [s for s in statuses if s[1] >= 500] == []
    assert details["name"] == f"n{ROUNDS - 1}"
    assert after < RSS_BOUND_MIB
    assert elapsed < TIME_LIMIT_SECS
    assert json.loads(snapshot)["clock"]["now"] == "2026-05-04T07:00:00Z"
