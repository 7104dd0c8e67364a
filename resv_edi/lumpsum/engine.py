"""Claim files -> lump-sum records, streaming, reading only the fields a mapping allowlists.

The engine does not use the general EI reader (which decodes every field and keeps the record
text): it takes the frames of the Vektis framing scanner (:mod:`resv_edi.vektis.framing`: line
ends, record types, lengths, order, counts; no field decoded) and slices only the allowlisted
fields of allowlisted records, at the positions of the layout's field specs.
Records of any other type (02 insured person, 03 debtor, 98 comment) are counted by type and
dropped without being decoded. Issues name file, line, record type and field id; they never
carry a value read from a claim file (not even an unknown record type). A value that the
lump-sum record cannot hold (an AGB code that is not 8 digits, ...) is a coded issue (M003) at
the line and field it came from, never an exception: the record's validation error, which
would repeat the value, is caught and reduced to the names of the elements that failed.

Memory: one small accumulator per group key, plus per-file counters; the number of files and
lines does not matter.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, BinaryIO

from pydantic import ValidationError

from resv_edi.errors import Issue, Location, UnsafeInputError
from resv_edi.limits import DEFAULT_LIMITS, Limits
from resv_edi.lumpsum.mapping import Mapping, Selected, selected_fields
from resv_edi.lumpsum.records import LumpSumRecord, period_of
from resv_edi.source import open_source
from resv_edi.standard.catalogue import issue
from resv_edi.vektis.framing import Frame, FrameScanner, Report, count_mismatches
from resv_edi.vektis.layout import AMOUNT, DATE, DC, FieldSpec, Layout, N

_KIND_NAMES = {N: "number", AMOUNT: "amount", DATE: "date", DC: "debit/credit indicator"}
#: lump-sum record element -> (role whose field fed it, what the element needs)
_ELEMENT_ROLE = {
    "Zorgaanbieder": ("provider", "AGB code (8 digits)"),
    "Zorgverzekeraar": ("insurer", "UZOVI number (4 digits)"),
    "PeriodeBegin": ("date", "date"),
    "PeriodeEinde": ("date", "date"),
    "Hoofdtaak": ("code", "code of a RESV hoofdtaak"),
    "Broncode": ("code", "source code (text of at most 10 characters)"),
}


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


def _read(
    fh: BinaryIO, name: str, mapping: Mapping, summary: FileSummary, limits: Limits
) -> Iterator[ClaimFacts | Issue]:
    """The frames of the Vektis framing scanner; of each allowlisted record only the
    allowlisted fields are sliced and decoded (the scanner decodes none)."""

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

    scanner = FrameScanner(report, limits, length_code="M005", accept=accept)
    summary.records = scanner.counts
    selected: dict[str, Selected] | None = None
    for frame in scanner.scan(fh):
        if not isinstance(frame, Frame):
            if frame is not None:
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


@dataclass(slots=True)
class _Sums:
    file: str = ""  # where the group's first line was (for an issue about the group)
    line: int = 0
    lines: int = 0
    quantity: int = 0
    debit: int = 0
    credit: int = 0

    def add(self, amount: int, credit: bool, values: dict[str, Any], f_qty: str | None) -> None:
        """Count one line: its amount (debit or credit) and its quantity (minus for a credit)."""
        self.lines += 1
        qty = int(values.get(f_qty) or 0) if f_qty else 0
        if credit:
            self.credit += amount
            self.quantity -= qty
        else:
            self.debit += amount
            self.quantity += qty


@dataclass(slots=True)
class _FileRun:
    """What :meth:`LumpSumEngine.feed` keeps while it reads one file."""

    summary: FileSummary
    cap: int
    found: list[Issue] = field(default_factory=list)
    layout: Layout | None = None
    header: dict[str, Any] = field(default_factory=dict)
    header_line: int = 0
    #: [field id, dc id, [(rtype, amount id, dc id)], net] per checked trailer total
    totals: list[list[Any]] = field(default_factory=list)

    def report(self, problem: Issue) -> None:
        """Keep ``problem`` while fewer than ``cap`` (0 = all) are kept."""
        if not self.cap or len(self.found) < self.cap:
            self.found.append(problem)


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
        #: issues found while building the records (:meth:`records`); empty when every value
        #: was checked as it was read, which :meth:`feed` does
        self.record_issues: list[Issue] = []
        self._groups: dict[tuple[Any, ...], _Sums] = {}
        self._periods: dict[date, tuple[date, date]] = {}
        #: group keys the lump-sum record cannot hold -> the elements that fail
        self._unfit: dict[tuple[Any, ...], tuple[str, ...]] = {}
        #: the field ids of the code, date, amount, D/C, quantity and code list roles
        self._ids: tuple[str, str, str, str, str | None, str | None] = (
            mapping.required("code"),
            mapping.required("date"),
            mapping.required("amount"),
            mapping.required("debit_credit"),
            mapping.field("quantity"),
            mapping.field("code_list"),
        )

    def feed_all(self, paths: Iterable[str | os.PathLike[str]]) -> list[Issue]:
        """Read every file; the issues, at most ``limits.max_errors`` per file."""
        found: list[Issue] = []
        for path in paths:
            found.extend(self.feed(path))
        return found

    def feed(self, path: str | os.PathLike[str]) -> list[Issue]:
        """Read one claim file into the groups; its issues (capped)."""
        run = _FileRun(FileSummary(os.fspath(path)), self.limits.max_errors)
        self.files.append(run.summary)
        m = self.mapping
        header_type = trailer_type = ""
        for item in read_allowlisted(path, m, summary=run.summary, limits=self.limits):
            if isinstance(item, Issue):
                run.report(item)
                continue
            if run.layout is None:
                run.layout = self._layout(run.summary)
                assert run.layout is not None  # the reader yields facts only for a mapped layout
                run.totals = self._trailer_totals(run.layout)
                header_type, trailer_type = run.layout.header.type, run.layout.trailer.type
            rtype, values = item.record_type, item.values
            for total in run.totals:
                for t_rtype, a_id, d_id in total[2]:
                    if t_rtype == rtype:
                        sign = -1 if d_id and values.get(d_id) == "C" else 1
                        total[3] += sign * (values.get(a_id) or 0)
            if rtype == header_type:
                run.header, run.header_line = values, item.line
            elif rtype == trailer_type:
                if m.check_trailer:
                    checked = self._check_trailer(run.layout, run.summary, values, run.totals, item)
                    for problem in checked:
                        run.report(problem)
            elif rtype in m.line_records:
                self._line(run, item)
        return run.found

    def _line(self, run: _FileRun, item: ClaimFacts) -> None:
        """Add one claim line to its group, or report why it cannot be counted."""
        m, summary, layout = self.mapping, run.summary, run.layout
        assert layout is not None
        rtype, values = item.record_type, item.values
        summary.lines += 1
        f_code, f_date, f_amount, f_dc, f_qty, f_list = self._ids
        code = str(values[f_code]).strip()
        day = values[f_date]
        entry = m.codes.get(code)
        if entry is None:
            return
        here = Location(file=summary.file, line=item.line, record_type=rtype)
        if day is None:
            summary.errors += 1
            run.report(_missing(here, f_date, rtype, "the period"))
            return
        source_list = values.get(f_list) if f_list else None
        if m.counts(code, day, source_list) is None:
            summary.outside_validity += 1
            return
        insurer_ids, provider_ids = m.fields["insurer"], m.fields["provider"]
        insurer_id, insurer = _first(insurer_ids, values, run.header)
        provider_id, provider = _first(provider_ids, values, run.header)
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
                run.report(problem)
            return
        keys = m.keys
        group = (
            provider if "provider" in keys else None,
            insurer if "insurer" in keys else None,
            self._period(day),
            m.hoofdtaak(entry) if "hoofdtaak" in keys else None,
            code if "code" in keys else None,
        )
        sums = self._groups.get(group)
        if sums is None:
            unfit = self._unfit_elements(group)
            if unfit:
                used = {"provider": provider_id, "insurer": insurer_id}
                lines = {layout.header.type: run.header_line}
                for element in unfit:
                    summary.errors += 1
                    run.report(self._unfit_issue(element, layout, here, used, lines))
                return
            sums = self._groups[group] = _Sums(summary.file, item.line)
        summary.counted += 1
        sums.add(amount, values[f_dc] == "C", values, f_qty)

    def _period(self, day: date) -> date:
        begin_end = self._periods.get(day)
        if begin_end is None:
            begin_end = self._periods[day] = period_of(day, self.period)
        return begin_end[0]

    def _unfit_elements(self, group: tuple[Any, ...]) -> tuple[str, ...]:
        """The record elements that cannot hold the values of ``group`` (none: it fits)."""
        unfit = self._unfit.get(group)
        if unfit is None:
            try:
                self._record(group, _Sums())
                unfit = ()
            except ValidationError as exc:
                unfit = _elements(exc)
            if unfit:
                self._unfit[group] = unfit
        return unfit

    def _unfit_issue(
        self,
        element: str,
        layout: Layout,
        here: Location,
        used: dict[str, str | None],
        lines: dict[str, int],
    ) -> Issue:
        """M003 at the record, line and column of the field that fed ``element``; no value."""
        role, kind = _ELEMENT_ROLE.get(element, (None, element))
        fid = (used.get(role) or self.mapping.field(role)) if role else None
        if fid is None:  # an element not fed by a claim field: the mapping's own text
            reason = f"the lump-sum record cannot hold its {element}"
            return issue("M001", here, mapping=self.mapping.name, reason=reason)
        rtype = self.mapping.record_of(fid)
        spec = layout.records[rtype].by_id[fid]
        where = here.with_(
            line=lines.get(rtype, here.line),
            record_type=rtype,
            column=spec.start,
            field=fid,
            path=fid,
        )
        return issue("M003", where, field=fid, record=rtype, kind=kind)

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
        by_key = {layout.trailer.by_id[fid].key: v for fid, v in values.items()}
        for count, found, counted in count_mismatches(layout, by_key, summary.records):
            summary.errors += 1
            yield issue(
                "E009",
                here.with_(field=count.field.id, path=count.field.id),
                field=count.field.id,
                found=found,
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
        """The lump-sum records, sorted by provider, insurer, period, hoofdtaak, code.

        Never raises on a value: a group the record cannot hold (which :meth:`feed` already
        keeps out) is left out with an issue in :attr:`record_issues`, counted as an error of
        the file its first line came from.
        """
        out = []
        self.record_issues = []
        for key in sorted(self._groups, key=lambda k: tuple("" if v is None else v for v in k)):
            sums = self._groups[key]
            try:
                out.append(self._record(key, sums))
            except ValidationError as exc:
                here = Location(file=sums.file, line=sums.line)
                for element in _elements(exc):
                    role, kind = _ELEMENT_ROLE.get(element, (None, element))
                    fid = self.mapping.field(role) if role else None
                    if fid is None:
                        reason = f"the lump-sum record cannot hold its {element}"
                        found = issue("M001", here, mapping=self.mapping.name, reason=reason)
                    else:
                        rtype = self.mapping.record_of(fid)
                        where = here.with_(record_type=rtype, field=fid, path=fid)
                        found = issue("M003", where, field=fid, record=rtype, kind=kind)
                    self.record_issues.append(found)
                for summary in self.files:
                    if summary.file == sums.file:
                        summary.errors += 1
                        break
        return out

    def _record(self, key: tuple[Any, ...], sums: _Sums) -> LumpSumRecord:
        """The record of group ``key``; raises ``ValidationError`` (never shown: it holds
        the values) when the record cannot hold them."""
        m = self.mapping
        provider, insurer, begin, hoofdtaak, code = key
        # validated from element names: a refused value's error location names the element
        return LumpSumRecord.model_validate(
            {
                "Mapping": m.name,
                "Bronstandaard": m.standard,
                "Zorgaanbieder": provider,
                "Zorgverzekeraar": insurer,
                "PeriodeBegin": begin,
                "PeriodeEinde": period_of(begin, self.period)[1],
                "Hoofdtaak": hoofdtaak,
                "Broncode": code,
                "AantalRegels": sums.lines,
                "AantalPrestaties": sums.quantity,
                "Debet": sums.debit,
                "Credit": sums.credit,
                "Saldo": sums.debit - sums.credit,
            }
        )


def _first(
    ids: tuple[str, ...], line: dict[str, Any], header: dict[str, Any]
) -> tuple[str | None, str | None]:
    """(field id, value) of the first of ``ids`` filled with something other than zeros (line
    first, then header); ``(None, None)`` when none is."""
    for fid in ids:
        value = line.get(fid, header.get(fid))
        if isinstance(value, str) and value.strip("0"):
            return fid, value
    return None, None


def _elements(exc: ValidationError) -> tuple[str, ...]:
    """The names of the record elements that failed, in order; nothing of the input."""
    names: list[str] = []
    for error in exc.errors(include_url=False, include_context=False, include_input=False):
        loc = error.get("loc") or ()
        name = str(loc[0]) if loc else "record"
        if name not in names:
            names.append(name)
    return tuple(names)


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
    records = engine.records()
    return records, found + engine.record_issues
