"""Absurd clock moves over the control plane answer 400 and move nothing (issue 18, defect 4)."""

from __future__ import annotations

import httpx
import pytest

from nexigon_fake import Hub
from tests.serve.test_control_http import assert_action_error, get, http_for, ok


@pytest.mark.parametrize("frozen", [True, False])
@pytest.mark.parametrize(
    "body",
    [
        {"advanceSecs": 2.6e11},
        {"advanceSecs": 1e300},
        {"now": "9999-12-31T23:59:59Z"},
        {"now": "0001-01-01T00:00:00+01:00"},
    ],
)
def test_a_refused_clock_move_changes_nothing(frozen: bool, body: dict[str, object]) -> None:
    hub = Hub(frozen_clock=frozen)
    with http_for(hub) as http:
        before = get(http, "/_fake/clock")["now"]
        message = assert_action_error(http.post("/_fake/clock", json=body), 400)
        assert message.startswith("Cannot move the clock"), message
        after = get(http, "/_fake/clock")["now"]
        assert after[:16] == before[:16]  # a system clock moves on by real time only
        ok(http, "users_Create", {"email": "late@example.com"})
        assert get(http, "/_fake/health")["status"] == "ok"


def test_the_clock_can_be_set_to_year_1_and_calls_still_answer() -> None:
    hub = Hub()
    with http_for(hub) as http:
        assert get_moved(http, "0001-01-01T00:00:00Z") == "0001-01-01T00:00:00Z"
        user = ok(http, "users_Create", {"email": "early@example.com"})
        assert user["userId"].startswith("u_")


def get_moved(http: httpx.Client, now: str) -> str:
    response = http.post("/_fake/clock", json={"now": now})
    assert response.status_code == 200, response.text
    moved: str = response.json()["now"]
    return moved
