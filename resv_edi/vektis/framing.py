"""The framing of an EI file, without decoding a single field: line ends, character set, the
layout named by the header, record types, record lengths, record order, header and trailer,
and the number of records per type (what the trailer counts).

:class:`FrameScanner` yields one :class:`Frame` per record whose type the layout knows, and
the issues of the framing (``E001`` ``E002`` ``E003`` ``E004`` ``E011`` ``E012`` ``E014``
``F003`` ``F004``) in file order. The reader (:mod:`resv_edi.vektis.reader`) decodes the fields
of every frame; the lump-sum engine slices only the fields its mapping allowlists. Issues are
built by the caller's ``report`` function (which counts and caps them), so the scanner never
decides how many issues a caller keeps.

A frame's bytes are never echoed in an issue of a layout that carries patient data (the claim
standards): an unknown record type there is reported without its two bytes.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO, Protocol, overload

from resv_edi.errors import Issue
from resv_edi.limits import Limits
from resv_edi.source import Runs, physical_lines, wide_encoding
from resv_edi.vektis.frame_blocks import FrameBlock, OrderSteps
from resv_edi.vektis.layout import Layout, RecordLayout, TrailerCount, detect_layout, header_ids

_CONTROL = re.compile(rb"[\x00-\x1f\x7f-\x9f]")
UTF8_SEQUENCE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")
_BOM = b"\xef\xbb\xbf"


class Report(Protocol):
    """Builds (and counts) one issue at ``line``; ``None`` when the caller's cap is reached."""

    def __call__(self, code: str, line: int | None, **params: Any) -> Issue | None: ...


#: issues of one record's framing (``None`` entries are issues beyond the cap), or None
_Found = list[Issue | None] | None

#: Called once with the layout the header names (or ``None``): an issue stops the scan.
Accept = Callable[[Layout | None, int], Issue | None]


@dataclass(slots=True)
class Frame:
    """One record: 1-based line, type, layout, bytes (without the line end; BOM removed) and
    whether its length is the layout's record length."""

    line: int
    record_type: str
    record: RecordLayout
    body: bytes
    length_ok: bool


@dataclass(slots=True)
class FrameRun:
    """Whole records in a row that a block reader checked at once (:mod:`resv_edi.rules.ei_blocks`):
    what the scanner and the reader must still count. Its records are ``lines`` records of
    the right length from ``first_line`` on: one record type with a parent (:attr:`main`)
    and comment records, in an order the scanner accepts (:meth:`FrameScanner.takes_run`)."""

    first_line: int
    lines: int
    main: str
    counts: dict[str, int]  # records per type
    last_role: str
    last_id: int  # the IDENTIFICATIE DETAILRECORD of the last record, its type
    last_type: str
    sums: dict[str, int]  # per trailer total field key: the run's signed sum
    payload: Any = None  # what the block reader keeps of it


@dataclass(slots=True)
class _Order:
    """The record-order state: header and trailer seen, the open chain of parents."""

    header_seen: bool = False
    trailer_seen: bool = False
    prev_role: str | None = None
    #: [record type, last child type, {child type: count}] per open record
    chain: list[list[Any]] | None = None


class FrameScanner:
    """Scan the frames of one EI stream. Afterwards :attr:`layout`, :attr:`counts` (records
    per known type) and :attr:`lines` hold what was seen.

    ``length_code`` is the issue for a record of the wrong length (``E001``; the lump-sum
    engine, which skips such records, reports ``M005``); ``accept`` may refuse the layout the
    header names (the lump-sum engine refuses one its mapping does not read).
    """

    def __init__(
        self,
        report: Report,
        limits: Limits,
        layout: Layout | None = None,
        *,
        length_code: str = "E001",
        accept: Accept | None = None,
        columns: bool = False,
    ) -> None:
        self.report = report
        self.limits = limits
        self.layout = layout
        self.length_code = length_code
        self.accept = accept
        self.counts: dict[str, int] = {}
        self.lines = 0
        self.utf8_reported = False
        self._order = _Order()
        #: :meth:`scan_batches` yields :class:`FrameBlock` items (no Frame per record)
        self.columns = columns
        self._steps: OrderSteps | None = None

    @overload
    def scan(self, stream: BinaryIO, runs: None = None) -> Iterator[Frame | Issue | None]: ...

    @overload
    def scan(self, stream: BinaryIO, runs: Runs) -> Iterator[Frame | FrameRun | Issue | None]: ...

    def scan(
        self, stream: BinaryIO, runs: Runs | None = None
    ) -> Iterator[Frame | FrameRun | Issue | None]:
        """Frames and framing issues of ``stream`` (``None`` for an issue beyond the cap);
        the :class:`FrameRun` items of a block reader ``runs`` in place of their lines."""
        return self._scan(stream, runs)  # type: ignore[return-value]  # no Frames without runs

    def scan_batches(
        self, stream: BinaryIO, runs: Runs | None = None
    ) -> Iterator[Frame | Frames | FrameBlock | FrameRun | Issue | None]:
        """:meth:`scan`, where frames that have no issue come in lists (:class:`Frames`):
        whole records in a row, framed right on bytes (:func:`framed_lines`), are taken
        from the buffer at once, without a regular expression per line. With ``columns``
        (see the constructor) such records come as :class:`FrameBlock` items instead."""
        return self._scan(stream, runs or self._framed)

    def _scan(
        self, stream: BinaryIO, runs: Runs | None
    ) -> Iterator[Frame | Frames | FrameBlock | FrameRun | Issue | None]:
        line_no = 0
        lines: Iterator[Any] = physical_lines(stream, self.limits.max_line_length, runs)
        for line in lines:
            if self.columns and type(line) is _Bodies:  # framed by columns (FrameBlock)
                line_no = yield from self._blocks(line, line_no)
                continue
            if type(line) is _Bodies:  # records framed right on bytes
                report = self.report
                deferred = _Deferred()
                batch: Frames = Frames()
                for body in line:
                    line_no += 1
                    self.lines = line_no
                    self.report = deferred  # issues are made after the batch before them
                    try:
                        frame, problems = self._frame(body, line_no, False)
                    finally:
                        self.report = report
                    if problems is None and frame is not None and frame.record.role not in _ENDS:
                        batch.append(frame)
                        continue
                    if batch:
                        yield batch
                        batch = Frames()
                    if problems is not None:
                        yield from deferred.made(report, problems)
                    if frame is not None:
                        yield frame
                if batch:
                    yield batch
                continue
            if type(line) is not tuple:  # records a block reader took at once
                self._pass_run(line)
                line_no = self.lines
                yield line
                continue
            body, eol, overlong = line
            line_no += 1
            self.lines = line_no
            wide = wide_encoding(body) if line_no == 1 else None
            if wide is not None:  # every later byte is misread: one clear issue, no more
                reason = f"{wide} byte order mark; EI files are single-byte (ASCII or ISO-8859-1)"
                yield self.report("F004", line_no, reason=reason)
                return
            if eol != b"\r\n":
                yield self.report("E002", line_no)
            if overlong:
                yield self._length_issue(line_no, None, f"> {self.limits.max_line_length}")
                continue
            if not self.utf8_reported and (
                (line_no == 1 and body.startswith(_BOM)) or looks_utf8(body)
            ):
                self.utf8_reported = True
                yield self._utf8_issue(line_no, body)
                if line_no == 1 and body.startswith(_BOM):
                    body = body[len(_BOM) :]
            if self.layout is None:
                found = yield from self._detect(body, line_no)
                if not found:
                    return
            frame, problems = self._frame(body, line_no)
            if problems is not None:  # rare: a list is cheaper than a generator per line
                yield from problems
            if frame is not None:
                yield frame
        yield from self._end(line_no)

    def _blocks(
        self, bodies: list[bytes], line_no: int
    ) -> Generator[FrameBlock | Frame | Issue | None, None, int]:
        """Records framed right on bytes (:meth:`_framed`): the records in order up to the
        first that is not (a header or trailer, an unknown type, one out of order) as one
        :class:`FrameBlock`, counted; that record the exact way; and so on. Returns the
        last line number."""
        types = [body[:2] for body in bodies]
        at = 0
        while at < len(bodies):
            taken = self._in_order(types, at)
            if taken:
                ends = at + taken
                whole = taken == len(bodies)
                block = FrameBlock(
                    line_no + 1,
                    bodies if whole else bodies[at:ends],
                    types if whole else types[at:ends],
                    self.layout,  # type: ignore[arg-type]  # known once records are framed
                )
                line_no += taken
                self.lines = line_no
                yield block
                at = ends
                if at == len(bodies):
                    break
            line_no += 1
            self.lines = line_no
            frame, problems = self._frame(bodies[at], line_no, False)
            if problems is not None:
                yield from problems
            if frame is not None:
                yield frame
            at += 1
        return line_no

    def _in_order(self, types: list[bytes], at: int) -> int:
        """How many of the records of ``types`` from ``at`` on are detail records the order
        check passes (:class:`OrderSteps`); they are counted and the order moves past them."""
        layout = self.layout
        order = self._order
        if layout is None or order.chain is None or not order.header_seen or order.trailer_seen:
            return 0
        steps = self._steps
        if steps is None or steps.layout is not layout:
            steps = self._steps = OrderSteps(layout, self._order_step)
        taken, sid = steps.walk(steps.number(order.chain, order.prev_role), types, at)
        if taken:
            order.chain, order.prev_role = steps.chain(sid)
            counts = self.counts
            done = types[at : at + taken] if at or taken < len(types) else types
            for rtype, n in Counter(done).items():
                key = rtype.decode("latin-1")
                counts[key] = counts.get(key, 0) + n
        return taken

    def _order_step(
        self, chain: list[list[Any]], prev_role: str | None, rl: RecordLayout
    ) -> tuple[list[list[Any]], str | None] | None:
        """The scanner's own order check (:meth:`_check_order`) of a record of ``rl`` after
        ``chain`` and ``prev_role``: the chain and role after it, ``None`` for an issue."""
        scratch = FrameScanner(_Deferred(), self.limits, self.layout)
        scratch._order = _Order(header_seen=True, prev_role=prev_role, chain=chain)
        if scratch._check_order(rl, 2) is not None:
            return None
        return scratch._order.chain, scratch._order.prev_role  # type: ignore[return-value]

    def takes_run(self, main: str) -> bool:
        """Whether records of type ``main`` (each maybe followed by comment records) may
        follow now as a :class:`FrameRun`: the header was read, the trailer not, and a
        ``main`` record is in order here, so each would be framed without an issue."""
        layout = self.layout
        order = self._order
        chain = order.chain
        if layout is None or not order.header_seen or order.trailer_seen or chain is None:
            return False
        rl = layout.records.get(main)
        if rl is None or rl.parent in (None, "*") or rl.max_per_parent or self.lines < 1:
            return False
        for step in chain:
            if step[0] == rl.parent:
                last = step[1]
                return last is None or layout.records[last].order <= rl.order
        return False

    def _pass_run(self, run: FrameRun) -> None:
        """Count the records of ``run`` and move the order on past them."""
        assert self.layout is not None and self._order.chain is not None
        self.lines += run.lines
        counts = self.counts
        for rtype, n in run.counts.items():
            counts[rtype] = counts.get(rtype, 0) + n
        chain = self._order.chain
        parent = self.layout.records[run.main].parent
        i = next(i for i, step in enumerate(chain) if step[0] == parent)
        del chain[i + 1 :]
        chain[i][1] = run.main
        chain[i][2][run.main] = chain[i][2].get(run.main, 0) + run.counts[run.main]
        chain.append([run.main, None, {}])
        self._order.prev_role = run.last_role

    # -- the steps of one line ---------------------------------------------------------------
    def _utf8_issue(self, line_no: int, body: bytes) -> Issue | None:
        what = "byte order mark" if body.startswith(_BOM) else "multi-byte sequence"
        reason = f"UTF-8 {what} on line {line_no}; EI files are single-byte (ASCII or ISO-8859-1)"
        return self.report("F004", line_no, reason=reason)

    def _detect(self, body: bytes, line_no: int) -> Generator[Issue | None, None, bool]:
        """Find the layout the header names; returns whether the scan goes on."""
        header = body.startswith(b"01")
        layout = detect_layout(body) if header else None
        if self.accept is not None:
            refused = self.accept(layout, line_no)
            if refused is not None:
                yield refused
                return False
        if layout is None:
            text = body.decode("latin-1")
            if not header:
                reason = f"first record is {text[:2]!r}, not a header record"
                yield self.report("E012", line_no, record_type=text[:2], reason=reason)
            ids = header_ids(body)
            found: int | str
            if ids is not None:
                found, version = ids[0], f"{ids[1]}.{ids[2]}"
            else:
                found, version = text[2:5], text[5:7] + "." + text[7:9]
            yield self.report("E014", line_no, found=found, version=version)
            return False
        self.layout = layout
        return True

    def _framed(self, buf: bytes, pos: int) -> tuple[_Bodies, int] | None:
        """The records from ``pos`` in ``buf`` that are framed right (:func:`framed_lines`),
        once the header named the layout."""
        layout = self.layout
        if layout is None or self.lines < 1 or layout.record_length > self.limits.max_line_length:
            return None
        length = layout.record_length
        stride = length + 2
        if buf[pos + length : pos + stride] != b"\r\n":
            return None
        count = framed_lines(buf, pos, min((len(buf) - pos) // stride, _BATCH), length)
        if count and not self.utf8_reported:
            view = buf[pos : pos + count * stride]
            if not view.isascii():
                count = next(
                    (j for j in range(count) if looks_utf8(view[j * stride : j * stride + length])),
                    count,
                )
        if not count:
            return None
        end = pos + count * stride
        return _Bodies([buf[at : at + length] for at in range(pos, end, stride)]), end

    def _frame(
        self, body: bytes, line_no: int, control: bool = True
    ) -> tuple[Frame | None, _Found]:
        """One record's :class:`Frame` (``None`` for an unknown record type) and the issues of
        its framing (``None`` when there are none). ``control``: look for control characters
        (not in records framed on bytes already)."""
        layout = self.layout
        assert layout is not None
        rtype = body[:2].decode("latin-1")
        found: _Found = None
        bad = _CONTROL.search(body) if control else None
        if bad is not None:
            found = [self._control_issue(body, bad.start(), rtype, line_no)]
        rl = layout.records.get(rtype)
        order = self._order
        if rl is not None and bad is None and not order.trailer_seen and line_no != 1:
            # the common case, kept short: a known record of the right length in order
            role = rl.role
            parent = rl.parent
            if role != "header" and role != "trailer" and parent is not None and parent != "*":
                counts = self.counts
                counts[rtype] = counts.get(rtype, 0) + 1
                if len(body) == layout.record_length and order.chain is not None:
                    reason = _check_parent(rl, layout, order.chain)
                    order.prev_role = role
                    if reason is None:
                        return Frame(line_no, rtype, rl, body, True), None
                    e004 = self.report(
                        "E004", line_no, record_type=rtype, found=rtype, reason=reason
                    )
                    return Frame(line_no, rtype, rl, body, True), [e004]
                counts[rtype] -= 1  # counted again below
        if rl is None:
            # in a claim file the two bytes of a shifted record may be patient data
            shown = (
                f"(not one of {', '.join(layout.records)})"
                if layout.carries_patient_data
                else repr(rtype)
            )
            unknown = self.report("E003", line_no, column=1, found=shown)
            self._order.prev_role = "unknown"
            return None, [*(found or ()), unknown]
        self.counts[rtype] = self.counts.get(rtype, 0) + 1
        length_ok = len(body) == layout.record_length
        if not length_ok:
            found = [*(found or ()), self._length_issue(line_no, rtype, len(body))]
        disorder = self._check_order(rl, line_no)
        if disorder is not None:
            found = [*(found or ()), *disorder]
        return Frame(line_no, rtype, rl, body, length_ok), found

    def _length_issue(self, line_no: int, rtype: str | None, found: int | str) -> Issue | None:
        expected = self.layout.record_length if self.layout else "?"
        return self.report(
            self.length_code,
            line_no,
            record_type=rtype,
            record=rtype or "?",
            found=found,
            expected=expected,
        )

    def _control_issue(self, body: bytes, at: int, rtype: str, line_no: int) -> Issue | None:
        """E011 at the first control character of a line: its column, field and byte."""
        assert self.layout is not None
        column = at + 1
        rl = self.layout.records.get(rtype)
        f = rl.field_at(column) if rl else None
        byte = f"byte 0x{body[at]:02X}"
        return self.report(
            "E011",
            line_no,
            column=column,
            record_type=rtype,
            path=f.id if f else None,
            field=f"{f.name} ({byte})" if f else f"column {column} ({byte})",
        )

    def _check_order(self, rl: RecordLayout, line_no: int) -> _Found:
        """E012 (the first record is no header) and E004 (a record out of order), or None."""
        layout = self.layout
        assert layout is not None
        order = self._order
        if order.chain is None:
            order.chain = [[layout.header.type, None, {}]]
        role, rtype = rl.role, rl.type
        found: _Found = None
        reason = None
        if order.trailer_seen:
            reason = f"after the trailer record {layout.trailer.type}"
        elif role == "header":
            ok = line_no == 1 and not order.header_seen
            reason = None if ok else "the header must be first"
            order.header_seen = True
        elif line_no == 1:
            reason1 = f"first record is {rtype}, not the header {layout.header.type}"
            found = [self.report("E012", line_no, record_type=rtype, reason=reason1)]
        if role == "trailer":
            order.trailer_seen = True
        elif role != "header" and reason is None:
            if rl.parent == "*":
                if order.prev_role in (None, "header"):
                    reason = "a comment record must follow the record it comments"
            elif rl.parent is not None:
                reason = _check_parent(rl, layout, order.chain)
        if reason is not None:
            disorder = self.report("E004", line_no, record_type=rtype, found=rtype, reason=reason)
            found = [*(found or ()), disorder]
        order.prev_role = role
        return found

    def _end(self, line_no: int) -> Iterator[Issue | None]:
        """F003 for an empty file; E012 for a missing header or trailer."""
        if line_no == 0:
            yield self.report("F003", None)
            return
        if self.layout is None:
            return
        if not self._order.header_seen:
            yield self.report("E012", 1, reason="no header record")
        if not self._order.trailer_seen:
            reason = f"no trailer record (the file ends at line {line_no})"
            yield self.report("E012", line_no, reason=reason)


def _check_parent(rl: RecordLayout, layout: Layout, chain: list[list[Any]]) -> str | None:
    """Check ``rl`` against the open chain of records and update it; a reason when out of
    order."""
    for i in range(len(chain) - 1, -1, -1):
        if chain[i][0] == rl.parent:
            break
    else:
        return f"no {rl.parent} record before it"
    del chain[i + 1 :]
    parent = chain[i]
    reason = None
    last = parent[1]
    if last is not None and layout.records[last].order > rl.order:
        reason = f"a {rl.type} record must come before the {last} records of its {rl.parent}"
    seen = parent[2].get(rl.type, 0) + 1
    parent[2][rl.type] = seen
    if rl.max_per_parent and seen > rl.max_per_parent and reason is None:
        reason = f"more than {rl.max_per_parent} {rl.type} record(s) per {rl.parent} record"
    parent[1] = rl.type
    chain.append([rl.type, None, {}])
    return reason


#: records taken from the buffer at once (see :meth:`FrameScanner._framed`)
_BATCH = 1024
#: every byte that is no control character (control: 0x00-0x1F, 0x7F-0x9F), to delete
NOT_CONTROL = bytes(b for b in range(256) if not (b < 0x20 or 0x7F <= b <= 0x9F))


_ENDS = ("header", "trailer")  # records the reader checks against the counts so far


class _Deferred:
    """A :class:`Report` that keeps what it is asked; :meth:`made` makes the issues later,
    in the same order, so that a caller's count and cap see them where they belong."""

    def __init__(self) -> None:
        self.asked: list[tuple[object, str, int | None, dict[str, Any]]] = []

    def __call__(self, code: str, line: int | None, **params: Any) -> Issue | None:
        token = object()
        self.asked.append((token, code, line, params))
        return token  # type: ignore[return-value]  # replaced in made()

    def made(self, report: Report, problems: list[Issue | None]) -> list[Issue | None]:
        real = {id(token): report(code, line, **params) for token, code, line, params in self.asked}
        self.asked.clear()
        return [real[id(p)] for p in problems]


class _Bodies(list[bytes]):
    """Record bodies framed right on bytes (a batch of :meth:`FrameScanner._framed`)."""


class Frames(list[Frame]):
    """Frames in a row that have no framing issue (with :attr:`FrameScanner.batches`)."""


def framed_lines(buf: bytes, pos: int, n: int, length: int) -> int:
    """How many of the ``n`` lines from ``pos`` in ``buf`` are records of ``length`` bytes
    ending in CR LF with no control character: lines the scanner's checks of line ends,
    lengths and characters pass without an issue (compared at the stride, one ``translate``)."""
    stride = length + 2
    view = buf[pos : pos + n * stride]
    ends = view[length::stride]
    feeds = view[length + 1 :: stride]
    if ends.count(b"\r") != n or feeds.count(b"\n") != n:
        n = next(j for j in range(n) if ends[j] != 0x0D or feeds[j] != 0x0A)
        view = view[: n * stride]
    if view.translate(None, NOT_CONTROL) != b"\r\n" * n:
        n = next(
            j
            for j in range(n)
            if view[j * stride : j * stride + length].translate(None, NOT_CONTROL)
        )
    return n


def count_mismatches(
    layout: Layout, trailer: dict[str, Any], counts: dict[str, int]
) -> Iterator[tuple[TrailerCount, int, int]]:
    """(count field, found, expected) for every count of the ``trailer`` record's values
    (by field key) that differs from ``counts`` (records per type); a count that is absent or
    not all digits is skipped (it is an E005 of its own)."""
    for count in layout.counts:
        found = trailer.get(count.field.key)
        if not (isinstance(found, str) and found.isascii() and found.isdigit()):
            continue
        expected = sum(counts.get(t, 0) for t in count.records)
        if int(found) != expected:
            yield count, int(found), expected


def looks_utf8(body: bytes) -> bool:
    """True when ``body`` holds a UTF-8 multi-byte sequence and decodes as UTF-8."""
    if body.isascii() or UTF8_SEQUENCE.search(body) is None:
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
