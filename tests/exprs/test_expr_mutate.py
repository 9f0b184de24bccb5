"""Mutations: Set, MergePatch (RFC 7396), Remove (SEMANTICS-HEAD §III.5.5, D28, C22-C24)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from expr_builders import SAMPLES, cur, get, json_values, lit, merge, named, remove, set_
from hypothesis import given
from hypothesis import strategies as st

from nexigon_fake.exprs import EvaluationError, apply_mutation
from nexigon_fake.wire.json import JsonMutation, JsonPathSegment


def apply(mutation: JsonMutation, current: Any, names: dict[str, Any] | None = None) -> Any:
    before = copy.deepcopy(current)
    result = apply_mutation(mutation, current, names or {})
    assert current == before, "the current value must not be changed in place"
    return result


def failure(mutation: JsonMutation, current: Any) -> str:
    with pytest.raises(EvaluationError) as caught:
        apply_mutation(mutation, current, {})
    return caught.value.message


# Set


def test_set_with_the_empty_path_replaces_the_root() -> None:
    assert apply(set_([], lit([1])), {"a": 1}) == [1]
    assert apply(set_([], lit(None)), {"a": 1}) is None


def test_set_creates_missing_object_parents() -> None:
    assert apply(set_(["a", "b", "c"], lit(1)), {"x": 0}) == {"x": 0, "a": {"b": {"c": 1}}}


def test_set_turns_null_parents_into_objects() -> None:
    assert apply(set_(["a"], lit(1)), None) == {"a": 1}  # an absent property reads null (C22)
    assert apply(set_(["a", "b"], lit(1)), {"a": None}) == {"a": {"b": 1}}


def test_set_replaces_an_existing_index() -> None:
    assert apply(set_(["a", 1], lit("x")), {"a": [0, 1, 2]}) == {"a": [0, "x", 2]}
    assert apply(set_([0, "k"], lit(True)), [{"k": False}]) == [{"k": True}]


def test_set_reads_current_as_the_whole_value() -> None:
    assert apply(set_(["copy"], cur()), {"n": 1}) == {"n": 1, "copy": {"n": 1}}
    assert apply(set_(["n"], get(cur(), "n")), {"n": 1}) == {"n": 1}


@pytest.mark.parametrize("kind", ["boolean", "number", "string", "array"])
def test_set_cannot_address_a_member_of_a_non_object(kind: str) -> None:
    value = SAMPLES[kind]
    assert failure(set_(["k"], lit(1)), value) == f"Cannot address member `k` of {kind}."
    assert failure(set_(["a", "k"], lit(1)), {"a": value}) == (
        f"Cannot address member `k` of {kind}."
    )


@pytest.mark.parametrize("kind", ["null", "boolean", "number", "string", "object"])
def test_set_cannot_address_an_index_of_a_non_array(kind: str) -> None:
    value = SAMPLES[kind]
    assert failure(set_([0], lit(1)), value) == f"Cannot address index 0 of {kind}."
    assert failure(set_(["a", 3], lit(1)), {"a": value}) == f"Cannot address index 3 of {kind}."


def test_set_needs_existing_indexes() -> None:
    assert failure(set_([2], lit(1)), [0, 1]) == "Index 2 is out of range (length 2)."
    assert failure(set_(["a", 0, "b"], lit(1)), {"a": []}) == "Index 0 is out of range (length 0)."
    # A missing member does not become an array: its index cannot exist.
    assert failure(set_(["a", 0], lit(1)), {}) == "Cannot address index 0 of null."


def test_a_missing_value_in_the_expression_fails_the_mutation() -> None:
    assert failure(set_(["a"], named("gone")), {}) == "Named value `gone` is missing."
    assert failure(merge([], get(cur(), "x")), {}) == 'Path ["x"] does not resolve.'
    assert failure(set_(["a"], get(cur(), "a", "b")), {"a": 1}) == (
        'Path ["a","b"] does not resolve.'
    )


def test_names_are_available_to_the_expression() -> None:
    assert apply(set_(["v"], named("app")), {}, {"app": "1.0"}) == {"v": "1.0"}


def test_the_result_shares_nothing_with_the_expression_or_names() -> None:
    literal = {"list": [1, {"x": 1}]}
    expr = lit(literal)
    result = apply(set_(["a"], expr), {})
    result["a"]["list"][1]["x"] = 2
    assert expr.value == {"list": [1, {"x": 1}]}
    names = {"n": [1]}
    result = apply(set_([], named("n")), None, names)
    result.append(2)
    assert names == {"n": [1]}


keys = st.text(max_size=3)


@given(
    current=st.dictionaries(keys, json_values, max_size=3),
    path=st.lists(keys, min_size=1, max_size=4),
    value=json_values,
)
def test_set_then_get_reads_the_value_back(current: Any, path: list[str], value: Any) -> None:
    # Through objects only, every parent is an object, null or absent, unless the current
    # value already holds something else on the way.
    try:
        result = apply(set_(list(path), lit(value)), current)
    except EvaluationError as error:
        assert error.message.startswith("Cannot address member")
        return
    node = result
    for key in path:
        node = node[key]
    assert node == value
    assert apply(remove(*path), result) == _without(result, path)


def _without(value: Any, path: list[str]) -> Any:
    value = copy.deepcopy(value)
    node = value
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    return value


# MergePatch: RFC 7396 Appendix A, every example


RFC_7396_EXAMPLES = [
    ({"a": "b"}, {"a": "c"}, {"a": "c"}),
    ({"a": "b"}, {"b": "c"}, {"a": "b", "b": "c"}),
    ({"a": "b"}, {"a": None}, {}),
    ({"a": "b", "b": "c"}, {"a": None}, {"b": "c"}),
    ({"a": ["b"]}, {"a": "c"}, {"a": "c"}),
    ({"a": "c"}, {"a": ["b"]}, {"a": ["b"]}),
    ({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}, {"a": {"b": "d"}}),
    ({"a": [{"b": "c"}]}, {"a": [1]}, {"a": [1]}),
    (["a", "b"], ["c", "d"], ["c", "d"]),
    ({"a": "b"}, ["c"], ["c"]),
    ({"a": "foo"}, None, None),
    ({"a": "foo"}, "bar", "bar"),
    ({"e": None}, {"a": 1}, {"e": None, "a": 1}),
    ([1, 2], {"a": "b", "c": None}, {"a": "b"}),
    ({}, {"a": {"bb": {"ccc": None}}}, {"a": {"bb": {}}}),
]


@pytest.mark.parametrize(("original", "patch", "result"), RFC_7396_EXAMPLES)
def test_merge_patch_follows_rfc_7396(original: Any, patch: Any, result: Any) -> None:
    assert apply(merge([], lit(patch)), original) == result
    # The same at a path inside a bigger value.
    assert apply(merge(["p", 0], lit(patch)), {"p": [original], "q": 1}) == {
        "p": [result],
        "q": 1,
    }


def test_merge_patch_keeps_nulls_inside_arrays() -> None:
    assert apply(merge([], lit({"a": [None, {"b": None}]})), {}) == {"a": [None, {"b": None}]}


def test_merge_patch_on_a_missing_target_patches_null() -> None:
    assert apply(merge(["b"], lit({"x": None, "y": 1})), {"a": 1}) == {"a": 1, "b": {"y": 1}}
    assert apply(merge(["b", "c"], lit(5)), None) == {"b": {"c": 5}}
    assert apply(merge([], lit({"k": 1})), None) == {"k": 1}  # an absent property (C22)


def test_merge_patch_writes_like_set() -> None:
    assert failure(merge(["a", "b"], lit({})), {"a": 5}) == "Cannot address member `b` of number."
    assert failure(merge(["a", 2], lit({})), {"a": [1]}) == "Index 2 is out of range (length 1)."
    assert failure(merge([0], lit({})), {}) == "Cannot address index 0 of object."


def test_merge_patch_does_not_alias_the_patch() -> None:
    expr = lit({"a": {"b": [1]}})
    result = apply(merge([], expr), {})
    result["a"]["b"].append(2)
    assert expr.value == {"a": {"b": [1]}}


def test_merge_patch_reads_current_as_the_whole_value() -> None:
    assert apply(merge(["a"], cur()), {"a": {"x": 1}}) == {"a": {"x": 1, "a": {"x": 1}}}


# Remove


@pytest.mark.parametrize(
    ("current", "path", "result"),
    [
        ({"a": 1, "b": 2}, ["a"], {"b": 2}),
        ({"a": [1, 2, 3]}, ["a", 0], {"a": [2, 3]}),  # later elements shift left
        ({"a": {"b": {"c": 1}}}, ["a", "b", "c"], {"a": {"b": {}}}),
        ([{"k": 1}], [0, "k"], [{}]),
    ],
)
def test_remove_deletes_a_member_or_element(current: Any, path: list[Any], result: Any) -> None:
    assert apply(remove(*path), current) == result


@pytest.mark.parametrize(
    ("current", "path"),
    [
        ({"a": 1}, ["b"]),  # absent member
        ([1, 2], [2]),  # index out of range
        ([1, 2], ["0"]),  # key on an array (C23)
        ({"0": 1}, [0]),  # index on an object (C23)
        ("text", ["a"]),
        (7, [0]),
        ({"a": 1}, ["x", "y"]),  # missing parent
        ({"a": 1}, ["a", "b"]),  # non-container parent
        ({"a": None}, ["a", "b"]),
        ({"a": [1]}, ["a", 1, "c"]),
    ],
)
def test_remove_is_a_no_op_where_the_path_does_not_apply(current: Any, path: list[Any]) -> None:
    assert apply(remove(*path), current) == current


def test_remove_on_an_absent_property_yields_null() -> None:
    assert apply(remove("a"), None) is None  # C22


def test_remove_with_the_empty_path_fails_when_the_definition_was_not_checked() -> None:
    assert failure(remove(), {"a": 1}) == "A `Remove` mutation needs a non-empty path."


@given(st.lists(json_values, min_size=1, max_size=5), st.data())
def test_remove_an_element_matches_list_deletion(items: list[Any], data: st.DataObject) -> None:
    index = data.draw(st.integers(0, len(items) + 1))
    path: list[JsonPathSegment] = [index]
    expected = items[:index] + items[index + 1 :]
    assert apply(remove(*path), items) == expected
