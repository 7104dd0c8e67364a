"""Streaming reader for Vektis EI fixed-width files: records and issues in one stream.

``read_records(source)`` yields :class:`EIRecord` objects and :class:`~resv_edi.errors.Issue`
objects in file order. It never stops at the first problem and never raises on bad input
(only on a programming error such as a wrong argument type). Memory does not grow with the
file: the file is read in chunks, and only counters and running totals are kept.

Encoding: EI files are single-byte. Accepted are printable ASCII and printable ISO-8859-1
(latin-1, 0xA0-0xFF) characters; every record ends in CR LF. Rejected are control characters
(0x00-0x1F other than the CR LF terminator, 0x7F-0x9F) with ``E011`` per line, and UTF-8
input (a byte order mark, or multi-byte sequences that decode as UTF-8) with one ``F004``
naming the first line where it was seen. A record's text is decoded as latin-1.

Typed values in :attr:`EIRecord.values` (by field ``key``):

* ``AN``: ``str``, trailing spaces stripped;
* ``N``: ``str`` of digits, leading zeros kept (N fields are mostly codes and identifiers:
  AGB, UZOVI, BSN, return codes), ``""`` when the field is blank;
* ``date``: :class:`datetime.date`, or ``None`` for all zeros / blank;
* ``amount``: ``int`` (euro cents, unsigned), ``None`` when blank;
* ``dc``: ``"D"`` or ``"C"``.

A value that cannot be converted (reported as an issue) is kept as its raw text, so that
writing the record back reproduces it; a blank N, date or amount field (``""`` / ``None``) is
written back as the spaces of :attr:`EIRecord.raw` (see :mod:`resv_edi.vektis.writer`).

IDENTIFICATIE DETAILRECORD (Vektis NUM040, the second field of every detail record): "detail
records have a sequence number starting at 1 and ascending by 1; a comment record has the
number of the detail record it belongs to; records of a return message inherit the number of
the declaration" (the Vektis specifications, e.g. AW319 v1.4, AP304 v7.2, ZH308 v9.0). The
reader checks what holds in every one of those cases, declarations and returns alike, and
needs no more than the record before: each detail record's number is above that of the
detail record before it, and a comment record's number is at least that. A number that
repeats or goes down is an ``E004`` at the field (line, column, field id, record type).
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from itertools import chain, compress, repeat
from operator import eq, itemgetter, lt
from typing import Any, BinaryIO

from resv_edi.collection import uncollected
from resv_edi.errors import Issue, Location, UnsafeInputError
from resv_edi.limits import DEFAULT_LIMITS, Limits
from resv_edi.privacy import redact
from resv_edi.source import Runs, Source, open_source, source_name
from resv_edi.standard.catalogue import issue
from resv_edi.vektis.frame_blocks import FrameBlock
from resv_edi.vektis.framing import Frame, FrameRun, FrameScanner, count_mismatches
from resv_edi.vektis.layout import (
    AMOUNT,
    AN,
    DATE,
    DC,
    FieldSpec,
    Layout,
    N,
    RecordLayout,
)
from resv_edi.vektis.record_columns import record_columns

_MASK = "***"
#: records per block read by columns (:meth:`EIReader._block`): a scanner's block is read in
#: parts of at most this many, so that the records made and read next stay in the cache
_PART = 256
_ENDS = ("header", "trailer")


@dataclass(slots=True)
class EIRecord:
    """One record as read: its type, 1-based line number, typed values and raw text
    (without the line ending)."""

    record_type: str
    line: int
    values: dict[str, Any]
    raw: str


@lru_cache(maxsize=8192)
def _to_date(raw: str) -> date | None:
    """``CCYYMMDD`` to a date; raises ValueError when it is no date."""
    return date(int(raw[0:4]), int(raw[4:6]), int(raw[6:8]))


def parse_fields(
    rl: RecordLayout, text: str
) -> tuple[dict[str, Any], list[tuple[str, FieldSpec, str]] | None]:
    """Slice ``text`` by ``rl`` into typed values, plus (code, field, raw) for each problem.

    This is the hot path: one pass over the fields, no allocation besides the values.
    """
    raws = rl.getter(text)
    # plain AN fields are sliced and stripped in one step; the others are checked below
    values: dict[str, Any] = dict(zip(rl.keys, map(str.rstrip, raws), strict=True))
    problems: list[tuple[str, FieldSpec, str]] | None = None
    for i, f in rl.checked:
        raw = raws[i]
        kind = f.kind
        code = None
        if kind == AN:
            value: Any = raw.rstrip()
            if f.mandatory and not value:
                code = "E007"
        elif raw.isdigit() and raw.isascii():
            if kind == N:
                value = raw
            elif kind == AMOUNT:
                value = int(raw)
            elif kind == DATE:
                if raw == "00000000":
                    value = None
                    if f.mandatory:
                        code = "E007"
                else:
                    try:
                        value = _to_date(raw)
                    except ValueError:
                        value, code = raw, "E006"
            else:  # DC
                value, code = raw, "E013"
        elif kind == DC:
            value = raw
            if raw != "D" and raw != "C":
                code = "E007" if f.mandatory and raw == " " else "E013"
        elif raw.isspace() or not raw:
            value = "" if kind == N else None
            code = "E007" if f.mandatory else ("E005" if kind in (N, AMOUNT) else None)
        else:
            value, code = raw, ("E006" if kind == DATE else "E005")
        values[f.key] = value
        if code is None and (f.allowed is not None or f.regex is not None):
            if not f.mandatory and raw.isspace():
                pass
            elif f.allowed is not None and raw not in f.allowed:
                code = "E008"
            elif f.regex is not None and f.regex.fullmatch(raw) is None:
                code = "E015"
        if code is not None:
            if problems is None:
                problems = []
            problems.append((code, f, raw))
    return values, problems


_COLUMN = 64  # values converted per call of parse_fields by parse_column


@lru_cache(maxsize=1024)
def _column_layout(f: FieldSpec, width: int = _COLUMN) -> RecordLayout:
    """A record of ``width`` copies of field ``f`` side by side: :func:`parse_fields`
    over it converts that many of ``f``'s values in one call."""
    fields = tuple(replace(f, key=str(i), start=1 + i * f.length) for i in range(width))
    return RecordLayout(
        type="",
        name=f.name,
        role="column",
        parent=None,
        max_per_parent=None,
        order=0,
        fields=fields,
        getter=itemgetter(*(c.slice for c in fields)),
        keys=tuple(c.key for c in fields),
        checked=tuple(enumerate(fields)) if f.checked else (),
    )


def parse_column(
    f: FieldSpec, raws: Sequence[str], *, distinct: bool = False
) -> Sequence[Any] | None:
    """The values of ``raws`` (field ``f``'s raw texts in many records) as
    :func:`parse_fields` reads them, each distinct text converted once; ``None`` when any
    of them has a problem. ``distinct``: the caller knows the texts to be (mostly) different,
    so they are converted as they are, without looking for repeats."""
    if distinct:
        return _parse_distinct(f, list(raws), raws)
    unique = list(dict.fromkeys(raws))
    if len(unique) * 2 > len(raws):
        unique = list(raws)  # mostly distinct: converted as they are, not mapped back
    return _parse_distinct(f, unique, raws)


def _parse_distinct(f: FieldSpec, distinct: list[str], raws: Sequence[str]) -> Sequence[Any] | None:
    """:func:`parse_column` given the ``distinct`` texts of ``raws`` (or all of them)."""
    if not distinct:
        return []
    screened = _screened(f, distinct)
    if screened is not None:
        converted = screened
    else:
        converted = []
        for at in range(0, len(distinct), _COLUMN):
            chunk = distinct[at : at + _COLUMN]
            # a power of two (few layouts per field), at least two (the getter of one gives a text)
            width = max(2, 1 << (len(chunk) - 1).bit_length())
            text = "".join(chunk) + chunk[0] * (width - len(chunk))
            if len(text) != width * f.length:
                return None
            values, problems = parse_fields(_column_layout(f, width), text)
            if problems:
                return None
            converted.extend(list(values.values())[: len(chunk)])
    if converted == distinct:
        return raws
    if len(distinct) == len(raws):
        return converted
    return list(map(dict(zip(distinct, converted, strict=True)).__getitem__, raws))


def _screened(f: FieldSpec, raws: list[str]) -> list[Any] | None:
    """The values of ``raws`` when a test of the whole column shows that none of them has a
    problem in :func:`parse_fields` (text, all-digit numbers); ``None``: ask it per value."""
    if f.allowed is not None or f.regex is not None:
        return None
    if f.kind == AN:
        values = list(map(str.rstrip, raws))
        return values if not f.mandatory or all(values) else None
    if (f.kind == N or f.kind == AMOUNT) and all_digits("".join(raws)) and all(raws):
        return raws if f.kind == N else list(map(int, raws))
    return None


def _digits(text: str) -> bool:
    return text.isdigit() and text.isascii()


def all_digits(text: str) -> bool:
    """``text`` is not empty and only ASCII digits: as ``_digits``, faster on a long text
    (``bytes.isdigit`` looks at ASCII alone, ``str.isdigit`` asks the Unicode tables)."""
    return text.isascii() and text.encode("ascii").isdigit()


def _net(amounts: Sequence[Any], signs: Sequence[Any] | None) -> int:
    """The net sum of the whole-number ``amounts`` (credit where the sign is ``C``), as
    :meth:`EIReader._detail_checks` adds them."""
    if signs is None:
        return sum(a for a in amounts if isinstance(a, int))
    if set(map(type, amounts)) == {int}:
        return sum(amounts) - 2 * sum(compress(amounts, map(eq, signs, repeat("C"))))
    return sum(
        (-a if s == "C" else a) for a, s in zip(amounts, signs, strict=True) if isinstance(a, int)
    )


def column_values(f: FieldSpec, raws: Sequence[str]) -> Sequence[Any] | None:
    """:func:`parse_column`, screened first as a whole column: numbers and amounts that are
    all digits, dates that are all digits and real dates (:func:`_to_date`, each distinct
    text once) and debit/credit indicators that are all ``D`` or ``C`` need no value one by
    one. Where a screen says "maybe not", :func:`parse_column` decides."""
    listed = raws if isinstance(raws, list) else list(raws)
    screened = _screened(f, listed)
    if screened is None and f.allowed is None and f.regex is None:
        if f.kind == DATE:
            screened = _dates(listed)
        elif f.kind == DC and set(listed) <= {"D", "C"}:
            screened = listed
    return screened if screened is not None else parse_column(f, raws)


def _dates(raws: list[str]) -> list[Any] | None:
    """The dates of ``raws`` when each is a real date of eight digits (not all zeros)."""
    distinct = list(dict.fromkeys(raws))
    joined = "".join(distinct)
    if not all_digits(joined) or "00000000" in distinct:
        return None
    if len(joined) != 8 * len(distinct):
        return None
    try:  # eight digits: the basic ISO 8601 form, read as _to_date reads it
        dates = list(map(date.fromisoformat, distinct))
    except ValueError:
        return None
    if len(distinct) == len(raws):
        return dates
    return list(map(dict(zip(distinct, dates, strict=True)).__getitem__, raws))


def _frames(block: FrameBlock) -> list[Frame]:
    """The frames of ``block``, to read its records the exact way."""
    records = block.layout.records
    first = block.first_line
    return [
        Frame(first + at, rtype.decode("latin-1"), records[rtype.decode("latin-1")], body, True)
        for at, (rtype, body) in enumerate(zip(block.types, block.bodies, strict=True))
    ]


#: a block reader for one :class:`EIReader`: given the reader (to see its state), the
#: function that takes whole records from the buffer (:data:`~resv_edi.source.Runs`)
Blocks = Callable[["EIReader"], Runs]


class EIReader:
    """Iterate to read; afterwards :attr:`counts` (records per type) and :attr:`computed`
    (net total per trailer total field key, in cents) hold what was read.

    ``blocks`` lets a block reader take runs of records that it checked at once
    (:class:`~resv_edi.vektis.framing.FrameRun`, passed on in place of their records)."""

    def __init__(
        self,
        source: Source,
        layout: Layout | None = None,
        *,
        file: str | None = None,
        limits: Limits = DEFAULT_LIMITS,
        blocks: Blocks | None = None,
    ) -> None:
        if not isinstance(limits, Limits):
            raise TypeError("limits must be a Limits")
        if layout is not None and not isinstance(layout, Layout):
            raise TypeError("layout must be a Layout or None")
        self.source = source
        self.layout = layout
        self.name = source_name(source, file)
        self.limits = limits
        self.counts: dict[str, int] = {}
        self.computed: dict[str, int] = {}
        self.trailer_values: dict[str, Any] | None = None
        self.header_values: dict[str, Any] | None = None
        self.issue_count = 0
        self.lines = 0
        self.blocks = blocks
        self.scanner: FrameScanner | None = None
        self._last_id = (-1, 0, "")  # the last detail number seen, its line and record type

    # -- issues ---------------------------------------------------------------------------
    def _issue(self, code: str, line: int | None, **kw: Any) -> Issue | None:
        """The issue, or ``None`` when the error cap is reached (it is still counted)."""
        self.issue_count += 1
        cap = self.limits.max_errors
        if cap and self.issue_count > cap:
            return None
        loc_keys = ("column", "path", "record_type", "field")
        loc = Location(file=self.name, line=line, **{k: kw.pop(k) for k in loc_keys if k in kw})
        # the field's name is both a location and a placeholder of the message ({field})
        if loc.field is not None:
            kw.setdefault("field", loc.field)
        return issue(code, loc, **kw)

    def _field_issue(
        self, code: str, line: int, rtype: str, f: FieldSpec, raw: str, guarded: bool = True
    ) -> Issue | None:
        """A field's issue; its value is shown only when the layout carries no patient data
        (``guarded`` false: the RESV forms), and then with possible BSNs hidden. In a claim
        file a shifted record can put a name or birth date in any field, so no value of it
        is ever echoed: the line, column and field id locate it."""
        shown = _MASK if guarded or f.patient else redact(raw.rstrip() or repr(raw))
        return self._issue(
            code,
            line,
            column=f.start,
            path=f.id,
            record_type=rtype,
            field=f.name,
            value=shown,
            codelist="|".join(f.values or ()),
        )

    # -- reading --------------------------------------------------------------------------
    def __iter__(self) -> Iterator[EIRecord | Issue]:  # and FrameRun items of ``blocks``
        return chain.from_iterable(self._chunks())

    def _chunks(self) -> Iterator[Sequence[EIRecord | Issue]]:
        """What :meth:`_read` finds, in runs: the records of a block (read by columns) as
        one list, anything else on its own; spelled out without a generator step each."""
        for item in self._read():
            if isinstance(item, list):
                yield item
                del item  # a block's records are freed once read, before the next block
            elif item is not None:
                yield (item,)
        cap = self.limits.max_errors
        if cap and self.issue_count > cap:
            yield (issue("L002", Location(file=self.name), limit=cap),)

    def _read(self) -> Iterator[EIRecord | Issue | list[EIRecord] | None]:
        try:
            with open_source(self.source, self.limits) as stream:
                yield from self._read_stream(stream)
        except UnsafeInputError as exc:
            yield self._issue("L001", None, reason=str(exc))
        except OSError as exc:
            yield self._issue("F001", None, reason=exc.strerror or str(exc))

    def _read_stream(self, stream: BinaryIO) -> Iterator[EIRecord | Issue | list[EIRecord] | None]:
        """The frames of the scanner (:mod:`resv_edi.vektis.framing`), each decoded into its
        fields; the detail numbers, the record cap and the trailer's totals checked."""
        scanner = self.scanner = FrameScanner(self._issue, self.limits, self.layout, columns=True)
        self.counts = scanner.counts
        sums: dict[str, list[tuple[str, str, str | None]]] | None = None
        detail = 0
        self._last_id = (-1, 0, "")
        runs = self.blocks(self) if self.blocks is not None else None
        try:
            for found in scanner.scan_batches(stream, runs):
                if type(found) is FrameBlock:  # records without framing issue: by columns
                    for part in found.parts(_PART) if sums is not None else (found,):
                        batch = self._block(part, sums, detail) if sums is not None else None
                        if batch is not None:
                            detail += len(batch)
                            yield batch  # spelled out by __iter__
                            del batch  # freed as soon as read, before the next is made
                            continue
                        for item in _frames(part):
                            record_detail = yield from self._one(item, scanner, sums, detail)
                            if record_detail is None:
                                return
                            sums, detail = record_detail
                    continue
                if not isinstance(found, Frame):
                    if isinstance(found, FrameRun):
                        detail += found.lines
                        self._pass_run(found)
                    yield found  # type: ignore[misc]
                    continue
                record_detail = yield from self._one(found, scanner, sums, detail)
                if record_detail is None:
                    return
                sums, detail = record_detail
        finally:
            self.lines = scanner.lines
            if self.layout is None:
                self.layout = scanner.layout

    def _one(
        self,
        item: Frame,
        scanner: FrameScanner,
        sums: dict[str, list[tuple[str, str, str | None]]] | None,
        detail: int,
    ) -> Generator[EIRecord | Issue | None, None, tuple[Any, int] | None]:
        """One frame read the exact way; (sums, detail count) after it, ``None``: stop."""
        layout = scanner.layout
        assert layout is not None
        if sums is None:
            self.layout = layout
            sums = self._running_sums(layout)
        # plain calls that return their rare issues: a generator per line costs more
        record, problems = self._record(item, layout)
        if problems is not None:
            yield from problems
        role = item.record.role
        if role not in ("header", "trailer"):
            detail += 1
            if self.limits.max_records and detail > self.limits.max_records:
                reason = f"more than {self.limits.max_records} detail records"
                yield self._issue("L001", item.line, reason=reason)
                return None
            disorder = self._detail_checks(item, record.values, sums)
            if disorder is not None:
                yield disorder
        elif role == "trailer" and self.trailer_values is None:
            self.trailer_values = record.values
            yield from self._reconcile(layout, record.values, item.line)
        yield record
        return sums, detail

    def _block(
        self,
        block: FrameBlock,
        sums: dict[str, list[tuple[str, str, str | None]]],
        detail: int,
    ) -> list[EIRecord] | None:
        """:meth:`_read_block`, with the collector paused (see :func:`uncollected`)."""
        with uncollected():
            return self._read_block(block, sums, detail)

    def _read_block(
        self,
        block: FrameBlock,
        sums: dict[str, list[tuple[str, str, str | None]]],
        detail: int,
    ) -> list[EIRecord] | None:
        """The records of ``block`` (detail records without a framing issue) read by
        columns: each field's values converted as :func:`parse_fields` converts them
        (:func:`parse_column`), one dict per record built from the columns; the detail
        numbers checked in order and the amounts added by columns. ``None`` when any of them
        has an issue: then they are read one by one, the exact way."""
        cap = self.limits.max_records
        n = len(block)
        if cap and detail + n > cap:
            return None
        layout = block.layout
        groups = block.by_type()
        single = len(groups) == 1
        nets = dict.fromkeys(self.computed, 0)
        made: list[tuple[list[int], list[EIRecord], Sequence[Any] | None]] = []
        for rtype, ats in groups.items():
            rl = layout.records[rtype]
            text = block.joined(None if single else ats)
            texts = block.split(text)
            columns = record_columns(rl, text, len(texts), column_values, texts)
            if columns is None:
                return None
            for key, amount_key, dc_key in sums.get(rtype, ()):
                signs = columns.column(dc_key) if dc_key else None
                nets[key] += _net(columns.column(amount_key), signs)
            lines = block.lines(ats)
            records = list(map(EIRecord, repeat(rtype), lines, columns.rows(), texts))
            idents = columns.column(rl.detail_id.key) if rl.detail_id is not None else None
            made.append((ats, records, idents))
        records = []
        numbers: list[str | None] = []  # the detail numbers' digits (clean: none blank)
        widths = set()
        for (_, some, idents), rtype in zip(made, groups, strict=True):
            records += some
            numbers += idents if idents is not None else [None] * len(some)
            did = layout.records[rtype].detail_id
            widths.add(did.length if did is not None else 0)
        if not single:  # back into file order: the positions, sorted, say where each came from
            positions = [at for ats, _, _ in made for at in ats]
            order = sorted(range(n), key=positions.__getitem__)
            records = list(map(records.__getitem__, order))
            numbers = list(map(numbers.__getitem__, order))
        if not self._numbers_in_order(block, numbers, len(widths - {0}) < 2):
            return None
        for key, net in nets.items():
            self.computed[key] += net
        return records

    def _numbers_in_order(
        self, block: FrameBlock, numbers: list[str | None], same_width: bool
    ) -> bool:
        """Whether the detail ``numbers`` of ``block`` (their digits; ``None``: none to
        compare) keep the order :meth:`_detail_checks` checks (then the last one is noted).
        Numbers of as many digits (``same_width``) are in the order of their texts, so only
        the first and last are read as ints in the common case."""
        last = self._last_id
        found: list[str] = list(filter(None, numbers))
        if not found:
            return True
        first = block.first_line
        if same_width and last[0] < int(found[0]) and all(map(lt, found, found[1:])):
            at = len(numbers) - 1
            while numbers[at] is None:
                at -= 1
            self._last_id = (int(found[-1]), first + at, block.types[at].decode("latin-1"))
            return True
        records = block.layout.records
        for at, text in enumerate(numbers):
            if text is None:
                continue
            number = int(text)
            rtype = block.types[at].decode("latin-1")
            if number < last[0] or (number == last[0] and records[rtype].role != "comment"):
                return False
            last = (number, first + at, rtype)
        self._last_id = last
        return True

    def takes_run(self, first_id: int, first_role: str, records: int) -> bool:
        """Whether ``records`` detail records whose first has number ``first_id`` (and
        role ``first_role``) may follow now: within the record cap, the number in order."""
        cap = self.limits.max_records
        layout = self.layout
        if layout is None:
            return False
        if cap:
            roles = layout.records
            done = sum(
                n for t, n in self.counts.items() if roles[t].role not in ("header", "trailer")
            )
            if done + records > cap:
                return False
        last = self._last_id[0]
        return first_id > last or (first_id == last and first_role == "comment")

    def _pass_run(self, run: FrameRun) -> None:
        """Add a run's sums; its last detail number is the one to compare with next."""
        self._last_id = (run.last_id, run.first_line + run.lines - 1, run.last_type)
        for key, amount in run.sums.items():
            self.computed[key] += amount

    def _running_sums(self, layout: Layout) -> dict[str, list[tuple[str, str, str | None]]]:
        """Per record type: (trailer total key, amount key, D/C key) of the totals it feeds."""
        sums: dict[str, list[tuple[str, str, str | None]]] = {}
        for total in layout.totals:
            for rtype, amount_key, dc_key in total.sums:
                sums.setdefault(rtype, []).append((total.field.key, amount_key, dc_key))
            self.computed[total.field.key] = 0
        return sums

    def _record(self, frame: Frame, layout: Layout) -> tuple[EIRecord, list[Issue | None] | None]:
        """The fields of ``frame`` decoded into a record, and their issues (None: none)."""
        body = frame.body
        text = body.decode("latin-1")
        if not frame.length_ok:
            text = text[: layout.record_length].ljust(layout.record_length)
        values, problems = parse_fields(frame.record, text)
        found: list[Issue | None] | None = None
        if problems and frame.length_ok:
            guarded = layout.carries_patient_data
            found = [
                self._field_issue(code, frame.line, frame.record_type, f, raw, guarded)
                for code, f, raw in problems
            ]
        if frame.record.role == "header" and self.header_values is None:
            self.header_values = values
        raw = text if frame.length_ok else body.decode("latin-1")
        return EIRecord(frame.record_type, frame.line, values, raw), found

    def _detail_checks(
        self,
        frame: Frame,
        values: dict[str, Any],
        sums: dict[str, list[tuple[str, str, str | None]]],
    ) -> Issue | None:
        """Add to the running totals; E004 when the detail number repeats or goes down."""
        found = None
        did = frame.record.detail_id
        if did is not None:
            ident = values[did.key]
            if ident.isdigit() and ident.isascii():  # else E005/E007 already
                number = int(ident)
                last_id, last_line, last_type = self._last_id
                if number < last_id or (number == last_id and frame.record.role != "comment"):
                    found = self._detail_id_issue(
                        frame.line, frame.record_type, did, number, last_id, last_line, last_type
                    )
                self._last_id = (number, frame.line, frame.record_type)
        for key, amount_key, dc_key in sums.get(frame.record_type, ()):
            amount = values[amount_key]
            if isinstance(amount, int):
                if dc_key is not None and values[dc_key] == "C":
                    amount = -amount
                self.computed[key] += amount
        return found

    def _detail_id_issue(
        self,
        line: int,
        rtype: str,
        f: FieldSpec,
        number: int,
        previous: int,
        previous_line: int,
        previous_type: str,
    ) -> Issue | None:
        """E004 at the IDENTIFICATIE DETAILRECORD of a detail record whose number is not above
        that of the detail record before it (a comment record may repeat it). The numbers
        themselves are shown only for the RESV forms, as in :meth:`_field_issue`."""
        what = "repeats" if number == previous else "is below"
        reason = (
            f"its {f.name} {what} that of the {previous_type} record at line {previous_line}; "
            "detail records are numbered uniquely and in ascending order"
        )
        if self.layout is not None and not self.layout.carries_patient_data:
            reason += f" ({number} after {previous})"
        return self._issue(
            "E004",
            line,
            column=f.start,
            path=f.id,
            record_type=rtype,
            field=f.name,
            found=rtype,
            reason=reason,
        )

    def _reconcile(
        self, layout: Layout, values: dict[str, Any], line: int
    ) -> Iterator[Issue | None]:
        """Trailer counts and totals against what was read before it. In a claim file the
        trailer's own values are not echoed (a shifted trailer may hold patient data): what
        was counted or computed is."""
        rtype = layout.trailer.type
        masked = layout.carries_patient_data
        for count, found, expected in count_mismatches(layout, values, self.counts):
            yield self._issue(
                "E009",
                line,
                column=count.field.start,
                path=count.field.id,
                record_type=rtype,
                field=count.field.name,
                found=_MASK if masked else found,
                expected=expected,
            )
        for total in layout.totals:
            amount = values[total.field.key]
            if not isinstance(amount, int):
                continue
            dc = values[total.dc.key] if total.dc else "D"
            net = self.computed[total.field.key]
            signed = -amount if dc == "C" else amount
            if signed != net:
                yield self._issue(
                    "E010",
                    line,
                    column=total.field.start,
                    path=total.field.id,
                    record_type=rtype,
                    field=total.field.name,
                    found=_MASK if masked else f"{amount} {dc}",
                    expected=f"{abs(net)} {'C' if net < 0 else 'D'}",
                )


def detail_number(layout: Layout, record: str | bytes) -> int | None:
    """The IDENTIFICATIE DETAILRECORD of ``record`` (a record's text or bytes), or ``None``
    when it is no detail record of ``layout`` or its number is not all digits (an issue of
    its own): the number the reader compares, see :func:`detail_number_in_order`."""
    if isinstance(record, bytes):
        record = record.decode("latin-1")
    rl = layout.records.get(record[:2])
    f = rl.detail_id if rl is not None else None
    if f is None:
        return None
    ident = record[f.start - 1 : f.start - 1 + f.length]
    return int(ident) if len(ident) == f.length and ident.isdigit() and ident.isascii() else None


def detail_number_in_order(layout: Layout, record: str | bytes, previous: int) -> bool:
    """Whether ``record`` keeps the rule the reader checks (``E004``) when ``previous`` is the
    number of the last detail record before it that had one: its number is above it (a
    comment record's at least equal). True when ``record`` has no number to compare.

    For callers that read a file in pieces and must check the records at a cut, as the
    reader itself only compares a record with the one it read before it."""
    number = detail_number(layout, record)
    if number is None:
        return True
    rtype = record[:2] if isinstance(record, str) else record[:2].decode("latin-1")
    return number > previous or (number == previous and layout.records[rtype].role == "comment")


def read_records(
    source: Source,
    layout: Layout | None = None,
    *,
    file: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    blocks: Blocks | None = None,
) -> Iterator[EIRecord | Issue]:
    """Records and issues of an EI file (a path or a binary stream), in file order.

    The layout is detected from the header record when not given. ``file`` names the
    source in issue locations. ``blocks``: see :class:`EIReader`.
    """
    return iter(EIReader(source, layout, file=file, limits=limits, blocks=blocks))
