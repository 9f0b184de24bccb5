"""The dashboard's endpoints: pages are GETs that only read; every change is a POSTed form.

A refused form or query answers a page with the status the control plane would answer (400
for bad input) and its message; the hub is as it was. A form that worked redirects (303) back
to the page it came from, so reloading never posts twice.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import jinja2
import msgspec
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from nexigon_fake.clock import format_timestamp
from nexigon_fake.errors import (
    MSG_FLEET_NOT_FOUND,
    MSG_OPERATION_NOT_FOUND,
    MSG_UNEXPECTED_ERROR,
    ActionError,
    InvalidError,
    NotFoundError,
)
from nexigon_fake.errors.tooling import (
    MSG_UI_NO_SNAPSHOT_FILE,
    MSG_UI_NOT_A_PAGE,
    MSG_UI_TOKEN_REQUIRED,
    MSG_UI_WRONG_TOKEN,
)
from nexigon_fake.hub import Hub
from nexigon_fake.serve.dashboard import forms, journal_view, views
from nexigon_fake.serve.dashboard.access import TOKEN_COOKIE, admitted, check_origin
from nexigon_fake.serve.guard import ControlGuard

UI_PREFIX = "/_fake/ui"
HERE = Path(__file__).parent
MAX_UPLOAD_BYTES = 512 * 1024 * 1024  # what PUT /_fake/state takes
Page = Callable[[Request], Awaitable[Response]]


def _templates() -> Jinja2Templates:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        auto_reload=False,  # templates ship with the package; no stat per page
        undefined=jinja2.StrictUndefined,  # a misspelt name fails the page's test, not silently
    )
    environment.filters["pretty"] = lambda data: msgspec.json.format(
        msgspec.json.encode(data), indent=2
    ).decode()
    environment.filters["builtins"] = msgspec.to_builtins
    return Jinja2Templates(env=environment)


def _page_number(request: Request) -> int:
    raw = request.query_params.get("page", "1")
    if not raw.isdigit() or int(raw) < 1:
        raise InvalidError(MSG_UI_NOT_A_PAGE.format(value=raw))
    return int(raw)


def _base(request: Request) -> str:
    """Where the dashboard lives: the app's own root path (its Mount adds to root_path)."""
    scope = request.scope
    root: str = scope.get("app_root_path", scope.get("root_path", ""))
    return root + UI_PREFIX


def dashboard_routes(hub: Hub, guard: ControlGuard) -> list[BaseRoute]:
    """The overview at ``/`` and every page under ``/_fake/ui/``."""
    templates = _templates()

    def render(request: Request, name: str, status: int = 200, **context: Any) -> Response:
        base = _base(request)
        context.update(base=base, path=request.url.path, clock=format_timestamp(hub.clock.now()))
        return templates.TemplateResponse(request, name, context, status_code=status)

    def page(endpoint: Page, guarded: bool = True) -> Page:
        """Guarded, and answering refusals and bugs as a page (never a bare 500)."""

        async def answered(request: Request) -> Response:
            try:
                if guarded and not admitted(guard, request):
                    return render(request, "token.html", 401, message=MSG_UI_TOKEN_REQUIRED)
                if request.method == "POST":
                    check_origin(request)
                return await endpoint(request)
            except ActionError as error:
                kind, message = error.kind, error.message
                return render(request, "error.html", error.status, kind=kind, message=message)
            except HTTPException as error:  # a form Starlette could not parse
                status = error.status_code
                return render(request, "error.html", status, kind="Invalid", message=error.detail)
            except Exception as bug:
                message = MSG_UNEXPECTED_ERROR.format(error=bug)
                return render(request, "error.html", 500, kind="Internal", message=message)

        return answered

    def back(request: Request, form: Any) -> Response:
        """303 to the dashboard page the form names, else to the overview (no open redirect)."""
        base = _base(request)
        target = form.get("next")
        if not isinstance(target, str) or not (target == "/" or target.startswith(base + "/")):
            target = base + "/"
        return RedirectResponse(target, status_code=303)

    async def overview(request: Request) -> Response:
        return render(request, "overview.html", **views.overview(hub))

    async def projects(request: Request) -> Response:
        return render(request, "projects.html", projects=views.projects(hub))

    async def project(request: Request) -> Response:
        number = _page_number(request)
        data = views.project(hub, request.path_params["project_id"], number)
        return render(request, "project.html", **data)

    async def device(request: Request) -> Response:
        return render(request, "device.html", **views.device(hub, request.path_params["device_id"]))

    async def operations(request: Request) -> Response:
        found = views.operations(hub, _page_number(request))
        return render(request, "operations.html", operations=found)

    async def operation(request: Request) -> Response:
        operation_id = request.path_params["operation_id"]
        found = views.operation(hub, operation_id)
        if found is None:
            raise NotFoundError(MSG_OPERATION_NOT_FOUND.format(id=operation_id))
        return render(request, "operation.html", operation=found)

    async def rollouts(request: Request) -> Response:
        return render(request, "rollouts.html", rollouts=views.rollouts(hub))

    async def rollout(request: Request) -> Response:
        rollout_id = request.path_params["fleet_operation_id"]
        found = views.rollout(hub, rollout_id, _page_number(request))
        if found is None:
            raise NotFoundError(MSG_FLEET_NOT_FOUND.format(id=rollout_id))
        return render(request, "rollout.html", **found)

    async def simulation(request: Request) -> Response:
        return render(request, "simulation.html", fleets=views.fleets(hub))

    async def journal(request: Request) -> Response:
        query = dict(request.query_params)
        filters = journal_view.JournalFilters.parse(query)
        found = journal_view.entries(hub, filters, _page_number(request))
        live = query.get("live") == "1"
        return render(request, "journal.html", entries=found, filters=filters, live=live)

    async def faults(request: Request) -> Response:
        return render(request, "faults.html", faults=views.faults(hub))

    async def state(request: Request) -> Response:
        if request.method == "GET":
            name = f"nexigon-fake-snapshot-seed{hub.seed}.json"
            headers = {"content-disposition": f'attachment; filename="{name}"'}
            return Response(hub.snapshot_json(), media_type="application/json", headers=headers)
        async with request.form(max_part_size=MAX_UPLOAD_BYTES) as form:
            forms.fields(form, ("snapshot",))
            upload = form.get("snapshot")
            if not isinstance(upload, UploadFile) or not upload.filename:
                raise InvalidError(MSG_UI_NO_SNAPSHOT_FILE)
            forms.restore(hub, await upload.read())
            return back(request, form)

    def posted(action: Callable[[Request, Any], None]) -> Page:
        async def endpoint(request: Request) -> Response:
            async with request.form() as form:
                action(request, form)
                return back(request, form)

        return endpoint

    async def token(request: Request) -> Response:
        async with request.form() as form:
            typed = form.get("control_token")
            if not admitted(guard, request, typed if isinstance(typed, str) else None):
                return render(request, "token.html", 401, message=MSG_UI_WRONG_TOKEN)
            response = back(request, form)
        if isinstance(typed, str) and guard.token is not None:
            response.set_cookie(TOKEN_COOKIE, typed, httponly=True, samesite="strict")
        return response

    def certificate(request: Request, form: Any) -> None:
        forms.set_certificate_status(hub, request.path_params["certificate_id"], form)

    ui: list[BaseRoute] = [
        Route("/", page(overview)),
        Route("/projects", page(projects)),
        Route("/projects/{project_id}", page(project)),
        Route("/devices/{device_id}", page(device)),
        Route("/operations", page(operations)),
        Route("/operations/{operation_id}", page(operation)),
        Route("/rollouts", page(rollouts)),
        Route("/rollouts/{fleet_operation_id}", page(rollout)),
        Route("/simulation", page(simulation)),
        Route("/journal", page(journal)),
        Route("/faults", page(faults)),
        Route("/state", page(state), methods=["GET", "POST"]),
        Route("/clock", page(posted(lambda r, f: forms.move_clock(hub, f))), methods=["POST"]),
        Route("/certificates/{certificate_id}", page(posted(certificate)), methods=["POST"]),
        Route("/faults/arm", page(posted(lambda r, f: forms.arm_fault(hub, f))), methods=["POST"]),
        Route(
            "/faults/clear", page(posted(lambda r, f: forms.clear_faults(hub, f))), methods=["POST"]
        ),
        Route("/reset", page(posted(lambda r, f: forms.reset(hub, f))), methods=["POST"]),
        Route("/token", page(token, guarded=False), methods=["POST"]),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="dashboard-static"),
    ]
    return [Route("/", page(overview)), Mount(UI_PREFIX, routes=ui)]
