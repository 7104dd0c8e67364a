"""Claim files -> lump-sum records, streaming, reading only the fields a mapping allowlists.

The engine does not use the general EI reader (which decodes every field and keeps the record
text): it reads a file line by line, looks at the two-byte record type, and slices only the
allowlisted fields of allowlisted records, at the positions of the layout's field specs.
Records of any other type (02 insured person, 03 debtor, 98 comment) are counted by type and
dropped without being decoded. Issues name file, line, record type and field id; they never
carry a value read from a claim file.

Memory: one small accumulator per group key, plus per-file counters; the number of files and
lines does not matter.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, BinaryIO

from resv_edi.errors import Issue, Location, UnsafeInputError
from resv_edi.formats.ei.layout import AMOUNT, DATE, DC, FieldSpec, Layout, N, detect_layout
from resv_edi.formats.source import open_source
from resv_edi.limits import DEFAULT_LIMITS, Limits
from resv_edi.lumpsum.mapping import Mapping, Selected, selected_fields
from resv_edi.lumpsum.records import LumpSumRecord, period_of
from resv_edi.standard.catalogue import issue

_KIND_NAMES = {N: "number", AMOUNT: "amount", DATE: "date", DC: "debit/credit indicator"}


@dataclass(frozen=True, slots=True)
class ClaimFacts:
    """The allowlisted values of one record (field id -> typed value), and where it was."""

    record_type: str
    line: int
    values: dict[str, Any]


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
) -> Iterator[ClaimFacts | Issue]:
    """Allowlisted facts and issues of one claim file, in file order.

    The first item after a readable header is always the header's facts; ``summary`` (if
    given) is filled with counts as the file is read.
    """
    name = os.fspath(source)
    summary = summary if summary is not None else FileSummary(name)
    try:
        with open_source(source, limits) as fh:
            yield from _read(fh, name, mapping, summary, limits)
    except UnsafeInputError as exc:
        yield issue("L001", Location(file=name), reason=str(exc))
    except OSError as exc:
        yield issue("F001", Location(file=name), reason=exc.strerror or type(exc).__name__)


def _lines(fh: BinaryIO, max_line: int) -> Iterator[tuple[bytes, bytes, bool]]:
    """(body, ending, overlong) per line; an overlong line is cut and its rest skipped."""
    while True:
        line = fh.readline(max_line + 2)
        if not line:
            return
        overlong = False
        if not line.endswith(b"\n") and len(line) == max_line + 2:
            overlong = True
            while True:
                rest = fh.readline(max_line)
                if not rest or rest.endswith(b"\n"):
                    break
            ending = b"\r\n"
        elif line.endswith(b"\r\n"):
            line, ending = line[:-2], b"\r\n"
        elif line.endswith(b"\n"):
            line, ending = line[:-1], b"\n"
        else:
            ending = b""
        yield line, ending, overlong


def _read(
    fh: BinaryIO, name: str, mapping: Mapping, summary: FileSummary, limits: Limits
) -> Iterator[ClaimFacts | Issue]:
    layout: Layout | None = None
    selected: dict[str, Selected] = {}
    trailer_seen = False
    counts = summary.records
    for number, (body, ending, overlong) in enumerate(_lines(fh, limits.max_line_length), 1):
        here = Location(file=name, line=number)
        if layout is None:
            layout = detect_layout(body[:9])
            problem = _misfit(layout, mapping)
            if problem:
                summary.errors += 1
                yield issue("M002", here, mapping=mapping.name, reason=problem)
                return
            assert layout is not None
            summary.standard = layout.name
            selected = _selected(mapping, layout)
        rtype = body[:2].decode("latin-1")
        if ending != b"\r\n":
            summary.errors += 1
            yield issue("E002", here.with_(record_type=_safe_type(rtype)))
        rl = layout.records.get(rtype)
        if rl is None:
            summary.errors += 1
            yield issue("E003", here, found=_safe_type(rtype))
            continue
        here = here.with_(record_type=rtype)
        if overlong or len(body) != layout.record_length:
            summary.errors += 1
            found = f"more than {limits.max_line_length}" if overlong else len(body)
            yield issue("M005", here, record=rtype, found=found, expected=layout.record_length)
            continue
        if trailer_seen:
            summary.errors += 1
            yield issue("E004", here, found=rtype, reason="after the trailer record")
        if number == 1 and rl.role != "header":
            summary.errors += 1
            yield issue("E012", here, reason="the first record is not the header")
        counts[rtype] = counts.get(rtype, 0) + 1
        if rl.role == "trailer":
            trailer_seen = True
        sel = selected.get(rtype)
        if sel is None:
            continue  # not allowlisted (02, 03, 98 ...): dropped undecoded
        values: dict[str, Any] = {}
        for spec in sel.fields:
            value, ok = _decode(spec, body[spec.start - 1 : spec.start - 1 + spec.length])
            if not ok:
                summary.errors += 1
                yield issue(
                    "M003",
                    here.with_(column=spec.start, field=spec.id, path=spec.id),
                    field=spec.id,
                    record=rtype,
                    kind=_KIND_NAMES.get(spec.kind, "text"),
                )
            values[spec.id] = value
        yield ClaimFacts(rtype, number, values)
    if layout is None:
        summary.errors += 1
        yield issue("F003", Location(file=name))
    elif not trailer_seen:
        summary.errors += 1
        yield issue("E012", Location(file=name), reason="no trailer record")


_SELECTED: dict[tuple[str, str], dict[str, Selected]] = {}


def _selected(mapping: Mapping, layout: Layout) -> dict[str, Selected]:
    key = (str(mapping.path), layout.name)
    if key not in _SELECTED:
        _SELECTED[key] = selected_fields(mapping, layout)
    return _SELECTED[key]


def _safe_type(rtype: str) -> str:
    """A record type fit to echo: two letters or digits, else ``??``."""
    return rtype if len(rtype) == 2 and rtype.isascii() and rtype.isalnum() else "??"


def _misfit(layout: Layout | None, mapping: Mapping) -> str | None:
    if layout is None:
        return "no header record of a known EI standard"
    if layout.standard != mapping.standard:
        return f"the file is {layout.name}, the mapping reads {mapping.standard}"
    if f"{layout.version}.{layout.subversion}" not in mapping.versions:
        return f"version {layout.version}.{layout.subversion} is not one of {mapping.versions}"
    return None


@dataclass(slots=True)
class _Sums:
    lines: int = 0
    quantity: int = 0
    debit: int = 0
    credit: int = 0


class LumpSumEngine:
    """Streams claim files through a mapping into grouped sums.

    >>> engine = LumpSumEngine(load_mapping("ha304_oi"))
    >>> issues = engine.feed_all(["claims.ei"])
    >>> records = engine.records()
    """

    def __init__(
        self, mapping: Mapping, period: str | None = None, *, limits: Limits = DEFAULT_LIMITS
    ) -> None:
        self.mapping = mapping
        self.period = period or mapping.period
        self.limits = limits
        self.files: list[FileSummary] = []
        self._groups: dict[tuple[Any, ...], _Sums] = {}
        self._periods: dict[date, tuple[date, date]] = {}

    def feed_all(self, paths: Iterable[str | os.PathLike[str]]) -> list[Issue]:
        """Read every file; the issues, at most ``limits.max_errors`` per file."""
        found: list[Issue] = []
        for path in paths:
            found.extend(self.feed(path))
        return found

    def feed(self, path: str | os.PathLike[str]) -> list[Issue]:
        """Read one claim file into the groups; its issues (capped)."""
        m = self.mapping
        summary = FileSummary(os.fspath(path))
        self.files.append(summary)
        found: list[Issue] = []
        cap = self.limits.max_errors
        header: dict[str, Any] = {}
        f_code, f_date = m.field("code"), m.field("date")
        f_amount, f_dc = m.field("amount"), m.field("debit_credit")
        f_qty, f_list = m.field("quantity"), m.field("code_list")
        insurer_ids, provider_ids = m.fields["insurer"], m.fields["provider"]
        totals: list[list[Any]] = []  # [field id, dc id, [(rtype, amount id, dc id)], net]
        layout: Layout | None = None
        keys = set(m.keys)

        def report(problem: Issue) -> None:
            if not cap or len(found) < cap:
                found.append(problem)

        for item in read_allowlisted(path, m, summary=summary, limits=self.limits):
            if isinstance(item, Issue):
                report(item)
                continue
            if layout is None:
                layout = self._layout(summary)
                assert layout is not None  # the reader yields facts only for a mapped layout
                totals = self._trailer_totals(layout)
            rtype, values = item.record_type, item.values
            for total in totals:
                for t_rtype, a_id, d_id in total[2]:
                    if t_rtype == rtype:
                        sign = -1 if d_id and values.get(d_id) == "C" else 1
                        total[3] += sign * (values.get(a_id) or 0)
            if rtype == layout.header.type:
                header = values
                continue
            if rtype == layout.trailer.type:
                if m.check_trailer:
                    for problem in self._check_trailer(layout, summary, values, totals, item):
                        report(problem)
                continue
            if rtype not in m.line_records:
                continue
            summary.lines += 1
            code = str(values[f_code]).strip()
            day = values[f_date]
            entry = m.codes.get(code)
            if entry is None:
                continue
            here = Location(file=summary.file, line=item.line, record_type=rtype)
            if day is None:
                summary.errors += 1
                report(_missing(here, f_date, rtype, "the period"))
                continue
            source_list = values.get(f_list) if f_list else None
            if m.counts(code, day, source_list) is None:
                summary.outside_validity += 1
                continue
            insurer = _first(insurer_ids, values, header)
            provider = _first(provider_ids, values, header)
            amount = values[f_amount]
            problems = [
                _missing(here, fid, rtype, purpose)
                for fid, purpose, value in (
                    (insurer_ids[0], "the insurer", insurer),
                    (provider_ids[0], "the provider", provider),
                    (f_amount, "the amount", amount),
                )
                if value is None
            ]
            if problems:
                summary.errors += len(problems)
                for problem in problems:
                    report(problem)
                continue
            summary.counted += 1
            begin = self._period(day)
            group = (
                provider if "provider" in keys else None,
                insurer if "insurer" in keys else None,
                begin,
                m.hoofdtaak(entry) if "hoofdtaak" in keys else None,
                code if "code" in keys else None,
            )
            sums = self._groups.get(group)
            if sums is None:
                sums = self._groups[group] = _Sums()
            sums.lines += 1
            credit = values[f_dc] == "C"
            qty = int(values.get(f_qty) or 0) if f_qty else 0
            if credit:
                sums.credit += amount
                sums.quantity -= qty
            else:
                sums.debit += amount
                sums.quantity += qty
        return found

    def _period(self, day: date) -> date:
        begin_end = self._periods.get(day)
        if begin_end is None:
            begin_end = self._periods[day] = period_of(day, self.period)
        return begin_end[0]

    def _layout(self, summary: FileSummary) -> Layout | None:
        return next((la for la in self.mapping.layouts() if la.name == summary.standard), None)

    def _trailer_totals(self, layout: Layout) -> list[list[Any]]:
        """The layout's trailer totals whose fields are all allowlisted, as running sums."""
        allowed = {(rt, fid) for rt, ids in self.mapping.allowlist.items() for fid in ids}
        trailer = layout.trailer.type
        out: list[list[Any]] = []
        for t in layout.totals:
            sums = []
            for rtype, amount_key, dc_key in t.sums:
                rl = layout.records[rtype]
                a_id = rl.by_key[amount_key].id
                d_id = rl.by_key[dc_key].id if dc_key else None
                sums.append((rtype, a_id, d_id))
            needed = [(trailer, t.field.id)] + ([(trailer, t.dc.id)] if t.dc else [])
            needed += [(rt, a) for rt, a, _ in sums] + [(rt, d) for rt, _, d in sums if d]
            if all(n in allowed for n in needed):
                out.append([t.field.id, t.dc.id if t.dc else None, sums, 0])
        return out

    def _check_trailer(
        self,
        layout: Layout,
        summary: FileSummary,
        values: dict[str, Any],
        totals: list[list[Any]],
        item: ClaimFacts,
    ) -> Iterator[Issue]:
        here = Location(file=summary.file, line=item.line, record_type=item.record_type)
        for count in layout.counts:
            if count.field.id not in values:
                continue
            counted = sum(summary.records.get(t, 0) for t in count.records)
            found = values[count.field.id]
            if found != "" and int(found) != counted:
                summary.errors += 1
                yield issue(
                    "E009",
                    here.with_(field=count.field.id, path=count.field.id),
                    field=count.field.id,
                    found=int(found),
                    expected=counted,
                )
        for field_id, dc_id, _, net in totals:
            amount = values.get(field_id) or 0
            signed = -amount if dc_id and values.get(dc_id) == "C" else amount
            if signed != net:
                summary.errors += 1
                yield issue(
                    "E010",
                    here.with_(field=field_id, path=field_id),
                    found=signed,
                    expected=net,
                )

    def records(self) -> list[LumpSumRecord]:
        """The lump-sum records, sorted by provider, insurer, period, hoofdtaak, code."""
        m = self.mapping
        out = []
        for key in sorted(self._groups, key=lambda k: tuple("" if v is None else v for v in k)):
            provider, insurer, begin, hoofdtaak, code = key
            sums = self._groups[key]
            out.append(
                LumpSumRecord(
                    Mapping=m.name,
                    Bronstandaard=m.standard,
                    Zorgaanbieder=provider,
                    Zorgverzekeraar=insurer,
                    PeriodeBegin=begin,
                    PeriodeEinde=period_of(begin, self.period)[1],
                    Hoofdtaak=hoofdtaak,
                    Broncode=code,
                    AantalRegels=sums.lines,
                    AantalPrestaties=sums.quantity,
                    Debet=sums.debit,
                    Credit=sums.credit,
                    Saldo=sums.debit - sums.credit,
                )
            )
        return out

    @property
    def group_count(self) -> int:
        return len(self._groups)


def _first(ids: tuple[str, ...], line: dict[str, Any], header: dict[str, Any]) -> str | None:
    """The first of ``ids`` filled with something other than zeros (line first, then header)."""
    for fid in ids:
        value = line.get(fid, header.get(fid))
        if value and value.strip("0"):
            return str(value)
    return None


def _missing(here: Location, fid: str, rtype: str, purpose: str) -> Issue:
    return issue("M004", here.with_(field=fid, path=fid), field=fid, record=rtype, purpose=purpose)


def lump_sums(
    paths: Iterable[str | os.PathLike[str]],
    mapping: Mapping,
    period: str | None = None,
    *,
    limits: Limits = DEFAULT_LIMITS,
) -> tuple[list[LumpSumRecord], list[Issue]]:
    """Lump-sum records of ``paths`` under ``mapping``, and the issues found on the way."""
    engine = LumpSumEngine(mapping, period, limits=limits)
    found = engine.feed_all(paths)
    return engine.records(), found
