"""``JournalFilter``: the journal's filters as a pure query, without HTTP."""

from __future__ import annotations

import datetime as dt

import pytest

from nexigon_fake.errors import InvalidError
from nexigon_fake.toolkit.journal import Journal
from nexigon_fake.toolkit.journal_query import JournalFilter, check_action, journal_json
from nexigon_fake.wire.actor import DeviceActor, UserActor

START = dt.datetime(2026, 5, 4, 7, tzinfo=dt.UTC)
DEVICE = "d_" + "2" * 22
OTHER = "d_" + "3" * 22
USER = "u_" + "4" * 22
TOKEN = "deployment_id_" + "5" * 22


@pytest.fixture
def journal() -> Journal:
    journal = Journal()
    by_device = DeviceActor(device_id=DEVICE, token_id=TOKEN)
    journal.record(START, "devices_IssueJwt", by_device, b"{}", 200, b"{}")
    journal.record(
        START,
        "devices_GetDetails",
        UserActor(user_id=USER),
        b'{"deviceId": "%s"}' % OTHER.encode(),
        404,
        b"{}",
    )
    journal.record(START + dt.timedelta(seconds=1), "projects_Query", None, b"not json", 400, b"{}")
    return journal


def sequences(where: JournalFilter, journal: Journal) -> list[int]:
    return [entry.sequence for entry in where.select(journal.entries())]


def test_a_device_matches_as_caller_or_as_the_input_names_it(journal: Journal) -> None:
    assert sequences(JournalFilter(device=DEVICE), journal) == [1]
    assert sequences(JournalFilter(device=OTHER), journal) == [2]


def test_an_actor_matches_by_kind_or_by_any_id_it_carries(journal: Journal) -> None:
    assert sequences(JournalFilter(actor="Device"), journal) == [1]
    assert sequences(JournalFilter(actor=TOKEN), journal) == [1]
    assert sequences(JournalFilter(actor=DEVICE), journal) == [1]
    assert sequences(JournalFilter(actor=USER), journal) == [2]
    assert sequences(JournalFilter(actor="User"), journal) == [2]


def test_since_limit_and_status(journal: Journal) -> None:
    assert sequences(JournalFilter(since=START + dt.timedelta(seconds=1)), journal) == [3]
    assert sequences(JournalFilter(limit=2), journal) == [2, 3]
    assert sequences(JournalFilter(status=404, limit=5), journal) == [2]
    assert sequences(JournalFilter(), journal) == [1, 2, 3]


def test_an_empty_filter_answers_the_journal_as_it_is(journal: Journal) -> None:
    assert journal_json(journal, JournalFilter()) == journal.to_json()
    assert journal_json(journal, JournalFilter(action="projects_Query")) == journal.to_json(
        "projects_Query"
    )


def test_action_names_are_checked_with_a_hint() -> None:
    assert check_action("devices_InvokeCommand") == "devices_InvokeCommand"
    with pytest.raises(InvalidError, match="Did you mean `devices_GetDetails`"):
        check_action("devices_GetDetail")
