"""P10: the dashboard's project page costs no more than the device listing behind it.

A project of 10,000 devices: ``GET /_fake/ui/projects/{id}`` (one page of 50 devices, with
the project's details and rollouts) against ``projects_QueryDevices`` for the same project,
both over HTTP through the same in-process transport in the same run (goal <= 2x). The page
reads the listing through the same action, so what it adds is one page's rendering: it must
not grow with the fleet. The in-process typed call and the page's own work (read + render,
no HTTP) are printed too.
"""

from __future__ import annotations

import gc
import time

import httpx
from common import Result, at_most, fleet, per_call

from nexigon_fake import create_app
from nexigon_fake.serve.dashboard import views
from nexigon_fake.serve.transport import InProcessTransport
from nexigon_fake.wire.projects import QueryProjectDevicesAction

DEVICES = 10_000
GOAL = 2.0
PAGE = 100  # a page in the middle of the listing: devices 4,951-5,000


def run(quick: bool) -> list[Result]:
    started = time.perf_counter()
    devices = 1_000 if quick else DEVICES
    page_number = max(1, devices // 2 // views.PAGE_SIZE)
    calls, repeats = (5, 3) if quick else (30, 7)
    hub, _ = fleet(devices, properties=1)
    project_id = next(iter(hub.store.projects))
    transport = InProcessTransport(create_app(hub))
    headers = {"authorization": f"Bearer {hub.admin_token}"}
    with httpx.Client(transport=transport, base_url="http://hub.test", headers=headers) as http:
        path = f"/_fake/ui/projects/{project_id}?page={page_number}"
        body = {"projectId": project_id}
        listing = "/api/v1/actions/invoke/projects_QueryDevices"
        shown = http.get(path)
        assert shown.status_code == 200 and shown.text.count("/_fake/ui/devices/") == 50
        assert len(http.post(listing, json=body).json()["devices"]) == devices
        gc.collect()
        page = per_call(lambda: http.get(path), calls, repeats)
        api = per_call(lambda: http.post(listing, json=body), calls, repeats)
    typed = per_call(
        lambda: hub.execute_quietly(QueryProjectDevicesAction(project_id)), calls, repeats
    )
    read = per_call(lambda: views.project(hub, project_id, page_number), calls, repeats)
    took = time.perf_counter() - started
    return [
        at_most(
            f"P10 project page, {devices:,} devices",
            page / api,
            GOAL,
            f"{page * 1e3:.2f} ms vs {api * 1e3:.2f} ms over HTTP; in-process "
            f"{typed * 1e3:.2f} ms typed call, {read * 1e3:.2f} ms page reads ({took:.0f} s)",
        )
    ]
