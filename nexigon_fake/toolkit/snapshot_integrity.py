"""What a restored state must hold beyond resolving references: that the hub's actions could
have reached it (issue 18, item 4).

``snapshot_checks`` makes every reference resolve and agree both ways; this module adds what
the actions guarantee and later calls rely on: each listed entity is owned by the one listing
it (a token or repository listed by two owners would be deleted twice), secrets unique across
every kind of token, e-mails unique once case-folded, repository names unique within their
organization and slugs unique, and counters within u64.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from nexigon_fake.state.store import Store
from nexigon_fake.toolkit.snapshot_checks import _Problems
from nexigon_fake.toolkit.snapshot_format import Snapshot
from nexigon_fake.wire.common import U64_MAX


def check_integrity(store: Store, snapshot: Snapshot) -> None:
    """Raise ``Invalid`` naming the first problems found, if any."""
    problems = _Problems()
    _check_owners(store, snapshot, problems)
    _check_unique(snapshot, problems)
    _check_ranges(snapshot, problems)
    problems.raise_if_any()


def _check_owners(store: Store, snapshot: Snapshot, problems: _Problems) -> None:
    for organization in snapshot.organizations:
        where, owner = f"organization {organization.organization_id}", organization.organization_id
        for token_id in organization.api_token_ids:
            if token_id in store.organization_tokens:
                problems.owned(store.organization_tokens, token_id, where, "organization_id", owner)
        for repository_id in organization.repository_ids:
            if repository_id in store.repositories:
                problems.owned(store.repositories, repository_id, where, "organization_id", owner)
    for project in snapshot.projects:
        where = f"project {project.project_id}"
        for token_id in project.token_ids:
            if token_id in store.deployment_tokens:
                problems.owned(
                    store.deployment_tokens, token_id, where, "project_id", project.project_id
                )


def _duplicates(values: Iterable[str]) -> list[str]:
    return sorted(value for value, count in Counter(values).items() if count > 1)


def _check_unique(snapshot: Snapshot, problems: _Problems) -> None:
    secrets = [
        *(token.secret for token in snapshot.user_tokens),
        *(token.secret for token in snapshot.organization_tokens),
        *(token.secret for token in snapshot.deployment_tokens),
    ]
    if _duplicates(secrets):
        problems.add("two tokens share a secret")
    for email in _duplicates(user.email.lower() for user in snapshot.users):
        problems.add(f"two users share the e-mail {email!r} (e-mails are case-insensitive)")
    names = (f"{r.organization_id} {r.name}" for r in snapshot.repositories)
    for duplicate in _duplicates(names):
        organization_id, _, name = duplicate.partition(" ")
        problems.add(f"two repositories of organization {organization_id} are named {name!r}")
    slugs = (r.slug for r in snapshot.repositories if r.slug is not None)
    for slug in _duplicates(slugs):
        problems.add(f"two repositories share the slug {slug!r}")


def _check_ranges(snapshot: Snapshot, problems: _Problems) -> None:
    counters = [("sequence", snapshot.sequence)]
    counters += [(f"device {d.device_id}: revision", d.revision) for d in snapshot.devices]
    counters += [
        (f"project {p.project_id}: listing_revision", p.listing_revision) for p in snapshot.projects
    ]
    for where, value in counters:
        if not 0 <= value <= U64_MAX:
            problems.add(f"{where} is outside 0..2^64-1")
