"""One JSON document per message, read as a stream with ijson.

Shape: ``{"Declaratiebericht": {"Header": {...}, "Prestaties": [{...}, ...], "Totalen": {...}}}``
with the keys in that order (so that it streams); ``Retourbericht`` for a return message.
Positions are JSON pointers (``/Declaratiebericht/Prestaties/41/Bedrag``). Duplicate keys,
nesting deeper than ``limits.max_depth`` and keys out of order are reported.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from typing import IO, Any

import ijson
import orjson

from resv_edi.errors import Issue, Location, UnsafeInputError
from resv_edi.formats.ordering import RecordOrder
from resv_edi.formats.source import Prefixed, Source, open_source, source_name
from resv_edi.limits import DEFAULT_LIMITS, Limits
from resv_edi.model.base import Record
from resv_edi.model.binding import bind
from resv_edi.model.messages import DECLARATIE, KINDS, Entry, MessageKind, Part
from resv_edi.model.types import JSON_CONTEXT
from resv_edi.standard.catalogue import issue


def read_json(
    source: Source,
    kind: MessageKind | None = None,
    *,
    file: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Iterator[Entry | Issue]:
    """Yield the entries of a JSON message and issues where it is wrong."""
    name = source_name(source, file)
    try:
        with open_source(source, limits) as fh:
            yield from _Reader(kind, name, limits).run(fh)
    except UnsafeInputError as exc:
        yield issue("L001", Location(file=name), reason=str(exc))
    except OSError as exc:
        yield issue("F001", Location(file=name), reason=exc.strerror or str(exc))


class _Reader:
    def __init__(self, kind: MessageKind | None, file: str, limits: Limits) -> None:
        self.kind = kind
        self.file = file
        self.limits = limits
        self.lines = 0

    def run(self, fh: IO[bytes]) -> Iterator[Entry | Issue]:
        where = Location(file=self.file)
        head = fh.read(4096)
        if not head.strip():
            yield issue("F003", where)
            return
        events = ijson.parse(io.BufferedReader(Prefixed(head, fh)), use_float=False)
        try:
            first = next(events)
            if first[1] != "start_map":
                yield issue("J001", where, reason="the document must be a JSON object")
                return
            _, event, value = next(events)
            kind: MessageKind | None = None
            for candidate in KINDS.values():
                if event == "map_key" and value == candidate.root:
                    kind = candidate
            if kind is None or (self.kind is not None and kind is not self.kind):
                expected = (self.kind or DECLARATIE).root
                yield issue("X003", where.with_(path="/"), found=str(value), expected=expected)
                return
            yield from self._message(events, kind)
            for _prefix, event, value in events:
                if event == "map_key":
                    yield issue(
                        "J003",
                        where.with_(path=f"/{value}"),
                        reason="one message per document",
                    )
        except ijson.JSONError as exc:
            yield issue("J001", where, reason=_reason(exc))
        except (ValueError, RecursionError) as exc:  # huge numbers and the like
            yield issue("J001", where, reason=_reason(exc))

    def _message(
        self, events: Iterator[tuple[str, str, Any]], kind: MessageKind
    ) -> Iterator[Entry | Issue]:
        root = kind.root
        expected = [kind.header_element, kind.lines_element, kind.totals_element]
        seen: list[str] = []
        head = Location(file=self.file)
        prefix, event, value = next(events)
        if event != "start_map":
            yield issue("J003", head.with_(path=f"/{root}"), reason=f"{root} must be an object")
            return
        for prefix, event, value in events:
            if event == "end_map" and prefix == root:
                break
            if event != "map_key":
                continue
            pointer = f"/{root}/{value}"
            if value in seen:
                yield issue("J004", head.with_(path=pointer), key=value)
            elif value not in expected:
                yield issue("J003", head.with_(path=pointer), reason=f"unknown key {value!r}")
            elif seen and expected.index(value) < expected.index(seen[-1]):
                yield issue("J003", head.with_(path=pointer), reason=f"{value} out of order")
            if value not in expected:
                _, event, _ = next(events)
                self._skip_value(events, event)
                continue
            seen.append(value)
            if value == kind.lines_element:
                yield from self._lines(events, kind, f"{root}.{value}", pointer)
            else:
                part: Part = "header" if value == kind.header_element else "totals"
                yield from self._record(events, kind, part, pointer, 0)
        for name in expected:
            if name not in seen:
                yield issue("S001", head.with_(path=f"/{root}"), field=name)

    def _lines(
        self, events: Iterator[tuple[str, str, Any]], kind: MessageKind, prefix: str, pointer: str
    ) -> Iterator[Entry | Issue]:
        _, event, _ = next(events)
        if event != "start_array":
            yield issue("J003", Location(file=self.file, path=pointer), reason="must be an array")
            self._skip_value(events, event)
            return
        for n, (_, event, _) in enumerate(events, start=1):
            if event == "end_array":
                break
            self.lines += 1
            if self.limits.max_records and self.lines > self.limits.max_records:
                raise ValueError(f"more than {self.limits.max_records} lines")
            yield from self._record(events, kind, "line", f"{pointer}/{n - 1}", n, first=event)

    def _record(
        self,
        events: Iterator[tuple[str, str, Any]],
        kind: MessageKind,
        part: Part,
        pointer: str,
        index: int,
        first: str | None = None,
    ) -> Iterator[Entry | Issue]:
        event = first or next(events)[1]
        location = Location(
            file=self.file, path=pointer, record_type=kind.element(part), index=index or None
        )
        if event != "start_map":
            self._skip_value(events, event)
            yield issue("J003", location, reason=f"{kind.element(part)} must be an object")
            yield Entry(part, None, location, index)
            return
        data: dict[str, Any] = {}
        problems: list[Issue] = []
        key = None
        for _, event, value in events:
            if event == "end_map":
                break
            if event == "map_key":
                key = value
                if key in data:
                    problems.append(issue("J004", location.with_(path=f"{pointer}/{key}"), key=key))
                continue
            data[key] = self._value(events, event, value, 2)
        if index:
            ref = data.get("Referentienummer")
            if isinstance(ref, str):
                location = location.with_(reference=ref)
        record, bind_problems = bind(
            kind.record_class(part),
            data,
            location,
            context=JSON_CONTEXT,
            locate_field=lambda f: location.with_(path=f"{pointer}/{f}"),
        )
        yield from problems
        yield from bind_problems
        yield Entry(part, record if not problems else None, location, index)

    def _value(
        self, events: Iterator[tuple[str, str, Any]], event: str, value: Any, depth: int
    ) -> Any:
        """A (small) value inside a record; containers are built up to ``max_depth``."""
        if depth > self.limits.max_depth:
            raise ValueError(f"nesting deeper than {self.limits.max_depth}")
        if event == "start_array":
            items = []
            for _, ev, val in events:
                if ev == "end_array":
                    return items
                items.append(self._value(events, ev, val, depth + 1))
        if event == "start_map":
            obj: dict[str, Any] = {}
            key = ""
            for _, ev, val in events:
                if ev == "end_map":
                    return obj
                if ev == "map_key":
                    key = val
                else:
                    obj[key] = self._value(events, ev, val, depth + 1)
        return value  # a Decimal is refused by the model: amounts are whole cents

    def _skip_value(self, events: Iterator[tuple[str, str, Any]], event: str) -> None:
        if event in ("start_map", "start_array"):
            self._skip(events)

    def _skip(self, events: Iterator[tuple[str, str, Any]]) -> None:
        depth = 1
        for _, event, _ in events:
            if event in ("start_map", "start_array"):
                depth += 1
                if depth > self.limits.max_depth:
                    raise ValueError(f"nesting deeper than {self.limits.max_depth}")
            elif event in ("end_map", "end_array"):
                depth -= 1
                if depth == 0:
                    return


def _reason(exc: BaseException) -> str:
    text = str(exc)
    return text if len(text) < 200 else text[:197] + "..."


def write_json(records: Iterable[Record], out: IO[bytes], kind: MessageKind = DECLARATIE) -> int:
    """Write ``records`` (header, lines, totals) as one JSON document; return the line count."""
    order = RecordOrder(kind)
    dumps = orjson.dumps
    out.write(f'{{"{kind.root}": {{\n'.encode())
    buffer: list[bytes] = []
    first_line = True
    for record in records:
        part = order.accept(record)
        data = dumps(record.to_data())
        if part == "header":
            buffer.append(f'"{kind.header_element}": '.encode() + data)
            buffer.append(f',\n"{kind.lines_element}": [\n'.encode())
        elif part == "line":
            buffer.append(data if first_line else b",\n" + data)
            first_line = False
            if len(buffer) >= 1024:
                out.write(b"".join(buffer))
                buffer.clear()
        else:
            buffer.append(f'\n],\n"{kind.totals_element}": '.encode() + data + b"\n}}\n")
    order.finish()
    out.write(b"".join(buffer))
    return order.lines
