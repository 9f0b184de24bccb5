"""The contract machine without its rules: the client, the model, checked calls and aiming."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import msgspec
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine

from nexigon_fake.actions import ACTIONS
from nexigon_fake.errors.tooling import (
    MSG_CONTRACT_CALL_FAILED,
    MSG_CONTRACT_DISAGREE,
    MSG_CONTRACT_NO_FAILURE,
    MSG_CONTRACT_WRONG_FAILURE,
    MSG_CONTRACT_WRONG_TYPE,
)
from nexigon_fake.testing import strategies
from nexigon_fake.testing.clients import HubClient, failure_of
from nexigon_fake.testing.contract.model import ContractModel
from nexigon_fake.testing.contract.settings import PROBES, EntityKind, ResponseCheck
from nexigon_fake.testing.contract.shrinking import ShrinkBudget


class MachineBase(RuleBasedStateMachine):
    """What every rules mixin builds on; ``ContractMachine`` combines them."""

    make_client: ClassVar[Callable[[], HubClient]]
    _shrink_budget: ClassVar[ShrinkBudget]
    check_response: ClassVar[ResponseCheck | None] = None

    def __init__(self) -> None:
        self._shrinking().start_example()
        super().__init__()
        self.client = type(self).make_client()
        advance = getattr(self.client, "advance_clock", None)
        self.advance: Callable[[int], object] | None = advance if callable(advance) else None
        self.actor = self.call("actor_GetActor", {})["actor"]
        organization_id = getattr(self.client, "organization_id", None)
        if not isinstance(organization_id, str):
            listed = self.call("organizations_Query", {})["organizations"]
            organization_id = listed[0]["organizationId"]
        self.model = ContractModel(organization_id)
        self.seen_audit: dict[str, list[dict[str, Any]]] = {}
        self.version_floor: dict[tuple[str, str], int] = {}
        self._payloads: dict[str, st.SearchStrategy[dict[str, Any]]] = {}

    @classmethod
    def _shrinking(cls) -> ShrinkBudget:
        """The class's own budget: each bound machine counts its replays apart."""
        budget = cls.__dict__.get("_shrink_budget")
        if not isinstance(budget, ShrinkBudget):
            budget = ShrinkBudget()
            cls._shrink_budget = budget
        return budget

    def teardown(self) -> None:
        self._shrinking().end_example()
        close = getattr(self.client, "close", None)
        if callable(close):
            close()

    def supports(self, action: str) -> bool:
        """Whether the client can send ``action`` (an older SDK lacks the actions added since);
        a client without ``supports`` sends every action."""
        supports = getattr(self.client, "supports", None)
        return not callable(supports) or bool(supports(action))

    def call(self, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        """A call that must succeed; its output must match the action's wire type."""
        try:
            output = self.client.invoke(action, payload)
        except Exception as error:
            failure = failure_of(error)
            if failure is None:
                raise
            raise AssertionError(
                MSG_CONTRACT_CALL_FAILED.format(
                    action=action,
                    payload=payload,
                    kind=failure.kind,
                    status=failure.status,
                    error=error,
                )
            ) from error
        try:
            msgspec.convert(output, ACTIONS[action].output_type)
        except msgspec.ValidationError as error:
            message = MSG_CONTRACT_WRONG_TYPE.format(action=action, output=output, error=error)
            raise AssertionError(message) from None
        check = type(self).check_response
        if check is not None:
            check(action, output)
        return output

    def call_empty(self, action: str, payload: dict[str, Any]) -> None:
        """A call that must succeed with ``{}``."""
        self._call_expecting(action, payload, {}, f"the answer of {action}")

    def _call_expecting(
        self, action: str, payload: dict[str, Any], expected: Any, what: str
    ) -> None:
        """A call that must succeed with exactly the model's answer; ``what`` names it."""
        self.agree(self.call(action, payload), expected, what)

    def call_failing(self, action: str, payload: dict[str, Any], kind: str, status: int) -> None:
        """A call that must fail with this error kind and HTTP status."""
        try:
            output = self.client.invoke(action, payload)
        except Exception as error:
            failure = failure_of(error)
            if failure is None:
                raise
            got, expected = f"{failure.kind} {failure.status}", f"{kind} {status}"
            if got != expected:
                raise AssertionError(
                    MSG_CONTRACT_WRONG_FAILURE.format(
                        action=action, payload=payload, got=got, expected=expected
                    )
                ) from None
            return
        raise AssertionError(
            MSG_CONTRACT_NO_FAILURE.format(
                action=action, payload=payload, output=output, kind=kind, status=status
            )
        )

    @staticmethod
    def agree(observed: Any, expected: Any, what: str) -> None:
        """The client's answer must be the model's; the message says which invariant broke."""
        if observed != expected:
            raise AssertionError(
                MSG_CONTRACT_DISAGREE.format(what=what, client=observed, model=expected)
            )

    def without_unmodelled(self, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Device-listing items without the fields the client cannot see (the client's
        ``unmodelled_listing_fields``: an older SDK drops fields it has no model for)."""
        hidden: frozenset[str] = getattr(self.client, "unmodelled_listing_fields", frozenset())
        return [{k: v for k, v in item.items() if k not in hidden} for item in items]

    def payload(self, data: st.DataObject, action: str) -> dict[str, Any]:
        """A valid payload of ``action`` from the shared strategies, ids from the model."""
        strategy = self._payloads.get(action)
        if strategy is None:
            strategy = strategies.action_input(action, ids=self.model.known_ids)
            self._payloads[action] = strategy
        return data.draw(strategy, label=action)

    @staticmethod
    def pick(data: st.DataObject, items: Any, label: str) -> Any:
        return data.draw(st.sampled_from(list(items)), label=label)

    def _payload_for(self, data: st.DataObject, action: str, kind: EntityKind) -> dict[str, Any]:
        """A valid payload of ``action`` naming a live entity of ``kind`` for certain: the
        strategies' ids may be fresh ones that name nothing."""
        payload = self.payload(data, action)
        payload[kind.field] = self.pick(data, kind.live(self.model), kind.label)
        return payload

    def _edit(self, data: st.DataObject, action: str, kind: EntityKind) -> dict[str, Any]:
        """``action`` on a live entity of ``kind``, which must answer ``{}``; the payload sent,
        for the model to apply."""
        payload = self._payload_for(data, action, kind)
        self.call_empty(action, payload)
        return payload

    def _delete(
        self, data: st.DataObject, action: str, kind: EntityKind, forget: Callable[[str], None]
    ) -> None:
        """Delete a live entity of ``kind``; from then on it is gone (see ``_probe``)."""
        entity_id = self.pick(data, kind.live(self.model), kind.label)
        self.call_empty(action, {kind.field: entity_id})
        forget(entity_id)
        self._probe(data, kind.tag, entity_id)

    def _refused_as_duplicate(self, action: str, payload: dict[str, Any], duplicate: bool) -> bool:
        """A duplicate (a taken fingerprint or id) must be refused as Invalid 400."""
        if duplicate:
            self.call_failing(action, payload, "Invalid", 400)
        return duplicate

    def _call_creating(self, action: str, payload: dict[str, Any], kind: EntityKind) -> str:
        """A create call, whose new id must name no other entity, live or deleted."""
        new_id: str = self.call(action, payload)[kind.field]
        known = new_id in kind.live(self.model) or new_id in self.model.deleted[kind.tag]
        assert not known, f"{action} answered the id of another {kind.label}, {new_id}"
        return new_id

    def _probe(self, data: st.DataObject, tag: str, entity_id: str) -> None:
        """An action naming the deleted entity where it checks access: Forbidden 404."""
        probes = [(action, field) for action, field in PROBES[tag] if self.supports(action)]
        action, field = self.pick(data, probes, "probe")
        payload = self.payload(data, action)
        payload[field] = entity_id
        self.call_failing(action, payload, "Forbidden", 404)

    def _version_grows(self, device_id: str, name: str, version: int) -> None:
        floor = self.version_floor.get((device_id, name), 0)
        assert version >= floor, f"version of {name} on {device_id} fell from {floor} to {version}"
        self.version_floor[(device_id, name)] = version
