"""The JSON expression language on the wire: ``JsonPath``, ``JsonExpr``, ``JsonMutation``.

Shapes as upstream ``json.sidex`` (SEMANTICS-HEAD §III.2, §III.5): ``JsonExpr`` is tagged by
``kind``, ``JsonMutation`` by ``mutation``, record payloads flattened next to the tag. msgspec
needs one class per tag, so every kind has its own Struct; kinds that share an upstream
payload record (``JsonBinaryExpr``, ``JsonVariadicExpr``, ``JsonUnaryExpr``) share a base class
carrying its fields, which the evaluator dispatches on. Definition-time rules that are not
field rules (operand counts, path length, nesting, requirement syntax; D17) live in
``nexigon_fake.exprs``.
"""

from __future__ import annotations

from typing import Annotated, TypeAlias

import msgspec

from nexigon_fake.ids import END
from nexigon_fake.wire.common import JsonValue, WireStruct, length_rule

MSG_PATH_KEY_LENGTH = "JSON path key segment must be at most 256 characters."
MSG_PATH_INDEX_RANGE = "JSON path index segment must be between 0 and 4294967295."
MSG_NAMED_VALUE_LENGTH = "Named value identifier must be between 1 and 256 characters."
MSG_NAMED_VALUE_FORMAT = (
    "Named value identifier must start with a letter or digit and contain only letters, "
    "digits, dots, underscores, or hyphens."
)
MSG_REQUIREMENT_LENGTH = "Version requirement must be between 1 and 256 characters."

NAMED_VALUE_PATTERN = "^[a-zA-Z0-9][a-zA-Z0-9._-]*" + END

U32_MAX = 2**32 - 1

JsonPathKey = Annotated[str, length_rule(0, 256, MSG_PATH_KEY_LENGTH)]
JsonPathIndex = Annotated[
    int, msgspec.Meta(ge=0, le=U32_MAX, extra={"message": MSG_PATH_INDEX_RANGE})
]
# Untagged (III.2.4): a string is a member key, an unsigned 32-bit integer an array index;
# msgspec refuses booleans, floats (even 1.0), null and objects, as serde's u32 does.
JsonPathSegment: TypeAlias = JsonPathKey | JsonPathIndex
JsonPath: TypeAlias = list[JsonPathSegment]


def check_path(path: JsonPath) -> None:
    """Refuse an index outside u32 in a path built in Python (decoding checks it already)."""
    for segment in path:
        if not isinstance(segment, str) and not 0 <= segment <= U32_MAX:
            raise ValueError(MSG_PATH_INDEX_RANGE)


NamedValueName = Annotated[
    str,
    length_rule(
        1,
        256,
        MSG_NAMED_VALUE_LENGTH,
        pattern=NAMED_VALUE_PATTERN,
        rule=MSG_NAMED_VALUE_FORMAT,
    ),
]
VersionRequirementText = Annotated[str, length_rule(1, 256, MSG_REQUIREMENT_LENGTH)]


# Expressions


class JsonLiteralExpr(WireStruct, tag_field="kind", tag="Literal"):
    """A constant; ``value`` is required and may be ``null`` (III.2.2, D2)."""

    value: JsonValue


class JsonCurrentExpr(WireStruct, tag_field="kind", tag="Current"):
    """The value being mutated: the bare tag ``{"kind":"Current"}``."""


class JsonNamedValueExpr(WireStruct, tag_field="kind", tag="NamedValue"):
    name: NamedValueName
    default: JsonExpr | None = None


class JsonGetExpr(WireStruct, tag_field="kind", tag="Get"):
    expr: JsonExpr
    path: JsonPath
    default: JsonExpr | None = None

    def __post_init__(self) -> None:
        check_path(self.path)


class JsonBinaryExpr(WireStruct):
    """Upstream's binary payload; each binary kind is a subclass carrying its tag."""

    left: JsonExpr
    right: JsonExpr


class JsonEqualsExpr(JsonBinaryExpr, tag_field="kind", tag="Equals"):
    pass


class JsonNotEqualsExpr(JsonBinaryExpr, tag_field="kind", tag="NotEquals"):
    pass


class JsonLessThanExpr(JsonBinaryExpr, tag_field="kind", tag="LessThan"):
    pass


class JsonLessThanOrEqualsExpr(JsonBinaryExpr, tag_field="kind", tag="LessThanOrEquals"):
    pass


class JsonGreaterThanExpr(JsonBinaryExpr, tag_field="kind", tag="GreaterThan"):
    pass


class JsonGreaterThanOrEqualsExpr(JsonBinaryExpr, tag_field="kind", tag="GreaterThanOrEquals"):
    pass


class JsonInExpr(JsonBinaryExpr, tag_field="kind", tag="In"):
    pass


class JsonVariadicExpr(WireStruct):
    """Upstream's variadic payload (``And``/``Or``); ``exprs`` may be empty on the wire, the
    ≥ 1 rule is a definition-time check (D17)."""

    exprs: list[JsonExpr]


class JsonAndExpr(JsonVariadicExpr, tag_field="kind", tag="And"):
    pass


class JsonOrExpr(JsonVariadicExpr, tag_field="kind", tag="Or"):
    pass


class JsonUnaryExpr(WireStruct):
    """Upstream's unary payload (``Not``)."""

    expr: JsonExpr


class JsonNotExpr(JsonUnaryExpr, tag_field="kind", tag="Not"):
    pass


class JsonExistsExpr(WireStruct, tag_field="kind", tag="Exists"):
    expr: JsonExpr
    path: JsonPath

    def __post_init__(self) -> None:
        check_path(self.path)


class JsonVersionRequirementExpr(WireStruct, tag_field="kind", tag="VersionRequirement"):
    expr: JsonExpr
    requirement: VersionRequirementText


JsonExpr: TypeAlias = (
    JsonLiteralExpr
    | JsonCurrentExpr
    | JsonNamedValueExpr
    | JsonGetExpr
    | JsonEqualsExpr
    | JsonNotEqualsExpr
    | JsonLessThanExpr
    | JsonLessThanOrEqualsExpr
    | JsonGreaterThanExpr
    | JsonGreaterThanOrEqualsExpr
    | JsonInExpr
    | JsonAndExpr
    | JsonOrExpr
    | JsonNotExpr
    | JsonExistsExpr
    | JsonVersionRequirementExpr
)


# Mutations


class JsonSetMutation(WireStruct, tag_field="mutation", tag="Set"):
    path: JsonPath
    expr: JsonExpr

    def __post_init__(self) -> None:
        check_path(self.path)


class JsonMergePatchMutation(WireStruct, tag_field="mutation", tag="MergePatch"):
    path: JsonPath
    expr: JsonExpr

    def __post_init__(self) -> None:
        check_path(self.path)


class JsonRemoveMutation(WireStruct, tag_field="mutation", tag="Remove"):
    path: JsonPath

    def __post_init__(self) -> None:
        check_path(self.path)


JsonMutation: TypeAlias = JsonSetMutation | JsonMergePatchMutation | JsonRemoveMutation
