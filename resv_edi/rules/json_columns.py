"""JSON lines decoded a block at a time (one msgspec call) into the model's raw columns.

The structs take only what the block check can judge: a JSON object whose keys are the
model's element names, each value text, a whole number or null. Anything else (another key,
a float, a boolean, a nested value) fails the decode, and the block goes the exact way. The
structs are transposed into columns at once, whose values are then validated by
:func:`~resv_edi.rules.blocks.typed_columns` with the model's own field types (or a screen
derived from them), so no constraint is written twice.
"""

from __future__ import annotations

import re
from operator import attrgetter
from types import NoneType, UnionType
from typing import Any, Literal, Union, get_args, get_origin

import msgspec
from msgspec.structs import astuple

from resv_edi.collection import uncollected
from resv_edi.model.declaratie import Prestatie
from resv_edi.model.messages import DECLARATIE
from resv_edi.rules.blocks import column_screens

_ATTRS = tuple(Prestatie.model_fields)


def _scalar_type(annotation: Any) -> Any:
    """The struct field's type for a model field: ``Literal[...] | None`` for a field of
    text codes (its own codes: msgspec then gives every line the same object for a code,
    so fewer objects and comparisons by identity; another value fails the decode, and the
    block goes the exact way), else any text, whole number or null. The values are
    validated by the model's field type either way."""
    args = get_args(annotation) if get_origin(annotation) in (Union, UnionType) else ()
    if len(args) == 2 and NoneType in args:
        annotation = args[0] if args[1] is NoneType else args[1]
    codes = get_args(annotation) if get_origin(annotation) is Literal else ()
    if codes and all(type(code) is str for code in codes):
        return Literal[codes] | None
    return str | int | None


LineStruct = msgspec.defstruct(
    "LineStruct",
    [(a, _scalar_type(f.annotation), None) for a, f in Prestatie.model_fields.items()],
    rename={a: f.alias or a for a, f in Prestatie.model_fields.items()},
    forbid_unknown_fields=True,
    gc=False,  # scalars only: no cycles, and no collector passes while a block decodes
)
#: an NDJSON line ``{"Prestatie": {...}}``
WrappedStruct = msgspec.defstruct(
    "WrappedStruct",
    [("line", LineStruct)],
    rename={"line": DECLARATIE.line_element},
    forbid_unknown_fields=True,
    gc=False,
)
#: the attributes decoded as codes none of which holds a colon (:func:`_text_colons`)
_COLONLESS = frozenset(
    f.name
    for f in msgspec.structs.fields(LineStruct)
    if (codes := [c for arg in get_args(f.type) for c in get_args(arg)])
    and not any(":" in code for code in codes)
)
LINES = msgspec.json.Decoder(list[LineStruct])  # type: ignore[valid-type]
WRAPPED = msgspec.json.Decoder(list[WrappedStruct])  # type: ignore[valid-type]
#: lines ``{"Prestatie": {...}}`` decoded straight from a chunk (``decode_lines``)
WRAPPED_LINES = msgspec.json.Decoder(WrappedStruct)
unwrap = attrgetter("line")
_SPACE_BEFORE_COLON = re.compile(rb'"[ \t\n\r]+:')
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def decode(decoder: msgspec.json.Decoder[Any], joined: bytes) -> list[Any] | None:
    """The structs of ``[joined]``, or ``None`` when it does not decode into them."""
    try:
        return decoder.decode(b"".join((b"[", joined, b"]")))
    except (msgspec.DecodeError, RecursionError):
        return None


#: decoded columns and each column's distinct values (:func:`raw_columns`)
RawColumns = tuple[dict[str, list[Any]], dict[str, list[Any]]]


def raw_columns(
    lines: list[Any], joined: bytes, outer_keys: int, end: int | None = None
) -> RawColumns | None:
    """The columns (attribute -> values, ``None`` where a line lacks the field) of decoded
    ``lines``, and the distinct values (in no particular order) of each column without a
    column screen (:func:`_keys_and_distinct`), for
    :func:`~resv_edi.rules.blocks.typed_columns` with ``decoded=True``; ``None`` when the
    bytes ``joined[:end]`` they were decoded from may hold something the decode hid: a key
    written twice (msgspec keeps the last) or a lone surrogate escape.
    ``outer_keys``: keys written around the lines' objects.

    Without a backslash in those bytes every colon in them is a written key's or a text's, so
    ``colons == outer_keys + keys + written_null + dropped + text_colons``, where ``keys``
    counts the values decoded other than null, ``written_null`` the keys written with null,
    ``dropped`` the keys written twice (the earlier value lost) and ``text_colons`` the colons
    in every text written (kept or dropped). The last three are never negative: when
    ``colons == outer_keys + keys`` all three are 0, nothing was hidden and the texts need no
    look. Only otherwise are the decoded texts' colons counted (:func:`_text_colons`, which
    may leave out texts that cannot hold one: then it counts less, never more): the block is
    clean when they make up the difference (no key written twice nor with null, which, a
    false alarm, the exact path settles)."""
    stop = len(joined) if end is None else end
    columns = transposed(lines)
    keys, distinct = _keys_and_distinct(columns, len(lines))
    if joined.find(b"\\", 0, stop) < 0:
        found = joined.count(b":", 0, stop)
        expected = outer_keys + keys
        if found == expected:
            return columns, distinct
        if found > expected and found == expected + _text_colons(columns, distinct):
            return columns, distinct
        return None
    # every key is followed by '":' (a colon after anything else, white space say, sends the
    # block to the search), so the count equals the keys decoded only when none was dropped
    quoted = joined.count(b'":', 0, stop)
    if quoted != outer_keys + keys or (
        joined.count(b":", 0, stop) != quoted and _SPACE_BEFORE_COLON.search(joined, 0, stop)
    ):
        return None
    if joined.find(b"\\u", 0, stop) >= 0 and _SURROGATE_ESCAPE.search(joined, 0, stop):
        return None
    return columns, distinct


def transposed(lines: list[Any]) -> dict[str, list[Any]]:
    """The columns of the decoded structs ``lines``: attribute -> each line's value, in one
    transposition in C. It makes a tuple of scalars per line, all alive until the columns are
    made: nothing a collection could free, yet each young collection meanwhile would scan
    them all (about a tenth of a block check's time), so the collector waits
    (:func:`uncollected`)."""
    if not lines:
        return {attr: [] for attr in _ATTRS}
    with uncollected():
        return dict(zip(_ATTRS, map(list, zip(*map(astuple, lines), strict=True)), strict=True))


_is_text = str.__instancecheck__
#: values looked at before a column's distinct values are sought (:func:`_keys_and_distinct`)
_SAMPLE = 32


def _keys_and_distinct(columns: dict[str, list[Any]], n: int) -> tuple[int, dict[str, list[Any]]]:
    """The values other than null in the columns (of ``n`` lines) and each column's distinct
    values: a column with one value is found by comparing (``==`` of lists stops at the
    first other value), the others by one ``set``, which also tells whether the column holds
    null at all (only then are its nulls counted). A column whose first :data:`_SAMPLE`
    values all differ (references, descriptions) is given as it is: its values are then
    validated with their few repeats, which costs less than finding them. A column with a
    screen (:func:`~resv_edi.rules.blocks.column_screens`: whole numbers, taken as they are
    when the screen passes) only has its nulls counted: ``typed_columns`` finds its distinct
    values itself should the screen fail. A column with one value becomes a list of that
    one object (``columns`` is changed in place): the lines' equal copies are freed with
    the structs, and later passes over the column compare by identity."""
    keys = 0
    distinct: dict[str, list[Any]] = {}
    screened = column_screens()
    many = n > 2 * _SAMPLE
    for attr, column in list(columns.items()):
        if attr in screened:
            keys += n - column.count(None)
            continue
        first = column[0] if n else None
        if n and column[-1] == first and column == (same := [first] * n):
            columns[attr] = same
            distinct[attr] = [first]
            keys += n if first is not None else 0
            continue
        if many and len(set(column[:_SAMPLE])) == _SAMPLE:
            distinct[attr] = column
            keys += n - column.count(None)
            continue
        values = set(column)
        distinct[attr] = list(values)
        keys += n - column.count(None) if None in values else n
    return keys, distinct


def _text_colons(columns: dict[str, list[Any]], distinct: dict[str, list[Any]]) -> int:
    """The colons in the texts of the columns, but for the code fields (decoded as their
    codes, none holding a colon: :data:`_COLONLESS`): a column with one value counts it
    once; a column of few distinct values is looked at by them first (one join), and
    counted line by line only when one holds a colon; any other column is counted whole
    (one join)."""
    colons = 0
    for attr, values in distinct.items():
        if attr in _COLONLESS:
            continue
        column = columns[attr]
        if len(values) == 1:
            one = values[0]
            colons += len(column) * one.count(":") if type(one) is str else 0
            continue
        if 2 * len(values) <= len(column) and ":" not in "".join(filter(_is_text, values)):
            continue
        try:
            text = "".join(column)  # (text only, the usual column)
        except TypeError:
            text = "".join(filter(_is_text, column))
        colons += text.count(":")
    return colons
