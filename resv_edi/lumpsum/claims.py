"""Claim files -> allowlisted facts, streaming: the read side of the lump-sum engine.

The engine does not use the general EI reader (which decodes every field and keeps the record
text): it takes what the Vektis framing scanner yields (:mod:`resv_edi.vektis.framing`: line
ends, record types, lengths, order, counts; no field decoded) and slices only the allowlisted
fields of allowlisted records, at the positions of the layout's field specs. Records in a row
that the scanner framed without an issue come as one block (:class:`~resv_edi.vektis.
frame_blocks.FrameBlock`): their allowlisted fields are sliced and decoded by columns into one
:class:`ClaimColumns` per block, each distinct text decoded once; any other record gives one
:class:`ClaimFacts`. Records of any other type (02 insured person, 03 debtor, 98 comment) are
counted by type and dropped without being decoded: no value of them is sliced, kept or passed
on. Issues name file, line, record type and field id; they never carry a value read from a
claim file (not even an unknown record type).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, BinaryIO

from resv_edi.errors import Issue, Location, UnsafeInputError
from resv_edi.limits import DEFAULT_LIMITS, Limits
from resv_edi.lumpsum.mapping import Mapping, Selected, selected_fields
from resv_edi.source import open_source
from resv_edi.standard.catalogue import issue
from resv_edi.vektis.frame_blocks import FrameBlock
from resv_edi.vektis.framing import Frame, FrameScanner, Report
from resv_edi.vektis.layout import AMOUNT, DATE, DC, FieldSpec, Layout, N

_KIND_NAMES = {N: "number", AMOUNT: "amount", DATE: "date", DC: "debit/credit indicator"}


@dataclass(frozen=True, slots=True)
class ClaimFacts:
    """The allowlisted values of one record (field id -> typed value), and where it was."""

    record_type: str
    line: int
    values: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ClaimColumns:
    """The allowlisted values of the records of one type in a block, by columns: field id
    -> one typed value per record, in file order; :attr:`lines` the records' lines. Nothing
    else of the records is sliced, kept or passed on."""

    record_type: str
    lines: list[int]
    columns: dict[str, list[Any]]

    def facts(self) -> Iterator[ClaimFacts]:
        """The same values one record at a time."""
        ids = tuple(self.columns)
        rtype = self.record_type
        for line, row in zip(self.lines, zip(*self.columns.values(), strict=True), strict=True):
            yield ClaimFacts(rtype, line, dict(zip(ids, row, strict=True)))


@dataclass(slots=True)
class FileSummary:
    """What was read from one claim file: counts only."""

    file: str
    standard: str | None = None
    records: dict[str, int] = field(default_factory=dict)
    lines: int = 0
    counted: int = 0
    outside_validity: int = 0
    errors: int = 0


def _decode(spec: FieldSpec, raw: bytes) -> tuple[Any, bool]:
    """(typed value, ok) of one allowlisted field; nothing of the value leaves on error."""
    text = raw.decode("latin-1")
    kind = spec.kind
    if kind == N:
        if text.isdigit() and text.isascii():
            return text, True
        return "", text.isspace() or not text
    if kind == AMOUNT:
        if text.isdigit() and text.isascii():
            return int(text), True
        return None, text.isspace()
    if kind == DATE:
        if text.isspace() or text == "00000000":
            return None, True
        if text.isdigit() and text.isascii():
            try:
                return date(int(text[0:4]), int(text[4:6]), int(text[6:8])), True
            except ValueError:
                return None, False
        return None, False
    if kind == DC:
        if text in ("D", "C"):
            return text, True
        return "D", text == " "
    return text.rstrip(), True


def read_allowlisted(
    source: str | os.PathLike[str],
    mapping: Mapping,
    *,
    summary: FileSummary | None = None,
    limits: Limits = DEFAULT_LIMITS,
    columns: bool = True,
) -> Iterator[ClaimFacts | ClaimColumns | Issue]:
    """Allowlisted facts and issues of one claim file, in file order.

    The first item after a readable header is always the header's facts; ``summary`` (if
    given) is filled with counts as the file is read. ``columns``: records in a row without
    a framing issue come as :class:`ClaimColumns`; else every record is framed and read one
    by one as :class:`ClaimFacts`, the exact way, which gives the same values and issues.
    """
    name = os.fspath(source)
    summary = summary if summary is not None else FileSummary(name)
    try:
        with open_source(source, limits) as fh:
            yield from _read(fh, name, mapping, summary, limits, columns)
    except UnsafeInputError as exc:
        yield issue("L001", Location(file=name), reason=str(exc))
    except OSError as exc:
        yield issue("F001", Location(file=name), reason=exc.strerror or type(exc).__name__)


def _read(
    fh: BinaryIO, name: str, mapping: Mapping, summary: FileSummary, limits: Limits, columns: bool
) -> Iterator[ClaimFacts | ClaimColumns | Issue]:
    """The frames and blocks of the Vektis framing scanner; of each allowlisted record only
    the allowlisted fields are sliced and decoded (the scanner decodes none)."""

    def report(code: str, line: int | None, **params: Any) -> Issue:
        summary.errors += 1
        keys = ("column", "path", "record_type", "field")
        where = Location(file=name, line=line, **{k: params.pop(k) for k in keys if k in params})
        if where.field is not None:  # the field is also a placeholder of the message
            params.setdefault("field", where.field)
        return issue(code, where, **params)

    def accept(layout: Layout | None, line: int) -> Issue | None:
        problem = _misfit(layout, mapping)
        if problem is None:
            return None
        return report("M002", line, mapping=mapping.name, reason=problem)

    scanner = FrameScanner(report, limits, length_code="M005", accept=accept, columns=columns)
    summary.records = scanner.counts
    selected: dict[str, Selected] | None = None
    for frame in scanner.scan_batches(fh) if columns else scanner.scan(fh):
        if type(frame) is FrameBlock:  # detail records without a framing issue
            if selected is None:
                summary.standard = frame.layout.name
                selected = _selected(mapping, frame.layout)
            yield from _block_facts(frame, selected, report)
            continue
        if not isinstance(frame, Frame):
            if frame is not None:
                assert isinstance(frame, Issue)  # no Frames or FrameRun without a block reader
                yield frame
            continue
        if selected is None:
            assert scanner.layout is not None
            summary.standard = scanner.layout.name
            selected = _selected(mapping, scanner.layout)
        if not frame.length_ok:
            continue  # its fields are not where the layout says (M005)
        sel = selected.get(frame.record_type)
        if sel is None:
            continue  # not allowlisted (02, 03, 98 ...): dropped undecoded
        facts, problems = _facts(frame, sel, report)
        yield from problems
        yield facts


def _facts(frame: Frame, sel: Selected, report: Report) -> tuple[ClaimFacts, list[Issue]]:
    """The allowlisted values of one frame, and an M003 (without the value) for each that
    cannot be read as its type."""
    body, rtype = frame.body, frame.record_type
    values: dict[str, Any] = {}
    problems: list[Issue] = []
    for spec in sel.fields:
        value, ok = _decode(spec, body[spec.start - 1 : spec.start - 1 + spec.length])
        if not ok:
            kind = _KIND_NAMES.get(spec.kind, "text")
            where = {"column": spec.start, "field": spec.id, "path": spec.id}
            where["record_type"] = rtype
            problem = report("M003", frame.line, **where, record=rtype, kind=kind)
            if problem is not None:
                problems.append(problem)
        values[spec.id] = value
    return ClaimFacts(rtype, frame.line, values), problems


_SELECTED: dict[tuple[str, str], dict[str, Selected]] = {}


def _selected(mapping: Mapping, layout: Layout) -> dict[str, Selected]:
    key = (str(mapping.path), layout.name)
    if key not in _SELECTED:
        _SELECTED[key] = selected_fields(mapping, layout)
    return _SELECTED[key]


def _misfit(layout: Layout | None, mapping: Mapping) -> str | None:
    if layout is None:
        return "no header record of a known EI standard"
    if layout.standard != mapping.standard:
        return f"the file is {layout.name}, the mapping reads {mapping.standard}"
    if f"{layout.version}.{layout.subversion}" not in mapping.versions:
        return f"version {layout.version}.{layout.subversion} is not one of {mapping.versions}"
    return None


def _block_facts(
    block: FrameBlock, selected: dict[str, Selected], report: Report
) -> Iterator[ClaimFacts | ClaimColumns | Issue]:
    """The allowlisted values of the records of ``block`` (no framing issue): one
    :class:`ClaimColumns` when one allowlisted record type is in it and every value can be
    read as its type; else each allowlisted record the exact way (:func:`_facts`)."""
    groups = {t: ats for t, ats in block.by_type().items() if t in selected}
    if not groups:
        return
    if len(groups) == 1:
        ((rtype, ats),) = groups.items()
        sel = selected[rtype]
        raws = block.columns(ats, sel.fields)
        columns: dict[str, list[Any]] = {}
        for spec, column in zip(sel.fields, raws, strict=True):
            values = _decode_column(spec, column)
            if values is None:
                break
            columns[spec.id] = values
        else:
            yield ClaimColumns(rtype, block.lines(ats), columns)
            return
    records = block.layout.records
    wanted = sorted(at for ats in groups.values() for at in ats)
    for at in wanted:
        rtype = block.types[at].decode("latin-1")
        frame = Frame(block.first_line + at, rtype, records[rtype], block.bodies[at], True)
        facts, problems = _facts(frame, selected[rtype], report)
        yield from problems
        yield facts


def _decode_column(spec: FieldSpec, raws: list[bytes]) -> list[Any] | None:
    """The values of ``raws`` (field ``spec`` in many records) as :func:`_decode` reads
    each, every distinct text once; ``None`` when any of them cannot be read as its type."""
    if spec.kind in (N, AMOUNT) and len(raws) > 1 and raws[0] != raws[1]:
        joined = b"".join(raws)  # numbers that are all digits (ASCII: bytes.isdigit)
        if joined.isdigit() and len(joined) == spec.length * len(raws):
            if spec.kind == AMOUNT:
                return list(map(int, raws))
            return _texts(joined, spec.length)
    distinct = dict.fromkeys(raws)
    decoded = {raw: _decode(spec, raw) for raw in distinct}
    if not all(ok for _, ok in decoded.values()):
        return None
    if len(decoded) == 1:
        return [next(iter(decoded.values()))[0]] * len(raws)
    values = {raw: value for raw, (value, _) in decoded.items()}
    return list(map(values.__getitem__, raws))


def _texts(joined: bytes, length: int) -> list[str]:
    text = joined.decode("latin-1")
    return [text[at : at + length] for at in range(0, len(text), length)]
