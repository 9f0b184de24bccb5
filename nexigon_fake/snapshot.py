"""The documented path of ``nexigon_fake.toolkit.snapshot``, kept for existing imports."""

from nexigon_fake.toolkit.snapshot import Baseline, Restored, decode, restore
from nexigon_fake.toolkit.snapshot_format import Snapshot

__all__ = ["Baseline", "Restored", "Snapshot", "decode", "restore"]
