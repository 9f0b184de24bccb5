"""The OpenAPI document of the served API, generated from the action table's wire types."""

from __future__ import annotations

import functools
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import msgspec

from nexigon_fake.actions import ACTIONS
from nexigon_fake.wire.common import WireStruct

REF = "#/components/schemas/{name}"


class ActionError(WireStruct):
    """Every non-2xx answer."""

    kind: str
    message: str


def build_openapi(version: str) -> dict[str, Any]:
    specs = list(ACTIONS.values())
    types: list[Any] = [ActionError]
    for spec in specs:
        types.extend((spec.input_type, spec.output_type))
    schemas, components = msgspec.json.schema_components(types, ref_template=REF)
    error_ref = schemas[0]
    paths: dict[str, Any] = {}
    for index, spec in enumerate(specs):
        input_schema, output_schema = schemas[1 + 2 * index], schemas[2 + 2 * index]
        paths[f"/api/v1/actions/invoke/{spec.name}"] = {
            "post": {
                "operationId": spec.name,
                "tags": [spec.namespace],
                "summary": spec.name.split("_", 1)[1],
                "description": spec.summary,
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": input_schema}},
                },
                "responses": {
                    "200": {
                        "description": "The action's output.",
                        "content": {"application/json": {"schema": output_schema}},
                    },
                    "default": {
                        "description": "An ActionError.",
                        "content": {"application/json": {"schema": error_ref}},
                    },
                },
                # `{}`: also without credentials (the agent redeems a pairing key anonymously).
                "security": [{"bearer": []}, {}]
                if spec.rule.level == "anyone"
                else [{"bearer": []}],
            }
        }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Nexigon Hub API (nexigon-fake)",
            "version": version,
            "description": "The actions served by nexigon-fake, generated from its wire types.",
        },
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


def _package_version() -> str:
    try:
        return version("nexigon-fake")
    except PackageNotFoundError:
        return "0+unknown"


@functools.cache
def openapi_body() -> bytes:
    """The served document, built on first request (it takes milliseconds), so creating an
    app stays cheap."""
    return msgspec.json.encode(build_openapi(_package_version()))
