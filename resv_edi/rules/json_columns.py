"""JSON lines decoded a block at a time (one msgspec call) into the model's raw columns.

The structs take only what the block check can judge: a JSON object whose keys are the
model's element names, each value text, a whole number or null. Anything else (another key,
a float, a boolean, a nested value) fails the decode, and the block goes the exact way. The
values are then validated by :func:`~resv_edi.rules.blocks.typed_columns` with the model's own
field types, so no constraint is written twice.
"""

from __future__ import annotations

import re
from operator import attrgetter
from typing import Any

import msgspec

from resv_edi.model.declaratie import Prestatie
from resv_edi.model.messages import DECLARATIE

_ATTRS = tuple(Prestatie.model_fields)
LineStruct = msgspec.defstruct(
    "LineStruct",
    [(attr, str | int | None, None) for attr in _ATTRS],
    rename={a: f.alias or a for a, f in Prestatie.model_fields.items()},
    forbid_unknown_fields=True,
)
#: an NDJSON line ``{"Prestatie": {...}}``
WrappedStruct = msgspec.defstruct(
    "WrappedStruct",
    [("line", LineStruct)],
    rename={"line": DECLARATIE.line_element},
    forbid_unknown_fields=True,
)
LINES = msgspec.json.Decoder(list[LineStruct])  # type: ignore[valid-type]
WRAPPED = msgspec.json.Decoder(list[WrappedStruct])  # type: ignore[valid-type]
unwrap = attrgetter("line")
_GETTERS = tuple((attr, attrgetter(attr)) for attr in _ATTRS)
_SPACE_BEFORE_COLON = re.compile(rb'"[ \t\n\r]+:')
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_INT64 = (-(2**63), 2**63 - 1)  # orjson reads a whole number beyond these as a float


def decode(decoder: msgspec.json.Decoder[Any], joined: bytes) -> list[Any] | None:
    """The structs of ``[joined]``, or ``None`` when it does not decode into them."""
    try:
        return decoder.decode(b"[" + joined + b"]")
    except (msgspec.DecodeError, RecursionError):
        return None


def raw_columns(
    lines: list[Any], joined: bytes, outer_keys: int
) -> tuple[dict[str, list[Any]], dict[str, list[Any]]] | None:
    """The columns (attribute -> values, ``None`` where a line lacks the field) of decoded
    ``lines`` and each column's distinct values; ``None`` when the bytes ``joined`` they were
    decoded from may hold something the decode hid: a key written twice (msgspec keeps the
    last), a lone surrogate escape, or a whole number beyond 64 bits. ``outer_keys``: keys
    written around the lines' objects."""
    n = len(lines)
    columns: dict[str, list[Any]] = {}
    distincts: dict[str, list[Any]] = {}
    keys = outer_keys  # keys holding a value other than null (a null counts as missing)
    for attr, get in _GETTERS:
        column = list(map(get, lines))
        distinct = list(dict.fromkeys(column))  # text, int, None: no two types compare equal
        keys += n - column.count(None) if None in distinct else n
        numbers = [v for v in distinct if type(v) is int]
        if numbers and (min(numbers) < _INT64[0] or max(numbers) > _INT64[1]):
            return None
        columns[attr] = column
        distincts[attr] = distinct
    # every key is followed by '":' (a colon after anything else, white space say, sends the
    # block to the search), so the count equals the keys decoded only when none was dropped;
    # a key written with null is not counted above: a false alarm, settled the exact way
    quoted = joined.count(b'":')
    if quoted != keys or (joined.count(b":") != quoted and _SPACE_BEFORE_COLON.search(joined)):
        return None
    if b"\\u" in joined and _SURROGATE_ESCAPE.search(joined):
        return None
    return columns, distincts
