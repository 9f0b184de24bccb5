"""The unrolled document schemathesis draws from: finite, and still every expression kind."""

from __future__ import annotations

from nexigon_fake.serve.openapi import build_openapi
from tests.testing.bounded_schema import PREFIX, bound_recursion, recursive_components

DOCUMENT = build_openapi("0+test")


def test_the_served_document_is_recursive_through_expressions():
    recursive = recursive_components(DOCUMENT["components"]["schemas"])
    assert "JsonAndExpr" in recursive and "JsonNotExpr" in recursive
    assert "JsonLiteralExpr" not in recursive


def test_bounded_document_has_no_cycle_and_keeps_the_original_names():
    bounded = bound_recursion(DOCUMENT, 2)
    schemas = bounded["components"]["schemas"]
    assert recursive_components(schemas) == set()
    assert set(DOCUMENT["components"]["schemas"]) <= set(schemas)
    assert "JsonAndExpr__depth2" in schemas and "JsonAndExpr__depth3" not in schemas


def test_the_first_level_offers_every_kind_and_the_last_only_leaves():
    schemas = bound_recursion(DOCUMENT, 2)["components"]["schemas"]
    first = {item["$ref"] for item in schemas["JsonNotExpr"]["properties"]["expr"]["anyOf"]}
    last = {item["$ref"] for item in schemas["JsonNotExpr__depth2"]["properties"]["expr"]["anyOf"]}
    assert PREFIX + "JsonAndExpr__depth2" in first and len(first) == 16
    assert last == {PREFIX + "JsonLiteralExpr", PREFIX + "JsonCurrentExpr"}
    mapping = schemas["JsonNotExpr__depth2"]["properties"]["expr"]["discriminator"]["mapping"]
    assert set(mapping) == {"Literal", "Current"}
