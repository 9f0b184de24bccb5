"""Repositories in HEAD shapes (D43, C37-C41), through ``hub.invoke`` and the typed facade."""

from __future__ import annotations

from typing import Any

import pytest

from nexigon_fake import Hub
from nexigon_fake.errors import MSG_REPOSITORY_NAME_ONE_OF
from nexigon_fake.wire.organizations import QueryOrganizationRepositoriesItem
from nexigon_fake.wire.repositories import (
    CreateRepositorySuccess,
    GetRepositoryDetailsOutput,
    SetRepositorySlugAlreadyExists,
    SetRepositorySlugSuccess,
)

from .helpers import make_organization, make_project, raises

DISPLAY_NAME_RULE = "Display name must be between 1 and 128 characters."
SLUG_SIZE_RULE = "Repository slug must be between 1 and 128 characters."
SLUG_PATTERN_RULE = (
    "Repository slug must start with a letter or digit and contain only letters, digits, dots, "
    "underscores, or hyphens."
)


def create(hub: Hub, organization_id: str | None = None, **fields: Any) -> dict[str, Any]:
    payload = {"organizationId": organization_id or hub.default_organization_id, **fields}
    return hub.invoke("repositories_Create", payload)


def details(hub: Hub, repository_id: str) -> dict[str, Any]:
    return hub.invoke("repositories_GetDetails", {"repositoryId": repository_id})


def set_slug(hub: Hub, repository_id: str, slug: Any, **kw: Any) -> dict[str, Any]:
    return hub.invoke("repositories_SetSlug", {"repositoryId": repository_id, "slug": slug}, **kw)


# repositories_Create


@pytest.mark.parametrize("spelling", ["displayName", "name"])
def test_create_takes_either_spelling_as_the_display_name(hub: Hub, spelling: str) -> None:
    """C37: no slug, so ``publicName`` is the repository id."""
    repository = create(hub, **{spelling: "Firmware Images"})["repositoryId"]
    assert details(hub, repository) == {
        "repositoryId": repository,
        "displayName": "Firmware Images",
        "publicName": repository,
        "visibility": "Private",
        "packageCount": 0,
        "assetCount": 0,
    }


@pytest.mark.parametrize(
    "fields", [{}, {"displayName": "a", "name": "a"}, {"displayName": None, "name": None}]
)
def test_create_needs_exactly_one_of_display_name_and_name(
    hub: Hub, fields: dict[str, Any]
) -> None:
    before = hub.snapshot_json()
    error = raises("Invalid", 400, create, hub, **fields)
    assert MSG_REPOSITORY_NAME_ONE_OF in error.message
    assert "`displayName`" in error.message and "`name`" in error.message
    assert hub.snapshot_json() == before


@pytest.mark.parametrize("spelling", ["displayName", "name"])
@pytest.mark.parametrize("value", ["", "x" * 129])
def test_create_display_name_rule_is_exact(hub: Hub, spelling: str, value: str) -> None:
    before = hub.snapshot_json()
    error = raises("Invalid", 400, create, hub, **{spelling: value})
    assert DISPLAY_NAME_RULE in error.message
    assert f"`$.{spelling}`" in error.message
    assert hub.snapshot_json() == before


def test_create_accepts_128_code_points(hub: Hub) -> None:
    name = "ü" * 128
    repository = create(hub, displayName=name)["repositoryId"]
    assert details(hub, repository)["displayName"] == name


def test_create_refuses_a_display_name_taken_in_the_organization(hub: Hub) -> None:
    """C41, whichever spelling made the first one; another organization may reuse it."""
    create(hub, name="firmware")
    assert create(hub, displayName="firmware") == {"result": "NameAlreadyExists"}
    assert create(hub, name="firmware") == {"result": "NameAlreadyExists"}
    other = make_organization(hub)
    assert create(hub, other, displayName="firmware")["result"] == "Created"
    assert create(hub, displayName="Firmware")["result"] == "Created"  # names compare exactly


def test_create_through_the_facade(hub: Hub) -> None:
    output = hub.repositories.create(
        organization_id=hub.default_organization_id, display_name="apps", visibility="Public"
    )
    assert isinstance(output, CreateRepositorySuccess)
    got = hub.repositories.get_details(repository_id=output.repository_id)
    assert got == GetRepositoryDetailsOutput(
        repository_id=output.repository_id,
        display_name="apps",
        public_name=output.repository_id,
        visibility="Public",
        package_count=0,
        asset_count=0,
    )


# repositories_SetDisplayName


def test_set_display_name_renames_and_is_required(hub: Hub) -> None:
    repository = create(hub, displayName="old")["repositoryId"]
    assert (
        hub.invoke(
            "repositories_SetDisplayName", {"repositoryId": repository, "displayName": "new"}
        )
        == {}
    )
    assert details(hub, repository)["displayName"] == "new"
    before = hub.snapshot_json()
    for payload in ({}, {"displayName": None}):
        error = raises(
            "Invalid",
            400,
            hub.invoke,
            "repositories_SetDisplayName",
            {"repositoryId": repository, **payload},
        )
        assert "displayName" in error.message
    for value in ("", "y" * 129):
        error = raises(
            "Invalid",
            400,
            hub.invoke,
            "repositories_SetDisplayName",
            {"repositoryId": repository, "displayName": value},
        )
        assert DISPLAY_NAME_RULE in error.message
    assert hub.snapshot_json() == before


def test_set_display_name_is_audited_only_when_it_changes(hub: Hub) -> None:
    repository = create(hub, displayName="old")["repositoryId"]
    for name in ("new", "new"):
        hub.repositories.set_display_name(repository_id=repository, display_name=name)
    changed = [
        e["data"]
        for e in _organization_audit(hub)
        if e["event"] == "repositories_DisplayNameChanged"
    ]
    assert changed == [{"repositoryId": repository, "displayName": "new"}]


def _organization_audit(hub: Hub) -> list[dict[str, Any]]:
    """The audit records of the default organization, as a snapshot shows them."""
    records = hub.snapshot()["audit"]
    return [r for r in records if r["organization_id"] == hub.default_organization_id]


# repositories_SetSlug


def test_set_slug_changes_public_name_and_items(hub: Hub) -> None:
    repository = create(hub, displayName="Firmware")["repositoryId"]
    project = make_project(hub)
    hub.invoke("projects_LinkRepository", {"projectId": project, "repositoryId": repository})
    assert set_slug(hub, repository, "firmware.v2_x-1") == {"result": "Success"}
    item = {
        "repositoryId": repository,
        "displayName": "Firmware",
        "slug": "firmware.v2_x-1",
        "publicName": "firmware.v2_x-1",
    }
    assert hub.invoke("projects_QueryLinkedRepositories", {"projectId": project}) == {
        "repositories": [item]
    }
    listed = hub.invoke(
        "organizations_QueryRepositories", {"organizationId": hub.default_organization_id}
    )
    assert listed == {"repositories": [item]}
    got = details(hub, repository)
    assert (got["slug"], got["publicName"]) == ("firmware.v2_x-1", "firmware.v2_x-1")


def test_a_slug_is_unique_across_the_instance(hub: Hub) -> None:
    first = create(hub, displayName="a")["repositoryId"]
    other_organization = make_organization(hub)
    second = create(hub, other_organization, displayName="b")["repositoryId"]
    assert set_slug(hub, first, "shared") == {"result": "Success"}
    before = hub.snapshot_json()
    assert set_slug(hub, second, "shared") == {"result": "SlugAlreadyExists"}
    assert hub.snapshot_json() == before
    assert set_slug(hub, first, "shared") == {"result": "Success"}  # its own: no change
    assert hub.snapshot_json() == before
    assert set_slug(hub, first, "renamed") == {"result": "Success"}
    assert set_slug(hub, second, "shared") == {"result": "Success"}  # freed by the rename
    assert "slug" not in details(hub, create(hub, displayName="c")["repositoryId"])


def test_a_deleted_repository_frees_its_slug(hub: Hub) -> None:
    first = create(hub, displayName="a")["repositoryId"]
    second = create(hub, displayName="b")["repositoryId"]
    set_slug(hub, first, "os")
    hub.invoke("repositories_Delete", {"repositoryId": first})
    assert set_slug(hub, second, "os") == {"result": "Success"}


@pytest.mark.parametrize(
    ("slug", "rule"),
    [
        ("", SLUG_SIZE_RULE),
        ("s" * 129, SLUG_SIZE_RULE),
        (".dot", SLUG_PATTERN_RULE),
        ("-dash", SLUG_PATTERN_RULE),
        ("_under", SLUG_PATTERN_RULE),
        ("has space", SLUG_PATTERN_RULE),
        ("a/b", SLUG_PATTERN_RULE),
        ("ümlaut", SLUG_PATTERN_RULE),
        ("trailing\n", SLUG_PATTERN_RULE),
    ],
)
def test_slug_rules_are_exact(hub: Hub, slug: str, rule: str) -> None:
    repository = create(hub, displayName="a")["repositoryId"]
    before = hub.snapshot_json()
    error = raises("Invalid", 400, set_slug, hub, repository, slug)
    assert rule in error.message
    assert "`$.slug`" in error.message
    assert hub.snapshot_json() == before


@pytest.mark.parametrize("slug", ["a", "0", "A-b_c.d", "s" * 128])
def test_valid_slugs_are_accepted(hub: Hub, slug: str) -> None:
    repository = create(hub, displayName="a")["repositoryId"]
    assert set_slug(hub, repository, slug) == {"result": "Success"}
    assert details(hub, repository)["slug"] == slug


def test_set_slug_needs_an_organization_admin_and_is_audited(hub: Hub) -> None:
    repository = create(hub, displayName="a")["repositoryId"]
    _, member = hub.create_user("member@example.com", organization_id=hub.default_organization_id)
    raises("Forbidden", 403, set_slug, hub, repository, "x", token=member)
    _, admin = hub.create_user(
        "admin2@example.com", organization_id=hub.default_organization_id, organization_admin=True
    )
    assert set_slug(hub, repository, "x", token=admin) == {"result": "Success"}
    slugs = [
        e["data"] for e in _organization_audit(hub) if e["event"] == "repositories_SlugChanged"
    ]
    assert slugs == [{"repositoryId": repository, "slug": "x"}]


def test_set_slug_through_the_facade(hub: Hub) -> None:
    first = create(hub, displayName="a")["repositoryId"]
    second = create(hub, displayName="b")["repositoryId"]
    assert isinstance(
        hub.repositories.set_slug(repository_id=first, slug="os"), SetRepositorySlugSuccess
    )
    assert isinstance(
        hub.repositories.set_slug(repository_id=second, slug="os"), SetRepositorySlugAlreadyExists
    )


# organizations_QueryRepositories


def test_query_repositories_lists_the_organization_in_creation_order(hub: Hub) -> None:
    first = create(hub, name="first")["repositoryId"]
    second = create(hub, displayName="second")["repositoryId"]
    other = make_organization(hub)
    create(hub, other, displayName="elsewhere")
    listed = hub.organizations.query_repositories(organization_id=hub.default_organization_id)
    assert listed.repositories == [
        QueryOrganizationRepositoriesItem(
            repository_id=first, display_name="first", public_name=first
        ),
        QueryOrganizationRepositoriesItem(
            repository_id=second, display_name="second", public_name=second
        ),
    ]


def test_query_repositories_of_another_organization_is_not_found(hub: Hub) -> None:
    other = make_organization(hub)
    _, member = hub.create_user("m@example.com", organization_id=hub.default_organization_id)
    raises(
        "Forbidden",
        404,
        hub.invoke,
        "organizations_QueryRepositories",
        {"organizationId": other},
        member,
    )


def test_snapshot_round_trips_slugs(hub: Hub) -> None:
    repository = create(hub, displayName="a")["repositoryId"]
    set_slug(hub, repository, "kept")
    restored = Hub(seed=0)
    restored.restore(hub.snapshot_json())
    assert details(restored, repository)["slug"] == "kept"
    assert set_slug(restored, create(restored, displayName="b")["repositoryId"], "kept") == {
        "result": "SlugAlreadyExists"
    }
