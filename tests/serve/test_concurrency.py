"""Many clients at once against a live server: the journal and the state agree with them."""

from __future__ import annotations

import json
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import httpx

from nexigon_fake import Hub
from tests.state.helpers import base58

ACTION = "/api/v1/actions/invoke/"
THREADS = 20
PER_THREAD = 10
DEVICES = 4
PROPERTIES = ("app.config", "app.state")
SET_FAULTS = 15
DEVICE_FAULTS = 5


@dataclass(frozen=True)
class Request:
    action: str
    body: bytes


@dataclass(frozen=True)
class Sent:
    action: str
    body: bytes
    status: int
    answer: bytes


def encode(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode()


def plan(device_ids: list[str]) -> list[Request]:
    """200 requests: 80 sets, 40 gets, 40 event batches, 40 invalid ones, interleaved."""
    requests: list[Request] = []
    for index in range(40):
        device_id = device_ids[index % DEVICES]
        name = PROPERTIES[(index // DEVICES) % 2]
        requests.append(
            Request(
                "devices_SetProperty",
                encode({"deviceId": device_id, "name": name, "value": {"i": index}}),
            )
        )
        requests.append(
            Request(
                "devices_SetProperty",
                encode({"deviceId": device_id, "name": name, "value": index}),
            )
        )
        requests.append(
            Request("devices_GetProperty", encode({"deviceId": device_id, "name": name}))
        )
        event = {
            "eventId": f"d_ev_20260504-0700-{base58(8, seed=index)}",
            "severity": "Info",
            "body": {"i": index},
            "attributes": {},
            "emittedAt": "2026-05-04T07:00:00Z",
        }
        requests.append(
            Request("devices_PublishEvents", encode({"deviceId": device_id, "events": [event]}))
        )
        invalid = [
            Request("devices_SetProperty", encode({"deviceId": "d_bad", "name": name, "value": 1})),
            Request("devices_Explode", encode({"deviceId": device_id})),
            Request("devices_GetProperty", b"{not json"),
            Request("devices_PublishEvents", encode({"deviceId": device_id})),
        ]
        requests.append(invalid[index % 4])
    assert len(requests) == THREADS * PER_THREAD
    return requests


def test_concurrent_clients_are_journaled_exactly_and_state_agrees(
    nexigon_server: Any,
) -> None:
    hub: Hub = nexigon_server.hub
    project_id = hub.invoke(
        "projects_Create", {"organizationId": hub.default_organization_id, "name": "fleet"}
    )["projectId"]
    device_ids = [
        hub.invoke(
            "devices_Create",
            {"projectId": project_id, "fingerprint": "d_sk_" + base58(44, seed=1000 + index)},
        )["deviceId"]
        for index in range(DEVICES)
    ]
    hub.journal.clear()
    hub.faults.inject("devices_SetProperty", kind="RateLimited", times=SET_FAULTS)
    hub.faults.inject(
        "devices_PublishEvents", kind="Internal", device_id=device_ids[0], times=DEVICE_FAULTS
    )
    requests = plan(device_ids)
    batches = [requests[start::THREADS] for start in range(THREADS)]
    barrier = threading.Barrier(THREADS, timeout=30)
    headers = {"Authorization": f"Bearer {nexigon_server.admin_token}"}

    def worker(batch: list[Request]) -> list[Sent]:
        sent = []
        with httpx.Client(base_url=nexigon_server.url, headers=headers, timeout=30) as http:
            barrier.wait()  # start together, to overlap as much as possible
            for request in batch:
                response = http.post(ACTION + request.action, content=request.body)
                sent.append(
                    Sent(request.action, request.body, response.status_code, response.content)
                )
        return sent

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        results = [sent for batch in pool.map(worker, batches) for sent in batch]

    assert len(results) == 200
    entries = hub.journal.entries()
    assert len(entries) == 200
    journaled = Counter(
        Sent(entry.action, entry.input_json, entry.status, entry.output_json) for entry in entries
    )
    assert journaled == Counter(results)

    sequences = [entry.sequence for entry in entries]
    assert len(set(sequences)) == 200
    assert sequences == sorted(sequences)
    assert all(entry.time == hub.clock.now() for entry in entries)

    injected = [entry for entry in entries if entry.fault_injected]
    assert len(injected) == SET_FAULTS + DEVICE_FAULTS
    by_action = Counter((entry.action, entry.status) for entry in injected)
    assert by_action == {
        ("devices_SetProperty", 429): SET_FAULTS,
        ("devices_PublishEvents", 500): DEVICE_FAULTS,
    }
    targeted = [e.input["deviceId"] for e in injected if e.action == "devices_PublishEvents"]
    assert targeted == [device_ids[0]] * DEVICE_FAULTS
    assert hub.faults.active() == []
    statuses = Counter((sent.action, sent.status) for sent in results)
    assert statuses[("devices_SetProperty", 400)] == 10
    assert statuses[("devices_Explode", 404)] == 10
    assert statuses[("devices_GetProperty", 400)] == 10
    assert statuses[("devices_PublishEvents", 400)] == 10
    assert statuses[("devices_SetProperty", 200)] == 80 - SET_FAULTS
    assert statuses[("devices_PublishEvents", 200)] == 40 - DEVICE_FAULTS

    # State: each property's version is the number of sets the clients saw succeed.
    successful_sets: Counter[tuple[str, str]] = Counter()
    published: dict[str, set[str]] = {device_id: set() for device_id in device_ids}
    for sent in results:
        if sent.status != 200:
            continue
        payload = json.loads(sent.body)
        if sent.action == "devices_SetProperty":
            successful_sets[(payload["deviceId"], payload["name"])] += 1
        elif sent.action == "devices_PublishEvents":
            published[payload["deviceId"]].update(e["eventId"] for e in payload["events"])
    assert sum(successful_sets.values()) == 80 - SET_FAULTS
    for device_id in device_ids:
        for name in PROPERTIES:
            found = hub.invoke("devices_GetProperty", {"deviceId": device_id, "name": name})
            expected = successful_sets[(device_id, name)]
            if expected == 0:  # every set of this property hit the rate limit
                assert found == {"result": "NotFound"}
            else:
                assert found["result"] == "Found", (device_id, name, found)
                assert found["version"] == expected, (device_id, name)
        events = hub.invoke("devices_QueryEvents", {"deviceId": device_id})["events"]
        assert {event["eventId"] for event in events} == published[device_id]


def test_concurrent_fault_injection_gives_unique_ids(nexigon_server: Any) -> None:
    hub: Hub = nexigon_server.hub
    barrier = threading.Barrier(10, timeout=30)

    def worker(index: int) -> list[int]:
        ids = []
        with httpx.Client(base_url=nexigon_server.url, timeout=30) as http:
            barrier.wait()
            for _ in range(5):
                response = http.post(
                    "/_fake/faults", json={"action": "devices_Delete", "kind": "Internal"}
                )
                assert response.status_code == 200, response.text
                ids.append(response.json()["id"])
                journal = http.get("/_fake/journal")
                assert journal.status_code == 200
        return ids

    with ThreadPoolExecutor(max_workers=10) as pool:
        ids = [fault_id for batch in pool.map(worker, range(10)) for fault_id in batch]
    assert sorted(ids) == list(range(1, 51))
    listed = httpx.get(f"{nexigon_server.url}/_fake/faults").json()["faults"]
    assert sorted(fault["id"] for fault in listed) == list(range(1, 51))
    assert len(hub.faults.active()) == 50
