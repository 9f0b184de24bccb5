"""Rules of pairing keys: create, redeem (a new or a known device), revoke, list (D31-D34)."""

from __future__ import annotations

import re

from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule

from nexigon_fake.testing.contract.base import MachineBase
from nexigon_fake.testing.contract.records import PairingKey
from nexigon_fake.testing.contract.settings import PROJECT

KEY_FORMAT = re.compile(r"[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{6}")
DEFAULT_VALIDITY_SECS = 300
REFUSED = ("Forbidden", 403)  # one answer for unknown, expired, revoked and used keys (D32)


class PairingRules(MachineBase):
    """Pairing keys, when the client can send their actions."""

    def _keys_supported(self) -> bool:
        return self.supports("projects_CreateDevicePairingKey")

    @precondition(lambda self: self.model.projects and self._keys_supported())
    @rule(data=st.data())
    def create_pairing_key(self, data: st.DataObject) -> None:
        payload = self._payload_for(data, "projects_CreateDevicePairingKey", PROJECT)
        if self.advance is None:  # real time passes: keep keys valid for the whole example
            payload["validForSecs"] = 600
        output = self.call("projects_CreateDevicePairingKey", payload)
        key = output["pairingKey"]
        assert KEY_FORMAT.fullmatch(key), f"pairing key {key!r} is not XXXX-XXXXXX (D31)"
        valid_for = payload.get("validForSecs") or DEFAULT_VALIDITY_SECS
        record = self.model.create_pairing_key(
            output["pairingKeyId"], payload["projectId"], key, payload.get("name"), valid_for
        )
        self.agree(output["selector"], record.selector, "selector: the key's first six")
        times = self.model.normalize({k: output[k] for k in ("createdAt", "expiresAt")})
        expected = {
            "createdAt": self.model.instant(record.created_at),
            "expiresAt": self.model.instant(record.expires_at),
        }
        self.agree(times, expected, "createdAt and expiresAt of a new pairing key")

    @precondition(lambda self: self.model.pairing_keys)
    @rule(data=st.data())
    def redeem_pairing_key(self, data: st.DataObject) -> None:
        record: PairingKey = self.pick(data, list(self.model.pairing_keys.values()), "key")
        payload = self.payload(data, "projects_RedeemDevicePairingKey")
        known = [d.fingerprint for d in self.model.devices.values()]
        if len(known) > 0 and data.draw(st.booleans(), label="a known fingerprint"):
            payload["fingerprint"] = self.pick(data, known, "fingerprint")
        lower = data.draw(st.booleans(), label="lower case")
        payload["pairingKey"] = record.key.lower() if lower else record.key
        fingerprint, name = payload["fingerprint"], payload.get("deviceName")
        if not record.redeemable(self.model.now):
            if self.advance is not None or record.used_at or record.revoked_at:
                self.call_failing("projects_RedeemDevicePairingKey", payload, *REFUSED)
            return
        output = self.call("projects_RedeemDevicePairingKey", payload)
        self.agree(output["projectId"], record.project_id, "project of a redeemed key")
        device_id = self.model.device_with_fingerprint(record.project_id, fingerprint)
        if device_id is None:
            device_id = output["deviceId"]
            self.model.create_device(device_id, record.project_id, fingerprint)
        self.agree(output["deviceId"], device_id, "device of a redeemed key")
        self.model.redeem_pairing_key(record, device_id, output["tokenId"], name)

    @precondition(lambda self: self.model.pairing_keys)
    @rule(data=st.data())
    def revoke_pairing_key(self, data: st.DataObject) -> None:
        record: PairingKey = self.pick(data, list(self.model.pairing_keys.values()), "key")
        payload = {"pairingKeyId": record.pairing_key_id}
        if record.used_at is not None:
            self.call_failing("projects_RevokeDevicePairingKey", payload, "Invalid", 400)
            return
        self.call_empty("projects_RevokeDevicePairingKey", payload)
        self.model.revoke_pairing_key(record)

    @precondition(lambda self: self.model.projects and self._keys_supported())
    @rule(data=st.data())
    def pairing_keys_agree(self, data: st.DataObject) -> None:
        project_id = self.pick(data, list(self.model.projects), "project")
        found = self.call("projects_QueryDevicePairingKeys", {"projectId": project_id})
        expected = self.model.project_pairing_keys(project_id)
        listed = self.model.normalize(found["pairingKeys"])
        self.agree(listed, expected, f"pairing keys of {project_id}")
