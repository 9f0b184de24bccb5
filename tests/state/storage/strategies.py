"""Values the storage state machines draw: JSON values msgpack can and cannot hold, instants
with microseconds and offsets, and ids from small pools so that they repeat."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
START = dt.datetime(2026, 5, 4, 7, 0, tzinfo=dt.UTC)
ZONES = [
    dt.UTC,
    dt.timezone(dt.timedelta(hours=5, minutes=30)),
    dt.timezone(-dt.timedelta(hours=7)),
]

# Beyond 64 bits msgpack cannot hold an integer: such values take the JSON path.
integers = st.integers(min_value=-(2**70), max_value=2**70) | st.sampled_from([2**64, 2**64 - 1])
scalars = (
    st.none()
    | st.booleans()
    | integers
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=6,
)

# Around the start, before the epoch and far ahead; microseconds and ties come up often.
instants = st.builds(
    lambda base, micros, zone: (base + dt.timedelta(microseconds=micros)).astimezone(zone),
    st.sampled_from(
        [START, START + dt.timedelta(minutes=1), dt.datetime(1969, 12, 31, 23, 59, tzinfo=dt.UTC)]
    ),
    st.sampled_from([0, 0, 1, -1, 999, 250_000, 60_000_000]) | st.integers(-(10**12), 10**12),
    st.sampled_from(ZONES),
)

random_parts = st.text(alphabet="abAB12", min_size=8, max_size=8)


def dated_ids(tag: str) -> st.SearchStrategy[str]:
    """Ids as the hub and devices make them, stamped in one of a few minutes."""
    return st.builds(
        lambda stamp, raw: f"{tag}_{stamp}-{raw}",
        st.sampled_from(["20260504-0700", "20260504-0701", "20250101-0000"]),
        random_parts,
    )


def odd_ids(tag: str) -> st.SearchStrategy[str]:
    """Ids of other shapes, which a store must keep as well (the wire would refuse them): no
    ``-`` at all, nothing after it, one that a dated id starts with."""
    return st.sampled_from(
        [f"{tag}_x", f"{tag}_20260504-0700-", f"{tag}_20260504-0700-ab", "ab", ""]
    )
