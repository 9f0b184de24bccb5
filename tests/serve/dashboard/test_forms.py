"""The dashboard's forms over HTTP: each does what the control plane does, a bad one is a 400
page that changes nothing, and off loopback every page needs the control token."""

from __future__ import annotations

import json

import httpx
import pytest

from nexigon_fake import Hub, create_app
from nexigon_fake.errors.tooling import (
    MSG_UI_CROSS_ORIGIN,
    MSG_UI_TOKEN_REQUIRED,
    MSG_UI_WRONG_TOKEN,
)
from nexigon_fake.serve.dashboard.access import TOKEN_COOKIE
from nexigon_fake.serve.transport import InProcessTransport
from tests.serve.dashboard import hub_setup

UI = "/_fake/ui"
TOKEN = "ctl_dashboard"
ORIGIN = "http://hub.test"


def client(hub: Hub, token: str | None = None, **headers: str) -> httpx.Client:
    app = create_app(hub, control_token=token)
    return httpx.Client(transport=InProcessTransport(app), base_url=ORIGIN, headers=headers)


@pytest.fixture
def hub() -> Hub:
    return Hub()


def post(http: httpx.Client, path: str, data: dict[str, str]) -> httpx.Response:
    return http.post(UI + path, data=data, headers={"origin": ORIGIN})


def test_clock_buttons_advance_and_redirect_back(hub: Hub) -> None:
    before = hub.clock.now()
    with client(hub) as http:
        answer = post(http, "/clock", {"advanceSecs": "86400", "next": f"{UI}/journal"})
    assert (answer.status_code, answer.headers["location"]) == (303, f"{UI}/journal")
    assert (hub.clock.now() - before).total_seconds() == 86400


def test_setting_the_time(hub: Hub) -> None:
    with client(hub) as http:
        assert post(http, "/clock", {"now": "2031-02-03T04:05:06Z"}).status_code == 303
    assert hub.clock.now().isoformat() == "2031-02-03T04:05:06+00:00"


@pytest.mark.parametrize(
    ("path", "data", "expected"),
    [
        ("/clock", {"advanceSecs": "soon"}, "Field `advanceSecs` must be a number"),
        ("/clock", {"advanceSecs": "-5"}, "advanceSecs"),
        ("/clock", {"advanceSecs": "60", "now": "2030-01-01T00:00:00Z"}, "advanceSecs"),
        ("/clock", {"when": "now"}, "Unknown field `when`"),
        ("/faults/arm", {"kind": "Internal"}, "action"),
        ("/faults/arm", {"action": "nope_Nope"}, "nope_Nope"),
        ("/faults/arm", {"action": "*", "times": "twice"}, "Field `times` must be a number"),
        ("/reset", {"seed": "-1"}, "seed"),
        ("/certificates/d_cert_x", {"decision": "maybe"}, "Field `decision` must be one of"),
        ("/certificates/d_cert_x", {}, "Field `decision` is required."),
        ("/state", {}, "Choose a snapshot file"),
    ],
)
def test_bad_form_input_is_a_400_page_and_changes_nothing(
    hub: Hub, path: str, data: dict[str, str], expected: str
) -> None:
    hub_setup.project(hub)
    before = hub.snapshot_json()
    with client(hub) as http:
        answer = post(http, path, data)
    assert answer.status_code == 400, answer.text
    assert answer.headers["content-type"].startswith("text/html")
    assert expected in answer.text.replace("&#39;", "'").replace("&#34;", '"')
    assert "Nothing was changed." in answer.text
    assert hub.snapshot_json() == before
    assert len(hub.faults) == 0


def test_unknown_certificate_is_the_actions_own_error(hub: Hub) -> None:
    with client(hub) as http:
        answer = post(http, "/certificates/d_c_" + "1" * 22, {"decision": "accept"})
    assert answer.status_code == 404
    hub.journal.assert_called("devices_SetCertificateStatus", status=404)


def test_faults_arm_and_clear(hub: Hub) -> None:
    with client(hub) as http:
        armed = post(http, "/faults/arm", {"action": "projects_Query", "kind": "Internal"})
        assert armed.status_code == 303
        assert [fault.action for fault in hub.faults.active()] == ["projects_Query"]
        page = http.get(UI + "/faults")
        assert "projects_Query" in page.text
        assert post(http, "/faults/clear", {}).status_code == 303
    assert len(hub.faults) == 0


def test_reset_with_a_seed(hub: Hub) -> None:
    hub_setup.project(hub)
    with client(hub) as http:
        assert post(http, "/reset", {"seed": "7"}).status_code == 303
    assert hub.seed == 7
    assert hub.invoke("projects_Query")["projects"] == []


def test_snapshot_download_and_upload_round_trip(hub: Hub) -> None:
    project_id = hub_setup.project(hub, "Kept")
    with client(hub) as http:
        download = http.get(UI + "/state")
        assert download.status_code == 200
        assert "attachment" in download.headers["content-disposition"]
        assert json.loads(download.content) == hub.snapshot()
        hub.reset()
        assert hub.invoke("projects_Query")["projects"] == []
        files = {"snapshot": ("snapshot.json", download.content, "application/json")}
        upload = http.post(UI + "/state", files=files, headers={"origin": ORIGIN})
        assert upload.status_code == 303
    assert [p["projectId"] for p in hub.invoke("projects_Query")["projects"]] == [project_id]


def test_a_bad_snapshot_is_refused_whole(hub: Hub) -> None:
    hub_setup.project(hub)
    before = hub.snapshot_json()
    with client(hub) as http:
        files = {"snapshot": ("snapshot.json", b'{"version": 999}', "application/json")}
        upload = http.post(UI + "/state", files=files, headers={"origin": ORIGIN})
    assert upload.status_code == 400
    assert hub.snapshot_json() == before


def test_next_never_leaves_the_dashboard(hub: Hub) -> None:
    with client(hub) as http:
        answer = post(http, "/clock", {"advanceSecs": "1", "next": "https://elsewhere.test/"})
    assert answer.headers["location"] == f"{UI}/"


def test_forms_from_another_origin_are_refused(hub: Hub) -> None:
    before = hub.clock.now()
    with client(hub) as http:
        answer = http.post(
            UI + "/clock", data={"advanceSecs": "60"}, headers={"origin": "https://evil.test"}
        )
    assert answer.status_code == 403
    assert MSG_UI_CROSS_ORIGIN.format(origin="https://evil.test") in answer.text
    assert hub.clock.now() == before


@pytest.mark.parametrize("path", ["/", f"{UI}/", f"{UI}/journal", f"{UI}/state"])
def test_with_a_control_token_pages_need_it(hub: Hub, path: str) -> None:
    with client(hub, TOKEN) as http:
        answer = http.get(path)
        assert answer.status_code == 401
        assert MSG_UI_TOKEN_REQUIRED.replace("`", "") in answer.text.replace("`", "")
        assert hub.admin_token not in answer.text
    with client(hub, TOKEN, **{"x-control-token": TOKEN}) as http:
        assert http.get(path).status_code == 200


def test_with_a_control_token_forms_need_it(hub: Hub) -> None:
    before = hub.clock.now()
    with client(hub, TOKEN) as http:
        assert post(http, "/clock", {"advanceSecs": "60"}).status_code == 401
        assert post(http, "/clock", {"advanceSecs": "60", "control_token": "x"}).status_code == 401
        assert hub.clock.now() == before
        wrong = post(http, "/token", {"control_token": "nope"})
        assert wrong.status_code == 401
        assert MSG_UI_WRONG_TOKEN in wrong.text
        assert TOKEN_COOKIE not in http.cookies
        right = post(http, "/token", {"control_token": TOKEN, "next": f"{UI}/journal"})
        assert (right.status_code, right.headers["location"]) == (303, f"{UI}/journal")
        assert http.cookies[TOKEN_COOKIE] == TOKEN
        assert post(http, "/clock", {"advanceSecs": "60"}).status_code == 303
    assert (hub.clock.now() - before).total_seconds() == 60


def test_reading_pages_neither_journals_nor_fires_faults(hub: Hub) -> None:
    device_id = hub_setup.device(hub, hub_setup.project(hub))
    hub.journal.clear()
    hub.faults.inject("*", kind="Internal", times=None)
    with client(hub) as http:
        for path in ["/", f"{UI}/projects", f"{UI}/devices/{device_id}", f"{UI}/journal"]:
            assert http.get(path).status_code == 200, path
    assert len(hub.journal) == 0
    assert all(fault.fired == 0 for fault in hub.faults.active())


def test_a_bad_page_number_or_filter_is_a_400_page(hub: Hub) -> None:
    project_id = hub_setup.project(hub)
    with client(hub) as http:
        for path in [
            f"{UI}/projects/{project_id}?page=0",
            f"{UI}/journal?page=two",
            f"{UI}/journal?status=fine",
            f"{UI}/journal?who=me",
        ]:
            answer = http.get(path)
            assert answer.status_code == 400, path
            assert "Nothing was changed." in answer.text


def test_an_unknown_entity_is_a_404_page(hub: Hub) -> None:
    with client(hub) as http:
        for path in [
            f"{UI}/devices/d_" + "1" * 22,
            f"{UI}/operations/d_op_" + "1" * 22,
            f"{UI}/rollouts/flt_op_" + "1" * 22,
        ]:
            answer = http.get(path)
            assert answer.status_code == 404, (path, answer.text)


def test_every_page_renders_the_showcase(hub: Hub) -> None:
    loaded = hub.load_fixture("showcase")
    fleet = hub.simulate(3, project_id=loaded.projects["sensors"])
    pages = {
        "/": "Running operations",
        f"{UI}/projects": "Gateways",
        f"{UI}/operations": "d_op_",
        f"{UI}/rollouts": "flt_op_",
        f"{UI}/simulation": "Fleet 0",
        f"{UI}/journal": "No calls match.",
        f"{UI}/faults": "No faults armed.",
    }
    pages.update({f"{UI}/projects/{p}": "Devices" for p in loaded.projects.values()})
    pages.update({f"{UI}/devices/{d}": "Certificates" for d in loaded.devices.values()})
    pages.update({f"{UI}/devices/{d.device_id}": "Connections" for d in fleet})
    pages.update({f"{UI}/operations/{o}": "Steps" for o in loaded.operations.values()})
    pages.update({f"{UI}/rollouts/{r}": "Targets" for r in loaded.fleet_operations.values()})
    with client(hub) as http:
        for path, expected in pages.items():
            answer = http.get(path)
            assert answer.status_code == 200, (path, answer.text)
            assert expected in answer.text, path
    failed = http_text(hub, f"{UI}/rollouts/{loaded.fleet_operations['rollout-failed']}")
    assert "Step timed out after 60s." in failed


def http_text(hub: Hub, path: str) -> str:
    with client(hub) as http:
        return http.get(path).text


def test_the_project_page_is_paginated(hub: Hub) -> None:
    project_id = hub_setup.project(hub)
    device_ids = [hub_setup.device(hub, project_id, n) for n in range(55)]
    with client(hub) as http:
        first = http.get(f"{UI}/projects/{project_id}").text
        second = http.get(f"{UI}/projects/{project_id}?page=2").text
        beyond = http.get(f"{UI}/projects/{project_id}?page=9").text
    assert "1\u201350 of 55" in first and 'rel="next"' in first
    assert "51\u201355 of 55" in second and 'rel="prev"' in second
    assert sum(device_id in first for device_id in device_ids) == 50
    assert sum(device_id in second for device_id in device_ids) == 5
    assert "No devices." in beyond
