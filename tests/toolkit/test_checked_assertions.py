"""The assertion API refuses what would silently match nothing: unknown action names, unknown
``where`` fields, missing fixture keys."""

from __future__ import annotations

import pytest

from nexigon_fake import Hub
from nexigon_fake.errors import InvalidError
from nexigon_fake.toolkit.fixture_results import LISTED_KEYS, FixtureKeyError, LoadedFixture
from tests.state.helpers import make_device, make_project, set_property


@pytest.mark.parametrize(
    "check",
    [
        lambda hub: hub.journal.assert_called("devices_SetPropety"),
        lambda hub: hub.journal.assert_not_called("devices_SetPropety"),
        lambda hub: hub.journal.calls("devices_SetPropety"),
    ],
)
def test_an_unknown_action_name_is_refused_with_the_closest(hub: Hub, check: object) -> None:
    with pytest.raises(InvalidError) as info:
        check(hub)  # type: ignore[operator]
    assert info.value.message == (
        "Unknown action `devices_SetPropety` (did you mean `devices_SetProperty`?)."
    )


def test_a_name_far_from_any_action_gets_no_suggestion(hub: Hub) -> None:
    with pytest.raises(InvalidError) as info:
        hub.journal.assert_not_called("zzz")
    assert info.value.message == "Unknown action `zzz`."


def test_a_journaled_call_to_an_unknown_action_can_be_asserted(hub: Hub) -> None:
    with pytest.raises(InvalidError):
        hub.invoke("devices_Frobnicate", {})
    assert len(hub.journal.assert_called("devices_Frobnicate", times=1, status=404)) == 1


def test_commands_can_be_asserted_on(hub: Hub) -> None:
    hub.journal.assert_not_called("devices_InvokeCommand", where={"command": "reboot"})


@pytest.mark.parametrize(
    ("action", "where", "fragments"),
    [
        (
            "devices_SetProperty",
            {"devcie_id": "d_x"},
            [
                "Unknown `where` field `devcie_id` (did you mean `deviceId`?)",
                "the input of `devices_SetProperty` has deviceId, name, value, protected, "
                "expectedVersion.",
            ],
        ),
        ("devices_SetProperty", {"valeu": 1}, ["`valeu`", "did you mean `value`"]),
        (None, {"nmae": "x"}, ["`nmae`", "the input of any action has", "deviceId"]),
        ("devices_Query", {"limit": 1}, ["`limit`", "`devices_Query` has none."]),
    ],
)
def test_an_unknown_where_field_is_refused_listing_the_valid_ones(
    hub: Hub, action: str | None, where: dict[str, object], fragments: list[str]
) -> None:
    for check in (hub.journal.calls, hub.journal.assert_called, hub.journal.assert_not_called):
        if action is None and check is not hub.journal.calls:
            continue
        with pytest.raises(InvalidError) as info:
            check(action, where=where)  # type: ignore[arg-type]
        for fragment in fragments:
            assert fragment in info.value.message, (fragment, info.value.message)


def test_known_fields_in_either_spelling_still_match(hub: Hub) -> None:
    device = make_device(hub, make_project(hub))
    set_property(hub, device, "a.b", 1)
    hub.journal.assert_called("devices_SetProperty", where={"device_id": device}, times=1)
    hub.journal.assert_called("devices_SetProperty", where={"expectedVersion": None}, times=0)
    assert len(hub.journal.calls(where={"deviceId": device})) == 1


def test_a_missing_fixture_key_lists_the_keys(hub: Hub) -> None:
    loaded = Hub(fixture="showcase").fixture
    assert loaded is not None
    with pytest.raises(KeyError) as info:
        loaded.devices["gw-healty"]
    assert isinstance(info.value, FixtureKeyError)
    message = str(info.value)
    assert message.startswith(
        "The fixture has no devices key `gw-healty` (did you mean `gw-healthy`?); "
        "its devices keys are: `gw-clone-a`, "
    )
    assert "`sensor-roof`." in message
    assert loaded.devices.get("gw-healty") is None  # .get and `in` stay as for any dict
    assert "gw-healthy" in loaded.devices


def test_a_missing_key_of_a_large_table_lists_the_first_keys(hub: Hub) -> None:
    loaded = LoadedFixture("big", devices={f"device-{i:04}": "d" for i in range(1000)})
    with pytest.raises(KeyError) as info:
        loaded.devices["nope"]
    assert str(info.value).endswith(f"`device-0019` and {1000 - LISTED_KEYS} more.")
    with pytest.raises(KeyError, match=r"no projects key `x`; its projects keys are: \(none\)"):
        loaded.projects["x"]


def test_tables_survive_a_snapshot_and_to_json(hub: Hub) -> None:
    source = Hub(fixture="showcase")
    hub.restore(source.snapshot())
    assert hub.fixture == source.fixture
    assert hub.fixture is not None
    with pytest.raises(FixtureKeyError):
        hub.fixture.projects["nope"]
    assert isinstance(hub.fixture.to_json()["devices"], dict)
