"""OTLP event forwarding of a project: masked headers and mask write-back (D11)."""

from __future__ import annotations

from nexigon_fake.errors import (
    MSG_OTLP_ENDPOINT_REQUIRED,
    MSG_OTLP_MASK_WITHOUT_VALUE,
    InvalidError,
)
from nexigon_fake.state.model import OtlpConfig
from nexigon_fake.state.store import Context
from nexigon_fake.wire.common import Empty
from nexigon_fake.wire.projects import (
    GetProjectOtlpConfigAction,
    GetProjectOtlpConfigOutput,
    ProjectOtlpConfig,
    SetProjectOtlpConfigAction,
)

HEADER_MASK = "********"


def get_otlp_config(
    ctx: Context, request: GetProjectOtlpConfigAction
) -> GetProjectOtlpConfigOutput:
    """Header values are masked; a never configured project reads as disabled."""
    project = ctx.store.project(request.project_id)
    config = project.otlp
    if config is None:
        return GetProjectOtlpConfigOutput(config=ProjectOtlpConfig(enabled=False, headers={}))
    return GetProjectOtlpConfigOutput(
        config=ProjectOtlpConfig(
            enabled=config.enabled,
            endpoint=config.endpoint,
            headers={name: HEADER_MASK for name in config.headers},
        )
    )


def set_otlp_config(ctx: Context, request: SetProjectOtlpConfigAction) -> Empty:
    """Full replacement; a header sent back as the mask keeps its stored value."""
    project = ctx.store.project(request.project_id)
    config = request.config
    if config.enabled and config.endpoint is None:
        raise InvalidError(MSG_OTLP_ENDPOINT_REQUIRED)
    previous = project.otlp.headers if project.otlp is not None else {}
    headers: dict[str, str] = {}
    for name, value in config.headers.items():
        if value == HEADER_MASK:
            if name not in previous:
                raise InvalidError(MSG_OTLP_MASK_WITHOUT_VALUE.format(header=name))
            headers[name] = previous[name]
        else:
            headers[name] = value
    project.otlp = OtlpConfig(enabled=config.enabled, endpoint=config.endpoint, headers=headers)
    return Empty()
