"""Rules of devices, their certificates and device tokens: what a device is and holds."""

from __future__ import annotations

from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule

from nexigon_fake.testing.contract.base import MachineBase
from nexigon_fake.testing.contract.records import IssuedToken
from nexigon_fake.testing.contract.settings import CERTIFICATE, DEVICE, MAX_DEVICES, PROJECT


class DeviceRules(MachineBase):
    """Create, rename and delete devices; add and judge certificates; issue and validate tokens."""

    @precondition(lambda self: self.model.projects and len(self.model.devices) < MAX_DEVICES)
    @rule(data=st.data())
    def create_device(self, data: st.DataObject) -> None:
        payload = self._payload_for(data, "devices_Create", PROJECT)
        project_id = payload["projectId"]
        used = [device.fingerprint for device in self.model.devices.values()]
        if len(used) > 0 and data.draw(st.booleans(), label="reuse a fingerprint"):
            payload["fingerprint"] = self.pick(data, used, "fingerprint")
        taken = self.model.fingerprint_taken(project_id, payload["fingerprint"])
        if self._refused_as_duplicate("devices_Create", payload, taken):
            return
        device_id = self._call_creating("devices_Create", payload, DEVICE)
        self.model.create_device(device_id, project_id, payload["fingerprint"])

    @precondition(lambda self: self.model.devices)
    @rule(data=st.data())
    def rename_device(self, data: st.DataObject) -> None:
        payload = self._edit(data, "devices_SetName", DEVICE)
        self.model.rename_device(payload["deviceId"], payload.get("name"))

    @precondition(lambda self: self.model.devices)
    @rule(data=st.data())
    def delete_device(self, data: st.DataObject) -> None:
        self._delete(data, "devices_Delete", DEVICE, self.model.delete_device)

    @precondition(lambda self: self.model.devices)
    @rule(data=st.data())
    def add_certificate(self, data: st.DataObject) -> None:
        payload = self._payload_for(data, "devices_AddCertificate", DEVICE)
        device_id = payload["deviceId"]
        held = [c.fingerprint for c in self.model.certificates.values()]
        if len(held) > 0 and data.draw(st.booleans(), label="reuse a certificate"):
            fingerprint = self.pick(data, held, "fingerprint")
            payload["fingerprint"] = data.draw(st.sampled_from([fingerprint, fingerprint.lower()]))
        taken = self.model.has_certificate(device_id, payload["fingerprint"])
        if self._refused_as_duplicate("devices_AddCertificate", payload, taken):
            return
        certificate_id = self._call_creating("devices_AddCertificate", payload, CERTIFICATE)
        self.model.add_certificate(
            certificate_id, device_id, payload["fingerprint"], payload.get("status")
        )

    @precondition(lambda self: self.model.certificates)
    @rule(data=st.data())
    def set_certificate_status(self, data: st.DataObject) -> None:
        payload = self._edit(data, "devices_SetCertificateStatus", CERTIFICATE)
        self.model.set_certificate_status(payload["certificateId"], payload["status"])

    @precondition(lambda self: self.model.certificates)
    @rule(data=st.data())
    def delete_certificate(self, data: st.DataObject) -> None:
        self._delete(data, "devices_DeleteCertificate", CERTIFICATE, self.model.delete_certificate)

    @precondition(lambda self: self.model.devices)
    @rule(data=st.data())
    def issue_device_token(self, data: st.DataObject) -> None:
        payload = self._payload_for(data, "devices_IssueDeviceToken", DEVICE)
        jwt = self.call("devices_IssueDeviceToken", payload)["jwt"]
        claims, valid_for = payload.get("claims"), payload.get("validForSecs")
        self.model.issue_token(jwt, payload["deviceId"], claims, valid_for)

    @precondition(lambda self: self.model.jwts)
    @rule(data=st.data())
    def validate_device_token(self, data: st.DataObject) -> None:
        token: IssuedToken = self.pick(data, self.model.jwts, "jwt")
        output = self.call("devices_ValidateDeviceToken", {"jwt": token.jwt})
        expected = self.model.token_validation(token)
        if expected is None:  # the clock is not ours: validity is unknown, the device is not
            device_id = output.get("deviceId", token.device_id)
            self.agree(device_id, token.device_id, "device of a validated token")
        else:
            self.agree(output, expected, f"validation of a token of {token.device_id}")
