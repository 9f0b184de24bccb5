"""Device commands as declared and as sent: the frames, the checks on a registration, schemas.

``commands.py`` runs invocations; this module holds what does not change while one runs: the
frame types of the SDK's protocol (SEMANTICS.md §1.5), how a handler's registration is checked
(as the agent checks a command definition) and JSON Schema validation (draft 7, the agent's).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import msgspec

from nexigon_fake.errors import (
    MSG_COMMAND_BAD_FRAME,
    MSG_COMMAND_BAD_NAME,
    MSG_COMMAND_BAD_SCHEMA,
    MSG_COMMAND_BAD_TEXT,
    MSG_COMMAND_BAD_TIMEOUT,
    MSG_COMMAND_BINARY_FRAME,
    MSG_COMMAND_NOT_CALLABLE,
    MSG_COMMAND_SCHEMA_AT,
    MSG_COMMAND_SCHEMA_DIALECT,
    MSG_COMMAND_SCHEMA_TYPE,
    MSG_MISSING_FIELD,
    InvalidError,
)
from nexigon_fake.wire.common import U64, JsonValue, WireStruct
from nexigon_fake.wire.decoding import decode_input, parse_json_body, require_json

DEFAULT_TIMEOUT_SECS = 30
MAX_TIMEOUT_SECS = 3600
MAX_FRAME_TIMEOUT_SECS = 2**32 - 1  # `timeoutSecs` is a u32
DRAFT_7 = ("http://json-schema.org/draft-07/schema#", "https://json-schema.org/draft-07/schema")
COMMAND_NAME = re.compile(r"[A-Za-z0-9._-]{1,128}")


class Logged:
    """What ``log(...)`` returns: the lines are kept already, yet an async handler may write
    ``await log(...)`` as well, as it would with an asynchronous logger."""

    __slots__ = ()

    def __await__(self) -> Generator[None, None, None]:
        return
        yield  # a generator that ends at once: awaiting it never suspends the handler


LOGGED = Logged()
# Returns a ``Logged``; typed loosely so handlers annotated ``log: Callable[..., None]`` fit.
LogFunction = Callable[..., Any]
CommandHandler = Callable[[Any, LogFunction], Any]


class InvokeFrame(WireStruct, tag_field="type", tag="Invoke"):
    """The one frame a caller sends (``DeviceCommandHubFrame::Invoke``)."""

    command: str
    input: JsonValue  # required, may be null (D2)
    stream_log: bool | None = None
    timeout_secs: Annotated[int, msgspec.Meta(ge=0, le=MAX_FRAME_TIMEOUT_SECS)] | None = None


class LogFrame(WireStruct, tag_field="type", tag="Log"):
    lines: list[str]


class DoneFrame(WireStruct, tag_field="type", tag="Done", kw_only=True):
    """The last frame; ``output`` and ``error`` are omitted when absent (D3)."""

    status: Literal["Ok", "Error"]
    output: JsonValue = None
    error: str | None = None
    log_tail: list[str]
    duration_ms: U64


@dataclass(frozen=True, slots=True)
class RegisteredCommand:
    """A handler and what the manifest says about it; validators are built once."""

    name: str
    handler: CommandHandler
    description: str | None
    category: str | None
    input_schema: Any
    output_schema: Any
    timeout_secs: int | None
    input_validator: Any
    output_validator: Any

    def descriptor(self) -> dict[str, Any]:
        """The manifest entry (``DeviceCommandDescriptor``), absent fields omitted."""
        entry: dict[str, Any] = {"name": self.name}
        for key, value in (
            ("description", self.description),
            ("category", self.category),
            ("input", self.input_schema),
            ("output", self.output_schema),
        ):
            if value is not None:
                entry[key] = value
        return entry


def read_frame(
    frame: str | bytes | Mapping[str, Any], device_id: str
) -> tuple[dict[str, Any] | None, str | None, bytes]:
    """(the frame's JSON object or None, why it is unusable, what the journal records)."""
    if isinstance(frame, bytes):
        return None, MSG_COMMAND_BINARY_FRAME, frame
    raw = frame.encode() if isinstance(frame, str) else b""
    try:
        if isinstance(frame, str):
            data = parse_json_body(raw)
        else:
            data = dict(frame)
            require_json(data)
    except InvalidError as error:
        detail = error.message.replace("Request body", "The frame", 1)
        return None, MSG_COMMAND_BAD_FRAME.format(detail=detail), raw
    others = {key: value for key, value in data.items() if key != "deviceId"}
    return data, None, msgspec.json.encode({"deviceId": device_id, **others})


def decode_frame(data: dict[str, Any], *, strict: bool) -> InvokeFrame:
    """The Invoke frame; its ``type`` is required (msgspec takes a lone tagged struct without)."""
    if "type" not in data:
        raise InvalidError(rule=MSG_MISSING_FIELD.format(field="type"), path="$")
    frame: InvokeFrame = decode_input(InvokeFrame, data, strict=strict)
    return frame


def timeout_for(requested: int | None, registered: RegisteredCommand | None) -> int:
    configured = None if registered is None else registered.timeout_secs
    if requested is not None:
        chosen = requested
    elif configured is not None:
        chosen = configured
    else:
        chosen = DEFAULT_TIMEOUT_SECS
    return min(chosen, MAX_TIMEOUT_SECS)


def schema_violation(validator: Any, instance: Any) -> str | None:
    """The most relevant way ``instance`` breaks the schema, with where; None when it fits."""
    if validator is None:
        return None
    from jsonschema.exceptions import best_match  # type: ignore[import-untyped]

    error = best_match(validator.iter_errors(instance))
    if error is None:
        return None
    return MSG_COMMAND_SCHEMA_AT.format(message=error.message, path=error.json_path)


def validator(schema: Any, kind: str, command: str) -> Any:
    """A draft 7 validator (the agent's dialect), or ``InvalidError`` for a bad schema."""
    if schema is None:
        return None
    # Imported here: jsonschema takes longer to import than the rest of the hub.
    from jsonschema import Draft7Validator  # type: ignore[import-untyped]
    from jsonschema.exceptions import SchemaError

    def refuse(detail: str) -> InvalidError:
        return InvalidError(
            MSG_COMMAND_BAD_SCHEMA.format(kind=kind, command=command, detail=detail)
        )

    if not isinstance(schema, dict | bool):
        raise refuse(MSG_COMMAND_SCHEMA_TYPE.format(got=type(schema).__name__))
    try:
        require_json(schema)
    except InvalidError as error:
        raise refuse(error.message) from None
    if isinstance(schema, dict) and "$schema" in schema and schema["$schema"] not in DRAFT_7:
        raise refuse(MSG_COMMAND_SCHEMA_DIALECT)
    try:
        Draft7Validator.check_schema(schema)
    except SchemaError as error:
        raise refuse(
            MSG_COMMAND_SCHEMA_AT.format(message=error.message, path=error.json_path)
        ) from None
    return Draft7Validator(schema)


def check_registration(
    name: str,
    handler: CommandHandler,
    description: str | None,
    category: str | None,
    input_schema: Any,
    output_schema: Any,
    timeout_secs: int | None,
) -> RegisteredCommand:
    """Check a registration as the agent checks a command definition."""
    if not isinstance(name, str) or not COMMAND_NAME.fullmatch(name):
        raise InvalidError(MSG_COMMAND_BAD_NAME.format(command=name))
    if not callable(handler):
        raise TypeError(MSG_COMMAND_NOT_CALLABLE.format(command=name, got=type(handler).__name__))
    for label, text in (("description", description), ("category", category)):
        if text is not None and not isinstance(text, str):
            raise TypeError(
                MSG_COMMAND_BAD_TEXT.format(field=label, command=name, got=type(text).__name__)
            )
    if timeout_secs is not None and (
        isinstance(timeout_secs, bool)
        or not isinstance(timeout_secs, int)
        or not 0 <= timeout_secs <= MAX_TIMEOUT_SECS
    ):
        raise InvalidError(
            MSG_COMMAND_BAD_TIMEOUT.format(command=name, limit=MAX_TIMEOUT_SECS, got=timeout_secs)
        )
    return RegisteredCommand(
        name=name,
        handler=handler,
        description=description,
        category=category,
        input_schema=input_schema,
        output_schema=output_schema,
        timeout_secs=timeout_secs,
        input_validator=validator(input_schema, "input", name),
        output_validator=validator(output_schema, "output", name),
    )
