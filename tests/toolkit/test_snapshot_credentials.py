"""What a snapshot carries about credentials, and ``restore(keep_credentials=True)``."""

from __future__ import annotations

import json

import pytest

from nexigon_fake import Hub
from nexigon_fake.errors import (
    MSG_UNKNOWN_TOKEN,
    ActionError,
    InvalidError,
)
from nexigon_fake.errors.tooling import (
    MSG_KEEP_CREDENTIALS_TAKEN,
)


def projects(hub: Hub, token: str) -> list[str]:
    """Project names as the holder of ``token`` sees them (raises if the token is unknown)."""
    output = hub.invoke("projects_Query", {}, token)
    return [project["name"] for project in output["projects"]]


def other_seeds_hub() -> Hub:
    other = Hub(seed=7)
    other.invoke(
        "projects_Create", {"organizationId": other.default_organization_id, "name": "saved"}
    )
    return other


def test_a_snapshot_from_another_seed_brings_its_own_admin_token() -> None:
    hub, other = Hub(seed=0), other_seeds_hub()
    before = hub.admin_token
    hub.restore(other.snapshot())
    assert hub.admin_token == other.admin_token != before
    assert projects(hub, hub.admin_token) == ["saved"]
    with pytest.raises(ActionError, match=MSG_UNKNOWN_TOKEN):
        projects(hub, before)


def test_keep_credentials_keeps_the_current_admin_token() -> None:
    hub, other = Hub(seed=0), other_seeds_hub()
    before = hub.admin_token
    hub.restore(other.snapshot_json(), keep_credentials=True)
    assert hub.admin_token == before
    assert projects(hub, before) == ["saved"]
    # The snapshot's token is replaced, not added: only one admin token is known.
    assert hub.snapshot()["admin_token"] == before
    with pytest.raises(ActionError, match=MSG_UNKNOWN_TOKEN):
        projects(hub, other.admin_token)
    # The rest of the snapshot is what was saved: the next ids continue the other seed.
    assert hub.seed == 7


def test_keep_credentials_keeps_a_chosen_admin_token() -> None:
    token = "u_sk_" + "A" * 66
    hub = Hub(admin_token=token)
    hub.restore(other_seeds_hub().snapshot(), keep_credentials=True)
    assert projects(hub, token) == ["saved"]


def test_keep_credentials_refuses_a_token_another_user_holds() -> None:
    other = other_seeds_hub()
    _, token = other.create_user("someone@example.com")
    hub = Hub(admin_token=token)
    saved = other.snapshot()
    with pytest.raises(InvalidError) as raised:
        hub.restore(saved, keep_credentials=True)
    user_id = other.store.user_tokens[other.store.user_tokens_by_secret[token]].user_id
    assert str(raised.value) == MSG_KEEP_CREDENTIALS_TAKEN.format(user_id=user_id)
    assert hub.admin_token == token and projects(hub, token) == []  # nothing changed


def test_snapshot_is_a_dict_and_snapshot_json_its_bytes() -> None:
    hub = other_seeds_hub()
    data, text = hub.snapshot(), hub.snapshot_json()
    assert isinstance(data, dict) and isinstance(text, bytes)
    assert json.loads(text) == data
    for form in (data, text, text.decode()):
        fresh = Hub()
        fresh.restore(form)
        assert fresh.snapshot() == data
