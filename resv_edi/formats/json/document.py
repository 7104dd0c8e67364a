"""One JSON document per message, read as a stream with ijson.

Shape: ``{"Declaratiebericht": {"Header": {...}, "Prestaties": [{...}, ...], "Totalen": {...}}}``
with the keys in that order (so that it streams); ``Retourbericht`` for a return message.
Positions are JSON pointers (``/Declaratiebericht/Prestaties/41/Bedrag``). Duplicate keys,
nesting deeper than ``limits.max_depth`` and keys out of order are reported.

Hostile input: the parser runs on ``ijson.basic_parse`` (no prefixes: ``ijson.parse`` builds
a prefix string per nesting level, quadratic in the depth, and its C backend crashes on an
integer literal beyond ``sys.get_int_max_str_digits()``). Before the bytes reach the parser,
:class:`_Guard` refuses digit runs longer than :data:`MAX_DIGITS` and stretches without a
string delimiter longer than a field of ``limits.max_field_length`` characters can need, so
that neither a number nor a string token can grow without bound. Strings longer than
``max_field_length`` and numbers beyond :data:`MAX_EXPONENT` are refused as limits (L001).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import IO, Any

import ijson
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
from resv_edi.source import Prefixed, Source, read_guarded
from resv_edi.standard.catalogue import issue

MAX_DIGITS = 4000
"""Longest run of digits accepted anywhere in a document (Python refuses to convert more than
4300 digits to an int; no field of the standard holds more than 100 characters)."""
MAX_EXPONENT = 30
"""Largest decimal exponent of a number (``1e31`` and beyond are refused before the model turns
them into integers: ``int(Decimal("1e999999999"))`` would take minutes and gigabytes)."""
#: digits -> 1, anything else -> 0: a digit run is then found by ``bytes.find`` (C speed)
_DIGIT_TABLE = bytes(1 if 0x30 <= b <= 0x39 else 0 for b in range(256))
_DIGIT_RUN = b"\x01" * (MAX_DIGITS + 1)
_DIGITS = b"0123456789"
_SURROGATE = re.compile("[\ud800-\udfff]")
_LONE_SURROGATE = re.compile(
    rb"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    rb"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)

Event = tuple[str, Any]


class _Limit(ValueError):
    """A limit reached while reading: reported as L001 (fatal)."""


class _Guard(io.RawIOBase):
    """Passes the bytes of ``raw`` through, refusing runaway number and string tokens.

    Both checks are single regex/bytes scans per chunk (C speed); the runs are carried across
    chunk boundaries.
    """

    def __init__(self, raw: IO[bytes] | io.RawIOBase, max_field_length: int) -> None:
        self._raw = raw
        self._max_run = 6 * max_field_length + 64  # every character as a \uXXXX escape
        self._quote_free = re.compile(rb'"[^"]{%d}' % self._max_run)
        # a run of twice this many bytes holds a whole aligned window: when every window of a
        # chunk holds a quote, the chunk holds no digit run and no quote-free run the scans
        # below look for (they are then skipped)
        self._window = max(1, min((MAX_DIGITS + 1) // 2, self._max_run // 2))
        self._digits = 0  # trailing digits of the previous chunk
        self._no_quote = 0  # trailing bytes without a quote of the previous chunk
        self._tail = b""  # the end of the previous chunk (escapes cut in two)
        self.block_line = 1  # line of the first byte of the last chunk passed on
        self.block_start = self.block_end = 0  # its byte offsets (from the document's start)
        self._newlines = 0  # newlines passed on before the last chunk
        self._block = b""
        self.error_line: int | None = None  # where the guard refused, when it did

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._raw.read(len(buffer))
        if data:  # the end of the input keeps the last block as the one the parser is in
            self.block_line = self._newlines + 1
            self._block = data
            self._newlines += data.count(b"\n")
            self.block_start = self.block_end
            self.block_end += len(data)
            self._check(data)
            buffer[: len(data)] = data
        self._surrogates(data)
        return len(data)

    def _refuse(self, error: ValueError, at: int) -> ValueError:
        """``error``, with the line of byte ``at`` of the last chunk noted."""
        self.error_line = self.block_line + self._block[: max(at, 0)].count(b"\n")
        return error

    def _surrogates(self, data: bytes) -> None:
        """Refuse a ``\\uD800``-``\\uDFFF`` escape that is not half of a pair: the C parser
        turns it into ``?`` silently (or fails outside its error handling)."""
        if b"\\" not in data and b"\\" not in self._tail:  # no escape at all (memchr)
            self._tail = data[-16:] if len(data) >= 16 else (self._tail + data)[-16:]
            return
        window = self._tail + data
        if b"\\u" in window:
            match = _LONE_SURROGATE.search(window)
            # a match in the last 12 bytes may be completed by the next chunk; it is seen again
            if match and (not data or match.start() < len(window) - 12):
                raise self._refuse(
                    ValueError("lone surrogate escape (\\ud800-\\udfff) in a string"),
                    match.start() - len(self._tail),
                )
        self._tail = window[-16:]

    def _check(self, data: bytes) -> None:
        lead = len(data) - len(data.lstrip(_DIGITS))
        raw = data
        if b"\\" in data:  # an escaped quote does not end a string (memchr first)
            data = data.replace(b'\\"', b"__")
        # the scans for runs within the chunk, unless every window holds a quote (then a
        # digit, which is no quote, and an escaped quote, replaced, never end a window early)
        scan = not every_window_holds(data, b'"', self._window)
        run = raw.translate(_DIGIT_TABLE).find(_DIGIT_RUN) if scan else -1
        if self._digits + lead > MAX_DIGITS or run >= 0:
            limit = _Limit(f"a number longer than {MAX_DIGITS} digits")
            raise self._refuse(limit, run if run >= 0 else 0)
        self._digits = (
            (self._digits + lead) if lead == len(raw) else (len(raw) - len(raw.rstrip(_DIGITS)))
        )
        first = data.find(b'"')
        at = 0  # where the run without a delimiter starts, in this chunk
        if first < 0:
            self._no_quote += len(data)
        elif self._no_quote + first > self._max_run:
            self._no_quote = self._max_run + 1
        elif scan and (free := self._quote_free.search(data)) is not None:
            self._no_quote, at = self._max_run + 1, free.start()
        else:
            self._no_quote = len(data) - data.rfind(b'"') - 1
        if self._no_quote > self._max_run:
            limit = _Limit(
                f"more than {self._max_run} bytes without a string delimiter: a runaway "
                "string, number or nesting (see max_field_length)"
            )
            raise self._refuse(limit, at)


def every_window_holds(
    data: bytes | bytearray, byte: bytes, width: int, start: int = 0, end: int | None = None
) -> bool:
    """Whether every whole window of ``width`` bytes of ``data[start:end]`` (at ``start``,
    ``start + width``, ...) holds ``byte``: then no run of ``2 * width`` bytes without it lies
    within (such a run holds a whole window). One ``find`` a window, ending at the first hit."""
    find = data.find
    stop = len(data) if end is None else end
    return all(find(byte, at, at + width) >= 0 for at in range(start, stop - width + 1, width))


def read_json(
    source: Source,
    kind: MessageKind | None = None,
    *,
    file: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Iterator[Entry | Issue]:
    """Yield the entries of a JSON message and issues where it is wrong."""
    yield from read_guarded(
        source, file, limits, lambda fh, name: _Reader(kind, name, limits).run(fh)
    )


class RecordRefused(Exception):
    """The exact reader would end the whole read at this record (a limit, a parse error):
    raised by :func:`read_json_record`, whose caller then reads the document the exact way."""


def guarded_stream(fh: IO[bytes], limits: Limits = DEFAULT_LIMITS) -> IO[bytes] | None:
    """The document's bytes (after a BOM) as the exact reader's parser gets them: read in the
    same chunks through the same guard (so a refusal happens at the same byte); ``None`` for
    an empty document."""
    head = fh.read(4096)
    if head.startswith(b"\xef\xbb\xbf"):  # RFC 8259: a BOM may be ignored
        head = head[3:]
    if not head.strip():
        return None
    return io.BufferedReader(_Guard(Prefixed(head, fh), limits.max_field_length))


def read_json_record(
    raw: bytes,
    kind: MessageKind,
    part: Part,
    pointer: str,
    index: int,
    file: str,
    limits: Limits = DEFAULT_LIMITS,
) -> list[Entry | Issue]:
    """The entries and issues the exact reader gives for one record (header, line or totals
    object, its bytes ``raw``) at JSON pointer ``pointer``; raises :class:`RecordRefused`
    where the exact reader would stop reading."""
    reader = _Reader(kind, file, limits)
    reader.at = pointer
    try:
        return list(
            reader._record(
                ijson.basic_parse(io.BytesIO(raw), use_float=False), kind, part, pointer, index
            )
        )
    except (
        StopIteration,
        RuntimeError,
        ijson.JSONError,
        ValueError,
        ArithmeticError,
        RecursionError,
    ) as exc:
        raise RecordRefused(str(exc)) from exc


class _Reader:
    def __init__(self, kind: MessageKind | None, file: str, limits: Limits) -> None:
        self.kind = kind
        self.file = file
        self.limits = limits
        self._max_len = limits.max_field_length
        self._max_depth = limits.max_depth
        self.lines = 0
        self.at: str | None = None  # JSON pointer of the record being read (for errors)

    def run(self, fh: IO[bytes]) -> Iterator[Entry | Issue]:
        where = Location(file=self.file)
        start = fh.tell() if fh.seekable() else None
        head = fh.read(4096)
        bom = 3 if head.startswith(b"\xef\xbb\xbf") else 0  # RFC 8259: a BOM may be ignored
        head = head[bom:]
        if not head.strip():
            yield issue("F003", where)
            return
        guard = _Guard(Prefixed(head, fh), self.limits.max_field_length)
        guarded = io.BufferedReader(guard)
        events = ijson.basic_parse(guarded, use_float=False)

        def failed(code: str, *, parser: bool, **params: Any) -> Issue:
            """A fatal issue where reading stopped: where the guard refused; for a parser
            error, its exact line (found again, for a file that can be re-read, within the
            block the parser failed in; else that block's first line); for what the reader
            itself refuses, the record's JSON pointer (``self.at``) says where."""
            line = guard.error_line
            if line is None and parser:
                found = None
                if start is not None:
                    found = _error_line(fh, start + bom, guard.block_start, guard.block_end)
                line = found or guard.block_line
            return issue(code, where.with_(path=self.at, line=line), **params)

        try:
            first = next(events)
            if first[0] != "start_map":
                lead = len(head) - len(head.lstrip())  # the first token is in the head
                line = head[:lead].count(b"\n") + 1
                reason = "the document must be a JSON object"
                yield issue("J001", where.with_(line=line), reason=reason)
                return
            event, value = next(events)
            kind: MessageKind | None = None
            for candidate in KINDS.values():
                if event == "map_key" and value == candidate.root:
                    kind = candidate
            if kind is None or (self.kind is not None and kind is not self.kind):
                expected = (self.kind or DECLARATIE).root
                yield issue("X003", where.with_(path="/"), found=str(value), expected=expected)
                return
            yield from self._message(events, kind)
            for event, value in events:
                if event == "map_key":
                    yield issue(
                        "J003",
                        where.with_(path=f"/{value}"),
                        reason="one message per document",
                    )
        except _Limit as exc:
            yield failed("L001", parser=False, reason=_reason(exc))
        except StopIteration:
            yield failed("J001", parser=True, reason="incomplete JSON")
        except ijson.JSONError as exc:
            yield failed("J001", parser=True, reason=_reason(exc))
        except (ValueError, ArithmeticError, RecursionError) as exc:  # refused values
            yield failed("J001", parser=False, reason=_reason(exc))

    def _scalar(self, event: str, value: Any) -> Any:
        """A string or number of a record, checked against the limits (keys go through here
        too); the guard has already bounded them in bytes."""
        if event == "string" or event == "map_key":
            if len(value) > self.limits.max_field_length:
                raise _Limit(f"a string longer than {self.limits.max_field_length} characters")
            if not value.isascii() and _SURROGATE.search(value):
                raise ValueError("lone surrogate (\\ud800-\\udfff) in a string")
        elif (
            event == "number"
            and type(value) is Decimal
            and (not value.is_finite() or value.adjusted() > MAX_EXPONENT)
        ):
            raise _Limit(f"a number beyond 1e{MAX_EXPONENT}")
        return value

    def _message(self, events: Iterator[Event], kind: MessageKind) -> Iterator[Entry | Issue]:
        root = kind.root
        expected = [kind.header_element, kind.lines_element, kind.totals_element]
        seen: list[str] = []
        head = Location(file=self.file)
        self.at = f"/{root}"
        event, value = next(events)
        if event != "start_map":
            yield issue("J003", head.with_(path=f"/{root}"), reason=f"{root} must be an object")
            return
        # every member's value is consumed whole below, so the next end_map closes the root
        for event, value in events:
            if event == "end_map":
                break
            if event != "map_key":
                continue
            pointer = f"/{root}/{value}"
            repeated = value in seen
            if repeated:  # its value is skipped: one header, one list of lines, one totals
                yield issue("J004", head.with_(path=pointer), key=redact(value))
            elif value not in expected:
                yield issue("J003", head.with_(path=pointer), reason=f"unknown key {value!r}")
            elif seen and expected.index(value) < expected.index(seen[-1]):
                yield issue("J003", head.with_(path=pointer), reason=f"{value} out of order")
            self.at = pointer
            if repeated or value not in expected:
                event, _ = next(events)
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
        self, events: Iterator[Event], kind: MessageKind, prefix: str, pointer: str
    ) -> Iterator[Entry | Issue]:
        event, _ = next(events)
        if event != "start_array":
            yield issue("J003", Location(file=self.file, path=pointer), reason="must be an array")
            self._skip_value(events, event)
            return
        for n, (event, _) in enumerate(events, start=1):
            if event == "end_array":
                break
            self.lines += 1
            self.at = f"{pointer}/{n - 1}"
            if self.limits.max_records and self.lines > self.limits.max_records:
                raise _Limit(f"more than {self.limits.max_records} lines")
            yield from self._record(events, kind, "line", f"{pointer}/{n - 1}", n, first=event)

    def _record(
        self,
        events: Iterator[Event],
        kind: MessageKind,
        part: Part,
        pointer: str,
        index: int,
        first: str | None = None,
    ) -> Iterator[Entry | Issue]:
        event = first or next(events)[0]
        location = Location(
            file=self.file, path=pointer, record_type=kind.element(part), index=index or None
        )
        if event != "start_map":
            self._skip_value(events, event)
            yield issue("J003", location, reason=f"{kind.element(part)} must be an object")
            yield Entry(part, None, location, index, kind.name)
            return
        data: dict[str, Any] = {}
        problems: list[Issue] = []
        key = None
        for event, value in events:
            if event == "end_map":
                break
            if event == "map_key":
                key = value
                if len(key) > self._max_len or not key.isascii():
                    key = self._scalar(event, key)
                if key in data:
                    problems.append(
                        issue("J004", location.with_(path=f"{pointer}/{key}"), key=redact(key))
                    )
                continue
            assert key is not None  # a value follows its map_key
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
        bound = record if not problems else None
        yield Entry(part, bound, location, index, kind.name, data if bound is None else None)

    def _value(self, events: Iterator[Event], event: str, value: Any, depth: int) -> Any:
        """A (small) value inside a record; containers are built up to ``max_depth``.

        Scalars take the fast path: only a long or non-ASCII string and a Decimal are looked
        at closely (:meth:`_scalar`)."""
        if depth > self._max_depth:
            raise _Limit(f"nesting deeper than {self._max_depth}")
        if event == "string":
            if len(value) > self._max_len or not value.isascii():
                return self._scalar(event, value)
            return value
        if event == "number":
            return self._scalar(event, value) if type(value) is Decimal else value
        if event == "start_array":
            items: list[Any] = []
            for ev, val in events:
                if ev == "end_array":
                    return items
                items.append(self._value(events, ev, val, depth + 1))
        if event == "start_map":
            obj: dict[str, Any] = {}
            key = ""
            for ev, val in events:
                if ev == "end_map":
                    return obj
                if ev == "map_key":
                    key = self._key(val)
                else:
                    obj[key] = self._value(events, ev, val, depth + 1)
        return value

    def _key(self, key: str) -> str:
        if len(key) > self._max_len or not key.isascii():
            return self._scalar("map_key", key)
        return key

    def _skip_value(self, events: Iterator[Event], event: str) -> None:
        if event in ("start_map", "start_array"):
            self._skip(events)

    def _skip(self, events: Iterator[Event]) -> None:
        depth = 1
        for event, _ in events:
            if event in ("start_map", "start_array"):
                depth += 1
                if depth > self.limits.max_depth:
                    raise _Limit(f"nesting deeper than {self.limits.max_depth}")
            elif event in ("end_map", "end_array"):
                depth -= 1
                if depth == 0:
                    return


class _Probe(io.RawIOBase):
    """Passes ``raw`` on in blocks before byte ``slow_from``, then one byte per read up to
    byte ``stop_at``, where its input ends (the parser failed in that block, or at the end):
    when the parser fails, :attr:`line` is the line of the last byte it was given."""

    def __init__(self, raw: IO[bytes], slow_from: int, stop_at: int) -> None:
        self._raw = raw
        self._slow_from = slow_from
        self._stop_at = stop_at
        self._pos = 0
        self._next = 1  # the line of the next byte
        self.line = 1

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if not len(buffer):
            return 0
        if self._pos >= self._stop_at:  # the end of the block the parser failed in
            return 0
        ahead = self._slow_from - self._pos
        data = self._raw.read(min(len(buffer), ahead) if ahead > 0 else 1)
        if data:
            buffer[: len(data)] = data
            self.line = self._next + data[:-1].count(b"\n")
            self._next += data.count(b"\n")
            self._pos += len(data)
        return len(data)


def _error_line(fh: IO[bytes], start: int, block_start: int, block_end: int) -> int | None:
    """The line of the byte the parser fails on, parsing ``fh`` again from ``start`` in
    blocks up to ``block_start`` (where the block it failed in begins) and byte by byte to
    ``block_end``; ``None`` when the input cannot be read again."""
    probe = _Probe(fh, block_start, block_end)
    try:
        fh.seek(start)
        for _ in ijson.basic_parse(probe, use_float=False, buf_size=1 << 16):
            pass
    except Exception:  # any parser error: its position is what is wanted
        return probe.line
    return None


def _reason(exc: BaseException) -> str:
    """The parser's message, short and with any possible BSN hidden (yajl quotes the input)."""
    text = redact(str(exc))
    return text if len(text) < 200 else text[:197] + "..."


def write_json(
    records: Iterable[Record | LineBlock], out: IO[bytes], kind: MessageKind = DECLARATIE
) -> int:
    """Write ``records`` (header, lines, totals) as one JSON document; return the line count.
    Lines may come as :class:`~resv_edi.model.columns.LineBlock` items (the same bytes)."""
    order = RecordOrder(kind)
    dumps = orjson.dumps
    out.write(f'{{"{kind.root}": {{\n'.encode())
    buffer: list[bytes] = []
    first_line = True
    for record in records:
        if isinstance(record, LineBlock):
            order.accept_block(record)
            for line in record.data():
                buffer.append(dumps(line) if first_line else b",\n" + dumps(line))
                first_line = False
            out.write(b"".join(buffer))
            buffer.clear()
            continue
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
