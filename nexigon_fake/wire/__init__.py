"""The shapes on the wire: msgspec Structs named as upstream, one module per namespace,
plus credentials (headers -> ``Credentials``) and the one strict JSON decoder."""
