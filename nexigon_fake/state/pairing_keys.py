"""Device pairing keys of a project: create, query, revoke and the agent's redemption.

A key is 10 Crockford base32 characters drawn from the hub's seed (D31); its first six are the
public selector, unique among redeemable keys, which finds the key on redemption. Redemption
(D32) finds or creates the device with the caller's fingerprint, mints a deployment token bound
to it and marks the key used, all at once: every refusal is decided before anything changes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from nexigon_fake.clock import format_timestamp
from nexigon_fake.errors import (
    MSG_PAIRING_KEY_FORMAT,
    MSG_PAIRING_KEY_REFUSED,
    MSG_PAIRING_KEY_USED,
    ForbiddenError,
    InvalidError,
)
from nexigon_fake.state.deployment_tokens import mint_deployment_token
from nexigon_fake.state.devices import add_device
from nexigon_fake.state.model import DevicePairingKeyRecord
from nexigon_fake.state.store import Context, Store
from nexigon_fake.wire.common import Empty
from nexigon_fake.wire.pairing_keys import (
    DEFAULT_VALIDITY_SECS,
    PAIRING_KEY_LENGTH,
    CreateDevicePairingKeyAction,
    CreateDevicePairingKeyOutput,
    QueryDevicePairingKeysAction,
    QueryDevicePairingKeysItem,
    QueryDevicePairingKeysOutput,
    RedeemDevicePairingKeyAction,
    RedeemDevicePairingKeyOutput,
    RevokeDevicePairingKeyAction,
    format_pairing_key,
    normalize_pairing_key,
)


def _draw_key(store: Store, now: dt.datetime) -> str:
    """A normalized key whose selector no redeemable key holds (redrawn on a collision)."""
    while True:
        key = store.ids.crockford(PAIRING_KEY_LENGTH)
        holder = store.pairing_keys_by_selector.get(key[:6])
        if holder is None or not store.pairing_keys[holder].active_at(now):
            return key


def create_device_pairing_key(
    ctx: Context, request: CreateDevicePairingKeyAction
) -> CreateDevicePairingKeyOutput:
    """``expiresAt`` = ``createdAt`` + (``validForSecs`` or 300) (D46)."""
    store = ctx.store
    project = store.project(request.project_id)
    now = store.now()
    pairing_key_id = store.ids.flat("d_pairing")
    key = _draw_key(store, now)
    validity = DEFAULT_VALIDITY_SECS if request.valid_for_secs is None else request.valid_for_secs
    record = DevicePairingKeyRecord(
        pairing_key_id=pairing_key_id,
        project_id=project.project_id,
        key=key,
        name=request.name,
        created_at=now,
        expires_at=now + dt.timedelta(seconds=validity),
    )
    store.pairing_keys[pairing_key_id] = record
    store.pairing_keys_by_selector[record.selector] = pairing_key_id
    project.pairing_key_ids[pairing_key_id] = None
    ctx.audit(
        "projects_DevicePairingKeyCreated",
        {"projectId": project.project_id, "pairingKeyId": pairing_key_id},
        project_id=project.project_id,
    )
    return CreateDevicePairingKeyOutput(
        pairing_key_id=pairing_key_id,
        pairing_key=format_pairing_key(key),
        selector=record.selector,
        created_at=format_timestamp(record.created_at),
        expires_at=format_timestamp(record.expires_at),
    )


def _item(record: DevicePairingKeyRecord) -> QueryDevicePairingKeysItem:
    return QueryDevicePairingKeysItem(
        pairing_key_id=record.pairing_key_id,
        selector=record.selector,
        created_at=format_timestamp(record.created_at),
        expires_at=format_timestamp(record.expires_at),
        used_at=None if record.used_at is None else format_timestamp(record.used_at),
        revoked_at=None if record.revoked_at is None else format_timestamp(record.revoked_at),
        name=record.name,
        device_id=record.device_id,
        token_id=record.token_id,
    )


def query_device_pairing_keys(
    ctx: Context, request: QueryDevicePairingKeysAction
) -> QueryDevicePairingKeysOutput:
    """Every key in creation order, used, revoked and expired ones too (D30); never the key."""
    store = ctx.store
    project = store.project(request.project_id)
    keys = [_item(store.pairing_keys[i]) for i in project.pairing_key_ids]
    return QueryDevicePairingKeysOutput(pairing_keys=keys)


def _unindex(store: Store, record: DevicePairingKeyRecord) -> None:
    if store.pairing_keys_by_selector.get(record.selector) == record.pairing_key_id:
        del store.pairing_keys_by_selector[record.selector]


def revoke_device_pairing_key(ctx: Context, request: RevokeDevicePairingKeyAction) -> Empty:
    """Unused keys, expired or not, are revoked; revoking again keeps the first ``revokedAt``
    and is not audited (C25); a used key cannot be revoked (D33)."""
    store = ctx.store
    record = store.pairing_key(request.pairing_key_id)
    if record.used_at is not None:
        raise InvalidError(MSG_PAIRING_KEY_USED.format(pairing_key_id=record.pairing_key_id))
    if record.revoked_at is not None:
        return Empty()
    record.revoked_at = store.now()
    _unindex(store, record)
    ctx.audit(
        "projects_DevicePairingKeyRevoked",
        {"projectId": record.project_id, "pairingKeyId": record.pairing_key_id},
        project_id=record.project_id,
    )
    return Empty()


def _redeemable(store: Store, text: str) -> DevicePairingKeyRecord:
    """The key a redemption names, or why not: a malformed key is Invalid (after the field
    rules, D17); an unknown, expired, revoked or used one is one Forbidden, no oracle (D32)."""
    key = normalize_pairing_key(text)
    if key is None:
        raise InvalidError(rule=MSG_PAIRING_KEY_FORMAT, path="$.pairingKey")
    holder = store.pairing_keys_by_selector.get(key[:6])
    record = None if holder is None else store.pairing_keys[holder]
    if record is None or record.key != key or not record.active_at(store.now()):
        raise ForbiddenError(MSG_PAIRING_KEY_REFUSED)
    return record


def redeem_device_pairing_key(
    ctx: Context, request: RedeemDevicePairingKeyAction
) -> RedeemDevicePairingKeyOutput:
    """Anyone may redeem (the agent calls anonymously); events name the caller (C28).

    The device with this fingerprint in the key's project is reused ("created or associated")
    and named only if it has no name; otherwise a new device is created. The token is named
    after the key, auto-accepts, and is bound to the device (D32, D34).
    """
    store = ctx.store
    record = _redeemable(store, request.pairing_key)
    project = store.project(record.project_id)
    device_id = project.devices_by_fingerprint.get(request.fingerprint)
    if device_id is None:
        device = add_device(ctx, project.project_id, request.fingerprint)
    else:
        device = store.devices[device_id]
    if request.device_name is not None and device.name is None:
        device.name = request.device_name
        store.touch(device)
    token = mint_deployment_token(ctx, project, record.name, True, device.device_id)
    record.used_at = store.now()
    record.device_id = device.device_id
    record.token_id = token.token_id
    _unindex(store, record)
    data: dict[str, Any] = {
        "projectId": project.project_id,
        "pairingKeyId": record.pairing_key_id,
        "deviceId": device.device_id,
        "tokenId": token.token_id,
    }
    ctx.audit(
        "projects_DevicePairingKeyRedeemed",
        data,
        project_id=project.project_id,
        device_id=device.device_id,
    )
    return RedeemDevicePairingKeyOutput(
        project_id=project.project_id,
        device_id=device.device_id,
        token_id=token.token_id,
        token=token.secret,
    )
