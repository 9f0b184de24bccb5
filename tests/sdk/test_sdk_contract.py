"""The contract state machine through the official SDK: its pydantic models on the way in and
out, against a live fake (Python 3.12, like the SDK)."""

from __future__ import annotations

import httpx
from hypothesis import Phase, settings
from hypothesis.stateful import run_state_machine_as_test
from nexigon_hub_sdk import Client

from nexigon_fake.testing.clients import FakeSdkClient
from nexigon_fake.testing.contract.machine import contract_machine, contract_settings


def test_the_contract_holds_through_the_official_sdk(nexigon_server):
    def fresh_client() -> FakeSdkClient:
        httpx.post(f"{nexigon_server.url}/_fake/reset", json={}).raise_for_status()
        sdk = Client(nexigon_server.url, token=nexigon_server.admin_token)
        return FakeSdkClient(sdk, nexigon_server.url)

    # Shrinking would replay the machine over HTTP for minutes: the in-process run of the same
    # model minimizes any bug the SDK run finds.
    unshrunk = settings(contract_settings(), phases=[Phase.explicit, Phase.reuse, Phase.generate])
    run_state_machine_as_test(contract_machine(fresh_client), settings=unshrunk)
