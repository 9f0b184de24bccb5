"""Device pairing keys (SEMANTICS-HEAD §III.6, D18, D31-D34, D40, D41, D46, C25, C27-C29, C35)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from nexigon_fake import Hub
from nexigon_fake.errors import (
    MSG_PAIRING_KEY_FORMAT,
    MSG_PAIRING_KEY_REFUSED,
    ActionError,
)
from nexigon_fake.wire.actor import DeviceActor
from nexigon_fake.wire.pairing_keys import RedeemDevicePairingKeyAction

from .helpers import (
    add_certificate,
    fingerprint,
    invoke_anonymous,
    make_device,
    make_pem,
    make_project,
    make_token,
    project_audit,
    raises,
)

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
KEY = re.compile(f"^[{CROCKFORD}]{{4}}-[{CROCKFORD}]{{6}}$")


def create_key(hub: Hub, project: str, **fields: Any) -> dict[str, Any]:
    return hub.invoke("projects_CreateDevicePairingKey", {"projectId": project, **fields})


def keys(hub: Hub, project: str) -> list[dict[str, Any]]:
    return hub.invoke("projects_QueryDevicePairingKeys", {"projectId": project})["pairingKeys"]


def redeem(hub: Hub, key: str, fp: str, **fields: Any) -> dict[str, Any]:
    """As the agent does it: anonymously."""
    payload = {"pairingKey": key, "fingerprint": fp, **fields}
    result: dict[str, Any] = invoke_anonymous(hub, "projects_RedeemDevicePairingKey", payload)
    return result


def revoke(hub: Hub, pairing_key_id: str) -> dict[str, Any]:
    return hub.invoke("projects_RevokeDevicePairingKey", {"pairingKeyId": pairing_key_id})


def tokens(hub: Hub, project: str) -> list[dict[str, Any]]:
    return hub.invoke("projects_QueryDeploymentTokens", {"projectId": project})["tokens"]


def refused(hub: Hub, key: str, fp: str | None = None) -> None:
    """A redemption that fails with D32's one message and changes nothing at all."""
    before = hub.snapshot_json()
    error = raises("Forbidden", 403, redeem, hub, key, fp or fingerprint())
    assert error.message == MSG_PAIRING_KEY_REFUSED
    assert hub.snapshot_json() == before


# Creating and listing.


def test_create_answers_key_selector_and_validity(hub: Hub) -> None:
    project = make_project(hub)
    created = create_key(hub, project, name="bench rig")
    assert list(created) == ["pairingKeyId", "pairingKey", "selector", "createdAt", "expiresAt"]
    assert re.fullmatch("d_pairing_[1-9A-HJ-NP-Za-km-z]{22}", created["pairingKeyId"])
    assert KEY.fullmatch(created["pairingKey"])
    assert created["selector"] == created["pairingKey"].replace("-", "")[:6]
    assert created["createdAt"] == "2026-05-04T07:00:00Z"
    assert created["expiresAt"] == "2026-05-04T07:05:00Z"  # 300 s by default (D46)
    longest = create_key(hub, project, validForSecs=600)
    assert longest["expiresAt"] == "2026-05-04T07:10:00Z"
    shortest = create_key(hub, project, validForSecs=1)
    assert shortest["expiresAt"] == "2026-05-04T07:00:01Z"


def test_query_lists_every_key_in_creation_order_without_the_key(hub: Hub) -> None:
    project = make_project(hub)
    first = create_key(hub, project, name="first")
    second = create_key(hub, project)
    listed = keys(hub, project)
    assert [k["pairingKeyId"] for k in listed] == [first["pairingKeyId"], second["pairingKeyId"]]
    assert listed[0] == {
        "pairingKeyId": first["pairingKeyId"],
        "selector": first["selector"],
        "createdAt": first["createdAt"],
        "expiresAt": first["expiresAt"],
        "name": "first",
    }
    assert "name" not in listed[1]
    assert first["pairingKey"] not in repr(listed)
    assert keys(hub, make_project(hub, "other")) == []


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": ""}, "Pairing key name must be between 1 and 128 characters."),
        ({"name": "x" * 129}, "Pairing key name must be between 1 and 128 characters."),
        ({"validForSecs": 0}, "Pairing key validity must be between 1 second and 10 minutes."),
        ({"validForSecs": 601}, "Pairing key validity must be between 1 second and 10 minutes."),
    ],
)
def test_create_validation_messages(hub: Hub, fields: dict[str, Any], message: str) -> None:
    project = make_project(hub)
    error = raises("Invalid", 400, create_key, hub, project, **fields)
    assert message in error.message
    assert keys(hub, project) == []


def test_names_count_code_points(hub: Hub) -> None:
    project = make_project(hub)
    assert create_key(hub, project, name="é" * 128)["pairingKeyId"]


def test_unknown_project_is_404(hub: Hub) -> None:
    error = raises("Forbidden", 404, create_key, hub, "p_" + "1" * 22)
    assert error.message == f"Project p_{'1' * 22} does not exist or is not accessible."


def test_selectors_are_redrawn_while_a_redeemable_key_holds_them(hub: Hub) -> None:
    project = make_project(hub)
    held = create_key(hub, project)
    draws = iter(["ABCDEF0000", held["selector"] + "1234", "ABCDEF1111", "ZZZZZZ0000"])
    hub.store.ids.crockford = lambda length: next(draws)  # type: ignore[method-assign]
    assert create_key(hub, project)["selector"] == "ABCDEF"
    # The active key's selector and the first free one's selector are both taken now.
    assert create_key(hub, project)["selector"] == "ZZZZZZ"


def test_an_expired_or_spent_keys_selector_may_be_drawn_again(hub: Hub) -> None:
    project = make_project(hub)
    old = create_key(hub, project, validForSecs=1)
    hub.clock.advance(1)
    selector = old["selector"]
    draws = iter([selector + "WXYZ"])
    hub.store.ids.crockford = lambda length: next(draws)  # type: ignore[method-assign]
    new = create_key(hub, project)
    assert new["selector"] == selector
    refused(hub, old["pairingKey"])  # the old key stays dead
    assert redeem(hub, new["pairingKey"], fingerprint())["projectId"] == project


def test_same_seed_same_keys() -> None:
    def draw(seed: int) -> list[str]:
        hub = Hub(seed=seed)
        project = make_project(hub)
        return [create_key(hub, project)["pairingKey"] for _ in range(3)]

    assert draw(7) == draw(7)
    assert draw(7) != draw(8)


# Redemption.


def test_redeem_creates_a_device_and_a_bound_token(hub: Hub) -> None:
    project = make_project(hub)
    created = create_key(hub, project, name="bench rig")
    hub.clock.advance(72)
    fp = fingerprint()
    result = redeem(hub, created["pairingKey"], fp, deviceName="rig-3")
    assert list(result) == ["projectId", "deviceId", "tokenId", "token"]
    assert result["projectId"] == project
    assert re.fullmatch("deployment_[1-9A-HJ-NP-Za-km-z]{66}", result["token"])
    assert result["tokenId"] == "deployment_id_" + result["token"][len("deployment_") :][:22]
    device = hub.invoke("devices_GetDetails", {"deviceId": result["deviceId"]})
    assert device["name"] == "rig-3"
    assert device["projectId"] == project
    assert device["fingerprintId"] == "d_pk_" + fp[5:27]
    (item,) = keys(hub, project)
    assert item == {
        "pairingKeyId": created["pairingKeyId"],
        "selector": created["selector"],
        "createdAt": "2026-05-04T07:00:00Z",
        "expiresAt": "2026-05-04T07:05:00Z",
        "usedAt": "2026-05-04T07:01:12Z",
        "name": "bench rig",
        "deviceId": result["deviceId"],
        "tokenId": result["tokenId"],
    }
    assert tokens(hub, project) == [
        {
            "tokenId": result["tokenId"],
            "deviceId": result["deviceId"],
            "createdAt": "2026-05-04T07:01:12Z",
            "name": "bench rig",
            "flags": {"autoAccept": True},
        }
    ]


def test_a_key_without_name_mints_a_token_without_name(hub: Hub) -> None:
    project = make_project(hub)
    result = redeem(hub, create_key(hub, project)["pairingKey"], fingerprint())
    (token,) = tokens(hub, project)
    assert token["tokenId"] == result["tokenId"]
    assert "name" not in token


def test_redeem_without_device_name_leaves_the_new_device_unnamed(hub: Hub) -> None:
    project = make_project(hub)
    result = redeem(hub, create_key(hub, project)["pairingKey"], fingerprint())
    assert "name" not in hub.invoke("devices_GetDetails", {"deviceId": result["deviceId"]})


def test_redeem_associates_the_projects_device_with_that_fingerprint(hub: Hub) -> None:
    project = make_project(hub)
    fp = fingerprint()
    unnamed = make_device(hub, project, fp)
    result = redeem(hub, create_key(hub, project)["pairingKey"], fp, deviceName="named now")
    assert result["deviceId"] == unnamed
    assert hub.invoke("devices_GetDetails", {"deviceId": unnamed})["name"] == "named now"
    assert len(hub.invoke("projects_QueryDevices", {"projectId": project})["devices"]) == 1
    # A device with a name keeps it.
    result = redeem(hub, create_key(hub, project)["pairingKey"], fp, deviceName="ignored")
    assert result["deviceId"] == unnamed
    assert hub.invoke("devices_GetDetails", {"deviceId": unnamed})["name"] == "named now"
    assert [t["deviceId"] for t in tokens(hub, project)] == [unnamed, unnamed]


def test_a_fingerprint_of_another_project_gets_a_new_device(hub: Hub) -> None:
    fp = fingerprint()
    elsewhere = make_device(hub, make_project(hub, "elsewhere"), fp)
    project = make_project(hub)
    result = redeem(hub, create_key(hub, project)["pairingKey"], fp)
    assert result["deviceId"] != elsewhere
    assert result["projectId"] == project


@pytest.mark.parametrize(
    "spell",
    [
        lambda key: key,  # XXXX-XXXXXX as created
        lambda key: key.replace("-", ""),  # no dash
        lambda key: key.lower(),
        lambda key: key.replace("-", "").swapcase(),
        lambda key: "-" + key.replace("-", ""),  # the dash anywhere
        lambda key: key.replace("-", "") + "-",
        lambda key: key.replace("-", "")[:7] + "-" + key.replace("-", "")[7:],
    ],
    ids=["as-created", "no-dash", "lower", "swapcase", "dash-first", "dash-last", "dash-moved"],
)
def test_normalization_accepts_case_and_one_dash_anywhere(hub: Hub, spell: Any) -> None:
    project = make_project(hub)
    created = create_key(hub, project)
    assert redeem(hub, spell(created["pairingKey"]), fingerprint())["projectId"] == project


@pytest.mark.parametrize(
    "text",
    [
        "ABCD--12345",  # two dashes
        "ABCD-1234-5",
        "ABCD1234567",  # 11 characters without a dash
        "ABCD-12345",  # 9 characters after removing the dash
        "OOOO-000000",  # look-alikes are not mapped (C27)
        "IIII-111111",
        "LLLL-111111",
        "UUUU-111111",
        "ABCD 123456",
        "ABCD_123456",
        "ÄBCD-123456",
    ],
)
def test_malformed_keys_are_invalid_with_the_field_message(hub: Hub, text: str) -> None:
    project = make_project(hub)
    create_key(hub, project)
    before = hub.snapshot_json()
    error = raises("Invalid", 400, redeem, hub, text, fingerprint())
    assert MSG_PAIRING_KEY_FORMAT in error.message
    assert "$.pairingKey" in error.message
    assert hub.snapshot_json() == before


@pytest.mark.parametrize("text", ["ABCD-1234", "ABCD-1234567", "", "A" * 12])
def test_the_size_rule_counts_10_to_11(hub: Hub, text: str) -> None:
    error = raises("Invalid", 400, redeem, hub, text, fingerprint())
    assert MSG_PAIRING_KEY_FORMAT in error.message


def test_the_key_format_is_the_key_fields_own_rule_reported_in_field_order(hub: Hub) -> None:
    """The format is a rule of the ``pairingKey`` field (its schema pattern), so it comes
    before the rules of the fields after it; a well-formed key lets those speak."""
    error = raises("Invalid", 400, redeem, hub, "OOOO-OOOOOO", "d_sk_short")
    assert MSG_PAIRING_KEY_FORMAT in error.message
    error = raises("Invalid", 400, redeem, hub, "ABCD-123456", "d_sk_short")
    assert "device fingerprint" in error.message
    error = raises("Invalid", 400, redeem, hub, "ABCD-123456", fingerprint(), deviceName="")
    assert "Device name must be between 1 and 128 characters." in error.message


def test_unknown_keys_are_refused(hub: Hub) -> None:
    project = make_project(hub)
    created = create_key(hub, project)
    refused(hub, "ZZZZ-ZZZZZZ" if created["selector"] != "ZZZZZZ" else "YYYY-YYYYYY")
    # The right selector with the wrong rest is no better.
    normalized = created["pairingKey"].replace("-", "")
    other_rest = "0000" if normalized[6:] != "0000" else "1111"
    refused(hub, normalized[:6] + other_rest)


def test_expiry_boundary(hub: Hub) -> None:
    project = make_project(hub)
    created = create_key(hub, project, validForSecs=60)
    late = create_key(hub, project, validForSecs=60)
    hub.clock.advance(59.999)
    assert redeem(hub, created["pairingKey"], fingerprint())["projectId"] == project
    hub.clock.advance(0.001)  # now == expiresAt
    refused(hub, late["pairingKey"])


def test_a_used_key_is_refused(hub: Hub) -> None:
    project = make_project(hub)
    created = create_key(hub, project)
    fp = fingerprint()
    redeem(hub, created["pairingKey"], fp)
    refused(hub, created["pairingKey"], fp)
    refused(hub, created["pairingKey"])


def test_a_revoked_key_is_refused(hub: Hub) -> None:
    project = make_project(hub)
    created = create_key(hub, project)
    revoke(hub, created["pairingKeyId"])
    refused(hub, created["pairingKey"])


# Revocation (D33, C35).


def test_revoke_an_active_key(hub: Hub) -> None:
    project = make_project(hub)
    created = create_key(hub, project)
    hub.clock.advance(10)
    assert revoke(hub, created["pairingKeyId"]) == {}
    (item,) = keys(hub, project)
    assert item["revokedAt"] == "2026-05-04T07:00:10Z"
    assert "usedAt" not in item


def test_revoke_an_expired_key(hub: Hub) -> None:
    project = make_project(hub)
    created = create_key(hub, project, validForSecs=1)
    hub.clock.advance(3600)
    revoke(hub, created["pairingKeyId"])
    assert keys(hub, project)[0]["revokedAt"] == "2026-05-04T08:00:00Z"


def test_revoking_again_is_a_no_op_keeping_the_first_instant(hub: Hub) -> None:
    project = make_project(hub)
    created = create_key(hub, project)
    revoke(hub, created["pairingKeyId"])
    hub.clock.advance(30)
    audited = len(project_audit(hub, project))
    before = hub.snapshot_json()
    assert revoke(hub, created["pairingKeyId"]) == {}
    assert hub.snapshot_json() == before
    assert keys(hub, project)[0]["revokedAt"] == "2026-05-04T07:00:00Z"
    assert len(project_audit(hub, project)) == audited  # not audited (C25)


def test_a_used_key_cannot_be_revoked(hub: Hub) -> None:
    project = make_project(hub)
    created = create_key(hub, project)
    redeem(hub, created["pairingKey"], fingerprint())
    error = raises("Invalid", 400, revoke, hub, created["pairingKeyId"])
    pairing_key_id = created["pairingKeyId"]
    assert (
        error.message
        == f"Pairing key {pairing_key_id} has already been used and cannot be revoked."
    )


def test_revoking_an_unknown_key_is_404(hub: Hub) -> None:
    unknown = "d_pairing_" + "1" * 22
    error = raises("Forbidden", 404, revoke, hub, unknown)
    assert error.message == f"Pairing key {unknown} does not exist or is not accessible."


def test_a_pairing_key_id_is_not_a_device_id(hub: Hub) -> None:
    error = raises("Invalid", 400, revoke, hub, "d_" + "1" * 22)
    assert "pairing key ID" in error.message


# Permissions (D18).


def test_members_may_manage_keys_outsiders_do_not_see_them(hub: Hub) -> None:
    project = make_project(hub)
    _, member = hub.create_user("member@example.com", organization_id=hub.default_organization_id)
    created = hub.invoke("projects_CreateDevicePairingKey", {"projectId": project}, token=member)
    listed = hub.invoke("projects_QueryDevicePairingKeys", {"projectId": project}, token=member)
    assert [k["pairingKeyId"] for k in listed["pairingKeys"]] == [created["pairingKeyId"]]
    payload = {"pairingKeyId": created["pairingKeyId"]}
    assert hub.invoke("projects_RevokeDevicePairingKey", payload, token=member) == {}
    _, outsider = hub.create_user("outsider@example.com")
    raises(
        "Forbidden",
        404,
        hub.invoke,
        "projects_QueryDevicePairingKeys",
        {"projectId": project},
        token=outsider,
    )
    error = raises(
        "Forbidden", 404, hub.invoke, "projects_RevokeDevicePairingKey", payload, token=outsider
    )
    assert (
        error.message
        == f"Pairing key {payload['pairingKeyId']} does not exist or is not accessible."
    )


def test_devices_may_only_redeem(hub: Hub) -> None:
    project = make_project(hub)
    token_id, secret = make_token(hub, project)
    fp = fingerprint()
    device = hub.as_device(secret, fp)
    actor = device.actor.get_actor().actor
    assert isinstance(actor, DeviceActor)
    device_id = actor.device_id
    for action, payload in [
        ("projects_CreateDevicePairingKey", {"projectId": project}),
        ("projects_QueryDevicePairingKeys", {"projectId": project}),
        (
            "projects_RevokeDevicePairingKey",
            {"pairingKeyId": create_key(hub, project)["pairingKeyId"]},
        ),
    ]:
        error = raises(
            "Forbidden", 403, hub.invoke, action, payload, token=secret, device_fingerprint=fp
        )
        assert "devices may not" in error.message
    key = create_key(hub, project)["pairingKey"]
    payload = {"pairingKey": key, "fingerprint": fp}
    result = hub.invoke(
        "projects_RedeemDevicePairingKey", payload, token=secret, device_fingerprint=fp
    )
    assert result["deviceId"] == device_id
    redeemed = [
        e for e in project_audit(hub, project) if e["event"] == "projects_DevicePairingKeyRedeemed"
    ]
    assert redeemed[0]["actor"] == {"actor": "Device", "deviceId": device_id, "tokenId": token_id}


def test_anonymous_callers_may_only_redeem(hub: Hub) -> None:
    project = make_project(hub)
    created = create_key(hub, project)
    for action, payload in [
        ("projects_CreateDevicePairingKey", {"projectId": project}),
        ("projects_QueryDevicePairingKeys", {"projectId": project}),
        ("projects_RevokeDevicePairingKey", {"pairingKeyId": created["pairingKeyId"]}),
    ]:
        raises("Forbidden", 401, invoke_anonymous, hub, action, payload)
    assert redeem(hub, created["pairingKey"], fingerprint())["projectId"] == project


def test_an_unknown_credential_is_401_even_for_redeem(hub: Hub) -> None:
    project = make_project(hub)
    created = create_key(hub, project)
    payload = {"pairingKey": created["pairingKey"], "fingerprint": fingerprint()}
    raises(
        "Forbidden",
        401,
        hub.invoke,
        "projects_RedeemDevicePairingKey",
        payload,
        token="u_sk_" + "1" * 66,
    )
    assert "usedAt" not in keys(hub, project)[0]


def test_the_typed_facade(hub: Hub) -> None:
    project = make_project(hub)
    created = hub.projects.create_device_pairing_key(project_id=project, valid_for_secs=30)
    result = hub.projects.redeem_device_pairing_key(
        pairing_key=created.pairing_key, fingerprint=fingerprint(), device_name="typed"
    )
    assert result.project_id == project
    action = RedeemDevicePairingKeyAction(
        pairing_key=created.pairing_key, fingerprint=fingerprint()
    )
    with pytest.raises(ActionError, match="already used"):
        hub.execute(action)


# Device-bound tokens (D34).


def test_the_bound_token_admits_its_device_with_certificates_accepted(hub: Hub) -> None:
    project = make_project(hub)
    fp = fingerprint()
    result = redeem(hub, create_key(hub, project)["pairingKey"], fp)
    pem, cert = make_pem()
    actor = hub.as_device(result["token"], fp, pem).actor.get_actor().actor
    assert isinstance(actor, DeviceActor)
    assert actor.device_id == result["deviceId"]
    assert actor.token_id == result["tokenId"]
    details = hub.invoke("devices_GetDetails", {"deviceId": result["deviceId"]})
    assert [(c["fingerprint"], c["status"]) for c in details["certificates"]] == [(cert, "Active")]


def test_the_bound_token_refuses_any_other_fingerprint(hub: Hub) -> None:
    project = make_project(hub)
    other = fingerprint()
    make_device(hub, project, other)  # even a device of the same project
    result = redeem(hub, create_key(hub, project)["pairingKey"], fingerprint())
    before = hub.snapshot_json()
    for fp in (other, fingerprint()):
        error = raises("Forbidden", 403, hub.as_device(result["token"], fp).actor.get_actor)
        assert error.message == (
            f"Deployment token {result['tokenId']} is bound to device {result['deviceId']}."
        )
    assert hub.snapshot_json() == before  # no device was created


def test_bound_token_certificates_follow_its_flag(hub: Hub) -> None:
    project = make_project(hub)
    fp = fingerprint()
    result = redeem(hub, create_key(hub, project)["pairingKey"], fp)
    payload = {"tokenId": result["tokenId"], "flags": {"autoAccept": False}}
    hub.invoke("projects_SetDeploymentTokenFlags", payload)
    pem, _ = make_pem()
    error = raises("Forbidden", 403, hub.as_device(result["token"], fp, pem).actor.get_actor)
    assert "is Pending" in error.message


def test_an_existing_pending_certificate_stays_pending(hub: Hub) -> None:
    """Auto-accept applies to certificates first seen with the token, as for every token."""
    project = make_project(hub)
    fp = fingerprint()
    device_id = make_device(hub, project, fp)
    pem, cert = make_pem()
    add_certificate(hub, device_id, cert, "Pending")
    result = redeem(hub, create_key(hub, project)["pairingKey"], fp)
    error = raises("Forbidden", 403, hub.as_device(result["token"], fp, pem).actor.get_actor)
    assert "is Pending" in error.message


# Audit events (D40, C28).


def test_audit_events_and_their_order(hub: Hub) -> None:
    project = make_project(hub)
    created = create_key(hub, project, name="rig")
    result = redeem(hub, created["pairingKey"], fingerprint())
    second = create_key(hub, project)
    revoke(hub, second["pairingKeyId"])
    events = project_audit(hub, project)[::-1]  # oldest first
    names = [e["event"] for e in events]
    assert names == [
        "projects_Created",
        "projects_DevicePairingKeyCreated",
        "devices_Created",
        "projects_DeploymentTokenCreated",
        "projects_DevicePairingKeyRedeemed",
        "projects_DevicePairingKeyCreated",
        "projects_DevicePairingKeyRevoked",
    ]
    ids = {"projectId": project, "pairingKeyId": created["pairingKeyId"]}
    assert events[1]["data"] == ids
    assert events[3]["data"] == {
        "projectId": project,
        "tokenId": result["tokenId"],
        "deviceId": result["deviceId"],
        "flags": {"autoAccept": True},
    }
    assert events[4]["data"] == {
        **ids,
        "deviceId": result["deviceId"],
        "tokenId": result["tokenId"],
    }
    assert events[6]["data"] == {"projectId": project, "pairingKeyId": second["pairingKeyId"]}
    redemption = events[2:5]
    assert {e["actor"]["actor"] for e in redemption} == {"Anonymous"}
    assert len({e["action"]["actionId"] for e in redemption}) == 1
    assert events[1]["actor"]["actor"] == "UserToken"
    device_events = hub.invoke("devices_QueryAuditLog", {"deviceId": result["deviceId"]})["events"]
    assert "projects_DevicePairingKeyRedeemed" in [e["event"] for e in device_events]


def test_associating_an_existing_device_writes_no_device_event(hub: Hub) -> None:
    project = make_project(hub)
    fp = fingerprint()
    make_device(hub, project, fp)
    redeem(hub, create_key(hub, project)["pairingKey"], fp, deviceName="named")
    names = [e["event"] for e in project_audit(hub, project)]
    assert names[:2] == ["projects_DevicePairingKeyRedeemed", "projects_DeploymentTokenCreated"]
    assert names.count("devices_Created") == 1


# Cascades (D41, C29).


def test_deleting_the_device_deletes_its_bound_tokens_silently(hub: Hub) -> None:
    project = make_project(hub)
    fp = fingerprint()
    kept_id, _ = make_token(hub, project)
    result = redeem(hub, create_key(hub, project)["pairingKey"], fp)
    hub.invoke("devices_Delete", {"deviceId": result["deviceId"]})
    assert [t["tokenId"] for t in tokens(hub, project)] == [kept_id]
    assert "projects_DeploymentTokenDeleted" not in [
        e["event"] for e in project_audit(hub, project)
    ]
    raises("Forbidden", 401, hub.as_device(result["token"], fp).actor.get_actor)
    (item,) = keys(hub, project)  # the key keeps its history
    assert (item["deviceId"], item["tokenId"]) == (result["deviceId"], result["tokenId"])
    assert hub.store.bound_tokens == {}


def test_deleting_the_bound_token_keeps_the_device_and_the_key(hub: Hub) -> None:
    project = make_project(hub)
    result = redeem(hub, create_key(hub, project)["pairingKey"], fingerprint())
    hub.invoke("projects_DeleteDeploymentToken", {"tokenId": result["tokenId"]})
    assert tokens(hub, project) == []
    assert keys(hub, project)[0]["tokenId"] == result["tokenId"]
    assert hub.invoke("devices_GetDetails", {"deviceId": result["deviceId"]})
    hub.invoke("devices_Delete", {"deviceId": result["deviceId"]})  # nothing left to cascade
    assert hub.store.bound_tokens == {}


def test_deleting_the_project_deletes_its_pairing_keys(hub: Hub) -> None:
    project = make_project(hub)
    redeem(hub, create_key(hub, project)["pairingKey"], fingerprint())
    active = create_key(hub, project)
    hub.invoke("projects_Delete", {"projectId": project})
    assert hub.store.pairing_keys == {}
    assert hub.store.pairing_keys_by_selector == {}
    assert hub.store.bound_tokens == {}
    refused(hub, active["pairingKey"])


# Snapshots.


def test_snapshot_round_trip_in_every_state(hub: Hub) -> None:
    project = make_project(hub)
    create_key(hub, project, name="active")
    used = create_key(hub, project)
    redeem(hub, used["pairingKey"], fingerprint())
    revoke(hub, create_key(hub, project)["pairingKeyId"])
    expiring = create_key(hub, project, validForSecs=1)
    waiting = create_key(hub, project, validForSecs=600)
    hub.clock.advance(5)
    data = hub.snapshot_json()
    restored = Hub(seed=99)
    restored.restore(data)
    assert restored.snapshot_json() == data
    assert keys(restored, project) == keys(hub, project)
    assert restored.store.pairing_keys_by_selector == hub.store.pairing_keys_by_selector
    assert restored.store.bound_tokens == hub.store.bound_tokens
    refused(restored, expiring["pairingKey"])
    refused(restored, used["pairingKey"])
    # Both hubs draw the same next key, and redeem alike.
    assert create_key(restored, project) == create_key(hub, project)
    fp = fingerprint()
    assert redeem(restored, waiting["pairingKey"], fp) == redeem(hub, waiting["pairingKey"], fp)


def copy_first_key(data: dict[str, Any], pairing_key_id: str) -> None:
    """A second, still redeemable key with the first key's selector, listed by the project."""
    data["pairing_keys"].append({**data["pairing_keys"][0], "pairing_key_id": pairing_key_id})
    data["projects"][-1]["pairing_key_ids"][pairing_key_id] = None


def snapshot_with(hub: Hub, change: Any) -> dict[str, Any]:
    data = hub.snapshot()
    change(data)
    return data


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda d: d["pairing_keys"][0].update(key="OOOOOOOOOO"), "Crockford"),
        (lambda d: d["pairing_keys"][0].update(project_id="p_" + "1" * 22), "unknown id"),
        (lambda d: d["pairing_keys"][0].update(pairing_key_id="d_pairing_x"), "well-formed"),
        (
            lambda d: d["pairing_keys"][0].update(expires_at=d["pairing_keys"][0]["created_at"]),
            "expires",
        ),
        (
            lambda d: d["pairing_keys"][0].update(used_at=d["pairing_keys"][0]["created_at"]),
            "come together",
        ),
        (lambda d: d["pairing_keys"][0].update(created_at="2026-05-04T07:00:00"), "offset"),
        (lambda d: d["projects"][-1].update(pairing_key_ids={}), "not listed"),
        (lambda d: d["deployment_tokens"][0].update(device_id="d_" + "1" * 22), "unknown id"),
        (
            lambda d: copy_first_key(d, "d_pairing_" + "2" * 22),
            "share a selector",
        ),
        (lambda d: d["pairing_keys"][0].update(expires_at="2026-05-04T08:00:00"), "offset"),
    ],
)
def test_inconsistent_pairing_snapshots_are_refused(hub: Hub, change: Any, problem: str) -> None:
    project = make_project(hub)
    create_key(hub, project)
    redeem(hub, create_key(hub, project)["pairingKey"], fingerprint())
    before = hub.snapshot_json()
    error = raises("Invalid", 400, hub.restore, snapshot_with(hub, change))
    assert problem in error.message
    assert hub.snapshot_json() == before


def test_a_snapshot_without_pairing_keys_still_restores(hub: Hub) -> None:
    """Snapshots taken before pairing keys existed have neither field."""
    make_project(hub)
    data = hub.snapshot()
    del data["pairing_keys"]
    for project in data["projects"]:
        del project["pairing_key_ids"]
    restored = Hub(seed=1)
    restored.restore(data)
    assert restored.store.pairing_keys == {}
