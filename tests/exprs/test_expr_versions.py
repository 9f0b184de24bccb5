"""The ``anyver`` version scheme (D29, §III.5.6, C26): grammar, order, requirements."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nexigon_fake.exprs import VersionParseError, parse_requirement, parse_version

# Every example of §III.5.6 (the crate's own tests), as (requirement, version, matches).
REQUIREMENT_EXAMPLES = [
    (">=5,<6", "5", True),
    (">=5,<6", "5.2.3", True),
    (">=5,<6", "4.9.9", False),
    (">=5,<6", "6", False),
    ("5.0", "5", True),
    ("5.0", "5.0.1", False),
    (">=2024.6,<2025", "2024.6.25", True),
    (">=2024.6,<2025", "2024.12", True),
    (">=2024.6,<2025", "2023.12.31", False),
    (">=2024.6,<2025", "2025.1", False),
    (">=2024.6.25,<2024.7", "2024.6.25.3", True),
    (">=2024.6.25,<2024.7", "2024.7", False),
    (">=20260625000000,<20260626000000", "20260625071935", True),
    (">=20260625000000,<20260626000000", "20260626000000", False),
    ("==1.0+build.7", "1.0+build.8", True),
    ("==1.0", "1.0+build.7", True),
    (">=5,!=5.1,<6", "5.1.0", False),
    (">=5,!=5.1,<6", "5.0", True),
    (">=5,!=5.1,<6", "5.2", True),
    (">=1.2.0, <2.0.0", "1.2.0", True),
    (">=1.2.0, <2.0.0", "2.0.0-rc.1", True),  # a prerelease of 2.0.0 is below it
    ("*", "0.1", True),
    (" * ", "999.999", True),
    ("=1.0", "1", True),
    ("> 1", "1.0.1", True),
    (">= 1 , <= 1", "1.0", True),
    ("!=1", "1.0-rc", True),
    ("<1", "1.0-rc", True),
    ("<=1-rc", "1-rc+x", True),
    (">1-rc", "1", True),
]


@pytest.mark.parametrize(("requirement", "text", "expected"), REQUIREMENT_EXAMPLES)
def test_requirement_examples(requirement: str, text: str, expected: bool) -> None:
    assert parse_requirement(requirement).matches(parse_version(text)) is expected


ORDER_EXAMPLES = [
    ("1.0.0-rc.1", "1.0.0"),
    ("1.0.0-alpha", "1.0.0-beta"),
    ("1.0.0-alpha.2", "1.0.0-alpha.10"),
    ("1.0-dev.0.rc.5", "1.0-dev.0-rc.5"),
    ("1.0-RC", "1.0-rc"),
    ("1.0-1", "1.0-a"),  # numeric identifiers sort before alphanumeric ones
    ("1.0-alpha", "1.0-alpha.1"),  # a prefix is smaller
    ("5.2", "5.10"),
    ("5.2", "5.2.1"),
    ("5.99.99", "6"),
    ("2024.6.1", "2024.6.25"),
    ("2024.9", "2024.10"),
    ("24.4", "24.10"),
    ("2024.6.25-rc.1", "2024.6.25"),
    ("2024.6.25-beta", "2024.6.25-rc.1"),
    ("24.4-preview.2", "24.4"),
    ("42", "43"),
    ("2024.6.25", "2024.6.25.1"),
    ("2024.6.25.1", "2024.6.25.2"),
    ("20260625071934", "20260625071935"),
    ("20260625071935", "20260625080000"),
    ("1.0-rc.1+build.5", "1.0+build.5"),
]


@pytest.mark.parametrize(("lower", "higher"), ORDER_EXAMPLES)
def test_order_examples(lower: str, higher: str) -> None:
    low, high = parse_version(lower), parse_version(higher)
    assert low < high and high > low and low <= high and low != high
    assert not (high < low or high <= low)


EQUAL_EXAMPLES = [
    ("5", "5.0"),
    ("5.0", "5.0.0"),
    ("05.002.000", "5.2"),
    ("1.0-01", "1.0-1"),
    ("1.0-alpha.01", "1.0-alpha.1"),
    ("1.0+build.7", "1.0"),
    ("1.0+build.7", "1.0+build.8"),
    (" 1.0\t", "1"),
    ("0", "0.0.0"),
]


@pytest.mark.parametrize(("left", "right"), EQUAL_EXAMPLES)
def test_equal_examples(left: str, right: str) -> None:
    a, b = parse_version(left), parse_version(right)
    assert a == b and hash(a) == hash(b) and a <= b and a >= b
    assert len({a, b}) == 1


def test_a_version_keeps_its_spelling() -> None:
    version = parse_version(" 2026.05.12-rc.01+b.7 ")
    assert str(version) == "2026.05.12-rc.01+b.7"
    assert version.release == (2026, 5, 12)
    assert version.prerelease == ("rc", "01")
    assert version.build == ("b", "7")
    assert str(parse_version("1.0--")) == "1.0--"  # a hyphen is an identifier character
    assert parse_version("1.0--").prerelease == ("-",)


VERSION_REJECTIONS = [
    ("", "version must not be empty"),
    ("   ", "version must not be empty"),
    (".", "release components must not be empty"),
    ("1..2", "release components must not be empty"),
    ("1.", "release components must not be empty"),
    ("1.x", "release components must be numeric"),
    ("v1.0", "release components must be numeric"),
    ("1.0.0.a", "release components must be numeric"),
    ("\uff11", "release components must be numeric"),  # a full-width digit is not ASCII
    ("\u0661", "release components must be numeric"),  # nor is an Arabic-Indic one
    ("\x1c1", "release components must be numeric"),  # Python strips U+001C, Rust does not
    ("1-", "prerelease part must not be empty"),
    ("-1", "release part must not be empty"),
    ("-", "prerelease part must not be empty"),
    ("1.0-alpha..1", "prerelease identifiers must not be empty"),
    ("1.0-alpha.", "prerelease identifiers must not be empty"),
    ("1.0-alpha_1", "prerelease identifiers must be ASCII alphanumeric or hyphenated"),
    ("1.0-\u00e9", "prerelease identifiers must be ASCII alphanumeric or hyphenated"),
    ("1.0+", "build metadata must not be empty"),
    ("1.0+build..1", "build metadata identifiers must not be empty"),
    ("1.0+build+1", "build metadata identifiers must be ASCII alphanumeric or hyphenated"),
    ("1.x+", "build metadata must not be empty"),  # build metadata is checked first
    ("18446744073709551616", "release component does not fit into u64"),
    ("1-18446744073709551616", "prerelease number does not fit into u64"),
]


@pytest.mark.parametrize(("text", "detail"), VERSION_REJECTIONS)
def test_version_rejections(text: str, detail: str) -> None:
    with pytest.raises(VersionParseError) as caught:
        parse_version(text)
    assert caught.value.message == detail


def test_very_long_numbers_are_refused_not_crashed_on() -> None:
    # Python refuses to convert more than 4300 digits to int; the parser must answer first.
    with pytest.raises(VersionParseError, match="release component does not fit into u64"):
        parse_version("1" * 5000)
    with pytest.raises(VersionParseError, match="prerelease number does not fit into u64"):
        parse_version("1-" + "9" * 5000)
    assert parse_version("0" * 5000 + "7") == parse_version("7")  # leading zeros are free


def test_versions_compare_only_with_versions() -> None:
    with pytest.raises(TypeError):
        assert parse_version("1") < "2"  # type: ignore[operator]
    assert parse_version("1") != "1"


def test_u64_bounds_are_exact() -> None:
    assert parse_version("18446744073709551615").release == (2**64 - 1,)
    assert parse_version("1-18446744073709551615") < parse_version("1-a")


REQUIREMENT_REJECTIONS = [
    ("", "version requirement must not be empty"),
    ("  ", "version requirement must not be empty"),
    (">=", "comparator is missing a version"),
    ("< ", "comparator is missing a version"),
    (">=1,", "version requirement contains an empty comparator"),
    (">=1,,<2", "version requirement contains an empty comparator"),
    (",", "version requirement contains an empty comparator"),
    ("^1.2", "release components must be numeric"),  # no caret
    ("~1.2", "release components must be numeric"),  # no tilde
    ("1.*", "release components must be numeric"),  # no wildcard components
    ("*,>=1", "release components must be numeric"),  # `*` only on its own
    (">=1 || <2", "release components must be numeric"),  # no `||`
    ("=>1", "release components must be numeric"),
    (">=1.0-", "prerelease part must not be empty"),
]


@pytest.mark.parametrize(("text", "detail"), REQUIREMENT_REJECTIONS)
def test_requirement_rejections(text: str, detail: str) -> None:
    with pytest.raises(VersionParseError) as caught:
        parse_requirement(text)
    assert caught.value.message == detail


def test_requirements_render_canonically() -> None:
    assert str(parse_requirement(" >= 1.0 , =2, 3 ")) == ">=1.0,==2,==3"
    assert str(parse_requirement("*")) == "*"


# Ordering is a total order per scheme, against a plain tuple-based reference.


@dataclass(frozen=True)
class Drawn:
    """A version drawn as parts; ``text`` is how it is written, ``reference`` how it sorts."""

    text: str
    reference: tuple[Any, ...]


RELEASE_WIDTH = 12


def _reference(release: list[int], prerelease: list[int | str]) -> tuple[Any, ...]:
    padded = tuple(release) + (0,) * (RELEASE_WIDTH - len(release))
    if not prerelease:
        return (padded, (1,))
    identifiers = tuple((0, p) if isinstance(p, int) else (1, p) for p in prerelease)
    return (padded, (0, identifiers))


_ALNUM = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-"
_alpha_identifiers = st.text(_ALNUM, min_size=1, max_size=4).filter(lambda text: not text.isdigit())
_prerelease = st.lists(st.integers(0, 20) | _alpha_identifiers, max_size=3)
_build = st.lists(st.text(_ALNUM, min_size=1, max_size=4), max_size=2)


@st.composite
def _versions(draw: st.DrawFn, release: st.SearchStrategy[list[int]]) -> Drawn:
    components = draw(release)
    prerelease = draw(_prerelease)
    build = draw(_build)
    zeros = draw(st.integers(0, 2))  # trailing zero components change nothing
    written = [
        "0" * draw(st.integers(0, 2)) + str(c) for c in [*components, *[0] * zeros]
    ]  # leading zeros neither
    text = ".".join(written)
    if prerelease:
        text += "-" + ".".join(
            ("0" * draw(st.integers(0, 1)) + str(p)) if isinstance(p, int) else p
            for p in prerelease
        )
    if build:
        text += "+" + ".".join(build)
    return Drawn(text, _reference(components, prerelease))


SCHEMES = {
    "semver": st.lists(st.integers(0, 5), min_size=3, max_size=3),
    "calver": st.tuples(st.integers(2020, 2030), st.integers(1, 12), st.integers(1, 28)).map(list),
    "serial": st.integers(0, 2**64 - 1).map(lambda n: [n]),
    "date-plus-revision": st.tuples(st.integers(20240101, 20241231), st.integers(0, 9)).map(list),
    "mixed": st.lists(st.integers(0, 3), min_size=1, max_size=8),
}


@pytest.mark.parametrize("scheme", SCHEMES)
@given(data=st.data())
def test_order_is_total_and_matches_the_reference(scheme: str, data: st.DataObject) -> None:
    drawn = data.draw(st.lists(_versions(SCHEMES[scheme]), min_size=3, max_size=6))
    versions = [parse_version(d.text) for d in drawn]
    for (a, da), (b, db) in itertools.product(zip(versions, drawn, strict=True), repeat=2):
        assert (a < b) is (da.reference < db.reference)
        assert (a == b) is (da.reference == db.reference)
        assert (a > b) is (da.reference > db.reference)
        assert [a < b, a == b, a > b].count(True) == 1  # trichotomy, so antisymmetric
        if a == b:
            assert hash(a) == hash(b)
    ordered = sorted(range(len(versions)), key=versions.__getitem__)
    references = [drawn[i].reference for i in ordered]
    assert references == sorted(references)  # sorting by Version is consistent (transitive)
    for a, b, c in itertools.permutations(versions, 3):
        if a <= b and b <= c:
            assert a <= c


@pytest.mark.parametrize("scheme", SCHEMES)
@given(data=st.data())
def test_comparators_follow_the_order(scheme: str, data: st.DataObject) -> None:
    a, b = data.draw(st.tuples(_versions(SCHEMES[scheme]), _versions(SCHEMES[scheme])))
    version, ra, rb = parse_version(a.text), a.reference, b.reference
    expected = {
        ">=": ra >= rb,
        "<=": ra <= rb,
        "==": ra == rb,
        "=": ra == rb,
        "": ra == rb,
        "!=": ra != rb,
        ">": ra > rb,
        "<": ra < rb,
    }
    for op, result in expected.items():
        assert parse_requirement(f"{op}{b.text}").matches(version) is result, op
    assert parse_requirement("*").matches(version)
