"""The errors an action can answer with, shaped as the Hub's ``ActionError``.

Every failure leaves the hub as ``{"kind": ..., "message": ...}`` with an HTTP status
(SEMANTICS.md D1). The tree::

    ActionError                 kind, message, status
    ├── InvalidError            kind "Invalid", 400 (404 unknown action, 405 method, 413 size)
    │   └── InvalidJsonError        the body is not acceptable JSON
    │       └── DuplicateKeyError       an object repeats a key (D2)
    ├── ForbiddenError          kind "Forbidden", 403
    │   ├── UnauthenticatedError    401: no or unknown credentials
    │   └── NotFoundError           404: the entity does not exist or is not visible
    ├── RateLimitedError        kind "RateLimited", 429
    ├── InternalError           kind "Internal", 500
    └── InjectedResponseError   an injected fault's own status, body and headers

Message templates live here so tests can assert on them. A validation error carries what it
breaks (``rule``) and where (``path``, a JSON path as msgspec writes it: ``$.events[0].severity``)
as data; its message is formatted from them here, so nobody parses a message back apart.
"""

from __future__ import annotations

from typing import ClassVar, Literal

ErrorKind = Literal["Invalid", "Forbidden", "Internal", "RateLimited"]


class ActionError(Exception):
    """An error answer of an action: the kind and message of the wire, plus its HTTP status."""

    kind: ClassVar[ErrorKind] = "Internal"
    default_status: ClassVar[int] = 500

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = self.default_status if status is None else status
        self.headers: dict[str, str] = {}  # sent with the answer (an injected fault's)

    def to_wire(self) -> dict[str, str]:
        return {"kind": self.kind, "message": self.message}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, status={self.status})"


class InvalidError(ActionError):
    """Invalid input: a message, or the ``rule`` broken at ``path`` that the message is
    formatted from (``MSG_INVALID_AT``; the rule alone without a path)."""

    kind = "Invalid"
    default_status = 400

    def __init__(
        self,
        message: str | None = None,
        *,
        rule: str | None = None,
        path: str | None = None,
        status: int | None = None,
    ) -> None:
        self.rule = rule
        self.path = path
        if message is None:
            if rule is None:
                raise TypeError("InvalidError needs a message or a rule")
            message = self._format(rule, path)
        super().__init__(message, status=status)

    def _format(self, rule: str, path: str | None) -> str:
        return rule if path is None else MSG_INVALID_AT.format(rule=rule, path=path)


class InvalidJsonError(InvalidError):
    """The body is not JSON the hub accepts: ``rule`` says why (the parser's words, e.g.
    ``NaN is not JSON``), ``path`` where, when the document parsed that far."""

    def _format(self, rule: str, path: str | None) -> str:
        return MSG_BODY_NOT_JSON.format(detail=rule)


class DuplicateKeyError(InvalidJsonError):
    """An object repeats ``key`` (D2); ``path`` is its second occurrence."""

    def __init__(self, key: str, *, path: str | None = None) -> None:
        self.key = key
        super().__init__(rule=MSG_JSON_DUPLICATE_KEY.format(key=key), path=path)

    def _format(self, rule: str, path: str | None) -> str:
        return MSG_DUPLICATE_KEY.format(key=self.key)


class ForbiddenError(ActionError):
    kind = "Forbidden"
    default_status = 403


class UnauthenticatedError(ForbiddenError):
    default_status = 401


class NotFoundError(ForbiddenError):
    default_status = 404


class RateLimitedError(ActionError):
    kind = "RateLimited"
    default_status = 429


class InternalError(ActionError):
    kind = "Internal"
    default_status = 500


class InjectedResponseError(ActionError):
    """An injected fault's own answer, not shaped by D1: its ``status`` (400 to 599), ``body``
    (JSON data, answered in place of ``to_wire()``) and ``headers``."""

    def __init__(self, message: str, *, status: int, body: object, headers: dict[str, str]) -> None:
        super().__init__(message, status=status)
        self.body = body
        self.headers = dict(headers)


# Message templates.
MSG_UNKNOWN_ACTION = "Unknown action `{action}`."
MSG_UNKNOWN_ACTION_HINT = " Did you mean `{suggestion}`?"
MSG_NOT_IMPLEMENTED = (
    "Action `{action}` exists in Nexigon Hub but is not implemented by nexigon-fake."
)
MSG_METHOD_NOT_ALLOWED = "Method {method} is not allowed; actions are invoked with POST."
MSG_METHOD_NOT_ALLOWED_ON = "Method {method} is not allowed on {path}."
MSG_NOT_FOUND_ROUTE = "No route for {method} {path}."
MSG_BODY_TOO_LARGE = "Request body exceeds the limit of {limit} bytes."
MSG_BODY_NOT_JSON = "Request body is not valid JSON: {detail}"
MSG_BODY_NOT_OBJECT = "Request body must be a JSON object, got {got}."
MSG_DUPLICATE_KEY = "Duplicate key `{key}` in JSON object."
MSG_UNKNOWN_FIELD = "Unknown field `{field}` (the hub runs in strict mode)."
MSG_INVALID_AT = "{rule} (at `{path}`)"
# The `rule` of an InvalidJsonError: what the strict JSON parser refuses (wire/decoding.py).
MSG_JSON_NOT_UTF8 = "not UTF-8"
MSG_JSON_CONSTANT = "{name} is not JSON"
MSG_JSON_OUT_OF_RANGE = "number out of range: {text}"
MSG_JSON_DUPLICATE_KEY = "duplicate key `{key}`"
MSG_UNEXPECTED_ERROR = "Unexpected error: {error!r}"
MSG_INTERNAL_BUG = "Internal error in `{action}`: {error!r}"
MSG_NO_CREDENTIALS = "Authentication required: send `Authorization: Bearer <token>`."
MSG_UNKNOWN_TOKEN = "The presented token is not known to the hub."
MSG_BAD_AUTH_HEADER = "Malformed `Authorization` header: expected `Bearer <token>`."
MSG_MISSING_FINGERPRINT = (
    "A deployment token must be accompanied by an `X-Device-Fingerprint: d_sk_...` header."
)
MSG_CERT_REQUIRED = "The hub is strict: devices must present `X-Client-Cert`."
MSG_CERT_NOT_ACTIVE = (
    "Device certificate {certificate_id} is {status}; only Active certificates may connect."
)
MSG_BAD_CLIENT_CERT = "`X-Client-Cert` is not a URL-encoded PEM certificate."
MSG_ENTITY_NOT_FOUND = "{entity} {entity_id} does not exist or is not accessible."
MSG_NOT_ALLOWED = "{actor} may not invoke `{action}`{reason}."
MSG_PROTECTED_PROPERTY = "Property `{name}` is protected; devices may read it but not modify it."
MSG_DEVICE_CANNOT_PROTECT = "Devices may not mark properties as protected."
MSG_DUPLICATE_FINGERPRINT = "A device with this fingerprint already exists in project {project_id}."
MSG_DUPLICATE_CERTIFICATE = (
    "Device {device_id} already has a certificate with fingerprint {fingerprint}."
)
MSG_CONNECTION_OTHER_DEVICE = (
    "Connection {connection_id} is already registered for device {device_id}."
)
MSG_OTLP_ENDPOINT_REQUIRED = "`config.endpoint` is required when OTLP forwarding is enabled."
MSG_OTLP_MASK_WITHOUT_VALUE = (
    "Header `{header}` was sent as the mask `********` but has no stored value to keep."
)
MSG_MEMBER_EXISTS = "User {user_id} is already a member of organization {organization_id}."
MSG_NOT_MEMBER = "User {user_id} is not a member of organization {organization_id}."
# Device pairing keys (SEMANTICS-HEAD §III.6, D31-D34, C35).
MSG_PAIRING_KEY_FORMAT = "Pairing key must be 10 characters, optionally formatted with one dash."
MSG_PAIRING_KEY_REFUSED = "Pairing key is invalid, expired, revoked, or already used."
MSG_PAIRING_KEY_USED = "Pairing key {pairing_key_id} has already been used and cannot be revoked."
MSG_TOKEN_BOUND = "Deployment token {token_id} is bound to device {device_id}."
MSG_INJECTED_FAULT = "Injected fault: `{action}` failed with {kind}."
MSG_FAULT_STATUS = "A fault of kind {kind} answers with status {allowed}, not {status}."
MSG_FAULT_STATUS_WITHOUT_KIND = "`status` needs a `kind`: a fault without one does not fail."
MSG_FAULT_BODY_WITH_KIND = (
    "Send `kind` or `body`, not both: a fault's `body` replaces the `{{kind, message}}` body."
)
MSG_FAULT_BODY_TOO_LARGE = "A fault's `body` must encode to at most {limit} bytes of JSON."
MSG_FAULT_BODY_NOT_JSON = "A fault's `body` must be JSON data: {detail}"
MSG_FAULT_HEADERS_WITHOUT_ERROR = "`headers` need a fault that fails (`kind`, `status` or `body`)."
MSG_FAULT_HEADER_NAME = (
    "Header name {name!r} is not an HTTP field name (1 to 64 of A-Z, a-z, 0-9 and !#$%&'*+-.^_`|~)."
)
MSG_FAULT_HEADER_VALUE = (
    "The value of header `{name}` must be at most 1024 printable ASCII characters (no line breaks)."
)
MSG_FAULT_HEADER_RESERVED = "Header `{name}` is set by the server and cannot be injected."
MSG_FAULT_TOO_MANY_HEADERS = "A fault takes at most {limit} headers."
MSG_INJECTED_RESPONSE = "Injected fault: `{action}` answered {status}."
MSG_FAULTS_FULL = (
    "Cannot arm another fault: {limit} are armed already (clear some with `faults.clear()`)."
)
MSG_UNFIRED = "{count} armed {what} never fired as armed:\n{lines}"

# Hooks (nexigon_fake/toolkit/hooks.py).
MSG_HOOK_NOT_CALLABLE = "A hook must be callable, not {got}."
MSG_HOOK_TIMES = "`times` must be an integer >= 1 or None (unlimited), not {got!r}."
MSG_HOOK_COMMAND = (
    "Hooks run around actions; `devices_InvokeCommand` is a device command (use a command "
    "handler instead)."
)
MSG_HOOK_RAISED = "Hook {hook} raised {error!r}."
MSG_HOOKS_FULL = (
    "Cannot add another hook: {limit} are armed already (clear some with `hooks.clear()`)."
)
MSG_HOOK_INVOKES = "invokes `{action}` with {input}"
MSG_HOOK_ASYNC = (
    "A hook must be a plain function: {name} is async, and hooks run inside the hub's lock, "
    "where nothing can be awaited."
)
MSG_LEFT_UNFIRED = (
    "nexigon(all_fired=True): the test left armed faults or hooks that never fired as armed:\n"
    "{lines}"
)
MSG_HOOK_WHEN = "`when` must be `before` or `after`, not {got!r}."

# Checked names (nexigon_fake/toolkit/action_names.py) and fixture keys.
MSG_DID_YOU_MEAN = " (did you mean `{name}`?)"
MSG_UNKNOWN_ACTION_NAME = "Unknown action `{action}`{hint}."
MSG_UNKNOWN_WHERE_FIELD = (
    "Unknown `where` field `{field}`{hint}: the input of {action} has {fields}."
)
MSG_FIXTURE_KEY = "The fixture has no {table} key `{key}`{hint}; its {table} keys are: {keys}."
MSG_FAULT_ACTION = (
    "Cannot inject a fault into `{action}`: no such action{hint} (use `*` for every action, "
    "`devices_InvokeCommand` for device commands)."
)
MSG_FAULT_NOTHING = "A fault needs a `kind` to fail with, a `latencySecs` to wait, or both."

# The control plane (nexigon_fake/serve/control.py).
MSG_CLOCK_ONE_OF = "Send exactly one of `advanceSecs` and `now`."
MSG_CLOCK_OUT_OF_RANGE = "Cannot move the clock: that instant is out of range."
MSG_CLOCK_REFUSED = "Cannot move the clock: {detail}."
MSG_UNKNOWN_QUERY_PARAMETER = "Unknown query parameter `{name}` (expected: {expected})."
MSG_REPEATED_QUERY_PARAMETER = "Query parameter `{name}` is given more than once."
MSG_FIXTURE_ONE_OF = "Send exactly one of `name` (a built-in fixture) and `document`."
MSG_NO_BUILTIN_FIXTURE = "No built-in fixture `{name}`; there are: {names}."

# Fixtures (nexigon_fake/toolkit/fixture_loader.py).
MSG_FIXTURE_NOT_JSON = "invalid JSON: {detail}"
MSG_FIXTURE_UNKNOWN_FIELD = "Object contains unknown field `{field}`"
MSG_NOT_LOADED_FIXTURE = "Not a loaded fixture: {detail}"

# Device commands (nexigon_fake/commands/invocations.py): the `error` of a `Done` frame, or why a
# registration is refused.
MSG_COMMAND_BAD_FRAME = "Invalid Invoke frame: {detail}"
MSG_MISSING_FIELD = "Object missing required field `{field}`"
MSG_COMMAND_BINARY_FRAME = "The Invoke frame must be a text frame carrying JSON, not binary."
MSG_COMMAND_OFFLINE = (
    "Device {device_id} is offline (it has no open connection), so it cannot run `{command}`."
)
MSG_COMMAND_BAD_NAME = (
    "Invalid command name {command!r}: use 1 to 128 characters out of A-Z, a-z, 0-9, `.`, `_` "
    "and `-`."
)
MSG_COMMAND_NOT_FOUND = "Command `{command}` not found on device {device_id}{hint}."
MSG_COMMAND_ONLY_IN_MANIFEST = (
    " (the device's manifest lists it, but no handler is registered: hub.devices.on_command)"
)
MSG_COMMAND_BAD_INPUT = "Command input does not satisfy its declared schema: {detail}"
MSG_COMMAND_BAD_OUTPUT = "Command output does not satisfy its declared schema: {detail}"
MSG_COMMAND_OUTPUT_NOT_JSON = "Command `{command}` returned a value that is not JSON: {detail}"
MSG_COMMAND_TIMED_OUT = "Command `{command}` timed out after {timeout_secs}s."
MSG_COMMAND_SCHEMA_AT = "{message} (at `{path}`)"
MSG_COMMAND_BAD_SCHEMA = "The {kind} schema of command `{command}` is not valid: {detail}"
MSG_COMMAND_SCHEMA_DIALECT = "only JSON Schema draft 7 is supported (as by the agent)"
MSG_COMMAND_SCHEMA_TYPE = "a JSON Schema is an object or a boolean, not {got}"
MSG_COMMAND_NOT_CALLABLE = "The handler of command `{command}` must be callable, not {got}."
MSG_COMMAND_BAD_TEXT = "`{field}` of command `{command}` must be a string, not {got}."
MSG_COMMAND_BAD_TIMEOUT = (
    "`timeout_secs` of command `{command}` must be an integer from 0 to {limit}, not {got!r}."
)
MSG_COMMAND_LOG_NOT_TEXT = "log() takes strings, not {got}."

# HEAD shapes (SEMANTICS-HEAD C6, D42, D43).
MSG_UNSIGNED_RANGE = "Expected an unsigned {bits}-bit integer (0 to {maximum})."
MSG_PROXY_HOSTNAME_IS_HUB = "Hostname must differ from the Nexigon Hub hostname."
MSG_REPOSITORY_NAME_ONE_OF = (
    "Send exactly one of `displayName` and `name` (the SDK 0.0.1 spelling of `displayName`)."
)
MSG_PROPERTY_VERSION_EXHAUSTED = (
    "Property `{name}` is at the highest version ({version}) and cannot be set again."
)
# Device operations (SEMANTICS-HEAD §III.4, D17, D20, D23-D25): validation rules, action errors
# and the free-text errors of steps and operations.
MSG_COMMAND_TIMEOUT_RANGE = "Command timeout must be between 1 second and 1 day."
MSG_TASK_TIMEOUT_RANGE = "Device task timeout must be between 1 second and 7 days."
MSG_WAIT_TIMEOUT_RANGE = "Wait timeout must be between 1 second and 7 days."
MSG_OPERATION_NEEDS_STEP = "An operation needs at least one step."
MSG_OPERATION_NOT_FOUND = "Device operation {id} does not exist or is not accessible."
MSG_CLAIM_NOT_ISSUED = (
    "Work claim {claim_id} was not issued for step {step_index} of device operation {id}."
)
MSG_CHECKPOINT_NOT_TASK = "Only device task steps can report checkpoints."
MSG_OPERATION_CANNOT_START = "Device operation {id} is {status} and cannot be started."
MSG_OPERATION_FLEET_OWNED = (
    "Device operation {id} belongs to fleet operation {fleet_operation_id} and is started by it."
)
MSG_OPERATION_ALREADY = "Device operation {id} is already {status}."
MSG_STEP_TIMED_OUT = "Step timed out after {secs}s."
MSG_REPORTED_FAILURE = "Device reported failure without an error message."
MSG_OPERATION_CANCELLED = "Operation was cancelled."
MSG_CONDITION_FAILED = "Condition failed: {detail}"
MSG_PREDICATE_FAILED = "Predicate failed: {detail}"
MSG_MUTATION_FAILED = "Mutation failed: {detail}"

# The agent's operation runner (nexigon-agent run.rs and handlers.rs): reported step errors.
MSG_AGENT_INTERRUPTED = (
    "previous command execution was interrupted after dispatch; refusing unsafe automatic replay"
)
MSG_AGENT_COMMANDS_DISABLED = "commands not enabled"
MSG_AGENT_BAD_NAME = "invalid command name"
MSG_AGENT_NOT_FOUND = "command not found"
MSG_AGENT_BAD_INPUT = "command input does not satisfy its declared schema: {detail}"
MSG_AGENT_BAD_OUTPUT = "command output does not satisfy its declared schema: {detail}"
MSG_AGENT_OUTPUT_FAILED = "command output handling failed: {detail}"
MSG_AGENT_TIMED_OUT = "command timed out after {secs}s"
# Simulated fleets (the fake's own): a handler they cannot run.
MSG_AGENT_ASYNC_UNSUPPORTED = "async command handlers are not run by simulated fleets"

# The expression language (HEAD D17, D27-D29; backticks are literal characters, C2). Step,
# selector and gate errors add their own prefixes ("Condition failed: ...").
# Evaluation: missing (D27)
MSG_NAMED_VALUE_MISSING = "Named value `{name}` is missing."
MSG_PATH_MISSING = "Path {path} does not resolve."

# Evaluation: other errors (D27, C17)
MSG_ORDERED_OPERANDS = "`{kind}` expects two numbers or two strings, got {left} and {right}."
MSG_BOOLEAN_OPERAND = "`{kind}` expects a boolean operand, got {got}."
MSG_IN_NOT_ARRAY = "`In` expects an array on the right, got {got}."
MSG_CURRENT_OUTSIDE_MUTATION = "`Current` is only valid inside a mutation."
MSG_VERSION_NOT_STRING = "`VersionRequirement` expects a string, got {got}."
MSG_VERSION_INVALID = "`{value}` is not a valid version: {detail}"
MSG_CONDITION_NOT_BOOLEAN = "Condition must evaluate to a boolean, got {got}."

# Mutations (D28)
MSG_CANNOT_ADDRESS_MEMBER = "Cannot address member `{key}` of {got}."
MSG_CANNOT_ADDRESS_INDEX = "Cannot address index {index} of {got}."
MSG_INDEX_OUT_OF_RANGE = "Index {index} is out of range (length {length})."

# Definition time (D17, D29, C5)
MSG_NEEDS_OPERAND = "`{kind}` needs at least one operand."
MSG_PATH_TOO_LONG = "JSON path must have at most 32 segments."
MSG_REMOVE_EMPTY_PATH = "A `Remove` mutation needs a non-empty path."
MSG_REQUIREMENT_INVALID = "Version requirement is not valid: {detail}"
MSG_NESTED_TOO_DEEPLY = "Expression is nested too deeply (at most 64 levels)."
# Fleet properties (SEMANTICS-HEAD D39, C2, C52) and the Python API standing in for strategies.
MSG_FLEET_PROPERTY_COMPUTED = "Property `{name}` is computed; remove it first."
MSG_FLEET_PROPERTY_MANUAL = "Property `{name}` is a manual property."
MSG_FLEET_STRATEGY_NOT_COMPUTED = "nexigon-fake does not compute strategy `{strategy}`."
MSG_FLEET_PROPERTY_NOT_COMPUTED = (
    "Project {project_id} has no computed fleet property `{name}`: define it first "
    "(`fleet_DefineComputedProperty`)."
)
MSG_FLEET_VALUE_NOT_JSON = "A computed value must be JSON data: {detail}"
# Fleet operations (SEMANTICS-HEAD §III.7, D17, D36, D37): definition rules, action errors and
# the gate summaries of a guard's status.
MSG_FLEET_NEEDS_STAGE = "A fleet operation needs at least one stage."
MSG_FLEET_CLOSE_NEEDS_INTERVAL = (
    "closeWhenConverged can only be false when enrollmentIntervalSecs is set."
)
MSG_FLEET_DEVICE_NOT_IN_PROJECT = "Device {device_id} is not a device of project {project_id}."
MSG_FLEET_NOT_FOUND = "Fleet operation {id} does not exist or is not accessible."
MSG_FLEET_CANNOT_START = "Fleet operation {id} is {status} and cannot be started."
MSG_FLEET_PAUSE_NOT_RUNNING = "Only running fleet operations can be paused."
MSG_FLEET_ALREADY = "Fleet operation {id} is already {status}."
MSG_FLEET_ADVANCE_NOT_RUNNING = "Only running fleet operations can advance."
MSG_GATE_MATCH_SUMMARY = "{matched} of {total} targets match ({percent}%, {threshold}% required)"
MSG_GATE_ONE_ERROR = "; 1 evaluation error"
MSG_GATE_ERRORS = "; {count} evaluation errors"
MSG_GATE_NOT_BEFORE = "Not before {timestamp}"

# Hardening (issue 18): the control plane off the network, connections that must not hang.
MSG_CONTROL_TOKEN_REQUIRED = (
    "The control plane requires the control token: send `X-Control-Token: <token>`."
)
MSG_NO_INVOKE_FRAME = "No Invoke frame within {secs}s."
MSG_BODY_TIMEOUT = "Request body not received within {secs}s."
