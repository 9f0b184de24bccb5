"""README: run the contract state machine against your own client wrapper."""

import httpx
from hypothesis.stateful import run_state_machine_as_test

from nexigon_fake.stateful import contract_machine, contract_settings


class HubError(Exception):
    def __init__(self, response: httpx.Response) -> None:
        super().__init__(response.text)
        self.status, self.kind = response.status_code, response.json()["kind"]


class MyHubClient:  # stands in for your application's own wrapper of the Hub API
    def __init__(self, url: str, token: str) -> None:
        self.http = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"})

    def invoke(self, action: str, payload: dict) -> dict:
        response = self.http.post(f"/api/v1/actions/invoke/{action}", json=payload)
        if response.is_error:
            raise HubError(response)
        return response.json()

    def close(self) -> None:
        self.http.close()


def test_my_client_keeps_the_hub_contract(nexigon_server):
    def fresh_client() -> MyHubClient:  # one per example, on a fresh hub
        httpx.post(f"{nexigon_server.url}/_fake/reset").raise_for_status()
        return MyHubClient(nexigon_server.url, nexigon_server.admin_token)

    run_state_machine_as_test(contract_machine(fresh_client), settings=contract_settings())
