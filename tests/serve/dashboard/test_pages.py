"""The dashboard in a real browser: what the pages show, and what their forms do to the hub."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from nexigon_fake.errors import InternalError
from nexigon_fake.testing.plugin.server import NexigonServer
from tests.serve.dashboard import hub_setup

UI = "/_fake/ui"
# An operation that waits for a property that never comes: it times out after 10 minutes.
NEVER = {
    "kind": "Equals",
    "left": {"kind": "NamedValue", "name": "app.version"},
    "right": {"kind": "Literal", "value": "never"},
}
WAIT = {"kind": "WaitForDeviceProperty", "predicate": NEVER, "timeoutSecs": 600}


def test_overview_counts_what_the_api_created(page: Page, server: NexigonServer) -> None:
    hub = server.hub
    first = hub_setup.project(hub, "Alpha")
    hub_setup.project(hub, "Beta")
    for n in range(3):
        hub_setup.device(hub, first, n)
    page.goto("/")
    expect(page.locator("#seed")).to_have_text(str(hub.seed))
    expect(page.locator("#count-projects")).to_have_text("2")
    expect(page.locator("#count-devices")).to_have_text("3")
    expect(page.locator("#count-online")).to_have_text("0")
    page.get_by_role("link", name="2").click()
    page.get_by_role("link", name="Alpha").click()
    expect(page).to_have_url(re.compile(f"{UI}/projects/{first}$"))
    expect(page.locator("#devices tbody tr")).to_have_count(3)


def test_advancing_the_clock_expires_a_jwt_and_times_out_an_operation(
    page: Page, server: NexigonServer
) -> None:
    hub = server.hub
    device_id = hub_setup.device(hub, hub_setup.project(hub), 1)
    jwt = hub.invoke("devices_IssueDeviceToken", {"deviceId": device_id})["jwt"]
    created = hub.invoke(
        "devices_CreateOperation", {"deviceId": device_id, "name": "Wait", "steps": [WAIT]}
    )
    hub.invoke("devices_StartOperation", {"deviceOperationId": created["deviceOperationId"]})
    page.goto(f"{UI}/devices/{device_id}")
    expect(page.locator("#tokens .token-state")).to_have_text("Valid")
    expect(page.locator("#operations .operation-status")).to_have_text("Running")
    before = hub.clock.now()

    page.goto(f"{UI}/")
    page.get_by_role("button", name="+1 h").click()
    expect(page).to_have_url(re.compile(f"{UI}/$"))
    assert (hub.clock.now() - before).total_seconds() == 3600
    page.goto(f"{UI}/devices/{device_id}")
    expect(page.locator("#tokens .token-state")).to_have_text("Expired")
    expect(page.locator("#operations .operation-status")).to_have_text("TimedOut")
    assert hub.invoke("devices_ValidateDeviceToken", {"jwt": jwt})["result"] == "Invalid"


def test_setting_a_bad_time_is_a_400_page_and_changes_nothing(
    page: Page, server: NexigonServer
) -> None:
    before = server.hub.clock.now()
    page.goto(f"{UI}/")
    page.get_by_label("Set time").fill("next tuesday")
    with page.expect_response(re.compile(f"{UI}/clock$")) as answered:
        page.get_by_role("button", name="Set", exact=True).click()
    assert answered.value.status == 400
    expect(page.locator(".message")).to_contain_text("now")
    assert server.hub.clock.now() == before


def test_accepting_a_pending_certificate_from_the_page(page: Page, server: NexigonServer) -> None:
    hub = server.hub
    device_id = hub_setup.device(hub, hub_setup.project(hub), 1)
    added = hub.invoke(
        "devices_AddCertificate",
        {
            "deviceId": device_id,
            "fingerprint": hub_setup.certificate_fingerprint(1),
            "status": "Pending",
        },
    )
    details = hub.invoke("devices_GetDetails", {"deviceId": device_id})
    assert [c["status"] for c in details["certificates"]] == ["Pending"]

    page.goto(f"{UI}/devices/{device_id}")
    row = page.locator("#certificates tbody tr", has_text=added["certificateId"])
    row.get_by_role("button", name="Accept").click()
    expect(row.locator(".certificate-status")).to_have_text("Active")
    details = hub.invoke("devices_GetDetails", {"deviceId": device_id})
    assert [c["status"] for c in details["certificates"]] == ["Active"]
    hub.journal.assert_called(
        "devices_SetCertificateStatus",
        times=1,
        where={"certificateId": added["certificateId"], "status": "Active"},
    )


def test_the_journal_shows_a_call_and_filters_it(page: Page, server: NexigonServer) -> None:
    hub = server.hub
    project_id = hub_setup.project(hub, "Journaled")
    missing = "d_" + "1" * 22
    try:
        hub.invoke("devices_GetDetails", {"deviceId": missing})
    except Exception as error:
        assert getattr(error, "status", None) == 404
    page.goto(f"{UI}/journal")
    rows = page.locator("#journal tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator(".action")).to_have_text("devices_GetDetails")  # newest first
    expect(rows.nth(1).locator(".action")).to_have_text("projects_Create")

    page.get_by_label("Action").fill("projects_Create")
    page.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(1)
    rows.nth(0).locator("summary").click()
    expect(rows.nth(0).locator(".input")).to_contain_text('"name": "Journaled"')
    expect(rows.nth(0).locator(".output")).to_contain_text(project_id)

    page.goto(f"{UI}/journal?status=404")
    expect(rows).to_have_count(1)
    expect(rows.nth(0).locator(".action")).to_have_text("devices_GetDetails")
    page.goto(f"{UI}/journal?device={missing}")
    expect(rows).to_have_count(1)
    page.goto(f"{UI}/journal?actor=UserToken")
    expect(rows).to_have_count(2)
    page.goto(f"{UI}/journal?actor=Device")
    expect(rows).to_have_count(1)  # the "No calls match." row
    expect(rows.nth(0)).to_have_text("No calls match.")


def test_the_live_journal_shows_new_calls_without_a_click(
    page: Page, server: NexigonServer
) -> None:
    page.goto(f"{UI}/journal?live=1")
    expect(page.locator("#journal tbody tr")).to_have_text(["No calls match."])
    hub_setup.project(server.hub, "Later")
    expect(page.locator("#journal .action")).to_have_text(["projects_Create"], timeout=10_000)


def test_arming_and_clearing_a_fault_from_the_page(page: Page, server: NexigonServer) -> None:
    hub = server.hub
    page.goto(f"{UI}/faults")
    page.get_by_label("Action").fill("projects_Query")
    page.get_by_label("Times").fill("2")
    page.get_by_role("button", name="Arm").click()
    row = page.locator("#faults tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(1)).to_have_text("projects_Query")
    with pytest.raises(InternalError):
        hub.invoke("projects_Query")
    page.reload()
    expect(row.locator("td").nth(4)).to_have_text("1")  # one left
    expect(row.locator("td").last).to_have_text("1")  # fired once
    page.get_by_role("button", name="Clear all faults").click()
    expect(row).to_have_text("No faults armed.")
    assert len(hub.faults) == 0
    hub.invoke("projects_Query")


def test_restoring_an_uploaded_snapshot(page: Page, server: NexigonServer, tmp_path: Path) -> None:
    hub = server.hub
    project_id = hub_setup.project(hub, "Saved")
    saved = tmp_path / "snapshot.json"
    saved.write_bytes(hub.snapshot_json())
    hub.reset()
    page.goto(f"{UI}/")
    expect(page.locator("#count-projects")).to_have_text("0")
    page.get_by_label("Restore from").set_input_files(saved)
    page.get_by_role("button", name="Upload and restore").click()
    expect(page.locator("#count-projects")).to_have_text("1")
    assert [p["projectId"] for p in hub.invoke("projects_Query")["projects"]] == [project_id]
