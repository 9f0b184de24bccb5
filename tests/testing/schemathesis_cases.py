"""Schemathesis against the hub's own ``/api/v1/openapi.json``, in-process over ASGI.

Run by ``test_contract_schemathesis.py`` in a pytest process of its own: importing
schemathesis patches hypothesis for the whole process (a printer that prints no failing
example, a larger buffer), which must not reach the rest of the suite. The file name keeps the
outer run from collecting it.

Every operation gets generated bodies, valid and invalid, as the instance administrator. The
checks are the issue's: no server error, and every response (200 or error) conforms to the
document. Other checks are left out on purpose: random ids name no entity, so valid input
meets 404 most of the time, and "valid data must be accepted" would only measure that.
"""

from __future__ import annotations

import os
from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from nexigon_fake import Hub, create_app

HUB = Hub()
# devices_CreateOperation's and fleet_CreateOperation's bodies hold recursive expressions
# (JsonExpr inside JsonExpr), and schemathesis' generator does not finish drawing from that
# schema; the test kit's own bounded strategies and the state tests cover those bodies instead
# (tests/state/test_operations.py, test_fleet_operations.py and the strategies tests). The
# other eight fleet_* operations are drawn here like every other action.
RECURSIVE_BODIES = "(devices|fleet)_CreateOperation$"
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", create_app(HUB)).exclude(
    path_regex=RECURSIVE_BODIES
)
EXAMPLES = int(os.environ.get("NEXIGON_SCHEMATHESIS_EXAMPLES", "10"))
# The coverage phase (every boundary of every field, deterministically) costs more than the
# CI budget allows for; the long profile runs it.
schema.config.phases.coverage.enabled = os.environ.get("NEXIGON_CONTRACT_PROFILE") == "long"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    # Schemathesis draws whole request bodies from the schema; some of ours are large by
    # design (events with JSON bodies), and that is what it should send.
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
def test_operation(case: schemathesis.Case[Any]) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {HUB.admin_token}"}, checks=CHECKS)
