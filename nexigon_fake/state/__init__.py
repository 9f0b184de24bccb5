"""The hub's state machine: tables, one service module per namespace, no HTTP and no JSON."""
