"""The audit log's own storage: chained per-device and per-project indexes, packed ids, interned
data values and the JSON fallback, each checked against the records as they were appended.

The chains are the risky part: every record points back to the previous one of its device and
of its project, so these tests interleave many devices and projects, leave gaps long enough to
need multi-byte steps, and compare every index with one computed from the plain list.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest

from nexigon_fake.state.model import AuditRecord
from nexigon_fake.state.storage.audit_log import RECENT_LIMIT, AuditLog
from nexigon_fake.wire.actor import DeviceActor, SystemActor, UserTokenActor

AT = dt.datetime(2026, 5, 4, 7, 0, 30, 250_000, tzinfo=dt.UTC)
STAMP = "20260504-0700"
USER = UserTokenActor(user_id="u_" + "U" * 22, token_id="u_pk_" + "T" * 22)
BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def raw(rng: random.Random) -> str:
    return "".join(rng.choices(BASE58, k=8))


def record(rng: random.Random, **overrides: Any) -> AuditRecord:
    """A record as the hub makes it (ids dated at its time), with ``overrides`` applied."""
    fields: dict[str, Any] = {
        "event_id": f"audit_ev_{STAMP}-{raw(rng)}",
        "actor": USER,
        "event": "devices_PropertySet",
        "data": {},
        "created_at": AT,
        "action_id": f"audit_act_{STAMP}-{raw(rng)}",
        "project_id": None,
        "device_id": None,
        "organization_id": None,
        "repository_id": None,
    }
    fields.update(overrides)
    return AuditRecord(**fields)


def filled(records: list[AuditRecord]) -> AuditLog:
    log = AuditLog()
    for each in records:
        log.append(each)
    return log


def expected_positions(records: list[AuditRecord], attribute: str, value: str) -> list[int]:
    return [i for i, each in enumerate(records) if getattr(each, attribute) == value]


def assert_indexes_match(log: AuditLog, records: list[AuditRecord], ids: list[str]) -> None:
    """Every id's device and project positions equal those found by scanning the records."""
    for each in ids:
        assert list(log.for_device(each)) == expected_positions(records, "device_id", each)
        assert list(log.for_project(each)) == expected_positions(records, "project_id", each)


def mixed_records(rng: random.Random, count: int) -> tuple[list[AuditRecord], list[str]]:
    """Interleaved records of 5 projects and 60 devices, some with no device or no project,
    some of an organization or repository only, with data of every stored kind."""
    projects = [f"p_{index:022d}" for index in range(5)]
    devices = [f"d_{index:022d}" for index in range(60)]
    records = []
    for _ in range(count):
        kind = rng.randrange(10)
        project = rng.choice(projects)
        device = rng.choice(devices)
        if kind < 6:  # a device event
            data = {
                "projectId": project,
                "deviceId": device,
                "propertyName": f"app.setting-{rng.randrange(4)}",
                "value": rng.choice([1, -(2**40), 2.5, None, True, [1, {"k": "v"}], "short"]),
            }
            records.append(record(rng, project_id=project, device_id=device, data=data))
        elif kind < 8:  # a project event
            data = {"projectId": project, "name": f"name-{rng.randrange(10**9)}"}
            records.append(record(rng, event="projects_NameChanged", project_id=project, data=data))
        elif kind == 8:  # of a device but no project (not made by the hub, yet storable)
            records.append(record(rng, device_id=device, data={"other": rng.choice(devices)}))
        else:  # of neither
            organization = "org_" + "O" * 22
            records.append(
                record(
                    rng,
                    event="organizations_Changed",
                    organization_id=organization,
                    repository_id=rng.choice([None, "repo_" + "R" * 22]),
                    data={"organizationId": organization, "project": project},
                    action_id=None,
                    actor=SystemActor(),
                )
            )
    return records, projects + devices


def test_interleaved_devices_and_projects_are_indexed_and_read_back_exactly() -> None:
    rng = random.Random(7)
    records, ids = mixed_records(rng, 3000)
    log = filled(records)
    assert len(log) == len(records)
    assert list(log) == records
    assert [log[position] for position in range(len(log))] == records
    assert_indexes_match(log, records, ids)


def test_indexes_answer_between_appends() -> None:
    """Each append extends the chains the queries before it already walked."""
    rng = random.Random(11)
    records, ids = mixed_records(rng, 400)
    log = AuditLog()
    for count, each in enumerate(records, start=1):
        log.append(each)
        if count % 37 == 0:
            assert_indexes_match(log, records[:count], ids)
            assert log[count - 1] == each
    assert_indexes_match(log, records, ids)


def test_far_apart_records_of_a_device_need_long_steps() -> None:
    """Gaps of 1, 200 (two-byte step) and 20000 records (three-byte step) back to the last."""
    rng = random.Random(3)
    project, device, busy = "p_" + "P" * 22, "d_" + "D" * 22, "d_" + "B" * 22

    def own() -> AuditRecord:
        return record(rng, project_id=project, device_id=device, data={"deviceId": device})

    def other() -> AuditRecord:
        return record(rng, project_id="p_" + "Q" * 22, device_id=busy)

    records = [own(), own(), *(other() for _ in range(200)), own()]
    records += [*(other() for _ in range(20_000)), own()]
    log = filled(records)
    assert list(log.for_device(device)) == [0, 1, 202, 20_203]
    assert list(log.for_project(project)) == [0, 1, 202, 20_203]
    assert len(log.for_device(busy)) == 20_200
    assert [log[position] for position in log.for_device(device)] == [
        records[0],
        records[1],
        records[202],
        records[20_203],
    ]


def test_an_id_is_only_indexed_under_the_role_it_had() -> None:
    """One string as a device of one record, a project of another and a data value of a third:
    the device and project chains are kept apart, and a mere mention indexes nothing."""
    rng = random.Random(5)
    shared, mentioned = "x_" + "S" * 22, "d_" + "M" * 22
    records = [
        record(rng, device_id=shared, data={"seen": mentioned}),
        record(rng, project_id=shared, organization_id=mentioned),
        record(rng, device_id=shared, project_id=shared, data={"id": shared}),
        record(rng, data={"seen": mentioned}),
    ]
    log = filled(records)
    assert list(log) == records
    assert list(log.for_device(shared)) == [0, 2]
    assert list(log.for_project(shared)) == [1, 2]
    assert list(log.for_device(mentioned)) == []
    assert list(log.for_project(mentioned)) == []
    assert list(log.for_device("d_unknown")) == []
    assert list(AuditLog().for_project("p_unknown")) == []


def test_positions_index_like_a_list() -> None:
    rng = random.Random(9)
    records = [record(rng, device_id=f"d_{n}", data={"n": n}) for n in range(3)]
    log = filled(records)
    assert log[-1] == records[2]
    assert log[-3] == records[0]
    with pytest.raises(IndexError):
        log[3]
    with pytest.raises(IndexError):
        log[-4]
    with pytest.raises(IndexError):
        AuditLog()[0]


def test_data_beyond_msgpack_falls_back_to_json_and_keeps_the_chains() -> None:
    rng = random.Random(13)
    project, device = "p_" + "P" * 22, "d_" + "D" * 22
    records = [
        record(rng, project_id=project, device_id=device, data={"deviceId": device, "n": 1}),
        record(
            rng,
            project_id=project,
            device_id=device,
            data={"deviceId": device, "huge": 2**80, "nested": [{"low": -(2**70)}], "s": "é"},
        ),
        record(rng, project_id=project, device_id=device, data={"app.setting-0": 2**64 - 1}),
    ]
    log = filled(records)
    assert list(log) == records
    assert log[1].data["huge"] == 2**80
    assert log[1].data["nested"] == [{"low": -(2**70)}]
    assert list(log.for_device(device)) == [0, 1, 2]
    assert list(log.for_project(project)) == [0, 1, 2]


def test_a_record_that_cannot_be_stored_leaves_no_trace() -> None:
    rng = random.Random(17)
    device = "d_" + "D" * 22
    first = record(rng, device_id=device, data={"n": 1})
    log = filled([first])
    with pytest.raises(TypeError):
        log.append(record(rng, device_id=device, project_id="p_x", data={"bad": object()}))
    assert len(log) == 1
    second = record(rng, device_id=device, data={"n": 2})
    log.append(second)
    assert list(log) == [first, second]
    assert list(log.for_device(device)) == [0, 1]
    assert list(log.for_project("p_x")) == []


@pytest.mark.parametrize(
    ("event_id", "action_id"),
    [
        ("abcdefgh", "AbCdEfGh"),  # as long as a random part, yet whole
        (f"audit_ev_20250101-0000-{'A' * 8}", f"audit_act_20260504-0701-{'B' * 8}"),  # other minute
        (f"audit_ev_{STAMP}-AbCdEf==", f"audit_act_{STAMP}-Ab_d-fGh"),  # not base64 as such
        (f"audit_ev_{STAMP}-AbCdéfGh", f"audit_act_{STAMP}-AbCdEfG"),  # not ASCII; too short
        (f"audit_ev_{STAMP}-Ab+d/fGh", None),  # base64 beyond base58: still packs exactly
        (f"audit_ev_{STAMP}-", f"audit_act_{STAMP}-AbCdEfGhI"),
    ],
)
def test_ids_come_back_whole_whatever_their_shape(event_id: str, action_id: str | None) -> None:
    rng = random.Random(19)
    records = [record(rng, event_id=event_id, action_id=action_id), record(rng)]
    log = filled(records)
    assert list(log) == records


def test_times_come_back_exactly_in_any_order_of_reading() -> None:
    """Times before the first record, in another zone and with microseconds, read out of order
    (a remembered time must never be handed to a record of another time)."""
    rng = random.Random(23)
    later = AT + dt.timedelta(days=400, microseconds=7)
    times = [
        AT,
        AT - dt.timedelta(microseconds=1),
        later,
        AT,
        later.astimezone(dt.timezone(dt.timedelta(hours=5, minutes=30))),
        dt.datetime(1969, 12, 31, 23, 59, 59, 999_999, tzinfo=dt.UTC),
    ]
    records = [record(rng, created_at=when) for when in times]
    log = filled(records)
    for position in [1, 0, 2, 5, 1, 1, 4, 3, 0, 5]:
        assert log[position].created_at == times[position]
        assert log[position] == records[position]


def test_repeated_data_strings_are_shared_and_unique_ones_are_not_kept() -> None:
    """Property names and statuses recur, certificate ids do not: the shared strings stay few
    however many records there are, and every value still reads back as it was."""
    rng = random.Random(29)
    project = "p_" + "P" * 22
    records = []
    for index in range(2 * RECENT_LIMIT + 50):
        device = f"d_{index:022d}"
        certificate = f"d_c_{index:022d}"
        records.append(
            record(
                rng,
                project_id=project,
                device_id=device,
                data={
                    "propertyName": f"app.setting-{index % 3}",
                    "certificateId": certificate,
                    "status": "Pending",
                    "short": "Ok",
                    "peer": f"d_{index // 2:022d}",  # an id interned as another device
                },
            )
        )
    log = filled(records)
    assert list(log) == records
    # white box: the value table holds the project, the devices and the 4 recurring strings
    shared = set(log._values.strings) - {project} - {each.device_id for each in records}
    assert shared == {"app.setting-0", "app.setting-1", "app.setting-2", "Pending"}


def test_a_string_recurring_only_after_the_window_reads_back_equal() -> None:
    rng = random.Random(31)
    records = [record(rng, data={"value": f"unique-value-{n}"}) for n in range(RECENT_LIMIT + 5)]
    records += [record(rng, data={"value": "unique-value-0", "again": "unique-value-0"})]
    log = filled(records)
    assert list(log) == records


def test_own_ids_in_data_keep_their_keys_order_and_role() -> None:
    rng = random.Random(37)
    organization, repository = "org_" + "O" * 22, "repo_" + "R" * 22
    data = {
        "repositoryId": repository,
        "alias": organization,
        "organizationId": organization,
        "again": repository,
    }
    records = [
        record(rng, organization_id=organization, repository_id=repository, data=data),
        record(rng, repository_id=repository, data={"repositoryId": repository}),
        record(
            rng,
            actor=DeviceActor(device_id="d_" + "D" * 22, token_id="deployment_id_" + "K" * 22),
            device_id="d_" + "D" * 22,
            data={"deviceId": "d_" + "D" * 22, "repositoryId": repository},
        ),
    ]
    log = filled(records)
    assert list(log) == records
    assert list(log[0].data.items()) == list(data.items())
    assert log[1].organization_id is None
