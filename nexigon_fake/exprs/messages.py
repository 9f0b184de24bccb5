"""Every message of the expression language, as templates (SEMANTICS-HEAD D17, D27-D29).

They live here rather than in ``nexigon_fake.errors`` because only this package raises them;
consumers (steps, selectors, gates) add their own prefixes ("Condition failed: ...").
Backticks are literal characters of the messages (C2).
"""

from __future__ import annotations

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

MAX_PATH_SEGMENTS = 32
MAX_NESTING = 64
