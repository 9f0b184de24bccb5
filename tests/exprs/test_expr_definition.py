"""Definition-time rules of one root (D17, D29, C3, C5): messages and JSON paths."""

from __future__ import annotations

import pytest
from expr_builders import (
    and_,
    cur,
    eq,
    exists,
    get,
    lit,
    merge,
    named,
    not_,
    or_,
    remove,
    set_,
    version,
)

from nexigon_fake.errors import InvalidError
from nexigon_fake.exprs import check_definition
from nexigon_fake.wire.json import JsonExpr, JsonMutation, JsonPathSegment


def refusal(root: JsonExpr | JsonMutation, path: str = "$.steps[0].when") -> tuple[str, str]:
    with pytest.raises(InvalidError) as caught:
        check_definition(root, path)
    error = caught.value
    assert error.rule is not None and error.path is not None
    assert error.rule in error.message  # C1: the rule verbatim in the wire message
    return error.rule, error.path


def nested(depth: int) -> JsonExpr:
    """``depth`` levels: ``Not`` around ``Not`` ... around a literal."""
    expr: JsonExpr = lit(True)
    for _ in range(depth - 1):
        expr = not_(expr)
    return expr


def test_a_well_formed_root_passes() -> None:
    check_definition(and_(eq(named("a", default=lit(1)), lit(1)), version(cur(), "*")), "$.w")
    check_definition(set_(["a", 0], get(cur(), "a")), "$.m")
    check_definition(remove("a"), "$.m")


def test_current_is_accepted_at_definition() -> None:
    check_definition(cur(), "$.steps[0].when")  # an error only when evaluated (D27)


@pytest.mark.parametrize(("kind", "build"), [("And", and_), ("Or", or_)])
def test_and_or_need_an_operand(kind: str, build: type) -> None:
    assert refusal(build()) == (f"`{kind}` needs at least one operand.", "$.steps[0].when.exprs")
    assert refusal(not_(and_(lit(True), build()))) == (
        f"`{kind}` needs at least one operand.",
        "$.steps[0].when.expr.exprs[1].exprs",
    )
    assert refusal(named("a", default=build()), "$.p") == (
        f"`{kind}` needs at least one operand.",
        "$.p.default.exprs",
    )


def long_path(length: int) -> list[JsonPathSegment]:
    return [f"k{i}" if i % 2 else i for i in range(length)]


def test_paths_have_at_most_32_segments() -> None:
    message = "JSON path must have at most 32 segments."
    check_definition(get(cur(), *long_path(32)), "$.w")
    assert refusal(get(cur(), *long_path(33)), "$.w") == (message, "$.w.path")
    assert refusal(not_(exists(cur(), *long_path(40))), "$.w") == (message, "$.w.expr.path")
    assert refusal(get(lit(1), default=get(cur(), *long_path(33))), "$.w") == (
        message,
        "$.w.default.path",
    )
    for mutation in (set_(long_path(33), lit(1)), merge(long_path(33), lit(1))):
        assert refusal(mutation, "$.steps[2].mutation") == (message, "$.steps[2].mutation.path")
    assert refusal(remove(*long_path(33)), "$.m") == (message, "$.m.path")
    assert refusal(set_([], get(cur(), *long_path(33))), "$.m") == (message, "$.m.expr.path")


def test_remove_needs_a_non_empty_path() -> None:
    assert refusal(remove(), "$.steps[0].mutation") == (
        "A `Remove` mutation needs a non-empty path.",
        "$.steps[0].mutation.path",
    )
    check_definition(set_([], lit(1)), "$.m")  # Set and MergePatch may address the root
    check_definition(merge([], lit({})), "$.m")


@pytest.mark.parametrize(
    ("requirement", "detail"),
    [
        (">=1,", "version requirement contains an empty comparator"),
        (">=", "comparator is missing a version"),
        ("^1", "release components must be numeric"),
        ("  ", "version requirement must not be empty"),
    ],
)
def test_the_requirement_must_parse(requirement: str, detail: str) -> None:
    assert refusal(and_(version(named("v"), requirement)), "$.s.predicates[3]") == (
        f"Version requirement is not valid: {detail}",
        "$.s.predicates[3].exprs[0].requirement",
    )


def test_expressions_nest_at_most_64_levels() -> None:
    message = "Expression is nested too deeply (at most 64 levels)."
    check_definition(nested(64), "$.w")
    rule, path = refusal(nested(65), "$.w")
    assert rule == message
    assert path == "$.w" + ".expr" * 64  # the node at level 65


def test_a_default_is_one_level_below_its_parent() -> None:
    check_definition(named("a", default=nested(63)), "$.w")
    assert refusal(named("a", default=nested(64)), "$.w") == (
        "Expression is nested too deeply (at most 64 levels).",
        "$.w.default" + ".expr" * 63,
    )


def test_a_mutation_expr_is_a_root_of_its_own() -> None:
    check_definition(set_(["a"], nested(64)), "$.m")
    assert refusal(merge([], nested(65)), "$.m") == (
        "Expression is nested too deeply (at most 64 levels).",
        "$.m.expr" + ".expr" * 64,
    )


def test_a_very_deep_root_does_not_exhaust_the_stack() -> None:
    rule, _ = refusal(nested(5000), "$.w")
    assert rule == "Expression is nested too deeply (at most 64 levels)."


def test_rules_are_checked_in_the_table_order() -> None:
    # Nesting comes last even when the too-deep node comes first in pre-order.
    assert refusal(and_(nested(70), or_()), "$.w") == (
        "`Or` needs at least one operand.",
        "$.w.exprs[1].exprs",
    )
    # A bad requirement early in the tree loses to a long path later in it.
    assert refusal(and_(version(lit("1"), ","), get(cur(), *long_path(33))), "$.w") == (
        "JSON path must have at most 32 segments.",
        "$.w.exprs[1].path",
    )


def test_within_a_rule_the_first_node_in_pre_order_is_reported() -> None:
    assert refusal(and_(lit(True), or_(and_()), and_()), "$.w") == (
        "`And` needs at least one operand.",
        "$.w.exprs[1].exprs[0].exprs",
    )
    outer = get(get(cur(), *long_path(33)), *long_path(33))
    assert refusal(outer, "$.w") == ("JSON path must have at most 32 segments.", "$.w.path")
    fields = get(get(cur(), *long_path(33)), default=get(cur(), *long_path(33)))
    assert refusal(fields, "$.w")[1] == "$.w.expr.path"  # `expr` is declared before `default`
