"""HTTP-proxy tokens at HEAD (D42, C42): the issuer in validation; the hub host is refused."""

from __future__ import annotations

from typing import Any

import pytest

from nexigon_fake import Hub
from nexigon_fake.errors import MSG_PROXY_HOSTNAME_IS_HUB
from nexigon_fake.wire.actor import OrganizationApiTokenActor, UserTokenActor
from nexigon_fake.wire.devices import ValidateDeviceHttpProxyTokenSuccess

from .helpers import fingerprint, make_device, make_project, make_token, raises

DOMAIN = "nexigon-fake.localhost"


def issue_proxy(hub: Hub, device: str, token: str | None = None, **extra: Any) -> dict[str, Any]:
    return hub.invoke("devices_IssueHttpProxyToken", {"deviceId": device, **extra}, token)


def validate_proxy(hub: Hub, jwt: str, token: str | None = None, **kw: Any) -> dict[str, Any]:
    return hub.invoke("devices_ValidateHttpProxyToken", {"jwt": jwt}, token, **kw)


def test_issuer_is_the_administrator_token(hub: Hub) -> None:
    device = make_device(hub, make_project(hub))
    valid = validate_proxy(hub, issue_proxy(hub, device)["jwt"])
    admin = hub.invoke("actor_GetActor", {})["actor"]
    assert admin["actor"] == "UserToken"
    assert valid["issuer"] == admin


def test_issuer_is_whoever_issued_not_whoever_validates(hub: Hub) -> None:
    """An organization API token issues; a device validates and still sees the issuer."""
    project = make_project(hub)
    _, secret = make_token(hub, project, auto_accept=True)
    fp = fingerprint()
    device_actor = hub.invoke("actor_GetActor", {}, secret, device_fingerprint=fp)["actor"]
    device = device_actor["deviceId"]
    org_token = hub.create_organization_api_token(hub.default_organization_id)
    jwt = issue_proxy(hub, device, org_token)["jwt"]
    issuer = hub.invoke("actor_GetActor", {}, org_token)["actor"]
    assert issuer["actor"] == "OrganizationApiToken"
    valid = validate_proxy(hub, jwt, secret, device_fingerprint=fp)
    assert valid["issuer"] == issuer


def test_issuer_through_the_facade_is_a_typed_actor(hub: Hub) -> None:
    device = make_device(hub, make_project(hub))
    jwt = hub.devices.issue_http_proxy_token(device_id=device).jwt
    valid = hub.devices.validate_http_proxy_token(jwt=jwt)
    assert isinstance(valid, ValidateDeviceHttpProxyTokenSuccess)
    assert isinstance(valid.issuer, UserTokenActor)
    assert not isinstance(valid.issuer, OrganizationApiTokenActor)


def test_issuer_survives_a_snapshot_restore(hub: Hub) -> None:
    device = make_device(hub, make_project(hub))
    jwt = issue_proxy(hub, device)["jwt"]
    restored = Hub(seed=1)
    restored.restore(hub.snapshot_json())
    assert validate_proxy(restored, jwt)["issuer"] == validate_proxy(hub, jwt)["issuer"]


@pytest.mark.parametrize(
    "hostname", [DOMAIN, DOMAIN.upper(), DOMAIN + ".", "Nexigon-Fake.LocalHost."]
)
def test_the_hubs_own_hostname_is_refused(hub: Hub, hostname: str) -> None:
    device = make_device(hub, make_project(hub))
    before = hub.snapshot_json()
    error = raises("Invalid", 400, issue_proxy, hub, device, hostname=hostname)
    assert MSG_PROXY_HOSTNAME_IS_HUB == "Hostname must differ from the Nexigon Hub hostname."
    assert MSG_PROXY_HOSTNAME_IS_HUB in error.message
    assert "`$.hostname`" in error.message
    assert hub.snapshot_json() == before


@pytest.mark.parametrize(
    "hostname",
    ["app." + DOMAIN, "a.b." + DOMAIN, "nexigon-fake.localhost.example", "x" + DOMAIN, "app"],
)
def test_subdomains_and_other_hosts_are_allowed(hub: Hub, hostname: str) -> None:
    device = make_device(hub, make_project(hub))
    output = issue_proxy(hub, device, hostname=hostname)
    assert output["url"].startswith(f"https://{hostname}/?token=")
    assert validate_proxy(hub, output["jwt"])["hostname"] == hostname


def test_the_rule_follows_the_domain_option() -> None:
    hub = Hub(domain="Hub.Example.com.")
    device = make_device(hub, make_project(hub))
    raises("Invalid", 400, issue_proxy, hub, device, hostname="hub.example.com")
    assert issue_proxy(hub, device, hostname=DOMAIN)["jwt"]
    assert issue_proxy(hub, device, hostname="proxy.hub.example.com")["jwt"]
