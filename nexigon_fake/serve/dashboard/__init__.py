"""The dashboard: the hub's state and history as server-rendered pages, and forms that do
what the Python API and the control plane do (issue 16). No JavaScript, no CDN: pages work
offline, and the journal updates live through a refresh the page asks for."""

from nexigon_fake.serve.dashboard.routes import UI_PREFIX, dashboard_routes

__all__ = ["UI_PREFIX", "dashboard_routes"]
