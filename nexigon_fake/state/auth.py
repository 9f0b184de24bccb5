"""Credentials to an ``Actor`` (SEMANTICS.md §3, D13, D14).

User tokens act as ``UserToken``, organization API tokens as ``OrganizationApiToken``, a
deployment token with ``X-Device-Fingerprint`` (and maybe ``X-Client-Cert``) as the device.
No credentials means ``Anonymous``; credentials the hub does not know fail with 401.
"""

from __future__ import annotations

from nexigon_fake.errors import MSG_MISSING_FINGERPRINT, MSG_UNKNOWN_TOKEN, UnauthenticatedError
from nexigon_fake.ids import is_well_formed
from nexigon_fake.state.admission import Admission
from nexigon_fake.state.store import Store
from nexigon_fake.wire.actor import Actor, AnonymousActor, OrganizationApiTokenActor, UserTokenActor
from nexigon_fake.wire.credentials import Credentials, certificate_fingerprint


def authenticate(store: Store, credentials: Credentials) -> Actor | Admission:
    """The actor the credentials name, or the device admission a deployment token asks for."""
    token = credentials.token
    if token is None:
        return AnonymousActor()
    user_token_id = store.user_tokens_by_secret.get(token)
    if user_token_id is not None:
        actor = store.token_actors.get(user_token_id)
        if actor is None:  # one actor per token, shared by every audit event it causes
            record = store.user_tokens[user_token_id]
            actor = UserTokenActor(user_id=record.user_id, token_id=record.token_id)
            store.token_actors[user_token_id] = actor
        return actor
    organization_token_id = store.organization_tokens_by_secret.get(token)
    if organization_token_id is not None:
        actor = store.token_actors.get(organization_token_id)
        if actor is None:
            organization_token = store.organization_tokens[organization_token_id]
            actor = OrganizationApiTokenActor(
                organization_id=organization_token.organization_id,
                token_id=organization_token.token_id,
            )
            store.token_actors[organization_token_id] = actor
        return actor
    deployment_token_id = store.deployment_tokens_by_secret.get(token)
    if deployment_token_id is None:
        raise UnauthenticatedError(MSG_UNKNOWN_TOKEN)
    fingerprint = credentials.device_fingerprint
    if fingerprint is None or not is_well_formed("d_sk", fingerprint.strip()):
        raise UnauthenticatedError(MSG_MISSING_FINGERPRINT)
    cert = None
    if credentials.client_cert is not None:
        cert = certificate_fingerprint(credentials.client_cert)
    return Admission(store.deployment_tokens[deployment_token_id], fingerprint.strip(), cert)
