"""What the dashboard tests put into a hub, through its Python API as a test would."""

from __future__ import annotations

from nexigon_fake import Hub

BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def fingerprint(n: int) -> str:
    """A well-formed secret device fingerprint (``d_sk_`` + 44 base58), distinct per ``n``."""
    digits = "".join(BASE58[(n * 7 + i * 13) % 58] for i in range(40))
    return "d_sk_" + f"{n:04d}".replace("0", "z") + digits


def certificate_fingerprint(n: int) -> str:
    """A SHA-256 certificate fingerprint: 32 upper-case hex groups joined by ``:``."""
    return ":".join(f"{(n * 31 + i * 17) % 256:02X}" for i in range(32))


def project(hub: Hub, name: str = "Fleet") -> str:
    created = hub.invoke(
        "projects_Create", {"organizationId": hub.default_organization_id, "name": name}
    )
    project_id: str = created["projectId"]
    return project_id


def device(hub: Hub, project_id: str, n: int = 1) -> str:
    created = hub.invoke("devices_Create", {"projectId": project_id, "fingerprint": fingerprint(n)})
    device_id: str = created["deviceId"]
    return device_id
