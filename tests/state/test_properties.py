"""Device properties: versions, compare-and-swap, protection (D6, §6.18-6.21, §11)."""

from __future__ import annotations

from nexigon_fake import Hub

from .helpers import (
    fingerprint,
    make_device,
    make_project,
    make_token,
    project_audit,
    raises,
    set_property,
)

NAME = "com.example.config"


def get(hub: Hub, device_id: str, name: str = NAME, token: str | None = None, **kw: str | None):
    return hub.invoke("devices_GetProperty", {"deviceId": device_id, "name": name}, token, **kw)


def remove(hub: Hub, device_id: str, name: str = NAME, token: str | None = None, **kw: str | None):
    return hub.invoke("devices_RemoveProperty", {"deviceId": device_id, "name": name}, token, **kw)


def setup(hub: Hub) -> tuple[str, str]:
    project = make_project(hub)
    return project, make_device(hub, project)


def test_new_property_starts_at_version_1_and_reads_back(hub: Hub) -> None:
    _, device = setup(hub)
    assert set_property(hub, device, NAME, {"a": 1}) == {"result": "Set"}
    assert get(hub, device) == {
        "result": "Found",
        "name": NAME,
        "value": {"a": 1},
        "protected": False,
        "version": 1,
        "lastUpdated": "2026-05-04T07:00:00Z",
    }


def test_every_set_adds_one_even_with_unchanged_value(hub: Hub) -> None:
    _, device = setup(hub)
    for _ in range(3):
        set_property(hub, device, NAME, 7)
    assert get(hub, device)["version"] == 3


def test_last_updated_is_time_of_last_set(hub: Hub) -> None:
    _, device = setup(hub)
    set_property(hub, device, NAME, 1)
    hub.clock.advance(90.5)
    set_property(hub, device, NAME, 2)
    hub.clock.advance(30)
    assert get(hub, device)["lastUpdated"] == "2026-05-04T07:01:30.5Z"


def test_remove_then_set_starts_again_at_1(hub: Hub) -> None:
    _, device = setup(hub)
    set_property(hub, device, NAME, 1)
    set_property(hub, device, NAME, 2)
    assert remove(hub, device) == {"result": "Removed"}
    assert get(hub, device) == {"result": "NotFound"}
    set_property(hub, device, NAME, 3)
    assert get(hub, device)["version"] == 1


def test_remove_absent_property_is_not_found(hub: Hub) -> None:
    _, device = setup(hub)
    assert remove(hub, device) == {"result": "NotFound"}


def test_get_absent_property_is_not_found(hub: Hub) -> None:
    _, device = setup(hub)
    assert get(hub, device) == {"result": "NotFound"}


def test_null_value_is_a_value(hub: Hub) -> None:
    _, device = setup(hub)
    assert set_property(hub, device, NAME, None) == {"result": "Set"}
    found = get(hub, device)
    assert found["result"] == "Found"
    assert "value" in found
    assert found["value"] is None


def test_missing_value_key_is_invalid(hub: Hub) -> None:
    _, device = setup(hub)
    raises(
        "Invalid",
        400,
        hub.invoke,
        "devices_SetProperty",
        {"deviceId": device, "name": NAME},
    )


def test_protected_omitted_keeps_existing_flag(hub: Hub) -> None:
    _, device = setup(hub)
    set_property(hub, device, NAME, 1, protected=True)
    set_property(hub, device, NAME, 2)
    set_property(hub, device, NAME, 3, protected=None)
    assert get(hub, device)["protected"] is True


def test_protected_defaults_to_false_for_new_property(hub: Hub) -> None:
    _, device = setup(hub)
    set_property(hub, device, NAME, 1, protected=None, expectedVersion=None)
    assert get(hub, device)["protected"] is False


def test_user_may_unprotect(hub: Hub) -> None:
    _, device = setup(hub)
    set_property(hub, device, NAME, 1, protected=True)
    set_property(hub, device, NAME, 2, protected=False)
    assert get(hub, device)["protected"] is False


def test_cas_on_never_set_property_is_deleted_and_writes_nothing(hub: Hub) -> None:
    project, device = setup(hub)
    before = len(project_audit(hub, project))
    assert set_property(hub, device, NAME, 1, expectedVersion=1) == {"result": "Deleted"}
    assert get(hub, device) == {"result": "NotFound"}
    assert len(project_audit(hub, project)) == before


def test_cas_on_removed_property_is_deleted(hub: Hub) -> None:
    _, device = setup(hub)
    set_property(hub, device, NAME, 1)
    remove(hub, device)
    assert set_property(hub, device, NAME, 2, expectedVersion=1) == {"result": "Deleted"}
    assert get(hub, device) == {"result": "NotFound"}


def test_cas_with_other_version_conflicts_and_writes_nothing(hub: Hub) -> None:
    project, device = setup(hub)
    set_property(hub, device, NAME, "a")
    set_property(hub, device, NAME, "b")
    before = len(project_audit(hub, project))
    output = set_property(hub, device, NAME, "c", expectedVersion=1)
    assert output == {"result": "VersionConflict", "currentVersion": 2}
    found = get(hub, device)
    assert (found["value"], found["version"]) == ("b", 2)
    assert len(project_audit(hub, project)) == before


def test_cas_with_current_version_writes_and_bumps(hub: Hub) -> None:
    _, device = setup(hub)
    set_property(hub, device, NAME, "a")
    assert set_property(hub, device, NAME, "b", expectedVersion=1) == {"result": "Set"}
    found = get(hub, device)
    assert (found["value"], found["version"]) == ("b", 2)


def test_query_properties_keyed_by_name_including_protected(hub: Hub) -> None:
    _, device = setup(hub)
    assert hub.invoke("devices_QueryProperties", {"deviceId": device}) == {"properties": {}}
    set_property(hub, device, "a.one", 1)
    set_property(hub, device, "b.two", [2], protected=True)
    properties = hub.invoke("devices_QueryProperties", {"deviceId": device})["properties"]
    assert set(properties) == {"a.one", "b.two"}
    assert properties["b.two"] == {
        "name": "b.two",
        "value": [2],
        "protected": True,
        "version": 1,
        "lastUpdated": "2026-05-04T07:00:00Z",
    }
    assert properties["a.one"]["name"] == "a.one"


def test_properties_are_per_device(hub: Hub) -> None:
    project, device = setup(hub)
    other = make_device(hub, project)
    set_property(hub, device, NAME, 1)
    assert get(hub, other) == {"result": "NotFound"}


def test_property_name_rules(hub: Hub) -> None:
    _, device = setup(hub)
    for bad in ["", ".leading-dot", "has space", "x" * 257, "slash/name"]:
        raises("Invalid", 400, set_property, hub, device, bad, 1)
        raises("Invalid", 400, get, hub, device, bad)
        raises("Invalid", 400, remove, hub, device, bad)
    assert set_property(hub, device, "A" + "x" * 255, 1) == {"result": "Set"}
    assert set_property(hub, device, "9_a-b.c", 1) == {"result": "Set"}


def test_property_of_unknown_device_is_not_found_error(hub: Hub) -> None:
    setup(hub)
    raises("Forbidden", 404, get, hub, "d_" + "1" * 22)


# Device actor (D6).


def device_session(hub: Hub) -> tuple[str, dict[str, str]]:
    """A device admitted through a deployment token: (device id, invoke kwargs)."""
    project = make_project(hub)
    _, secret = make_token(hub, project)
    fp = fingerprint()
    actor = hub.invoke("actor_GetActor", {}, secret, device_fingerprint=fp)["actor"]
    return actor["deviceId"], {"token": secret, "device_fingerprint": fp}


def as_device_set(hub: Hub, device: str, creds: dict[str, str], value: object, **extra: object):
    payload = {"deviceId": device, "name": NAME, "value": value, **extra}
    return hub.invoke("devices_SetProperty", payload, creds["token"], **_fp(creds))


def _fp(creds: dict[str, str]) -> dict[str, str]:
    return {"device_fingerprint": creds["device_fingerprint"]}


def test_device_reads_protected_property(hub: Hub) -> None:
    device, creds = device_session(hub)
    set_property(hub, device, NAME, {"secret": 1}, protected=True)
    found = get(hub, device, token=creds["token"], **_fp(creds))
    assert (found["value"], found["protected"]) == ({"secret": 1}, True)
    queried = hub.invoke(
        "devices_QueryProperties", {"deviceId": device}, creds["token"], **_fp(creds)
    )
    assert queried["properties"][NAME]["protected"] is True


def test_device_writes_and_removes_unprotected_property(hub: Hub) -> None:
    device, creds = device_session(hub)
    assert as_device_set(hub, device, creds, 1) == {"result": "Set"}
    assert as_device_set(hub, device, creds, 2, protected=False) == {"result": "Set"}
    assert as_device_set(hub, device, creds, 3, expectedVersion=2) == {"result": "Set"}
    assert remove(hub, device, token=creds["token"], **_fp(creds)) == {"result": "Removed"}


def test_device_cannot_set_protected_property(hub: Hub) -> None:
    device, creds = device_session(hub)
    set_property(hub, device, NAME, "admin", protected=True)
    raises("Forbidden", 403, as_device_set, hub, device, creds, "device")
    raises("Forbidden", 403, as_device_set, hub, device, creds, "device", protected=False)
    found = get(hub, device)
    assert (found["value"], found["version"], found["protected"]) == ("admin", 1, True)


def test_device_cas_on_protected_property_is_forbidden_before_version_check(hub: Hub) -> None:
    device, creds = device_session(hub)
    set_property(hub, device, NAME, "admin", protected=True)
    raises("Forbidden", 403, as_device_set, hub, device, creds, "x", expectedVersion=1)
    raises("Forbidden", 403, as_device_set, hub, device, creds, "x", expectedVersion=99)


def test_device_cannot_remove_protected_property(hub: Hub) -> None:
    device, creds = device_session(hub)
    set_property(hub, device, NAME, "admin", protected=True)
    raises("Forbidden", 403, remove, hub, device, token=creds["token"], **_fp(creds))
    assert get(hub, device)["result"] == "Found"


def test_device_cannot_send_protected_true(hub: Hub) -> None:
    device, creds = device_session(hub)
    raises("Forbidden", 403, as_device_set, hub, device, creds, 1, protected=True)
    assert get(hub, device) == {"result": "NotFound"}
    set_property(hub, device, NAME, 1)
    raises("Forbidden", 403, as_device_set, hub, device, creds, 2, protected=True)
    found = get(hub, device)
    assert (found["value"], found["protected"]) == (1, False)


def test_device_protected_true_is_forbidden_even_when_cas_would_say_deleted(hub: Hub) -> None:
    device, creds = device_session(hub)
    raises(
        "Forbidden", 403, as_device_set, hub, device, creds, 1, protected=True, expectedVersion=1
    )


def test_device_cannot_touch_another_devices_properties(hub: Hub) -> None:
    device, creds = device_session(hub)
    other = make_device(hub, hub.invoke("devices_GetDetails", {"deviceId": device})["projectId"])
    raises("Forbidden", 404, get, hub, other, token=creds["token"], **_fp(creds))
    payload = {"deviceId": other, "name": NAME, "value": 1}
    raises(
        "Forbidden", 404, hub.invoke, "devices_SetProperty", payload, creds["token"], **_fp(creds)
    )
