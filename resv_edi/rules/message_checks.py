"""The rules across a whole message, answered at its end: totals against the lines, and the
references (R003 duplicates, R004/R025 credits, R035 credits that differ from their debit,
R037 one Werkgebied per ResvPlan). Public for callers that read a message in
pieces (:mod:`resv_edi.batch.split`) and merge what the pieces counted."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from resv_edi.errors import Issue, Location
from resv_edi.model.declaratie import Totalen
from resv_edi.model.messages import Entry
from resv_edi.model.retour import RetourTotalen
from resv_edi.rules.references import ReferenceIndex, RefRow
from resv_edi.standard.catalogue import issue
from resv_edi.standard.facts import facts


def totals_issues(totals: Entry, lines: int, sums: Sequence[int], unbound: int) -> Iterator[Issue]:
    """R002/R001 (declaratie) or R030/R031/R032 (retour): the totals record against the
    ``lines`` counted and the net ``sums`` (submitted, granted) in cents; the sums are
    compared only when every line was bound (``unbound`` 0)."""
    record = totals.record
    if isinstance(record, Totalen):
        yield from count_issue("R002", totals, record.aantal_prestaties, lines)
        if unbound == 0:
            yield from sum_issue("R001", totals, "TotaalBedrag", record.signed_amount, sums[0])
    elif isinstance(record, RetourTotalen):
        yield from count_issue("R030", totals, record.aantal_prestaties, lines)
        if unbound == 0:
            yield from sum_issue(
                "R031", totals, "TotaalIngediendBedrag", record.signed_submitted, sums[0]
            )
            yield from sum_issue(
                "R032", totals, "TotaalToegekendBedrag", record.signed_granted, sums[1]
            )


def count_issue(code: str, totals: Entry, found: int, counted: int) -> Iterator[Issue]:
    if found != counted:
        yield issue(
            code, totals.location.with_(field="AantalPrestaties"), found=found, expected=counted
        )


def sum_issue(code: str, totals: Entry, field: str, found: int, computed: int) -> Iterator[Issue]:
    if found != computed:
        yield issue(
            code,
            totals.location.with_(field=field),
            found=_signed(found),
            expected=_signed(computed),
        )


def _row_location(file: str | None, row: RefRow) -> Location:
    return Location(
        file=file,
        line=row.source_line,
        path=row.path,
        record_type="Prestatie",
        reference=row.reference,
        index=row.index,
    )


def reference_issues(refs: ReferenceIndex, file: str | None) -> Iterator[Issue]:
    for dup in refs.duplicates():
        yield issue(
            "R003",
            _row_location(file, dup.row).with_(field="Referentienummer"),
            reference=dup.row.reference,
            first_line=dup.first_source_line or dup.first_index,
        )
    for problem in refs.credit_problems():
        where = _row_location(file, problem.row).with_(field="VorigReferentienummer")
        if problem.debit_amount is None:
            yield issue("R004", where, reference=problem.row.previous or "(none)")
        else:
            yield issue(
                "R025",
                where,
                reference=problem.row.reference,
                found=problem.credited,
                expected=problem.debit_amount,
            )
    for diff in refs.credit_differences():
        yield issue(
            "R035",
            _row_location(file, diff.row).with_(field=diff.element),
            reference=diff.row.previous,
            field=diff.element,
            found=diff.found or "-",
            expected=diff.expected or "-",
        )
    for conflict in refs.region_conflicts():
        yield issue(
            "R037",
            _row_location(file, conflict.row).with_(field="Werkgebied"),
            found=conflict.row.region,
            plan=conflict.row.plan,
            expected=conflict.first_region,
            first_line=conflict.first_source_line or conflict.first_index,
        )


def retired_issue(location: Location, release: str) -> Issue:
    """F005: the file is written in a retired release of the standard."""
    return issue("F005", location, found=release, supported=", ".join(facts().supported_releases))


def _signed(cents: int) -> str:
    return f"{abs(cents)} {'D' if cents >= 0 else 'C'}"
