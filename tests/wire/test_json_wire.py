"""The expression language's wire types: tags, round trips, refusals and their messages."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nexigon_fake.errors import InvalidError
from nexigon_fake.wire.common import Action, Empty
from nexigon_fake.wire.decoding import decode_body, decode_input
from nexigon_fake.wire.json import (
    JsonBinaryExpr,
    JsonCurrentExpr,
    JsonExpr,
    JsonGetExpr,
    JsonLiteralExpr,
    JsonMutation,
    JsonNamedValueExpr,
    JsonRemoveMutation,
    JsonSetMutation,
    JsonUnaryExpr,
    JsonVariadicExpr,
)


class Holder(Action[Empty]):
    """A stand-in action input that carries an expression and a mutation, as steps will."""

    when: JsonExpr | None = None
    mutation: JsonMutation | None = None


def decode(payload: dict[str, Any], *, strict: bool = False) -> Holder:
    result = decode_body(Holder, json.dumps(payload).encode(), strict=strict)
    assert isinstance(result, Holder)
    return result


def refusal(payload: dict[str, Any], *, strict: bool = False) -> tuple[str, str | None]:
    """The (rule, path) of a refused body, the same from the raw body (msgspec's one-step
    decode, then the careful path) and from the parsed object (the careful path alone)."""
    answers = set()
    with pytest.raises(InvalidError) as caught:
        decode_body(Holder, json.dumps(payload).encode(), strict=strict)
    answers.add((caught.value.rule, caught.value.path))
    with pytest.raises(InvalidError) as caught:
        decode_input(Holder, payload, strict=strict)
    answers.add((caught.value.rule, caught.value.path))
    assert len(answers) == 1, answers
    return answers.pop()


L1 = {"kind": "Literal", "value": 1}
CUR = {"kind": "Current"}
SAMPLES: dict[str, dict[str, Any]] = {
    "Literal": {"kind": "Literal", "value": [1, {"a": None}]},
    "Current": CUR,
    "NamedValue": {"kind": "NamedValue", "name": "app.version", "default": L1},
    "Get": {"kind": "Get", "expr": CUR, "path": ["a", 0], "default": L1},
    **{
        kind: {"kind": kind, "left": L1, "right": CUR}
        for kind in (
            "Equals",
            "NotEquals",
            "LessThan",
            "LessThanOrEquals",
            "GreaterThan",
            "GreaterThanOrEquals",
            "In",
        )
    },
    "And": {"kind": "And", "exprs": [L1, CUR]},
    "Or": {"kind": "Or", "exprs": [L1]},
    "Not": {"kind": "Not", "expr": CUR},
    "Exists": {"kind": "Exists", "expr": CUR, "path": []},
    "VersionRequirement": {"kind": "VersionRequirement", "expr": CUR, "requirement": ">=1"},
}
MUTATIONS: dict[str, dict[str, Any]] = {
    "Set": {"mutation": "Set", "path": ["a"], "expr": L1},
    "MergePatch": {"mutation": "MergePatch", "path": [], "expr": SAMPLES["Literal"]},
    "Remove": {"mutation": "Remove", "path": [0, "b"]},
}


def test_every_kind_has_its_own_struct() -> None:
    classes = JsonExpr.__args__
    tags = [cls.__struct_config__.tag for cls in classes]
    assert tags == list(SAMPLES)
    assert len(set(classes)) == 16
    assert all(cls.__struct_config__.tag_field == "kind" for cls in classes)
    mutations = JsonMutation.__args__
    assert [cls.__struct_config__.tag for cls in mutations] == list(MUTATIONS)
    assert all(cls.__struct_config__.tag_field == "mutation" for cls in mutations)


@pytest.mark.parametrize("kind", SAMPLES)
def test_every_kind_round_trips(kind: str) -> None:
    holder = decode({"when": SAMPLES[kind]})
    assert type(holder.when).__struct_config__.tag == kind
    assert json.loads(msgspec.json.encode(holder)) == {"when": SAMPLES[kind]}


@pytest.mark.parametrize("name", MUTATIONS)
def test_every_mutation_round_trips(name: str) -> None:
    holder = decode({"mutation": MUTATIONS[name]})
    assert json.loads(msgspec.json.encode(holder)) == {"mutation": MUTATIONS[name]}


def test_payload_records_are_shared_as_base_classes() -> None:
    assert isinstance(decode({"when": SAMPLES["LessThan"]}).when, JsonBinaryExpr)
    assert isinstance(decode({"when": SAMPLES["Or"]}).when, JsonVariadicExpr)
    assert isinstance(decode({"when": SAMPLES["Not"]}).when, JsonUnaryExpr)


def test_literal_value_is_required_and_may_be_null() -> None:
    holder = decode({"when": {"kind": "Literal", "value": None}})
    assert holder.when == JsonLiteralExpr(value=None)
    assert msgspec.json.encode(holder.when) == b'{"kind":"Literal","value":null}'
    assert refusal({"when": {"kind": "Literal"}}) == (
        "Object missing required field `value`",
        "$.when",
    )


def test_current_is_the_bare_tag() -> None:
    assert msgspec.json.encode(JsonCurrentExpr()) == b'{"kind":"Current"}'


def test_null_optionals_are_absent() -> None:
    holder = decode({"when": {"kind": "NamedValue", "name": "a", "default": None}})
    assert holder.when == JsonNamedValueExpr(name="a")
    assert msgspec.json.encode(holder.when) == b'{"kind":"NamedValue","name":"a"}'
    holder = decode({"when": {"kind": "Get", "expr": CUR, "path": [], "default": None}})
    assert isinstance(holder.when, JsonGetExpr) and holder.when.default is None


def test_unknown_and_missing_tags_are_refused() -> None:
    rule, path = refusal({"when": {"kind": "Maybe"}})
    assert "Maybe" in rule and path == "$.when.kind"
    rule, path = refusal({"when": {"value": 1}})
    assert "kind" in rule and path == "$.when"
    rule, path = refusal({"mutation": {"mutation": "Append", "path": []}})
    assert path == "$.mutation.mutation"


def test_unknown_keys_inside_expressions_are_ignored_by_a_lenient_hub() -> None:
    payload = {"when": {"kind": "Not", "expr": {"kind": "Current", "extra": 1}}}
    assert decode(payload).when is not None


# Path segments


@pytest.mark.parametrize("segment", ["", "a", "0", "x" * 256, "\U0001f600" * 256, 0, 2**32 - 1])
def test_path_segments_accepted(segment: Any) -> None:
    holder = decode({"when": {"kind": "Exists", "expr": CUR, "path": [segment]}})
    assert json.loads(msgspec.json.encode(holder))["when"]["path"] == [segment]


@pytest.mark.parametrize("segment", [True, False, 1.0, 0.5, None, {}, [0]])
def test_path_segments_of_other_types_are_refused(segment: Any) -> None:
    rule, path = refusal({"when": {"kind": "Get", "expr": CUR, "path": ["a", segment]}})
    assert rule.startswith("Expected `int | str`")
    assert path == "$.when.path[1]"


@pytest.mark.parametrize("segment", [-1, 2**32, 2**64])
def test_path_indexes_outside_u32_are_refused(segment: int) -> None:
    assert refusal({"when": {"kind": "Get", "expr": CUR, "path": [segment]}}) == (
        "JSON path index segment must be between 0 and 4294967295.",
        "$.when",
    )
    assert refusal({"mutation": {"mutation": "Remove", "path": [segment]}}) == (
        "JSON path index segment must be between 0 and 4294967295.",
        "$.mutation",
    )
    with pytest.raises(ValueError, match="JSON path index segment"):
        JsonRemoveMutation(path=[segment])


@pytest.mark.parametrize("key", ["x" * 257, "\u00e9" * 257])
def test_path_keys_are_at_most_256_code_points(key: str) -> None:
    for payload in (
        {"when": {"kind": "Exists", "expr": CUR, "path": [0, key]}},
        {"mutation": {"mutation": "Set", "path": [0, key], "expr": L1}},
    ):
        rule, path = refusal(payload)
        assert rule == "JSON path key segment must be at most 256 characters."
        assert path is not None and path.endswith(".path[1]")


# Field rules of §III.10


NAME_LENGTH = "Named value identifier must be between 1 and 256 characters."
NAME_FORMAT = (
    "Named value identifier must start with a letter or digit and contain only letters, "
    "digits, dots, underscores, or hyphens."
)


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("", NAME_LENGTH),
        ("a" * 257, NAME_LENGTH),
        ("-a", NAME_FORMAT),
        (".a", NAME_FORMAT),
        ("a b", NAME_FORMAT),
        ("a/b", NAME_FORMAT),
        ("caf\u00e9", NAME_FORMAT),
        ("a\n", NAME_FORMAT),
    ],
)
def test_named_value_identifier_rules(name: str, rule: str) -> None:
    payload = {"when": {"kind": "Not", "expr": {"kind": "NamedValue", "name": name}}}
    assert refusal(payload) == (rule, "$.when.expr.name")


@pytest.mark.parametrize("name", ["a", "0", "A.b_c-d", "a" * 256, "9-._"])
def test_named_value_identifiers_accepted(name: str) -> None:
    decode({"when": {"kind": "NamedValue", "name": name}})


def test_a_default_is_checked_like_any_expression() -> None:
    payload = {
        "when": {"kind": "NamedValue", "name": "a", "default": {"kind": "NamedValue", "name": ""}}
    }
    assert refusal(payload) == (NAME_LENGTH, "$.when.default.name")


@pytest.mark.parametrize("requirement", ["", "x" * 257])
def test_version_requirement_length(requirement: str) -> None:
    payload = {"when": {"kind": "VersionRequirement", "expr": CUR, "requirement": requirement}}
    assert refusal(payload) == (
        "Version requirement must be between 1 and 256 characters.",
        "$.when.requirement",
    )


def test_a_version_requirement_of_256_characters_passes_the_wire() -> None:
    decode({"when": {"kind": "VersionRequirement", "expr": CUR, "requirement": "1" * 256}})


def test_wire_accepts_what_only_definitions_refuse() -> None:
    # Empty operands, long paths and bad requirements are definition-time rules (D17).
    decode({"when": {"kind": "And", "exprs": []}})
    decode({"when": {"kind": "Exists", "expr": CUR, "path": list(range(40))}})
    decode({"when": {"kind": "VersionRequirement", "expr": CUR, "requirement": ">=1,"}})
    assert decode({"mutation": {"mutation": "Remove", "path": []}}).mutation == (
        JsonRemoveMutation(path=[])
    )
    assert decode({"mutation": {"mutation": "Set", "path": [], "expr": CUR}}).mutation == (
        JsonSetMutation(path=[], expr=JsonCurrentExpr())
    )


# Schemas: msgspec can describe the recursive union, and the description accepts the samples.


def test_the_json_schema_describes_the_recursive_union() -> None:
    schema = msgspec.json.schema(Holder)
    assert "JsonNotExpr" in schema["$defs"]
    validator = jsonschema.Draft202012Validator(schema)
    for sample in SAMPLES.values():
        validator.validate({"when": {"kind": "Not", "expr": sample}})
    for sample in MUTATIONS.values():
        validator.validate({"mutation": sample})
    assert not validator.is_valid({"when": {"kind": "Not", "expr": {"kind": "Maybe"}}})
    assert not validator.is_valid({"when": {"kind": "Exists", "expr": CUR, "path": [-1]}})


def test_openapi_components_can_be_built() -> None:
    (ref,), components = msgspec.json.schema_components(
        [Holder], ref_template="#/components/schemas/{name}"
    )
    assert ref == {"$ref": "#/components/schemas/Holder"}
    assert {"JsonGetExpr", "JsonSetMutation", "JsonRemoveMutation"} <= set(components)


# Round trips of arbitrary trees


_names = st.from_regex(r"[a-zA-Z0-9][a-zA-Z0-9._-]{0,5}", fullmatch=True)
_paths = st.lists(st.text(max_size=3) | st.integers(0, 2**32 - 1), max_size=3)
_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=3),
    lambda children: (
        st.lists(children, max_size=2) | st.dictionaries(st.text(max_size=2), children, max_size=2)
    ),
    max_leaves=4,
)


def _trees(children: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    optional = st.none() | children
    binary = st.sampled_from(["Equals", "NotEquals", "LessThan", "GreaterThanOrEquals", "In"])
    return st.one_of(
        st.builds(lambda n, d: {"kind": "NamedValue", "name": n, "default": d}, _names, optional),
        st.builds(
            lambda e, p, d: {"kind": "Get", "expr": e, "path": p, "default": d},
            children,
            _paths,
            optional,
        ),
        st.builds(lambda k, a, b: {"kind": k, "left": a, "right": b}, binary, children, children),
        st.builds(
            lambda k, es: {"kind": k, "exprs": es},
            st.sampled_from(["And", "Or"]),
            st.lists(children, max_size=3),
        ),
        st.builds(lambda e: {"kind": "Not", "expr": e}, children),
        st.builds(lambda e, p: {"kind": "Exists", "expr": e, "path": p}, children, _paths),
        st.builds(
            lambda e, r: {"kind": "VersionRequirement", "expr": e, "requirement": r},
            children,
            st.text(min_size=1, max_size=8),
        ),
    )


expressions = st.recursive(
    st.just(CUR) | st.builds(lambda v: {"kind": "Literal", "value": v}, _values),
    _trees,
    max_leaves=12,
)


def _without_nulls(node: Any) -> Any:
    """The canonical output: optional ``null`` members omitted (``Literal.value`` kept)."""
    if isinstance(node, dict) and "kind" in node:
        return {
            key: (value if key == "value" else _without_nulls(value))
            for key, value in node.items()
            if value is not None or key == "value"
        }
    if isinstance(node, list):
        return [_without_nulls(item) for item in node]
    return node


@given(expressions)
def test_arbitrary_trees_round_trip(tree: dict[str, Any]) -> None:
    holder = decode({"when": tree, "mutation": {"mutation": "Set", "path": [], "expr": tree}})
    encoded = msgspec.json.encode(holder)
    assert json.loads(encoded)["when"] == _without_nulls(tree)
    assert msgspec.json.decode(encoded, type=Holder) == holder
    assert msgspec.convert(json.loads(encoded), Holder) == holder
