"""NDJSON: one JSON object per line, ``\\n`` separated, UTF-8.

Line 1 is ``{"Bericht": "Declaratiebericht", "Header": {...}}`` (``Retourbericht`` for a return
message), every line after it ``{"Prestatie": {...}}``, the last ``{"Totalen": {...}}``. Each
line is parsed on its own, so a bad line is reported with its line number and the lines
around it are still checked. Lines longer than ``limits.max_line_length`` end the read (L001).

Duplicate keys (J004): orjson keeps the last of two equal keys silently, so every line is
screened cheaply (:func:`_may_have_duplicates`) and only a suspect line is parsed again with
the standard library to name the duplicates.
"""

from __future__ import annotations

import json
import re
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

import orjson

from resv_edi.errors import Issue, Location
from resv_edi.formats.ordering import RecordOrder
from resv_edi.limits import DEFAULT_LIMITS, Limits
from resv_edi.model.base import Record
from resv_edi.model.binding import bind
from resv_edi.model.columns import LineBlock
from resv_edi.model.messages import DECLARATIE, KINDS, Entry, MessageKind, Part
from resv_edi.model.types import JSON_CONTEXT
from resv_edi.privacy import redact
from resv_edi.source import Source, read_guarded
from resv_edi.standard.catalogue import issue

_BOM = b"\xef\xbb\xbf"
_SPACE_BEFORE_COLON = re.compile(rb'"[ \t\r]+:')


def kind_by_root(root: object) -> MessageKind | None:
    return next((k for k in KINDS.values() if k.root == root), None)


def read_ndjson(
    source: Source,
    kind: MessageKind | None = None,
    *,
    file: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Iterator[Entry | Issue]:
    """Yield the entries of an NDJSON message and issues where it is wrong."""
    yield from read_guarded(source, file, limits, lambda fh, name: _read(fh, kind, name, limits))


@dataclass(slots=True)
class ReadState:
    """Where an NDJSON read stands after some lines: lets a caller read a file in pieces
    (:func:`read_ndjson_lines`) and get exactly the issues of one whole read."""

    number: int = 0  # lines read
    lines: int = 0  # Prestatie lines among them
    state: int = 0  # 0 before header, 1 in lines, 2 after totals
    current: MessageKind | None = None
    empty: bool = True


def read_ndjson_lines(
    fh: IO[bytes], kind: MessageKind | None, name: str, limits: Limits, at: ReadState, final: bool
) -> Generator[Entry | Issue, None, bool]:
    """The entries and issues of the lines in ``fh``, read on from ``at`` (updated in place);
    ``final``: ``fh`` ends the file. Returns False when the read ended early (a limit)."""
    return (yield from _read(fh, kind, name, limits, at, final))


# long: one pass over the lines whose state (line number, part, kind) is shared by every
# step; the steps that need no state are helpers (_duplicates, bind)
def _read(
    fh: IO[bytes],
    kind: MessageKind | None,
    name: str,
    limits: Limits,
    at: ReadState | None = None,
    final: bool = True,
) -> Generator[Entry | Issue, None, bool]:
    at = at or ReadState()
    number = at.number
    lines = at.lines
    state = at.state  # 0 before header, 1 in lines, 2 after totals
    current = at.current or kind or DECLARATIE
    empty = at.empty
    max_len = limits.max_line_length
    while True:
        raw = fh.readline(max_len + 1)
        if not raw:
            break
        number += 1
        if len(raw) > max_len and not raw.endswith(b"\n"):
            where = Location(file=name, line=number)
            yield issue("L001", where, reason=f"line longer than {max_len} bytes")
            return False
        if number == 1 and raw.startswith(_BOM):
            raw = raw[len(_BOM) :]
        try:
            obj = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            where = Location(file=name, line=number)
            if not raw.strip():
                yield issue("J002", where, reason="empty line")
            else:
                empty = False
                yield issue("J002", where.with_(column=exc.colno), reason=exc.msg)
            continue
        empty = False
        depth_limit = limits.max_depth
        # orjson's own bound is 1024; ours is the setting (counted only when brackets abound)
        containers = raw.count(b"{") + raw.count(b"[")
        if depth_limit and containers > depth_limit and _depth(obj) > depth_limit:
            where = Location(file=name, line=number)
            yield issue("L001", where, reason=f"nesting deeper than {depth_limit}")
            return False
        duplicates = _duplicates(raw) if _may_have_duplicates(raw, obj) else ()
        part, data, problem = _unwrap(obj, current, kind is None and state == 0)
        if problem:
            yield issue("J003", Location(file=name, line=number), reason=problem)
            continue
        assert part is not None
        if part == "header" and isinstance(obj, dict):
            current = kind or kind_by_root(obj.get("Bericht")) or current
        elif part == "line":
            lines += 1
            if limits.max_records and lines > limits.max_records:
                where = Location(file=name, line=number)
                yield issue("L001", where, reason=f"more than {limits.max_records} lines")
                return False
        if state != _STATE_BEFORE[part]:
            where = Location(file=name, line=number)
            yield issue("J003", where, reason=f"{current.element(part)} out of order")
        state = _STATE_AFTER[part]
        index = lines if part == "line" else 0
        element = current.element(part)
        pointer = f"/{element}"
        ref = data.get("Referentienummer") if part == "line" and isinstance(data, dict) else None
        location = Location(
            file=name,
            line=number,
            path=pointer,
            record_type=element,
            reference=ref if isinstance(ref, str) else None,
            index=index or None,
        )
        record, problems = bind(
            current.record_class(part),
            data,
            location,
            context=JSON_CONTEXT,
            locate_field=lambda f, loc=location: loc.with_(path=f"{loc.path}/{f}"),  # type: ignore[misc]
        )
        for key in duplicates:
            inner = isinstance(data, dict) and key in data
            path = f"{pointer}/{key}" if inner else f"/{key}"
            yield issue("J004", location.with_(path=path), key=redact(key))
        yield from problems
        bound = None if duplicates else record
        unbound = data if bound is None and isinstance(data, dict) else None
        yield Entry(part, bound, location, index, current.name, unbound)
    at.number, at.lines, at.state, at.current, at.empty = number, lines, state, current, empty
    if not final:
        return True
    if empty:
        yield issue("F003", Location(file=name))
    elif state != 2:
        yield issue("J003", Location(file=name, line=number), reason="Totalen line missing")
    return True


#: the reading state a part must find, and the state it leaves
_STATE_BEFORE = {"header": 0, "line": 1, "totals": 1}
_STATE_AFTER = {"header": 1, "line": 1, "totals": 2}


def _depth(obj: object) -> int:
    """How deep containers nest in ``obj`` (a scalar: 0), without recursion."""
    deepest = 0
    stack: list[tuple[object, int]] = [(obj, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children: Iterable[object] = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in children)
    return deepest


def _may_have_duplicates(raw: bytes, obj: Any) -> bool:
    """False only when ``raw`` certainly has no duplicate key (the common, fast case).

    1. ``raw`` is exactly what orjson writes for ``obj`` (compact output, as this package
       and most writers produce): the line holds each key of ``obj`` once, so none twice.
    2. Otherwise every key is followed by ``":`` (no white space before the colon, which is
       checked), so the count of ``":`` is at least the number of keys written, and ``obj``
       holds at least ``len(obj)`` plus the keys of the objects inside it: when both numbers
       are equal no key was written twice. Strings holding ``\\":`` or deeper objects only
       make the count larger: a false alarm, settled by :func:`_duplicates`.
    """
    if type(obj) is not dict:
        return False
    try:
        dumped = orjson.dumps(obj)
    except orjson.JSONEncodeError:  # nesting deeper than orjson writes
        return True
    if raw.startswith(dumped) and not raw[len(dumped) :].strip():
        return False
    keys = len(obj)
    for value in obj.values():
        if type(value) is dict:
            keys += len(value)
    return raw.count(b'":') != keys or _SPACE_BEFORE_COLON.search(raw) is not None


def _duplicates(raw: bytes) -> tuple[str, ...]:
    """The keys written twice in one object of ``raw`` (parsed again, standard library)."""
    found: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: set[str] = set()
        for key, _ in items:
            if key in seen and key not in found:
                found.append(key)
            seen.add(key)
        return dict(items)

    try:
        json.loads(raw, object_pairs_hook=pairs)
    except (ValueError, RecursionError):  # orjson read it: only limits of the stdlib here
        return ()
    return tuple(found)


def _unwrap(obj: Any, kind: MessageKind, detect: bool) -> tuple[Part | None, Any, str | None]:
    if not isinstance(obj, dict):
        return None, None, "each line must be a JSON object"
    keys = list(obj)
    if "Header" in obj:
        bericht = obj.get("Bericht")
        if keys != ["Bericht", "Header"] and keys != ["Header", "Bericht"]:
            return None, None, 'a header line holds exactly "Bericht" and "Header"'
        if kind_by_root(bericht) is None or (not detect and bericht != kind.root):
            return None, None, f"Bericht {bericht!r} is not {kind.root!r}"
        return "header", obj["Header"], None
    if len(keys) != 1:
        return None, None, f"expected one key ({kind.line_element} or {kind.totals_element})"
    key = keys[0]
    if key == kind.line_element:
        return "line", obj[key], None
    if key == kind.totals_element:
        return "totals", obj[key], None
    return None, None, f"unknown key {key!r}"


def write_ndjson(
    records: Iterable[Record | LineBlock], out: IO[bytes], kind: MessageKind = DECLARATIE
) -> int:
    """Write ``records`` (header, lines, totals) as NDJSON; return the line count. Lines may
    come as :class:`~resv_edi.model.columns.LineBlock` items (the same bytes)."""
    order = RecordOrder(kind)
    dumps = orjson.dumps
    line_key = kind.line_element
    buffer: list[bytes] = []
    for record in records:
        if isinstance(record, LineBlock):
            order.accept_block(record)
            buffer.extend(dumps({line_key: data}) for data in record.data())
            if buffer:
                out.write(b"\n".join(buffer) + b"\n")
                buffer.clear()
            continue
        part = order.accept(record)
        if part == "header":
            obj: dict[str, Any] = {"Bericht": kind.root, "Header": record.to_data()}
        elif part == "line":
            obj = {line_key: record.to_data()}
        else:
            obj = {kind.totals_element: record.to_data()}
        buffer.append(dumps(obj))
        if len(buffer) >= 1024:
            out.write(b"\n".join(buffer) + b"\n")
            buffer.clear()
    order.finish()
    if buffer:
        out.write(b"\n".join(buffer) + b"\n")
    return order.lines
