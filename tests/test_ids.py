"""The public id generators: formats the hub accepts, repeatable with a seed, unique without."""

from __future__ import annotations

import random

import pytest

from nexigon_fake import Hub, ids


def test_generated_ids_are_accepted_where_a_client_brings_its_own():
    hub = Hub()
    project = hub.invoke(
        "projects_Create", {"organizationId": hub.default_organization_id, "name": "fleet"}
    )["projectId"]
    device = hub.invoke(
        "devices_Create", {"projectId": project, "fingerprint": ids.device_fingerprint()}
    )["deviceId"]
    certificate = ids.certificate_fingerprint()
    hub.invoke("devices_AddCertificate", {"deviceId": device, "fingerprint": certificate})
    connection = {"nodeId": ids.cluster_node_id(), "connectionId": ids.connection_id()}
    hub.invoke("devices_RegisterConnection", {"deviceId": device, **connection})
    event = {
        "eventId": ids.event_id(hub.clock.now()),
        "severity": "Info",
        "body": {},
        "attributes": {},
        "emittedAt": "2026-01-01T00:00:00Z",
    }
    hub.invoke("devices_PublishEvents", {"deviceId": device, "events": [event]})
    details = hub.invoke("devices_GetDetails", {"deviceId": device})
    assert [c["fingerprint"] for c in details["certificates"]] == [certificate]
    listed = hub.invoke("devices_QueryEvents", {"deviceId": device})["events"]
    assert [e["eventId"] for e in listed] == [event["eventId"]]


def test_a_seed_repeats_and_no_seed_differs():
    for make in (ids.device_fingerprint, ids.certificate_fingerprint, ids.cluster_node_id):
        assert make(7) == make(7) != make(8)
        assert make(random.Random("x")) == make("x")
        assert len({make() for _ in range(20)}) == 20
    stream = random.Random(1)
    assert ids.connection_id(stream) != ids.connection_id(stream)


def test_every_flat_tag_and_a_clear_error_for_others():
    for tag in ids.FLAT_TAGS:
        assert ids.is_well_formed(tag, ids.flat_id(tag))
    with pytest.raises(ValueError, match="unknown id tag 'dev'"):
        ids.flat_id("dev")
