"""The typed facade: ``hub.devices.set_property(...)`` with signatures a type checker sees.

``base`` is written by hand; the namespace modules are generated from the action table by
``python -m nexigon_fake.facade.generate`` (``spelling`` reads the wire structs' annotations).
"""
