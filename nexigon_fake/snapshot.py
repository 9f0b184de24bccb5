"""The documented path of ``nexigon_fake.toolkit.snapshot``, kept for existing imports."""

from nexigon_fake.toolkit.snapshot import Baseline, Restored, Snapshot, decode, restore

__all__ = ["Baseline", "Restored", "Snapshot", "decode", "restore"]
