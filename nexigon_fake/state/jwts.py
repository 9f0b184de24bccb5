"""Device and HTTP-proxy JWTs (SEMANTICS.md §13, D10).

HS256 with a per-hub secret drawn from the seed. Expiry is checked against the hub clock,
never the wall clock, so a frozen clock keeps tokens valid and ``advance`` expires them.
"""

from __future__ import annotations

from typing import Any

import jwt
import msgspec

from nexigon_fake.errors import MSG_PROXY_HOSTNAME_IS_HUB, InvalidError
from nexigon_fake.ids import base36_label
from nexigon_fake.state.store import Context
from nexigon_fake.wire.actor import Actor
from nexigon_fake.wire.devices import (
    IssueDeviceHttpProxyTokenAction,
    IssueDeviceHttpProxyTokenOutput,
    IssueDeviceTokenAction,
    IssueDeviceTokenOutput,
    ValidateDeviceHttpProxyTokenAction,
    ValidateDeviceHttpProxyTokenInvalid,
    ValidateDeviceHttpProxyTokenOutput,
    ValidateDeviceHttpProxyTokenSuccess,
    ValidateDeviceTokenAction,
    ValidateDeviceTokenInvalid,
    ValidateDeviceTokenOutput,
    ValidateDeviceTokenSuccess,
)

ALGORITHM = "HS256"
DEVICE_PURPOSE = "device"
PROXY_PURPOSE = "http-proxy"
DEFAULT_PORT = 80


def _issue(
    ctx: Context, device_id: str, purpose: str, valid_for: int | None, extra: dict[str, Any]
) -> str:
    store = ctx.store
    issued_at = int(store.now().timestamp())
    lifetime = store.options.token_validity_secs if valid_for is None else valid_for
    claims = {
        "sub": device_id,
        "purpose": purpose,
        "iat": issued_at,
        "exp": issued_at + lifetime,
        "jti": store.ids.raw(22),
        **extra,
    }
    return jwt.encode(claims, store.jwt_secret, algorithm=ALGORITHM)


def _decode(ctx: Context, token: str, purpose: str) -> tuple[dict[str, Any] | None, bool]:
    """(claims, expired) for a correctly signed token of this purpose, else (None, False)."""
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            ctx.store.jwt_secret,
            algorithms=[ALGORITHM],
            options={"verify_exp": False, "verify_iat": False, "verify_nbf": False},
        )
    except jwt.PyJWTError:
        return None, False
    if claims.get("purpose") != purpose or not isinstance(claims.get("sub"), str):
        return None, False
    expires = claims.get("exp")
    expired = not isinstance(expires, int) or ctx.store.now().timestamp() >= expires
    return claims, expired


def default_proxy_hostname(ctx: Context, device_id: str) -> str:
    return f"{base36_label(device_id)}.{ctx.store.options.domain}"


def issue_device_token(ctx: Context, request: IssueDeviceTokenAction) -> IssueDeviceTokenOutput:
    device = ctx.store.device(request.device_id)
    token = _issue(
        ctx, device.device_id, DEVICE_PURPOSE, request.valid_for_secs, {"claims": request.claims}
    )
    return IssueDeviceTokenOutput(jwt=token)


def validate_device_token(
    ctx: Context, request: ValidateDeviceTokenAction
) -> ValidateDeviceTokenOutput:
    """Invalid when malformed, forged, expired, of the other purpose or the device is gone."""
    claims, expired = _decode(ctx, request.jwt, DEVICE_PURPOSE)
    if claims is None or expired or claims["sub"] not in ctx.store.devices:
        return ValidateDeviceTokenInvalid()
    return ValidateDeviceTokenSuccess(device_id=claims["sub"], claims=claims.get("claims"))


def issue_http_proxy_token(
    ctx: Context, request: IssueDeviceHttpProxyTokenAction
) -> IssueDeviceHttpProxyTokenOutput:
    """A custom hostname may be any DNS name but the hub's own (D42, C42; subdomains are fine)."""
    device = ctx.store.device(request.device_id)
    if request.hostname is not None and _same_host(request.hostname, ctx.store.options.domain):
        raise InvalidError(rule=MSG_PROXY_HOSTNAME_IS_HUB, path="$.hostname")
    hostname = request.hostname or default_proxy_hostname(ctx, device.device_id)
    extra: dict[str, Any] = {
        "hostname": hostname,
        "port": DEFAULT_PORT if request.port is None else request.port,
        "issuer": _actor_claim(ctx),
    }
    if request.redirect is not None:
        extra["redirect"] = request.redirect
    token = _issue(ctx, device.device_id, PROXY_PURPOSE, request.valid_for_secs, extra)
    return IssueDeviceHttpProxyTokenOutput(jwt=token, url=f"https://{hostname}/?token={token}")


def _same_host(hostname: str, domain: str) -> bool:
    """Equal as DNS names: case-insensitive, one trailing dot (the root) ignored on each side."""
    return hostname.removesuffix(".").lower() == domain.removesuffix(".").lower()


def _actor_claim(ctx: Context) -> Any:
    return msgspec.to_builtins(ctx.actor)


def _issuer(claims: dict[str, Any]) -> Actor | None:
    """The issuing actor the token carries; absent from tokens without one (upstream: issued
    before issuer tracking), which a genuine token of this fake never is."""
    try:
        issuer: Actor = msgspec.convert(claims.get("issuer"), Actor)
    except msgspec.ValidationError:
        return None
    return issuer


def validate_http_proxy_token(
    ctx: Context, request: ValidateDeviceHttpProxyTokenAction
) -> ValidateDeviceHttpProxyTokenOutput:
    """An expired but genuine token still tells where to redirect; a forged one does not."""
    claims, expired = _decode(ctx, request.jwt, PROXY_PURPOSE)
    if claims is None:
        return ValidateDeviceHttpProxyTokenInvalid()
    redirect = claims.get("redirect")
    if expired or claims["sub"] not in ctx.store.devices:
        return ValidateDeviceHttpProxyTokenInvalid(
            redirect=redirect if isinstance(redirect, str) else None
        )
    return ValidateDeviceHttpProxyTokenSuccess(
        device_id=claims["sub"],
        issuer=_issuer(claims),
        hostname=claims.get("hostname"),
        port=claims.get("port"),
    )
