"""The rules across a whole message, answered at its end: totals against the lines, and the
references (R003 duplicates, R004/R025 credits, R035 credits that differ from their debit,
R037 one Werkgebied per ResvPlan); and the notes (I001) on checks that could not run because a
field was unreadable. Public for callers that read a message in
pieces (:mod:`resv_edi.batch.split`) and merge what the pieces counted."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from itertools import chain
from typing import Any

from resv_edi.errors import Issue, Location
from resv_edi.model.declaratie import Totalen
from resv_edi.model.messages import Entry
from resv_edi.rules.partial import alias_of
from resv_edi.rules.ref_partitions import PartitionedIndex
from resv_edi.rules.references import ReferenceIndex, RefRow
from resv_edi.standard.catalogue import issue
from resv_edi.standard.facts import facts
from resv_edi.standard.wording import phrase


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
            found=found,
            expected=computed,
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


def reference_issues(refs: PartitionedIndex | ReferenceIndex, file: str | None) -> Iterator[Issue]:
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


@dataclass
class Skipped:
    """Checks that could not run because a field was unreadable: on how many records, where."""

    header: bool = False
    cause: str | None = None
    count: int = 0
    first: Location | None = None
    last: Location | None = None
    fields: set[str] = field(default_factory=set)
    codes: set[str] = field(default_factory=set)

    def add(self, where: Location, unreadable: Iterable[str], *codes: str) -> None:
        if where != self.last:  # a record counts once, however many checks it stopped
            self.count += 1
            self.last = where
        if self.first is None:
            self.first = where
        self.fields.update(unreadable)
        self.codes.update(codes)

    def note(
        self,
        codes: tuple[str, ...],
        file: str | None,
        *,
        name: str = "",
        line_fields: tuple[str, ...] = (),
    ) -> Issue:
        """The ``I001`` note: which checks did not run, and why."""
        where = self.first or Location(file=file)
        fields = [f for f in line_fields if f in self.fields] or list(line_fields) or [name]
        shown = "/".join(fields)
        if self.header or not line_fields:
            reason = _unreadable(shown)
        else:
            reason = phrase("labels", "line_unreadable", fields=shown, count=self.count)
            if where.field is None and fields:
                where = where.with_(field=fields[0])
        return issue("I001", where, codes=", ".join(codes), reason=reason)


def skip_notes(skipped: dict[str, Skipped], file: str | None) -> Iterator[Issue]:
    """One ``I001`` note per record and unreadable field: the checks it stopped."""
    for key, note in skipped.items():
        name = key.rsplit("/", 1)[-1]
        found = note.note(tuple(sorted(note.codes)), file, name=name)
        yield replace(found, cause=note.cause)


def totals_issues(
    totals: Entry, lines: int, sums: list[int], amounts: Skipped, file: str | None
) -> Iterator[Issue]:
    """R002/R001 (declaratie) or R030/R031/R032 (retour) of a message's totals; a check that
    needs an unreadable amount (of a line or of the totals) becomes an ``I001`` note."""
    record: Any = totals.record
    declaratie = isinstance(record, Totalen)
    count_code, sum_codes = ("R002", ("R001",)) if declaratie else ("R030", ("R031", "R032"))
    if amounts.count:
        yield amounts.note(sum_codes, file, line_fields=("Bedrag", "DebetCredit"))
    checks: list[tuple[tuple[str, ...], Callable[[], Iterator[Issue]]]] = [
        ((count_code,), lambda: count_issue(count_code, totals, record.aantal_prestaties, lines))
    ]
    if not amounts.count and declaratie:
        checks.append(
            (
                sum_codes,
                lambda: sum_issue("R001", totals, "TotaalBedrag", record.signed_amount, sums[0]),
            )
        )
    elif not amounts.count:
        checks.append(
            (
                sum_codes,
                lambda: chain(
                    sum_issue(
                        "R031", totals, "TotaalIngediendBedrag", record.signed_submitted, sums[0]
                    ),
                    sum_issue(
                        "R032", totals, "TotaalToegekendBedrag", record.signed_granted, sums[1]
                    ),
                ),
            )
        )
    for codes, check in checks:
        try:
            found = list(check())
        except AttributeError as exc:  # totals refused and a field unreadable
            name = alias_of(record, exc.name or "")
            where = totals.location.with_(field=name)
            found = [issue("I001", where, codes=", ".join(codes), reason=_unreadable(name))]
        yield from found


def skip_note_key(entry: Entry, name: str, own: bool) -> tuple[str, Skipped]:
    """The key of the note on ``entry``'s field ``name`` (one per record and field) and an
    empty note; the note follows from the field's S001 (missing) or S002 (invalid) finding."""
    cause = "S002" if name in (entry.raw or {}) else "S001"
    return f"{entry.part}/{entry.index}/{name}", Skipped(header=not own, cause=cause)


def _unreadable(fields: str) -> object:
    return phrase("labels", "unreadable", fields=fields)
