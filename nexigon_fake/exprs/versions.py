"""Version strings and requirements as the Hub's ``anyver`` crate reads them (D29, §III.5.6).

Hand-written because no PyPI package implements this scheme: it is neither SemVer (any number
of release components, missing ones count as 0, no caret or tilde) nor PEP 440.

One grammar covers SemVer, CalVer, serial and date-plus-revision versions:
``release[-prerelease][+build]``, release components all ASCII digits fitting u64,
prerelease and build identifiers ASCII alphanumerics and ``-``. Build metadata never takes part
in equality, order or matching. A requirement is ``*`` or comma-separated comparators
(``>=``, ``<=``, ``==``, ``!=``, ``>``, ``<``, ``=`` or none, meaning ``==``), all of which
must match. Error details are the crate's ``ParseError::message()`` texts (C26).
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

U64_MAX = 2**64 - 1

# Rust's `str::trim` strips Unicode White_Space, which is not quite Python's `str.isspace`
# (that one also strips U+001C..U+001F).
_WHITE_SPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_DIGITS = frozenset("0123456789")
_IDENTIFIER = frozenset("0123456789-ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


class VersionParseError(ValueError):
    """A version or requirement that does not parse: ``message`` is the crate's detail."""

    def __init__(self, text: str, message: str) -> None:
        super().__init__(f"error parsing {text!r}: {message}")
        self.text = text
        self.message = message


def _trim(text: str) -> str:
    return text.strip(_WHITE_SPACE)


def _all_digits(text: str) -> bool:
    return all(char in _DIGITS for char in text)


def _identifiers(text: str, part: str, what: str) -> list[str]:
    identifiers = part.split(".")
    for identifier in identifiers:
        if not identifier:
            raise VersionParseError(text, f"{what} identifiers must not be empty")
        if not all(char in _IDENTIFIER for char in identifier):
            raise VersionParseError(
                text, f"{what} identifiers must be ASCII alphanumeric or hyphenated"
            )
    return identifiers


def _u64(digits: str) -> int | None:
    """The value of ASCII digits if it fits u64; long inputs are refused before ``int``, whose
    conversion of more than 4300 digits raises."""
    significant = digits.lstrip("0")
    if len(significant) > len(str(U64_MAX)):
        return None
    value = int(significant or "0")
    return value if value <= U64_MAX else None


def _prerelease_key(identifier: str, text: str) -> tuple[int, int | str]:
    """Numeric identifiers (leading zeros normalized) sort before alphanumeric ones."""
    if _all_digits(identifier):
        value = _u64(identifier)
        if value is None:
            raise VersionParseError(text, "prerelease number does not fit into u64")
        return (0, value)
    return (1, identifier)  # ASCII only, so code-point order is the crate's byte order


@dataclass(frozen=True, eq=False)
class Version:
    """A parsed version; ``text`` keeps the (trimmed) spelling, ``key`` orders it."""

    text: str
    release: tuple[int, ...]
    prerelease: tuple[str, ...]
    build: tuple[str, ...]
    key: tuple[Any, ...] = field(repr=False)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Version) and self.key == other.key

    def __hash__(self) -> int:
        return hash(self.key)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        return bool(self.key < other.key)

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        return bool(self.key <= other.key)

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        return bool(self.key > other.key)

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        return bool(self.key >= other.key)

    def __str__(self) -> str:
        return self.text


def parse_version(text: str) -> Version:
    """A version, or ``VersionParseError`` with the crate's first complaint (checked in its
    order: emptiness, build metadata, prerelease and release emptiness, release, prerelease)."""
    trimmed = _trim(text)
    if not trimmed:
        raise VersionParseError(trimmed, "version must not be empty")
    version_part, plus, build_part = trimmed.partition("+")
    if plus and not build_part:
        raise VersionParseError(trimmed, "build metadata must not be empty")
    build = _identifiers(trimmed, build_part, "build metadata") if build_part else []
    release_part, dash, prerelease_part = version_part.partition("-")
    if dash and not prerelease_part:
        raise VersionParseError(trimmed, "prerelease part must not be empty")
    if not release_part:
        raise VersionParseError(trimmed, "release part must not be empty")
    release: list[int] = []
    for component in release_part.split("."):
        if not component:
            raise VersionParseError(trimmed, "release components must not be empty")
        if not _all_digits(component):
            raise VersionParseError(trimmed, "release components must be numeric")
        value = _u64(component)
        if value is None:
            raise VersionParseError(trimmed, "release component does not fit into u64")
        release.append(value)
    prerelease = _identifiers(trimmed, prerelease_part, "prerelease") if prerelease_part else []
    prerelease_keys = tuple(_prerelease_key(identifier, trimmed) for identifier in prerelease)
    significant = list(release)
    while significant and significant[-1] == 0:  # 5 = 5.0 = 5.0.0
        significant.pop()
    # A final release sorts after every prerelease of the same release.
    key = (tuple(significant), 0 if prerelease else 1, prerelease_keys)
    return Version(trimmed, tuple(release), tuple(prerelease), tuple(build), key)


_OPERATORS: tuple[tuple[str, Callable[[Any, Any], bool]], ...] = (
    (">=", operator.ge),
    ("<=", operator.le),
    ("==", operator.eq),
    ("!=", operator.ne),
    (">", operator.gt),
    ("<", operator.lt),
    ("=", operator.eq),
)
_COMPARE = dict(_OPERATORS)
_CANONICAL = {"=": "=="}


@dataclass(frozen=True)
class Comparator:
    op: str
    version: Version

    def matches(self, version: Version) -> bool:
        return _COMPARE[self.op](version, self.version)

    def __str__(self) -> str:
        return f"{self.op}{self.version}"


@dataclass(frozen=True)
class Requirement:
    """A conjunction of comparators; no comparators is ``*``, which matches everything."""

    comparators: tuple[Comparator, ...]

    def matches(self, version: Version) -> bool:
        return all(comparator.matches(version) for comparator in self.comparators)

    def __str__(self) -> str:
        return ",".join(map(str, self.comparators)) or "*"


def _comparator(whole: str, part: str) -> Comparator:
    for prefix, _ in _OPERATORS:
        if part.startswith(prefix):
            rest = _trim(part[len(prefix) :])
            if not rest:
                raise VersionParseError(whole, "comparator is missing a version")
            return Comparator(_CANONICAL.get(prefix, prefix), parse_version(rest))
    return Comparator("==", parse_version(part))


def parse_requirement(text: str) -> Requirement:
    """A requirement, or ``VersionParseError`` (also for a version inside it)."""
    trimmed = _trim(text)
    if trimmed == "*":
        return Requirement(())
    if not trimmed:
        raise VersionParseError(trimmed, "version requirement must not be empty")
    comparators: list[Comparator] = []
    for raw in trimmed.split(","):
        part = _trim(raw)
        if not part:
            raise VersionParseError(trimmed, "version requirement contains an empty comparator")
        comparators.append(_comparator(trimmed, part))
    return Requirement(tuple(comparators))
