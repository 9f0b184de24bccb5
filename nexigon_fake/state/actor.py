"""``actor_GetActor``: who the request acts as."""

from __future__ import annotations

from nexigon_fake.state.store import Context
from nexigon_fake.wire.actor import GetActorAction, GetActorOutput


def get_actor(ctx: Context, request: GetActorAction) -> GetActorOutput:
    return GetActorOutput(actor=ctx.actor)
