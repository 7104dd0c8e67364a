"""The EI fixed-width form of the RESV messages: model records <-> EI records.

The layouts (``mappings/ei/RESV901_v1.1.json``, ``RESV902_v1.1.json``) name for every field the
model element it carries (``element``, plus ``index`` for the repeated Retourcode); this module
only maps by those names. Structure (record length, CR LF, order, digits, dates, trailer counts
and totals) is checked by the generic EI reader; the fields by the model, as in every format.

A Prestatie's ``Toelichting`` travels in a 98 comment record right after its 04 record.
Optional numeric identifiers are digits or spaces (absent), so conversions are lossless.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import IO, Any

from pydantic import ValidationError

from resv_edi.errors import Issue, Location, UnsafeInputError
from resv_edi.formats.ei.lines import LinePlan
from resv_edi.formats.ordering import RecordOrder
from resv_edi.limits import DEFAULT_LIMITS, Limits
from resv_edi.model.base import Record
from resv_edi.model.binding import issues_from_error
from resv_edi.model.columns import LineBlock
from resv_edi.model.messages import DECLARATIE, KINDS, Entry, MessageKind, Part
from resv_edi.source import Source, open_source, source_name
from resv_edi.standard.catalogue import issue
from resv_edi.standard.facts import facts
from resv_edi.vektis.framing import FrameRun, count_mismatches
from resv_edi.vektis.layout import FieldSpec, Layout, detect_layout, load_layout
from resv_edi.vektis.reader import Blocks, EIRecord, parse_fields, read_records
from resv_edi.vektis.writer import format_record, write_text_lists

#: structural trailer checks that rules R001/R002 (and their retour twins) make for the trailer
#: fields the model carries; on the other trailer fields (comment and detail record counts)
#: the reader's check stands
_LEFT_TO_RULES = {"E009", "E010"}
_PART_BY_ROLE: dict[str, Part] = {"header": "header", "service": "line", "trailer": "totals"}


@dataclass(frozen=True, slots=True)
class _FieldMap:
    spec: FieldSpec
    element: str
    index: int | None
    digits: bool


@dataclass(frozen=True, slots=True)
class ResvLayout:
    """A RESV layout with, per record type, the fields that carry model elements."""

    layout: Layout
    kind: MessageKind
    fields: dict[str, tuple[_FieldMap, ...]]  # record type -> mapped fields
    record_type: dict[Part, str]  # part -> record type
    comment_type: str | None
    comment_field: _FieldMap | None

    @property
    def ruled_trailer_fields(self) -> frozenset[str]:
        """Ids of the trailer fields the model carries (checked by rules, not by the reader)."""
        return frozenset(fm.spec.id for fm in self.fields[self.record_type["totals"]])


@cache
def resv_layout(kind_name: str) -> ResvLayout:
    kind = KINDS[kind_name]
    message = facts().declaratie if kind is DECLARATIE else facts().retour
    layout = load_layout(message.ei_standard, f"{message.version}.{message.subversion}")
    assert layout.path is not None
    raw = json.loads(layout.path.read_text(encoding="utf-8"))
    fields: dict[str, tuple[_FieldMap, ...]] = {}
    record_type: dict[Part, str] = {}
    comment_type = None
    comment_field = None
    for rec in raw["records"]:
        rl = layout.records[rec["type"]]
        mapped = tuple(
            _FieldMap(rl.by_id[f["id"]], f["element"], f.get("index"), bool(f.get("digits")))
            for f in rec["fields"]
            if f.get("element")
        )
        fields[rec["type"]] = mapped
        if rec.get("role") in _PART_BY_ROLE:
            record_type[_PART_BY_ROLE[rec["role"]]] = rec["type"]
        elif rec.get("role") == "comment":
            comment_type = rec["type"]
            comment_field = mapped[0] if mapped else None
    return ResvLayout(layout, kind, fields, record_type, comment_type, comment_field)


def is_resv_layout(layout: Layout | None) -> MessageKind | None:
    """The message kind when ``layout`` is one of the RESV layouts."""
    if layout is None:
        return None
    for kind in KINDS.values():
        if resv_layout(kind.name).layout.standard == layout.standard:
            return kind
    return None


# -- reading ---------------------------------------------------------------------------------


def read_ei(
    source: Source,
    kind: MessageKind | None = None,
    *,
    file: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Iterator[Entry | Issue]:
    """Entries of a RESV message in EI form; for any other EI standard only its structural
    issues (such files are claims, not RESV messages, and have no entries)."""
    return read_ei_blocks(source, kind, file=file, limits=limits)  # type: ignore[return-value]


def read_ei_blocks(
    source: Source,
    kind: MessageKind | None = None,
    *,
    file: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    blocks: Blocks | None = None,
) -> Iterator[Entry | Issue | FrameRun]:
    """:func:`read_ei` with a block reader (:class:`~resv_edi.vektis.reader.EIReader`'s
    ``blocks``): its :class:`~resv_edi.vektis.framing.FrameRun` items come in place of the
    entries of their records."""
    name = source_name(source, file)
    found = _detect(source, name, limits)
    if isinstance(found, Issue):
        yield found
        return
    layout, detected = found
    if layout is None and kind is not None:
        detected = kind  # a stream: its layout is known only to the reader; take the kind given
    if detected is None:
        # an existing Vektis standard: structure only
        yield from (
            i
            for i in read_records(source, layout, file=name, limits=limits)
            if isinstance(i, Issue)
        )
        return
    if kind is not None and layout is not None and kind is not detected:
        yield issue(
            "X003",
            Location(file=name, line=1, record_type="01"),
            found=layout.standard,
            expected=resv_layout(kind.name).layout.standard,
        )
        return
    yield from _ResvReader(resv_layout(detected.name), name).run(
        read_records(source, layout, file=name, limits=limits, blocks=blocks)
    )


def _detect(
    source: Source, name: str, limits: Limits
) -> tuple[Layout | None, MessageKind | None] | Issue:
    if not isinstance(source, str) and not hasattr(source, "__fspath__"):
        return None, DECLARATIE  # a stream: let the reader detect; assume a declaration
    try:
        with open_source(source, limits) as fh:
            head = fh.read(64)
    except OSError as exc:
        return issue("F001", Location(file=name), reason=exc.strerror or str(exc))
    except UnsafeInputError as exc:
        return issue("L001", Location(file=name), reason=str(exc))
    layout = detect_layout(head)
    return layout, is_resv_layout(layout)


def claim_layout(path: Source, limits: Limits = DEFAULT_LIMITS) -> Layout | None:
    """The layout of an EI file that is not a RESV message (a claim or return file of an
    existing Vektis standard, such as ``HA304``), else ``None``."""
    found = _detect(path, source_name(path), limits)
    if isinstance(found, Issue):
        return None
    layout, kind = found
    return layout if kind is None else None


def claim_standard(path: Source, limits: Limits = DEFAULT_LIMITS) -> str | None:
    """The name of :func:`claim_layout` (``HA304 v4.2``), else ``None``."""
    layout = claim_layout(path, limits)
    return layout.name if layout is not None else None


class _ResvReader:
    def __init__(self, rl: ResvLayout, file: str) -> None:
        self.rl = rl
        self.file = file
        self.kind = rl.kind
        self.lines = 0
        self.pending: tuple[EIRecord, list[Issue]] | None = None
        self.ruled = rl.ruled_trailer_fields

    def run(self, stream: Iterable[EIRecord | Issue]) -> Iterator[Entry | Issue | FrameRun]:
        issues_of_record: list[Issue] = []
        line_type = self.rl.record_type["line"]
        for item in stream:
            if isinstance(item, Issue):
                if item.code in _LEFT_TO_RULES and item.location.path in self.ruled:
                    continue
                if self.pending is not None and item.location.line == self.pending[0].line:
                    self.pending[1].append(item)
                    continue
                issues_of_record.append(item)
                continue
            if isinstance(item, FrameRun):  # lines a block reader checked: counted, passed on
                yield from self._flush()
                yield from issues_of_record
                issues_of_record = []
                self.lines += item.counts.get(line_type, 0)
                yield item
                continue
            rtype = item.record_type
            if rtype == self.rl.comment_type and self.pending is not None:
                yield from self._flush(comment=item, extra=issues_of_record)
                issues_of_record = []
                continue
            yield from self._flush()
            # issues of this record travel with its entry; earlier ones (lines that were no
            # record at all) go out now
            own = [i for i in issues_of_record if i.location.line == item.line]
            yield from (i for i in issues_of_record if i.location.line != item.line)
            issues_of_record = []
            part = self._part(rtype)
            if part is None:
                continue  # a comment without a line: the structural reader reported it
            if part == "line":
                self.pending = (item, own)
                continue
            yield from self._entry(part, item, own)
        yield from self._flush()
        yield from issues_of_record

    def _part(self, rtype: str) -> Part | None:
        for part, t in self.rl.record_type.items():
            if t == rtype:
                return part
        return None

    def _flush(
        self, comment: EIRecord | None = None, extra: list[Issue] | None = None
    ) -> Iterator[Entry | Issue]:
        if self.pending is None:
            return
        record, own = self.pending
        self.pending = None
        yield from self._entry("line", record, own, comment, extra or [])

    def _entry(
        self,
        part: Part,
        record: EIRecord,
        own: list[Issue],
        comment: EIRecord | None = None,
        comment_issues: list[Issue] | None = None,
    ) -> Iterator[Entry | Issue]:
        rl = self.rl
        values = record.values
        data: dict[str, Any] = {}
        for fm in rl.fields[record.record_type]:
            value = values.get(fm.spec.key)
            if value is not None and value != "":
                _put(data, fm, value)
        if comment is not None and rl.comment_field is not None:
            _put(data, rl.comment_field, comment.values.get(rl.comment_field.spec.key))
        index = 0
        if part == "line":
            self.lines += 1
            index = self.lines
        ref = data.get("Referentienummer")
        location = Location(
            file=self.file,
            line=record.line,
            path=self.kind.element(part),
            record_type=record.record_type,
            reference=ref if isinstance(ref, str) else None,
            index=index or None,
        )
        try:
            bound = rl.kind.record_class(part).model_validate(data)
        except ValidationError as exc:
            bound = None
            problems = issues_from_error(exc, location, self._locator(record, location))
            flagged = {i.location.path for i in (*own, *(comment_issues or ()))}
            # a field the structural reader already reported is not reported twice
            own = [*own, *(p for p in problems if p.location.path not in flagged)]
        yield from self._ordered(own, comment_issues)
        yield Entry(part, bound, location, index, self.kind.name, data if bound is None else None)

    @staticmethod
    def _ordered(own: list[Issue], comment_issues: list[Issue] | None) -> list[Issue]:
        """The record's structural issues, its comment's, then the model's."""
        structural = [i for i in own if not i.code.startswith("S")]
        model = [i for i in own if i.code.startswith("S")]
        return [*structural, *(comment_issues or ()), *model]

    def _locator(self, record: EIRecord, location: Location) -> Callable[[str], Location]:
        specs = {fm.element: fm.spec for fm in self.rl.fields[record.record_type]}

        def locate(field: str) -> Location:
            spec = specs.get(field)
            if spec is None:
                return location
            return location.with_(column=spec.start, path=spec.id)

        return locate


def trailer_count_issues(
    path: str, kind: MessageKind, line: int, counts: dict[str, int]
) -> list[Issue] | None:
    """E009 for the trailer counts only the EI form has, from ``counts`` of records per type
    (the file read in pieces: :mod:`resv_edi.batch.split`); as the reader reports them.
    ``None`` when the file's last line is not a whole trailer record."""
    rl = resv_layout(kind.name)
    layout = rl.layout
    trailer = layout.trailer
    with open(path, "rb") as fh:
        fh.seek(max(0, fh.seek(0, 2) - 2 * layout.record_length - 4))
        tail = fh.read().rstrip(b"\r\n")
    text = tail.rsplit(b"\n", 1)[-1].rstrip(b"\r").decode("latin-1")
    if len(text) != layout.record_length or not text.startswith(trailer.type):
        return None
    values, _ = parse_fields(trailer, text)
    found_issues: list[Issue] = []
    for count, found, expected in count_mismatches(layout, values, counts):
        if count.field.id in rl.ruled_trailer_fields:
            continue
        where = Location(
            file=path,
            line=line,
            column=count.field.start,
            path=count.field.id,
            record_type=trailer.type,
            field=count.field.name,
        )
        found_issues.append(
            issue("E009", where, field=count.field.name, found=found, expected=expected)
        )
    return found_issues


def element_column(fm: _FieldMap, values: Sequence[Any]) -> Sequence[Any]:
    """The element values the reader makes of a column of field ``fm``'s read ``values``
    (``None`` where the element is absent), each distinct value converted once."""
    if fm.index is not None:
        raise ValueError(f"field {fm.spec.id} is repeated: no column of its own")
    if not fm.digits:  # as :func:`_put`: the value itself, absent when empty
        return [None if value == "" else value for value in values] if "" in values else values
    made: dict[Any, Any] = {}
    for value in dict.fromkeys(values):
        data: dict[str, Any] = {}
        _put(data, fm, value)
        made[value] = data.get(fm.element)
    return list(map(made.__getitem__, values))


def _put(data: dict[str, Any], fm: _FieldMap, value: Any) -> None:
    if value is None or value == "":
        return
    if fm.digits and isinstance(value, str):
        value = value.lstrip(" ")
        if (
            fm.spec.type == "AN"
            and fm.element in _INT_ELEMENTS
            and value.isascii()
            and value.isdigit()
        ):
            value = str(int(value))
    if fm.index is not None:
        data.setdefault(fm.element, []).append(value)
    else:
        data[fm.element] = value


#: optional numeric values carried as digits in AN fields (zero-padded; not codes)
_INT_ELEMENTS = {"BtwBedrag"}


# -- writing ---------------------------------------------------------------------------------


def write_ei(
    records: Iterable[Record | LineBlock], out: IO[bytes], kind: MessageKind = DECLARATIE
) -> int:
    """Write ``records`` (header, lines, totals) in the RESV EI form; return the line count.
    Lines may come as :class:`~resv_edi.model.columns.LineBlock` items (the same bytes)."""
    order = RecordOrder(kind)
    write_text_lists(_text_lists(records, resv_layout(kind.name), order), out)
    return order.lines


@cache
def line_plan(kind_name: str) -> LinePlan:
    """How the line records of ``kind_name`` are written (:mod:`resv_edi.formats.ei.lines`)."""
    rl = resv_layout(kind_name)
    line_type = rl.record_type["line"]
    mapped = [(fm.spec, fm.element, fm.index, fm.digits) for fm in rl.fields[line_type]]
    comment = rl.comment_field.spec if rl.comment_field else None
    return LinePlan(rl.layout, rl.kind.line, line_type, mapped, rl.comment_type, comment)


def _text_lists(
    records: Iterable[Record | LineBlock], rl: ResvLayout, order: RecordOrder
) -> Iterator[list[str]]:
    """The EI record texts of ``records``, a list at a time: a 98 comment after a line with
    a Toelichting, the detail numbers and the trailer's EI-only counts filled in."""
    layout = rl.layout
    plan = line_plan(rl.kind.name)
    line_type = plan.line_type
    counts: dict[str, int] = {line_type: 0}
    if plan.comment_type:
        counts[plan.comment_type] = 0
    detail = 0
    pending: list[Record] = []  # line records not yet written: formatted by columns

    def flush(block: LineBlock | None = None) -> list[str]:
        """The texts of the pending line records (accepted in their place first), or of
        ``block``, counted."""
        nonlocal detail
        if block is None:
            order.accept_lines(len(pending))
            texts, comments = plan.records_texts(pending, detail)
            lines = len(pending)
            pending.clear()
        else:
            texts, comments = plan.block_texts(block, detail)
            lines = len(block)
        detail += lines
        counts[line_type] += lines
        if comments and plan.comment_type:
            counts[plan.comment_type] += comments
        return texts

    line_cls = order.kind.line
    for record in records:
        if type(record) is line_cls:  # a line: its place is checked with its batch's
            pending.append(record)
            if len(pending) >= _PENDING:
                yield flush()
            continue
        # the lines before it first: one that does not fit (or is out of place) fails first,
        # as it would alone; their texts follow once this record is accepted
        before = flush() if pending else None
        if isinstance(record, LineBlock):
            order.accept_block(record)
            part = None
        else:
            part = order.accept(record)
        if before is not None:
            yield before
        if part is None:
            yield flush(record)  # type: ignore[arg-type]
            continue
        rtype = rl.record_type[part]
        values = _values(rl, rtype, record.to_data())  # type: ignore[union-attr]
        if part == "totals":
            _fill_trailer_counts(rl, values, counts)
        yield [format_record(layout, rtype, values)]
        counts[rtype] = counts.get(rtype, 0) + 1
    if pending:
        yield flush()
    order.finish()


#: line records formatted together (by columns)
_PENDING = 1024


def _values(rl: ResvLayout, rtype: str, data: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for fm in rl.fields[rtype]:
        value = data.get(fm.element)
        if fm.index is not None:
            value = value[fm.index] if isinstance(value, list) and len(value) > fm.index else None
        if value is None:
            continue
        if fm.digits:
            value = str(value).rjust(fm.spec.length, "0")
        values[fm.spec.key] = value
    return values


def _fill_trailer_counts(rl: ResvLayout, values: dict[str, Any], counts: dict[str, int]) -> None:
    """Counts the model does not carry (comment records, all detail records)."""
    for count in rl.layout.counts:
        key = count.field.key
        if key not in values:
            values[key] = sum(counts.get(t, 0) for t in count.records)
