"""Device and HTTP-proxy JWTs (D10, §6.6-6.7, §6.14-6.15, §13)."""

from __future__ import annotations

import base64
import json
from typing import Any

from nexigon_fake import Hub

from .helpers import fingerprint, invoke_anonymous, make_device, make_project, make_token, raises

DOMAIN = "nexigon-fake.localhost"


def issue(hub: Hub, device: str, **extra: Any) -> str:
    return hub.invoke("devices_IssueDeviceToken", {"deviceId": device, **extra})["jwt"]


def validate(hub: Hub, jwt: str, **kw: Any) -> dict[str, Any]:
    return hub.invoke("devices_ValidateDeviceToken", {"jwt": jwt}, **kw)


def issue_proxy(hub: Hub, device: str, **extra: Any) -> dict[str, Any]:
    return hub.invoke("devices_IssueHttpProxyToken", {"deviceId": device, **extra})


def validate_proxy(hub: Hub, jwt: str, **kw: Any) -> dict[str, Any]:
    return hub.invoke("devices_ValidateHttpProxyToken", {"jwt": jwt}, **kw)


def segment(jwt: str, index: int) -> dict[str, Any]:
    part = jwt.split(".")[index]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def tamper(jwt: str, **changes: Any) -> str:
    """The same token with changed claims and the original signature."""
    header, _, signature = jwt.split(".")
    claims = {**segment(jwt, 1), **changes}
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{body}.{signature}"


def setup(hub: Hub) -> str:
    return make_device(hub, make_project(hub))


# Device tokens.


def test_device_token_validates_with_claims(hub: Hub) -> None:
    device = setup(hub)
    jwt = issue(hub, device, claims={"aud": "backend", "n": [1, 2]})
    assert validate(hub, jwt) == {
        "result": "Valid",
        "deviceId": device,
        "claims": {"aud": "backend", "n": [1, 2]},
    }


def test_device_token_without_claims_validates_with_null_claims(hub: Hub) -> None:
    device = setup(hub)
    for jwt in [issue(hub, device), issue(hub, device, claims=None)]:
        output = validate(hub, jwt)
        assert output == {"result": "Valid", "deviceId": device, "claims": None}
        assert "claims" in output


def test_device_token_is_hs256_and_carries_device_purpose_and_times(hub: Hub) -> None:
    device = setup(hub)
    jwt = issue(hub, device)
    assert segment(jwt, 0)["alg"] == "HS256"
    claims = segment(jwt, 1)
    assert device in claims.values()
    assert "device" in claims.values()
    assert claims["exp"] - claims["iat"] == 600
    assert claims["iat"] == int(hub.clock.now().timestamp())


def test_device_token_default_validity_is_600_seconds(hub: Hub) -> None:
    device = setup(hub)
    jwt = issue(hub, device)
    hub.clock.advance(599)
    assert validate(hub, jwt)["result"] == "Valid"
    hub.clock.advance(2)
    assert validate(hub, jwt) == {"result": "Invalid"}


def test_device_token_custom_validity(hub: Hub) -> None:
    device = setup(hub)
    short, long_ = issue(hub, device, validForSecs=10), issue(hub, device, validForSecs=31536000)
    hub.clock.advance(11)
    assert validate(hub, short) == {"result": "Invalid"}
    hub.clock.advance(31535980)
    assert validate(hub, long_)["result"] == "Valid"
    hub.clock.advance(20)
    assert validate(hub, long_) == {"result": "Invalid"}


def test_valid_for_secs_range(hub: Hub) -> None:
    device = setup(hub)
    for bad in [0, 31536001, -1]:
        raises("Invalid", 400, issue, hub, device, validForSecs=bad)
        raises("Invalid", 400, issue_proxy, hub, device, validForSecs=bad)
    issue(hub, device, validForSecs=1)


def test_malformed_forged_and_foreign_tokens_are_invalid(hub: Hub) -> None:
    device = setup(hub)
    jwt = issue(hub, device)
    header, body, signature = jwt.split(".")
    forged_sig = signature[:-4] + ("AAAA" if not signature.endswith("AAAA") else "BBBB")
    other = make_device(hub, make_project(hub, "other"))
    for bad in [
        "",
        "not-a-jwt",
        f"{header}.{body}",
        f"{header}.{body}.{forged_sig}",
        tamper(jwt, sub=other),
        tamper(jwt, exp=segment(jwt, 1)["exp"] + 10_000),
    ]:
        assert validate(hub, bad) == {"result": "Invalid"}
    assert validate(hub, jwt)["result"] == "Valid"


def test_token_of_another_hub_seed_is_invalid(hub: Hub) -> None:
    device = setup(hub)
    jwt = issue(hub, device)
    twin, stranger = Hub(seed=0), Hub(seed=1)
    assert setup(twin) == device  # same seed, same ids
    assert validate(twin, jwt)["result"] == "Valid"
    setup(stranger)
    assert validate(stranger, jwt) == {"result": "Invalid"}


def test_wrong_purpose_is_invalid_both_ways(hub: Hub) -> None:
    device = setup(hub)
    device_jwt = issue(hub, device)
    proxy_jwt = issue_proxy(hub, device)["jwt"]
    assert validate(hub, proxy_jwt) == {"result": "Invalid"}
    assert validate_proxy(hub, device_jwt) == {"result": "Invalid"}


def test_deleting_device_invalidates_both_token_kinds(hub: Hub) -> None:
    device = setup(hub)
    device_jwt = issue(hub, device)
    proxy_jwt = issue_proxy(hub, device)["jwt"]
    hub.invoke("devices_Delete", {"deviceId": device})
    assert validate(hub, device_jwt) == {"result": "Invalid"}
    assert validate_proxy(hub, proxy_jwt) == {"result": "Invalid"}


def test_deleting_project_invalidates_tokens_of_its_devices(hub: Hub) -> None:
    project = make_project(hub)
    device = make_device(hub, project)
    jwt = issue(hub, device)
    hub.invoke("projects_Delete", {"projectId": project})
    assert validate(hub, jwt) == {"result": "Invalid"}


def test_validation_needs_credentials_but_any_actor_will_do(hub: Hub) -> None:
    project = make_project(hub)
    device = make_device(hub, project)
    jwt = issue(hub, device)
    proxy = issue_proxy(hub, device)["jwt"]
    other_org = hub.invoke("organizations_Create", {"name": "o", "requiresSubscription": False})
    _, stranger = hub.create_user("stranger@example.com")
    org_token = hub.create_organization_api_token(other_org["organizationId"])
    for token in [stranger, org_token]:
        assert validate(hub, jwt, token=token)["result"] == "Valid"
        assert validate_proxy(hub, proxy, token=token)["result"] == "Valid"
    _, secret = make_token(hub, project)
    fp = fingerprint()
    assert validate(hub, jwt, token=secret, device_fingerprint=fp)["result"] == "Valid"
    raises("Forbidden", 401, invoke_anonymous, hub, "devices_ValidateDeviceToken", {"jwt": jwt})
    raises(
        "Forbidden", 401, invoke_anonymous, hub, "devices_ValidateHttpProxyToken", {"jwt": proxy}
    )


def test_device_issues_token_for_itself(hub: Hub) -> None:
    project = make_project(hub)
    _, secret = make_token(hub, project)
    fp = fingerprint()
    me = hub.invoke("actor_GetActor", {}, secret, device_fingerprint=fp)["actor"]["deviceId"]
    jwt = hub.invoke(
        "devices_IssueDeviceToken",
        {"deviceId": me, "claims": {"x": 1}},
        secret,
        device_fingerprint=fp,
    )["jwt"]
    assert validate(hub, jwt) == {"result": "Valid", "deviceId": me, "claims": {"x": 1}}
    other = make_device(hub, project)
    raises(
        "Forbidden",
        404,
        hub.invoke,
        "devices_IssueDeviceToken",
        {"deviceId": other},
        secret,
        device_fingerprint=fp,
    )
    raises(
        "Forbidden",
        403,
        hub.invoke,
        "devices_IssueHttpProxyToken",
        {"deviceId": me},
        secret,
        device_fingerprint=fp,
    )


# HTTP proxy tokens.


def test_proxy_token_defaults(hub: Hub) -> None:
    device = setup(hub)
    output = issue_proxy(hub, device)
    jwt, url = output["jwt"], output["url"]
    valid = validate_proxy(hub, jwt)
    hostname = valid["hostname"]
    issuer = hub.invoke("actor_GetActor", {})["actor"]
    assert valid == {
        "result": "Valid",
        "deviceId": device,
        "issuer": issuer,
        "hostname": hostname,
        "port": 80,
    }
    label, _, domain = hostname.partition(".")
    assert domain == DOMAIN
    assert 1 <= len(label) <= 63
    assert label == label.lower()
    assert url == f"https://{hostname}/?token={jwt}"
    assert segment(jwt, 0)["alg"] == "HS256"
    assert "http-proxy" in segment(jwt, 1).values()


def test_default_hostname_is_deterministic_per_device(hub: Hub) -> None:
    project = make_project(hub)
    first, second = make_device(hub, project), make_device(hub, project)
    a1 = validate_proxy(hub, issue_proxy(hub, first)["jwt"])["hostname"]
    hub.clock.advance(5)
    a2 = validate_proxy(hub, issue_proxy(hub, first)["jwt"])["hostname"]
    b = validate_proxy(hub, issue_proxy(hub, second)["jwt"])["hostname"]
    assert a1 == a2
    assert a1 != b


def test_default_hostname_follows_hub_domain(hub: Hub) -> None:
    custom = Hub(domain="hub.example.com")
    device = setup(custom)
    output = issue_proxy(custom, device)
    hostname = validate_proxy(custom, output["jwt"])["hostname"]
    assert hostname.endswith(".hub.example.com")
    assert output["url"].startswith(f"https://{hostname}/?token=")


def test_proxy_token_custom_hostname_and_port(hub: Hub) -> None:
    device = setup(hub)
    output = issue_proxy(hub, device, hostname="app.example.com", port=8080)
    assert validate_proxy(hub, output["jwt"]) == {
        "result": "Valid",
        "deviceId": device,
        "issuer": hub.invoke("actor_GetActor", {})["actor"],
        "hostname": "app.example.com",
        "port": 8080,
    }
    assert output["url"] == f"https://app.example.com/?token={output['jwt']}"


def test_proxy_token_input_rules(hub: Hub) -> None:
    device = setup(hub)
    bad_inputs: list[dict[str, Any]] = [
        {"hostname": ""},
        {"hostname": "-leading.example.com"},
        {"hostname": "under_score.example"},
        {"hostname": "a" * 254},
        {"port": 0},
        {"port": 65536},
        {"redirect": ""},
        {"redirect": "https://x/" + "a" * 2048},
    ]
    for bad in bad_inputs:
        raises("Invalid", 400, issue_proxy, hub, device, **bad)
    issue_proxy(hub, device, port=65535, hostname="a" * 253, redirect="r")


def test_proxy_token_default_validity_is_600_seconds(hub: Hub) -> None:
    device = setup(hub)
    jwt = issue_proxy(hub, device)["jwt"]
    hub.clock.advance(599)
    assert validate_proxy(hub, jwt)["result"] == "Valid"
    hub.clock.advance(2)
    assert validate_proxy(hub, jwt) == {"result": "Invalid"}


def test_expired_proxy_token_returns_its_redirect(hub: Hub) -> None:
    device = setup(hub)
    jwt = issue_proxy(hub, device, validForSecs=5, redirect="https://app.example.com/expired")[
        "jwt"
    ]
    assert validate_proxy(hub, jwt)["result"] == "Valid"
    hub.clock.advance(6)
    assert validate_proxy(hub, jwt) == {
        "result": "Invalid",
        "redirect": "https://app.example.com/expired",
    }


def test_expired_proxy_token_without_redirect_has_no_redirect(hub: Hub) -> None:
    device = setup(hub)
    jwt = issue_proxy(hub, device, validForSecs=5)["jwt"]
    hub.clock.advance(6)
    assert validate_proxy(hub, jwt) == {"result": "Invalid"}


def test_forged_proxy_token_does_not_reveal_redirect(hub: Hub) -> None:
    device = setup(hub)
    jwt = issue_proxy(hub, device, redirect="https://app.example.com/expired")["jwt"]
    forged = tamper(jwt, port=22)
    assert validate_proxy(hub, forged) == {"result": "Invalid"}
    assert validate_proxy(hub, "garbage") == {"result": "Invalid"}


def test_issuing_tokens_is_not_audited(hub: Hub) -> None:
    project = make_project(hub)
    device = make_device(hub, project)
    before = hub.invoke("projects_QueryAuditLog", {"projectId": project})["events"]
    validate(hub, issue(hub, device))
    validate_proxy(hub, issue_proxy(hub, device)["jwt"])
    assert hub.invoke("projects_QueryAuditLog", {"projectId": project})["events"] == before
