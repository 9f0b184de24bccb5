"""Interactive API docs at ``/docs`` (issue 16, item 3): Swagger UI on the served OpenAPI document.

Swagger UI's files come from the ``swagger-ui-bundle-v2`` package, so the page works offline.
The admin token is prefilled only for callers the control plane admits (``guard.py``): bound
beyond loopback, a page anyone can open must not hand out the hub's admin token.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

from nexigon_fake.hub import Hub
from nexigon_fake.serve.guard import ControlGuard

DOCS_PATH = "/docs"
INIT_PATH = "/docs/init.js"
STATIC_PATH = "/docs/static"
SECURITY_SCHEME = "bearer"  # the scheme's name in the OpenAPI document (openapi.py)
ASSETS = Path(__file__).with_name("apidocs")
SWAGGER_UI = Path(str(swagger_ui_path))

_TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(ASSETS), autoescape=True, undefined=jinja2.StrictUndefined
)


def docs_settings(
    hub: Hub, guard: ControlGuard, request: Request, openapi_path: str
) -> dict[str, str | None]:
    """What the page hands Swagger UI: the document's URL and, when admitted, the admin token."""
    return {
        "openapiUrl": request.scope.get("root_path", "") + openapi_path,
        "securityScheme": SECURITY_SCHEME,
        "adminToken": hub.admin_token if guard.admits(request.scope) else None,
    }


def docs_routes(hub: Hub, guard: ControlGuard, openapi_path: str) -> list[BaseRoute]:
    """``/docs``, its init script and Swagger UI's static files."""

    async def page(request: Request) -> Response:
        root = request.scope.get("root_path", "")
        html = _TEMPLATES.get_template("docs.html").render(
            settings=docs_settings(hub, guard, request, openapi_path),
            static=root + STATIC_PATH,
            init=root + INIT_PATH,
        )
        # The page may carry the admin token: no cache may keep it.
        return HTMLResponse(html, headers={"cache-control": "no-store"})

    async def init(request: Request) -> Response:
        return FileResponse(ASSETS / "init.js", media_type="text/javascript")

    return [
        Route(DOCS_PATH, page, methods=["GET"]),
        Route(INIT_PATH, init, methods=["GET"]),
        Mount(STATIC_PATH, StaticFiles(directory=SWAGGER_UI), name="swagger-ui"),
    ]
