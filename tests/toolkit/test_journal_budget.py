"""The journal bounded in bytes, and bodies it cannot decode read back as marked raw values
(issue 18, defects 1 and 2)."""

from __future__ import annotations

import datetime as dt
import hashlib

import httpx
import pytest

from nexigon_fake import Hub, create_app
from nexigon_fake.serve.transport import InProcessTransport
from nexigon_fake.toolkit.journal import (
    ENTRY_OVERHEAD_BYTES,
    KEPT_PREFIX_BYTES,
    Journal,
    is_raw_value,
)
from nexigon_fake.wire.credentials import Credentials

DEEP = b"[" * 1500
ANONYMOUS = Credentials(None)
WHEN = dt.datetime(2026, 5, 4, tzinfo=dt.UTC)


def anonymous_http(hub: Hub) -> httpx.Client:
    return httpx.Client(transport=InProcessTransport(create_app(hub)), base_url="http://hub.test")


@pytest.mark.parametrize(
    "action", ["devices_GetDetails", "no_such_action", "devices_InvokeCommand"]
)
def test_a_deep_bracket_body_reads_back_as_a_raw_value(action: str) -> None:
    hub = Hub()
    with anonymous_http(hub) as http:
        assert http.post(f"/api/v1/actions/invoke/{action}", content=DEEP).status_code < 500
        entries = hub.journal.calls()
        assert len(entries) == 1
        raw = entries[0].input
        assert is_raw_value(raw) and raw["$raw"] == DEEP.decode() and raw["size"] == 1500
        hub.journal.assert_called(action, times=1)
        hub.journal.assert_not_called(action, where={"deviceId": "d_x"})
        admin = {"Authorization": f"Bearer {hub.admin_token}"}
        listed = http.get("/_fake/journal", headers=admin)
        assert listed.status_code == 200, listed.text
        assert listed.json()["entries"][0]["input"]["$raw"] == DEEP.decode()


def test_a_deep_output_reads_back_raw_too() -> None:
    journal = Journal()
    journal.record(WHEN, "a", None, b"{}", 200, DEEP)
    assert journal[0].output["reason"].startswith("cannot be decoded: RecursionError")


def test_a_body_over_the_limit_keeps_a_prefix_its_size_and_digest() -> None:
    journal = Journal(body_limit=1024)
    body = b"x" * 10_000
    journal.record(WHEN, "a", None, body, 400, b'{"kind":"Invalid","message":"m"}')
    entry = journal[0]
    assert len(entry.input_json) == KEPT_PREFIX_BYTES
    assert entry.input == {
        "$raw": "x" * KEPT_PREFIX_BYTES,
        "size": 10_000,
        "sha256": hashlib.sha256(body).hexdigest(),
        "truncated": True,
        "reason": f"only the first {KEPT_PREFIX_BYTES} of 10000 bytes were kept",
    }
    assert entry.output == {"kind": "Invalid", "message": "m"}


def test_the_byte_budget_drops_the_oldest_entries() -> None:
    journal = Journal(budget=10 * (1000 + ENTRY_OVERHEAD_BYTES + 2))
    for number in range(25):
        journal.record(WHEN, f"call{number}", None, b"y" * 1000, 200, b"{}")
    assert len(journal) == 10 and journal.dropped == 15
    assert [entry.action for entry in journal] == [f"call{n}" for n in range(15, 25)]
    assert journal.kept_bytes == 10 * (1000 + ENTRY_OVERHEAD_BYTES + 2) <= journal.budget
    journal.clear()
    assert journal.kept_bytes == 0


def test_an_entry_bigger_than_the_budget_is_dropped_alone() -> None:
    journal = Journal(budget=100)
    journal.record(WHEN, "a", None, b"{}", 200, b"{}")
    assert len(journal) == 0 and journal.dropped == 1


def test_anonymous_8_mib_garbage_keeps_the_journal_within_its_budget() -> None:
    budget = 2 * 1024 * 1024
    hub = Hub(journal_bytes=budget)
    garbage = b"\xff" * (8 * 1024 * 1024)
    with anonymous_http(hub) as http:
        for _ in range(5):
            assert http.post(
                "/api/v1/actions/invoke/devices_Query", content=garbage
            ).is_client_error
    assert len(hub.journal) == 5
    assert hub.journal.kept_bytes <= 5 * (KEPT_PREFIX_BYTES + 1024 + ENTRY_OVERHEAD_BYTES)
    assert hub.journal[0].input["size"] == len(garbage)
