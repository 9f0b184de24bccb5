"""What tests do to a hub besides calling it: journal, faults, snapshots, fixtures."""
