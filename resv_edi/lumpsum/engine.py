"""Claim files -> lump-sum records, streaming, reading only the fields a mapping allowlists.

The claim files are read by :mod:`resv_edi.lumpsum.claims`: only the allowlisted fields of
allowlisted records are sliced, by columns where records come in blocks (:class:`ClaimColumns`),
one record at a time elsewhere (:class:`ClaimFacts`). Records of any other type (02 insured
person, 03 debtor, 98 comment) are counted by type and dropped without being decoded. Issues
name file, line, record type and field id; they never carry a value read from a claim file
(not even an unknown record type). A value that the
lump-sum record cannot hold (an AGB code that is not 8 digits, ...) is a coded issue (M003) at
the line and field it came from, never an exception: the record's validation error, which
would repeat the value, is caught and reduced to the names of the elements that failed.

Memory: one small accumulator per group key, plus per-file counters and at most
:data:`_MAX_OUTCOMES` kinds of claim line (see :meth:`LumpSumEngine._columns`); the number of
files and lines does not matter.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from operator import itemgetter
from typing import Any

from pydantic import ValidationError

from resv_edi.errors import Issue, Location
from resv_edi.limits import DEFAULT_LIMITS, Limits
from resv_edi.lumpsum.claims import ClaimColumns, ClaimFacts, FileSummary, read_allowlisted
from resv_edi.lumpsum.mapping import Mapping
from resv_edi.lumpsum.records import LumpSumRecord, period_of
from resv_edi.standard.catalogue import issue
from resv_edi.vektis.framing import count_mismatches
from resv_edi.vektis.layout import Layout

__all__ = ["ClaimColumns", "ClaimFacts", "FileSummary", "LumpSumEngine", "lump_sums"]

#: lump-sum record element -> (role whose field fed it, what the element needs)
_ELEMENT_ROLE = {
    "Zorgaanbieder": ("provider", "AGB code (8 digits)"),
    "Zorgverzekeraar": ("insurer", "UZOVI number (4 digits)"),
    "PeriodeBegin": ("date", "date"),
    "PeriodeEinde": ("date", "date"),
    "Hoofdtaak": ("code", "code of a RESV hoofdtaak"),
    "Broncode": ("code", "source code (text of at most 10 characters)"),
}


#: what became of a claim line (see :meth:`LumpSumEngine._line`) besides a group
_SKIPPED = "skipped"
_OUTSIDE = "outside"
#: kinds of claim line kept per file (memory stays flat; past it, lines go the exact way)
_MAX_OUTCOMES = 8192


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
        self.add_line(amount, credit, int(values.get(f_qty) or 0) if f_qty else 0)

    def add_line(self, amount: int, credit: bool, qty: int) -> None:
        self.lines += 1
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
    #: the deciding values of claim lines read by columns -> what became of such a line
    outcomes: dict[Any, Any] = field(default_factory=dict)

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
            if type(item) is ClaimColumns:
                self._columns(run, item)
                continue
            assert isinstance(item, ClaimFacts)
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
                self._line(run, rtype, item.line, values)
        return run.found

    def _columns(self, run: _FileRun, block: ClaimColumns) -> None:
        """The records of ``block`` (detail records, by columns): their amounts added to the
        trailer totals, and each claim line to its group (:meth:`_line`)."""
        rtype, columns = block.record_type, block.columns
        for total in run.totals:
            for t_rtype, a_id, d_id in total[2]:
                if t_rtype == rtype and a_id in columns:
                    amounts = [a or 0 for a in columns[a_id]]
                    signs = columns.get(d_id) if d_id else None
                    if signs is None:
                        total[3] += sum(amounts)
                    else:
                        total[3] += sum(amounts) - 2 * sum(
                            a for a, s in zip(amounts, signs, strict=True) if s == "C"
                        )
        if rtype not in self.mapping.line_records:
            return
        ids = tuple(columns)
        f_amount, f_dc, f_qty = self._ids[2], self._ids[3], self._ids[4]
        at_amount, at_dc = ids.index(f_amount), ids.index(f_dc)
        at_qty = ids.index(f_qty) if f_qty in ids else None
        # what decides a line's group (every value but amount, D/C and quantity)
        deciding = [i for i, fid in enumerate(ids) if fid not in (f_amount, f_dc, f_qty)]
        key_of = itemgetter(*deciding) if len(deciding) != 1 else (lambda row: (row[deciding[0]],))
        summary, groups, known = run.summary, self._groups, run.outcomes
        for line, row in zip(block.lines, zip(*columns.values(), strict=True), strict=True):
            key = key_of(row)
            outcome = known.get(key)
            amount = row[at_amount]
            if outcome is None or (amount is None and outcome is not _SKIPPED):
                # the exact way: the first line of its kind, or one with an issue
                outcome = self._line(run, rtype, line, dict(zip(ids, row, strict=True)))
                if outcome is not None and amount is not None and len(known) < _MAX_OUTCOMES:
                    known[key] = outcome
            elif outcome is _SKIPPED:
                summary.lines += 1
            elif outcome is _OUTSIDE:
                summary.lines += 1
                summary.outside_validity += 1
            else:
                summary.lines += 1
                summary.counted += 1
                qty = int(row[at_qty] or 0) if at_qty is not None else 0
                groups[outcome].add_line(amount, row[at_dc] == "C", qty)

    def _line(self, run: _FileRun, rtype: str, line: int, values: dict[str, Any]) -> Any:
        """Add one claim line to its group, or report why it cannot be counted. Returns
        what became of it when that depends on nothing but its values other than amount,
        D/C and quantity (and the file's header): the group it was added to, :data:`_SKIPPED`
        (a code the mapping does not count) or :data:`_OUTSIDE` (not valid on its date);
        ``None`` when it had an issue."""
        m, summary, layout = self.mapping, run.summary, run.layout
        assert layout is not None
        summary.lines += 1
        f_code, f_date, f_amount, f_dc, f_qty, f_list = self._ids
        code = str(values[f_code]).strip()
        day = values[f_date]
        entry = m.codes.get(code)
        if entry is None:
            return _SKIPPED
        here = Location(file=summary.file, line=line, record_type=rtype)
        if day is None:
            summary.errors += 1
            run.report(_missing(here, f_date, rtype, "the period"))
            return
        source_list = values.get(f_list) if f_list else None
        if m.counts(code, day, source_list) is None:
            summary.outside_validity += 1
            return _OUTSIDE
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
                return None
            sums = self._groups[group] = _Sums(summary.file, line)
        summary.counted += 1
        sums.add(amount, values[f_dc] == "C", values, f_qty)
        return group

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
