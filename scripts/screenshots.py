"""Screenshots of the dashboard for the README (docs/dashboard/*.png).

Serves a hub loaded with the showcase fixture (plus a small simulated fleet and a few calls,
so the journal has something to show) on an ephemeral port of 127.0.0.1, and photographs
its pages with the system's Chromium through Playwright.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nexigon_fake.errors import ActionError  # noqa: E402
from nexigon_fake.testing.plugin.server import LiveServer  # noqa: E402
from tests.browser import launch  # noqa: E402

OUT = ROOT / "docs" / "dashboard"
UI = "/_fake/ui"


VERSION_IS_2 = {
    "kind": "Equals",
    "left": {"kind": "NamedValue", "name": "app.version"},
    "right": {"kind": "Literal", "value": "2.0"},
}


def start_rollout(hub: Any, project_id: str) -> str:
    """A two-stage rollout over the simulated fleet: a canary stage that has run, the rest
    waiting behind its guard."""
    created = hub.invoke(
        "fleet_CreateOperation",
        {
            "projectId": project_id,
            "name": "App 2.0 rollout",
            "description": "Canary first, then everyone once 90% succeed.",
            "selector": {"predicates": []},
            "stages": [
                {
                    "name": "canary",
                    "percentage": 25,
                    "guard": {"minSuccessPercent": 90, "gates": []},
                },
                {"name": "everyone"},
            ],
            "steps": [
                {"kind": "SetDeviceProperty", "name": "app.channel", "value": "stable"},
                {"kind": "WaitForDeviceProperty", "predicate": VERSION_IS_2, "timeoutSecs": 60},
            ],
        },
    )
    rollout_id: str = created["fleetOperationId"]
    hub.invoke("fleet_StartOperation", {"fleetOperationId": rollout_id})
    targets = hub.invoke("fleet_QueryOperationTargets", {"fleetOperationId": rollout_id})
    canaries = [t["deviceId"] for t in targets["targets"] if t["stageIndex"] == 0]
    for device_id in canaries[2:]:  # all but two canaries come back with the new version
        hub.invoke(
            "devices_SetProperty", {"deviceId": device_id, "name": "app.version", "value": "2.0"}
        )
    return rollout_id


def main() -> None:
    running = LiveServer.start()
    hub = running.server.hub
    try:
        loaded = hub.load_fixture("showcase")
        device_id = loaded.devices["gw-healthy"]
        sensors = loaded.projects["sensors"]
        hub.simulate(40, project_id=sensors)
        rollout_id = start_rollout(hub, sensors)
        hub.invoke("projects_Query")
        hub.invoke("devices_GetDetails", {"deviceId": device_id})
        hub.invoke("devices_SetProperty", {"deviceId": device_id, "name": "ui.note", "value": 1})
        hub.invoke("devices_IssueDeviceToken", {"deviceId": device_id})
        with contextlib.suppress(ActionError):  # the refused call is for the journal to show
            hub.invoke("devices_GetDetails", {"deviceId": "d_" + "1" * 22})
        hub.clock.advance(90)
        OUT.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as playwright:
            browser = launch(playwright)
            page = browser.new_page(
                base_url=running.server.url, viewport={"width": 1280, "height": 800}
            )
            shots = {
                "overview": f"{UI}/",
                "device": f"{UI}/devices/{device_id}",
                "journal": f"{UI}/journal",
                "rollout": f"{UI}/rollouts/{rollout_id}",
            }
            for name, path in shots.items():
                page.goto(path)
                if name == "journal":
                    page.locator("#journal summary").nth(1).click()
                page.screenshot(
                    path=str(OUT / f"{name}.png"), full_page=name in ("overview", "journal")
                )
                print(f"wrote docs/dashboard/{name}.png")
            page.close(run_before_unload=True)
            browser.close()
    finally:
        running.stop()


if __name__ == "__main__":
    main()
