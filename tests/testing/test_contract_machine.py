"""The contract state machine against the fake: in-process, and over HTTP against a live server
with every response validated against the served OpenAPI document."""

from __future__ import annotations

import httpx
from hypothesis.stateful import run_state_machine_as_test

from nexigon_fake import Hub
from nexigon_fake.testing.clients import FakeHttpClient, InProcessClient
from nexigon_fake.testing.contract.machine import contract_machine, contract_settings
from tests.testing.contract_support import openapi_response_check, scaled, without_shrinking


def test_the_contract_holds_in_process():
    machine = contract_machine(lambda: InProcessClient(Hub()))
    run_state_machine_as_test(machine, settings=scaled(10, stateful_step_count=50))


def test_the_contract_holds_in_process_with_any_seed():
    seeds = iter(range(1, 10_000))
    machine = contract_machine(lambda: InProcessClient(Hub(seed=next(seeds))))
    run_state_machine_as_test(machine, settings=scaled(2))


def test_the_contract_holds_over_http_and_matches_the_served_openapi(nexigon_server):
    document = httpx.get(f"{nexigon_server.url}/api/v1/openapi.json").json()

    def fresh_client() -> FakeHttpClient:
        client = FakeHttpClient(nexigon_server.url, nexigon_server.admin_token)
        client.reset()
        return client

    machine = contract_machine(fresh_client, check_response=openapi_response_check(document))
    run_state_machine_as_test(machine, settings=without_shrinking(contract_settings()))
