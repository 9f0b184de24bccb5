"""The JSON expression language as pure functions: no hub state, no clock, no ids.

``evaluate`` / ``evaluate_condition`` compute an expression over named values, raising
``Missing`` or ``EvaluationError`` (consumers treat them differently, §III.5.4);
``apply_mutation`` computes a mutation's new whole value; ``check_definition`` enforces the
definition-time rules of D17; ``versions`` is the ``anyver`` version scheme (D29).
"""

from __future__ import annotations

from nexigon_fake.exprs.definition import check_definition
from nexigon_fake.exprs.evaluate import evaluate, evaluate_condition
from nexigon_fake.exprs.failures import NO_CURRENT, EvaluationError, Missing
from nexigon_fake.exprs.mutate import apply_mutation
from nexigon_fake.exprs.versions import (
    Requirement,
    Version,
    VersionParseError,
    parse_requirement,
    parse_version,
)

__all__ = [
    "NO_CURRENT",
    "EvaluationError",
    "Missing",
    "Requirement",
    "Version",
    "VersionParseError",
    "apply_mutation",
    "check_definition",
    "evaluate",
    "evaluate_condition",
    "parse_requirement",
    "parse_version",
]
